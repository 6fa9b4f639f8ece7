// Real-shaped evaluation reports for the Runs view tests: test records of toolcalls-101, model
// outputs written the way small models get them wrong (wrong tool, a missing argument, broken
// JSON, prose), scored by the real scorer (src/eval/scoring.ts). No metric is written by hand.
import { toolcalls101 } from '../../../src/data/generators/recipes';
import type { ToolCallRecord } from '../../../src/data/types';
import { scorePredictions, type Prediction } from '../../../src/eval/scoring';
import type { EvalReportRecord } from '../../../src/eval/store';

/** How one output is written: right, wrong tool, a required argument dropped, broken JSON, prose. */
export type Mistake = 'right' | 'wrong-tool' | 'drop-arg' | 'broken' | 'prose';

/** The first `n` test records of toolcalls-101 that expect exactly one call. */
export function testRecords(n: number): ToolCallRecord[] {
  return toolcalls101()
    .records.filter((r) => r.meta?.split === 'test' && r.expected.length === 1)
    .slice(0, n);
}

/** The model output for `record` with `mistake`. */
export function output(record: ToolCallRecord, mistake: Mistake): string {
  const call = record.expected[0]!;
  switch (mistake) {
    case 'right':
      return JSON.stringify(call);
    case 'wrong-tool':
      return JSON.stringify({ ...call, name: `${call.name}_v2` });
    case 'drop-arg': {
      const args = { ...(call.arguments as Record<string, unknown>) };
      delete args[Object.keys(args)[0]!];
      return JSON.stringify({ name: call.name, arguments: args });
    }
    case 'broken':
      return JSON.stringify(call).slice(0, -3);
    case 'prose':
      return `I would call ${call.name} for you.`;
  }
}

/** A stored-shape report: `mistakes[i]` decides record i's output; scored by scorePredictions. */
export function buildReport(id: string, name: string, records: ToolCallRecord[], mistakes: readonly Mistake[], created: string, adapterRunId?: string): EvalReportRecord {
  const predictions: Prediction[] = records.map((r, i) => ({ id: r.id, output: output(r, mistakes[i % mistakes.length]!) }));
  const score = scorePredictions(records, predictions, { bootstrap: { resamples: 200 } });
  return {
    id,
    created,
    name,
    kind: 'eval',
    origin: { notebookId: 'runs-view-test', cellId: id },
    config: {
      model: { id: 'lab-default@1', source: '/models/lab-default/', backend: 'cpu' },
      adapter: adapterRunId ? { runId: adapterRunId } : null,
      dataset: { id: 'toolcalls-101', split: 'test', count: records.length },
      format: 'compact',
      decoding: { maxNewTokens: 64, greedy: true },
      appVersion: '0.1.0',
    },
    metrics: score.metrics,
    verdicts: score.verdicts,
    predictions: predictions.map((p) => ({ id: p.id, output: p.output })),
    warnings: score.warnings,
  };
}

/** Baseline and tuned reports over the same 12 records: the tuned one fixes some and breaks others. */
export function baselineAndTuned(): { base: EvalReportRecord; tuned: EvalReportRecord } {
  const records = testRecords(12);
  const base = buildReport('eval-base', 'baseline · test', records, ['right', 'wrong-tool', 'broken', 'prose', 'right', 'drop-arg'], '2026-11-20T10:00:00.000Z');
  const tuned = buildReport('eval-tuned', 'after LoRA · test', records, ['right', 'right', 'right', 'drop-arg', 'wrong-tool', 'right'], '2026-11-20T11:00:00.000Z', 'run-1');
  return { base, tuned };
}
