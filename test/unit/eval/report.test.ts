// scorePredictions' bookkeeping (unmatched, duplicates, missing, text records) and the seeded
// bootstrap intervals.
import { describe, expect, it } from 'vitest';
import type { LabRecord, ToolCallRecord } from '../../../src/data/types';
import { quantile, resampleRatios, summarize, wilsonInterval } from '../../../src/eval/aggregate';
import { parsePredictionsJsonl, parseRecordsText, ScoringFileError } from '../../../src/eval/io';
import { scorePredictions, scoreToolCall, ScoringInputError, type Prediction } from '../../../src/eval/scoring';
import { N, W, weatherTool } from './fixtures';

const OK = '{"name": "get_weather", "arguments": {"city": "Paris", "days": 5}}';

/** n copies of W with ids w0…, for aggregate tests. */
function copies(n: number): ToolCallRecord[] {
  return Array.from({ length: n }, (_, i) => ({ ...W, id: `w${i}` }));
}

describe('scorePredictions bookkeeping', () => {
  const records: LabRecord[] = [W, N, { ...W, id: 'W-b' }, { kind: 'text', id: 'T', prompt: '2+3=', completion: '5' }];
  const preds: Prediction[] = [
    { id: 'W', output: OK },
    { id: 'ghost', output: OK },
    { id: 'W', output: 'second try' },
    { id: 'N', output: '[]' },
    { id: 'W', output: 'third' },
  ];

  it('lists unmatched ids, duplicates, missing predictions and unscorable records', () => {
    const r = scorePredictions(records, preds, { bootstrap: { resamples: 50 } });
    expect(r.unmatchedPredictions).toEqual([{ id: 'ghost', line: 2 }]);
    expect(r.duplicatePredictions).toEqual([{ id: 'W', scoredLine: 1, ignoredLines: [3, 5] }]);
    expect(r.missingPredictions).toEqual(['W-b']);
    expect(r.unsupportedRecords).toEqual([{ id: 'T', kind: 'text' }]);
    expect(r.counts).toEqual({ records: 4, predictions: 5, scored: 3, missingPredictions: 1, unmatchedPredictions: 1, duplicatePredictions: 2, unsupportedRecords: 1 });
    // The first prediction for W is the one scored; the missing record counts as no_output.
    expect(r.verdicts.map((v) => [v.id, v.exactMatch, v.error, v.missing ?? false])).toEqual([
      ['W', true, null, false],
      ['N', true, null, false],
      ['W-b', false, 'no_output', true],
    ]);
    expect(r.metrics.exactMatch.value).toBeCloseTo(2 / 3, 12);
    expect(r.warnings.join('\n')).toMatch(/1 record\(s\) had no prediction and were scored as no_output/);
    expect(r.warnings.join('\n')).toMatch(/1 prediction\(s\) match no record id/);
    expect(r.warnings.join('\n')).toMatch(/predicted more than once/);
    expect(r.warnings.join('\n')).toMatch(/text record\(s\) cannot be scored/);
  });

  it('can leave records without a prediction out of the aggregates (still listed)', () => {
    const r = scorePredictions(records, preds, { missing: 'exclude', bootstrap: { resamples: 50 } });
    expect(r.counts.scored).toBe(2);
    expect(r.missingPredictions).toEqual(['W-b']);
    expect(r.metrics.exactMatch.value).toBe(1);
    expect(r.warnings.join('\n')).toMatch(/left out of the aggregates/);
  });

  it('refuses duplicate record ids and malformed predictions', () => {
    expect(() => scorePredictions([W, W], [])).toThrow(ScoringInputError);
    expect(() => scorePredictions([W], [{ id: 'W' } as Prediction])).toThrow(/line 1/);
  });

  it('breaks down by expected tool and by error label', () => {
    const r = scorePredictions(
      [W, N, { ...W, id: 'W2' }],
      [
        { id: 'W', output: OK },
        { id: 'N', output: OK },
        { id: 'W2', output: 'nope' },
      ],
      { bootstrap: { resamples: 50 } },
    );
    expect(r.perTool.map((g) => [g.group, g.n, g.metrics.exactMatch.value])).toEqual([
      ['(no call)', 1, 0],
      ['get_weather', 2, 0.5],
    ]);
    const byLabel = Object.fromEntries(r.perError.filter((e) => e.count).map((e) => [e.label, e.ids]));
    expect(byLabel).toEqual({ multiple_calls: ['N'], invalid_json: ['W2'] });
  });

  it('warns when n is small, and not when every denominator reaches 30', () => {
    const small = scorePredictions(copies(10), copies(10).map((r) => ({ id: r.id, output: OK })), { bootstrap: { resamples: 50 } });
    expect(small.warnings).toContain('overall: every metric rests on fewer than 30 records (n = 10); the 95% intervals are wide and differences within them mean little.');
    // Only the metrics over valid-JSON outputs are small: they are named.
    const some = scorePredictions(copies(40), copies(40).map((r, i) => ({ id: r.id, output: i < 10 ? OK : 'no' })), { bootstrap: { resamples: 50 } });
    expect(some.warnings[0]).toBe('overall: schemaOkOfValid, fieldMatchOfValid, fieldNoiseOfValid, noiseOfValid rest on fewer than 30 records (n = 10); the 95% intervals are wide and differences within them mean little.');
    const big = scorePredictions(copies(40), copies(40).map((r) => ({ id: r.id, output: OK })), { bootstrap: { resamples: 50 } });
    expect(big.warnings).toEqual([]);
  });
});

