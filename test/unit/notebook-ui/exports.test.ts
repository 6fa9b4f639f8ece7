// Verdicts as CSV (RFC 4180) and students' result files read into a compare cell, on real
// verdicts: the seed's toy records scored by src/eval/scoring.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { readResultFile, uniqueName, verdictsCsv } from '../../../src/components/notebook/exports';
import { seedToySet } from '../../../src/data/generators/seed';
import { scorePredictions } from '../../../src/eval/scoring';
import { parseNotebook } from '../../../src/notebook/schema';
import { exportNotebook } from '../../../src/notebook/share';
import type { CellResult, EvaluateOutput, Notebook } from '../../../src/notebook/types';

/** An independent RFC 4180 reader: quoted fields may hold commas, doubled quotes and line breaks. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') (field += '"'), i++;
      else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') row.push(field), (field = '');
    else if (ch === '\r' && text[i + 1] === '\n') row.push(field), rows.push(row), (row = []), (field = ''), i++;
    else field += ch;
  }
  if (field || row.length) throw new Error('the last line has no CRLF');
  return rows;
}

const records = seedToySet().slice(0, 4);
const outputs = [
  JSON.stringify({ name: (records[0]!.expected as { name: string }[])[0]!.name, arguments: (records[0]!.expected as { arguments: unknown }[])[0]!.arguments }),
  'Sure, here is "the" call:\r\n{"name": "get_weather", "arguments": {"city": "Paris, France"}}',
  '',
  '{"name": "get_weather", "arguments": {"city": 3}}\n',
].map((output, k) => ({ id: records[k]!.id, output }));
const report = scorePredictions(records, outputs);

describe('verdicts as CSV', () => {
  it('writes one row per verdict with the output, and reads back field for field', () => {
    const csv = verdictsCsv({ verdicts: report.verdicts, outputs });
    const rows = parseCsv(csv);
    expect(rows[0]).toEqual(['id', 'tool', 'validJson', 'schemaOk', 'exactMatch', 'error', 'path', 'output']);
    expect(rows).toHaveLength(records.length + 1);
    rows.slice(1).forEach((r, k) => {
      const v = report.verdicts[k]!;
      expect(r).toEqual([v.id, v.group, String(v.validJson), String(v.schemaOk), String(v.exactMatch), v.error ?? '', v.path ?? '', outputs[k]!.output]);
    });
    // The scorer's verdicts differ between rows, so the columns carry something.
    expect(rows[1]!.slice(2, 5)).toEqual(['true', 'true', 'true']);
    expect(rows[3]!.slice(2, 6)).toEqual(['false', 'false', 'false', 'no_output']);
    expect(rows[4]![5]).not.toBe('');
    // Row 2's output holds a comma, quotes and a CRLF: it is quoted with its quotes doubled.
    expect(csv).toContain(`,"Sure, here is ""the"" call:\r\n{""name"": ""get_weather"", ""arguments"": {""city"": ""Paris, France""}}"\r\n`);
  });
});

describe('result files for a compare cell', () => {
  const preset = (): Notebook => parseNotebook(readFileSync('public/presets/tool-calls-101.json', 'utf8'));
  const evaluation = (status: 'done' | 'failed' = 'done'): CellResult => {
    const output: EvaluateOutput = { type: 'evaluate', model: 'model', adapter: 'lora', split: 'test', format: 'text', available: 4, n: 4, metrics: report.metrics, warnings: report.warnings, verdicts: report.verdicts, outputs };
    return { cellId: 'after', status, configHash: 'x', inputsHash: 'y', profile: 'smoke', appVersion: '0', startedAt: '2025-01-01T00:00:00.000Z', finishedAt: '2025-01-01T00:00:01.000Z', output: status === 'done' ? output : null, error: status === 'done' ? null : { name: 'Error', message: 'boom' }, checks: [] };
  };
  const fileOf = async (results: Record<string, CellResult>, author?: string) => exportNotebook({ ...preset(), ...(author ? { author } : {}) }, { results });

  it('takes the verdicts of the chosen evaluate cell from an exported notebook with results', async () => {
    const text = await fileOf({ after: evaluation() }, 'Ada');
    const r = readResultFile('ada.json', text, 'after');
    expect(r).toMatchObject({ ok: true, name: 'ada.json', title: 'Tool calls 101 (Ada)' });
    expect(r.ok && r.verdicts).toEqual(report.verdicts);
  });

  it('refuses bad files with the reason', async () => {
    expect(readResultFile('a.json', '{"kind": "lab-notebook",', 'after')).toMatchObject({ ok: false, reason: expect.stringMatching(/not valid JSON/) });
    const newer = JSON.stringify({ ...preset(), schemaVersion: 99 });
    expect(readResultFile('b.json', newer, 'after')).toMatchObject({ ok: false, reason: expect.stringMatching(/newer lab \(file format 99/) });
    expect(readResultFile('c.json', '[1,2]', 'after')).toMatchObject({ ok: false, reason: expect.stringMatching(/not a lab notebook/) });
    expect(readResultFile('d.json', await fileOf({}), 'after')).toMatchObject({ ok: false, reason: expect.stringMatching(/no results \(export it with "with results"/) });
    const withAfter = await fileOf({ after: evaluation() });
    expect(readResultFile('e.json', withAfter, 'baseline')).toMatchObject({ ok: false, reason: 'the file has no result for cell "baseline"' });
    expect(readResultFile('f.json', await fileOf({ after: evaluation('failed') }), 'after')).toMatchObject({ ok: false, reason: 'cell "after" in the file is a failed run' });
    const twice = JSON.parse(withAfter) as Notebook;
    const out = twice.results!.after!.output as EvaluateOutput;
    out.verdicts[2] = { ...out.verdicts[2]!, id: out.verdicts[0]!.id };
    expect(readResultFile('g.json', JSON.stringify(twice), 'after')).toMatchObject({ ok: false, reason: `verdict 2 repeats the id "${out.verdicts[0]!.id}"` });
    delete (out.verdicts[1] as Partial<typeof out.verdicts[1]>).exactMatch;
    expect(readResultFile('h.json', JSON.stringify(twice), 'after')).toMatchObject({ ok: false, reason: `verdict 1 ("${out.verdicts[1]!.id}") has no exactMatch true/false` });
  });

  it('names files apart', () => {
    expect(uniqueName('ada', ['after'])).toBe('ada');
    expect(uniqueName('ada', ['ada', 'ada (2)'])).toBe('ada (3)');
  });
});
