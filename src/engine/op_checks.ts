// The argument and shape contract of every Backend op (./backend.ts), checked in one place. Each
// backend (cpu, wasm, webgpu) calls the check of an op before running its kernel, so a wrong call
// fails with the same TypeError/RangeError and the same message whatever the device.
//
// The checks read only what the Tensor interface carries (shape, size, label) and return the
// sizes the kernel needs (M, C, …). What depends on the storage stays in the backends: whether a
// tensor belongs to this backend or was freed, its dtype (the backends' f32/i32), and the aliasing
// a kernel cannot do in place (webgpu's "may not alias").
//
// The functions are named like the ops they check (snake_case, STYLE.md habit 7), so
// `import * as check from '../op_checks'` reads `check.matmul_forward(out, x, w, bias)`.
//
// Legend: M rows, K in features, N out features, C channels, B batch, T positions, S keys seen
// (past + T), Smax cache slots, H heads, Hkv kv heads, D head dim, V vocab, P positions.
import { rowChunks, rowsShape, type AttentionParams, type DType, type Rows, type Tensor } from './backend';

// ---- helpers ---------------------------------------------------------------------------------------

/** A tensor for messages: `label [d0, d1, …]` ("tensor" when it has no label). */
export function fmt(t: Tensor): string {
  return `${t.label || 'tensor'} [${t.shape.join(', ')}]`;
}

/** Number of elements of `shape`; a TypeError when a dimension is not a non-negative integer. */
export function sizeOf(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) {
    if (!Number.isInteger(d) || d < 0) throw new TypeError(`bad shape [${shape.join(', ')}]`);
    n *= d;
  }
  return n;
}

/** Elements of a new tensor of `shape`, checking that `data` (when given) has exactly as many. */
export function tensorSize(shape: readonly number[], data: ArrayLike<number> | undefined, label: string): number {
  const n = sizeOf(shape);
  if (data && data.length !== n) throw new TypeError(`tensor ${label}: data has ${data.length} elements, shape needs ${n}`);
  return n;
}

/** upload(t, data, offset): the dtype of `data` matches `t` and the range fits in it. */
export function upload(t: Tensor, data: Float32Array | Int32Array, offset: number): void {
  if ((t.dtype === 'f32') !== data instanceof Float32Array) throw new TypeError(`upload to ${fmt(t)}: dtype mismatch`);
  if (offset < 0 || offset + data.length > t.size) throw new RangeError(`upload to ${fmt(t)}: ${data.length} elements at ${offset} overflow`);
}

/** A TypeError unless `t` holds `dtype`. */
export function dtype(t: Tensor, want: DType): void {
  if (t.dtype !== want) throw new TypeError(`${fmt(t)} must be ${want}`);
}

/** The last dimension of `t` (1 for a scalar). */
export function lastDim(t: Tensor): number {
  return t.shape[t.shape.length - 1] ?? 1;
}

/** A TypeError naming `op` unless `a` and `b` have the same number of elements. */
export function sameSize(op: string, a: Tensor, b: Tensor): void {
  if (a.size !== b.size) throw new TypeError(`${op}: ${fmt(a)} and ${fmt(b)} differ in size`);
}

/** A TypeError naming `op` unless gradient `a` is chunked like weight `b` (same chunk sizes). */
export function sameChunks(op: string, a: Rows, b: Rows): void {
  const ca = rowChunks(a);
  const cb = rowChunks(b);
  if (ca.length !== cb.length || ca.some((c, i) => c.size !== cb[i]!.size)) throw new TypeError(`${op}: gradient chunks do not match the weight's chunks`);
}

/** Rows M and row width N of x (…, N) viewed as rows. */
export interface RowDims {
  readonly M: number;
  readonly N: number;
}

function rows(x: Tensor): RowDims {
  const N = lastDim(x);
  return { M: x.size / N, N };
}

// ---- forward ops -----------------------------------------------------------------------------------

/** copy_rows: dst (B, Rd, X), src (B, Rs, X); rows [srcStart, srcStart+rows) fit src, the target fits dst. */
export function copy_rows(dst: Tensor, src: Tensor, srcStart: number, dstStart: number, rows: number): { B: number; Rd: number; Rs: number; X: number } {
  if (dst.shape.length !== 3 || src.shape.length !== 3) throw new TypeError(`copy_rows: ${fmt(dst)}, ${fmt(src)} must be 3-d`);
  const [B, Rd, X] = dst.shape as [number, number, number];
  const [Bs, Rs, Xs] = src.shape as [number, number, number];
  if (B !== Bs || X !== Xs) throw new TypeError(`copy_rows: ${fmt(dst)} vs ${fmt(src)}`);
  if (srcStart < 0 || dstStart < 0 || srcStart + rows > Rs || dstStart + rows > Rd) {
    throw new RangeError(`copy_rows: rows ${rows} from ${srcStart} of ${Rs} to ${dstStart} of ${Rd}`);
  }
  return { B, Rd, Rs, X };
}

