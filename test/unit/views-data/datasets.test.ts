// Pure helpers of the Datasets view: list search, record summaries, the edit parser (the data
// layer's validator, errors naming the field), CSV conversion (errors naming line and column).
import { describe, expect, it } from 'vitest';
import { toolcalls101 } from '../../../src/data/generators/recipes';
import type { DatasetInfo, ToolCallRecord } from '../../../src/data/types';
import { csvToRecords, parseCsv } from '../../../src/lib/datasets/csv';
import { describeFieldError, exportFileName, filterDatasets, guessImportFormat, parseRecordText, recordAnswer, recordRequest, recordSplit, recordTools } from '../../../src/lib/datasets/records';

const info = (over: Partial<DatasetInfo>): DatasetInfo => ({
  id: 'x',
  name: 'n',
  description: '',
  kind: 'tool-call',
  provenance: '',
  license: '',
  created: '2026-01-01T00:00:00Z',
  modified: '2026-01-01T00:00:00Z',
  schemaVersion: 1,
  count: 0,
  ...over,
});

describe('dataset list search', () => {
  const list = [
    info({ id: 'a', name: 'toolcalls-101 (seed 101)', provenance: 'generator: recipe toolcalls-101, seed 101', license: 'MIT' }),
    info({ id: 'b', name: 'BFCL simple', provenance: 'import (bfcl): BFCL_v3_simple.json', license: 'Apache-2.0' }),
    info({ id: 'c', name: 'Extraction', kind: 'json-output', description: 'people and ages' }),
  ];
  it('matches every word, case-insensitively, over name, kind, provenance, licence and description', () => {
    expect(filterDatasets(list, '').map((d) => d.id)).toEqual(['a', 'b', 'c']);
    expect(filterDatasets(list, 'BFCL').map((d) => d.id)).toEqual(['b']);
    expect(filterDatasets(list, 'apache bfcl').map((d) => d.id)).toEqual(['b']);
    expect(filterDatasets(list, 'json-output ages').map((d) => d.id)).toEqual(['c']);
    expect(filterDatasets(list, 'mit generator').map((d) => d.id)).toEqual(['a']);
    expect(filterDatasets(list, 'mit bfcl')).toEqual([]);
  });
});

describe('records', () => {
  const recs = toolcalls101(101).records;
  const r = recs[0]!;
  it('summarises a tool-call record', () => {
    expect(recordRequest(r)).toBe(r.instruction ?? r.messages?.at(-1)?.content);
    expect(recordTools(r)).toEqual(r.tools.map((t) => t.name));
    expect(recordSplit(r)).toBe('train');
    expect(recordSplit(recs.at(-1)!)).toBe('test');
    expect(recordAnswer({ ...r, expected: [] })).toBe('(no call)');
    expect(recordAnswer({ kind: 'text', id: 't', prompt: 'p', completion: 'c' })).toBe('c');
  });
  it('parses an edited record with the data layer validator; errors name the field', () => {
    expect(parseRecordText(JSON.stringify(r), 'tool-call')).toEqual({ record: r });
    const bad = structuredClone(r) as ToolCallRecord;
    (bad.tools[0] as unknown as { name: number }).name = 7;
    const res = parseRecordText(JSON.stringify(bad), 'tool-call');
    expect(res.errors?.map((e) => e.field)).toContain('/tools/0/name');
    const kind = parseRecordText(JSON.stringify({ kind: 'text', id: 't', prompt: 'p', completion: 'c' }), 'tool-call');
    expect(kind.errors).toEqual([{ field: '/kind', message: 'this dataset holds tool-call records, not text' }]);
    const syntax = parseRecordText('{\n "id": "a",\n "kind" "text"\n}', 'text');
    expect(syntax.errors?.[0]).toMatchObject({ line: 3, field: '' });
    expect(describeFieldError({ line: 3, field: '', message: 'm' })).toBe('line 3, /: m');
    expect(describeFieldError({ field: '/id', message: 'm' })).toBe('/id: m');
  });
  it('guesses import formats and export names', () => {
    expect(['a.csv', 'BFCL_v3_simple.json', 'x.jsonl', 'gorilla_openfunctions.json'].map(guessImportFormat)).toEqual(['csv', 'bfcl', 'lab', 'bfcl']);
    expect(exportFileName({ name: 'toolcalls-101 (seed 101)' })).toBe('toolcalls-101-seed-101.jsonl');
    expect(exportFileName({ name: '***' })).toBe('dataset.jsonl');
  });
});

describe('CSV import', () => {
  it('parses RFC 4180 cells: quotes, doubled quotes, commas and newlines inside quotes, CRLF', () => {
    expect(parseCsv('a,b\r\n"x, ""y""","1\n2"\r\n\r\nlast,\n')).toEqual([
      { line: 1, cells: ['a', 'b'] },
      { line: 2, cells: ['x, "y"', '1\n2'] },
      { line: 5, cells: ['last', ''] },
    ]);
    expect(() => parseCsv('a\n"open\n')).toThrow(/^line 2: a quoted cell is never closed/);
  });
  it('converts the three layouts to valid records', () => {
    expect(csvToRecords('id,prompt,completion\nq1,Hi,Hello\n')).toEqual({ records: [{ kind: 'text', id: 'q1', prompt: 'Hi', completion: 'Hello' }], errors: [] });
    const j = csvToRecords('input,schema,expected,split\nAnn is 4,"{""type"":""object""}","{""age"":4}",validation\n');
    expect(j.errors).toEqual([]);
    expect(j.records).toEqual([{ kind: 'json-output', id: 'csv-2', input: 'Ann is 4', schema: { type: 'object' }, expected: { age: 4 }, meta: { split: 'validation' } }]);
    const tool = { name: 'get_time', description: 'time', parameters: { type: 'object', properties: { tz: { type: 'string' } }, required: ['tz'] } };
    const t = csvToRecords(`instruction,tools,expected\nTime in Paris?,"${JSON.stringify([tool]).replaceAll('"', '""')}","${JSON.stringify([{ name: 'get_time', arguments: { tz: 'Europe/Paris' } }]).replaceAll('"', '""')}"\n`);
    expect(t.errors).toEqual([]);
    expect(t.records[0]).toMatchObject({ kind: 'tool-call', instruction: 'Time in Paris?', expected: [{ name: 'get_time' }] });
  });
  it('names the line and the column of each problem', () => {
    const r = csvToRecords('input,schema,expected\nA,"{""type"":""object"",""required"":[""age""]}",{}\nB,{,{}\nC,{},{},\n');
    expect(r.errors.map((e) => [e.line, e.field])).toEqual([
      [2, '/expected/age'],
      [3, '/schema'],
    ]);
    expect(r.errors[1]!.message).toMatch(/^column "schema" is not valid JSON/);
    expect(r.records).toHaveLength(1);
    expect(csvToRecords('a,b\n1,2\n').errors[0]!.message).toMatch(/needs one of: prompt, completion/);
    expect(csvToRecords('').errors[0]!.message).toMatch(/empty/);
    expect(csvToRecords('prompt,completion,split\np,c,dev\n').errors).toEqual([{ line: 2, field: '/meta/split', message: 'column "split" must be train, validation or test, got "dev"' }]);
  });
});
