// Aggregates over verdicts with 95% intervals: the metric table, the per-tool and per-error
// breakdowns, and the paired bootstrap that comparisons use.
//
// Rates (a share of records: validJson, exactMatch, …) take the Wilson score interval, which stays
// honest at 0 and 1: 0 of 16 is 0%–19.4%, where a percentile bootstrap says 0%–0% (every resample
// of sixteen zeros is zero). Means of percentages (fieldMatch, noise, …) take a seeded percentile
// bootstrap over records.
//
// n = records scored, B = bootstrap resamples, M = metrics. A resample draws n row indices with
// replacement; every metric is a ratio Σx/Σd over the drawn rows (d = 1 when the row is in the
// metric's denominator), so all metrics of one resample use the same rows.
import { createRng } from '../data/rng';
import { ERROR_LABELS, type ErrorLabel } from './labels';
import type { Verdict } from './scoring';

/** The aggregate metrics, in display order. */
export const METRIC_KEYS = [
  'noOutput',
  'validJsonStrict',
  'validJson',
  'schemaOk',
  'schemaOkOfValid',
  'exactMatch',
  'bfclMatch',
  'fieldMatch',
  'fieldMatchOfValid',
  'fieldNoiseOfValid',
  'noiseOfValid',
  'noise',
] as const;
export type MetricKey = (typeof METRIC_KEYS)[number];

interface MetricDef {
  unit: 'rate' | 'percent';
  /** Which rows form the denominator, in words. */
  over: string;
  /** The row's value, or null when the row is not in the denominator. */
  value(v: Verdict): number | null;
}

const b = (x: boolean): number => (x ? 1 : 0);

/** How each metric reads a verdict. */
export const METRICS: Record<MetricKey, MetricDef> = {
  noOutput: { unit: 'rate', over: 'all records', value: (v) => b(v.noOutput) },
  validJsonStrict: { unit: 'rate', over: 'all records', value: (v) => b(v.validJsonStrict) },
  validJson: { unit: 'rate', over: 'all records', value: (v) => b(v.validJson) },
  schemaOk: { unit: 'rate', over: 'all records', value: (v) => b(v.schemaOk) },
  schemaOkOfValid: { unit: 'rate', over: 'valid-JSON outputs', value: (v) => (v.validJson ? b(v.schemaOk) : null) },
  exactMatch: { unit: 'rate', over: 'all records', value: (v) => b(v.exactMatch) },
  bfclMatch: { unit: 'rate', over: 'tool-call records', value: (v) => (v.bfclMatch === null ? null : b(v.bfclMatch)) },
  fieldMatch: { unit: 'percent', over: 'all records', value: (v) => v.fieldMatch },
  fieldMatchOfValid: { unit: 'percent', over: 'valid-JSON outputs', value: (v) => (v.validJson ? v.fieldMatch : null) },
  fieldNoiseOfValid: { unit: 'percent', over: 'valid-JSON outputs', value: (v) => (v.validJson ? v.fieldNoise : null) },
  noiseOfValid: { unit: 'percent', over: 'valid-JSON outputs', value: (v) => (v.validJson ? v.noise : null) },
  noise: { unit: 'percent', over: 'non-empty outputs', value: (v) => v.noise },
};

/** One aggregate: its value (null when the denominator is empty), 95% interval and denominator. */
export interface MetricSummary {
  value: number | null;
  lo: number | null;
  hi: number | null;
  /** Rows in the denominator. */
  n: number;
  unit: 'rate' | 'percent';
  over: string;
}

export interface BootstrapOptions {
  /** Resamples (default 1000). */
  resamples?: number;
  /** Seed of the resampling stream (default 11711, seed 003's seed). */
  seed?: number;
}

/** Below this many rows in a denominator the report warns that the interval means little. */
export const SMALL_N = 30;

/** A column of per-row values: x (0 where excluded) and d (1 where the row counts). */
export interface Column {
  x: Float64Array;
  d: Float64Array;
}

/**
 * The metric columns of `verdicts`; metrics with the same denominator share one `d` array (so
 * the bootstrap sums it once).
 */
