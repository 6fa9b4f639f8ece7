// Comparisons as CSV (RFC 4180: comma-separated, CRLF line ends, a field quoted when it holds a
// comma, a double quote, CR or LF, with inner quotes doubled). One row per example: its id, the
// expected tool(s), each run's exactMatch / validJson / schemaOk / error label, and, for every run
// after the first, the flip against the baseline. The Runs view and `lab compare --csv` share it.
import type { Comparison, Flip, RunVerdicts } from './compare';
import type { ErrorLabel } from './labels';
import type { Verdict } from './scoring';

export type CsvValue = string | number | boolean | null | undefined;

/** One CSV field: empty for null/undefined, quoted when it holds `,`, `"`, CR or LF. */
export function csvField(v: CsvValue): string {
  if (v === null || v === undefined) return '';
  const s = String(v);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** Rows as CSV text, each line ended by CRLF. */
export function toCsv(rows: readonly (readonly CsvValue[])[]): string {
  return rows.map((r) => r.map(csvField).join(',')).join('\r\n') + '\r\n';
}

/**
 * Parse RFC 4180 CSV (quoted fields may hold commas, quotes and line breaks). Used by tests and
 * by anyone reading an exported file back; a quote in an unquoted field, or an unclosed quote, throws.
 */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let i = 0;
  let quoted = false;
  let fieldStart = true;
  while (i < text.length) {
    const c = text[i] as string;
    if (quoted) {
      if (c === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i += 2;
          continue;
        }
        quoted = false;
        i++;
        if (i < text.length && text[i] !== ',' && text[i] !== '\r' && text[i] !== '\n') throw new Error(`CSV row ${rows.length + 1}: text after a closing quote`);
        continue;
      }
      field += c;
      i++;
      continue;
    }
    if (c === '"') {
      if (!fieldStart) throw new Error(`CSV row ${rows.length + 1}: a quote inside an unquoted field`);
      quoted = true;
      fieldStart = false;
      i++;
    } else if (c === ',') {
      row.push(field);
      field = '';
      fieldStart = true;
      i++;
    } else if (c === '\r' || c === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      fieldStart = true;
      i += c === '\r' && text[i + 1] === '\n' ? 2 : 1;
    } else {
      field += c;
      fieldStart = false;
      i++;
    }
  }
  if (quoted) throw new Error(`CSV row ${rows.length + 1}: a quoted field is not closed`);
  if (!fieldStart || row.length) {
    row.push(field);
    rows.push(row);
  }
  return rows;
}

/** Which examples the per-example CSV keeps. */
export interface ComparisonCsvOptions {
  /** Only examples with a flip in some run (default false: every example). */
  onlyFlips?: boolean;
  /** Only examples with a flip whose error label (before or after) is this one (as `filterFlips`). */
  label?: ErrorLabel;
}

/**
 * Per-example CSV of a comparison: columns `id, tool`, then per run `<run>:exactMatch`,
 * `<run>:validJson`, `<run>:schemaOk`, `<run>:error` (the label, `none` when correct; all four
 * empty where the run has no verdict for the id), then per compared run `flip:<run>` (`fail→pass`,
 * `pass→fail` or empty). Rows: the baseline's ids in order, then ids only other runs have.
 */
export function comparisonCsv(runs: readonly RunVerdicts[], comparison: Comparison, opts: ComparisonCsvOptions = {}): string {
  const byRun = runs.map((r) => new Map(r.verdicts.map((v) => [v.id, v])));
  const ids: string[] = [];
  const seen = new Set<string>();
  for (const r of runs) {
    for (const v of r.verdicts) {
      if (seen.has(v.id)) continue;
      seen.add(v.id);
      ids.push(v.id);
    }
  }
  const flips = comparison.comparisons.map((c) => new Map<string, Flip>(c.flips.map((f) => [f.id, f])));
  const header: string[] = ['id', 'tool'];
  for (const r of runs) header.push(`${r.name}:exactMatch`, `${r.name}:validJson`, `${r.name}:schemaOk`, `${r.name}:error`);
  for (const c of comparison.comparisons) header.push(`flip:${c.name}`);
  const rows: CsvValue[][] = [header];
  for (const id of ids) {
    const mine = flips.map((m) => m.get(id));
    const present = mine.filter((f): f is Flip => f !== undefined);
    if (opts.onlyFlips && present.length === 0) continue;
    if (opts.label !== undefined && !present.some((f) => f.before.error === opts.label || f.after.error === opts.label)) continue;
    const tool = byRun.map((m) => m.get(id)).find((v): v is Verdict => v !== undefined)?.group ?? null;
    const row: CsvValue[] = [id, tool];
    for (const m of byRun) {
      const v = m.get(id);
      row.push(v?.exactMatch, v?.validJson, v?.schemaOk, v ? (v.error ?? 'none') : null);
    }
    for (const f of mine) row.push(f?.direction ?? null);
    rows.push(row);
  }
  return toCsv(rows);
}
