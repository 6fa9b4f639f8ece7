// The WebAssembly SIMD128 kernels: loader, memory, threads, and one typed method per kernel.
//
// The module is hand-written WAT (./wat/*.wat) assembled by scripts/build-wasm.mjs into
// ./kernels.gen.ts (base64, two variants: plain and shared memory). It imports its memory, so the
// host owns it and every helper thread can run on the same one.
//
// Memory layout (byte addresses):
//   [0, 1024)          never handed out: pointer 0 means "none" in kernel arguments
//   [1024, 1152)       GEMM_CTRL, the control block the matmul threads share (see gemm_part)
//   [4096, …)          one gemm scratch area per thread (packed panels), then the heap
// The heap hands out 64-byte aligned blocks, best fit from an address-ordered free list whose
// neighbours merge (see `alloc`); `scope(fn)` frees what `fn` allocated.
//
// Every kernel method takes typed arrays. An array that is already a view of this module's memory
// (`view`, `alloc` + `f32`) is used in place; any other array is copied in, and outputs are copied
// back. With plain (unshared) memory, growing the memory detaches earlier views: take views after
// allocating.
//
// Threads: with shared memory and a thread that may block (Node, or a browser worker when
// crossOriginIsolated), large matmuls are split across helper workers (rows of C, else columns);
// the calling thread computes one part and waits on Atomics. Elsewhere everything runs on one
// thread. `info` says what ran and why.
//
// Legend: M rows, K inner, N columns of a matmul; R rows, C channels, V vocabulary;
// B batch, T queries, Smax key slots, H heads, Hkv kv heads, D head dim.
import { KERNELS_THREADS_WASM_BASE64, KERNELS_WASM_BASE64 } from './kernels.gen';
import { GEMM_WORKER_SOURCE } from './worker_source';

/** What the kernels run on: SIMD is always on (the module needs it); threads ≥ 1. */
export interface WasmKernelsInfo {
  readonly simd: true;
  /** Threads a large matmul is split across (the calling thread included). */
  readonly threads: number;
  /** Whether the memory is a shared WebAssembly.Memory. */
  readonly shared: boolean;
  /** Why threads is what it is, in words. */
  readonly reason: string;
}

/** Options of createWasmKernels. */
export interface WasmKernelsOptions {
  /** Threads for matmuls: a count, or 'auto' (all cores, at most 8). Default 'auto'. */
  readonly threads?: number | 'auto';
  /**
   * Use a shared memory (needed for threads; lets callers keep views that survive growth).
   * Default: wherever SharedArrayBuffer is available. false forces the plain-memory module.
   */
  readonly shared?: boolean;
  /** Initial memory in MiB (it grows on demand). Default 64. */
  readonly initialMB?: number;
  /**
   * Smallest matmul (M·N·K multiply-adds) worth waking the helper threads for; smaller ones run
   * on the calling thread. Default 2^21.
   */
  readonly threadMinMacs?: number;
}

/** Raw exports of the kernels module: byte pointers, element counts. See the WAT for each. */
export interface KernelExports {
  gemm_scratch_bytes(): number;
  gemm(
    M: number, N: number, K: number,
    A: number, rsA: number, csA: number,
    B: number, rsB: number, csB: number,
    C: number, ldc: number, bias: number, alpha: number, flags: number, scratch: number,
  ): void;
  gemm_part(ctrl: number, part: number): void;
  gemv(M: number, N: number, K: number, X: number, W: number, C: number, ldc: number, bias: number, alpha: number, flags: number): void;
  softmax_xent_forward(logits: number, targets: number, losses: number, R: number, V: number): void;
  softmax_xent_backward(dlogits: number, logits: number, targets: number, dlosses: number, R: number, V: number): void;
  rmsnorm_forward(out: number, rstd: number, x: number, w: number, R: number, C: number, eps: number): void;
  rmsnorm_backward(dx: number, dw: number, dout: number, x: number, w: number, rstd: number, R: number, C: number): void;
  layernorm_forward(
    out: number, mean: number, rstd: number, x: number, w: number, b: number, R: number, C: number, eps: number,
  ): void;
  layernorm_backward(
    dx: number, dw: number, db: number, dout: number, x: number, w: number, mean: number, rstd: number,
    R: number, C: number,
  ): void;
  adamw_step(
    p: number, g: number, m: number, v: number, n: number,
    lr: number, beta1: number, beta2: number, eps: number, weightDecay: number, bc1: number, bc2: number, gradScale: number,
  ): void;
  attention_forward(
    out: number, q: number, k: number, v: number, mask: number, att: number, lse: number,
    B: number, T: number, Smax: number, H: number, Hkv: number, D: number, past: number, scale: number, scratch: number,
  ): void;
  silu_mul_forward(out: number, gate: number, up: number, n: number): void;
  silu_mul_backward(dgate: number, dup: number, dout: number, gate: number, up: number, n: number): void;
  gelu_forward(out: number, x: number, n: number): void;
  gelu_backward(dx: number, dout: number, x: number, n: number): void;
  attention_backward(
    dq: number, dk: number, dv: number, dout: number, q: number, k: number, v: number, out: number,
    mask: number, att: number, lse: number,
    B: number, T: number, H: number, Hkv: number, D: number, scale: number, scratch: number,
  ): void;
}

