// The evaluation store (src/eval/store.ts, src/eval/store_node.ts): one test body for the memory
// store, the folder store (a temporary directory) and the IndexedDB store (fake-indexeddb); report
// files with errors that name the field; `lab eval --out` reports converted; a notebook's
// evaluate/stress cell turned into records with its configuration (src/notebook/eval_reports.ts).
import 'fake-indexeddb/auto';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { toolcalls101 } from '../../../src/data/generators/recipes';
import type { ToolCallRecord } from '../../../src/data/types';
import { METRIC_KEYS } from '../../../src/eval/aggregate';
import { scorePredictions, type Prediction } from '../../../src/eval/scoring';
import {
  EvalReportError,
  IdbEvalStore,
  lazyEvalStore,
  MemoryEvalStore,
  parseEvalReportFile,
  parseEvalReportFiles,
  recordFromCliReport,
  type EvalReportRecord,
  type EvalStore,
} from '../../../src/eval/store';
import { FileEvalStore } from '../../../src/eval/store_node';
import { cellEvalReports } from '../../../src/notebook/eval_reports';
import type { CellResult, EvaluateOutput, Notebook, StressOutput } from '../../../src/notebook/types';
import { APP_VERSION } from '../../../src/notebook/version';

const test = toolcalls101().records.filter((r): r is ToolCallRecord => r.kind === 'tool-call' && r.meta?.split === 'test').slice(0, 8);

/** Gold answers for the even records, prose for the odd ones: real outputs, really scored. */
function predictions(shift: number): Prediction[] {
  return test.map((r, i) => ({ id: r.id, output: (i + shift) % 2 === 0 ? JSON.stringify(r.expected.length === 1 ? r.expected[0] : r.expected) : 'I would rather not, thanks.' }));
}

function report(id: string, created: string, shift = 0): EvalReportRecord {
  const preds = predictions(shift);
  const s = scorePredictions(test, preds, { bootstrap: { resamples: 50 } });
  return {
    id,
    created,
    name: `run ${id}`,
    kind: 'eval',
    origin: { cli: true },
    config: {
      model: { id: 'lab-default@1', source: '/models/lab-default/', backend: 'cpu' },
      adapter: { runId: 'run-1' },
      dataset: { id: 'recipe:toolcalls-101', split: 'test', count: test.length, hash: 'abc' },
      format: 'compact',
      decoding: { maxNewTokens: 64, greedy: true, temperature: 0, constrained: false, seed: 0 },
      seed: 0,
      appVersion: APP_VERSION,
    },
    metrics: s.metrics,
    verdicts: s.verdicts,
    predictions: preds.map((p) => ({ id: p.id, output: p.output })),
    warnings: s.warnings,
  };
}

let dbn = 0;
const stores: [string, () => Promise<EvalStore>][] = [
  ['MemoryEvalStore', async () => new MemoryEvalStore()],
  ['FileEvalStore', () => FileEvalStore.open(join(mkdtempSync(join(tmpdir(), 'lab-evals-')), 'evals'))],
  ['IdbEvalStore', () => IdbEvalStore.open({ name: `lab-evals-test-${++dbn}` })],
  ['lazyEvalStore(IdbEvalStore)', async () => lazyEvalStore(() => IdbEvalStore.open({ name: `lab-evals-test-${++dbn}` }))],
];

