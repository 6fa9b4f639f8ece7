// What the Runs view lists: one summary row per training run, search over runs and reports, and
// comparisons of evaluation reports (names made unique, a small-n warning, error-label filters).
import type { RunRecord } from '../../runs/store';
import { compareRuns, type Comparison, type Flip, type RunVerdicts } from '../../eval/compare';
import { SMALL_N } from '../../eval/aggregate';
import type { ErrorLabel } from '../../eval/labels';
import type { Verdict } from '../../eval/scoring';

/** One training run as a row of the list. */
export interface RunRow {
  id: string;
  name: string;
  model: string;
  method: 'LoRA' | 'full';
  status: RunRecord['status'];
  step: number;
  steps: number;
  /** Loss of the last optimiser step, null before the first. */
  finalLoss: number | null;
  /** The last validation loss, null when none was measured. */
  validationLoss: number | null;
  created: string;
}

/** The base model's short name: the last meaningful part of its source ("hub:org/name" → "org/name"). */
export function modelName(source: string): string {
  const hub = /^hub:(.+)$/.exec(source);
  if (hub) return hub[1]!;
  if (source.startsWith('dropped files')) return 'dropped files';
  const parts = source.split('/').filter((p) => p !== '' && !/^https?:$/.test(p));
  const last = parts.at(-1) ?? source;
  return ['hf', 'model', 'onnx'].includes(last) && parts.length > 1 ? `${parts.at(-2)!}/${last}` : last;
}

export function runRow(run: RunRecord): RunRow {
  return {
    id: run.id,
    name: run.name || run.id,
    model: modelName(run.model.source),
    method: run.config.mode === 'full' ? 'full' : 'LoRA',
    status: run.status,
    step: run.step,
    steps: run.steps,
    finalLoss: run.losses.at(-1) ?? null,
    validationLoss: run.evals.at(-1)?.loss ?? null,
    created: run.created,
  };
}

/** Every word of `query` (case-insensitive) occurs in one of `fields`. */
export function matches(query: string, fields: readonly (string | null | undefined)[]): boolean {
  const hay = fields.filter(Boolean).join(' \u0000 ').toLowerCase();
  return query
    .toLowerCase()
    .split(/\s+/)
    .filter(Boolean)
    .every((w) => hay.includes(w));
}

/** Runs whose name, id, model, method or status match the query. */
export function filterRuns(rows: readonly RunRow[], query: string): RunRow[] {
  return rows.filter((r) => matches(query, [r.name, r.id, r.model, r.method, r.status]));
}

/** The fields of an evaluation report the list, search and comparison read. */
export interface ReportLike {
  id: string;
  predictions?: readonly { id: string; output: string }[];
  name: string;
  created: string;
  kind: string;
  config: { model: { id: string }; adapter: { runId?: string; path?: string } | null; dataset: { id: string; split: string; count: number } };
  verdicts: readonly Verdict[];
}

/** Reports whose name, model, adapter, dataset, split or kind match the query. */
export function filterReports<R extends ReportLike>(reports: readonly R[], query: string): R[] {
  return reports.filter((r) =>
    matches(query, [r.name, r.id, r.kind, r.config.model.id, r.config.adapter?.runId, r.config.adapter?.path, r.config.dataset.id, r.config.dataset.split]),
  );
}

/** Display names made unique in order: a repeated name gets " (2)", " (3)"… */
export function uniqueNames(names: readonly string[]): string[] {
  const out: string[] = [];
  for (const n of names) {
    let name = n;
    for (let k = 2; out.includes(name); k++) name = `${n} (${k})`;
    out.push(name);
  }
  return out;
}

/** A comparison of reports (the first is the baseline), with warnings about small or unpaired samples. */
export interface ReportComparison {
  names: string[];
  /** The reports' verdicts under their unique names (what eval/csv's comparisonCsv takes). */
  runs: RunVerdicts[];
  /** Each report's model outputs by example id, under its unique name. */
  outputs: Map<string, Map<string, string>>;
  comparison: Comparison;
  warnings: string[];
}

/** Compare two or more reports with eval/compare's paired bootstrap; names are made unique. */
export function compareReports(reports: readonly ReportLike[]): ReportComparison {
  if (reports.length < 2) throw new Error(`select at least two reports to compare (selected ${reports.length})`);
  const names = uniqueNames(reports.map((r) => r.name || r.id));
  const runs = reports.map((r, i) => ({ name: names[i]!, verdicts: r.verdicts }));
  const comparison = compareRuns(runs);
  const warnings: string[] = [];
  for (const c of comparison.comparisons) {
    if (c.paired === 0) warnings.push(`"${c.name}" and "${comparison.baseline}" share no example ids: there is nothing to pair.`);
    else if (c.paired < SMALL_N) warnings.push(`"${c.name}" vs "${comparison.baseline}": only ${c.paired} paired examples (fewer than ${SMALL_N}); the intervals are wide and a difference may be chance.`);
    const unpaired = c.onlyInBaseline.length + c.onlyInRun.length;
    if (unpaired) warnings.push(`"${c.name}" vs "${comparison.baseline}": ${unpaired} example(s) appear in only one of the two and are left out of the difference.`);
  }
  const outputs = new Map(reports.map((r, i) => [names[i]!, new Map((r.predictions ?? []).map((p) => [p.id, p.output]))]));
  return { names, runs, outputs, comparison, warnings };
}

/** The error labels seen on either side of the flips, with how many flips carry each, most first. */
export function flipLabels(flips: readonly Flip[]): { label: ErrorLabel; count: number }[] {
  const m = new Map<ErrorLabel, number>();
  for (const f of flips) {
    for (const l of new Set([f.before.error, f.after.error])) if (l) m.set(l, (m.get(l) ?? 0) + 1);
  }
  return [...m.entries()].map(([label, count]) => ({ label, count })).sort((a, b) => b.count - a.count || a.label.localeCompare(b.label));
}
