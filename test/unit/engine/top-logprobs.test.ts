// The playground's next-token probabilities: `topLogprobs` reports the n most probable tokens of
// every step (softmax of the real logits), without changing what is generated.
import { describe, expect, test } from 'vitest';
import { createCpuBackend } from '../../../src/engine/cpu';
import { computeLogits, generate, topProbabilities, type TokenEvent } from '../../../src/engine/generate';
import { loadModel } from '../../../src/engine/load';
import { loadTokenizer } from '../../../src/engine/tokenizer';
import { fixture } from './helpers';

describe('top next-token probabilities', () => {
  test('topProbabilities is the sorted head of a softmax', () => {
    const row = new Float32Array([0.5, 3, -1, 3.5, -Infinity, 2, 0]);
    const z = [...row].filter(Number.isFinite).reduce((s, v) => s + Math.exp(v), 0);
    const top = topProbabilities(row, 3);
    expect(top.map((t) => t.id)).toEqual([3, 1, 5]);
    for (const t of top) expect(t.p).toBeCloseTo(Math.exp(row[t.id]!) / z, 12);
    const hot = topProbabilities(row, 2, 2);
    const z2 = [...row].filter(Number.isFinite).reduce((s, v) => s + Math.exp(v / 2), 0);
    expect(hot[0]!.p).toBeCloseTo(Math.exp(3.5 / 2) / z2, 12);
    expect(topProbabilities(row, 10)).toHaveLength(6);
  });

  test('stories260K greedy: same tokens with and without, the pick is the most probable, p from the real logits', async () => {
    const lm = await loadModel(fixture('stories260K/hf'), createCpuBackend());
    const tok = await loadTokenizer(lm.source);
    const ids = [tok.encode('Once upon a time')];
    const plain = await generate(lm.model, ids, { maxNewTokens: 8 });
    const events: TokenEvent[] = [];
    const withTop = await generate(lm.model, ids, { maxNewTokens: 8, topLogprobs: 5, onToken: (e) => events.push(e) });
    expect(withTop.rows[0]!.ids).toEqual(plain.rows[0]!.ids);
    expect(events).toHaveLength(8);
    for (const e of events) {
      expect(e.top).toHaveLength(5);
      expect(e.top![0]!.id).toBe(e.id);
      for (let i = 1; i < 5; i++) expect(e.top![i]!.p).toBeLessThanOrEqual(e.top![i - 1]!.p);
      expect(e.top!.reduce((s, t) => s + t.p, 0)).toBeLessThanOrEqual(1 + 1e-6);
    }
    // The first step's probabilities equal a softmax of the prompt's last logits (float32 vs float64: 1e-6).
    const { logits, T } = await computeLogits(lm.model, ids);
    const V = lm.model.config.vocabSize;
    const last = logits.subarray((T - 1) * V, T * V);
    const max = Math.max(...last);
    const z = last.reduce((s, v) => s + Math.exp(v - max), 0);
    let worst = 0;
    for (const t of events[0]!.top!) worst = Math.max(worst, Math.abs(t.p - Math.exp(last[t.id]! - max) / z));
    console.log(`[top-logprobs] step-1 probabilities vs softmax of computeLogits: max |Δ| ${worst.toExponential(2)}`);
    expect(worst).toBeLessThan(1e-6);
    lm.model.free();
  });
});