describe.each(stores)('%s', (_name, open) => {
  it('put, get, list newest first, replace, delete', async () => {
    const s = await open();
    const a = report('eval-a', '2026-01-01T10:00:00.000Z', 0);
    const b = report('eval-b', '2026-01-03T10:00:00.000Z', 1);
    const c = report('eval-c', '2026-01-02T10:00:00.000Z', 0);
    expect(a.metrics.exactMatch.value).toBe(0.5);
    expect(b.verdicts.map((v) => v.exactMatch)).toEqual(a.verdicts.map((v) => !v.exactMatch));
    for (const r of [a, b, c]) await s.put(r);
    expect(await s.get('eval-a')).toEqual(a);
    expect(await s.get('nope')).toBeUndefined();
    expect((await s.list()).map((r) => r.id)).toEqual(['eval-b', 'eval-c', 'eval-a']);
    await s.put({ ...a, name: 'renamed', created: '2026-01-04T00:00:00.000Z' });
    expect((await s.get('eval-a'))?.name).toBe('renamed');
    expect((await s.list()).map((r) => r.id)).toEqual(['eval-a', 'eval-b', 'eval-c']);
    await s.delete('eval-b');
    await s.delete('eval-b');
    expect((await s.list()).map((r) => r.id)).toEqual(['eval-a', 'eval-c']);
    expect(await s.get('eval-b')).toBeUndefined();
    s.close();
  });

  it('a store keeps a copy: changing the record afterwards changes nothing stored', async () => {
    const s = await open();
    const a = report('eval-copy', '2026-01-01T10:00:00.000Z');
    await s.put(a);
    a.verdicts[0]!.exactMatch = !a.verdicts[0]!.exactMatch;
    expect((await s.get('eval-copy'))?.verdicts[0]?.exactMatch).toBe(!a.verdicts[0]!.exactMatch);
    s.close();
  });

  it('refuses an invalid record, naming the field', async () => {
    const s = await open();
    const bad = report('eval-bad', '2026-01-01T10:00:00.000Z') as unknown as { verdicts: { exactMatch: unknown }[] };
    bad.verdicts[2]!.exactMatch = 'yes';
    await expect(s.put(bad as unknown as EvalReportRecord)).rejects.toThrow('record.verdicts[2].exactMatch: must be true or false, got the string "yes"');
    expect(await s.list()).toEqual([]);
    s.close();
  });
});

describe('FileEvalStore on disk', () => {
  it('writes <id>.json through a temporary file (none left over), reads hand-edited files back with checks', async () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'lab-evals-')), 'evals');
    const s = await FileEvalStore.open(dir);
    await s.put(report('eval-x', '2026-01-01T10:00:00.000Z'));
    expect(readdirSync(dir)).toEqual(['eval-x.json']);
    expect(parseEvalReportFile(readFileSync(join(dir, 'eval-x.json'), 'utf8'))).toEqual(report('eval-x', '2026-01-01T10:00:00.000Z'));
    writeFileSync(join(dir, 'eval-y.json'), JSON.stringify({ ...report('eval-y', '2026-01-01T10:00:00.000Z'), kind: 'other' }));
    await expect(s.list()).rejects.toThrow(`${join(dir, 'eval-y.json')}.kind: must be "eval" or "stress"`);
    await expect(s.put(report('../escape', '2026-01-01T10:00:00.000Z'))).rejects.toThrow(/cannot be a file name/);
  });
});

