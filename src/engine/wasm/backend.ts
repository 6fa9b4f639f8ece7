// The `wasm` backend: the Backend interface on the WebAssembly SIMD kernels (./kernels.ts), with
// every op not accelerated yet delegated to the cpu reference backend (src/engine/cpu), which runs
// on the same tensors.
//
// Tensors are cpu tensors (CpuTensor) whose storage is, when the kernel memory is shared (Node,
// crossOriginIsolated browsers), a view into the kernel memory: accelerated ops then run in place
// with no copies, and shared memory never detaches views when it grows. With unshared memory
// (a page that is not crossOriginIsolated) tensors are plain Float32Arrays and the kernels copy
// operands in and results out.
//
// Accelerated (forward): matmul_forward (an unpacked kernel for ≤ 4 rows, the packed GEMM
//   otherwise, threaded when large), rmsnorm_forward, layernorm_forward, attention_forward,
//   silu_mul_forward, gelu_forward.
// Accelerated (training, TrainBackend): matmul_backward (dx and dW on the GEMM), rmsnorm_backward,
//   layernorm_backward, attention_backward, silu_mul_backward, gelu_backward,
//   crossentropy_forward/backward, adamw_update.
// Delegated:   everything else (embedding, rotary, softmax, add, argmax, topk, copies, their
//   backward ops, sum_squares, scale, dropout): O(size) loops that the cpu backend runs on the
//   same storage.
//
// Every op checks its shapes with the contract shared by all backends (../op_checks.ts), so a
// wrong call throws what the cpu and webgpu backends throw for it.
//
// Legend: M rows, K in features, N out features, C channels, B batch, T positions, Smax cache slots,
// H heads, Hkv kv heads, D head dim.
import {
  rowChunks,
  type AdamWParams,
  type AttentionParams,
  type Backend,
  type BackendLimits,
  type MatmulOptions,
  type MemoryStats,
  type Rows,
  type Tensor,
  type TrainBackend,
} from '../backend';
import { CpuBackend, CpuTensor } from '../cpu';
import * as check from '../op_checks';
import { fmt } from '../op_checks';
import { createWasmKernels, type WasmKernels, type WasmKernelsInfo, type WasmKernelsOptions } from './kernels';

/** Counts of ops that ran on the SIMD kernels (tests assert the fast path ran). */
export interface WasmOpCounts {
  matmul: number;
  rmsnorm: number;
  layernorm: number;
  attention: number;
  matmul_backward: number;
  rmsnorm_backward: number;
  layernorm_backward: number;
  attention_backward: number;
  crossentropy: number;
  adamw: number;
  /** silu_mul and gelu, forward and backward. */
  activation: number;
}

/** The WASM SIMD backend; see Backend for the meaning of each op. */
export class WasmBackend implements TrainBackend {
  readonly kind = 'wasm' as const;
  readonly limits: BackendLimits;
  /** SIMD, threads, and why. */
  readonly info: WasmKernelsInfo;
  /** Ops run on the kernels since creation. */
  readonly counts: WasmOpCounts = {
    matmul: 0,
    rmsnorm: 0,
    layernorm: 0,
    attention: 0,
    matmul_backward: 0,
    rmsnorm_backward: 0,
    layernorm_backward: 0,
    attention_backward: 0,
    crossentropy: 0,
    adamw: 0,
    activation: 0,
  };
  private readonly cpu = new CpuBackend();
  private readonly live = new Map<CpuTensor, number>();
  private bytes = 0;
  private peak = 0;
  /** Whether tensors live in kernel memory (shared memory) or in plain arrays. */
  readonly inKernelMemory: boolean;

  private lastYield = 0;

  /**
   * `yieldEveryMs`: when set, a read first yields to the event loop (one macrotask) if that long has
   * passed since the last yield, so a worker running a long generation or training loop still
   * handles its messages (cancel, pause). Results are unchanged.
   */
  constructor(
    readonly kernels: WasmKernels,
    private readonly yieldEveryMs: number | null = null,
  ) {
    this.info = kernels.info;
    this.inKernelMemory = kernels.info.shared;
    const max = this.inKernelMemory ? 4 * 2 ** 30 - 64 * 2 ** 20 : Number.MAX_SAFE_INTEGER;
    this.limits = { maxStorageBufferBindingSize: max, maxBufferSize: max, maxTotalBytes: this.inKernelMemory ? max : Infinity };
  }

