// Every WASM SIMD kernel against its plain TypeScript twin: the cpu backend's kernels for forward
// ops (src/engine/cpu/kernels.ts), ./reference.ts for the rest. Shapes include sizes that are not
// multiples of the 4×8 tile, the 4-lane vectors or the cache blocks (KC = 256, MC = 128, NC = 512).
// Tolerances are relative to the largest reference magnitude and are stated per test; the largest
// difference is logged.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as cpu from '../../../src/engine/cpu/kernels';
import { createWasmKernels, type WasmKernels } from '../../../src/engine/wasm/kernels';
import { expectClose, rand } from './helpers';
import * as ref from './reference';

let wk: WasmKernels;
beforeAll(async () => {
  // the plain-memory module (what pages that are not crossOriginIsolated get)
  wk = await createWasmKernels({ threads: 1, shared: false });
});
afterAll(() => wk.dispose());

// (M, K, N): degenerate, ragged, exact tiles, across KC (K > 256), MC (M > 128) and NC (N > 512)
const SHAPES: Array<[number, number, number]> = [
  [1, 1, 1],
  [3, 5, 7],
  [4, 16, 8],
  [17, 33, 65],
  [130, 300, 24],
  [6, 20, 530],
];
// float32 sums of K products against float64 sums: ~K·2⁻²⁴ relative in the worst case
const MATMUL_TOL = 2e-5;