/** Byte address of the matmul control block; i32 fields, see gemm_part in wat/10_matmul.wat. */
export const GEMM_CTRL = 1024;
const CTRL = { GEN: 0, DONE: 1, QUIT: 2, PARTS: 3, JOB: 4, ALPHA: 19 } as const;
const HEAP_BASE = 4096;
/** Matmuls with at most this many rows (decode steps) run the unpacked `gemv` kernel. */
export const GEMV_MAX_ROWS = 4;
const PAGE = 65536;
const MAX_PAGES = 65536;

type F32 = Float32Array;
type I32 = Int32Array;

function decodeBase64(b64: string): Uint8Array<ArrayBuffer> {
  const s = atob(b64);
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
  return out;
}

/** True where WebAssembly SIMD128 validates (every current browser and Node ≥ 16). */
export function wasmSimdSupported(): boolean {
  // (module (func (result v128) (v128.const i32x4 0 0 0 0)))
  const probe = new Uint8Array([
    0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 123, 3, 2, 1, 0, 10, 22, 1, 20, 0, 253, 12, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 11,
  ]);
  try {
    return typeof WebAssembly === 'object' && WebAssembly.validate(probe);
  } catch {
    return false;
  }
}

interface Env {
  node: boolean;
  canBlock: boolean;
  sharedOk: boolean;
  cores: number;
  why: string;
}

async function probeEnv(): Promise<Env> {
  const g = globalThis as unknown as {
    process?: { versions?: { node?: string } };
    crossOriginIsolated?: boolean;
    WorkerGlobalScope?: unknown;
    navigator?: { hardwareConcurrency?: number };
  };
  const node = !!g.process?.versions?.node;
  if (node) {
    const os = 'node:os';
    const { availableParallelism } = (await import(/* @vite-ignore */ os)) as { availableParallelism(): number };
    return { node, canBlock: true, sharedOk: true, cores: availableParallelism(), why: 'Node worker_threads' };
  }
  const inWorker = typeof g.WorkerGlobalScope !== 'undefined';
  const isolated = g.crossOriginIsolated === true;
  const cores = g.navigator?.hardwareConcurrency ?? 1;
  if (!isolated) {
    return { node, canBlock: inWorker, sharedOk: false, cores, why: 'page is not crossOriginIsolated (no SharedArrayBuffer)' };
  }
  if (!inWorker) return { node, canBlock: false, sharedOk: true, cores, why: 'main thread may not block (Atomics.wait)' };
  return { node, canBlock: true, sharedOk: true, cores, why: 'crossOriginIsolated worker' };
}

/** A started helper worker (Node or browser). */
interface Helper {
  terminate(): void;
}

async function startHelper(env: Env, module: WebAssembly.Module, memory: WebAssembly.Memory, index: number): Promise<Helper> {
  const msg = { module, memory, ctrl: GEMM_CTRL, index };
  if (env.node) {
    const wt = 'node:worker_threads';
    const { Worker } = (await import(/* @vite-ignore */ wt)) as typeof import('node:worker_threads');
    const w = new Worker(GEMM_WORKER_SOURCE, { eval: true });
    w.unref();
    await new Promise<void>((resolve, reject) => {
      w.once('message', (m: unknown) => (m === 'ready' ? resolve() : reject(new Error(`wasm matmul worker ${index}: ${JSON.stringify(m)}`))));
      w.once('error', reject);
      w.postMessage(msg);
    });
    return { terminate: () => void w.terminate() };
  }
  const url = URL.createObjectURL(new Blob([GEMM_WORKER_SOURCE], { type: 'text/javascript' }));
  const w = new Worker(url);
  URL.revokeObjectURL(url);
  await new Promise<void>((resolve, reject) => {
    w.onmessage = (e: MessageEvent) => (e.data === 'ready' ? resolve() : reject(new Error(`wasm matmul worker ${index}: ${JSON.stringify(e.data)}`)));
    w.onerror = (e) => reject(new Error(`wasm matmul worker ${index}: ${e.message}`));
    w.postMessage(msg);
  });
  return { terminate: () => w.terminate() };
}

/** Input to a kernel method: a typed array, copied in unless it is a view of kernel memory. */
type Arr = F32 | I32;

/**
 * Check that each named array holds at least the elements the sizes need (a view detached by
 * memory growth has 0), so a kernel never reads past an argument.
 */
function need(op: string, arrays: Record<string, [Arr | null, number]>): void {
  for (const [name, [a, n]] of Object.entries(arrays)) {
    if (a && a.length < n) throw new TypeError(`${op}: ${name} has ${a.length} elements, needs ${n}`);
  }
}

/**
 * The kernels on one WebAssembly memory. Create with `createWasmKernels`; call `dispose` to stop
 * helper threads. Methods are synchronous.
 */
export class WasmKernels {
  /** Raw exports, for callers that manage pointers themselves. */
  readonly raw: KernelExports;
  /** End of the highest block in use (or of the gemm scratch); the heap above it is untouched. */
  private heapTop: number;
  private heapHigh: number;
  /** Free blocks below heapTop, in address order, never adjacent (merged on free). */
  private readonly freePtr: number[] = [];
  private readonly freeSize: number[] = [];
  /** Size of each allocated block, by address. */
  private readonly sizes = new Map<number, number>();
  private scopes: number[][] = [];
  /** Every ArrayBuffer this memory has exposed: views taken before a growth still belong to it. */
  private readonly buffers = new WeakSet<ArrayBufferLike>();
  private disposed = false;
  /** Matmuls that ran split across threads / on one thread since creation (for tests). */
  readonly counts = { gemmThreaded: 0, gemmSingle: 0, gemv: 0, gemvThreaded: 0 };

