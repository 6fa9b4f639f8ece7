// The shared op contract (src/engine/op_checks.ts) called directly: each check returns the sizes
// its kernel needs for good shapes and throws the documented error type and exact message for bad
// ones. The last block makes the same bad calls on the cpu and wasm backends and expects the very
// error the check gives, so every backend reports a wrong call identically.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AttentionParams, DType, Tensor, TrainBackend } from '../../../src/engine/backend';
import { createCpuBackend } from '../../../src/engine/cpu';
import * as check from '../../../src/engine/op_checks';
import { createWasmBackend, type WasmBackend } from '../../../src/engine/wasm/backend';

/** A shape-only tensor: the checks read nothing but shape, size, dtype and label. */
function t(shape: number[], label = 'x', dtype: DType = 'f32'): Tensor {
  return { shape, size: shape.reduce((a, b) => a * b, 1), dtype, label };
}

/** `fn` throws an instance of `type` whose message is exactly `message`. */
function throws(fn: () => unknown, type: ErrorConstructor | RangeErrorConstructor | TypeErrorConstructor, message: string): void {
  let err: unknown = null;
  try {
    fn();
  } catch (e) {
    err = e;
  }
  expect(err, `expected ${type.name}: ${message}`).toBeInstanceOf(type);
  expect((err as Error).message).toBe(message);
}

describe('op_checks helpers', () => {
  it('sizeOf, tensorSize, upload, dtype, lastDim, sameSize, sameChunks', () => {
    expect(check.sizeOf([2, 3, 4])).toBe(24);
    expect(check.sizeOf([])).toBe(1);
    throws(() => check.sizeOf([2, -1]), TypeError, 'bad shape [2, -1]');
    throws(() => check.sizeOf([2.5]), TypeError, 'bad shape [2.5]');
    expect(check.tensorSize([2, 3], new Float32Array(6), 'w')).toBe(6);
    throws(() => check.tensorSize([2, 3], new Float32Array(5), 'w'), TypeError, 'tensor w: data has 5 elements, shape needs 6');
    expect(() => check.upload(t([4], 'u'), new Float32Array(2), 2)).not.toThrow();
    throws(() => check.upload(t([4], 'u'), new Int32Array(2), 0), TypeError, 'upload to u [4]: dtype mismatch');
    throws(() => check.upload(t([4], 'u'), new Float32Array(3), 2), RangeError, 'upload to u [4]: 3 elements at 2 overflow');
    throws(() => check.upload(t([4], 'u'), new Float32Array(1), -1), RangeError, 'upload to u [4]: 1 elements at -1 overflow');
    expect(() => check.dtype(t([2], 'ids', 'i32'), 'i32')).not.toThrow();
    throws(() => check.dtype(t([2], 'ids', 'i32'), 'f32'), TypeError, 'ids [2] must be f32');
    throws(() => check.dtype(t([2], ''), 'i32'), TypeError, 'tensor [2] must be i32');
    expect(check.lastDim(t([2, 7]))).toBe(7);
    expect(check.lastDim(t([]))).toBe(1);
    throws(() => check.sameSize('op', t([2, 3], 'a'), t([5], 'b')), TypeError, 'op: a [2, 3] and b [5] differ in size');
    expect(() => check.sameChunks('op', [t([2, 4]), t([3, 4])], [t([2, 4]), t([3, 4])])).not.toThrow();
    throws(() => check.sameChunks('op', [t([5, 4])], [t([2, 4]), t([3, 4])]), TypeError, "op: gradient chunks do not match the weight's chunks");
  });
});

