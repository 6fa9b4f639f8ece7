// `lab compare` (src/cli/commands/compare.ts) on two real `lab eval` reports (stories260K, wasm,
// free vs constrained decoding on toolcalls-101) and on the stored copies `--store` wrote; the
// per-example CSV (src/eval/csv.ts) read back with an RFC 4180 parser; hand-scored runs with known
// flips; quoting of awkward fields; usage errors.
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import compare from '../../../src/cli/commands/compare';
import evalCmd from '../../../src/cli/commands/eval';
import { UsageError, type Parsed } from '../../../src/cli/command';
import { toolcalls101 } from '../../../src/data/generators/recipes';
import { headerLine } from '../../../src/data/io/export';
import { SCHEMA_VERSION } from '../../../src/data/schemas';
import type { ToolCallRecord } from '../../../src/data/types';
import { compareRuns } from '../../../src/eval/compare';
import { comparisonCsv, csvField, parseCsv, toCsv } from '../../../src/eval/csv';
import type { EvalReport } from '../../../src/eval/run';
import { scorePredictions, scoreRecord, type Verdict } from '../../../src/eval/scoring';
import type { EvalReportRecord } from '../../../src/eval/store';
import { fixture } from '../engine/helpers';

const dir = mkdtempSync(join(tmpdir(), 'lab-compare-'));
const data = join(dir, 'tc101.jsonl');
const recs = toolcalls101().records;
const now = new Date().toISOString();
writeFileSync(
  data,
  [headerLine({ id: 'toolcalls-101', name: 'toolcalls-101', description: '', kind: 'tool-call', provenance: 'recipe toolcalls-101', license: 'MIT', created: now, modified: now, schemaVersion: SCHEMA_VERSION, count: recs.length }), ...recs.map((r) => JSON.stringify(r))].join('\n') + '\n',
);
const model = fixture('stories260K/hf');
const store = join(dir, 'evals');
const base = join(dir, 'base.json');
const cons = join(dir, 'constrained.json');
const run = (positionals: string[], values: Parsed['values'] = {}) => compare.run({ values, positionals }) as Record<string, unknown>;

interface Printed {
  baseline: string;
  runs: { name: string; n: number; config: EvalReportRecord['config']; metrics: Record<string, { value: number | null; ci95: [number | null, number | null] }> }[];
  configDifferences: { field: string; values: unknown[] }[];
  comparisons: { run: string; paired: number; differences: Record<string, { baseline: number | null; run: number | null; diff: number | null; ci95: [number | null, number | null] }>; counts: { failToPass: number; passToFail: number }; flips: { id: string; direction: string; before: { error: string | null }; after: { error: string | null } }[] }[];
  rescored?: string[];
}

const mean = (xs: boolean[]) => xs.filter(Boolean).length / xs.length;