  constructor(
    readonly memory: WebAssembly.Memory,
    instance: WebAssembly.Instance,
    readonly info: WasmKernelsInfo,
    private readonly helpers: Helper[],
    private readonly threadMinMacs: number,
  ) {
    this.raw = instance.exports as unknown as KernelExports;
    this.buffers.add(memory.buffer);
    const scratch = this.raw.gemm_scratch_bytes();
    this.scratchBytes = (scratch + 63) & ~63;
    this.heapTop = HEAP_BASE + this.scratchBytes * info.threads;
    this.heapHigh = this.heapTop;
    this.ensure(this.heapTop);
    const ctl = new Int32Array(memory.buffer, GEMM_CTRL, 32);
    ctl[17] = HEAP_BASE;
    ctl[18] = this.scratchBytes;
  }

  private readonly scratchBytes: number;

  // ---- memory --------------------------------------------------------------------------------

  private ensure(end: number): void {
    const have = this.memory.buffer.byteLength;
    if (end <= have) return;
    const pages = Math.ceil((end - have) / PAGE);
    if (have / PAGE + pages > MAX_PAGES) throw new RangeError(`wasm kernels: out of memory (${end} bytes wanted, 4 GiB max)`);
    this.memory.grow(pages);
    this.buffers.add(this.memory.buffer);
  }

  /**
   * Allocate `bytes` (64-byte aligned, contents undefined); returns the byte address.
   *
   * The heap is a general allocator, not a pool of sizes: freed blocks go to one address-ordered free
   * list and merge with free neighbours, a request takes the smallest free block that fits (the
   * rest stays free), and a free block at the top of the heap returns to it. Training allocates
   * a step's activations (shapes change every step with length-grouped batches) and frees them
   * after the backward pass; with merging, the heap stays near the peak of live bytes over any
   * number of steps and runs. (Per-size pools, even with size classes, kept every size ever seen:
   * the notebook runner's heap grew by hundreds of MB per training run and ran out of 4 GiB.)
   */
  alloc(bytes: number): number {
    if (!Number.isFinite(bytes) || bytes < 0) throw new RangeError(`wasm kernels: cannot allocate ${bytes} bytes`);
    const size = Math.max(64, Math.ceil(bytes / 64) * 64);
    const { freePtr, freeSize } = this;
    let best = -1;
    for (let i = 0; i < freeSize.length; i++) {
      const s = freeSize[i]!;
      if (s >= size && (best < 0 || s < freeSize[best]!)) {
        best = i;
        if (s === size) break;
      }
    }
    let ptr: number;
    if (best >= 0) {
      ptr = freePtr[best]!;
      const rest = freeSize[best]! - size;
      if (rest > 0) {
        freePtr[best] = ptr + size;
        freeSize[best] = rest;
      } else {
        freePtr.splice(best, 1);
        freeSize.splice(best, 1);
      }
    } else {
      // Nothing fits: extend the heap (no free block touches its top: `free` lowers the top).
      ptr = this.heapTop;
      this.ensure(ptr + size);
      this.heapTop = ptr + size;
      this.heapHigh = Math.max(this.heapHigh, this.heapTop);
    }
    this.sizes.set(ptr, size);
    this.scopes[this.scopes.length - 1]?.push(ptr);
    return ptr;
  }

