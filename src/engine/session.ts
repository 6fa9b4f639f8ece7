// The worker-side model registry behind LabApi's model methods (src/api/lab-api.ts): it loads
// models onto one backend per kind (one WebGPU backend on the worker's one device — so one
// pipeline cache and one buffer pool — and one cpu backend), hands out plain-data handles, runs
// generations as cancellable jobs, and frees models again. The lab worker exposes it; tests may
// drive it directly in a page.
//
// Progress and token callbacks may be Comlink proxies: each call is a message on the proxy's own
// port, so before a call resolves the session waits for the last callback's reply. Every event
// has then reached the UI before the result does.
import type {
  EngineBackendName,
  EngineMemoryReport,
  GenerateReply,
  GenerateRequestOptions,
  ModelHandle,
  ModelLoadOptions,
  ModelLoadPhase,
  ModelLoadProgress,
  ModelSourceSpec,
  TokenStreamEvent,
  UnloadReport,
} from '../api/lab-api';
import { WebGPUUnavailableError } from '../platform/gpu';
import type { Backend, Tensor } from './backend';
import { CpuBackend } from './cpu';
import { MissingFileError } from './errors';
import { generate } from './generate';
import { loadModel, type LoadedModel, type LoadProgress } from './load';
import { FilesSource, HubSource, isHubModelId, UrlSource, type ModelSource } from './source';
import { loadTokenizer, type Tokenizer } from './tokenizer';
import { WebGPUBackend } from './webgpu/backend';
import { chooseBackend, probeCpuPath } from './select';
import { createWasmBackend } from './wasm/backend';
import { DeviceLostError, gpuDevice } from './webgpu/device';

/** A handle or id that names no loaded model (never loaded, or unloaded). */
export class ModelNotLoadedError extends Error {
  override name = 'ModelNotLoadedError';
}

/** A load or generation cancelled with `abort(jobId)` (or by unloading its model). */
export class JobAbortedError extends Error {
  override name = 'JobAbortedError';
}

/** A jobId that is already running. */
export class DuplicateJobError extends Error {
  override name = 'DuplicateJobError';
}

/** What the session asks the worker for: its GPU device, or why there is none. */
export type DeviceProvider = () => Promise<{ device: GPUDevice; adapter: string } | { device: null; reason: string }>;

/** A loaded model as the session holds it (the trainer and adapters work on it). */
export interface Entry {
  handle: ModelHandle;
  lm: LoadedModel;
  tok: Tokenizer;
  backend: Backend;
  jobs: Set<string>;
  running: Set<Promise<unknown>>;
  /** Set when the device under the model was lost: every later use throws it. */
  lost: Error | null;
}

/**
 * Resolve a source spec: File objects → dropped files; a URL (absolute, or '/', './', '../'
 * relative to `base`) → a folder URL; otherwise a Hugging Face model id.
 */
