// The cpu backend: the reference implementation of the Backend interface. Every op runs at once
// on Float32Array/Int32Array storage (kernels in ./kernels.ts). Each op checks its arguments with
// the shared contract in ../op_checks.ts (shapes) and this class's f32/i32 (ownership, dtype), so a
// wrong call fails loudly, with the same message on every backend.
import {
  rowChunks,
  type AdamWParams,
  type AttentionParams,
  type Backend,
  type BackendLimits,
  type DType,
  type MatmulOptions,
  type MemoryStats,
  type Rows,
  type Tensor,
  type TrainBackend,
} from '../backend';
import * as check from '../op_checks';
import { fmt } from '../op_checks';
import * as bw from './backward';
import * as k from './kernels';

/** A cpu tensor: the handle plus its storage. */
export class CpuTensor implements Tensor {
  readonly size: number;
  freed = false;
  constructor(
    readonly shape: readonly number[],
    readonly dtype: DType,
    readonly label: string,
    readonly data: Float32Array | Int32Array,
  ) {
    this.size = data.length;
  }
}

/** Options of the cpu backend; the limits exist so tests can force row splitting and refusals. */
export interface CpuBackendOptions {
  limits?: Partial<BackendLimits>;
}

/** The reference backend; see Backend for the meaning of each op. */
export class CpuBackend implements TrainBackend {
  readonly kind = 'cpu' as const;
  readonly limits: BackendLimits;
  private live = new Set<CpuTensor>();
  private bytes = 0;
  private peak = 0;

  constructor(opts: CpuBackendOptions = {}) {
    this.limits = {
      maxStorageBufferBindingSize: opts.limits?.maxStorageBufferBindingSize ?? Number.MAX_SAFE_INTEGER,
      maxBufferSize: opts.limits?.maxBufferSize ?? Number.MAX_SAFE_INTEGER,
      maxTotalBytes: opts.limits?.maxTotalBytes ?? Infinity,
    };
  }

  // ---- memory ----------------------------------------------------------------------------------

  private track(t: CpuTensor): CpuTensor {
    this.live.add(t);
    this.bytes += t.size * 4;
    if (this.bytes > this.peak) this.peak = this.bytes;
    return t;
  }

  tensor(shape: readonly number[], data?: Float32Array, label = ''): Tensor {
    const n = check.tensorSize(shape, data, label);
    return this.track(new CpuTensor([...shape], 'f32', label, data ? new Float32Array(data) : new Float32Array(n)));
  }

  tensorI32(shape: readonly number[], data?: Int32Array, label = ''): Tensor {
    const n = check.tensorSize(shape, data, label);
    return this.track(new CpuTensor([...shape], 'i32', label, data ? new Int32Array(data) : new Int32Array(n)));
  }

  upload(t: Tensor, data: Float32Array | Int32Array, offset = 0): void {
    const c = this.own(t);
    check.upload(c, data, offset);
    c.data.set(data, offset);
  }

  read(t: Tensor, offset = 0, length?: number): Promise<Float32Array> {
    const c = this.f32(t);
    const n = length ?? c.size - offset;
    return Promise.resolve(c.data.slice(offset, offset + n) as Float32Array);
  }

  readI32(t: Tensor, offset = 0, length?: number): Promise<Int32Array> {
    const c = this.i32(t);
    const n = length ?? c.size - offset;
    return Promise.resolve(c.data.slice(offset, offset + n) as Int32Array);
  }

  free(t: Tensor): void {
    const c = t as CpuTensor;
    if (c.freed || !this.live.has(c)) return;
    c.freed = true;
    this.live.delete(c);
    this.bytes -= c.size * 4;
  }

  flush(): void {}

  sync(): Promise<void> {
    return Promise.resolve();
  }

  memory(): MemoryStats {
    return { bytesInUse: this.bytes, peakBytes: this.peak, tensors: this.live.size };
  }

  destroy(): void {
    for (const t of [...this.live]) this.free(t);
  }

  private own(t: Tensor): CpuTensor {
    if (!(t instanceof CpuTensor)) throw new TypeError(`${fmt(t)} is not a cpu tensor`);
    if (t.freed) throw new TypeError(`${fmt(t)} was freed`);
    return t;
  }

  private f32(t: Tensor): CpuTensor & { data: Float32Array } {
    const c = this.own(t);
    check.dtype(c, 'f32');
    return c as CpuTensor & { data: Float32Array };
  }

  private i32(t: Tensor): CpuTensor & { data: Int32Array } {
    const c = this.own(t);
    check.dtype(c, 'i32');
    return c as CpuTensor & { data: Int32Array };
  }