/**
 * embedding_forward: out (B, T, C), ids (B, T), wte Rows (V, C), wpe (P, C) or null, pos (B, T)
 * (required with wpe). Returns C and P (0 without wpe).
 */
export function embedding_forward(out: Tensor, ids: Tensor, wte: Rows, wpe: Tensor | null, pos: Tensor | null): { C: number; P: number } {
  const [, C] = rowsShape(wte);
  if (out.size !== ids.size * C) throw new TypeError(`embedding_forward: ${fmt(out)} vs ids ${fmt(ids)} × C ${C}`);
  if (wpe && !pos) throw new TypeError('embedding_forward: wpe needs pos');
  if (wpe && lastDim(wpe) !== C) throw new TypeError(`embedding_forward: ${fmt(wpe)} width ≠ ${C}`);
  if (wpe && pos && pos.size !== ids.size) throw new TypeError(`embedding_forward: pos ${fmt(pos)} vs ids ${fmt(ids)}`);
  return { C, P: wpe ? wpe.shape[0]! : 0 };
}

/** Sizes of a matmul: x (M, K), w (N, K), out (M, N). */
export interface MatmulDims {
  readonly M: number;
  readonly N: number;
  readonly K: number;
}

/** x (…, K) against w Rows (N, K) and an output (…, N) of the same rows; `out` names it in messages. */
function matmulDims(op: string, out: Tensor, x: Tensor, w: Rows): MatmulDims {
  const [N, K] = rowsShape(w);
  if (lastDim(x) !== K) throw new TypeError(`${op}: ${fmt(x)} has ${lastDim(x)} features, W has ${K}`);
  if (lastDim(out) !== N) throw new TypeError(`${op}: ${fmt(out)} has ${lastDim(out)} outputs, W has ${N}`);
  const M = x.size / K;
  if (out.size !== M * N) throw new TypeError(`${op}: ${fmt(out)} vs ${fmt(x)} rows`);
  return { M, N, K };
}

/** matmul_forward: out (M, N), x (M, K), w Rows (N, K), bias (N) or null. */
export function matmul_forward(out: Tensor, x: Tensor, w: Rows, bias: Tensor | null): MatmulDims {
  const dims = matmulDims('matmul_forward', out, x, w);
  if (bias && bias.size !== dims.N) throw new TypeError(`matmul_forward: bias ${fmt(bias)} vs N ${dims.N}`);
  return dims;
}

/**
 * rmsnorm_forward: out, x (…, C) as M rows with C = w.size dividing the last dimension (per-head
 * norms pass w (D)); rstd (M) or null.
 */
export function rmsnorm_forward(out: Tensor, x: Tensor, w: Tensor, rstd: Tensor | null | undefined): { M: number; C: number } {
  sameSize('rmsnorm_forward', out, x);
  const C = w.size;
  if (x.size % C !== 0 || lastDim(x) % C !== 0) throw new TypeError(`rmsnorm_forward: ${fmt(x)} rows are not multiples of ${C}`);
  const M = x.size / C;
  if (rstd && rstd.size !== M) throw new TypeError(`rmsnorm_forward: rstd ${fmt(rstd)} vs M ${M}`);
  return { M, C };
}

/** layernorm_forward: out, x (…, C) as M rows; w, b (C); mean, rstd (M) or null. */
export function layernorm_forward(
  out: Tensor,
  x: Tensor,
  w: Tensor,
  b: Tensor,
  mean: Tensor | null | undefined,
  rstd: Tensor | null | undefined,
): { M: number; C: number } {
  sameSize('layernorm_forward', out, x);
  sameSize('layernorm_forward', w, b);
  const C = w.size;
  if (lastDim(x) % C !== 0) throw new TypeError(`layernorm_forward: ${fmt(x)} rows are not multiples of ${C}`);
  const M = x.size / C;
  if ((mean && mean.size !== M) || (rstd && rstd.size !== M)) throw new TypeError(`layernorm_forward: mean/rstd must have ${M} elements`);
  return { M, C };
}

/** Sizes of a rotary call: M rows of nHeads heads of D = 2·invFreq.size. */
export interface RotaryDims {
  readonly M: number;
  readonly nHeads: number;
  readonly D: number;
}

