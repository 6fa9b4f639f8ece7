// "Unseen tools" means tools never CALLED in training (src/eval/stress.ts trainedToolNames): a tool
// that training records only offer as a distractor is still unseen. On toolcalls-101 the
// transformation keeps the held-out records (n > 0), also when training offers every tool; and the
// Trainer stores the called tools as trainedOn.tools (offered ones as trainedOn.offeredTools), which
// the notebook runner passes to the stress cell. That test also saves the notebook's evaluate and
// stress reports through the runner's evalStore.
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CATALOGUE } from '../../../src/data/generators/catalogue';
import { toolcalls101 } from '../../../src/data/generators/recipes';
import { seedToySet } from '../../../src/data/generators/seed';
import { toolSpec } from '../../../src/data/generators/toolcalls';
import type { ToolCallRecord } from '../../../src/data/types';
import { StressError, trainedToolNames, unseenTools } from '../../../src/eval/stress';
import { MemoryEvalStore } from '../../../src/eval/store';
import { defaultCell } from '../../../src/notebook/cells';
import { NotebookRunner } from '../../../src/notebook/runner';
import { nodeSessionServices } from '../../../src/notebook/services_node';
import type { Cell, Notebook, StressOutput, TrainCell, TrainOutput } from '../../../src/notebook/types';

const recipe = toolcalls101();
const split = (s: string) => recipe.records.filter((r): r is ToolCallRecord => r.kind === 'tool-call' && r.meta?.split === s);
const train = split('train');
const test = split('test');
const offered = (rs: readonly ToolCallRecord[]) => new Set(rs.flatMap((r) => r.tools.map((t) => t.name)));

describe('unseen tools = tools never called in training', () => {
  it('trainedToolNames counts called tools only', () => {
    const r = train.find((x) => x.expected.length === 1 && x.tools.length > 1)!;
    expect(trainedToolNames([r])).toEqual(new Set([r.expected[0]!.name]));
    expect(trainedToolNames(train.filter((x) => x.expected.length === 0)).size).toBe(0);
  });

  it('toolcalls-101: the held-out records are kept (n > 0) and only they', () => {
    const res = unseenTools(test, { seed: 1, trainedTools: trainedToolNames(train) });
    const held = new Set(recipe.heldOutTools);
    expect(held.size).toBeGreaterThan(0);
    expect(res.applied).toBe(test.filter((r) => r.expected.length > 0 && r.expected.every((c) => held.has(c.name))).length);
    expect(res.applied).toBeGreaterThan(0);
    expect(res.records.every((r) => r.expected.every((c) => held.has(c.name)))).toBe(true);
  });

  it('training that OFFERS the held-out tools as distractors still leaves them unseen (the old "offered" definition left none)', () => {
    const heldSpecs = test.flatMap((r) => r.tools).filter((t) => recipe.heldOutTools.includes(t.name));
    const byName = new Map(heldSpecs.map((t) => [t.name, t]));
    const withDistractors = train.map((r) => ({ ...r, tools: [...r.tools, ...[...byName.values()].filter((t) => !r.tools.some((x) => x.name === t.name))] }));
    for (const h of recipe.heldOutTools) expect(offered(withDistractors).has(h)).toBe(true);
    const res = unseenTools(test, { seed: 1, trainedTools: trainedToolNames(withDistractors) });
    expect(res.applied).toBeGreaterThan(0);
    expect(() => unseenTools(test, { seed: 1, trainedTools: offered(withDistractors) })).toThrow(StressError);
  });
});

const MODEL = resolve('../shared/fixtures/stories260K/hf');

