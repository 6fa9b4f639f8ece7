// What the notebook view writes out and reads in besides notebooks: an evaluation's verdicts as
// CSV (RFC 4180, through src/eval/csv.ts), and students' exported result files read into a compare
// cell's `files`.
import { toCsv } from '../../eval/csv';
import type { Verdict } from '../../eval/scoring';
import { NotebookImportError, parseNotebook } from '../../notebook/schema';
import type { EvalSummary } from '../../notebook/types';

/** The CSV columns of a verdict export, in order. */
export const VERDICT_COLUMNS = ['id', 'tool', 'validJson', 'schemaOk', 'exactMatch', 'error', 'path', 'output'] as const;

/**
 * An evaluation's verdicts as CSV: id, tool (the expected tool(s), "(no call)" or "json-output"),
 * validJson, schemaOk, exactMatch (true/false), error label, JSON Pointer path, the model's output.
 */
export function verdictsCsv(summary: Pick<EvalSummary, 'verdicts' | 'outputs'>): string {
  const outputs = new Map(summary.outputs.map((o) => [o.id, o.output]));
  return toCsv([VERDICT_COLUMNS, ...summary.verdicts.map((v) => [v.id, v.group, v.validJson, v.schemaOk, v.exactMatch, v.error, v.path, outputs.get(v.id) ?? ''])]);
}

/** A result file read for a compare cell: its verdicts, or why it was refused. */
export type ResultFile = { ok: true; name: string; verdicts: Verdict[]; title: string } | { ok: false; name: string; reason: string };

function verdictProblem(v: unknown, i: number, seen: Set<string>): string | null {
  if (!v || typeof v !== 'object') return `verdict ${i} is not an object`;
  const r = v as Record<string, unknown>;
  if (typeof r.id !== 'string' || !r.id) return `verdict ${i} has no id`;
  if (seen.has(r.id)) return `verdict ${i} repeats the id "${r.id}"`;
  seen.add(r.id);
  for (const k of ['validJson', 'schemaOk', 'exactMatch'] as const) if (typeof r[k] !== 'boolean') return `verdict ${i} ("${r.id}") has no ${k} true/false`;
  return null;
}

/**
 * Read one exported notebook with results (the Export button "with results", or `lab run --out`)
 * and take the verdicts of its evaluate cell `cellId`. Refused, with the reason, when the file is
 * not a notebook, comes from a newer lab, has no done evaluation for that cell, or its verdicts
 * are malformed.
 */
export function readResultFile(name: string, text: string, cellId: string): ResultFile {
  let nb;
  try {
    nb = parseNotebook(text);
  } catch (e) {
    const detail = e instanceof NotebookImportError ? e.problems.slice(0, 3).join('; ') : (e as Error).message;
    return { ok: false, name, reason: detail };
  }
  const r = nb.results?.[cellId];
  if (!nb.results || !Object.keys(nb.results).length) return { ok: false, name, reason: 'the file has no results (export it with "with results" ticked)' };
  if (!r) return { ok: false, name, reason: `the file has no result for cell "${cellId}"` };
  if (r.status !== 'done' || r.output?.type !== 'evaluate') return { ok: false, name, reason: `cell "${cellId}" in the file is ${r.status === 'failed' ? 'a failed run' : `not an evaluation (${r.output?.type ?? 'no output'})`}` };
  const verdicts = (r.output as { verdicts?: unknown }).verdicts;
  if (!Array.isArray(verdicts) || !verdicts.length) return { ok: false, name, reason: `cell "${cellId}" in the file has no verdicts` };
  const seen = new Set<string>();
  for (let i = 0; i < verdicts.length; i++) {
    const p = verdictProblem(verdicts[i], i, seen);
    if (p) return { ok: false, name, reason: p };
  }
  return { ok: true, name, verdicts: verdicts as Verdict[], title: nb.author ? `${nb.title} (${nb.author})` : nb.title };
}

/** `name`, or `name (2)`, `name (3)`… so that it differs from every name in `taken`. */
export function uniqueName(name: string, taken: Iterable<string>): string {
  const used = new Set(taken);
  if (!used.has(name)) return name;
  for (let k = 2; ; k++) if (!used.has(`${name} (${k})`)) return `${name} (${k})`;
}

/** Offer `blob` as a download named `name`. */
export function download(name: string, blob: Blob): void {
  const a = document.createElement('a');
  a.href = URL.createObjectURL(blob);
  a.download = name;
  a.click();
  setTimeout(() => URL.revokeObjectURL(a.href), 0);
}