  /** Return a block from `alloc` to the heap (merged with free neighbours). */
  free(ptr: number): void {
    let size = this.sizes.get(ptr);
    if (size === undefined) throw new Error(`wasm kernels: free of ${ptr}, which is not allocated`);
    this.sizes.delete(ptr);
    const { freePtr, freeSize } = this;
    // i = the first free block above ptr (binary search; the list is in address order).
    let lo = 0;
    let hi = freePtr.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (freePtr[mid]! < ptr) lo = mid + 1;
      else hi = mid;
    }
    let i = lo;
    if (i < freePtr.length && ptr + size === freePtr[i]) {
      size += freeSize[i]!;
      freePtr.splice(i, 1);
      freeSize.splice(i, 1);
    }
    if (i > 0 && freePtr[i - 1]! + freeSize[i - 1]! === ptr) {
      i--;
      ptr = freePtr[i]!;
      size += freeSize[i]!;
      freePtr.splice(i, 1);
      freeSize.splice(i, 1);
    }
    if (ptr + size === this.heapTop) this.heapTop = ptr;
    else {
      freePtr.splice(i, 0, ptr);
      freeSize.splice(i, 0, size);
    }
  }

  /** Run `fn`; every block it allocates is freed afterwards. */
  scope<T>(fn: () => T): T {
    this.scopes.push([]);
    try {
      return fn();
    } finally {
      for (const p of this.scopes.pop()!) this.free(p);
    }
  }

  /** Bytes the heap has reached so far (its high-water mark, free blocks included). */
  heapBytes(): number {
    return this.heapHigh - HEAP_BASE;
  }

  /** Bytes in allocated blocks now (64-byte rounding included). */
  heapInUse(): number {
    let n = 0;
    for (const s of this.sizes.values()) n += s;
    return n;
  }

  /** A Float32Array view of `n` floats at `ptr` (invalid after growth of an unshared memory). */
  f32(ptr: number, n: number): F32 {
    return new Float32Array(this.memory.buffer, ptr, n);
  }

  /** An Int32Array view of `n` ints at `ptr`. */
  i32(ptr: number, n: number): I32 {
    return new Int32Array(this.memory.buffer, ptr, n);
  }

  /** Allocate and return a zeroed float view of `n` elements living in kernel memory. */
  view(n: number): F32 {
    const p = this.alloc(n * 4);
    const v = this.f32(p, n);
    v.fill(0);
    return v;
  }

  /**
   * Whether `a` is a view of this module's memory (usable in place). A shared memory's views stay
   * valid when it grows; an unshared memory's views are detached (length 0) and fail size checks.
   */
  isView(a: Arr): boolean {
    return this.buffers.has(a.buffer);
  }

  /** Byte address of `a` in kernel memory, copying it in when it lives elsewhere. */
  private inp(a: Arr): number {
    if (this.isView(a)) return a.byteOffset;
    const p = this.alloc(a.byteLength);
    (a instanceof Float32Array ? this.f32(p, a.length) : this.i32(p, a.length)).set(a as never);
    return p;
  }

  /** Address for an output; `copyIn` when the kernel reads it too (accumulating). */
  private outp(a: Arr, copyIn: boolean, back: Array<() => void>): number {
    if (this.isView(a)) return a.byteOffset;
    const p = copyIn ? this.inp(a) : this.alloc(a.byteLength);
    back.push(() => (a as F32).set(this.f32(p, a.length)));
    return p;
  }

  private run(fn: (back: Array<() => void>) => void): void {
    if (this.disposed) throw new Error('wasm kernels: used after dispose');
    this.scope(() => {
      const back: Array<() => void> = [];
      fn(back);
      for (const b of back) b();
    });
  }

  // ---- matmul ------------------------------------------------------------------------------------

  /**
   * General matmul on kernel memory (byte addresses, element strides):
   *   C (M×N, row pitch ldc) = [C] + α·(A·B + bias),  A[m,k] at A + 4(m·rsA + k·csA),
   *   B[k,n] at B + 4(k·rsB + n·csB); bias (N) or 0; accumulate keeps C.
   * Splits across threads when M·N·K ≥ threadMinMacs and threads > 1.
   */
  gemmPtr(
    M: number, N: number, K: number,
    A: number, rsA: number, csA: number,
    B: number, rsB: number, csB: number,
    C: number, ldc: number, bias: number, alpha: number, accumulate: boolean,
  ): void {
    const flags = accumulate ? 1 : 0;
    const parts = this.info.threads;
    if (parts > 1 && M * N * K >= this.threadMinMacs) {
      this.runParts([parts, M, N, K, A, rsA, csA, B, rsB, csB, C, ldc, bias, flags], alpha);
      this.counts.gemmThreaded++;
      return;
    }
    this.raw.gemm(M, N, K, A, rsA, csA, B, rsB, csB, C, ldc, bias, alpha, flags, HEAP_BASE);
    this.counts.gemmSingle++;
  }

  /**
   * Small-M matmul on kernel memory (byte addresses): C (M×N, row pitch ldc) = [C] + α·(X·Wᵀ + bias)
   * with X (M, K) and W (N, K) contiguous rows, no packing (decode steps). Split across threads
   * by rows of W when M·N·K ≥ threadMinMacs and threads > 1.
   */
  gemvPtr(M: number, N: number, K: number, X: number, W: number, C: number, ldc: number, bias: number, alpha: number, accumulate: boolean): void {
    const flags = accumulate ? 1 : 0;
    const parts = this.info.threads;
    this.counts.gemv++;
    if (parts > 1 && M * N * K >= this.threadMinMacs) {
      this.runParts([parts, M, N, K, X, K, 1, W, 1, K, C, ldc, bias, flags | 2], alpha);
      this.counts.gemvThreaded++;
      return;
    }
    this.raw.gemv(M, N, K, X, W, C, ldc, bias, alpha, flags);
  }

  /** Post a job to the helper threads, run part 0 here, wait for the others. */
  private runParts(job: number[], alpha: number): void {
    const ctl = new Int32Array(this.memory.buffer, GEMM_CTRL, 32);
    for (let i = 0; i < job.length; i++) ctl[CTRL.PARTS + i] = job[i]!;
    new Float32Array(this.memory.buffer, GEMM_CTRL, 32)[CTRL.ALPHA] = alpha;
    Atomics.store(ctl, CTRL.DONE, 0);
    Atomics.add(ctl, CTRL.GEN, 1);
    Atomics.notify(ctl, CTRL.GEN);
    this.raw.gemm_part(GEMM_CTRL, 0);
    const want = job[0]! - 1;
    for (let d = Atomics.load(ctl, CTRL.DONE); d !== want; d = Atomics.load(ctl, CTRL.DONE)) {
      Atomics.wait(ctl, CTRL.DONE, d);
    }
  }

  /**
   * matmul_forward: out (M, N) = scale·(x·Wᵀ + b), or out += … with `accumulate`.
   * x (M, K), w (N, K) — nn.Linear layout, bias (N) or null.
   */
  matmul_forward(out: F32, x: F32, w: F32, bias: F32 | null, M: number, K: number, N: number, scale = 1, accumulate = false): void {
    this.matmul_forward_cols(out, x, w, bias, M, K, N, 0, N, scale, accumulate);
  }

  /**
   * matmul_forward for one row chunk of W (the cpu kernel's signature): columns [n0, n0 + Nc) of
   * out (M, N) = scale·(x·Wcᵀ + b[n0 …]), x (M, K), Wc (Nc, K), bias (N) or null.
   */
  matmul_forward_cols(
    out: F32, x: F32, w: F32, bias: F32 | null, M: number, K: number, N: number, n0: number, Nc: number, scale: number, accumulate: boolean,
  ): void {
    need('matmul_forward', { out: [out, M * N], x: [x, M * K], w: [w, Nc * K], bias: [bias, N] });
    if (n0 < 0 || n0 + Nc > N) throw new RangeError(`matmul_forward: columns ${n0}..${n0 + Nc} outside N ${N}`);
    this.run((back) => {
      const xp = this.inp(x);
      const wp = this.inp(w);
      const bp = bias ? this.inp(bias) + n0 * 4 : 0;
      const op = this.outp(out, accumulate || Nc < N, back);
      if (M <= GEMV_MAX_ROWS) this.gemvPtr(M, Nc, K, xp, wp, op + n0 * 4, N, bp, scale, accumulate);
      else this.gemmPtr(M, Nc, K, xp, K, 1, wp, 1, K, op + n0 * 4, N, bp, scale, accumulate);
    });
  }

  /**
   * matmul_backward for one row chunk Wc (Nc, K) of W, whose outputs are columns [n0, n0 + Nc) of
   * dout (M, N), for the forward out = scale·(x·Wᵀ + b) (the cpu kernel's signature):
   *   dx (M, K)   = scale·dout[:, n0:n0+Nc]·Wc   (+= when accumulate)
   *   dw (Nc, K) += scale·dout[:, n0:n0+Nc]ᵀ·x
   *   db (N)[n0 + n] += scale·Σ_m dout[m, n0 + n]
   * Any of dx, dw, db may be null.
   */
  matmul_backward_cols(
    dx: F32 | null, dw: F32 | null, db: F32 | null, dout: F32, x: F32, w: F32,
    M: number, K: number, N: number, n0: number, Nc: number, scale: number, accumulate: boolean,
  ): void {
    need('matmul_backward', { dx: [dx, M * K], dw: [dw, Nc * K], db: [db, N], dout: [dout, M * N], x: [x, M * K], w: [w, Nc * K] });
    if (n0 < 0 || n0 + Nc > N) throw new RangeError(`matmul_backward: columns ${n0}..${n0 + Nc} outside N ${N}`);
    if (dx || dw) {
      this.run((back) => {
        const gp = this.inp(dout) + n0 * 4;
        if (dx) {
          const wp = this.inp(w);
          const op = this.outp(dx, accumulate, back);
          // dx (M, K) = dout_c (M, Nc; row pitch N) · Wc (Nc, K)
          this.gemmPtr(M, K, Nc, gp, N, 1, wp, K, 1, op, K, 0, scale, accumulate);
        }
        if (dw) {
          const xp = this.inp(x);
          const op = this.outp(dw, true, back);
          // dw (Nc, K) += dout_cᵀ (Nc, M) · x (M, K)
          this.gemmPtr(Nc, K, M, gp, 1, N, xp, K, 1, op, K, 0, scale, true);
        }
      });
    }
    if (db) {
      for (let n = 0; n < Nc; n++) {
        let s = 0;
        for (let m = 0; m < M; m++) s += dout[m * N + n0 + n]!;
        db[n0 + n] = db[n0 + n]! + scale * s;
      }
    }
  }

  /** matmul_backward_input: dx (M, K) = dy (M, N) · w (N, K), or dx += … with `accumulate`. */
  matmul_backward_input(dx: F32, dy: F32, w: F32, M: number, N: number, K: number, accumulate = false): void {
    need('matmul_backward_input', { dx: [dx, M * K], dy: [dy, M * N], w: [w, N * K] });
    this.run((back) => {
      const dyp = this.inp(dy);
      const wp = this.inp(w);
      const op = this.outp(dx, accumulate, back);
      this.gemmPtr(M, K, N, dyp, N, 1, wp, K, 1, op, K, 0, 1, accumulate);
    });
  }

  /** matmul_backward_weight: dw (N, K) += dyᵀ · x with dy (M, N), x (M, K) (overwrite if !accumulate). */
  matmul_backward_weight(dw: F32, dy: F32, x: F32, M: number, N: number, K: number, accumulate = true): void {
    need('matmul_backward_weight', { dw: [dw, N * K], dy: [dy, M * N], x: [x, M * K] });
    this.run((back) => {
      const dyp = this.inp(dy);
      const xp = this.inp(x);
      const op = this.outp(dw, accumulate, back);
      this.gemmPtr(N, K, M, dyp, 1, N, xp, K, 1, op, K, 0, 1, accumulate);
    });
  }

  /** matmul_backward_bias: db (N) += Σ_m dy[m, :] (a column sum; plain loop, O(M·N)). */
  matmul_backward_bias(db: F32, dy: F32, M: number, N: number): void {
    need('matmul_backward_bias', { db: [db, N], dy: [dy, M * N] });
    for (let m = 0; m < M; m++) {
      const o = m * N;
      for (let n = 0; n < N; n++) db[n] = db[n]! + dy[o + n]!;
    }
  }

  // ---- losses, norms, optimiser ---------------------------------------------------------------

  private checkTargets(targets: I32, R: number, V: number): void {
    need('softmax_xent', { targets: [targets, R] });
    for (let r = 0; r < R; r++) {
      const t = targets[r]!;
      if (t >= V) throw new RangeError(`softmax_xent: target ${t} at row ${r} is outside [0, ${V}) (negative = ignored)`);
    }
  }

  /** softmax_xent_forward: losses (R) = logsumexp(logits[r]) − logits[r, t]; 0 where t < 0. */
  softmax_xent_forward(losses: F32, logits: F32, targets: I32, R: number, V: number): void {
    need('softmax_xent_forward', { losses: [losses, R], logits: [logits, R * V] });
    this.checkTargets(targets, R, V);
    this.run((back) => {
      const lp = this.inp(logits);
      const tp = this.inp(targets);
      const op = this.outp(losses, false, back);
      this.raw.softmax_xent_forward(lp, tp, op, R, V);
    });
  }

  /** softmax_xent_backward: dlogits (R, V) = dlosses[r]·(softmax − onehot(t)); 0 rows where t < 0. */
  softmax_xent_backward(dlogits: F32, logits: F32, targets: I32, dlosses: F32, R: number, V: number): void {
    need('softmax_xent_backward', { dlogits: [dlogits, R * V], logits: [logits, R * V], dlosses: [dlosses, R] });
    this.checkTargets(targets, R, V);
    this.run((back) => {
      const lp = this.inp(logits);
      const tp = this.inp(targets);
      const dp = this.inp(dlosses);
      const op = this.outp(dlogits, false, back);
      this.raw.softmax_xent_backward(op, lp, tp, dp, R, V);
    });
  }

  /** rmsnorm_forward: out (R, C) = x·rstd·w, rstd (R) = 1/√(mean(x²) + eps). */
  rmsnorm_forward(out: F32, rstd: F32, x: F32, w: F32, R: number, C: number, eps: number): void {
    need('rmsnorm_forward', { out: [out, R * C], rstd: [rstd, R], x: [x, R * C], w: [w, C] });
    this.run((back) => {
      const xp = this.inp(x);
      const wp = this.inp(w);
      const op = this.outp(out, false, back);
      const rp = this.outp(rstd, false, back);
      this.raw.rmsnorm_forward(op, rp, xp, wp, R, C, eps);
    });
  }

  /** rmsnorm_backward: dx (R, C) overwritten, dw (C) accumulated. */
  rmsnorm_backward(dx: F32, dw: F32, dout: F32, x: F32, w: F32, rstd: F32, R: number, C: number): void {
    need('rmsnorm_backward', { dx: [dx, R * C], dw: [dw, C], dout: [dout, R * C], x: [x, R * C], w: [w, C], rstd: [rstd, R] });
    this.run((back) => {
      const gp = this.inp(dout);
      const xp = this.inp(x);
      const wp = this.inp(w);
      const rp = this.inp(rstd);
      const dxp = this.outp(dx, false, back);
      const dwp = this.outp(dw, true, back);
      this.raw.rmsnorm_backward(dxp, dwp, gp, xp, wp, rp, R, C);
    });
  }

  /** layernorm_forward: out (R, C) = (x − mean)·rstd·w + b; mean, rstd (R). b may be null. */
  layernorm_forward(out: F32, mean: F32, rstd: F32, x: F32, w: F32, b: F32 | null, R: number, C: number, eps: number): void {
    need('layernorm_forward', { out: [out, R * C], mean: [mean, R], rstd: [rstd, R], x: [x, R * C], w: [w, C], b: [b, C] });
    this.run((back) => {
      const xp = this.inp(x);
      const wp = this.inp(w);
      const bp = b ? this.inp(b) : 0;
      const op = this.outp(out, false, back);
      const mp = this.outp(mean, false, back);
      const rp = this.outp(rstd, false, back);
      this.raw.layernorm_forward(op, mp, rp, xp, wp, bp, R, C, eps);
    });
  }

  /** layernorm_backward: dx (R, C) overwritten; dw, db (C) accumulated (db may be null). */
  layernorm_backward(
    dx: F32, dw: F32, db: F32 | null, dout: F32, x: F32, w: F32, mean: F32, rstd: F32, R: number, C: number,
  ): void {
    need('layernorm_backward', {
      dx: [dx, R * C], dw: [dw, C], db: [db, C], dout: [dout, R * C], x: [x, R * C], w: [w, C], mean: [mean, R], rstd: [rstd, R],
    });
    this.run((back) => {
      const gp = this.inp(dout);
      const xp = this.inp(x);
      const wp = this.inp(w);
      const mp = this.inp(mean);
      const rp = this.inp(rstd);
      const dxp = this.outp(dx, false, back);
      const dwp = this.outp(dw, true, back);
      const dbp = db ? this.outp(db, true, back) : 0;
      this.raw.layernorm_backward(dxp, dwp, dbp, gp, xp, wp, mp, rp, R, C);
    });
  }

  /**
   * adamw_step (PyTorch AdamW) on n = params.length elements, in place on params, m, v.
   * `step` is 1 for the first update (bias corrections 1 − β^step); the gradient is multiplied by
   * `gradScale` (default 1, for clipping) first.
   */
  adamw_step(
    params: F32, grads: F32, m: F32, v: F32,
    hp: { lr: number; beta1: number; beta2: number; eps: number; weightDecay: number; step: number; gradScale?: number },
  ): void {
    const n = params.length;
    if (grads.length !== n || m.length !== n || v.length !== n) throw new TypeError(`adamw_step: params ${n}, grads ${grads.length}, m ${m.length}, v ${v.length} differ`);
    const bc1 = 1 - Math.pow(hp.beta1, hp.step);
    const bc2 = 1 - Math.pow(hp.beta2, hp.step);
    this.run((back) => {
      const gp = this.inp(grads);
      const pp = this.outp(params, true, back);
      const mp = this.outp(m, true, back);
      const vp = this.outp(v, true, back);
      this.raw.adamw_step(pp, gp, mp, vp, n, hp.lr, hp.beta1, hp.beta2, hp.eps, hp.weightDecay, bc1, bc2, hp.gradScale ?? 1);
    });
  }

  // ---- activations (elementwise; outputs may alias inputs) -----------------------------------------

  /** silu_mul_forward: out = silu(gate)·up, all n = out.length elements. */
  silu_mul_forward(out: F32, gate: F32, up: F32): void {
    const n = out.length;
    need('silu_mul_forward', { gate: [gate, n], up: [up, n] });
    this.run((back) => {
      const gp = this.inp(gate);
      const up_ = this.inp(up);
      this.raw.silu_mul_forward(this.outp(out, false, back), gp, up_, n);
    });
  }

  /** silu_mul_backward: dgate = dout·up·σ(g)(1 + g(1 − σ(g))), dup = dout·silu(g); n = dout.length. */
  silu_mul_backward(dgate: F32, dup: F32, dout: F32, gate: F32, up: F32): void {
    const n = dout.length;
    need('silu_mul_backward', { dgate: [dgate, n], dup: [dup, n], gate: [gate, n], up: [up, n] });
    this.run((back) => {
      const dp = this.inp(dout);
      const gp = this.inp(gate);
      const up_ = this.inp(up);
      this.raw.silu_mul_backward(this.outp(dgate, false, back), this.outp(dup, false, back), dp, gp, up_, n);
    });
  }

  /** gelu_forward (tanh form): out = ½x(1 + tanh(√(2/π)(x + 0.044715x³))); n = out.length. */
  gelu_forward(out: F32, x: F32): void {
    const n = out.length;
    need('gelu_forward', { x: [x, n] });
    this.run((back) => {
      const xp = this.inp(x);
      this.raw.gelu_forward(this.outp(out, false, back), xp, n);
    });
  }

  /** gelu_backward (tanh form): dx = dout·gelu'(x); n = dx.length. */
  gelu_backward(dx: F32, dout: F32, x: F32): void {
    const n = dx.length;
    need('gelu_backward', { dout: [dout, n], x: [x, n] });
    this.run((back) => {
      const dp = this.inp(dout);
      const xp = this.inp(x);
      this.raw.gelu_backward(this.outp(dx, false, back), dp, xp, n);
    });
  }

  // ---- attention -------------------------------------------------------------------------------

  /**
   * attention_forward, causal with grouped KV heads (see Backend.attention_forward):
   * out, q (B, T, H·D); k, v (B, Smax, Hkv·D); mask (B, Smax) or null; att (B, H, T, past+T) or
   * null receives probabilities; lse (B, H, T) or null receives log Σ e^scores (for backward).
   */
  attention_forward(
    out: F32, q: F32, k: F32, v: F32, mask: I32 | null, att: F32 | null, lse: F32 | null,
    p: { B: number; T: number; Smax: number; H: number; Hkv: number; D: number; past: number; scale?: number },
  ): void {
    if (p.H % p.Hkv !== 0) throw new TypeError(`attention_forward: heads ${p.H} not a multiple of kvHeads ${p.Hkv}`);
    if (p.past + p.T > p.Smax) throw new RangeError(`attention_forward: past ${p.past} + T ${p.T} exceeds ${p.Smax} slots`);
    const scale = p.scale ?? 1 / Math.sqrt(p.D);
    const S = p.past + p.T;
    const nq = p.B * p.T * p.H * p.D;
    const nk = p.B * p.Smax * p.Hkv * p.D;
    need('attention_forward', {
      out: [out, nq], q: [q, nq], k: [k, nk], v: [v, nk], mask: [mask, p.B * p.Smax], att: [att, p.B * p.H * p.T * S], lse: [lse, p.B * p.H * p.T],
    });
    this.run((back) => {
      const qp = this.inp(q);
      const kp = this.inp(k);
      const vp = this.inp(v);
      const mp = mask ? this.inp(mask) : 0;
      const op = this.outp(out, false, back);
      const ap = att ? this.outp(att, false, back) : 0;
      const lp = lse ? this.outp(lse, false, back) : 0;
      const s = this.alloc((p.past + p.T) * 4);
      this.raw.attention_forward(op, qp, kp, vp, mp, ap, lp, p.B, p.T, p.Smax, p.H, p.Hkv, p.D, p.past, scale, s);
    });
  }

  /**
   * attention_backward for a training step (past = 0, Smax = T): dq (B, T, H·D), dk, dv
   * (B, T, Hkv·D) overwritten. Probabilities come from `att` (B, H, T, T) when given, else are
   * recomputed from `lse` (B, H, T). `out` (the forward's output) gives δ = dout·out; when null,
   * δ = Σ_j p_j·(dout·v_j) is summed from the probabilities instead (the same value).
   */
  attention_backward(
    dq: F32, dk: F32, dv: F32, dout: F32, q: F32, k: F32, v: F32, out: F32 | null,
    mask: I32 | null, att: F32 | null, lse: F32 | null,
    p: { B: number; T: number; H: number; Hkv: number; D: number; scale?: number },
  ): void {
    if (!att && !lse) throw new TypeError('attention_backward: needs att or lse from the forward pass');
    if (p.H % p.Hkv !== 0) throw new TypeError(`attention_backward: heads ${p.H} not a multiple of kvHeads ${p.Hkv}`);
    const scale = p.scale ?? 1 / Math.sqrt(p.D);
    const nq = p.B * p.T * p.H * p.D;
    const nk = p.B * p.T * p.Hkv * p.D;
    need('attention_backward', {
      dq: [dq, nq], dk: [dk, nk], dv: [dv, nk], dout: [dout, nq], q: [q, nq], k: [k, nk], v: [v, nk], out: [out, nq],
      mask: [mask, p.B * p.T], att: [att, p.B * p.H * p.T * p.T], lse: [lse, p.B * p.H * p.T],
    });
    this.run((back) => {
      const gp = this.inp(dout);
      const qp = this.inp(q);
      const kp = this.inp(k);
      const vp = this.inp(v);
      const op = out ? this.inp(out) : 0;
      const mp = mask ? this.inp(mask) : 0;
      const ap = att ? this.inp(att) : 0;
      const lp = lse ? this.inp(lse) : 0;
      const dqp = this.outp(dq, false, back);
      const dkp = this.outp(dk, false, back);
      const dvp = this.outp(dv, false, back);
      const s = this.alloc(2 * p.T * 4);
      this.raw.attention_backward(dqp, dkp, dvp, gp, qp, kp, vp, op, mp, ap, lp, p.B, p.T, p.H, p.Hkv, p.D, scale, s);
    });
  }

  /** Stop the helper threads; the object is unusable afterwards. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    if (this.helpers.length) {
      const ctl = new Int32Array(this.memory.buffer, GEMM_CTRL, 32);
      Atomics.store(ctl, CTRL.QUIT, 1);
      Atomics.add(ctl, CTRL.GEN, 1);
      Atomics.notify(ctl, CTRL.GEN);
      for (const h of this.helpers) h.terminate();
    }
  }
}

/** What createWasmKernels would get here: threads, shared memory, and why. */
export interface WasmThreadPlan {
  readonly threads: number;
  readonly shared: boolean;
  readonly reason: string;
}