  // ---- ops -------------------------------------------------------------------------------------

  fill(out: Tensor, value: number): void {
    k.fill(this.f32(out).data, value);
  }

  copy_rows(dst: Tensor, src: Tensor, srcStart: number, dstStart: number, rows: number): void {
    const d = this.f32(dst);
    const s = this.f32(src);
    const { B, Rd, Rs, X } = check.copy_rows(dst, src, srcStart, dstStart, rows);
    k.copy_rows(d.data, s.data, B, Rd, Rs, X, srcStart, dstStart, rows);
  }

  embedding_forward(out: Tensor, ids: Tensor, wte: Rows, wpe: Tensor | null, pos: Tensor | null): void {
    const o = this.f32(out);
    const i = this.i32(ids);
    const chunks = rowChunks(wte).map((c) => this.f32(c));
    const pe = wpe ? this.f32(wpe) : null;
    const p = pe && pos ? this.i32(pos) : null;
    const { C, P } = check.embedding_forward(out, ids, wte, wpe, pos);
    k.embedding_forward(
      o.data,
      i.data,
      chunks.map((c) => c.data),
      chunks.map((c) => c.shape[0]!),
      pe ? pe.data : null,
      p ? p.data : null,
      i.size,
      C,
      P,
    );
  }

  matmul_forward(out: Tensor, x: Tensor, w: Rows, bias: Tensor | null, opts: MatmulOptions = {}): void {
    const o = this.f32(out);
    const xi = this.f32(x);
    const b = bias ? this.f32(bias) : null;
    const { M, N, K } = check.matmul_forward(out, x, w, bias);
    let n0 = 0;
    for (const c of rowChunks(w)) {
      const wc = this.f32(c);
      const Nc = wc.shape[0]!;
      k.matmul_forward(o.data, xi.data, wc.data, b ? b.data : null, M, K, N, n0, Nc, opts.scale ?? 1, opts.accumulate ?? false);
      n0 += Nc;
    }
  }

  rmsnorm_forward(out: Tensor, x: Tensor, w: Tensor, eps: number, rstd?: Tensor | null): void {
    const o = this.f32(out);
    const xi = this.f32(x);
    const wi = this.f32(w);
    const r = rstd ? this.f32(rstd) : null;
    const { M, C } = check.rmsnorm_forward(out, x, w, rstd);
    k.rmsnorm_forward(o.data, xi.data, wi.data, eps, M, C, r ? r.data : null);
  }

  layernorm_forward(out: Tensor, x: Tensor, w: Tensor, b: Tensor, eps: number, mean?: Tensor | null, rstd?: Tensor | null): void {
    const o = this.f32(out);
    const xi = this.f32(x);
    const wi = this.f32(w);
    const bi = this.f32(b);
    const mu = mean ? this.f32(mean) : null;
    const r = rstd ? this.f32(rstd) : null;
    const { M, C } = check.layernorm_forward(out, x, w, b, mean, rstd);
    k.layernorm_forward(o.data, xi.data, wi.data, bi.data, eps, M, C, mu ? mu.data : null, r ? r.data : null);
  }

  rotary_forward(out: Tensor, x: Tensor, pos: Tensor, invFreq: Tensor): void {
    const o = this.f32(out);
    const xi = this.f32(x);
    const p = this.i32(pos);
    const f = this.f32(invFreq);
    const { M, nHeads, D } = check.rotary_forward(out, x, pos, invFreq);
    k.rotary_forward(o.data, xi.data, p.data, f.data, M, nHeads, D);
  }

  attention_forward(
    out: Tensor,
    q: Tensor,
    kt: Tensor,
    v: Tensor,
    mask: Tensor | null,
    p: AttentionParams,
    att?: Tensor | null,
  ): void {
    const o = this.f32(out);
    const qi = this.f32(q);
    const ki = this.f32(kt);
    const vi = this.f32(v);
    const m = mask ? this.i32(mask) : null;
    const a = att ? this.f32(att) : null;
    const { B, T, Smax, H, Hkv, D, past, scale } = check.attention_forward(out, q, kt, v, mask, p, att);
    k.attention_forward(o.data, qi.data, ki.data, vi.data, m ? m.data : null, a ? a.data : null, B, T, Smax, H, Hkv, D, past, scale);
  }

  softmax_forward(out: Tensor, x: Tensor): void {
    const { M, N } = check.softmax_forward(out, x);
    k.softmax_forward(this.f32(out).data, this.f32(x).data, M, N);
  }