function rotaryDims(op: string, out: Tensor, x: Tensor, pos: Tensor, invFreq: Tensor): RotaryDims {
  sameSize(op, out, x);
  const D = 2 * invFreq.size;
  const width = lastDim(x);
  if (width % D !== 0) throw new TypeError(`${op}: ${fmt(x)} width is not a multiple of D ${D}`);
  const M = x.size / width;
  if (pos.size !== M) throw new TypeError(`${op}: pos ${fmt(pos)} vs ${M} rows`);
  return { M, nHeads: width / D, D };
}

/** rotary_forward: out, x (B, T, nHeads·D); pos (B, T); invFreq (D/2). */
export function rotary_forward(out: Tensor, x: Tensor, pos: Tensor, invFreq: Tensor): RotaryDims {
  return rotaryDims('rotary_forward', out, x, pos, invFreq);
}

/** Sizes of attention_forward, and the score scale (default 1/√D). */
export interface AttentionDims {
  readonly B: number;
  readonly T: number;
  readonly Smax: number;
  readonly H: number;
  readonly Hkv: number;
  readonly D: number;
  readonly past: number;
  readonly scale: number;
}

/**
 * attention_forward: out, q (B, T, H·D); k, v (B, Smax, Hkv·D) with past + T ≤ Smax;
 * mask (B, Smax) or null; att (B, H, T, past + T) or null.
 */
export function attention_forward(out: Tensor, q: Tensor, k: Tensor, v: Tensor, mask: Tensor | null, p: AttentionParams, att: Tensor | null | undefined): AttentionDims {
  const { heads: H, kvHeads: Hkv, headDim: D, past } = p;
  if (H % Hkv !== 0) throw new TypeError(`attention_forward: heads ${H} not a multiple of kvHeads ${Hkv}`);
  if (q.shape.length !== 3 || k.shape.length !== 3) throw new TypeError(`attention_forward: q ${fmt(q)}, k ${fmt(k)} must be 3-d`);
  const [B, T, QW] = q.shape as [number, number, number];
  const [Bk, Smax, KW] = k.shape as [number, number, number];
  if (QW !== H * D || KW !== Hkv * D || Bk !== B) throw new TypeError(`attention_forward: q ${fmt(q)}, k ${fmt(k)} vs H ${H}, Hkv ${Hkv}, D ${D}`);
  sameSize('attention_forward', v, k);
  sameSize('attention_forward', out, q);
  if (past + T > Smax) throw new RangeError(`attention_forward: past ${past} + T ${T} exceeds ${Smax} slots`);
  if (mask && mask.size !== B * Smax) throw new TypeError(`attention_forward: mask ${fmt(mask)} vs (B ${B}, Smax ${Smax})`);
  if (att && att.size !== B * H * T * (past + T)) throw new TypeError(`attention_forward: att ${fmt(att)} vs (B,H,T,S)`);
  return { B, T, Smax, H, Hkv, D, past, scale: p.scale ?? 1 / Math.sqrt(D) };
}

/** softmax_forward: out, x (…, N) as M rows of the same size. */
export function softmax_forward(out: Tensor, x: Tensor): RowDims {
  sameSize('softmax_forward', out, x);
  return rows(x);
}

/** silu_mul_forward: out, gate, up (…, F) of one size. */
export function silu_mul_forward(out: Tensor, gate: Tensor, up: Tensor): void {
  sameSize('silu_mul_forward', out, gate);
  sameSize('silu_mul_forward', out, up);
}

/** gelu_forward: out, x of one size. */
export function gelu_forward(out: Tensor, x: Tensor): void {
  sameSize('gelu_forward', out, x);
}

/** add_forward: out, a, b of one size. */
export function add_forward(out: Tensor, a: Tensor, b: Tensor): void {
  sameSize('add_forward', out, a);
  sameSize('add_forward', out, b);
}

/** argmax_forward: ids (M) for x (…, N) as M rows. */
export function argmax_forward(ids: Tensor, x: Tensor): RowDims {
  const d = rows(x);
  if (ids.size !== d.M) throw new TypeError(`argmax_forward: ids ${fmt(ids)} vs ${d.M} rows of ${fmt(x)}`);
  return d;
}

/** topk_forward: values, ids (M, k) with k ≤ N for x (…, N) as M rows. */
export function topk_forward(values: Tensor, ids: Tensor, x: Tensor): RowDims & { k: number } {
  const { M, N } = rows(x);
  const k = lastDim(values);
  if (values.size !== M * k || ids.size !== M * k || k > N) throw new TypeError(`topk_forward: ${fmt(values)}, ${fmt(ids)} vs ${fmt(x)}`);
  return { M, N, k };
}