describe('op_checks forward ops', () => {
  it('copy_rows', () => {
    expect(check.copy_rows(t([2, 8, 6], 'cache'), t([2, 3, 6], 'k'), 0, 4, 3)).toEqual({ B: 2, Rd: 8, Rs: 3, X: 6 });
    throws(() => check.copy_rows(t([16, 6], 'cache'), t([2, 3, 6], 'k'), 0, 0, 1), TypeError, 'copy_rows: cache [16, 6], k [2, 3, 6] must be 3-d');
    throws(() => check.copy_rows(t([2, 8, 5], 'cache'), t([2, 3, 6], 'k'), 0, 0, 1), TypeError, 'copy_rows: cache [2, 8, 5] vs k [2, 3, 6]');
    throws(() => check.copy_rows(t([2, 8, 6], 'cache'), t([2, 3, 6], 'k'), 0, 6, 3), RangeError, 'copy_rows: rows 3 from 0 of 3 to 6 of 8');
    throws(() => check.copy_rows(t([2, 8, 6], 'cache'), t([2, 3, 6], 'k'), -1, 0, 1), RangeError, 'copy_rows: rows 1 from -1 of 3 to 0 of 8');
  });

  it('embedding_forward (one tensor or row chunks, with and without positions)', () => {
    const ids = t([2, 3], 'ids', 'i32');
    const pos = t([2, 3], 'pos', 'i32');
    expect(check.embedding_forward(t([2, 3, 8], 'emb'), ids, t([50, 8], 'wte'), null, null)).toEqual({ C: 8, P: 0 });
    expect(check.embedding_forward(t([2, 3, 8], 'emb'), ids, [t([20, 8]), t([30, 8])], t([16, 8], 'wpe'), pos)).toEqual({ C: 8, P: 16 });
    throws(() => check.embedding_forward(t([2, 3, 7], 'emb'), ids, t([50, 8], 'wte'), null, null), TypeError, 'embedding_forward: emb [2, 3, 7] vs ids ids [2, 3] × C 8');
    throws(() => check.embedding_forward(t([2, 3, 8], 'emb'), ids, t([50, 8], 'wte'), t([16, 8], 'wpe'), null), TypeError, 'embedding_forward: wpe needs pos');
    throws(() => check.embedding_forward(t([2, 3, 8], 'emb'), ids, t([50, 8], 'wte'), t([16, 4], 'wpe'), pos), TypeError, 'embedding_forward: wpe [16, 4] width ≠ 8');
    throws(() => check.embedding_forward(t([2, 3, 8], 'emb'), ids, t([50, 8], 'wte'), t([16, 8], 'wpe'), t([5], 'pos', 'i32')), TypeError, 'embedding_forward: pos pos [5] vs ids ids [2, 3]');
    throws(() => check.embedding_forward(t([2, 3, 8], 'emb'), ids, t([2, 3, 9], 'wte'), null, null), TypeError, 'Rows: chunk wte has shape [2, 3, 9], expected [*, 9]');
  });

  it('matmul_forward (leading dims flattened, chunked W, bias)', () => {
    expect(check.matmul_forward(t([2, 3, 5], 'y'), t([2, 3, 4], 'x'), t([5, 4], 'w'), t([5], 'b'))).toEqual({ M: 6, N: 5, K: 4 });
    expect(check.matmul_forward(t([6, 5], 'y'), t([6, 4], 'x'), [t([2, 4]), t([3, 4])], null)).toEqual({ M: 6, N: 5, K: 4 });
    throws(() => check.matmul_forward(t([6, 5], 'y'), t([6, 3], 'x'), t([5, 4], 'w'), null), TypeError, 'matmul_forward: x [6, 3] has 3 features, W has 4');
    throws(() => check.matmul_forward(t([6, 6], 'y'), t([6, 4], 'x'), t([5, 4], 'w'), null), TypeError, 'matmul_forward: y [6, 6] has 6 outputs, W has 5');
    throws(() => check.matmul_forward(t([5, 5], 'y'), t([6, 4], 'x'), t([5, 4], 'w'), null), TypeError, 'matmul_forward: y [5, 5] vs x [6, 4] rows');
    throws(() => check.matmul_forward(t([6, 5], 'y'), t([6, 4], 'x'), t([5, 4], 'w'), t([4], 'b')), TypeError, 'matmul_forward: bias b [4] vs N 5');
  });

  it('rmsnorm_forward and layernorm_forward (per-head rows, saved statistics)', () => {
    expect(check.rmsnorm_forward(t([2, 3, 8], 'y'), t([2, 3, 8], 'x'), t([8], 'w'), t([6], 'rstd'))).toEqual({ M: 6, C: 8 });
    expect(check.rmsnorm_forward(t([2, 3, 8], 'y'), t([2, 3, 8], 'x'), t([4], 'w'), null)).toEqual({ M: 12, C: 4 });
    throws(() => check.rmsnorm_forward(t([2, 3, 7], 'y'), t([2, 3, 8], 'x'), t([8], 'w'), null), TypeError, 'rmsnorm_forward: y [2, 3, 7] and x [2, 3, 8] differ in size');
    throws(() => check.rmsnorm_forward(t([2, 3, 8], 'y'), t([2, 3, 8], 'x'), t([3], 'w'), null), TypeError, 'rmsnorm_forward: x [2, 3, 8] rows are not multiples of 3');
    throws(() => check.rmsnorm_forward(t([2, 3, 8], 'y'), t([2, 3, 8], 'x'), t([8], 'w'), t([5], 'rstd')), TypeError, 'rmsnorm_forward: rstd rstd [5] vs M 6');
    expect(check.layernorm_forward(t([6, 8], 'y'), t([6, 8], 'x'), t([8], 'w'), t([8], 'b'), t([6], 'mean'), t([6], 'rstd'))).toEqual({ M: 6, C: 8 });
    throws(() => check.layernorm_forward(t([6, 7], 'y'), t([6, 8], 'x'), t([8], 'w'), t([8], 'b'), null, null), TypeError, 'layernorm_forward: y [6, 7] and x [6, 8] differ in size');
    throws(() => check.layernorm_forward(t([6, 8], 'y'), t([6, 8], 'x'), t([8], 'w'), t([7], 'b'), null, null), TypeError, 'layernorm_forward: w [8] and b [7] differ in size');
    throws(() => check.layernorm_forward(t([6, 8], 'y'), t([6, 8], 'x'), t([3], 'w'), t([3], 'b'), null, null), TypeError, 'layernorm_forward: x [6, 8] rows are not multiples of 3');
    throws(() => check.layernorm_forward(t([6, 8], 'y'), t([6, 8], 'x'), t([8], 'w'), t([8], 'b'), t([6], 'mean'), t([5], 'rstd')), TypeError, 'layernorm_forward: mean/rstd must have 6 elements');
  });

  it('rotary_forward', () => {
    expect(check.rotary_forward(t([2, 3, 12], 'q'), t([2, 3, 12], 'q'), t([2, 3], 'pos', 'i32'), t([2], 'inv'))).toEqual({ M: 6, nHeads: 3, D: 4 });
    throws(() => check.rotary_forward(t([2, 3, 8], 'y'), t([2, 3, 12], 'q'), t([2, 3], 'pos', 'i32'), t([2], 'inv')), TypeError, 'rotary_forward: y [2, 3, 8] and q [2, 3, 12] differ in size');
    throws(() => check.rotary_forward(t([2, 3, 12], 'q'), t([2, 3, 12], 'q'), t([2, 3], 'pos', 'i32'), t([5], 'inv')), TypeError, 'rotary_forward: q [2, 3, 12] width is not a multiple of D 10');
    throws(() => check.rotary_forward(t([2, 3, 12], 'q'), t([2, 3, 12], 'q'), t([2, 4], 'pos', 'i32'), t([2], 'inv')), TypeError, 'rotary_forward: pos pos [2, 4] vs 6 rows');
  });

  it('attention_forward (grouped heads, KV-cache offset, mask, saved probabilities)', () => {
    const p: AttentionParams = { heads: 4, kvHeads: 2, headDim: 3, past: 2 };
    const q = t([2, 3, 12], 'q');
    const k = t([2, 8, 6], 'k');
    const v = t([2, 8, 6], 'v');
    const good = check.attention_forward(t([2, 3, 12], 'o'), q, k, v, t([2, 8], 'mask', 'i32'), p, t([2, 4, 3, 5], 'att'));
    expect(good).toEqual({ B: 2, T: 3, Smax: 8, H: 4, Hkv: 2, D: 3, past: 2, scale: 1 / Math.sqrt(3) });
    expect(check.attention_forward(t([2, 3, 12], 'o'), q, k, v, null, { ...p, scale: 0.5 }, null).scale).toBe(0.5);
    const o = t([2, 3, 12], 'o');
    throws(() => check.attention_forward(o, q, k, v, null, { ...p, kvHeads: 3 }, null), TypeError, 'attention_forward: heads 4 not a multiple of kvHeads 3');
    throws(() => check.attention_forward(o, t([6, 12], 'q'), k, v, null, p, null), TypeError, 'attention_forward: q q [6, 12], k k [2, 8, 6] must be 3-d');
    throws(() => check.attention_forward(o, q, t([2, 8, 8], 'k'), t([2, 8, 8], 'v'), null, p, null), TypeError, 'attention_forward: q q [2, 3, 12], k k [2, 8, 8] vs H 4, Hkv 2, D 3');
    throws(() => check.attention_forward(o, q, t([1, 8, 6], 'k'), v, null, p, null), TypeError, 'attention_forward: q q [2, 3, 12], k k [1, 8, 6] vs H 4, Hkv 2, D 3');
    throws(() => check.attention_forward(o, q, k, t([2, 7, 6], 'v'), null, p, null), TypeError, 'attention_forward: v [2, 7, 6] and k [2, 8, 6] differ in size');
    throws(() => check.attention_forward(t([2, 3, 11], 'o'), q, k, v, null, p, null), TypeError, 'attention_forward: o [2, 3, 11] and q [2, 3, 12] differ in size');
    throws(() => check.attention_forward(o, q, k, v, null, { ...p, past: 6 }, null), RangeError, 'attention_forward: past 6 + T 3 exceeds 8 slots');
    throws(() => check.attention_forward(o, q, k, v, t([2, 5], 'mask', 'i32'), p, null), TypeError, 'attention_forward: mask mask [2, 5] vs (B 2, Smax 8)');
    throws(() => check.attention_forward(o, q, k, v, null, p, t([2, 4, 3, 8], 'att')), TypeError, 'attention_forward: att att [2, 4, 3, 8] vs (B,H,T,S)');
  });

  it('softmax, silu_mul, gelu, add, argmax, topk', () => {
    expect(check.softmax_forward(t([2, 3, 7], 'y'), t([2, 3, 7], 'x'))).toEqual({ M: 6, N: 7 });
    throws(() => check.softmax_forward(t([2, 3, 6], 'y'), t([2, 3, 7], 'x')), TypeError, 'softmax_forward: y [2, 3, 6] and x [2, 3, 7] differ in size');
    expect(() => check.silu_mul_forward(t([4, 5], 'y'), t([4, 5], 'g'), t([4, 5], 'u'))).not.toThrow();
    throws(() => check.silu_mul_forward(t([4, 5], 'y'), t([4, 4], 'g'), t([4, 5], 'u')), TypeError, 'silu_mul_forward: y [4, 5] and g [4, 4] differ in size');
    throws(() => check.silu_mul_forward(t([4, 5], 'y'), t([4, 5], 'g'), t([5], 'u')), TypeError, 'silu_mul_forward: y [4, 5] and u [5] differ in size');
    throws(() => check.gelu_forward(t([3], 'y'), t([4], 'x')), TypeError, 'gelu_forward: y [3] and x [4] differ in size');
    expect(() => check.add_forward(t([4], 'y'), t([4], 'a'), t([2, 2], 'b'))).not.toThrow();
    throws(() => check.add_forward(t([4], 'y'), t([4], 'a'), t([3], 'b')), TypeError, 'add_forward: y [4] and b [3] differ in size');
    expect(check.argmax_forward(t([6], 'ids', 'i32'), t([2, 3, 9], 'logits'))).toEqual({ M: 6, N: 9 });
    throws(() => check.argmax_forward(t([5], 'ids', 'i32'), t([2, 3, 9], 'logits')), TypeError, 'argmax_forward: ids ids [5] vs 6 rows of logits [2, 3, 9]');
    expect(check.topk_forward(t([6, 4], 'vals'), t([6, 4], 'ids', 'i32'), t([2, 3, 9], 'logits'))).toEqual({ M: 6, N: 9, k: 4 });
    throws(() => check.topk_forward(t([6, 10], 'vals'), t([6, 10], 'ids', 'i32'), t([2, 3, 9], 'logits')), TypeError, 'topk_forward: vals [6, 10], ids [6, 10] vs logits [2, 3, 9]');
    throws(() => check.topk_forward(t([6, 4], 'vals'), t([6, 3], 'ids', 'i32'), t([2, 3, 9], 'logits')), TypeError, 'topk_forward: vals [6, 4], ids [6, 3] vs logits [2, 3, 9]');
  });
});

