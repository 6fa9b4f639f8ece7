// `lab stress`: the `eval` run on the unstressed split (the baseline) and on each seeded stress
// transformation of it (src/eval/stress.ts), one report with every metric per transformation beside
// the baseline. A transformation that cannot apply to a record counts it as "not applicable" (with
// reasons); one that cannot run at all (e.g. unseen-tools without any unseen tool) is reported as
// an error in its row, and the others still run.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { CATALOGUE } from '../../data/generators/catalogue';
import { toolSpec } from '../../data/generators/toolcalls';
import type { LabRecord, ToolCallRecord } from '../../data/types';
import { METRIC_KEYS } from '../../eval/aggregate';
import { parseRecordsText } from '../../eval/io';
import { runEval, type EvalReport } from '../../eval/run';
import { STRESS_NAMES, applyStress, trainedToolNames, type StressName, type StressResult } from '../../eval/stress';
import { need, num, UsageError, type Command, type Parsed } from '../command';
import { recordsFromStressReport } from '../../eval/store';
import { EVAL_OPTIONS, EVAL_USAGE_OPTIONS, openGenerator, progressPrinter, readEvalData, readEvalOptions, storeReports, summarize } from './eval';

/** One column of the stress table. */
export interface StressRow {
  transform: 'baseline' | StressName;
  records: number;
  notApplicable: StressResult['notApplicable'] | null;
  notes: string[];
  error: string | null;
  metrics: Record<string, { value: number | null; ci95: [number | null, number | null]; n: number }> | null;
}

/**
 * The tools the evaluated model was trained on, for unseen-tools: the adapter's train_report.json
 * (`data` + `trainedOn` ids) when there is one, else the tools of the data file's train split.
 */
function trainedTools(args: Parsed, all: readonly LabRecord[]): { tools: Set<string>; from: string } {
  const adapter = typeof args.values.adapter === 'string' ? resolve(args.values.adapter) : null;
  const reportPath = adapter ? join(adapter, 'train_report.json') : null;
  if (reportPath && existsSync(reportPath)) {
    const rep = JSON.parse(readFileSync(reportPath, 'utf8')) as { data?: string; trainedOn?: string[] };
    if (typeof rep.data === 'string' && Array.isArray(rep.trainedOn) && existsSync(rep.data)) {
      const ids = new Set(rep.trainedOn);
      const recs = parseRecordsText(readFileSync(rep.data, 'utf8'), rep.data).filter((r): r is ToolCallRecord => r.kind === 'tool-call' && ids.has(r.id));
      return { tools: trainedToolNames(recs), from: `${reportPath} (${recs.length} training records of ${rep.data})` };
    }
  }
  const train = all.filter((r): r is ToolCallRecord => r.kind === 'tool-call' && r.meta?.split === 'train');
  return { tools: trainedToolNames(train), from: `the train split of --data (${train.length} records)` };
}

function metricsOf(report: EvalReport): StressRow['metrics'] {
  return summarize(report).metrics as StressRow['metrics'];
}

const command: Command = {
  name: 'stress',
  summary: 'evaluate on the baseline split and on each stress transformation (renaming, reordering, …); metrics side by side',
  usage: [
    'npm run lab -- stress --model DIR [--adapter DIR] --data FILE.jsonl [--split test] [--format text]',
    `       [--only ${STRESS_NAMES.join(',')}] [--stress-seed 1] [--constrained] [--max-new-tokens 64] --out REPORT.json`,
    EVAL_USAGE_OPTIONS,
    '  --only LIST            transformations to run (default all)',
    '  --stress-seed 1        seed of the transformations',
    'unseen-tools reads the trained tools from the adapter\'s train_report.json, else from the train split of --data.',
  ].join('\n'),
  options: { ...EVAL_OPTIONS, only: { type: 'string' }, 'stress-seed': { type: 'string' } },
  async run(args) {
    const out = need(args, 'out');
    const { all, records, split, file } = readEvalData(args);
    const tc = records.filter((r): r is ToolCallRecord => r.kind === 'tool-call');
    if (tc.length !== records.length) throw new UsageError(`--data ${file}: stress tests need tool-call records (${records.length - tc.length} are not)`);
    const only = typeof args.values.only === 'string' ? args.values.only.split(',').map((s) => s.trim()).filter(Boolean) : [...STRESS_NAMES];
    for (const n of only) if (!(STRESS_NAMES as readonly string[]).includes(n)) throw new UsageError(`--only: unknown transformation "${n}" (${STRESS_NAMES.join(', ')})`);
    const seed = num(args, 'stress-seed', 1);
    const o = readEvalOptions(args);
    const trained = trainedTools(args, all);
    const catalogue = CATALOGUE.map(toolSpec);
    const { gen, dispose } = await openGenerator(args);
    try {
      const run = (recs: ToolCallRecord[], stress?: string) =>
        runEval(recs, gen, { format: o.format, decoding: o.decoding, batchSize: o.batchSize, data: { name: file, split, ...(stress ? { stress } : {}) }, bootstrap: { resamples: o.resamples }, onProgress: progressPrinter(args, stress ?? 'baseline') });
      const baseline = await run(tc);
      const rows: StressRow[] = [{ transform: 'baseline', records: tc.length, notApplicable: null, notes: [], error: null, metrics: metricsOf(baseline) }];
      const reports: Record<string, EvalReport> = { baseline };
      for (const name of only as StressName[]) {
        let res: StressResult;
        try {
          res = applyStress(name, tc, { seed, trainedTools: trained.tools, catalogue });
        } catch (e) {
          rows.push({ transform: name, records: 0, notApplicable: null, notes: [], error: (e as Error).message, metrics: null });
          continue;
        }
        const notes = name === 'unseen-tools' ? [...res.notes, `trained tools read from ${trained.from}`] : res.notes;
        if (res.records.length === 0) {
          rows.push({ transform: name, records: 0, notApplicable: res.notApplicable, notes, error: null, metrics: null });
          continue;
        }
        const rep = await run(res.records, name);
        reports[name] = rep;
        rows.push({ transform: name, records: res.records.length, notApplicable: res.notApplicable, notes, error: null, metrics: metricsOf(rep) });
      }
      // The table: one line per metric, one column per transformation (value, null when not run).
      const table = METRIC_KEYS.map((k) => ({ metric: k, ...Object.fromEntries(rows.map((r) => [r.transform, r.metrics?.[k]?.value ?? null])) }));
      const written = { config: baseline.config, stressSeed: seed, rows, table, reports };
      writeFileSync(out, JSON.stringify(written, null, 2) + '\n');
      const stored = await storeReports(args, recordsFromStressReport(written, out));
      return { out, ...(stored ? { stored } : {}), config: baseline.config, stressSeed: seed, table, rows: rows.map(({ metrics: _m, ...r }) => ({ ...r, notApplicable: r.notApplicable ? { count: r.notApplicable.count, byReason: r.notApplicable.byReason } : null })) };
    } finally {
      dispose();
    }
  },
};

export default command;
