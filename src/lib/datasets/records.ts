// Pure helpers of the Datasets view: search over the dataset list, one-line summaries of records,
// the JSON a user edits (parsed and validated with the data layer's own validator), and the
// import format a file name suggests.
import { requestText } from '../../data/formats';
import { validateRecord, type FieldError } from '../../data/schemas';
import type { DatasetInfo, LabRecord, RecordKind } from '../../data/types';

/** Datasets whose name, kind, provenance, licence or description contain every word of `query`. */
export function filterDatasets(list: readonly DatasetInfo[], query: string): DatasetInfo[] {
  const words = query.toLowerCase().split(/\s+/).filter(Boolean);
  if (!words.length) return [...list];
  return list.filter((d) => {
    const hay = [d.name, d.kind, d.provenance, d.license, d.description].join('\n').toLowerCase();
    return words.every((w) => hay.includes(w));
  });
}

/** What a record asks (instruction, last user turn, input or prompt), on one line. */
export function recordRequest(r: LabRecord): string {
  if (r.kind === 'tool-call') {
    try {
      return requestText(r);
    } catch {
      return '';
    }
  }
  return r.kind === 'json-output' ? r.input : r.prompt;
}

/** The tool names a record lists (tool-call records), else []. */
export function recordTools(r: LabRecord): string[] {
  return r.kind === 'tool-call' ? r.tools.map((t) => t.name) : [];
}

/** The expected answer in short: calls "name(args)", JSON, or the completion. */
export function recordAnswer(r: LabRecord): string {
  if (r.kind === 'tool-call') return r.expected.length ? r.expected.map((c) => `${c.name}(${JSON.stringify(c.arguments)})`).join('; ') : '(no call)';
  return r.kind === 'json-output' ? JSON.stringify(r.expected) : r.completion;
}

/** `meta.split` when it names a split, else null. */
export function recordSplit(r: LabRecord): 'train' | 'validation' | 'test' | null {
  const s = r.meta?.split;
  return s === 'train' || s === 'validation' || s === 'test' ? s : null;
}

/** "/field: message" for a FieldError ("/" for the record itself), with the line when known. */
export function describeFieldError(e: FieldError): string {
  return `${e.line !== undefined ? `line ${e.line}, ` : ''}${e.field || '/'}: ${e.message}`;
}

/** The outcome of parsing an edited record: the record, or problems that name the field. */
export type ParsedRecord = { record: LabRecord; errors?: undefined } | { record?: undefined; errors: FieldError[] };

/**
 * Parse the JSON text of an edited record and validate it with the data layer's validator
 * (validateRecord); the record must keep the dataset's kind. JSON syntax errors name the line.
 */
export function parseRecordText(text: string, kind: RecordKind): ParsedRecord {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    const msg = (e as Error).message;
    const pos = /position (\d+)/.exec(msg);
    const line = pos ? text.slice(0, Number(pos[1])).split('\n').length : undefined;
    return { errors: [{ ...(line !== undefined ? { line } : {}), field: '', message: `not valid JSON: ${msg}` }] };
  }
  const errors = validateRecord(value);
  if (errors.length) return { errors };
  const record = value as LabRecord;
  if (record.kind !== kind) return { errors: [{ field: '/kind', message: `this dataset holds ${kind} records, not ${record.kind}` }] };
  return { record };
}

/** The formats the import box offers; `csv` is converted to lab records first (./csv). */
export type ImportChoice = 'lab' | 'bfcl' | 'openai' | 'hf-chat' | 'csv';

/** The import formats with their names, in the order the import selects list them. */
export const IMPORT_CHOICES: readonly (readonly [ImportChoice, string])[] = [
  ['lab', 'Lab JSONL / JSON'],
  ['bfcl', 'BFCL questions'],
  ['openai', 'OpenAI messages'],
  ['hf-chat', 'Hugging Face chat'],
  ['csv', 'CSV'],
];

/** The format a file's name suggests: .csv → csv, names with "bfcl" → bfcl, else the lab's own. */
export function guessImportFormat(fileName: string): ImportChoice {
  const n = fileName.toLowerCase();
  if (n.endsWith('.csv')) return 'csv';
  if (n.includes('bfcl') || n.startsWith('gorilla')) return 'bfcl';
  return 'lab';
}

/** A file name for a dataset's export: its name in lower-case ASCII plus `.jsonl`. */
export function exportFileName(d: Pick<DatasetInfo, 'name'>): string {
  const base = d.name.toLowerCase().replace(/[^a-z0-9._-]+/g, '-').replace(/^-+|-+$/g, '') || 'dataset';
  return `${base}.jsonl`;
}