// ---- training ops ----------------------------------------------------------------------------------

/**
 * embedding_backward: dout (B, T, C), ids (B, T); dwte Rows (V, C) or null; dwpe (P, C) or null
 * with pos (B, T). Returns C.
 */
export function embedding_backward(dwte: Rows | null, dwpe: Tensor | null, dout: Tensor, ids: Tensor, pos: Tensor | null): { C: number } {
  const C = lastDim(dout);
  if (dout.size !== ids.size * C) throw new TypeError(`embedding_backward: ${fmt(dout)} vs ids ${fmt(ids)}`);
  if (dwpe && !pos) throw new TypeError('embedding_backward: dwpe needs pos');
  if (dwpe && pos && pos.size !== ids.size) throw new TypeError(`embedding_backward: pos ${fmt(pos)} vs ids ${fmt(ids)}`);
  if (dwte) {
    const [, Cw] = rowsShape(dwte);
    if (Cw !== C) throw new TypeError(`embedding_backward: dwte width ${Cw} vs ${C}`);
  }
  if (dwpe && lastDim(dwpe) !== C) throw new TypeError(`embedding_backward: ${fmt(dwpe)} width ≠ ${C}`);
  return { C };
}

/** matmul_backward: dout (M, N), x (M, K), w Rows (N, K); dx like x, dw chunked like w, db (N), each or null. */
export function matmul_backward(dx: Tensor | null, dw: Rows | null, db: Tensor | null, dout: Tensor, x: Tensor, w: Rows): MatmulDims {
  const dims = matmulDims('matmul_backward', dout, x, w);
  if (dx && dx.size !== x.size) throw new TypeError(`matmul_backward: dx ${fmt(dx)} vs x ${fmt(x)}`);
  if (dw) sameChunks('matmul_backward', dw, w);
  if (db && db.size !== dims.N) throw new TypeError(`matmul_backward: db ${fmt(db)} vs N ${dims.N}`);
  return dims;
}

/** rmsnorm_backward: dx, dout like x (…, C) as M rows; dw like w (C) or null; rstd (M). */
export function rmsnorm_backward(dx: Tensor, dw: Tensor | null, dout: Tensor, x: Tensor, w: Tensor, rstd: Tensor): { M: number; C: number } {
  const C = w.size;
  sameSize('rmsnorm_backward', dx, x);
  sameSize('rmsnorm_backward', dout, x);
  if (dw) sameSize('rmsnorm_backward', dw, w);
  const M = x.size / C;
  if (!Number.isInteger(M) || rstd.size !== M) throw new TypeError(`rmsnorm_backward: ${fmt(x)} vs w ${C} and rstd ${fmt(rstd)}`);
  return { M, C };
}

/** layernorm_backward: dx, dout like x (…, C) as M rows; dw, db like w (C) or null; mean, rstd (M). */
export function layernorm_backward(dx: Tensor, dw: Tensor | null, db: Tensor | null, dout: Tensor, x: Tensor, w: Tensor, mean: Tensor, rstd: Tensor): { M: number; C: number } {
  const C = w.size;
  sameSize('layernorm_backward', dx, x);
  sameSize('layernorm_backward', dout, x);
  if (dw) sameSize('layernorm_backward', dw, w);
  if (db) sameSize('layernorm_backward', db, w);
  const M = x.size / C;
  if (!Number.isInteger(M) || rstd.size !== M || mean.size !== M) throw new TypeError(`layernorm_backward: mean/rstd must have ${M} elements`);
  return { M, C };
}

/** rotary_backward: dx, dout (B, T, nHeads·D); pos (B, T); invFreq (D/2). */
export function rotary_backward(dx: Tensor, dout: Tensor, pos: Tensor, invFreq: Tensor): RotaryDims {
  return rotaryDims('rotary_backward', dx, dout, pos, invFreq);
}

/** Sizes of attention_backward (S = T), and the score scale (default 1/√D). */
export interface AttentionBackwardDims {
  readonly B: number;
  readonly T: number;
  readonly H: number;
  readonly Hkv: number;
  readonly D: number;
  readonly scale: number;
}

/**
 * attention_backward (training forward only, past = 0): dq, dout, q (B, T, H·D); dk, dv, k, v
 * (B, T, Hkv·D); att (B, H, T, T).
 */