describe('lab compare on two `lab eval` reports', () => {
  let a: EvalReport;
  let b: EvalReport;
  beforeAll(async () => {
    const common = { quiet: true, model, data, split: 'test', format: 'compact', 'max-new-tokens': '16', limit: '6', batch: '3', resamples: '100', store };
    await evalCmd.run({ values: { ...common, out: base }, positionals: [] });
    await evalCmd.run({ values: { ...common, constrained: true, out: cons }, positionals: [] });
    a = JSON.parse(readFileSync(base, 'utf8')) as EvalReport;
    b = JSON.parse(readFileSync(cons, 'utf8')) as EvalReport;
  }, 120_000);

  it('pairs by id: metrics with intervals, the paired difference, flips equal to the verdicts that changed, a CSV row per example', () => {
    const csv = join(dir, 'cmp.csv');
    const out = run([base, cons], { pass: 'validJson', csv, resamples: '300' }) as unknown as Printed;
    expect(out.baseline).toBe('base');
    expect(out.runs.map((r) => [r.name, r.n])).toEqual([['base', 6], ['constrained', 6]]);
    expect(out.configDifferences.map((d) => d.field)).toContain('/decoding/constrained');
    const va = a.examples.map((e) => e.verdict.validJson);
    const vb = b.examples.map((e) => e.verdict.validJson);
    expect(vb.every(Boolean)).toBe(true); // constrained decoding: every output is JSON
    const [c] = out.comparisons;
    expect(c!.paired).toBe(6);
    const d = c!.differences.validJson!;
    expect(d.diff).toBeCloseTo(mean(vb) - mean(va), 12);
    expect(d.ci95[0]!).toBeLessThanOrEqual(d.diff!);
    expect(d.ci95[1]!).toBeGreaterThanOrEqual(d.diff!);
    expect(out.runs[0]!.metrics.validJson!.value).toBeCloseTo(mean(va), 12);
    const changed = a.examples.filter((e, i) => e.verdict.validJson !== vb[i]).map((e) => e.id);
    expect(changed.length).toBeGreaterThan(0);
    expect(c!.flips.map((f) => f.id)).toEqual(changed);
    expect(c!.counts.failToPass + c!.counts.passToFail).toBe(changed.length);
    for (const f of c!.flips) expect(f.before.error).toBe(a.examples.find((e) => e.id === f.id)!.verdict.error);

    const rows = parseCsv(readFileSync(csv, 'utf8'));
    expect(rows[0]).toEqual(['id', 'tool', 'base:exactMatch', 'base:validJson', 'base:schemaOk', 'base:error', 'constrained:exactMatch', 'constrained:validJson', 'constrained:schemaOk', 'constrained:error', 'flip:constrained']);
    expect(rows).toHaveLength(7);
    a.examples.forEach((e, i) => {
      const v = b.examples[i]!.verdict;
      expect(rows[i + 1]).toEqual([e.id, e.verdict.group, String(e.verdict.exactMatch), String(e.verdict.validJson), String(e.verdict.schemaOk), e.verdict.error ?? 'none', String(v.exactMatch), String(v.validJson), String(v.schemaOk), v.error ?? 'none', c!.flips.find((f) => f.id === e.id)?.direction ?? '']);
    });
  });

  it('--store saved both runs; comparing the stored files gives the same figures', () => {
    const files = readdirSync(store).filter((f) => f.endsWith('.json'));
    expect(files).toHaveLength(2);
    const stored = files.map((f) => JSON.parse(readFileSync(join(store, f), 'utf8')) as EvalReportRecord);
    const byConstrained = (x: boolean) => join(store, files[stored.findIndex((s) => s.config.decoding.constrained === x)]!);
    const fromStore = run([byConstrained(false), byConstrained(true)], { pass: 'validJson', resamples: '300' }) as unknown as Printed;
    const fromFiles = run([base, cons], { pass: 'validJson', resamples: '300' }) as unknown as Printed;
    expect(fromStore.comparisons[0]!.differences).toEqual(fromFiles.comparisons[0]!.differences);
    expect(fromStore.comparisons[0]!.flips).toEqual(fromFiles.comparisons[0]!.flips);
    expect(fromStore.runs[1]!.config).toMatchObject({ format: 'compact', dataset: { split: 'test', count: 6 }, decoding: { maxNewTokens: 16, greedy: true, constrained: true } });
  });

  it('--error keeps the flips with that label on either side; --data scores the predictions again', () => {
    const all = (run([base, cons], { pass: 'validJson', resamples: '50' }) as unknown as Printed).comparisons[0]!.flips;
    const label = all[0]!.before.error as string;
    const some = (run([base, cons], { pass: 'validJson', resamples: '50', error: label }) as unknown as Printed).comparisons[0]!.flips;
    expect(some).toEqual(all.filter((f) => f.before.error === label || f.after.error === label));
    const other = label === 'value_mismatch' ? 'enum_violation' : 'value_mismatch';
    const none = (run([base, cons], { pass: 'validJson', resamples: '50', error: other }) as unknown as Printed).comparisons[0]!.flips;
    expect(none).toEqual(all.filter((f) => f.before.error === other || f.after.error === other));
    const re = run([base, cons], { data, resamples: '50' }) as unknown as Printed;
    expect(re.rescored).toHaveLength(2);
    for (const note of re.rescored!) expect(note).toMatch(/6 predictions scored again .*; 0 verdict\(s\) differ/);
  });
});