/**
 * Plan threads and memory for `opts` without instantiating anything (cheap: the capability report
 * uses it). Threads need shared memory and a thread allowed to block; where either is missing the
 * plan is one thread and `reason` says why.
 */
export async function planWasmThreads(opts: Pick<WasmKernelsOptions, 'threads' | 'shared'> = {}): Promise<WasmThreadPlan> {
  const env = await probeEnv();
  const want = opts.threads ?? 'auto';
  let threads = want === 'auto' ? Math.min(8, Math.max(1, env.cores)) : Math.max(1, Math.floor(want));
  let reason: string;
  if (threads > 1 && opts.shared === false) {
    reason = '1 thread: shared memory turned off';
    threads = 1;
  } else if (threads > 1 && !(env.sharedOk && env.canBlock)) {
    reason = `1 thread: ${env.why}`;
    threads = 1;
  } else if (threads > 1) {
    reason = `${threads} threads: ${env.why}`;
  } else {
    reason = want === 'auto' ? '1 thread: one core' : '1 thread: asked for';
  }
  if (opts.shared && !env.sharedOk) throw new Error(`wasm kernels: shared memory unavailable: ${env.why}`);
  return { threads, shared: threads > 1 || (opts.shared ?? env.sharedOk), reason };
}

/**
 * Instantiate the kernels. Threads need shared memory and a thread allowed to block; where either
 * is missing this falls back to one thread and says why in `info.reason` (see planWasmThreads).
 */
export async function createWasmKernels(opts: WasmKernelsOptions = {}): Promise<WasmKernels> {
  if (!wasmSimdSupported()) throw new Error('wasm kernels: this runtime has no WebAssembly SIMD128');
  const env = await probeEnv();
  const { threads, shared, reason } = await planWasmThreads(opts);
  const initial = Math.max(1, Math.ceil(((opts.initialMB ?? 64) * 1024 * 1024) / PAGE));
  const memory = new WebAssembly.Memory({ initial, maximum: MAX_PAGES, shared });
  const module = await WebAssembly.compile(decodeBase64(shared ? KERNELS_THREADS_WASM_BASE64 : KERNELS_WASM_BASE64));
  const instance = await WebAssembly.instantiate(module, { env: { memory, log: Math.log } });
  const helpers: Helper[] = [];
  try {
    for (let i = 1; i < threads; i++) helpers.push(await startHelper(env, module, memory, i));
  } catch (e) {
    for (const h of helpers) h.terminate();
    throw e;
  }
  const info: WasmKernelsInfo = { simd: true, threads, shared, reason };
  return new WasmKernels(memory, instance, info, helpers, opts.threadMinMacs ?? 1 << 21);
}