describe('parseEvalReportFile', () => {
  const good = report('eval-p', '2026-01-01T10:00:00.000Z');
  const mutate = (f: (r: Record<string, unknown>) => void): string => {
    const r = structuredClone(good) as unknown as Record<string, unknown>;
    f(r);
    return JSON.stringify(r);
  };

  it('reads a stored record back unchanged', () => {
    expect(parseEvalReportFile(JSON.stringify(good), 'a.json')).toEqual(good);
  });

  it.each([
    ['not JSON', () => '{"id": ', /^a\.json: not JSON/],
    ['an array', () => '[]', /^a\.json: must be an object, got an array$/],
    ['no id', () => mutate((r) => delete r.id), /^a\.json\.id: must be a string, got undefined/],
    ['bad date', () => mutate((r) => (r.created = 'yesterday')), /^a\.json\.created: must be an ISO date-time/],
    ['greedy missing', () => mutate((r) => delete (r.config as { decoding: Record<string, unknown> }).decoding.greedy), /^a\.json\.config\.decoding\.greedy: must be true or false/],
    ['dataset count', () => mutate((r) => ((r.config as { dataset: Record<string, unknown> }).dataset.count = '8')), /^a\.json\.config\.dataset\.count: must be a finite number/],
    ['metric gone', () => mutate((r) => delete (r.metrics as Record<string, unknown>).schemaOk), /^a\.json\.metrics\.schemaOk: must be an object/],
    ['unknown label', () => mutate((r) => ((r.verdicts as Record<string, unknown>[])[1]!.error = 'oops')), /^a\.json\.verdicts\[1\]\.error: must be null or an error label/],
    ['duplicate id', () => mutate((r) => ((r.verdicts as Record<string, unknown>[])[3]!.id = (r.verdicts as Record<string, unknown>[])[0]!.id)), /^a\.json\.verdicts\[3\]\.id: ".*" appears twice/],
    ['prediction output', () => mutate((r) => ((r.predictions as Record<string, unknown>[])[5]!.output = null)), /^a\.json\.predictions\[5\]\.output: must be a string, got null/],
    ['stress seed', () => mutate((r) => ((r.config as Record<string, unknown>).stress = { transform: 'renaming' })), /^a\.json\.config\.stress\.seed: must be a finite number/],
  ])('%s', (_n, text, message) => {
    expect(() => parseEvalReportFile(text(), 'a.json')).toThrow(EvalReportError);
    expect(() => parseEvalReportFile(text(), 'a.json')).toThrow(message);
  });

  it('converts a `lab eval --out` report (its configuration, examples and score) and checks it', () => {
    const s = scorePredictions(test, predictions(0), { bootstrap: { resamples: 50 } });
    const cli = {
      config: {
        reportVersion: 1,
        appVersion: '0.1.0',
        runtime: 'engine',
        backend: 'wasm',
        model: { name: '/m/lab-default', arch: 'llama', context: 512 },
        adapter: { name: '/a/adapter', r: 8, alpha: 16, targetModules: ['q_proj'] },
        format: 'compact',
        decoding: { maxNewTokens: 32, temperature: 0.7, topK: 40, topP: 0.9, seed: 5, constrained: true, constrainedCalls: 'any' },
        batchSize: 8,
        data: { name: 'tc101.jsonl', split: 'test', records: 8 },
        started: '2026-02-02T02:02:02.000Z',
      },
      examples: test.map((r, i) => ({ id: r.id, index: i, output: predictions(0)[i]!.output, finishReason: 'eos', promptTokens: 10, newTokens: 5, verdict: s.verdicts[i] })),
      score: { ...s, verdicts: undefined },
      timing: { seconds: 1, examplesPerSecond: 8, newTokensPerSecond: 40, constrainedCompileMs: 0, constrainedInitMs: 0 },
    };
    const r = parseEvalReportFile(JSON.stringify(cli), 'dir/base.json');
    expect(r).toMatchObject({
      name: 'base',
      kind: 'eval',
      created: '2026-02-02T02:02:02.000Z',
      origin: { cli: true },
      config: {
        model: { id: '/m/lab-default', backend: 'wasm' },
        adapter: { path: '/a/adapter' },
        dataset: { id: 'tc101.jsonl', split: 'test', count: 8 },
        format: 'compact',
        decoding: { maxNewTokens: 32, greedy: false, temperature: 0.7, topK: 40, topP: 0.9, constrained: true, seed: 5 },
        seed: 5,
        appVersion: '0.1.0',
      },
    });
    expect(r.verdicts).toEqual(s.verdicts);
    expect(r.metrics).toEqual(s.metrics);
    expect(r.predictions.map((p) => p.output)).toEqual(predictions(0).map((p) => p.output));
    // The same file read twice gives the same id; a different file name, another id.
    expect(parseEvalReportFile(JSON.stringify(cli), 'dir/base.json').id).toBe(r.id);
    expect(parseEvalReportFile(JSON.stringify(cli), 'dir/other.json').id).not.toBe(r.id);
    // A broken verdict inside names its example.
    const broken = structuredClone(cli) as unknown as { examples: { verdict: Record<string, unknown> }[] };
    broken.examples[4]!.verdict.schemaOk = 1;
    expect(() => parseEvalReportFile(JSON.stringify(broken), 'b.json')).toThrow('b.json.examples[4].verdict.schemaOk: must be true or false');
    // A `lab stress` file: one run per report inside, the stress seed kept; parseEvalReportFile asks to pick one.
    const stressFile = JSON.stringify({ config: cli.config, stressSeed: 3, rows: [], table: [], reports: { baseline: cli, renaming: { ...cli, config: { ...cli.config, data: { ...cli.config.data, stress: 'renaming' } } } } });
    const runs = parseEvalReportFiles(stressFile, 'st.json');
    expect(runs.map((x) => [x.name, x.kind, x.config.stress])).toEqual([
      ['st · baseline', 'stress', { transform: 'baseline', seed: 3 }],
      ['st · renaming', 'stress', { transform: 'renaming', seed: 3 }],
    ]);
    expect(new Set(runs.map((x) => x.id)).size).toBe(2);
    expect(() => parseEvalReportFile(stressFile, 'st.json')).toThrow(/holds 2 runs/);
    expect(recordFromCliReport(cli, 'x.json').kind).toBe('eval');
  });
});