describe('the Trainer and the notebook runner', () => {
  it('trainedOn.tools holds the called tools, offeredTools the listed ones; stress sees the distractor as unseen; reports are saved', async () => {
    if (!existsSync(join(MODEL, 'model.safetensors'))) throw new Error(`missing fixture ${MODEL} (see ../shared/fixtures/README.md)`);
    // The toy set (calls book_flight and get_weather) with a catalogue tool offered in every
    // training record, and called by one extra test record.
    const extra = toolSpec(CATALOGUE.find((t) => !['book_flight', 'get_weather'].includes(t.name))!);
    const toy = seedToySet();
    const records = toy.map((r) => ({ ...r, tools: [...r.tools, extra] }));
    const probe: ToolCallRecord = { ...records[0]!, id: 'probe-extra', expected: [{ name: extra.name, arguments: {} }], acceptable: undefined, optional: undefined, meta: {} };
    const ids = records.map((r) => r.id);
    const nb: Notebook = {
      kind: 'lab-notebook',
      schemaVersion: 1,
      id: 'unseen-nb',
      title: 'Unseen',
      description: '',
      appVersion: '0.1.0',
      offline: true,
      created: '2026-01-01T00:00:00.000Z',
      modified: '2026-01-01T00:00:00.000Z',
      datasets: { d: { info: { name: 'toy+extra', description: '', kind: 'tool-call', provenance: 'test', license: 'MIT' }, records: [...records, probe], split: { train: ids.slice(0, 14), validation: [], test: [...ids.slice(14), 'probe-extra'] } } },
      cells: [],
    };
    const cells: Cell[] = [
      { id: 'data', type: 'dataset', source: { kind: 'embedded', ref: 'd' }, split: { method: 'recipe' }, format: 'compact' },
      { id: 'model', type: 'model', source: { kind: 'url', url: MODEL }, backend: 'cpu' },
    ];
    const trainCell: TrainCell = { ...(defaultCell('train', 'lora', cells) as TrainCell), maxSteps: 2, evalEvery: 0, batchSize: 4, warmupSteps: 0 };
    cells.push(trainCell);
    const evalCell = { ...(defaultCell('evaluate', 'after', cells) as Extract<Cell, { type: 'evaluate' }>), adapter: 'lora', split: 'test' as const, decoding: { maxNewTokens: 4, temperature: 0, seed: 0, constrained: false }, limit: null, expect: {} };
    cells.push(evalCell, { id: 'stress', type: 'stress', evaluate: 'after', transforms: ['unseen-tools'], seed: 2 });
    nb.cells = cells;
    const evalStore = new MemoryEvalStore();
    const services = await nodeSessionServices({ defaultModel: null, evalStore });
    try {
      const runner = new NotebookRunner(nb, services);
      await runner.runAll({ profile: 'smoke' });
      for (const id of ['lora', 'after', 'stress']) expect(runner.results[id]!.status, `${id}: ${runner.results[id]!.error?.message}`).toBe('done');
      const t = runner.results.lora!.output as TrainOutput;
      expect(t.trainedTools).toEqual(['book_flight', 'get_weather']);
      const trainer = (await import('../../../src/runs/store')).RunStore;
      const runs = await trainer.open({ name: `lab-runs-node-${process.pid}` });
      const rec = await runs.getRun(t.runId!);
      runs.close();
      expect(rec.trainedOn.tools).toEqual(['book_flight', 'get_weather']);
      expect(rec.trainedOn.offeredTools).toEqual(['book_flight', 'get_weather', extra.name].sort());
      const st = runner.results.stress!.output as StressOutput;
      expect(st.rows[0]).toMatchObject({ transform: 'unseen-tools', applied: 1 });
      expect(st.rows[0]!.summary!.verdicts.map((v) => v.id)).toEqual(['probe-extra']);

      const saved = await evalStore.list();
      expect(saved.map((r) => [r.kind, r.origin.cellId, r.config.stress?.transform ?? null]).sort()).toEqual([
        ['eval', 'after', null],
        ['stress', 'stress', 'baseline'],
        ['stress', 'stress', 'unseen-tools'],
      ]);
      const ev = saved.find((r) => r.kind === 'eval')!;
      expect(ev.config).toMatchObject({ adapter: { runId: t.runId }, dataset: { id: 'notebook:unseen-nb/d', split: 'test', count: 5 }, format: 'compact', decoding: { maxNewTokens: 4, greedy: true } });
      expect(ev.verdicts).toEqual(st.baseline.verdicts);
    } finally {
      await services.dispose();
    }
  }, 120_000);
});