export function sourceFromSpec(spec: ModelSourceSpec, base = globalThis.location?.href): ModelSource {
  if (typeof spec !== 'string') {
    if (spec.length === 0) throw new MissingFileError('config.json', 'no files were dropped (expected a model folder with config.json)');
    return new FilesSource(spec);
  }
  if (/^https?:\/\//.test(spec)) return new UrlSource(spec);
  if (/^\.{0,2}\//.test(spec)) {
    if (!base) throw new MissingFileError(spec, `${spec} is a relative URL but there is no page location to resolve it against`);
    return new UrlSource(new URL(spec, base).href);
  }
  if (isHubModelId(spec)) return new HubSource(spec);
  throw new MissingFileError(spec, `${spec} is neither a folder URL nor a Hugging Face model id`);
}

/**
 * The cpu backend of the worker. Its reads resolve at once, so a generation on it would never
 * give the worker's event loop a turn and `abort` messages would wait until it ended; reads
 * therefore yield to the event loop (a macrotask) at most every 8 ms.
 */
class YieldingCpuBackend extends CpuBackend {
  private lastYield = performance.now();

  private async breathe(): Promise<void> {
    if (performance.now() - this.lastYield < 8) return;
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

  override async read(t: Tensor, offset?: number, length?: number): Promise<Float32Array> {
    await this.breathe();
    return super.read(t, offset, length);
  }

  override async readI32(t: Tensor, offset?: number, length?: number): Promise<Int32Array> {
    await this.breathe();
    return super.readI32(t, offset, length);
  }
}

/** Calls a (possibly proxied) callback without waiting; `settled()` waits for the last call. */
export class Outbox<E> {
  private last: Promise<unknown> = Promise.resolve();
  constructor(private readonly cb: ((e: E) => unknown) | undefined) {}
  send(e: E): void {
    if (!this.cb) return;
    try {
      this.last = Promise.resolve(this.cb(e)).catch(() => {});
    } catch {
      // A throwing listener must not break the work it listens to.
    }
  }
  settled(): Promise<unknown> {
    return this.last;
  }
}

/** Turns the engine's load events into ModelLoadProgress: monotone counts, throttled fetch events. */
class LoadTracker {
  private filesDone = 0; // bytes of files fetched completely
  private fileLoaded = 0;
  private fileTotal = 0;
  private loaded = 0;
  private total = 0;
  private tensors = 0;
  private tensorsTotal = 0;
  private rate = 0;
  private lastFetchEmit = 0;
  private uploadStart = 0;

  constructor(private readonly out: Outbox<ModelLoadProgress>) {}

  private emit(phase: ModelLoadPhase, etaSeconds: number | null, detail?: string): void {
    this.out.send({
      status: 'load',
      phase,
      loaded: this.loaded,
      total: this.total,
      tensorsUploaded: this.tensors,
      tensorsTotal: this.tensorsTotal,
      rate: this.rate,
      etaSeconds,
      detail,
    });
  }

  onEngine(p: LoadProgress): void {
    if (p.status === 'plan') {
      this.emit('plan', null, `${p.arch}, ${p.parameters} parameters, files ${p.files.join(', ')}`);
    } else if (p.status === 'fetch') {
      if (p.loaded < this.fileLoaded) {
        // A new file started: the previous one is complete.
        this.filesDone += this.fileLoaded;
      }
      this.fileLoaded = p.loaded;
      this.fileTotal = Math.max(p.total, p.loaded);
      this.loaded = Math.max(this.loaded, this.filesDone + this.fileLoaded);
      this.total = Math.max(this.total, this.filesDone + this.fileTotal, this.loaded);
      this.rate = p.rate;
      const now = performance.now();
      if (now - this.lastFetchEmit >= 50 || p.loaded === p.total) {
        this.lastFetchEmit = now;
        this.emit('fetch', p.eta, p.file);
      }
    } else if (p.status === 'upload') {
      // The file holding this tensor is fetched in full.
      this.loaded = this.total = Math.max(this.total, this.filesDone + this.fileTotal);
      if (this.tensors === 0) this.uploadStart = performance.now();
      this.tensors = Math.max(this.tensors, p.done);
      this.tensorsTotal = p.total;
      const perTensor = (performance.now() - this.uploadStart) / 1000 / Math.max(1, this.tensors);
      this.emit('upload', (this.tensorsTotal - this.tensors) * perTensor, p.tensor);
    }
  }

  phase(phase: ModelLoadPhase, detail?: string): void {
    if (phase === 'ready') this.loaded = this.total;
    this.emit(phase, phase === 'ready' ? 0 : null, detail);
  }
}

function abortReason(signal: AbortSignal, what: string): Error {
  const r = signal.reason as unknown;
  return r instanceof Error ? r : new JobAbortedError(`${what} was aborted`);
}

/** The model registry of one worker (or page). */
export class EngineSession {
  private readonly models = new Map<string, Entry>();
  private readonly jobs = new Map<string, AbortController>();
  private gpu: { device: GPUDevice; backend: WebGPUBackend } | null = null;
  private cpu: Backend | null = null;
  private wasm: Promise<Backend> | null = null;
  private nextId = 1;
  private nextJob = 1;

  /**
   * @param deviceProvider the GPU device to load webgpu models on (or why there is none)
   * @param resolveSpec turns a source spec into a model source (default `sourceFromSpec`; Node
   *   passes the engine's `resolveSource`, which also reads folders on disk)
   * @param cpuFactory makes the session's cpu-side backend (default: the yielding TypeScript cpu
   *   backend; `lab run` may pass the WebAssembly one)
   */
  constructor(
    private readonly deviceProvider: DeviceProvider,
    private readonly resolveSpec: (spec: ModelSourceSpec) => ModelSource | Promise<ModelSource> = (spec) => sourceFromSpec(spec),
    private readonly cpuFactory: () => Backend = () => new YieldingCpuBackend(),
  ) {}

  // ---- backends --------------------------------------------------------------------------------

  private async pickBackend(want: 'auto' | EngineBackendName): Promise<{ backend: Backend; reason: string }> {
    if (want === 'cpu') return { backend: this.cpuBackend(), reason: 'cpu backend requested' };
    const d = await this.deviceProvider();
    if (want === 'wasm' || d.device === null) {
      const why = d.device === null ? d.reason : 'the wasm backend was requested';
      if (want === 'webgpu') throw new WebGPUUnavailableError(`the webgpu backend was requested but ${why}`);
      // No GPU: the WebAssembly SIMD kernels (threaded when the page is isolated), else plain TypeScript.
      const choice = chooseBackend({ available: false, reason: why }, await probeCpuPath(), want === 'wasm' ? 'wasm' : 'auto');
      if (choice.backend === 'wasm') {
        this.wasm ??= createWasmBackend({ yieldEveryMs: 8 });
        return { backend: await this.wasm, reason: choice.reason };
      }
      return { backend: this.cpuBackend(), reason: choice.reason };
    }
    if (this.gpu?.device !== d.device) {
      const gpu = gpuDevice(d.device);
      const backend = new WebGPUBackend(gpu);
      this.gpu = { device: d.device, backend };
      void gpu.lost.then((err) => this.onDeviceLost(backend, err));
    }
    return { backend: this.gpu.backend, reason: `WebGPU adapter: ${d.adapter}` };
  }

  /** The session's one cpu-side backend (by default the cpu backend whose reads yield to the worker's event loop). */
  cpuBackend(): Backend {
    this.cpu ??= this.cpuFactory();
    return this.cpu;
  }

  /** The device under a webgpu backend was lost: its models become unusable, their jobs stop. */
  private onDeviceLost(backend: WebGPUBackend, err: DeviceLostError): void {
    if (this.gpu?.backend === backend) this.gpu = null;
    for (const e of this.models.values()) {
      if (e.backend !== backend) continue;
      e.lost = err;
      for (const j of e.jobs) this.jobs.get(j)?.abort(err);
    }
    backend.destroy();
  }

  // ---- jobs ------------------------------------------------------------------------------------

  private startJob(jobId: string | undefined): { id: string; signal: AbortSignal } {
    const id = jobId ?? `job-${this.nextJob++}`;
    if (this.jobs.has(id)) throw new DuplicateJobError(`job ${id} is already running`);
    const ctl = new AbortController();
    this.jobs.set(id, ctl);
    return { id, signal: ctl.signal };
  }

  /** Cancel a running load or generation. False if no job has this id. */
  abort(jobId: string): boolean {
    const ctl = this.jobs.get(jobId);
    if (!ctl) return false;
    ctl.abort(new JobAbortedError(`job ${jobId} was aborted`));
    return true;
  }

  /** Called with a model's id before `unload` frees it (the trainer detaches adapters there). */
  readonly beforeUnload = new Set<(modelId: string) => Promise<void> | void>();

  /** The loaded model behind a handle or id; ModelNotLoadedError / DeviceLostError otherwise. */
  entry(ref: ModelHandle | string): Entry {
    const id = typeof ref === 'string' ? ref : ref.id;
    const e = this.models.get(id);
    if (!e) throw new ModelNotLoadedError(`no model with id ${id} is loaded (it was never loaded, or was unloaded)`);
    if (e.lost) throw e.lost;
    return e;
  }

  // ---- the API -----------------------------------------------------------------------------------

  /** Load weights and tokenizer; see LabApi.loadModel. */
  async load(spec: ModelSourceSpec, opts: ModelLoadOptions = {}, onProgress?: (p: ModelLoadProgress) => unknown): Promise<ModelHandle> {
    const t0 = performance.now();
    const job = this.startJob(opts.jobId);
    const out = new Outbox(onProgress);
    const tracker = new LoadTracker(out);
    try {
      const source = await this.resolveSpec(spec);
      const { backend, reason } = await this.pickBackend(opts.backend ?? 'auto');
      const lm = await loadModel(source, backend, { signal: job.signal, contextTokens: opts.contextTokens, onProgress: (p) => tracker.onEngine(p) });
      let tok: Tokenizer;
      try {
        tracker.phase('tokenizer', source.description);
        tok = await loadTokenizer(source);
        if (job.signal.aborted) throw abortReason(job.signal, `loading ${source.description}`);
      } catch (e) {
        lm.model.free();
        throw e;
      }
      const c = lm.model.config;
      const id = `model-${this.nextId++}`;
      const handle: ModelHandle = {
        id,
        source: source.description,
        config: {
          arch: c.arch,
          layers: c.layers,
          hidden: c.hidden,
          heads: c.heads,
          kvHeads: c.kvHeads,
          headDim: c.headDim,
          ffn: c.ffn,
          vocabSize: c.vocabSize,
          maxPositions: c.maxPositions,
          tiedEmbeddings: c.tied,
        },
        parameters: lm.estimate.parameters,
        memory: {
          weightBytes: lm.estimate.weightBytes,
          kvCacheBytes: lm.estimate.kvCacheBytes,
          activationBytes: lm.estimate.activationBytes,
          totalBytes: lm.estimate.totalBytes,
          contextTokens: opts.contextTokens ?? c.maxPositions,
        },
        bytesInUse: backend.memory().bytesInUse,
        backend: backend.kind,
        backendReason: reason,
        loadMs: performance.now() - t0,
        eosTokenIds: [...lm.generation.eosTokenIds],
        hasChatTemplate: typeof (tok as unknown as { chat_template?: unknown }).chat_template === 'string',
      };
      this.models.set(id, { handle, lm, tok, backend, jobs: new Set(), running: new Set(), lost: null });
      tracker.phase('ready', source.description);
      await out.settled();
      return handle;
    } catch (e) {
      throw job.signal.aborted ? abortReason(job.signal, 'the load') : e;
    } finally {
      this.jobs.delete(job.id);
    }
  }

  /** Generate continuations; see LabApi.generate. */
  async generate(
    ref: ModelHandle | string,
    prompts: readonly string[],
    o: GenerateRequestOptions,
    onToken?: (e: TokenStreamEvent) => unknown,
  ): Promise<GenerateReply> {
    const e = this.entry(ref);
    if (!Number.isInteger(o.maxNewTokens) || o.maxNewTokens < 0) throw new RangeError(`maxNewTokens must be an integer ≥ 0, got ${o.maxNewTokens}`);
    if (prompts.length === 0) throw new RangeError('generate: no prompts');
    const job = this.startJob(o.jobId);
    e.jobs.add(job.id);
    const run = this.runGenerate(e, prompts, o, job.signal, new Outbox(onToken));
    e.running.add(run);
    try {
      return await run;
    } finally {
      e.running.delete(run);
      e.jobs.delete(job.id);
      this.jobs.delete(job.id);
    }
  }

  private async runGenerate(e: Entry, prompts: readonly string[], o: GenerateRequestOptions, signal: AbortSignal, out: Outbox<TokenStreamEvent>): Promise<GenerateReply> {
    const { tok, lm } = e;
    const ids = prompts.map((p, i) => {
      const text = o.chat ? (tok.apply_chat_template([{ role: 'user', content: p }], { tokenize: false, add_generation_prompt: true }) as string) : p;
      const x = tok.encode(text, { add_special_tokens: !o.chat });
      if (x.length === 0) throw new RangeError(`prompt ${i} encodes to no tokens`);
      return x;
    });
    const t0 = performance.now();
    try {
      const r = await generate(lm.model, ids, {
        maxNewTokens: o.maxNewTokens,
        temperature: o.temperature ?? 0,
        topK: o.topK ?? 0,
        topP: o.topP ?? 1,
        seed: o.seed ?? 0,
        eosTokenIds: o.stopAtEos === false ? [] : lm.generation.eosTokenIds,
        padTokenId: lm.generation.padTokenId ?? undefined,
        stopStrings: o.stopStrings ?? [],
        // (a row that ends at once has no ids; the tokenizer refuses an empty list)
        decode: (x) => (x.length ? tok.decode(x, { skip_special_tokens: true }) : ''),
        topLogprobs: o.topLogprobs,
        onToken: (ev) =>
          out.send(
            ev.top
              ? { row: ev.row, id: ev.id, delta: ev.delta, top: ev.top.map((x) => ({ id: x.id, text: tok.decode([x.id], { skip_special_tokens: false }), p: x.p })) }
              : { row: ev.row, id: ev.id, delta: ev.delta },
          ),
        signal,
      });
      const ms = performance.now() - t0;
      await out.settled();
      const n = r.rows.reduce((a, row) => a + row.ids.length, 0);
      return {
        rows: r.rows.map((row, i) => ({ text: row.text, ids: row.ids, promptTokens: ids[i]!.length, finishReason: row.finishReason })),
        steps: r.steps,
        backend: e.handle.backend,
        ms,
        tokensPerSecond: ms > 0 ? n / (ms / 1000) : 0,
      };
    } catch (err) {
      await out.settled();
      throw signal.aborted ? abortReason(signal, 'the generation') : err;
    }
  }

  private deviceBytes(backend: Backend): number {
    return backend instanceof WebGPUBackend ? backend.rt.pool.stats().bytesAllocated : backend.memory().bytesInUse;
  }

  /** Free a model; see LabApi.unload. */
  async unload(ref: ModelHandle | string): Promise<UnloadReport> {
    const id = typeof ref === 'string' ? ref : ref.id;
    const e = this.models.get(id);
    if (!e) throw new ModelNotLoadedError(`no model with id ${id} is loaded (it was never loaded, or was unloaded)`);
    for (const j of e.jobs) this.abort(j);
    await Promise.allSettled([...e.running]);
    for (const f of this.beforeUnload) await f(id);
    const be = e.backend;
    const before = { bytes: be.memory().bytesInUse, device: this.deviceBytes(be) };
    this.models.delete(id);
    e.lm.model.free();
    if (be instanceof WebGPUBackend && !e.lost) {
      // Submit anything recorded, so no pending command refers to a buffer trim destroys.
      be.flush();
      be.rt.pool.trim();
    }
    return {
      backend: e.handle.backend,
      bytesInUseBefore: before.bytes,
      bytesInUseAfter: be.memory().bytesInUse,
      deviceBytesBefore: before.device,
      deviceBytesAfter: this.deviceBytes(be),
    };
  }

  /** Handles of the loaded models. */
  list(): ModelHandle[] {
    return [...this.models.values()].filter((e) => !e.lost).map((e) => e.handle);
  }

  /** Memory of the backends; see LabApi.engineMemory. */
  memory(): EngineMemoryReport {
    const g = this.gpu?.backend;
    const gm = g?.memory();
    const cm = this.cpu?.memory();
    return {
      models: this.list().length,
      webgpu: g && gm ? { bytesInUse: gm.bytesInUse, peakBytes: gm.peakBytes, deviceBytes: this.deviceBytes(g), tensors: gm.tensors } : null,
      cpu: cm ? { bytesInUse: cm.bytesInUse, peakBytes: cm.peakBytes, tensors: cm.tensors } : null,
    };
  }
}