  // ---- memory --------------------------------------------------------------------------------

  private make(shape: readonly number[], dtype: 'f32' | 'i32', data: Float32Array | Int32Array | undefined, label: string): Tensor {
    const n = check.tensorSize(shape, data, label);
    let ptr = -1;
    let store: Float32Array | Int32Array;
    if (this.inKernelMemory) {
      ptr = this.kernels.alloc(n * 4);
      store = dtype === 'f32' ? this.kernels.f32(ptr, n) : this.kernels.i32(ptr, n);
      if (data) store.set(data as never);
      else store.fill(0);
    } else {
      store = dtype === 'f32' ? new Float32Array(n) : new Int32Array(n);
      if (data) store.set(data as never);
    }
    const t = new CpuTensor([...shape], dtype, label, store);
    this.live.set(t, ptr);
    this.bytes += n * 4;
    this.peak = Math.max(this.peak, this.bytes);
    return t;
  }

  tensor(shape: readonly number[], data?: Float32Array, label = ''): Tensor {
    return this.make(shape, 'f32', data, label);
  }

  tensorI32(shape: readonly number[], data?: Int32Array, label = ''): Tensor {
    return this.make(shape, 'i32', data, label);
  }

  upload(t: Tensor, data: Float32Array | Int32Array, offset?: number): void {
    this.cpu.upload(this.own(t), data, offset);
  }

  async read(t: Tensor, offset?: number, length?: number): Promise<Float32Array> {
    const c = this.own(t);
    await this.breathe();
    return this.cpu.read(c, offset, length);
  }

  async readI32(t: Tensor, offset?: number, length?: number): Promise<Int32Array> {
    const c = this.own(t);
    await this.breathe();
    return this.cpu.readI32(c, offset, length);
  }

  /** Yield one macrotask when `yieldEveryMs` has passed since the last yield (see the constructor). */
  private async breathe(): Promise<void> {
    if (this.yieldEveryMs === null || performance.now() - this.lastYield < this.yieldEveryMs) return;
    await new Promise<void>((resolve) => {
      const ch = new MessageChannel();
      ch.port1.onmessage = () => {
        ch.port1.close();
        resolve();
      };
      ch.port2.postMessage(null);
    });
    this.lastYield = performance.now();
  }

  free(t: Tensor): void {
    const c = t as CpuTensor;
    const ptr = this.live.get(c);
    if (ptr === undefined || c.freed) return;
    c.freed = true;
    this.live.delete(c);
    this.bytes -= c.size * 4;
    if (ptr >= 0) this.kernels.free(ptr);
  }

  flush(): void {}

  sync(): Promise<void> {
    return Promise.resolve();
  }

  memory(): MemoryStats {
    return { bytesInUse: this.bytes, peakBytes: this.peak, tensors: this.live.size };
  }

  destroy(): void {
    for (const t of [...this.live.keys()]) this.free(t);
    this.kernels.dispose();
  }

  private own(t: Tensor): CpuTensor {
    if (!(t instanceof CpuTensor) || !this.live.has(t)) throw new TypeError(`${fmt(t)} is not a tensor of this wasm backend (or was freed)`);
    return t;
  }

  private f32(t: Tensor): Float32Array {
    const c = this.own(t);
    check.dtype(c, 'f32');
    return c.data as Float32Array;
  }

  private i32(t: Tensor): Int32Array {
    const c = this.own(t);
    check.dtype(c, 'i32');
    return c.data as Int32Array;
  }

  /**
   * Run `fn` with a zeroed float scratch of n elements: a view of kernel memory (used in place,
   * freed afterwards) when tensors live there, else a plain array (the kernels copy it).
   */
  private temp<T>(n: number, fn: (t: Float32Array) => T): T {
    if (!this.inKernelMemory) return fn(new Float32Array(n));
    return this.kernels.scope(() => fn(this.kernels.view(n)));
  }