export function metricColumns(verdicts: readonly Verdict[]): Column[] {
  const shared = new Map<string, Float64Array>();
  return METRIC_KEYS.map((key) => {
    const x = new Float64Array(verdicts.length);
    const d = new Float64Array(verdicts.length);
    verdicts.forEach((v, i) => {
      const val = METRICS[key].value(v);
      if (val !== null) {
        x[i] = val;
        d[i] = 1;
      }
    });
    const prev = shared.get(METRICS[key].over);
    if (prev && prev.every((p, i) => p === d[i])) return { x, d: prev };
    if (!prev) shared.set(METRICS[key].over, d);
    return { x, d };
  });
}

/**
 * For each column, B resampled ratios Σx/Σd (NaN when a resample has an empty denominator). All
 * columns share the same resampled rows, so values from two columns of one resample are paired.
 * Columns that share a `d` array (same object) share its sums, and a `d` of all ones is not summed
 * at all (its resampled sum is n); values are packed row-major so one draw reads one cache line.
 */
export function resampleRatios(cols: readonly Column[], n: number, opts: BootstrapOptions = {}): Float64Array[] {
  const B = opts.resamples ?? 1000;
  const rng = createRng(opts.seed ?? 11711);
  const M = cols.length;
  const dArrays: Float64Array[] = [];
  const dIndex = cols.map((c) => {
    let k = dArrays.indexOf(c.d);
    if (k < 0) k = dArrays.push(c.d) - 1;
    return k;
  });
  const allOnes = dArrays.map((d) => d.every((v) => v === 1));
  const summed = dArrays.map((_, k) => k).filter((k) => !allOnes[k]);
  const S = summed.length;
  const X = new Float64Array(n * M);
  const D = new Float64Array(n * S);
  for (let i = 0; i < n; i++) {
    for (let m = 0; m < M; m++) X[i * M + m] = (cols[m] as Column).x[i] as number;
    for (let s = 0; s < S; s++) D[i * S + s] = (dArrays[summed[s] as number] as Float64Array)[i] as number;
  }
  const slot = dIndex.map((k) => (allOnes[k] ? -1 : summed.indexOf(k)));
  const out = cols.map(() => new Float64Array(B));
  const sx = new Float64Array(M);
  const sd = new Float64Array(S);
  for (let r = 0; r < B; r++) {
    sx.fill(0);
    sd.fill(0);
    for (let k = 0; k < n; k++) {
      const i = Math.floor(rng.next() * n);
      const xo = i * M;
      for (let m = 0; m < M; m++) sx[m] = (sx[m] as number) + (X[xo + m] as number);
      const dof = i * S;
      for (let s = 0; s < S; s++) sd[s] = (sd[s] as number) + (D[dof + s] as number);
    }
    for (let m = 0; m < M; m++) {
      const den = (slot[m] as number) < 0 ? n : (sd[slot[m] as number] as number);
      (out[m] as Float64Array)[r] = den > 0 ? (sx[m] as number) / den : NaN;
    }
  }
  return out;
}

/** The q-quantile (0..1) of the finite values, linear interpolation (type 7); null if none. */
export function quantile(values: ArrayLike<number>, q: number): number | null {
  const xs = Array.from(values).filter((v) => Number.isFinite(v));
  if (xs.length === 0) return null;
  xs.sort((a, c) => a - c);
  const h = (xs.length - 1) * q;
  const lo = Math.floor(h);
  const hi = Math.ceil(h);
  return (xs[lo] as number) + (h - lo) * ((xs[hi] as number) - (xs[lo] as number));
}

/** z of a two-sided 95% interval. */
const Z95 = 1.959963984540054;

/**
 * The 95% Wilson score interval of k successes in n > 0 trials (Wilson 1927): the p whose
 * normal-approximation test does not reject k/n. Inside [0, 1], never empty, and never zero-width.
 */
export function wilsonInterval(k: number, n: number, z = Z95): [number, number] {
  if (!(n > 0) || k < 0 || k > n) throw new Error(`wilsonInterval: need 0 ≤ k ≤ n and n > 0 (k = ${k}, n = ${n})`);
  const p = k / n;
  const z2 = z * z;
  const den = 1 + z2 / n;
  const centre = (p + z2 / (2 * n)) / den;
  const half = (z * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n))) / den;
  return [k === 0 ? 0 : Math.max(0, centre - half), k === n ? 1 : Math.min(1, centre + half)];
}