describe('95% intervals', () => {
  const records = copies(400);
  // Every other prediction right: exact match 0.5 over n = 400; fieldMatch is 100 or 0.
  const preds = records.map((r, i) => ({ id: r.id, output: i % 2 ? OK : 'no' }));

  it('bootstrap intervals of percentage means are deterministic for a seed and change with it', () => {
    const a = scorePredictions(records, preds, { bootstrap: { seed: 7, resamples: 300 } }).metrics.fieldMatch;
    const b = scorePredictions(records, preds, { bootstrap: { seed: 7, resamples: 300 } }).metrics.fieldMatch;
    const c = scorePredictions(records, preds, { bootstrap: { seed: 8, resamples: 300 } }).metrics.fieldMatch;
    expect(a.unit).toBe('percent');
    expect(a).toEqual(b);
    expect([c.lo, c.hi]).not.toEqual([a.lo, a.hi]);
  });

  it('have about the binomial width (±1.96·sqrt(p(1−p)/n)) and contain the estimate, for a rate and a percentage mean', () => {
    const metrics = scorePredictions(records, preds, { bootstrap: { resamples: 2000 } }).metrics;
    const half = 1.96 * Math.sqrt(0.25 / 400);
    for (const [m, scale] of [[metrics.exactMatch, 1], [metrics.fieldMatch, 100]] as const) {
      expect(m.value).toBe(0.5 * scale);
      expect(m.lo as number).toBeLessThan(0.5 * scale);
      expect(m.hi as number).toBeGreaterThan(0.5 * scale);
      // Wilson and the percentile bootstrap vs the normal approximation: within 15% of the half-width.
      expect(Math.abs(((m.hi as number) - (m.lo as number)) / scale - 2 * half)).toBeLessThan(0.15 * 2 * half);
    }
  });

  it('rates take the Wilson score interval: known values, and honest at 0 and 1', () => {
    // Closed forms at the ends: 0 of n → [0, z²/(n+z²)], n of n → [n/(n+z²), 1].
    const z2 = 1.959963984540054 ** 2;
    expect(wilsonInterval(0, 16)[0]).toBe(0);
    expect(wilsonInterval(0, 16)[1]).toBeCloseTo(z2 / (16 + z2), 12);
    expect(wilsonInterval(0, 16)[1]).toBeCloseTo(0.1936, 4);
    expect(wilsonInterval(5, 5)[0]).toBeCloseTo(5 / (5 + z2), 12);
    // Textbook value (Newcombe 1998, table I): 81 of 263 → 0.2553 – 0.3662.
    const [lo, hi] = wilsonInterval(81, 263);
    expect(lo).toBeCloseTo(0.2553, 4);
    expect(hi).toBeCloseTo(0.3662, 4);
    expect(() => wilsonInterval(3, 2)).toThrow(/0 ≤ k ≤ n/);
    expect(() => wilsonInterval(0, 0)).toThrow(/n > 0/);

    const all = summarize(copies(5).map((r) => scoreToolCall(r, OK)), { resamples: 100 });
    expect([all.exactMatch.value, all.exactMatch.hi]).toEqual([1, 1]);
    expect(all.exactMatch.lo).toBeCloseTo(5 / (5 + z2), 12);
    const none = summarize(copies(16).map((r) => scoreToolCall(r, 'x')), { resamples: 100 });
    expect([none.validJson.value, none.validJson.lo, none.validJson.hi]).toEqual([0, ...wilsonInterval(0, 16)]);
    expect(none.schemaOkOfValid).toMatchObject({ value: null, lo: null, hi: null, n: 0 });
    // A percentage mean that is constant keeps the bootstrap's zero width (there is no closed form to widen it).
    expect([none.fieldMatch.value, none.fieldMatch.lo, none.fieldMatch.hi]).toEqual([0, 0, 0]);
  });

  it('resampleRatios pairs columns row by row, and quantile interpolates', () => {
    const x = new Float64Array([1, 0, 1, 1]);
    const d = new Float64Array([1, 1, 1, 1]);
    const [p, q] = resampleRatios([{ x, d }, { x, d }], 4, { resamples: 20, seed: 3 }) as [Float64Array, Float64Array];
    expect(Array.from(p)).toEqual(Array.from(q));
    expect(quantile([1, 2, 3, 4], 0.5)).toBe(2.5);
    expect(quantile([NaN], 0.5)).toBeNull();
  });
});

describe('reading files', () => {
  it('predictions: names every bad line', () => {
    const text = '{"id": "a", "output": "x"}\n\nnot json\n{"id": 3, "output": "y"}\n{"id": "b"}\n{"id": "c", "error": "oom"}\n';
    expect(() => parsePredictionsJsonl(text, 'p.jsonl')).toThrow(ScoringFileError);
    try {
      parsePredictionsJsonl(text, 'p.jsonl');
    } catch (e) {
      expect((e as ScoringFileError).problems).toEqual([
        expect.stringMatching(/^line 3: not JSON/),
        'line 4: "id" must be a non-empty string',
        'line 5: "output" must be a string',
      ]);
    }
    expect(parsePredictionsJsonl('{"id": "c", "error": "oom"}\n{"id": "d", "output": "{", "truncated": true}')).toEqual([
      { id: 'c', output: '', error: 'oom', line: 1 },
      { id: 'd', output: '{', truncated: true, line: 2 },
    ]);
  });

  it('records: validated with line and field', () => {
    const good = JSON.stringify(W);
    const bad = JSON.stringify({ ...W, id: 'bad', tools: [weatherTool], expected: [{ name: 'nope', arguments: {} }] });
    expect(parseRecordsText(`${good}\n`)).toHaveLength(1);
    expect(() => parseRecordsText(`${good}\n${bad}\n`)).toThrow(/2:\/expected\/0\/name/);
    expect(parseRecordsText(`[${good}]`)).toHaveLength(1);
    expect(parseRecordsText(`{"schemaVersion": 1, "name": "header"}\n${good}`)).toHaveLength(1);
  });
});