describe('lab compare on hand-scored runs', () => {
  const test = recs.filter((r): r is ToolCallRecord => r.kind === 'tool-call' && r.meta?.split === 'test').slice(0, 10);
  const gold = (r: ToolCallRecord) => JSON.stringify(r.expected.length === 1 ? r.expected[0] : r.expected);
  const file = (name: string, right: (i: number) => boolean): string => {
    const preds = test.map((r, i) => ({ id: r.id, output: right(i) ? gold(r) : '{"name": "nope", "arguments": {}}' }));
    const s = scorePredictions(test, preds, { bootstrap: { resamples: 50 } });
    const rec: EvalReportRecord = {
      id: name,
      created: now,
      name,
      kind: 'eval',
      origin: { cli: true },
      config: { model: { id: 'm' }, adapter: null, dataset: { id: 'tc101', split: 'test', count: 10 }, format: 'compact', decoding: { maxNewTokens: 64, greedy: true }, appVersion: '0.1.0' },
      metrics: s.metrics,
      verdicts: s.verdicts,
      predictions: preds,
    };
    const path = join(dir, `${name}.json`);
    writeFileSync(path, JSON.stringify(rec));
    return path;
  };

  it('known flips: 3 fail→pass and 1 pass→fail; a third run is compared with the first too', () => {
    const r1 = file('r1', (i) => i < 5);
    const r2 = file('r2', (i) => (i < 8 && i !== 0) || false);
    const r3 = file('r3', () => true);
    const out = run([r1, r2, r3], { resamples: '200' }) as unknown as Printed;
    expect(out.comparisons.map((c) => [c.run, c.counts])).toEqual([
      ['r2', { failToPass: 3, passToFail: 1 }],
      ['r3', { failToPass: 5, passToFail: 0 }],
    ]);
    expect(out.comparisons[0]!.flips.map((f) => [f.id, f.direction, f.before.error, f.after.error])).toEqual([
      [test[0]!.id, 'pass→fail', null, 'wrong_function'],
      [test[5]!.id, 'fail→pass', 'wrong_function', null],
      [test[6]!.id, 'fail→pass', 'wrong_function', null],
      [test[7]!.id, 'fail→pass', 'wrong_function', null],
    ]);
    expect(out.comparisons[0]!.differences.exactMatch!.diff).toBeCloseTo(0.2, 12);
    expect(out.comparisons[1]!.differences.exactMatch!.diff).toBeCloseTo(0.5, 12);
    expect(out.comparisons[1]!.differences.exactMatch!.ci95[0]!).toBeGreaterThan(0);
  });

  it('usage errors name the file, the field or the option', () => {
    const r1 = file('u1', () => true);
    expect(() => run([r1])).toThrow(UsageError);
    expect(() => run([r1])).toThrow(/at least two runs, got 1/);
    expect(() => run([r1, join(dir, 'missing.json')])).toThrow(/missing\.json: no such file/);
    expect(() => run([r1, r1], { error: 'bad_label' })).toThrow(/--error must be one of/);
    expect(() => run([r1, r1], { pass: 'fieldMatch' })).toThrow(/--pass must be one of/);
    const broken = join(dir, 'broken.json');
    writeFileSync(broken, JSON.stringify({ ...JSON.parse(readFileSync(r1, 'utf8')), format: 3, config: { model: {} } }));
    expect(() => run([r1, broken])).toThrow(`${broken}.config.model.id: must be a string, got undefined`);
    // The same file twice is two runs with distinct names.
    const twice = run([r1, r1]) as unknown as Printed;
    expect(twice.runs.map((r) => r.name)).toEqual(['u1', 'u1 (2)']);
  });
});

describe('CSV (RFC 4180)', () => {
  it('quotes fields with commas, quotes and line breaks, doubles inner quotes, ends lines with CRLF', () => {
    expect(csvField('plain')).toBe('plain');
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('two\nlines')).toBe('"two\nlines"');
    expect(csvField('cr\r')).toBe('"cr\r"');
    expect(csvField(null)).toBe('');
    expect(csvField(false)).toBe('false');
    expect(toCsv([['a', 'b,c'], [1, null]])).toBe('a,"b,c"\r\n1,\r\n');
  });

  it('comparisonCsv round-trips awkward ids and run names through a parser', () => {
    const record = recs.find((r): r is ToolCallRecord => r.kind === 'tool-call' && r.expected.length === 1)!;
    const ids = ['x,1', 'say "x"', 'two\r\nlines', 'plain'];
    const verdicts = (ok: (i: number) => boolean): Verdict[] => ids.map((id, i) => ({ ...scoreRecord(record, { output: ok(i) ? JSON.stringify(record.expected[0]) : 'no' }), id }));
    const runs = [
      { name: 'base, v1', verdicts: verdicts((i) => i % 2 === 0) },
      { name: 'after "lora"', verdicts: verdicts((i) => i < 2) },
    ];
    const cmp = compareRuns(runs, { bootstrap: { resamples: 20 } });
    const text = comparisonCsv(runs, cmp);
    const rows = parseCsv(text);
    expect(rows[0]![2]).toBe('base, v1:exactMatch');
    expect(rows[0]![10]).toBe('flip:after "lora"');
    expect(rows.slice(1).map((r) => r[0])).toEqual(ids);
    expect(rows.slice(1).map((r) => r[10])).toEqual(['', 'fail→pass', 'pass→fail', '']);
    expect(rows.every((r) => r.length === 11)).toBe(true);
    expect(text.split('\r\n')[1]).toBe(`"x,1",${record.expected[0]!.name},true,true,true,none,true,true,true,none,`);
    // Only flips, or only flips with a label.
    expect(parseCsv(comparisonCsv(runs, cmp, { onlyFlips: true })).slice(1).map((r) => r[0])).toEqual(['say "x"', 'two\r\nlines']);
    expect(parseCsv(comparisonCsv(runs, cmp, { label: 'invalid_json' })).slice(1).map((r) => r[0])).toEqual(['say "x"', 'two\r\nlines']);
    expect(parseCsv(comparisonCsv(runs, cmp, { label: 'enum_violation' }))).toHaveLength(1);
  });

  it('the parser refuses broken quoting', () => {
    expect(() => parseCsv('a,"b\r\n')).toThrow(/not closed/);
    expect(() => parseCsv('a,b"c\r\n')).toThrow(/quote inside an unquoted field/);
    expect(() => parseCsv('"a"b\r\n')).toThrow(/after a closing quote/);
  });
});
