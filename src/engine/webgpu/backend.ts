// The webgpu backend: the Backend interface (../backend.ts) on WGSL kernels (./kernels/*.wgsl).
// Ops are synchronous enqueues into the runtime's current command encoder; `read`/`readI32`
// submit once and map a staging buffer. Shapes are checked by the shared contract (../op_checks.ts,
// the same checks and messages as the cpu backend) and dtypes here, so a wrong call fails on the
// host before anything reaches the GPU; the aliasing a kernel cannot do is refused here too. The
// training ops (TrainBackend, Engine II) follow the forward ops; their kernels are in
// ./kernels_backward.ts.
//
// Legend: B batch, T new positions, S keys seen (past + T), Smax cache slots, M rows, K in features,
// N out features, C channels, V vocab, H query heads, Hkv kv heads, D head dim, P positions.
import {
  rowChunks,
  type AdamWParams,
  type AttentionParams,
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
import { GpuLimitError, requestGpuDevice, type GpuDevice, type GpuDeviceOptions } from './device';
import * as k from './kernels';
import * as k2 from './kernels_backward';
import { GpuRuntime, storageUsage, type GpuBinding } from './runtime';

/** A tensor in one GPU buffer (from the pool; the buffer may be larger than the tensor). */
export class GpuTensor implements Tensor {
  readonly size: number;
  freed = false;
  constructor(
    readonly shape: readonly number[],
    readonly dtype: DType,
    readonly label: string,
    readonly buffer: GPUBuffer,
  ) {
    this.size = shape.reduce((a, b) => a * b, 1);
  }

  /** Bytes of the tensor's elements. */
  get bytes(): number {
    return this.size * 4;
  }
}

/** Options of the webgpu backend. */
export interface WebGPUBackendOptions extends GpuDeviceOptions {
  /** Memory budget reported in `limits.maxTotalBytes` (default Infinity: unknown). */
  readonly maxTotalBytes?: number;
}

/**
 * The WebGPU implementation of Backend and TrainBackend; see their docs for the meaning of each op.
 */
export class WebGPUBackend implements TrainBackend {
  readonly kind = 'webgpu' as const;
  readonly limits: BackendLimits;
  readonly rt: GpuRuntime;
  private live = new Set<GpuTensor>();
  private bytes = 0;
  private peak = 0;
  private destroyed = false;

  /**
   * Wrap a device (see `createWebGPUBackend` to request one). With `ownsDevice`, `destroy()`
   * also destroys the device.
   */
  constructor(
    readonly gpu: GpuDevice,
    opts: { maxTotalBytes?: number; ownsDevice?: boolean } = {},
  ) {
    this.rt = new GpuRuntime(gpu);
    this.ownsDevice = opts.ownsDevice ?? false;
    this.limits = {
      maxStorageBufferBindingSize: gpu.limits.maxStorageBufferBindingSize,
      maxBufferSize: gpu.limits.maxBufferSize,
      maxTotalBytes: opts.maxTotalBytes ?? Infinity,
    };
  }
  private readonly ownsDevice: boolean;

  // ---- memory ----------------------------------------------------------------------------------

  /** A tensor on a pooled buffer; zero-filled when `zero` (fresh buffers already are). */
  private alloc(shape: readonly number[], dtype: DType, label: string, zero: boolean): GpuTensor {
    if (this.destroyed) throw new Error('WebGPUBackend: used after destroy()');
    const n = check.sizeOf(shape);
    const bytes = Math.max(4, n * 4);
    if (bytes > this.limits.maxBufferSize) {
      throw new GpuLimitError(
        `tensor '${label}' [${shape.join(', ')}] needs ${bytes} bytes, more than maxBufferSize ${this.limits.maxBufferSize}`,
        'maxBufferSize',
        bytes,
        this.limits.maxBufferSize,
      );
    }
    if (this.bytes + n * 4 > this.limits.maxTotalBytes) {
      throw new GpuLimitError(
        `tensor '${label}' [${shape.join(', ')}]: ${this.bytes + n * 4} bytes in all exceed the budget ${this.limits.maxTotalBytes}`,
        'maxTotalBytes',
        this.bytes + n * 4,
        this.limits.maxTotalBytes,
      );
    }
    const { buffer, fresh } = this.rt.pool.acquire(bytes, storageUsage(), label || 'tensor');
    const t = new GpuTensor([...shape], dtype, label, buffer);
    if (zero && !fresh) k.fill(this.rt, this.bind(t), n, 0); // 0.0f and int 0 share their bits
    this.live.add(t);
    this.bytes += n * 4;
    if (this.bytes > this.peak) this.peak = this.bytes;
    return t;
  }

  tensor(shape: readonly number[], data?: Float32Array, label = ''): Tensor {
    check.tensorSize(shape, data, label);
    const t = this.alloc(shape, 'f32', label, !data);
    if (data) this.rt.write(t.buffer, 0, data);
    return t;
  }

  tensorI32(shape: readonly number[], data?: Int32Array, label = ''): Tensor {
    check.tensorSize(shape, data, label);
    const t = this.alloc(shape, 'i32', label, !data);
    if (data) this.rt.write(t.buffer, 0, data);
    return t;
  }

  upload(t: Tensor, data: Float32Array | Int32Array, offset = 0): void {
    const g = this.own(t);
    check.upload(g, data, offset);
    this.rt.write(g.buffer, offset * 4, data);
  }

  async read(t: Tensor, offset = 0, length?: number): Promise<Float32Array> {
    const g = this.f32(t);
    const n = length ?? g.size - offset;
    if (offset < 0 || n < 0 || offset + n > g.size) throw new RangeError(`read of ${fmt(t)}: ${n} elements at ${offset}`);
    return new Float32Array(await this.rt.readBytes(g.buffer, offset * 4, n * 4));
  }

  async readI32(t: Tensor, offset = 0, length?: number): Promise<Int32Array> {
    const g = this.i32(t);
    const n = length ?? g.size - offset;
    if (offset < 0 || n < 0 || offset + n > g.size) throw new RangeError(`read of ${fmt(t)}: ${n} elements at ${offset}`);
    return new Int32Array(await this.rt.readBytes(g.buffer, offset * 4, n * 4));
  }

  free(t: Tensor): void {
    const g = t as GpuTensor;
    if (g.freed || !this.live.has(g)) return;
    g.freed = true;
    this.live.delete(g);
    this.bytes -= g.size * 4;
    this.rt.pool.release(g.buffer);
  }

  flush(): void {
    this.rt.flush();
  }

  sync(): Promise<void> {
    return this.rt.sync();
  }

  memory(): MemoryStats {
    return { bytesInUse: this.bytes, peakBytes: this.peak, tensors: this.live.size };
  }

  /**
   * Give the pool's free buffers back to the device (after `free`ing a model, say); returns the
   * bytes released. The pool otherwise keeps up to 64 MiB of free buffers for reuse.
   */
  trim(): number {
    return this.rt.trim();
  }

  /** Reset the peak of `memory()` to the bytes in use now. */
  resetPeak(): void {
    this.peak = this.bytes;
    this.rt.pool.resetPeak();
  }

  destroy(): void {
    if (this.destroyed) return;
    for (const t of [...this.live]) this.free(t);
    this.rt.destroy();
    this.destroyed = true;
    if (this.ownsDevice) this.gpu.device.destroy();
  }

  private own(t: Tensor): GpuTensor {
    if (!(t instanceof GpuTensor)) throw new TypeError(`${fmt(t)} is not a webgpu tensor`);
    if (t.freed) throw new TypeError(`${fmt(t)} was freed`);
    return t;
  }

  private f32(t: Tensor): GpuTensor {
    const g = this.own(t);
    check.dtype(g, 'f32');
    return g;
  }

  private i32(t: Tensor): GpuTensor {
    const g = this.own(t);
    check.dtype(g, 'i32');
    return g;
  }

  /** The whole tensor as a binding. */
  private bind(t: GpuTensor): GpuBinding {
    return { buffer: t.buffer, size: Math.max(4, t.size * 4), label: t.label || 'tensor' };
  }

  // ---- ops -------------------------------------------------------------------------------------

  fill(out: Tensor, value: number): void {
    const o = this.f32(out);
    k.fill(this.rt, this.bind(o), o.size, value);
  }

  copy_rows(dst: Tensor, src: Tensor, srcStart: number, dstStart: number, rows: number): void {
    const d = this.f32(dst);
    const s = this.f32(src);
    const { B, Rd, Rs, X } = check.copy_rows(dst, src, srcStart, dstStart, rows);
    if (d === s) throw new TypeError(`copy_rows: ${fmt(dst)} may not alias src`);
    k.copy_rows(this.rt, this.bind(d), this.bind(s), B, Rd, Rs, X, srcStart, dstStart, rows);
  }

  embedding_forward(out: Tensor, ids: Tensor, wte: Rows, wpe: Tensor | null, pos: Tensor | null): void {
    const o = this.f32(out);
    const i = this.i32(ids);
    const chunks = rowChunks(wte).map((c) => this.f32(c));
    const pe = wpe ? this.f32(wpe) : null;
    const p = pe && pos ? this.i32(pos) : null;
    const { C, P } = check.embedding_forward(out, ids, wte, wpe, pos);
    k.embedding(
      this.rt,
      this.bind(o),
      this.bind(i),
      chunks.map((c) => ({ binding: this.bind(c), rows: c.shape[0]! })),
      pe ? this.bind(pe) : null,
      p ? this.bind(p) : null,
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
    if (o === xi) throw new TypeError(`matmul_forward: ${fmt(out)} may not alias x`);
    // x and out are bound whole when they fit one binding, else in windows of `block` rows
    // (a window starts at an aligned byte offset; the remainder goes into aOff/yOff).
    const maxBind = this.limits.maxStorageBufferBindingSize;
    const align = this.gpu.limits.minStorageBufferOffsetAlignment;
    const whole = xi.bytes <= maxBind && o.bytes <= maxBind;
    const block = whole ? M : Math.floor((maxBind - align) / (4 * Math.max(K, N)));
    if (block < 1) {
      throw new GpuLimitError(
        `matmul_forward: one row of ${fmt(x)} or ${fmt(out)} does not fit maxStorageBufferBindingSize ${maxBind}`,
        'maxStorageBufferBindingSize',
        4 * Math.max(K, N),
        maxBind,
      );
    }
    const window = (t: GpuTensor, first: number, count: number): { binding: GpuBinding; off: number } => {
      if (whole) return { binding: this.bind(t), off: first };
      const start = first * 4 - ((first * 4) % align);
      const size = (first + count) * 4 - start;
      return { binding: { buffer: t.buffer, offset: start, size, label: t.label || 'tensor' }, off: first - start / 4 };
    };
    for (let m0 = 0; m0 < M; m0 += block) {
      const rows = Math.min(block, M - m0);
      const xw = window(xi, m0 * K, rows * K);
      const yw = window(o, m0 * N, rows * N);
      let n0 = 0;
      for (const c of rowChunks(w)) {
        const wc = this.f32(c);
        if (wc === o) throw new TypeError(`matmul_forward: ${fmt(out)} may not alias W`);
        const Nc = wc.shape[0]!;
        k.matmul(this.rt, yw.binding, xw.binding, this.bind(wc), b ? this.bind(b) : null, {
          M: rows,
          N: Nc,
          K,
          aOff: xw.off,
          aSm: K,
          wOff: 0,
          wSn: K,
          yOff: yw.off + n0,
          ySm: N,
          bOff: n0,
          scale: opts.scale ?? 1,
          accumulate: opts.accumulate ?? false,
        });
        n0 += Nc;
      }
    }
  }

  rmsnorm_forward(out: Tensor, x: Tensor, w: Tensor, eps: number, rstd?: Tensor | null): void {
    const o = this.f32(out);
    const xi = this.f32(x);
    const wi = this.f32(w);
    const r = rstd ? this.f32(rstd) : null;
    const { M, C } = check.rmsnorm_forward(out, x, w, rstd);
    k.rmsnorm(this.rt, o === xi ? null : this.bind(o), this.bind(xi), this.bind(wi), r ? this.bind(r) : null, M, C, eps);
  }

  layernorm_forward(out: Tensor, x: Tensor, w: Tensor, b: Tensor, eps: number, mean?: Tensor | null, rstd?: Tensor | null): void {
    const o = this.f32(out);
    const xi = this.f32(x);
    const wi = this.f32(w);
    const bi = this.f32(b);
    const mu = mean ? this.f32(mean) : null;
    const r = rstd ? this.f32(rstd) : null;
    const { M, C } = check.layernorm_forward(out, x, w, b, mean, rstd);
    k.layernorm(
      this.rt,
      o === xi ? null : this.bind(o),
      this.bind(xi),
      this.bind(wi),
      this.bind(bi),
      mu ? this.bind(mu) : null,
      r ? this.bind(r) : null,
      M,
      C,
      eps,
    );
  }

  rotary_forward(out: Tensor, x: Tensor, pos: Tensor, invFreq: Tensor): void {
    const o = this.f32(out);
    const xi = this.f32(x);
    const p = this.i32(pos);
    const f = this.f32(invFreq);
    const { M, nHeads, D } = check.rotary_forward(out, x, pos, invFreq);
    k.rotary(this.rt, o === xi ? null : this.bind(o), this.bind(xi), this.bind(p), this.bind(f), M, nHeads, D);
  }

  attention_forward(out: Tensor, q: Tensor, kt: Tensor, v: Tensor, mask: Tensor | null, p: AttentionParams, att?: Tensor | null): void {
    const o = this.f32(out);
    const qi = this.f32(q);
    const ki = this.f32(kt);
    const vi = this.f32(v);
    const m = mask ? this.i32(mask) : null;
    const a = att ? this.f32(att) : null;
    const { B, T, Smax, H, Hkv, D, past, scale } = check.attention_forward(out, q, kt, v, mask, p, att);
    if (o === qi || o === ki || o === vi) throw new TypeError(`attention_forward: ${fmt(out)} may not alias q, k or v`);
    k.attention(this.rt, this.bind(o), this.bind(qi), this.bind(ki), this.bind(vi), m ? this.bind(m) : null, a ? this.bind(a) : null, {
      B,
      T,
      Smax,
      H,
      Hkv,
      D,
      past,
      scale,
    });
  }

  softmax_forward(out: Tensor, x: Tensor): void {
    const o = this.f32(out);
    const xi = this.f32(x);
    const { M, N } = check.softmax_forward(out, x);
    k.softmax(this.rt, o === xi ? null : this.bind(o), this.bind(xi), M, N);
  }

  silu_mul_forward(out: Tensor, gate: Tensor, up: Tensor): void {
    const o = this.f32(out);
    const g = this.f32(gate);
    const u = this.f32(up);
    check.silu_mul_forward(out, gate, up);
    if (o === g || o === u) {
      // The kernel has no in-place form (the interface does not allow aliasing here).
      throw new TypeError(`silu_mul_forward: ${fmt(out)} may not alias gate or up`);
    }
    k.silu_mul(this.rt, this.bind(o), this.bind(g), this.bind(u), o.size);
  }

  gelu_forward(out: Tensor, x: Tensor): void {
    const o = this.f32(out);
    const xi = this.f32(x);
    check.gelu_forward(out, x);
    k.gelu(this.rt, o === xi ? null : this.bind(o), this.bind(xi), o.size);
  }

  add_forward(out: Tensor, a: Tensor, b: Tensor): void {
    const o = this.f32(out);
    let ai = this.f32(a);
    let bi = this.f32(b);
    check.add_forward(out, a, b);
    if (ai === bi) {
      // a + a: a is bound as written, so it may not be bound a second time as b.
      k.add(this.rt, o === ai ? null : this.bind(o), this.bind(ai), null, o.size);
      return;
    }
    if (o === bi) [ai, bi] = [bi, ai]; // a + b = b + a exactly: update in place into the first operand
    k.add(this.rt, o === ai ? null : this.bind(o), this.bind(ai), this.bind(bi), o.size);
  }

  argmax_forward(ids: Tensor, x: Tensor): void {
    const i = this.i32(ids);
    const { M, N } = check.argmax_forward(ids, x);
    k.argmax(this.rt, this.bind(i), this.bind(this.f32(x)), M, N);
  }

  topk_forward(values: Tensor, ids: Tensor, x: Tensor): void {
    const vv = this.f32(values);
    const ii = this.i32(ids);
    const { M, N, k: kk } = check.topk_forward(values, ids, x);
    k.topk(this.rt, this.bind(vv), this.bind(ii), this.bind(this.f32(x)), M, N, kk);
  }

  // ---- training ops (Engine II; kernels in ./kernels_backward.ts) --------------------------------

  /**
   * Row windows of tensors with `widths` floats per row (M rows): one window of all rows when
   * every tensor fits one binding, else windows of `block` rows at aligned byte offsets (the rest
   * of the offset goes into the float offset `off`), as matmul_forward does.
   */
  private rowWindows(
    op: string,
    tensors: readonly { t: GpuTensor; width: number }[],
    M: number,
  ): { m0: number; rows: number; at: (i: number) => { binding: GpuBinding; off: number } }[] {
    const maxBind = this.limits.maxStorageBufferBindingSize;
    const align = this.gpu.limits.minStorageBufferOffsetAlignment;
    const whole = tensors.every(({ t }) => t.bytes <= maxBind);
    const widest = Math.max(...tensors.map((x) => x.width));
    const block = whole ? M : Math.floor((maxBind - align) / (4 * widest));
    if (block < 1) {
      throw new GpuLimitError(`${op}: one row of ${widest} floats does not fit maxStorageBufferBindingSize ${maxBind}`, 'maxStorageBufferBindingSize', 4 * widest, maxBind);
    }
    const out = [];
    for (let m0 = 0; m0 < Math.max(M, 1); m0 += block) {
      const rows = Math.min(block, M - m0);
      out.push({
        m0,
        rows,
        at: (i: number) => {
          const { t, width } = tensors[i]!;
          if (whole) return { binding: this.bind(t), off: m0 * width };
          const first = m0 * width;
          const start = first * 4 - ((first * 4) % align);
          const size = (first + rows * width) * 4 - start;
          return { binding: { buffer: t.buffer, offset: start, size, label: t.label || 'tensor' }, off: first - start / 4 };
        },
      });
    }
    return out;
  }

  embedding_backward(dwte: Rows | null, dwpe: Tensor | null, dout: Tensor, ids: Tensor, pos: Tensor | null): void {
    const d = this.f32(dout);
    const i = this.i32(ids);
    const chunks = dwte ? rowChunks(dwte).map((c) => this.f32(c)) : [];
    const pe = dwpe ? this.f32(dwpe) : null;
    const p = dwpe && pos ? this.i32(pos) : null;
    const { C } = check.embedding_backward(dwte, dwpe, dout, ids, pos);
    let rowStart = 0;
    for (const g of chunks) {
      k2.embedding_backward(this.rt, this.bind(g), this.bind(d), this.bind(i), i.size, C, rowStart, g.shape[0]!);
      rowStart += g.shape[0]!;
    }
    if (pe && p) {
      k2.embedding_backward(this.rt, this.bind(pe), this.bind(d), this.bind(p), p.size, C, 0, pe.shape[0]!);
    }
  }

  matmul_backward(dx: Tensor | null, dw: Rows | null, db: Tensor | null, dout: Tensor, x: Tensor, w: Rows, opts: MatmulOptions = {}): void {
    const d = this.f32(dout);
    const xi = this.f32(x);
    const dxi = dx ? this.f32(dx) : null;
    const dwc = dw ? rowChunks(dw).map((c) => this.f32(c)) : null;
    const dbi = db ? this.f32(db) : null;
    const { M, N, K } = check.matmul_backward(dx, dw, db, dout, x, w);
    if (dxi && (dxi === d || dxi === xi)) throw new TypeError(`matmul_backward: dx ${fmt(dx!)} may not alias dout or x`);
    const wc = rowChunks(w).map((c) => this.f32(c));
    const scale = opts.scale ?? 1;
    const acc = opts.accumulate ?? false;
    const parts = [
      { t: d, width: N },
      { t: xi, width: K },
    ];
    if (dxi) parts.push({ t: dxi, width: K });
    for (const win of this.rowWindows('matmul_backward', parts, M)) {
      if (win.rows === 0) continue;
      const dy = win.at(0);
      const xw = win.at(1);
      const dxw = dxi ? win.at(2) : null;
      let n0 = 0;
      wc.forEach((c, ci) => {
        const Nc = c.shape[0]!;
        if (dxw) {
          // dx (rows, K) = scale·dout[:, n0:n0+Nc] (rows, Nc) · Wc (Nc, K)
          k2.matmul_backward(this.rt, dxw.binding, dy.binding, this.bind(c), {
            I: win.rows, J: K, R: Nc,
            aOff: dy.off + n0, aSi: N, aSr: 1, bOff: 0, bSr: K, yOff: dxw.off, ySi: K,
            scale, accumulate: acc || ci > 0,
          });
        }
        if (dwc) {
          // dWc (Nc, K) += scale·dout[:, n0:n0+Nc]ᵀ (Nc, rows) · x (rows, K)
          k2.matmul_backward(this.rt, this.bind(dwc[ci]!), dy.binding, xw.binding, {
            I: Nc, J: K, R: win.rows,
            aOff: dy.off + n0, aSi: 1, aSr: N, bOff: xw.off, bSr: K, yOff: 0, ySi: K,
            scale, accumulate: true,
          });
        }
        if (dbi) k2.matmul_backward_db(this.rt, this.bind(dbi), dy.binding, Nc, win.rows, dy.off + n0, N, n0, scale);
        n0 += Nc;
      });
    }
  }

  rmsnorm_backward(dx: Tensor, dw: Tensor | null, dout: Tensor, x: Tensor, w: Tensor, rstd: Tensor, accumulate = false): void {
    const dxi = this.f32(dx);
    const d = this.f32(dout);
    const wi = this.f32(w);
    const r = this.f32(rstd);
    const { M, C } = check.rmsnorm_backward(dx, dw, dout, x, w, rstd);
    k2.rmsnorm_backward(this.rt, dxi === d ? null : this.bind(dxi), dw ? this.bind(this.f32(dw)) : null, this.bind(d), this.bind(this.f32(x)), this.bind(wi), this.bind(r), M, C, accumulate);
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
    const dxi = this.f32(dx);
    const d = this.f32(dout);
    const wi = this.f32(w);
    const mu = this.f32(mean);
    const r = this.f32(rstd);
    const { M, C } = check.layernorm_backward(dx, dw, db, dout, x, w, mean, rstd);
    k2.layernorm_backward(
      this.rt,
      dxi === d ? null : this.bind(dxi),
      dw ? this.bind(this.f32(dw)) : null,
      db ? this.bind(this.f32(db)) : null,
      this.bind(d),
      this.bind(this.f32(x)),
      this.bind(wi),
      this.bind(mu),
      this.bind(r),
      M,
      C,
      accumulate,
    );
  }

  rotary_backward(dx: Tensor, dout: Tensor, pos: Tensor, invFreq: Tensor): void {
    const dxi = this.f32(dx);
    const d = this.f32(dout);
    const f = this.f32(invFreq);
    const p = this.i32(pos);
    const { M, nHeads, D } = check.rotary_backward(dx, dout, pos, invFreq);
    k2.rotary_backward(this.rt, dxi === d ? null : this.bind(dxi), this.bind(d), this.bind(p), this.bind(f), M, nHeads, D);
  }

  attention_backward(dq: Tensor, dk: Tensor, dv: Tensor, dout: Tensor, q: Tensor, kt: Tensor, v: Tensor, att: Tensor, p: AttentionParams): void {
    const dims = check.attention_backward(dq, dk, dv, dout, q, kt, v, att, p);
    const b = (t: Tensor): GpuBinding => this.bind(this.f32(t));
    k2.attention_backward(this.rt, b(dq), b(dk), b(dv), b(dout), b(q), b(kt), b(v), b(att), dims);
  }

  softmax_backward(dx: Tensor, dout: Tensor, y: Tensor): void {
    const dxi = this.f32(dx);
    const d = this.f32(dout);
    const { M, N } = check.softmax_backward(dx, dout, y);
    k2.softmax_backward(this.rt, dxi === d ? null : this.bind(dxi), this.bind(d), this.bind(this.f32(y)), M, N);
  }

  silu_mul_backward(dgate: Tensor, dup: Tensor, dout: Tensor, gate: Tensor, up: Tensor): void {
    check.silu_mul_backward(dgate, dup, dout, gate, up);
    const dg = this.f32(dgate);
    const du = this.f32(dup);
    const g = this.f32(gate);
    const u = this.f32(up);
    k2.silu_mul_backward(this.rt, dg === g ? null : this.bind(dg), du === u ? null : this.bind(du), this.bind(this.f32(dout)), this.bind(g), this.bind(u), dg.size);
  }

  gelu_backward(dx: Tensor, dout: Tensor, x: Tensor): void {
    const dxi = this.f32(dx);
    const d = this.f32(dout);
    const xi = this.f32(x);
    check.gelu_backward(dx, dout, x);
    if (d === xi) throw new TypeError(`gelu_backward: dout ${fmt(dout)} may not alias x`);
    const into = dxi === d ? 'dout' : dxi === xi ? 'x' : 'dx';
    k2.gelu_backward(this.rt, into === 'dx' ? this.bind(dxi) : null, this.bind(d), this.bind(xi), into, d.size);
  }

  add_backward(da: Tensor | null, db: Tensor | null, dout: Tensor, accumulate = false): void {
    const d = this.f32(dout);
    check.add_backward(da, db, dout);
    if (da && db && da === db) throw new TypeError(`add_backward: da and db are the same tensor ${fmt(da)}`);
    for (const t of [da, db]) {
      if (!t) continue;
      const g = this.f32(t);
      if (accumulate) k.add(this.rt, null, this.bind(g), g === d ? null : this.bind(d), d.size);
      else if (g !== d) this.rt.copy(d.buffer, 0, g.buffer, 0, d.size * 4);
    }
  }

  /**
   * Cross-entropy row statistics, then losses and/or dlogits (see kernels_backward.crossentropy);
   * logits (M, V), the shapes already checked by the caller.
   */
  private crossentropy(
    op: string,
    losses: GpuTensor | null,
    dlogits: GpuTensor | null,
    logits: Tensor,
    targets: Tensor,
    scale: number | null,
    { M, V }: check.CrossentropyDims,
  ): void {
    const l = this.f32(logits);
    const t = this.i32(targets);
    const separate = dlogits && dlogits !== l ? dlogits : null;
    const parts = [{ t: l, width: V }];
    if (separate) parts.push({ t: separate, width: V });
    const windows = this.rowWindows(op, parts, M)
      .filter((w) => w.rows > 0)
      .map((w) => {
        const lw = w.at(0);
        return { logits: lw.binding, dlogits: separate ? w.at(1).binding : null, m0: w.m0, rows: w.rows, lOff: lw.off };
      });
    k2.crossentropy(this.rt, windows, this.bind(t), losses ? this.bind(losses) : null, M, V, scale === null ? null : { scale });
  }

  crossentropy_forward(losses: Tensor, logits: Tensor, targets: Tensor): void {
    const lo = this.f32(losses);
    const dims = check.crossentropy_forward(losses, logits, targets);
    this.crossentropy('crossentropy_forward', lo, null, logits, targets, null, dims);
  }

  crossentropy_backward(dlogits: Tensor, logits: Tensor, targets: Tensor, scale: number): void {
    const dl = this.f32(dlogits);
    const dims = check.crossentropy_backward(dlogits, logits, targets);
    this.crossentropy('crossentropy_backward', null, dl, logits, targets, scale, dims);
  }

  adamw_update(param: Tensor, grad: Tensor, m: Tensor, v: Tensor, p: AdamWParams): void {
    check.adamw_update(param, grad, m, v);
    const pi = this.f32(param);
    k2.adamw_update(this.rt, this.bind(pi), this.bind(this.f32(grad)), this.bind(this.f32(m)), this.bind(this.f32(v)), pi.size, p);
  }

  sum_squares(out: Tensor, x: Tensor, accumulate = false): void {
    const o = this.f32(out);
    check.sum_squares(out);
    const xi = this.f32(x);
    k2.sum_squares(this.rt, this.bind(o), this.bind(xi), xi.size, accumulate);
  }

  scale_forward(out: Tensor, x: Tensor, s: number): void {
    const o = this.f32(out);
    const xi = this.f32(x);
    check.scale_forward(out, x);
    k2.scale(this.rt, o === xi ? null : this.bind(o), this.bind(xi), xi.size, s);
  }

  dropout_forward(out: Tensor, x: Tensor, p: number, seed: number): void {
    const o = this.f32(out);
    const xi = this.f32(x);
    check.dropout_forward(out, x, p);
    k2.dropout(this.rt, o === xi ? null : this.bind(o), this.bind(xi), xi.size, p, seed);
  }

  dropout_backward(dx: Tensor, dout: Tensor, p: number, seed: number): void {
    const o = this.f32(dx);
    const d = this.f32(dout);
    check.dropout_backward(dx, dout, p);
    k2.dropout(this.rt, o === d ? null : this.bind(o), this.bind(d), d.size, p, seed);
  }
}

/**
 * A webgpu backend on a new device with the adapter's real limits (see requestGpuDevice).
 * Throws WebGPUUnavailableError without WebGPU.
 */
export async function createWebGPUBackend(opts: WebGPUBackendOptions = {}): Promise<WebGPUBackend> {
  const gpu = await requestGpuDevice(opts);
  return new WebGPUBackend(gpu, { maxTotalBytes: opts.maxTotalBytes, ownsDevice: true });
}