describe('notebook cells → records (src/notebook/eval_reports.ts)', () => {
  const s = scorePredictions(test, predictions(0), { bootstrap: { resamples: 50 } });
  const summary = { n: s.verdicts.length, metrics: s.metrics, warnings: s.warnings, verdicts: s.verdicts, outputs: predictions(0).map((p) => ({ id: p.id, output: p.output })) };
  const nb = {
    id: 'nb1',
    title: 'Tool calls',
    defaultModel: 'lab-default@1',
    cells: [
      { id: 'data', type: 'dataset', source: { kind: 'recipe', recipe: 'toolcalls-101' }, split: { method: 'recipe' }, format: 'compact' },
      { id: 'model', type: 'model', source: { kind: 'default' }, backend: 'auto' },
      { id: 'lora', type: 'train', model: 'model', dataset: 'data' },
      { id: 'after', type: 'evaluate', title: 'After LoRA', model: 'model', dataset: 'data', adapter: 'lora', split: 'test', format: null, decoding: { maxNewTokens: 48, temperature: 0, seed: 3, constrained: true }, limit: null },
      { id: 'stress', type: 'stress', evaluate: 'after', transforms: ['renaming', 'unseen-tools'], seed: 9 },
    ],
  } as unknown as Notebook;
  const res = (cellId: string, output: unknown): CellResult => ({ cellId, status: 'done', configHash: '', inputsHash: '', profile: 'smoke', appVersion: APP_VERSION, startedAt: '', finishedAt: '', output: output as CellResult['output'], error: null, checks: [] });
  const evalOut: EvaluateOutput = { type: 'evaluate', ...summary, model: '/models/lab-default/', adapter: 'lora', split: 'test', format: 'compact', available: 100 };
  const results = {
    data: res('data', { type: 'dataset', fingerprint: 'fp-123' }),
    model: res('model', { type: 'model', source: '/models/lab-default/', backend: 'webgpu' }),
    lora: res('lora', { type: 'train', runId: 'nb-nb1-lora-abc' }),
    after: res('after', evalOut),
  };

  it('an evaluate cell: one record with model, adapter run, dataset, format, decoding, seed and version', () => {
    const [r, ...more] = cellEvalReports(nb, nb.cells[3]!, evalOut, results, '2026-03-03T03:03:03.000Z');
    expect(more).toEqual([]);
    expect(r).toMatchObject({
      name: 'Tool calls · After LoRA',
      kind: 'eval',
      created: '2026-03-03T03:03:03.000Z',
      origin: { notebookId: 'nb1', cellId: 'after' },
      config: {
        model: { id: 'lab-default@1', source: '/models/lab-default/', backend: 'webgpu' },
        adapter: { runId: 'nb-nb1-lora-abc' },
        dataset: { id: 'recipe:toolcalls-101', split: 'test', count: 8, hash: 'fp-123' },
        format: 'compact',
        decoding: { maxNewTokens: 48, greedy: true, temperature: 0, constrained: true, seed: 3 },
        seed: 3,
        appVersion: APP_VERSION,
      },
      verdicts: s.verdicts,
      predictions: summary.outputs,
    });
    expect(Object.keys(r!.metrics)).toEqual([...METRIC_KEYS]);
  });

  it('a stress cell: the baseline and each scored transformation, with the stress seed', () => {
    const stressOut: StressOutput = {
      type: 'stress',
      baseline: summary,
      rows: [
        { transform: 'renaming', applied: 8, notApplicable: 0, reasons: {}, summary },
        { transform: 'unseen-tools', applied: 0, notApplicable: 8, reasons: { 'no unseen tool': 8 }, summary: null },
      ],
    };
    const rs = cellEvalReports(nb, nb.cells[4]!, stressOut, results, '2026-03-03T03:03:03.000Z');
    expect(rs.map((r) => [r.name, r.kind, r.config.stress, r.config.adapter])).toEqual([
      ['Tool calls · stress · baseline', 'stress', { transform: 'baseline', seed: 9 }, { runId: 'nb-nb1-lora-abc' }],
      ['Tool calls · stress · renaming', 'stress', { transform: 'renaming', seed: 9 }, { runId: 'nb-nb1-lora-abc' }],
    ]);
    expect(new Set(rs.map((r) => r.id)).size).toBe(2);
    expect(cellEvalReports(nb, nb.cells[0]!, null, results, '2026-03-03T03:03:03.000Z')).toEqual([]);
  });
});
