// `lab run` (src/cli/commands/run.ts) through the command's own run(): by default on the fast CPU
// path (the wasm backend), with its training runs in DIR/runs (the folder runs store, no
// IndexedDB); a second `lab run` on the same --store reuses the finished run instead of training
// it again. stories260K (a real model) on the seed's toy set, a 3-step LoRA.
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import command from '../../../src/cli/commands/run';
import { defaultCell } from '../../../src/notebook/cells';
import type { Cell, TrainCell } from '../../../src/notebook/types';
import { toyNotebook } from '../notebook/helpers';

const MODEL = resolve('../shared/fixtures/stories260K/hf');

interface Summary {
  backend: string;
  ok: boolean;
  runs: string;
  engine: { peakTensorBytes: number; wasmHeapBytes?: number; wasmMemoryBytes?: number };
  cells: { id: string; status: string; error?: string }[];
}

let dir = '';
beforeAll(async () => {
  if (!existsSync(join(MODEL, 'model.safetensors'))) throw new Error(`missing fixture ${MODEL} (see ../shared/fixtures/README.md)`);
  dir = await mkdtemp(join(tmpdir(), 'lab-run-test-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Run the command and return the summary it prints. */
async function labRun(values: Record<string, string>, file: string): Promise<Summary> {
  const log = vi.spyOn(console, 'log').mockImplementation(() => {});
  const err = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
  try {
    await command.run({ positionals: [file], values });
    return JSON.parse(String(log.mock.calls.at(-1)![0])) as Summary;
  } finally {
    log.mockRestore();
    err.mockRestore();
  }
}

describe('lab run', () => {
  it('runs on wasm by default, keeps runs in DIR/runs, and reuses a finished run', async () => {
    const nb = toyNotebook(MODEL);
    nb.id = 'lab-run-test';
    (nb.cells[2] as Extract<Cell, { type: 'model' }>).backend = 'auto';
    const train: TrainCell = { ...(defaultCell('train', 'train', nb.cells) as TrainCell), maxSteps: 3, evalEvery: 3, batchSize: 4, learningRate: 1e-2, warmupSteps: 0 };
    // No expected results: stories260K writes stories, so the toy set's exactMatch check would fail.
    nb.cells[3] = { ...(nb.cells[3] as Extract<Cell, { type: 'evaluate' }>), expect: {} };
    nb.cells.push(train, { ...(nb.cells[3] as Extract<Cell, { type: 'evaluate' }>), id: 'after', adapter: 'train' });
    const file = join(dir, 'nb.json');
    await writeFile(file, JSON.stringify(nb));
    const store = join(dir, 'store');

    const first = await labRun({ store, profile: 'smoke' }, file);
    expect(first.cells.map((c) => [c.id, c.status, c.error ?? ''])).toEqual(['intro', 'toy', 'model', 'eval', 'train', 'after'].map((id) => [id, 'done', '']));
    expect(first.ok).toBe(true);
    // The default backend is auto, which is wasm here (Node has WebAssembly SIMD).
    expect(first.backend).toBe('wasm');
    expect(first.engine.wasmMemoryBytes).toBeGreaterThan(0);
    expect(first.engine.wasmHeapBytes).toBeLessThanOrEqual(first.engine.wasmMemoryBytes!);
    expect(first.runs).toBe(join(store, 'runs'));
    const runDirs = await readdir(first.runs);
    expect(runDirs).toHaveLength(1);
    expect(runDirs[0]).toMatch(/^nb-lab-run-test-train-/);
    expect((await readdir(join(first.runs, runDirs[0]!))).sort()).toEqual(['adapter.json', 'adapter_model.safetensors', 'checkpoint.safetensors', 'data.json', 'run.json']);
    const runFile = join(first.runs, runDirs[0]!, 'run.json');
    const run = JSON.parse(await readFile(runFile, 'utf8')) as { status: string; step: number; modified: string };
    expect(run).toMatchObject({ status: 'done', step: 3 });

    // Again on the same store without the notebook's results: the train cell runs, finds its
    // finished run in DIR/runs and reuses it (the run record is not written again).
    await rm(join(store, `${nb.id}.results.json`));
    const second = await labRun({ store, profile: 'smoke', backend: 'cpu' }, file);
    expect(second.backend).toBe('cpu');
    expect(second.engine.wasmMemoryBytes).toBeUndefined();
    expect(second.cells.find((c) => c.id === 'train')!.status).toBe('done');
    expect(JSON.parse(await readFile(runFile, 'utf8'))).toEqual(run);
  });

  it('--tokens ID prints the dataset cell\'s format preview and runs nothing', async () => {
    const nb = toyNotebook(MODEL);
    nb.cells.push({ ...(defaultCell('train', 'train', nb.cells) as TrainCell), maxLength: 160 });
    const file = join(dir, 'tokens.json');
    await writeFile(file, JSON.stringify(nb));
    const store = join(dir, 'tokens-store');
    const p = (await labRun({ store, tokens: 'toy', backend: 'cpu' }, file)) as unknown as {
      trainCellId: string;
      maxLength: number;
      splits: { split: string; records: number; overMaxLength: number; maxTokens: number }[];
      example: { promptTokens: number; lossTokens: number; completionTokens: number; marked: string };
    };
    expect(p.trainCellId).toBe('train');
    expect(p.splits.map((s) => [s.split, s.records])).toEqual([['train', 14], ['validation', 4], ['test', 0]]);
    // The toy set's longest training example is longer than 160 tokens with stories260K's tokenizer.
    expect(p.splits[0]!.maxTokens).toBeGreaterThan(160);
    expect(p.splits[0]!.overMaxLength).toBeGreaterThan(0);
    // Completion-only loss: one marked run, the answer and its end token, at the end.
    expect(p.example.lossTokens).toBe(p.example.completionTokens + 1);
    expect(p.example.marked.match(/⟦/g)).toHaveLength(1);
    expect(p.example.marked).toMatch(/⟦ ?\{.*\}<\/s>⟧$/s);
    expect(existsSync(join(store, 'runs'))).toBe(false);
  });
});
