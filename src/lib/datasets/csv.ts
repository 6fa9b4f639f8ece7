// CSV import: a spreadsheet of records → the lab's JSONL, so the store's own staged import (and
// its validation) does the rest. The header row names the columns:
//   prompt, completion                 → text records
//   input, schema, expected            → json-output records (schema and expected are JSON cells)
//   instruction, tools, expected       → tool-call records (tools and expected are JSON cells)
// plus, optionally, `id` (default "csv-<line>") and `split` (train | validation | test → meta.split).
// Cells follow RFC 4180: commas and newlines inside double quotes, "" for a quote.
import { validateRecord, type FieldError } from '../../data/schemas';
import type { Json, LabRecord } from '../../data/types';

/** One parsed row: its cells and the 1-based file line it starts on. */
export interface CsvRow {
  line: number;
  cells: string[];
}

/** Split CSV text into rows (RFC 4180). Throws with the line of an unclosed quote. */
export function parseCsv(text: string): CsvRow[] {
  const rows: CsvRow[] = [];
  let cells: string[] = [];
  let cell = '';
  let quoted = false;
  let line = 1;
  let rowLine = 1;
  let quoteLine = 1;
  const endRow = () => {
    cells.push(cell);
    if (!(cells.length === 1 && cells[0] === '')) rows.push({ line: rowLine, cells });
    cells = [];
    cell = '';
  };
  const t = text.replace(/^\uFEFF/, '');
  for (let i = 0; i < t.length; i++) {
    const ch = t[i]!;
    if (quoted) {
      if (ch === '"' && t[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else {
        if (ch === '\n') line++;
        cell += ch;
      }
    } else if (ch === '"' && cell === '') {
      quoted = true;
      quoteLine = line;
    } else if (ch === ',') {
      cells.push(cell);
      cell = '';
    } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && t[i + 1] === '\n') i++;
      endRow();
      line++;
      rowLine = line;
    } else cell += ch;
  }
  if (quoted) throw new Error(`line ${quoteLine}: a quoted cell is never closed`);
  if (cell !== '' || cells.length) endRow();
  return rows;
}

const LAYOUTS = [
  { kind: 'text', columns: ['prompt', 'completion'] },
  { kind: 'json-output', columns: ['input', 'schema', 'expected'] },
  { kind: 'tool-call', columns: ['instruction', 'tools', 'expected'] },
] as const;

/** The outcome of converting a CSV file: records (valid), or every problem by line and column. */
export type CsvConversion = { records: LabRecord[]; errors: FieldError[] };

/**
 * Convert CSV text to lab records. Each problem names the CSV line and the column (as a JSON
 * Pointer into the record, e.g. "/expected"); when there are any, `records` holds only the rows
 * that were valid and the caller should store nothing.
 */
export function csvToRecords(text: string): CsvConversion {
  let rows: CsvRow[];
  try {
    rows = parseCsv(text);
  } catch (e) {
    const m = /^line (\d+): (.*)$/.exec((e as Error).message);
    return { records: [], errors: [{ line: Number(m?.[1] ?? 1), field: '', message: m?.[2] ?? (e as Error).message }] };
  }
  const head = rows.shift();
  if (!head) return { records: [], errors: [{ line: 1, field: '', message: 'the file is empty: the first row must name the columns' }] };
  const names = head.cells.map((c) => c.trim().toLowerCase());
  const layout = LAYOUTS.find((l) => l.columns.every((c) => names.includes(c)));
  if (!layout) {
    const wanted = LAYOUTS.map((l) => l.columns.join(', ')).join(' | ');
    return { records: [], errors: [{ line: head.line, field: '', message: `the header row has columns ${names.join(', ')}; it needs one of: ${wanted}` }] };
  }
  const col = (row: CsvRow, name: string): string | undefined => {
    const i = names.indexOf(name);
    return i < 0 ? undefined : row.cells[i];
  };
  const records: LabRecord[] = [];
  const errors: FieldError[] = [];
  for (const row of rows) {
    const bad: FieldError[] = [];
    const json = (name: string): Json | undefined => {
      const cell = col(row, name) ?? '';
      try {
        return JSON.parse(cell) as Json;
      } catch (e) {
        bad.push({ line: row.line, field: `/${name}`, message: `column "${name}" is not valid JSON: ${(e as Error).message}` });
        return undefined;
      }
    };
    const id = col(row, 'id')?.trim() || `csv-${row.line}`;
    const split = col(row, 'split')?.trim();
    const meta = split ? { meta: { split } } : {};
    let obj: { [k: string]: unknown };
    if (layout.kind === 'text') obj = { kind: 'text', id, prompt: col(row, 'prompt') ?? '', completion: col(row, 'completion') ?? '', ...meta };
    else if (layout.kind === 'json-output') obj = { kind: 'json-output', id, input: col(row, 'input') ?? '', schema: json('schema'), expected: json('expected'), ...meta };
    else obj = { kind: 'tool-call', id, instruction: col(row, 'instruction') ?? '', tools: json('tools'), expected: json('expected'), ...meta };
    if (split && split !== 'train' && split !== 'validation' && split !== 'test') bad.push({ line: row.line, field: '/meta/split', message: `column "split" must be train, validation or test, got "${split}"` });
    if (!bad.length) bad.push(...validateRecord(obj, row.line));
    if (bad.length) errors.push(...bad);
    else records.push(obj as unknown as LabRecord);
  }
  return { records, errors };
}