  // ---- accelerated ops -------------------------------------------------------------------------

  matmul_forward(out: Tensor, x: Tensor, w: Rows, bias: Tensor | null, opts: MatmulOptions = {}): void {
    const o = this.f32(out);
    const xi = this.f32(x);
    const b = bias ? this.f32(bias) : null;
    const { M, N, K } = check.matmul_forward(out, x, w, bias);
    let n0 = 0;
    for (const c of rowChunks(w)) {
      const wc = this.f32(c);
      const Nc = c.shape[0]!;
      this.kernels.matmul_forward_cols(o, xi, wc, b, M, K, N, n0, Nc, opts.scale ?? 1, opts.accumulate ?? false);
      n0 += Nc;
    }
    this.counts.matmul++;
  }

  rmsnorm_forward(out: Tensor, x: Tensor, w: Tensor, eps: number, rstd?: Tensor | null): void {
    const o = this.f32(out);
    const xi = this.f32(x);
    const wi = this.f32(w);
    const r = rstd ? this.f32(rstd) : null;
    const { M, C } = check.rmsnorm_forward(out, x, w, rstd);
    this.kernels.rmsnorm_forward(o, r ?? new Float32Array(M), xi, wi, M, C, eps);
    this.counts.rmsnorm++;
  }

  layernorm_forward(out: Tensor, x: Tensor, w: Tensor, b: Tensor, eps: number, mean?: Tensor | null, rstd?: Tensor | null): void {
    const o = this.f32(out);
    const xi = this.f32(x);
    const wi = this.f32(w);
    const bi = this.f32(b);
    const mu = mean ? this.f32(mean) : null;
    const r = rstd ? this.f32(rstd) : null;
    const { M, C } = check.layernorm_forward(out, x, w, b, mean, rstd);
    this.kernels.layernorm_forward(o, mu ?? new Float32Array(M), r ?? new Float32Array(M), xi, wi, bi, M, C, eps);
    this.counts.layernorm++;
  }

  attention_forward(out: Tensor, q: Tensor, k: Tensor, v: Tensor, mask: Tensor | null, p: AttentionParams, att?: Tensor | null): void {
    const m = mask ? this.i32(mask) : null;
    const a = att ? this.f32(att) : null;
    const { B, T, Smax, H, Hkv, D, past } = check.attention_forward(out, q, k, v, mask, p, att);
    this.kernels.attention_forward(this.f32(out), this.f32(q), this.f32(k), this.f32(v), m, a, null, { B, T, Smax, H, Hkv, D, past, scale: p.scale });
    this.counts.attention++;
  }

  // ---- accelerated training ops (TrainBackend) -------------------------------------------------

  matmul_backward(dx: Tensor | null, dw: Rows | null, db: Tensor | null, dout: Tensor, x: Tensor, w: Rows, opts: MatmulOptions = {}): void {
    const d = this.f32(dout);
    const xi = this.f32(x);
    const dxi = dx ? this.f32(dx) : null;
    const dbi = db ? this.f32(db) : null;
    const { M, N, K } = check.matmul_backward(dx, dw, db, dout, x, w);
    const wChunks = rowChunks(w);
    const dwChunks = dw ? rowChunks(dw) : null;
    const scale = opts.scale ?? 1;
    let n0 = 0;
    wChunks.forEach((c, ci) => {
      const Nc = c.shape[0]!;
      const dwc = dwChunks ? this.f32(dwChunks[ci]!) : null;
      // dx: the first chunk overwrites (unless accumulating), later chunks add their columns' share.
      this.kernels.matmul_backward_cols(dxi, dwc, dbi, d, xi, this.f32(c), M, K, N, n0, Nc, scale, (opts.accumulate ?? false) || ci > 0);
      n0 += Nc;
    });
    this.counts.matmul_backward++;
  }