  silu_mul_forward(out: Tensor, gate: Tensor, up: Tensor): void {
    check.silu_mul_forward(out, gate, up);
    k.silu_mul_forward(this.f32(out).data, this.f32(gate).data, this.f32(up).data);
  }

  gelu_forward(out: Tensor, x: Tensor): void {
    check.gelu_forward(out, x);
    k.gelu_forward(this.f32(out).data, this.f32(x).data);
  }

  add_forward(out: Tensor, a: Tensor, b: Tensor): void {
    check.add_forward(out, a, b);
    k.add_forward(this.f32(out).data, this.f32(a).data, this.f32(b).data);
  }

  argmax_forward(ids: Tensor, x: Tensor): void {
    const i = this.i32(ids);
    const { M, N } = check.argmax_forward(ids, x);
    k.argmax_forward(i.data, this.f32(x).data, M, N);
  }

  topk_forward(values: Tensor, ids: Tensor, x: Tensor): void {
    const vv = this.f32(values);
    const ii = this.i32(ids);
    const { M, N, k: kk } = check.topk_forward(values, ids, x);
    k.topk_forward(vv.data, ii.data, this.f32(x).data, M, N, kk);
  }

  // ---- training ops (Engine II; kernels in ./backward.ts) -----------------------------------------

  embedding_backward(dwte: Rows | null, dwpe: Tensor | null, dout: Tensor, ids: Tensor, pos: Tensor | null): void {
    const d = this.f32(dout);
    const i = this.i32(ids);
    const p = dwpe && pos ? this.i32(pos) : null;
    const chunks = dwte ? rowChunks(dwte).map((c) => this.f32(c)) : [];
    const pe = dwpe ? this.f32(dwpe) : null;
    const { C } = check.embedding_backward(dwte, dwpe, dout, ids, pos);
    if (dwte) {
      bw.embedding_backward(
        chunks.map((c) => c.data),
        chunks.map((c) => c.shape[0]!),
        null,
        d.data,
        i.data,
        null,
        i.size,
        C,
      );
    }
    if (pe && p) {
      const P = pe.shape[0]!;
      for (let m = 0; m < p.size; m++) if (p.data[m]! < 0 || p.data[m]! >= P) throw new RangeError(`embedding_backward: position ${p.data[m]} at row ${m} is outside [0, ${P})`);
      // dwpe alone: reuse the kernel with a one-row table that ids never index past.
      bw.embedding_backward([pe.data], [P], null, d.data, p.data, null, p.size, C);
    }
  }

  matmul_backward(dx: Tensor | null, dw: Rows | null, db: Tensor | null, dout: Tensor, x: Tensor, w: Rows, opts: MatmulOptions = {}): void {
    const d = this.f32(dout);
    const xi = this.f32(x);
    const dxi = dx ? this.f32(dx) : null;
    const dwc = dw ? rowChunks(dw).map((c) => this.f32(c)) : null;
    const dbi = db ? this.f32(db) : null;
    const { M, N, K } = check.matmul_backward(dx, dw, db, dout, x, w);
    const scale = opts.scale ?? 1;
    let n0 = 0;
    rowChunks(w).forEach((c, ci) => {
      const wc = this.f32(c);
      const Nc = wc.shape[0]!;
      bw.matmul_backward(
        dxi ? dxi.data : null,
        dwc ? dwc[ci]!.data : null,
        dbi ? dbi.data : null,
        d.data,
        xi.data,
        wc.data,
        M,
        K,
        N,
        n0,
        Nc,
        scale,
        (opts.accumulate ?? false) || ci > 0,
      );
      n0 += Nc;
    });
  }

  rmsnorm_backward(dx: Tensor, dw: Tensor | null, dout: Tensor, x: Tensor, w: Tensor, rstd: Tensor, accumulate = false): void {
    const wi = this.f32(w);
    const r = this.f32(rstd);
    const { M, C } = check.rmsnorm_backward(dx, dw, dout, x, w, rstd);
    bw.rmsnorm_backward(this.f32(dx).data, dw ? this.f32(dw).data : null, this.f32(dout).data, this.f32(x).data, wi.data, r.data, M, C, accumulate);
  }

  layernorm_backward(
    dx: Tensor,
    dw: Tensor | null,
    db: Tensor | null,
    dout: Tensor,
    x: Tensor,
    w: Tensor,
    mean: Tensor,
    rstd: Tensor,
    accumulate = false,
  ): void {
    const wi = this.f32(w);
    const mu = this.f32(mean);
    const r = this.f32(rstd);
    const { M, C } = check.layernorm_backward(dx, dw, db, dout, x, w, mean, rstd);
    bw.layernorm_backward(
      this.f32(dx).data,
      dw ? this.f32(dw).data : null,
      db ? this.f32(db).data : null,
      this.f32(dout).data,
      this.f32(x).data,
      wi.data,
      mu.data,
      r.data,
      M,
      C,
      accumulate,
    );
  }

