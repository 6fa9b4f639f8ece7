// The wasm heap over consecutive training runs (the notebook runner's case): three short LoRA runs
// on stories260K with different examples or seeds, so every run allocates activations of shapes
// (batch mixes of lengths) the earlier ones never had. The heap must stay near the peak of live tensor bytes and
// stop growing once a run with the largest shapes has been seen.
//
// Before the merging allocator, freed blocks were pooled by size: tool-calls-101's LoRA in the
// notebook runner took the memory from 64 MB to 721 MB, 1187 MB and 1599 MB over three 20-step runs
// (exact sizes), or 129 / 172 / 172 MB with size classes, for a peak of about 61 MB of tensors.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadModel } from '../../../src/engine/load';
import { LoraAdapter } from '../../../src/engine/lora/lora';
import type { Model } from '../../../src/engine/model';
import type { TokenizedExample } from '../../../src/engine/train/data';
import { train } from '../../../src/engine/train/loop';
import { TrainableModel } from '../../../src/engine/train/network';
import { TrainRng } from '../../../src/engine/train/rng';
import { createWasmBackend, type WasmBackend } from '../../../src/engine/wasm/backend';
import { fixture } from '../engine/helpers';

/** n examples of random lengths in [lo, hi] over ids 3..511 (stories260K's vocabulary is 512). */
function examples(seed: number, n: number, lo: number, hi: number): TokenizedExample[] {
  const rng = TrainRng.seeded(seed);
  return Array.from({ length: n }, (_, index) => {
    const len = lo + Math.floor(rng.next() * (hi - lo + 1));
    const ids = [1, ...Array.from({ length: len - 2 }, () => 3 + Math.floor(rng.next() * 509)), 2];
    return { index, ids, promptLength: 1 + Math.floor(rng.next() * 4) };
  });
}

const MB = 2 ** 20;

describe('wasm heap over consecutive training runs', () => {
  let be: WasmBackend;
  let model: Model;
  beforeAll(async () => {
    be = await createWasmBackend({ threads: 1 });
    model = (await loadModel(fixture('stories260K/hf'), be)).model;
  });
  afterAll(() => {
    model?.free();
    be?.destroy();
  });

  it('stays near the peak of live tensors and does not grow after the second run', async () => {
    // Run 2 has its own, shorter examples; run 3 trains on run 1's examples (up to 160 tokens) with
    // another seed, so its batches are other mixes of lengths and no longer than run 1's longest.
    const runs = [
      { data: 1, seed: 1, lo: 20, hi: 160 },
      { data: 2, seed: 2, lo: 10, hi: 120 },
      { data: 1, seed: 3, lo: 20, hi: 160 },
    ];
    const rows: { heap: number; memory: number; peak: number; inUse: number }[] = [];
    const baseline = be.memory().bytesInUse;
    for (const r of runs) {
      const adapter = LoraAdapter.create(be, model.config, { r: 8, alpha: 16, dropout: 0.05, targetModules: ['q_proj', 'k_proj', 'v_proj', 'o_proj'] }, r.seed);
      const net = new TrainableModel(model, 'lora', adapter);
      const res = await train(net, { train: examples(r.data, 12, r.lo, r.hi) }, { lr: 1e-3, batchSize: 3, steps: 6, seed: r.seed, padId: 0, checkpointEvery: 0 });
      expect(res.losses).toHaveLength(6);
      net.free();
      adapter.free();
      const m = be.memory();
      rows.push({ heap: be.kernels.heapBytes(), memory: be.kernels.memory.buffer.byteLength, peak: m.peakBytes, inUse: m.bytesInUse });
    }
    for (const [i, r] of rows.entries()) {
      console.info(
        `[wasm heap] after run ${i + 1}: heap ${(r.heap / MB).toFixed(2)} MiB, memory ${(r.memory / MB).toFixed(1)} MiB, ` +
          `tensors in use ${(r.inUse / MB).toFixed(2)} MiB, peak ${(r.peak / MB).toFixed(2)} MiB (heap / peak ${(r.heap / r.peak).toFixed(2)})`,
      );
    }
    // Every run freed what it made.
    for (const r of rows) expect(r.inUse).toBe(baseline);
    // The heap holds the peak of live tensors plus kernel scratch and the gemm panels (< 1 MiB
    // here), and merging keeps fragmentation small: at most 25% over the peak.
    const last = rows[rows.length - 1]!;
    expect(last.heap, 'heap high-water vs peak of live tensors').toBeLessThanOrEqual(1.25 * last.peak + MB);
    // Run 3 repeats run 1's range of lengths in a new order: no new heap.
    expect(rows[2]!.heap, 'heap after run 3 vs after run 2').toBeLessThanOrEqual(rows[1]!.heap);
  });
});