describe('wasm kernels', () => {
  it('runs with SIMD on one thread', () => {
    expect(wk.info).toMatchObject({ simd: true, threads: 1, shared: false });
  });

  it.each(SHAPES)('matmul_forward x·Wᵀ + b, M=%i K=%i N=%i (scale, accumulate)', (M, K, N) => {
    const x = rand(M * K, 1);
    const w = rand(N * K, 2);
    const b = rand(N, 3);
    const want = new Float32Array(M * N);
    cpu.matmul_forward(want, x, w, b, M, K, N, 0, N, 1, false);
    const got = new Float32Array(M * N);
    wk.matmul_forward(got, x, w, b, M, K, N);
    expectClose(`matmul_forward ${M}×${K}×${N}`, got, want, MATMUL_TOL);
    // LoRA-style: out += 0.5·(x·Wᵀ), no bias
    const start = rand(M * N, 4);
    const want2 = Float32Array.from(start);
    cpu.matmul_forward(want2, x, w, null, M, K, N, 0, N, 0.5, true);
    const got2 = Float32Array.from(start);
    wk.matmul_forward(got2, x, w, null, M, K, N, 0.5, true);
    expectClose(`matmul_forward accumulate ${M}×${K}×${N}`, got2, want2, MATMUL_TOL);
  });

  it.each(SHAPES)('matmul_backward_input dY·W, M=%i K=%i N=%i', (M, K, N) => {
    const dy = rand(M * N, 5);
    const w = rand(N * K, 6);
    const got = new Float32Array(M * K);
    wk.matmul_backward_input(got, dy, w, M, N, K);
    expectClose(`matmul_backward_input ${M}×${K}×${N}`, got, ref.matmul_backward_input(dy, w, M, N, K), MATMUL_TOL);
  });

  it.each(SHAPES)('matmul_backward_weight dW += dYᵀ·X, M=%i K=%i N=%i', (M, K, N) => {
    const dy = rand(M * N, 7);
    const x = rand(M * K, 8);
    const dw0 = rand(N * K, 9);
    const got = Float32Array.from(dw0);
    wk.matmul_backward_weight(got, dy, x, M, N, K);
    expectClose(`matmul_backward_weight ${M}×${K}×${N}`, got, ref.matmul_backward_weight(dw0, dy, x, M, N, K), MATMUL_TOL);
  });

  it('matmul works in place on kernel memory views and rejects short arrays', () => {
    const [M, K, N] = [9, 13, 11];
    const x = rand(M * K, 10);
    const w = rand(N * K, 11);
    const want = new Float32Array(M * N);
    cpu.matmul_forward(want, x, w, null, M, K, N, 0, N, 1, false);
    const xv = wk.view(M * K);
    const wv = wk.view(N * K);
    const ov = wk.view(M * N);
    xv.set(x);
    wv.set(w);
    wk.matmul_forward(ov, xv, wv, null, M, K, N);
    expectClose('matmul_forward on views', ov, want, MATMUL_TOL);
    expect(() => wk.matmul_forward(new Float32Array(3), x, w, null, M, K, N)).toThrow(/out has 3 elements, needs 99/);
    for (const v of [xv, wv, ov]) wk.free(v.byteOffset);
  });

  // softmax cross-entropy: polynomial exp (2e-7 relative) and float32 sums over V
  it.each([
    [5, 7],
    [3, 64],
    [9, 1001],
  ])('softmax_xent forward and backward, R=%i V=%i (ignored rows)', (R, V) => {
    const logits = rand(R * V, 12, -8, 8);
    const targets = Int32Array.from({ length: R }, (_, r) => (r % 4 === 3 ? -1 : (r * 7919) % V));
    const dl = rand(R, 13, 0.1, 1);
    const losses = new Float32Array(R);
    wk.softmax_xent_forward(losses, logits, targets, R, V);
    expectClose(`softmax_xent_forward R=${R} V=${V}`, losses, ref.softmax_xent_forward(logits, targets, R, V), 1e-5);
    const d = new Float32Array(R * V);
    wk.softmax_xent_backward(d, logits, targets, dl, R, V);
    expectClose(`softmax_xent_backward R=${R} V=${V}`, d, ref.softmax_xent_backward(logits, targets, dl, R, V), 1e-5);
    expect(() => wk.softmax_xent_forward(losses, logits, Int32Array.from(targets, () => V), R, V)).toThrow(/target \d+ at row 0/);
  });

  it.each([
    [1, 1],
    [3, 7],
    [4, 64],
    [6, 133],
  ])('rmsnorm forward and backward, R=%i C=%i', (R, C) => {
    const x = rand(R * C, 14, -3, 3);
    const w = rand(C, 15, 0.5, 1.5);
    const dout = rand(R * C, 16);
    const want = new Float32Array(R * C);
    const wantRstd = new Float32Array(R);
    cpu.rmsnorm_forward(want, x, w, 1e-5, R, C, wantRstd);
    const out = new Float32Array(R * C);
    const rstd = new Float32Array(R);
    wk.rmsnorm_forward(out, rstd, x, w, R, C, 1e-5);
    expectClose(`rmsnorm_forward R=${R} C=${C}`, out, want, 1e-5);
    expectClose(`rmsnorm_forward rstd R=${R} C=${C}`, rstd, wantRstd, 1e-5);
    const dw0 = rand(C, 17);
    const r = ref.rmsnorm_backward(dout, x, w, wantRstd, dw0, R, C);
    const dx = new Float32Array(R * C);
    const dw = Float32Array.from(dw0);
    wk.rmsnorm_backward(dx, dw, dout, x, w, wantRstd, R, C);
    expectClose(`rmsnorm_backward dx R=${R} C=${C}`, dx, r.dx, 1e-5);
    expectClose(`rmsnorm_backward dw R=${R} C=${C}`, dw, r.dw, 1e-5);
  });

  it.each([
    [1, 2],
    [3, 7],
    [4, 64],
    [6, 133],
  ])('layernorm forward and backward, R=%i C=%i', (R, C) => {
    const x = rand(R * C, 18, -3, 3);
    const w = rand(C, 19, 0.5, 1.5);
    const b = rand(C, 20);
    const dout = rand(R * C, 21);
    const want = new Float32Array(R * C);
    const wm = new Float32Array(R);
    const wr = new Float32Array(R);
    cpu.layernorm_forward(want, x, w, b, 1e-5, R, C, wm, wr);
    const out = new Float32Array(R * C);
    const mean = new Float32Array(R);
    const rstd = new Float32Array(R);
    wk.layernorm_forward(out, mean, rstd, x, w, b, R, C, 1e-5);
    expectClose(`layernorm_forward R=${R} C=${C}`, out, want, 1e-5);
    expectClose(`layernorm_forward mean R=${R} C=${C}`, mean, wm, 1e-5);
    expectClose(`layernorm_forward rstd R=${R} C=${C}`, rstd, wr, 1e-5);
    const dw0 = rand(C, 22);
    const db0 = rand(C, 23);
    const r = ref.layernorm_backward(dout, x, w, wm, wr, dw0, db0, R, C);
    const dx = new Float32Array(R * C);
    const dw = Float32Array.from(dw0);
    const db = Float32Array.from(db0);
    wk.layernorm_backward(dx, dw, db, dout, x, w, wm, wr, R, C);
    expectClose(`layernorm_backward dx R=${R} C=${C}`, dx, r.dx, 2e-5);
    expectClose(`layernorm_backward dw R=${R} C=${C}`, dw, r.dw, 1e-5);
    expectClose(`layernorm_backward db R=${R} C=${C}`, db, r.db, 1e-5);
  });

  it.each([1, 4, 7, 1027])('adamw_step, n=%i, two steps (the second with gradient scale 0.5)', (n) => {
    const hp = { lr: 1e-2, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0.1, step: 1, gradScale: 1 };
    let want: { p: Float32Array; m: Float32Array; v: Float32Array } = { p: rand(n, 24), m: new Float32Array(n), v: new Float32Array(n) };
    const p = Float32Array.from(want.p);
    const m = new Float32Array(n);
    const v = new Float32Array(n);
    for (const step of [1, 2]) {
      const g = rand(n, 25 + step);
      const gradScale = step === 2 ? 0.5 : 1;
      want = ref.adamw_step(want.p, g, want.m, want.v, { ...hp, step, gradScale });
      wk.adamw_step(p, g, m, v, { ...hp, step, gradScale });
    }
    expectClose(`adamw_step p n=${n}`, p, want.p, 1e-6);
    expectClose(`adamw_step m n=${n}`, m, want.m, 1e-6);
    expectClose(`adamw_step v n=${n}`, v, want.v, 1e-6);
  });

  // (B, T, H, Hkv, D, past, Smax, masked)
  it.each([
    [1, 1, 1, 1, 4, 0, 1, false],
    [2, 5, 4, 2, 6, 0, 5, true],
    [1, 7, 3, 1, 16, 0, 7, false],
    [2, 3, 2, 2, 8, 4, 9, true],
    // many keys: the 4-keys-at-a-time scores and the 8-lane output paths, with masks and tails
    [2, 13, 4, 2, 8, 5, 20, true],
    [1, 6, 2, 1, 12, 3, 11, true],
  ])('attention_forward B=%i T=%i H=%i Hkv=%i D=%i past=%i Smax=%i mask=%s', (B, T, H, Hkv, D, past, Smax, masked) => {
    const q = rand(B * T * H * D, 30);
    const k = rand(B * Smax * Hkv * D, 31);
    const v = rand(B * Smax * Hkv * D, 32);
    // mask out slot 1 of batch row 0, and every slot ≤ past of batch row 1 (so its first query
    // may see no key at all and must output zeros)
    const mask = masked ? Int32Array.from({ length: B * Smax }, (_, i) => (i === 1 || (i >= Smax && i - Smax <= past) ? 0 : 1)) : null;
    const S = past + T;
    const scale = 1 / Math.sqrt(D);
    const want = new Float32Array(B * T * H * D);
    const wantAtt = new Float32Array(B * H * T * S);
    cpu.attention_forward(want, q, k, v, mask, wantAtt, B, T, Smax, H, Hkv, D, past, scale);
    const out = new Float32Array(B * T * H * D);
    const att = new Float32Array(B * H * T * S);
    wk.attention_forward(out, q, k, v, mask, att, null, { B, T, Smax, H, Hkv, D, past });
    expectClose(`attention_forward out B=${B} T=${T} H=${H}/${Hkv} D=${D} past=${past}`, out, want, 1e-5);
    expectClose(`attention_forward att B=${B} T=${T} H=${H}/${Hkv} D=${D} past=${past}`, att, wantAtt, 1e-5);
  });

  it.each([
    [1, 1, 1, 1, 4, false],
    [2, 5, 4, 2, 6, true],
    [1, 9, 3, 1, 16, false],
    [2, 11, 4, 2, 8, true],
  ])('attention_backward B=%i T=%i H=%i Hkv=%i D=%i mask=%s (from att and from lse)', (B, T, H, Hkv, D, masked) => {
    const q = rand(B * T * H * D, 40);
    const k = rand(B * T * Hkv * D, 41);
    const v = rand(B * T * Hkv * D, 42);
    const dout = rand(B * T * H * D, 43);
    const mask = masked ? Int32Array.from({ length: B * T }, (_, i) => (i % T === 1 ? 0 : 1)) : null;
    const out = new Float32Array(B * T * H * D);
    const att = new Float32Array(B * H * T * T);
    const lse = new Float32Array(B * H * T);
    wk.attention_forward(out, q, k, v, mask, att, lse, { B, T, Smax: T, H, Hkv, D, past: 0 });
    const r = ref.attention_backward(dout, q, k, v, att, B, T, H, Hkv, D, 1 / Math.sqrt(D));
    for (const from of ['att', 'lse'] as const) {
      const dq = new Float32Array(B * T * H * D);
      const dk = new Float32Array(B * T * Hkv * D);
      const dv = new Float32Array(B * T * Hkv * D);
      wk.attention_backward(dq, dk, dv, dout, q, k, v, out, mask, from === 'att' ? att : null, from === 'lse' ? lse : null, { B, T, H, Hkv, D });
      expectClose(`attention_backward dq (${from}) B=${B} T=${T} H=${H}/${Hkv} D=${D}`, dq, r.dq, 2e-5);
      expectClose(`attention_backward dk (${from}) B=${B} T=${T} H=${H}/${Hkv} D=${D}`, dk, r.dk, 2e-5);
      expectClose(`attention_backward dv (${from}) B=${B} T=${T} H=${H}/${Hkv} D=${D}`, dv, r.dv, 2e-5);
    }
  });

  it('reuses freed heap blocks', () => {
    const before = wk.heapBytes();
    for (let i = 0; i < 5; i++) wk.matmul_forward(new Float32Array(64 * 64), rand(64 * 64, i), rand(64 * 64, i + 1), null, 64, 64, 64);
    const after = wk.heapBytes();
    for (let i = 0; i < 5; i++) wk.matmul_forward(new Float32Array(64 * 64), rand(64 * 64, i), rand(64 * 64, i + 1), null, 64, 64, 64);
    expect(wk.heapBytes()).toBe(after);
    expect(after - before).toBeLessThanOrEqual(3 * 64 * 64 * 4);
  });

  it('heap: best fit, free neighbours merge, and a free block at the top returns to it', () => {
    const base = wk.heapBytes();
    const a = wk.alloc(1000); // 1024 bytes
    const b = wk.alloc(64);
    const c = wk.alloc(3000); // 3008
    const d = wk.alloc(64); // keeps c below the top
    expect([b - a, c - b, d - c]).toEqual([1024, 64, 3008]);
    wk.free(a);
    wk.free(c);
    // best fit: 900 bytes go into a's 1024, not c's 3008
    const e = wk.alloc(900);
    expect(e).toBe(a);
    wk.free(e);
    // a, b and c merge into one block of 4096 bytes, which a 4096-byte request reuses
    wk.free(b);
    const f = wk.alloc(4096);
    expect(f).toBe(a);
    wk.free(f);
    wk.free(d);
    // everything is free again: the next block starts where a did
    const g = wk.alloc(64);
    expect(g).toBe(a);
    wk.free(g);
    expect(() => wk.free(g)).toThrow(/not allocated/);
    expect(wk.heapBytes() - base).toBeLessThanOrEqual(1024 + 64 + 3008 + 64);
  });
});