  rotary_backward(dx: Tensor, dout: Tensor, pos: Tensor, invFreq: Tensor): void {
    const f = this.f32(invFreq);
    const p = this.i32(pos);
    const { M, nHeads, D } = check.rotary_backward(dx, dout, pos, invFreq);
    bw.rotary_backward(this.f32(dx).data, this.f32(dout).data, p.data, f.data, M, nHeads, D);
  }

  attention_backward(dq: Tensor, dk: Tensor, dv: Tensor, dout: Tensor, q: Tensor, kt: Tensor, v: Tensor, att: Tensor, p: AttentionParams): void {
    const { B, T, H, Hkv, D, scale } = check.attention_backward(dq, dk, dv, dout, q, kt, v, att, p);
    bw.attention_backward(
      this.f32(dq).data,
      this.f32(dk).data,
      this.f32(dv).data,
      this.f32(dout).data,
      this.f32(q).data,
      this.f32(kt).data,
      this.f32(v).data,
      this.f32(att).data,
      B,
      T,
      H,
      Hkv,
      D,
      scale,
    );
  }

  softmax_backward(dx: Tensor, dout: Tensor, y: Tensor): void {
    const { M, N } = check.softmax_backward(dx, dout, y);
    bw.softmax_backward(this.f32(dx).data, this.f32(dout).data, this.f32(y).data, M, N);
  }

  silu_mul_backward(dgate: Tensor, dup: Tensor, dout: Tensor, gate: Tensor, up: Tensor): void {
    check.silu_mul_backward(dgate, dup, dout, gate, up);
    bw.silu_mul_backward(this.f32(dgate).data, this.f32(dup).data, this.f32(dout).data, this.f32(gate).data, this.f32(up).data);
  }

  gelu_backward(dx: Tensor, dout: Tensor, x: Tensor): void {
    check.gelu_backward(dx, dout, x);
    bw.gelu_backward(this.f32(dx).data, this.f32(dout).data, this.f32(x).data);
  }

  add_backward(da: Tensor | null, db: Tensor | null, dout: Tensor, accumulate = false): void {
    check.add_backward(da, db, dout);
    bw.add_backward(da ? this.f32(da).data : null, db ? this.f32(db).data : null, this.f32(dout).data, accumulate);
  }

  crossentropy_forward(losses: Tensor, logits: Tensor, targets: Tensor): void {
    const t = this.i32(targets);
    const { M, V } = check.crossentropy_forward(losses, logits, targets);
    bw.crossentropy_forward(this.f32(losses).data, this.f32(logits).data, t.data, M, V);
  }

  crossentropy_backward(dlogits: Tensor, logits: Tensor, targets: Tensor, scale: number): void {
    const t = this.i32(targets);
    const { M, V } = check.crossentropy_backward(dlogits, logits, targets);
    bw.crossentropy_backward(this.f32(dlogits).data, this.f32(logits).data, t.data, scale, M, V);
  }

  adamw_update(param: Tensor, grad: Tensor, m: Tensor, v: Tensor, p: AdamWParams): void {
    check.adamw_update(param, grad, m, v);
    bw.adamw_update(this.f32(param).data, this.f32(grad).data, this.f32(m).data, this.f32(v).data, p);
  }

  sum_squares(out: Tensor, x: Tensor, accumulate = false): void {
    const o = this.f32(out);
    check.sum_squares(out);
    o.data[0] = (accumulate ? o.data[0]! : 0) + bw.sum_squares(this.f32(x).data);
  }

  scale_forward(out: Tensor, x: Tensor, s: number): void {
    check.scale_forward(out, x);
    const o = this.f32(out).data;
    if (out !== x) o.set(this.f32(x).data);
    bw.scale(o, s);
  }

  dropout_forward(out: Tensor, x: Tensor, p: number, seed: number): void {
    check.dropout_forward(out, x, p);
    bw.dropout_forward(this.f32(out).data, this.f32(x).data, p, seed);
  }

  dropout_backward(dx: Tensor, dout: Tensor, p: number, seed: number): void {
    check.dropout_backward(dx, dout, p);
    bw.dropout_backward(this.f32(dx).data, this.f32(dout).data, p, seed);
  }
}

/** A cpu backend (the reference; what Node and the CLI run). */
export function createCpuBackend(opts: CpuBackendOptions = {}): CpuBackend {
  return new CpuBackend(opts);
}