/** How the intervals of `summarize` are made, in words (reports and tables show it). */
export const INTERVAL_METHOD = '95% intervals: Wilson score for rates, percentile bootstrap over records for means of percentages.';

/**
 * Every metric of METRIC_KEYS over `verdicts`, with 95% intervals: Wilson score for rates, a
 * seeded percentile bootstrap (`opts`) for means of percentages.
 */
export function summarize(verdicts: readonly Verdict[], opts: BootstrapOptions = {}): Record<MetricKey, MetricSummary> {
  const cols = metricColumns(verdicts);
  // Only the percent means are resampled; rates take wilsonInterval.
  const percent = METRIC_KEYS.filter((k) => METRICS[k].unit === 'percent');
  const resampled = verdicts.length > 0 ? resampleRatios(percent.map((k) => cols[METRIC_KEYS.indexOf(k)] as Column), verdicts.length, opts) : [];
  const boots = new Map(percent.map((k, j) => [k, resampled[j]]));
  const out = {} as Record<MetricKey, MetricSummary>;
  METRIC_KEYS.forEach((k, m) => {
    const c = cols[m] as Column;
    let sx = 0;
    let sd = 0;
    for (let i = 0; i < verdicts.length; i++) {
      sx += c.x[i] as number;
      sd += c.d[i] as number;
    }
    const boot = boots.get(k);
    const [lo, hi] = sd === 0 ? [null, null] : boot ? [quantile(boot, 0.025), quantile(boot, 0.975)] : wilsonInterval(sx, sd);
    out[k] = {
      value: sd > 0 ? sx / sd : null,
      lo,
      hi,
      n: sd,
      unit: METRICS[k].unit,
      over: METRICS[k].over,
    };
  });
  return out;
}

/** The metrics of one group of records (one expected tool, or one transformation). */
export interface GroupSummary {
  group: string;
  n: number;
  smallN: boolean;
  metrics: Record<MetricKey, MetricSummary>;
}

/** Metrics per `verdict.group` (the expected tool, "+"-joined for several, "(no call)" for none). */
export function summarizeByGroup(verdicts: readonly Verdict[], opts: BootstrapOptions = {}): GroupSummary[] {
  const groups = new Map<string, Verdict[]>();
  for (const v of verdicts) {
    const g = groups.get(v.group);
    if (g) g.push(v);
    else groups.set(v.group, [v]);
  }
  return [...groups.keys()].sort().map((group) => {
    const vs = groups.get(group) as Verdict[];
    return { group, n: vs.length, smallN: vs.length < SMALL_N, metrics: summarize(vs, opts) };
  });
}

/** How often each error label occurred, with the first few ids as examples. */
export interface ErrorSummary {
  label: ErrorLabel;
  count: number;
  /** count / all scored records. */
  rate: number;
  /** Up to 10 example ids. */
  ids: string[];
}

export function summarizeErrors(verdicts: readonly Verdict[]): ErrorSummary[] {
  return ERROR_LABELS.map((label) => {
    const hits = verdicts.filter((v) => v.error === label);
    return { label, count: hits.length, rate: verdicts.length ? hits.length / verdicts.length : 0, ids: hits.slice(0, 10).map((v) => v.id) };
  });
}

/** Warnings for denominators too small for an interval to mean much. */
export function smallNWarnings(metrics: Record<MetricKey, MetricSummary>, where = 'overall'): string[] {
  const small = METRIC_KEYS.filter((k) => metrics[k].n > 0 && metrics[k].n < SMALL_N);
  if (small.length === 0) return [];
  const ns = [...new Set(small.map((k) => metrics[k].n))].sort((a, c) => a - c);
  const measured = METRIC_KEYS.filter((k) => metrics[k].n > 0);
  const which = small.length === measured.length ? 'every metric rests' : `${small.join(', ')} rest`;
  return [`${where}: ${which} on fewer than ${SMALL_N} records (n = ${ns.join(', ')}); the 95% intervals are wide and differences within them mean little.`];
}