export function attention_backward(
  dq: Tensor,
  dk: Tensor,
  dv: Tensor,
  dout: Tensor,
  q: Tensor,
  k: Tensor,
  v: Tensor,
  att: Tensor,
  p: AttentionParams,
): AttentionBackwardDims {
  const { heads: H, kvHeads: Hkv, headDim: D } = p;
  if (p.past !== 0) throw new TypeError('attention_backward: only the training forward (past = 0) has a backward');
  if (q.shape.length !== 3) throw new TypeError(`attention_backward: q ${fmt(q)} must be 3-d`);
  const [B, T, QW] = q.shape as [number, number, number];
  if (QW !== H * D || k.size !== B * T * Hkv * D || H % Hkv !== 0) throw new TypeError(`attention_backward: q ${fmt(q)}, k ${fmt(k)} vs H ${H}, Hkv ${Hkv}, D ${D}`);
  sameSize('attention_backward', dq, q);
  sameSize('attention_backward', dout, q);
  sameSize('attention_backward', dk, k);
  sameSize('attention_backward', dv, k);
  sameSize('attention_backward', v, k);
  if (att.size !== B * H * T * T) throw new TypeError(`attention_backward: att ${fmt(att)} vs (B ${B}, H ${H}, T ${T}, T)`);
  return { B, T, H, Hkv, D, scale: p.scale ?? 1 / Math.sqrt(D) };
}

/** softmax_backward: dx, dout like y (…, N) as M rows. */
export function softmax_backward(dx: Tensor, dout: Tensor, y: Tensor): RowDims {
  sameSize('softmax_backward', dx, y);
  sameSize('softmax_backward', dout, y);
  return rows(y);
}

/** silu_mul_backward: dgate, dup, gate, up like dout (…, F). */
export function silu_mul_backward(dgate: Tensor, dup: Tensor, dout: Tensor, gate: Tensor, up: Tensor): void {
  for (const t of [dgate, dup, gate, up]) sameSize('silu_mul_backward', t, dout);
}

/** gelu_backward: dx, dout like x. */
export function gelu_backward(dx: Tensor, dout: Tensor, x: Tensor): void {
  sameSize('gelu_backward', dx, x);
  sameSize('gelu_backward', dout, x);
}

/** add_backward: da, db (each or null) like dout. */
export function add_backward(da: Tensor | null, db: Tensor | null, dout: Tensor): void {
  if (da) sameSize('add_backward', da, dout);
  if (db) sameSize('add_backward', db, dout);
}

/** Rows M and vocabulary V of a cross-entropy call. */
export interface CrossentropyDims {
  readonly M: number;
  readonly V: number;
}

/** crossentropy_forward: losses (M), targets (M) for logits (…, V) as M rows. */
export function crossentropy_forward(losses: Tensor, logits: Tensor, targets: Tensor): CrossentropyDims {
  const { M, N: V } = rows(logits);
  if (targets.size !== M || losses.size !== M) throw new TypeError(`crossentropy_forward: ${fmt(losses)}, ${fmt(targets)} vs ${M} rows of ${fmt(logits)}`);
  return { M, V };
}

/** crossentropy_backward: dlogits like logits (…, V) as M rows; targets (M). */
export function crossentropy_backward(dlogits: Tensor, logits: Tensor, targets: Tensor): CrossentropyDims {
  sameSize('crossentropy_backward', dlogits, logits);
  const { M, N: V } = rows(logits);
  if (targets.size !== M) throw new TypeError(`crossentropy_backward: ${fmt(targets)} vs ${M} rows of ${fmt(logits)}`);
  return { M, V };
}

/** adamw_update: grad, m, v like param. */
export function adamw_update(param: Tensor, grad: Tensor, m: Tensor, v: Tensor): void {
  for (const t of [grad, m, v]) sameSize('adamw_update', t, param);
}

/** sum_squares: out has one element. */
export function sum_squares(out: Tensor): void {
  if (out.size !== 1) throw new TypeError(`sum_squares: ${fmt(out)} must have one element`);
}

/** scale_forward: out like x. */
export function scale_forward(out: Tensor, x: Tensor): void {
  sameSize('scale_forward', out, x);
}

function dropout(op: string, out: Tensor, x: Tensor, p: number): void {
  sameSize(op, out, x);
  if (!(p >= 0 && p < 1)) throw new RangeError(`${op}: p ${p} outside [0, 1)`);
}

/** dropout_forward: out like x; p in [0, 1). */
export function dropout_forward(out: Tensor, x: Tensor, p: number): void {
  dropout('dropout_forward', out, x, p);
}

/** dropout_backward: dx like dout; p in [0, 1). */
export function dropout_backward(dx: Tensor, dout: Tensor, p: number): void {
  dropout('dropout_backward', dx, dout, p);
}