describe('op_checks training ops', () => {
  it('embedding_backward', () => {
    const ids = t([2, 3], 'ids', 'i32');
    const pos = t([2, 3], 'pos', 'i32');
    const g = t([2, 3, 8], 'dout');
    expect(check.embedding_backward([t([20, 8]), t([30, 8])], t([16, 8], 'dwpe'), g, ids, pos)).toEqual({ C: 8 });
    expect(check.embedding_backward(null, null, g, ids, null)).toEqual({ C: 8 });
    throws(() => check.embedding_backward(null, null, t([2, 4, 8], 'dout'), ids, null), TypeError, 'embedding_backward: dout [2, 4, 8] vs ids ids [2, 3]');
    throws(() => check.embedding_backward(null, t([16, 8], 'dwpe'), g, ids, null), TypeError, 'embedding_backward: dwpe needs pos');
    throws(() => check.embedding_backward(null, t([16, 8], 'dwpe'), g, ids, t([5], 'pos', 'i32')), TypeError, 'embedding_backward: pos pos [5] vs ids ids [2, 3]');
    throws(() => check.embedding_backward(t([50, 4], 'dwte'), null, g, ids, null), TypeError, 'embedding_backward: dwte width 4 vs 8');
    throws(() => check.embedding_backward(null, t([16, 4], 'dwpe'), g, ids, pos), TypeError, 'embedding_backward: dwpe [16, 4] width ≠ 8');
  });

  it('matmul_backward (any output may be null; dW chunked like W)', () => {
    const dy = t([6, 5], 'dy');
    const x = t([6, 4], 'x');
    const w = [t([2, 4], 'w0'), t([3, 4], 'w1')];
    expect(check.matmul_backward(t([6, 4], 'dx'), [t([2, 4]), t([3, 4])], t([5], 'db'), dy, x, w)).toEqual({ M: 6, N: 5, K: 4 });
    expect(check.matmul_backward(null, null, null, dy, x, w)).toEqual({ M: 6, N: 5, K: 4 });
    throws(() => check.matmul_backward(null, null, null, dy, t([6, 3], 'x'), w), TypeError, 'matmul_backward: x [6, 3] has 3 features, W has 4');
    throws(() => check.matmul_backward(null, null, null, t([6, 4], 'dy'), x, w), TypeError, 'matmul_backward: dy [6, 4] has 4 outputs, W has 5');
    throws(() => check.matmul_backward(null, null, null, t([3, 5], 'dy'), x, w), TypeError, 'matmul_backward: dy [3, 5] vs x [6, 4] rows');
    throws(() => check.matmul_backward(t([5, 4], 'dx'), null, null, dy, x, w), TypeError, 'matmul_backward: dx dx [5, 4] vs x x [6, 4]');
    throws(() => check.matmul_backward(null, t([5, 4], 'dw'), null, dy, x, w), TypeError, "matmul_backward: gradient chunks do not match the weight's chunks");
    throws(() => check.matmul_backward(null, null, t([4], 'db'), dy, x, w), TypeError, 'matmul_backward: db db [4] vs N 5');
  });

  it('rmsnorm_backward and layernorm_backward', () => {
    const x = t([6, 8], 'x');
    expect(check.rmsnorm_backward(t([6, 8], 'dx'), t([8], 'dw'), t([6, 8], 'dy'), x, t([8], 'w'), t([6], 'rstd'))).toEqual({ M: 6, C: 8 });
    expect(check.rmsnorm_backward(t([6, 8], 'dx'), null, t([6, 8], 'dy'), x, t([4], 'w'), t([12], 'rstd'))).toEqual({ M: 12, C: 4 });
    throws(() => check.rmsnorm_backward(t([6, 7], 'dx'), null, t([6, 8], 'dy'), x, t([8], 'w'), t([6], 'rstd')), TypeError, 'rmsnorm_backward: dx [6, 7] and x [6, 8] differ in size');
    throws(() => check.rmsnorm_backward(t([6, 8], 'dx'), null, t([6, 7], 'dy'), x, t([8], 'w'), t([6], 'rstd')), TypeError, 'rmsnorm_backward: dy [6, 7] and x [6, 8] differ in size');
    throws(() => check.rmsnorm_backward(t([6, 8], 'dx'), t([7], 'dw'), t([6, 8], 'dy'), x, t([8], 'w'), t([6], 'rstd')), TypeError, 'rmsnorm_backward: dw [7] and w [8] differ in size');
    throws(() => check.rmsnorm_backward(t([6, 8], 'dx'), null, t([6, 8], 'dy'), x, t([8], 'w'), t([5], 'rstd')), TypeError, 'rmsnorm_backward: x [6, 8] vs w 8 and rstd rstd [5]');
    throws(() => check.rmsnorm_backward(t([6, 8], 'dx'), null, t([6, 8], 'dy'), x, t([5], 'w'), t([6], 'rstd')), TypeError, 'rmsnorm_backward: x [6, 8] vs w 5 and rstd rstd [6]');
    const lnGood = check.layernorm_backward(t([6, 8], 'dx'), t([8], 'dw'), t([8], 'db'), t([6, 8], 'dy'), x, t([8], 'w'), t([6], 'mean'), t([6], 'rstd'));
    expect(lnGood).toEqual({ M: 6, C: 8 });
    throws(
      () => check.layernorm_backward(t([6, 8], 'dx'), null, t([7], 'db'), t([6, 8], 'dy'), x, t([8], 'w'), t([6], 'mean'), t([6], 'rstd')),
      TypeError,
      'layernorm_backward: db [7] and w [8] differ in size',
    );
    throws(
      () => check.layernorm_backward(t([6, 8], 'dx'), null, null, t([6, 8], 'dy'), x, t([8], 'w'), t([5], 'mean'), t([6], 'rstd')),
      TypeError,
      'layernorm_backward: mean/rstd must have 6 elements',
    );
    throws(
      () => check.layernorm_backward(t([6, 8], 'dx'), null, null, t([6, 8], 'dy'), x, t([8], 'w'), t([6], 'mean'), t([7], 'rstd')),
      TypeError,
      'layernorm_backward: mean/rstd must have 6 elements',
    );
  });

  it('rotary_backward and attention_backward', () => {
    expect(check.rotary_backward(t([2, 3, 12], 'dq'), t([2, 3, 12], 'dout'), t([2, 3], 'pos', 'i32'), t([3], 'inv'))).toEqual({ M: 6, nHeads: 2, D: 6 });
    throws(() => check.rotary_backward(t([2, 3, 12], 'dq'), t([2, 3, 12], 'dout'), t([2, 3], 'pos', 'i32'), t([5], 'inv')), TypeError, 'rotary_backward: dout [2, 3, 12] width is not a multiple of D 10');
    const p: AttentionParams = { heads: 4, kvHeads: 2, headDim: 3, past: 0 };
    const q = t([2, 3, 12], 'q');
    const k = t([2, 3, 6], 'k');
    const args = (over: Partial<Record<'dq' | 'dk' | 'dv' | 'dout' | 'q' | 'k' | 'v' | 'att', Tensor>> = {}, pp = p) =>
      check.attention_backward(over.dq ?? t([2, 3, 12], 'dq'), over.dk ?? t([2, 3, 6], 'dk'), over.dv ?? t([2, 3, 6], 'dv'), over.dout ?? t([2, 3, 12], 'dout'), over.q ?? q, over.k ?? k, over.v ?? t([2, 3, 6], 'v'), over.att ?? t([2, 4, 3, 3], 'att'), pp);
    expect(args()).toEqual({ B: 2, T: 3, H: 4, Hkv: 2, D: 3, scale: 1 / Math.sqrt(3) });
    throws(() => args({}, { ...p, past: 1 }), TypeError, 'attention_backward: only the training forward (past = 0) has a backward');
    throws(() => args({ q: t([6, 12], 'q') }), TypeError, 'attention_backward: q q [6, 12] must be 3-d');
    throws(() => args({ k: t([2, 3, 8], 'k') }), TypeError, 'attention_backward: q q [2, 3, 12], k k [2, 3, 8] vs H 4, Hkv 2, D 3');
    throws(() => args({}, { ...p, kvHeads: 3, headDim: 3 }), TypeError, 'attention_backward: q q [2, 3, 12], k k [2, 3, 6] vs H 4, Hkv 3, D 3');
    throws(() => args({ dk: t([2, 3, 5], 'dk') }), TypeError, 'attention_backward: dk [2, 3, 5] and k [2, 3, 6] differ in size');
    throws(() => args({ v: t([2, 3, 5], 'v') }), TypeError, 'attention_backward: v [2, 3, 5] and k [2, 3, 6] differ in size');
    throws(() => args({ att: t([2, 4, 3, 4], 'att') }), TypeError, 'attention_backward: att att [2, 4, 3, 4] vs (B 2, H 4, T 3, T)');
  });

  it('softmax, silu_mul, gelu, add backward', () => {
    expect(check.softmax_backward(t([4, 6], 'dx'), t([4, 6], 'dy'), t([4, 6], 'y'))).toEqual({ M: 4, N: 6 });
    throws(() => check.softmax_backward(t([4, 6], 'dx'), t([4, 5], 'dy'), t([4, 6], 'y')), TypeError, 'softmax_backward: dy [4, 5] and y [4, 6] differ in size');
    throws(() => check.silu_mul_backward(t([4], 'dg'), t([4], 'du'), t([4], 'dy'), t([4], 'g'), t([3], 'u')), TypeError, 'silu_mul_backward: u [3] and dy [4] differ in size');
    throws(() => check.gelu_backward(t([4], 'dx'), t([3], 'dy'), t([4], 'x')), TypeError, 'gelu_backward: dy [3] and x [4] differ in size');
    expect(() => check.add_backward(null, null, t([4], 'dy'))).not.toThrow();
    throws(() => check.add_backward(null, t([5], 'db'), t([4], 'dy')), TypeError, 'add_backward: db [5] and dy [4] differ in size');
  });

  it('crossentropy, adamw, sum_squares, scale, dropout', () => {
    const logits = t([2, 3, 11], 'logits');
    expect(check.crossentropy_forward(t([6], 'losses'), logits, t([6], 'targets', 'i32'))).toEqual({ M: 6, V: 11 });
    throws(() => check.crossentropy_forward(t([5], 'losses'), logits, t([6], 'targets', 'i32')), TypeError, 'crossentropy_forward: losses [5], targets [6] vs 6 rows of logits [2, 3, 11]');
    expect(check.crossentropy_backward(t([2, 3, 11], 'dlogits'), logits, t([6], 'targets', 'i32'))).toEqual({ M: 6, V: 11 });
    throws(() => check.crossentropy_backward(t([2, 3, 10], 'dlogits'), logits, t([6], 'targets', 'i32')), TypeError, 'crossentropy_backward: dlogits [2, 3, 10] and logits [2, 3, 11] differ in size');
    throws(() => check.crossentropy_backward(logits, logits, t([7], 'targets', 'i32')), TypeError, 'crossentropy_backward: targets [7] vs 6 rows of logits [2, 3, 11]');
    throws(() => check.adamw_update(t([4], 'p'), t([4], 'g'), t([3], 'm'), t([4], 'v')), TypeError, 'adamw_update: m [3] and p [4] differ in size');
    expect(() => check.sum_squares(t([1], 'n'))).not.toThrow();
    throws(() => check.sum_squares(t([2], 'n')), TypeError, 'sum_squares: n [2] must have one element');
    throws(() => check.scale_forward(t([2], 'y'), t([3], 'x')), TypeError, 'scale_forward: y [2] and x [3] differ in size');
    expect(() => check.dropout_forward(t([4], 'y'), t([4], 'x'), 0)).not.toThrow();
    throws(() => check.dropout_forward(t([4], 'y'), t([4], 'x'), 1), RangeError, 'dropout_forward: p 1 outside [0, 1)');
    throws(() => check.dropout_backward(t([4], 'dx'), t([4], 'dy'), Number.NaN), RangeError, 'dropout_backward: p NaN outside [0, 1)');
    throws(() => check.dropout_backward(t([4], 'dx'), t([3], 'dy'), 0.1), TypeError, 'dropout_backward: dx [4] and dy [3] differ in size');
  });
});