  rmsnorm_backward(dx: Tensor, dw: Tensor | null, dout: Tensor, x: Tensor, w: Tensor, rstd: Tensor, accumulate = false): void {
    const wi = this.f32(w);
    const r = this.f32(rstd);
    const { M, C } = check.rmsnorm_backward(dx, dw, dout, x, w, rstd);
    const dxi = this.f32(dx);
    const g = this.f32(dout);
    const xi = this.f32(x);
    // The kernel overwrites dx and accumulates dw: a scratch dw when there is none, and a scratch
    // dx (added afterwards) when accumulating.
    const run = (dxOut: Float32Array, dwOut: Float32Array) => this.kernels.rmsnorm_backward(dxOut, dwOut, g, xi, wi, r, M, C);
    const withDw = (fn: (dwOut: Float32Array) => void) => (dw ? fn(this.f32(dw)) : this.temp(C, fn));
    withDw((dwOut) => {
      if (!accumulate) run(dxi, dwOut);
      else this.temp(dxi.length, (t) => {
        run(t, dwOut);
        for (let i = 0; i < dxi.length; i++) dxi[i] = dxi[i]! + t[i]!;
      });
    });
    this.counts.rmsnorm_backward++;
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
    const dxi = this.f32(dx);
    const g = this.f32(dout);
    const xi = this.f32(x);
    const dbi = db ? this.f32(db) : null;
    const run = (dxOut: Float32Array, dwOut: Float32Array) => this.kernels.layernorm_backward(dxOut, dwOut, dbi, g, xi, wi, mu, r, M, C);
    const withDw = (fn: (dwOut: Float32Array) => void) => (dw ? fn(this.f32(dw)) : this.temp(C, fn));
    withDw((dwOut) => {
      if (!accumulate) run(dxi, dwOut);
      else this.temp(dxi.length, (t) => {
        run(t, dwOut);
        for (let i = 0; i < dxi.length; i++) dxi[i] = dxi[i]! + t[i]!;
      });
    });
    this.counts.layernorm_backward++;
  }

  attention_backward(dq: Tensor, dk: Tensor, dv: Tensor, dout: Tensor, q: Tensor, k: Tensor, v: Tensor, att: Tensor, p: AttentionParams): void {
    const { B, T, H, Hkv, D } = check.attention_backward(dq, dk, dv, dout, q, k, v, att, p);
    this.kernels.attention_backward(
      this.f32(dq), this.f32(dk), this.f32(dv), this.f32(dout), this.f32(q), this.f32(k), this.f32(v), null, null, this.f32(att), null,
      { B, T, H, Hkv, D, scale: p.scale },
    );
    this.counts.attention_backward++;
  }

  crossentropy_forward(losses: Tensor, logits: Tensor, targets: Tensor): void {
    const t = this.i32(targets);
    const { M, V } = check.crossentropy_forward(losses, logits, targets);
    this.kernels.softmax_xent_forward(this.f32(losses), this.f32(logits), t, M, V);
    this.counts.crossentropy++;
  }

  crossentropy_backward(dlogits: Tensor, logits: Tensor, targets: Tensor, scale: number): void {
    const t = this.i32(targets);
    const { M, V } = check.crossentropy_backward(dlogits, logits, targets);
    const d = this.f32(dlogits);
    const l = this.f32(logits);
    this.temp(M, (dl) => {
      dl.fill(scale);
      this.kernels.softmax_xent_backward(d, l, t, dl, M, V);
    });
    this.counts.crossentropy++;
  }

  adamw_update(param: Tensor, grad: Tensor, m: Tensor, v: Tensor, p: AdamWParams): void {
    check.adamw_update(param, grad, m, v);
    this.kernels.adamw_step(this.f32(param), this.f32(grad), this.f32(m), this.f32(v), p);
    this.counts.adamw++;
  }

  silu_mul_forward(out: Tensor, gate: Tensor, up: Tensor): void {
    check.silu_mul_forward(out, gate, up);
    this.kernels.silu_mul_forward(this.f32(out), this.f32(gate), this.f32(up));
    this.counts.activation++;
  }

  gelu_forward(out: Tensor, x: Tensor): void {
    check.gelu_forward(out, x);
    this.kernels.gelu_forward(this.f32(out), this.f32(x));
    this.counts.activation++;
  }

