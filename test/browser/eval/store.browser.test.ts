// The evaluation store on Chromium's real IndexedDB (src/eval/store.ts IdbEvalStore, as the lab
// worker's notebook host opens it through lazyEvalStore): records scored from real predictions
// survive a close and reopen, list newest first, and an invalid record is refused by field.
import { describe, expect, it } from 'vitest';
import { toolcalls101 } from '../../../src/data/generators/recipes';
import type { ToolCallRecord } from '../../../src/data/types';
import { scorePredictions } from '../../../src/eval/scoring';
import { EVALS_DB_NAME, IdbEvalStore, lazyEvalStore, type EvalReportRecord } from '../../../src/eval/store';

const test = toolcalls101().records.filter((r): r is ToolCallRecord => r.kind === 'tool-call' && r.meta?.split === 'test').slice(0, 6);

function report(id: string, created: string, right: (i: number) => boolean): EvalReportRecord {
  const preds = test.map((r, i) => ({ id: r.id, output: right(i) ? JSON.stringify(r.expected.length === 1 ? r.expected[0] : r.expected) : 'no idea' }));
  const s = scorePredictions(test, preds, { bootstrap: { resamples: 50 } });
  return {
    id,
    created,
    name: id,
    kind: 'eval',
    origin: { notebookId: 'nb', cellId: 'after' },
    config: { model: { id: 'lab-default@1', backend: 'webgpu' }, adapter: { runId: 'r1' }, dataset: { id: 'recipe:toolcalls-101', split: 'test', count: 6 }, format: 'compact', decoding: { maxNewTokens: 64, greedy: true }, appVersion: '0.1.0' },
    metrics: s.metrics,
    verdicts: s.verdicts,
    predictions: preds,
  };
}

describe('IdbEvalStore in Chromium', () => {
  it('keeps reports across a reopen, lists newest first, deletes, refuses a bad record', async () => {
    const name = `lab-evals-browser-${Date.now()}`;
    const a = report('eval-a', '2026-01-01T00:00:00.000Z', (i) => i < 3);
    const b = report('eval-b', '2026-01-02T00:00:00.000Z', () => true);
    expect(a.metrics.exactMatch.value).toBe(0.5);
    expect(b.metrics.exactMatch.value).toBe(1);
    const s1 = await IdbEvalStore.open({ name });
    await s1.put(a);
    await s1.put(b);
    s1.close();
    const s2 = lazyEvalStore(() => IdbEvalStore.open({ name }));
    expect((await s2.list()).map((r) => r.id)).toEqual(['eval-b', 'eval-a']);
    expect(await s2.get('eval-a')).toEqual(a);
    await s2.delete('eval-b');
    expect((await s2.list()).map((r) => r.id)).toEqual(['eval-a']);
    await expect(s2.put({ ...a, config: { ...a.config, format: 7 as unknown as string } })).rejects.toThrow('record.config.format: must be a string, got number 7');
    s2.close();
    await IdbEvalStore.destroy(name);
    expect(EVALS_DB_NAME).toBe('lab-evals');
  });
});