// The backends route each op through its check: a bad call there throws exactly what the check
// throws on the same shapes (cpu, and wasm for its accelerated ops and the ops it delegates).
describe('backends report a wrong call with the check\'s error', () => {
  let wasm: WasmBackend;
  beforeAll(async () => {
    wasm = await createWasmBackend({ threads: 1 });
  });
  afterAll(() => wasm.destroy());

  /** Bad calls: each builds its tensors on `be` and calls the op, or (be = null) the check on shapes. */
  const cases: Record<string, (be: TrainBackend | null) => void> = {
    matmul_forward: (be) => {
      const m = make(be);
      return be ? be.matmul_forward(m.f([6, 5], 'y'), m.f([6, 4], 'x'), m.f([5, 4], 'w'), m.f([4], 'b')) : check.matmul_forward(m.f([6, 5], 'y'), m.f([6, 4], 'x'), m.f([5, 4], 'w'), m.f([4], 'b'));
    },
    layernorm_forward: (be) => {
      const m = make(be);
      const a = [m.f([6, 8], 'y'), m.f([6, 8], 'x'), m.f([8], 'w'), m.f([7], 'b')] as const;
      return be ? be.layernorm_forward(...a, 1e-5, null, null) : check.layernorm_forward(...a, null, null);
    },
    rmsnorm_forward: (be) => {
      const m = make(be);
      const a = [m.f([6, 8], 'y'), m.f([6, 8], 'x'), m.f([8], 'w')] as const;
      return be ? be.rmsnorm_forward(...a, 1e-5, m.f([5], 'rstd')) : check.rmsnorm_forward(...a, m.f([5], 'rstd'));
    },
    attention_forward: (be) => {
      const m = make(be);
      const p: AttentionParams = { heads: 2, kvHeads: 1, headDim: 2, past: 0 };
      const a = [m.f([1, 3, 4], 'o'), m.f([1, 3, 4], 'q'), m.f([1, 3, 2], 'k'), m.f([1, 2, 2], 'v')] as const;
      return be ? be.attention_forward(...a, null, p, null) : check.attention_forward(...a, null, p, null);
    },
    rotary_forward: (be) => {
      const m = make(be);
      const a = [m.f([1, 3, 8], 'q'), m.f([1, 3, 8], 'q'), m.i([1, 2], 'pos'), m.f([2], 'inv')] as const;
      return be ? be.rotary_forward(...a) : check.rotary_forward(...a);
    },
    matmul_backward: (be) => {
      const m = make(be);
      const a = [m.f([5, 4], 'dx'), null, null, m.f([6, 5], 'dy'), m.f([6, 4], 'x'), m.f([5, 4], 'w')] as const;
      return be ? be.matmul_backward(...a) : check.matmul_backward(...a);
    },
    layernorm_backward: (be) => {
      const m = make(be);
      const a = [m.f([6, 8], 'dx'), null, null, m.f([6, 8], 'dy'), m.f([6, 8], 'x'), m.f([8], 'w'), m.f([6], 'mean'), m.f([5], 'rstd')] as const;
      return be ? be.layernorm_backward(...a) : check.layernorm_backward(...a);
    },
    attention_backward: (be) => {
      const m = make(be);
      const p: AttentionParams = { heads: 2, kvHeads: 1, headDim: 2, past: 0 };
      const a = [m.f([1, 3, 4], 'dq'), m.f([1, 3, 2], 'dk'), m.f([1, 3, 2], 'dv'), m.f([1, 3, 4], 'dy'), m.f([1, 3, 4], 'q'), m.f([1, 3, 2], 'k'), m.f([1, 3, 2], 'v'), m.f([1, 2, 3, 2], 'att')] as const;
      return be ? be.attention_backward(...a, p) : check.attention_backward(...a, p);
    },
    crossentropy_forward: (be) => {
      const m = make(be);
      const a = [m.f([5], 'losses'), m.f([6, 7], 'logits'), m.i([6], 'targets')] as const;
      return be ? be.crossentropy_forward(...a) : check.crossentropy_forward(...a);
    },
    adamw_update: (be) => {
      const m = make(be);
      const a = [m.f([4], 'p'), m.f([4], 'g'), m.f([4], 'm'), m.f([3], 'v')] as const;
      const hp = { lr: 1e-3, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0, step: 1, gradScale: 1 };
      return be ? be.adamw_update(...a, hp) : check.adamw_update(...a);
    },
    dropout_forward: (be) => {
      const m = make(be);
      return be ? be.dropout_forward(m.f([4], 'y'), m.f([4], 'x'), 1.5, 7) : check.dropout_forward(m.f([4], 'y'), m.f([4], 'x'), 1.5);
    },
  };

  function make(be: TrainBackend | null): { f: (s: number[], l: string) => Tensor; i: (s: number[], l: string) => Tensor } {
    return {
      f: (s, l) => (be ? be.tensor(s, undefined, l) : t(s, l)),
      i: (s, l) => (be ? be.tensorI32(s, undefined, l) : t(s, l, 'i32')),
    };
  }

  function errorOf(fn: () => void): Error {
    try {
      fn();
    } catch (e) {
      return e as Error;
    }
    throw new Error('no error thrown');
  }

  for (const [op, call] of Object.entries(cases)) {
    it(op, () => {
      const want = errorOf(() => call(null));
      expect(want.message.startsWith(`${op}: `)).toBe(true);
      for (const be of [createCpuBackend(), wasm] as TrainBackend[]) {
        const got = errorOf(() => call(be));
        expect(got.constructor, `${be.kind} ${op}`).toBe(want.constructor);
        expect(got.message, `${be.kind} ${op}`).toBe(want.message);
      }
    });
  }
});