  silu_mul_backward(dgate: Tensor, dup: Tensor, dout: Tensor, gate: Tensor, up: Tensor): void {
    check.silu_mul_backward(dgate, dup, dout, gate, up);
    this.kernels.silu_mul_backward(this.f32(dgate), this.f32(dup), this.f32(dout), this.f32(gate), this.f32(up));
    this.counts.activation++;
  }

  gelu_backward(dx: Tensor, dout: Tensor, x: Tensor): void {
    check.gelu_backward(dx, dout, x);
    this.kernels.gelu_backward(this.f32(dx), this.f32(dout), this.f32(x));
    this.counts.activation++;
  }

  // ---- delegated to the cpu reference ----------------------------------------------------------

  fill(out: Tensor, value: number): void {
    this.cpu.fill(this.own(out), value);
  }

  copy_rows(dst: Tensor, src: Tensor, srcStart: number, dstStart: number, rows: number): void {
    this.cpu.copy_rows(this.own(dst), this.own(src), srcStart, dstStart, rows);
  }

  embedding_forward(out: Tensor, ids: Tensor, wte: Rows, wpe: Tensor | null, pos: Tensor | null): void {
    for (const c of rowChunks(wte)) this.own(c);
    this.cpu.embedding_forward(this.own(out), this.own(ids), wte, wpe && this.own(wpe), pos && this.own(pos));
  }

  rotary_forward(out: Tensor, x: Tensor, pos: Tensor, invFreq: Tensor): void {
    this.cpu.rotary_forward(this.own(out), this.own(x), this.own(pos), this.own(invFreq));
  }

  softmax_forward(out: Tensor, x: Tensor): void {
    this.cpu.softmax_forward(this.own(out), this.own(x));
  }


  add_forward(out: Tensor, a: Tensor, b: Tensor): void {
    this.cpu.add_forward(this.own(out), this.own(a), this.own(b));
  }

  argmax_forward(ids: Tensor, x: Tensor): void {
    this.cpu.argmax_forward(this.own(ids), this.own(x));
  }

  topk_forward(values: Tensor, ids: Tensor, x: Tensor): void {
    this.cpu.topk_forward(this.own(values), this.own(ids), this.own(x));
  }

  embedding_backward(dwte: Rows | null, dwpe: Tensor | null, dout: Tensor, ids: Tensor, pos: Tensor | null): void {
    if (dwte) for (const c of rowChunks(dwte)) this.own(c);
    this.cpu.embedding_backward(dwte, dwpe && this.own(dwpe), this.own(dout), this.own(ids), pos && this.own(pos));
  }

  rotary_backward(dx: Tensor, dout: Tensor, pos: Tensor, invFreq: Tensor): void {
    this.cpu.rotary_backward(this.own(dx), this.own(dout), this.own(pos), this.own(invFreq));
  }

  softmax_backward(dx: Tensor, dout: Tensor, y: Tensor): void {
    this.cpu.softmax_backward(this.own(dx), this.own(dout), this.own(y));
  }


  add_backward(da: Tensor | null, db: Tensor | null, dout: Tensor, accumulate?: boolean): void {
    this.cpu.add_backward(da && this.own(da), db && this.own(db), this.own(dout), accumulate);
  }

  sum_squares(out: Tensor, x: Tensor, accumulate?: boolean): void {
    this.cpu.sum_squares(this.own(out), this.own(x), accumulate);
  }

  scale_forward(out: Tensor, x: Tensor, s: number): void {
    this.cpu.scale_forward(this.own(out), this.own(x), s);
  }

  dropout_forward(out: Tensor, x: Tensor, p: number, seed: number): void {
    this.cpu.dropout_forward(this.own(out), this.own(x), p, seed);
  }

  dropout_backward(dx: Tensor, dout: Tensor, p: number, seed: number): void {
    this.cpu.dropout_backward(this.own(dx), this.own(dout), p, seed);
  }
}

/**
 * A wasm backend: SIMD kernels, threaded matmuls where the platform allows (see
 * WasmKernelsInfo.reason), the cpu reference for the rest.
 */
export async function createWasmBackend(opts: WasmKernelsOptions & { yieldEveryMs?: number } = {}): Promise<WasmBackend> {
  return new WasmBackend(await createWasmKernels(opts), opts.yieldEveryMs ?? null);
}
