// Training runs in the lab worker: LabApi's training and adapter methods (src/api/lab-api.ts) on
// top of Engine II's loop (src/engine/train/loop.ts) and the runs store (./store.ts).
//
//   start:    data (dataset store / records / examples) → prompt format → text examples, stored
//             with the run → tokenized (too long = dropped, counted) → train() under a Web Lock
//   events:   every step → TrainProgress; checkpoints (every N steps, on pause, at the end) →
//             IndexedDB; the loss curve is written with each checkpoint and every few seconds
//   end:      status, message, final checkpoint and (LoRA) the PEFT adapter with the tools and
//             records it was trained on
//   continue: the stored data + latest checkpoint → train({resume}) → the same losses as never
//             stopping (cpu: bit-identical)
//
// Backend: the model's own when it can train (trainBackend), else a copy of the model loaded
// from the same source — and the progress says so (`backend`, `backendReason`), never silently.
import type {
  AdapterFiles,
  AdapterState,
  ContinueOptions,
  EngineBackendName,
  ModelHandle,
  TrainDataSpec,
  TrainProgress,
  TrainRequest,
} from '../api/lab-api';
import { DataStore } from '../data/store';
import { formatRecord, type ChatTokenizer } from '../data/formats';
import type { LabRecord, SplitName, ToolCallRecord } from '../data/types';
import { trainBackend, type Backend } from '../engine/backend';
import { loadModel } from '../engine/load';
import { LoraAdapter, type LoraConfig } from '../engine/lora/lora';
import { loadPeft, parsePeftConfig, savePeft } from '../engine/lora/peft';
import type { Model } from '../engine/model';
import { Outbox, type EngineSession, type Entry } from '../engine/session';
import type { Checkpoint } from '../engine/train/checkpoint';
import { exportWeights } from '../engine/train/export';
import { tokenizeExamples, type TokenizedExample } from '../engine/train/data';
import { train, TrainController, TRAIN_DEFAULTS, type TrainEvent, type TrainOptions } from '../engine/train/loop';
import { TrainableModel } from '../engine/train/network';
import { trainedToolNames } from '../eval/stress';
import { RunNotFoundError, RunStore, type RunExample, type RunRecord, type RunsStore, type TrainedOn } from './store';

/** Another tab or worker holds the run's Web Lock (it is training that run now). */
export class RunLockedError extends Error {
  override name = 'RunLockedError';
}

/** The run cannot do that now (already done, already running, unknown split…). */
export class RunStateError extends Error {
  override name = 'RunStateError';
}

/** The model is training (or another run uses it): no second run, no adapter changes meanwhile. */
export class ModelBusyError extends Error {
  override name = 'ModelBusyError';
}

/** The Web Lock name of a run: one trainer per run across every tab of the origin. */
export const runLockName = (runId: string): string => `lab-train-${runId}`;

/** Default LoRA of a request without one: seed 003's r 8, α 16, dropout 0.05 on q and v. */
export function defaultLora(arch: string): LoraConfig {
  return { r: 8, alpha: 16, dropout: 0.05, targetModules: arch === 'gpt2' ? ['c_attn'] : ['q_proj', 'v_proj'] };
}

interface LiveRun {
  controller: TrainController;
  modelId: string;
  done: Promise<unknown>;
}

interface Attached {
  adapter: LoraAdapter;
  runId: string | null;
}

/** Text examples of the train and validation splits (never test), with the records behind them. */
interface ResolvedData {
  train: RunExample[];
  validation: RunExample[];
  records: Map<string, LabRecord>;
}

type LockManagerLike = Pick<LockManager, 'request' | 'query'>;


/**
 * The tools of a run's kept training records: `tools` = the tools CALLED in their expected answers
 * (what "seen in training" means for the unseen-tools stress test, see trainedToolNames in
 * src/eval/stress.ts); `offeredTools` = every tool listed in their tool lists (distractors included).
 */
function trainedTools(records: readonly LabRecord[]): Pick<TrainedOn, 'tools' | 'offeredTools'> {
  const tc = records.filter((r): r is ToolCallRecord => r.kind === 'tool-call');
  return { tools: [...trainedToolNames(tc)].sort(), offeredTools: [...new Set(tc.flatMap((r) => r.tools.map((t) => t.name)))].sort() };
}
/** The training side of the lab worker. One per worker, next to the EngineSession. */
export class Trainer {
  private readonly live = new Map<string, LiveRun>();
  private readonly busy = new Set<string>();
  private readonly attached = new Map<string, Attached>();
  private store: Promise<RunsStore> | null = null;

  constructor(
    private readonly session: EngineSession,
    private readonly openStore: () => Promise<RunsStore> = () => RunStore.open(),
    private readonly openData: () => Promise<DataStore> = () => DataStore.open(),
    private readonly locks: LockManagerLike | null = globalThis.navigator?.locks ?? null,
  ) {
    session.beforeUnload.add(async (modelId) => {
      const runs = [...this.live.values()].filter((r) => r.modelId === modelId);
      for (const r of runs) r.controller.cancel();
      await Promise.allSettled(runs.map((r) => r.done));
      const a = this.attached.get(modelId);
      if (a) {
        a.adapter.free();
        this.attached.delete(modelId);
      }
    });
  }

  private runs(): Promise<RunsStore> {
    this.store ??= this.openStore();
    return this.store;
  }

  // ---- start / continue ------------------------------------------------------------------------

  /** LabApi.startTraining. */
  async start(ref: ModelHandle | string, req: TrainRequest, onProgress?: (p: TrainProgress) => unknown): Promise<RunRecord> {
    const e = this.session.entry(ref);
    const store = await this.runs();
    const runId = req.runId ?? `run-${Date.now().toString(36)}-${Math.floor(Math.random() * 2 ** 32).toString(36)}`;
    const mode = req.mode ?? 'lora';
    const lora = mode === 'lora' ? (req.lora ?? defaultLora(e.lm.model.config.arch)) : null;
    const o: TrainOptions = { ...TRAIN_DEFAULTS, ...req.hyper, padId: e.lm.generation.padTokenId ?? e.lm.generation.eosTokenIds[0] ?? 0 };
    const maxLength = req.maxLength ?? Math.min(512, e.lm.model.config.maxPositions);
    if (maxLength > e.lm.model.config.maxPositions) throw new RangeError(`maxLength ${maxLength} exceeds the model's context of ${e.lm.model.config.maxPositions}`);
    const data = await this.resolveData(req.data, e);
    if (data.train.length === 0) throw new RunStateError('the training split has no examples');
    const now = new Date().toISOString();
    const run: RunRecord = {
      id: runId,
      name: req.name ?? runId,
      created: now,
      modified: now,
      status: 'running',
      message: 'starting',
      model: { source: e.handle.source, arch: e.lm.model.config.arch },
      config: {
        mode,
        lora: lora ? { r: lora.r, alpha: lora.alpha, dropout: lora.dropout, targetModules: typeof lora.targetModules === 'string' ? lora.targetModules : [...lora.targetModules], useRslora: lora.useRslora } : null,
        options: { ...o },
        maxLength,
        data: req.data.kind === 'dataset' ? { kind: 'dataset', datasetId: req.data.datasetId, splitId: req.data.splitId ?? null, format: req.data.format } : req.data.kind === 'records' ? { kind: 'records', format: req.data.format } : { kind: 'examples' },
        initSeed: req.initSeed ?? o.seed,
      },
      step: 0,
      steps: 0,
      losses: [],
      lrs: [],
      evals: [],
      checkpointStep: null,
      hasAdapter: false,
      trainedOn: { datasetId: req.data.kind === 'dataset' ? req.data.datasetId : null, format: req.data.kind === 'examples' ? null : req.data.format, recordIds: [], tools: [] },
      report: { trainExamples: 0, validationExamples: 0, dropped: [], maxLength, trainableParams: 0, tokens: 0, backend: '', backendReason: '' },
    };
    return this.locked(runId, async () => {
      const exists = await store.getRun(runId).then(
        () => true,
        (err: Error) => (err.name === 'RunNotFoundError' ? false : Promise.reject(err)),
      );
      if (exists) throw new RunStateError(`run "${runId}" exists already; continue it with continueTraining`);
      await store.createRun(run, { train: data.train, validation: data.validation });
      return this.execute(e, run, data, null, req.backend ?? 'auto', new Outbox(onProgress));
    });
  }

  /** LabApi.continueTraining. */
  async continue(ref: ModelHandle | string, runId: string, onProgress?: (p: TrainProgress) => unknown, opts: ContinueOptions = {}): Promise<RunRecord> {
    const e = this.session.entry(ref);
    const store = await this.runs();
    return this.locked(runId, async () => {
      let run = await store.getRun(runId);
      if (run.status === 'done' && opts.steps === undefined) throw new RunStateError(`run "${runId}" is done (pass more steps to train it further)`);
      if (run.model.arch !== e.lm.model.config.arch) throw new RunStateError(`run "${runId}" trained a ${run.model.arch} model; the model given is ${e.lm.model.config.arch}`);
      const checkpoint = await store.getCheckpoint(runId);
      const stored = await store.getData(runId);
      if (opts.steps !== undefined) run = await store.updateRun(runId, { config: { ...run.config, options: { ...run.config.options, steps: opts.steps } } });
      const data: ResolvedData = { train: stored.train, validation: stored.validation, records: new Map() };
      return this.execute(e, run, data, checkpoint, opts.backend ?? 'auto', new Outbox(onProgress));
    });
  }

  /** Run `f` holding the run's Web Lock; RunLockedError when someone else holds it. */
  private async locked<T>(runId: string, f: () => Promise<T>): Promise<T> {
    if (this.live.has(runId)) throw new RunLockedError(`run "${runId}" is training in this worker already`);
    if (!this.locks) return f();
    let result: { value: T } | null = null;
    await this.locks.request(runLockName(runId), { ifAvailable: true }, async (lock) => {
      if (!lock) throw new RunLockedError(`run "${runId}" is being trained in another tab or worker (Web Lock ${runLockName(runId)} is held)`);
      result = { value: await f() };
    });
    return (result as { value: T } | null)!.value;
  }

  /** Data → text examples per split (train, validation; never test). */
  private async resolveData(spec: TrainDataSpec, e: Entry): Promise<ResolvedData> {
    const tok = e.tok as unknown as ChatTokenizer;
    if (spec.kind === 'examples') {
      const ex = (xs: { prompt: string; completion: string; id?: string }[] | undefined, split: string): RunExample[] =>
        (xs ?? []).map((x, i) => {
          if (typeof x.prompt !== 'string' || typeof x.completion !== 'string') throw new RunStateError(`${split} example ${i}: prompt and completion must be strings`);
          return { id: x.id ?? `${split}-${i}`, prompt: x.prompt, completion: x.completion };
        });
      return { train: ex(spec.train, 'train'), validation: ex(spec.validation, 'validation'), records: new Map() };
    }
    let records: LabRecord[];
    let splitOf: (r: LabRecord) => SplitName;
    if (spec.kind === 'records') {
      records = spec.records;
      splitOf = (r) => metaSplit(r);
    } else {
      const ds = await this.openData();
      try {
        await ds.getDataset(spec.datasetId);
        records = [];
        for await (const r of ds.iterateRecords(spec.datasetId)) records.push(r);
        const splits = await ds.listSplits(spec.datasetId);
        const row = spec.splitId ? splits.find((s) => s.id === spec.splitId) : splits[splits.length - 1];
        if (spec.splitId && !row) throw new RunStateError(`dataset "${spec.datasetId}" has no split "${spec.splitId}"`);
        if (row) {
          const of = new Map<string, SplitName>();
          for (const name of ['train', 'validation', 'test'] as const) for (const id of row.assignment[name]) of.set(id, name);
          splitOf = (r) => of.get(r.id) ?? 'test'; // records outside the split never train
        } else {
          splitOf = (r) => metaSplit(r);
        }
      } finally {
        ds.close();
      }
    }
    const out: ResolvedData = { train: [], validation: [], records: new Map() };
    for (const r of records) {
      const split = splitOf(r);
      if (split === 'test') continue;
      const f = formatRecord(r, spec.format, tok, { system: spec.system });
      out[split].push({ id: r.id, prompt: f.prompt, completion: f.completion });
      out.records.set(r.id, r);
    }
    return out;
  }

  /** Pick the training backend: the model's when it trains, else a cpu copy (with the reason). */
  private async trainingModel(e: Entry, want: 'auto' | EngineBackendName): Promise<{ model: Model; own: boolean; backend: EngineBackendName; reason: string }> {
    const kind: EngineBackendName = e.backend.kind;
    let why = '';
    if (want === 'auto' || want === kind) {
      try {
        trainBackend(e.backend);
        return { model: e.lm.model, own: true, backend: kind, reason: `${kind}: the model's backend` };
      } catch (err) {
        if (want === kind && kind === 'webgpu') throw err;
        why = (err as Error).message;
      }
    } else if (want === 'webgpu') {
      throw new RunStateError('webgpu training was requested but the model is loaded on cpu; load it on webgpu');
    } else {
      why = 'cpu backend requested';
    }
    const copy = await loadModel(e.lm.source, this.session.cpuBackend());
    const copyKind = copy.model.backend.kind;
    return { model: copy.model, own: false, backend: copyKind, reason: `${copyKind} (a copy of the model on the CPU): ${why}` };
  }

  /** Train (or continue) a run to its end, persisting as it goes. Called holding the run's lock. */
  private async execute(e: Entry, run: RunRecord, data: ResolvedData, resume: Checkpoint | null, want: 'auto' | EngineBackendName, out: Outbox<TrainProgress>): Promise<RunRecord> {
    const store = await this.runs();
    const modelId = e.handle.id;
    if (this.busy.has(modelId)) throw new ModelBusyError(`model ${modelId} is training another run`);
    if (this.attached.has(modelId)) throw new ModelBusyError(`model ${modelId} has an adapter attached; detach it before training`);
    this.busy.add(modelId);
    const controller = new TrainController();
    let finish: () => void = () => {};
    const done = new Promise<void>((res) => (finish = res));
    this.live.set(run.id, { controller, modelId, done });
    const tm = await this.trainingModel(e, want).catch((err: unknown) => {
      this.busy.delete(modelId);
      this.live.delete(run.id);
      finish();
      throw err;
    });
    const be: Backend = tm.model.backend;
    const tok = e.tok;
    const eos = e.lm.generation.eosTokenIds[0];
    let adapter: LoraAdapter | null = null;
    let net: TrainableModel | null = null;
    // Persistence runs in order on one promise chain; the loop never waits for it.
    let writes: Promise<unknown> = Promise.resolve();
    // A failed write (quota…) does not stop training, but it is never silent: the first one is
    // sent as a progress message and ends up in the run's final message.
    let storeError: string | null = null;
    const write = (f: () => Promise<unknown>) => {
      writes = writes.then(f).catch((err: unknown) => {
        if (storeError) return;
        storeError = `storing the run failed (${err instanceof Error ? `${err.name}: ${err.message}` : String(err)}); the last stored checkpoint is older`;
        out.send({ status: 'train', runId: run.id, phase: 'checkpoint', step: 0, total: 0, epoch: 0, rate: 0, tokensPerSec: 0, etaSeconds: null, memoryBytes: 0, gpuMemoryBytes: null, backend: tm.backend, backendReason: tm.reason, message: storeError });
      });
    };
    try {
      if (eos === undefined) throw new RunStateError(`${e.handle.source}: no EOS token id; training examples must end with EOS`);
      const o = { ...TRAIN_DEFAULTS, ...(run.config.options as Partial<TrainOptions>) };
      const encode = (t: string, special: boolean) => tok.encode(t, { add_special_tokens: special });
      const tr = tokenizeExamples(data.train, encode, eos, run.config.maxLength);
      const va = tokenizeExamples(data.validation, encode, eos, run.config.maxLength);
      if (tr.examples.length === 0) throw new RunStateError(`every training example is longer than maxLength ${run.config.maxLength} tokens`);
      const lora = run.config.lora;
      if (lora) adapter = LoraAdapter.create(be, tm.model.config, lora, run.config.initSeed);
      net = new TrainableModel(tm.model, run.config.mode, adapter);
      const kept = tr.examples.map((x: TokenizedExample) => data.train[x.index]!.id);
      const trainedOn: TrainedOn = resume
        ? run.trainedOn
        : { ...run.trainedOn, recordIds: kept, ...trainedTools(kept.flatMap((id) => data.records.get(id) ?? [])) };
      const report = {
        ...run.report,
        trainExamples: tr.examples.length,
        validationExamples: va.examples.length,
        dropped: [
          ...tr.dropped.map((d) => ({ split: 'train' as const, id: data.train[d.index]!.id, length: d.length })),
          ...va.dropped.map((d) => ({ split: 'validation' as const, id: data.validation[d.index]!.id, length: d.length })),
        ],
        trainableParams: net.params.reduce((a, p) => a + p.tensor.size, 0),
        backend: tm.backend,
        backendReason: tm.reason,
      };
      const at = resume?.step ?? 0;
      const losses = resume ? [...resume.losses] : [];
      const lrs = run.lrs.slice(0, at);
      const evals = run.evals.filter((x) => x.step <= at);
      let tokens = resume ? run.report.tokens : 0;
      let steps = 0;
      let lastWrite = performance.now();
      const base = (phase: TrainProgress['phase'], step: number): TrainProgress => ({
        status: 'train', runId: run.id, phase, step, total: steps, epoch: 0, rate: 0, tokensPerSec: 0, etaSeconds: null,
        memoryBytes: be.memory().bytesInUse, gpuMemoryBytes: be.kind === 'webgpu' ? be.memory().bytesInUse : null, backend: tm.backend, backendReason: tm.reason,
      });
      write(() => store.updateRun(run.id, { status: 'running', message: resume ? `continuing from step ${at}` : 'training', trainedOn, report, lrs, evals, losses }));
      const onEvent = (ev: TrainEvent): void => {
        if (ev.status === 'start') {
          steps = ev.steps;
          write(() => store.updateRun(run.id, { steps }));
          out.send({ ...base('start', ev.resumedAt), message: `${ev.examples} training and ${ev.validation} validation examples, ${ev.trainableParams} trainable parameters` });
        } else if (ev.status === 'step') {
          losses.push(ev.loss);
          lrs.push(ev.lr);
          tokens += ev.tokens;
          out.send({
            ...base('step', ev.step), epoch: ev.epoch, loss: ev.loss, lr: ev.lr, gradNorm: ev.gradNorm, rate: ev.tokensPerSec, tokensPerSec: ev.tokensPerSec,
            etaSeconds: ev.eta, memoryBytes: ev.memoryBytes, gpuMemoryBytes: be.kind === 'webgpu' ? ev.memoryBytes : null,
          });
          if (performance.now() - lastWrite > 2000) {
            lastWrite = performance.now();
            const snap = { step: ev.step, losses: [...losses], lrs: [...lrs], evals: [...evals], report: { ...report, tokens } };
            write(() => store.updateRun(run.id, snap));
          }
        } else if (ev.status === 'eval') {
          evals.push({ step: ev.step, loss: ev.loss });
          out.send({ ...base('eval', ev.step), evalLoss: ev.loss, message: `validation loss over ${ev.tokens} tokens` });
        } else if (ev.status === 'checkpoint') {
          const c = ev.checkpoint;
          const snap = { step: c.step, losses: [...c.losses], lrs: lrs.slice(0, c.step), evals: evals.filter((x) => x.step <= c.step), report: { ...report, tokens } };
          write(() => store.saveCheckpoint(run.id, c, snap));
          write(async () => out.send({ ...base('checkpoint', c.step), message: `checkpoint of step ${c.step} saved` }));
        } else if (ev.status === 'paused' || ev.status === 'resumed') {
          // Sent once stored, so a UI that sees 'paused' finds the run paused with its checkpoint.
          write(() => store.updateRun(run.id, { status: ev.status === 'paused' ? 'paused' : 'running', message: `${ev.status} at step ${ev.step}` }));
          const p = base(ev.status, ev.step);
          write(async () => out.send(p));
        }
      };
      const res = await train(net, { train: tr.examples, validation: va.examples }, o, { onEvent, controller, resume: resume ?? undefined });
      // The final state: the checkpoint (the last good one after a non-finite stop) and the adapter.
      const status = res.reason === 'cancelled' ? 'cancelled' : res.reason === 'non-finite' ? 'failed' : 'done';
      const final = { step: res.checkpoint.step, losses: [...res.checkpoint.losses], lrs: lrs.slice(0, res.checkpoint.step), evals: evals.filter((x) => x.step <= res.checkpoint.step), report: { ...report, tokens } };
      write(() => store.saveCheckpoint(run.id, res.checkpoint, { ...final, status, message: storeError ? `${res.message}; ${storeError}` : res.message }));
      if (adapter) {
        const peft = await savePeft(adapter, run.model.source);
        write(() => store.saveAdapter({ runId: run.id, config: peft.config, weights: peft.weights, trainedOn }));
      }
      await writes;
      out.send({ ...base('stopped', res.checkpoint.step), loss: final.losses[final.losses.length - 1], reason: res.reason, message: res.message });
      await out.settled();
      return await store.getRun(run.id);
    } catch (caught) {
      // A lost device destroys the backend under the run: whatever op failed first, say why.
      const err = tm.own && e.lost ? e.lost : caught;
      await writes;
      const msg = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
      await store.updateRun(run.id, { status: 'failed', message: msg }).catch(() => {});
      await out.settled();
      throw err;
    } finally {
      if (!(tm.own && e.lost)) {
        // (after a device loss the backend is destroyed with everything on it)
        net?.free();
        adapter?.free();
        if (tm.own) tm.model.adapter = null;
        else tm.model.free();
      }
      this.busy.delete(modelId);
      this.live.delete(run.id);
      finish();
    }
  }

  // ---- control ---------------------------------------------------------------------------------

  pause(runId: string): boolean {
    const r = this.live.get(runId);
    if (!r || r.controller.paused || r.controller.cancelled) return false;
    r.controller.pause();
    return true;
  }

  resume(runId: string): boolean {
    const r = this.live.get(runId);
    if (!r || !r.controller.paused || r.controller.cancelled) return false;
    r.controller.resume();
    return true;
  }

  cancel(runId: string): boolean {
    const r = this.live.get(runId);
    if (!r || r.controller.cancelled) return false;
    r.controller.cancel();
    return true;
  }

  // ---- stored runs -----------------------------------------------------------------------------

  /** Runs whose status says running/paused but whose lock nobody holds read 'interrupted'. */
  private async withLiveness(runs: RunRecord[]): Promise<RunRecord[]> {
    if (!runs.some((r) => r.status === 'running' || r.status === 'paused')) return runs;
    const held = new Set<string>();
    if (this.locks) {
      for (const l of (await this.locks.query()).held ?? []) if (l.name) held.add(l.name);
    }
    return runs.map((r) =>
      (r.status === 'running' || r.status === 'paused') && !held.has(runLockName(r.id)) && !this.live.has(r.id)
        ? { ...r, status: 'interrupted', message: `interrupted at step ${r.checkpointStep ?? 0} (last checkpoint); continue it with continueTraining` }
        : r,
    );
  }

  async list(): Promise<RunRecord[]> {
    return this.withLiveness(await (await this.runs()).listRuns());
  }

  async get(runId: string): Promise<RunRecord> {
    return (await this.withLiveness([await (await this.runs()).getRun(runId)]))[0]!;
  }

  async delete(runId: string): Promise<void> {
    if (this.live.has(runId)) throw new RunStateError(`run "${runId}" is training; cancel it first`);
    const [r] = await this.withLiveness([await (await this.runs()).getRun(runId)]);
    if (r!.status === 'running' || r!.status === 'paused') throw new RunLockedError(`run "${runId}" is training in another tab`);
    await (await this.runs()).deleteRun(runId);
  }

  async adapterFiles(runId: string): Promise<AdapterFiles> {
    const a = await (await this.runs()).getAdapter(runId);
    return { config: JSON.stringify(a.config, null, 2), weights: a.weights };
  }

  async trainedOn(runId: string): Promise<TrainedOn> {
    return (await (await this.runs()).getAdapter(runId)).trainedOn;
  }

  // ---- adapters for generation -----------------------------------------------------------------

  private state(modelId: string): AdapterState {
    const a = this.attached.get(modelId);
    if (!a) return { attached: false, runId: null, enabled: false, merged: false, r: null, alpha: null, modules: 0 };
    return { attached: true, runId: a.runId, enabled: a.adapter.enabled, merged: a.adapter.merged, r: a.adapter.config.r, alpha: a.adapter.config.alpha, modules: a.adapter.modules.length };
  }

  private idle(ref: ModelHandle | string): Entry {
    const e = this.session.entry(ref);
    if (this.busy.has(e.handle.id)) throw new ModelBusyError(`model ${e.handle.id} is training; adapters can change when the run ends`);
    return e;
  }

  async attach(ref: ModelHandle | string, src: { runId: string } | AdapterFiles): Promise<AdapterState> {
    const e = this.idle(ref);
    let files: { config: Record<string, unknown>; weights: Uint8Array };
    let runId: string | null = null;
    if ('runId' in src) {
      const a = await (await this.runs()).getAdapter(src.runId);
      files = { config: a.config, weights: a.weights };
      runId = src.runId;
    } else {
      let cfg: unknown;
      try {
        cfg = JSON.parse(src.config);
      } catch (err) {
        throw new RunStateError(`adapter_config.json is not valid JSON (${(err as Error).message})`);
      }
      parsePeftConfig(cfg);
      files = { config: cfg as Record<string, unknown>, weights: src.weights };
    }
    const adapter = loadPeft(e.backend, e.lm.model.config, files);
    await this.detach(ref);
    this.attached.set(e.handle.id, { adapter, runId });
    e.lm.model.adapter = adapter;
    return this.state(e.handle.id);
  }

  async setEnabled(ref: ModelHandle | string, enabled: boolean): Promise<AdapterState> {
    const e = this.idle(ref);
    const a = this.attached.get(e.handle.id);
    if (!a) throw new RunStateError(`model ${e.handle.id} has no adapter attached`);
    if (a.adapter.merged) throw new RunStateError('the adapter is merged into the weights; unmerge it first');
    a.adapter.enabled = enabled;
    return this.state(e.handle.id);
  }

  async merge(ref: ModelHandle | string, merged = true): Promise<AdapterState> {
    const e = this.idle(ref);
    const a = this.attached.get(e.handle.id);
    if (!a) throw new RunStateError(`model ${e.handle.id} has no adapter attached`);
    if (merged) await a.adapter.merge(e.lm.model.tensors);
    else await a.adapter.unmerge();
    return this.state(e.handle.id);
  }

  async detach(ref: ModelHandle | string): Promise<AdapterState> {
    const e = this.idle(ref);
    const a = this.attached.get(e.handle.id);
    if (a) {
      if (a.adapter.merged) await a.adapter.unmerge();
      if (e.lm.model.adapter === a.adapter) e.lm.model.adapter = null;
      a.adapter.free();
      this.attached.delete(e.handle.id);
    }
    return this.state(e.handle.id);
  }

  /**
   * Put a full-fine-tuning run's trained weights (its latest checkpoint) into a loaded model of the
   * same architecture, in place. Returns the step they come from.
   */
  async loadRunWeights(ref: ModelHandle | string, runId: string): Promise<number> {
    const e = this.idle(ref);
    if (this.attached.has(e.handle.id)) throw new ModelBusyError(`model ${e.handle.id} has an adapter attached; detach it first`);
    const store = await this.runs();
    const run = await store.getRun(runId);
    if (run.config.mode !== 'full') throw new RunStateError(`run "${runId}" trained a LoRA adapter; attach it with attachAdapter`);
    if (run.model.arch !== e.lm.model.config.arch) throw new RunStateError(`run "${runId}" trained a ${run.model.arch} model; the model given is ${e.lm.model.config.arch}`);
    const c = await store.getCheckpoint(runId);
    if (!c) throw new RunNotFoundError(`run "${runId}" has no checkpoint`);
    const net = new TrainableModel(e.lm.model, 'full', null);
    try {
      net.writeParams(c.params);
    } finally {
      net.free();
    }
    return c.step;
  }

  /** A loaded model's current weights (merged adapter included) as Hugging Face model.safetensors. */
  async modelWeights(ref: ModelHandle | string): Promise<Uint8Array> {
    return exportWeights(this.idle(ref).lm.model);
  }

  adapterState(ref: ModelHandle | string): AdapterState {
    return this.state(this.session.entry(ref).handle.id);
  }
}

/** A record's split from meta.split (default train). */
function metaSplit(r: LabRecord): SplitName {
  const s = r.meta?.split;
  if (s === undefined || s === null) return 'train';
  if (s === 'train' || s === 'validation' || s === 'test') return s;
  throw new RunStateError(`record "${r.id}": meta.split must be train, validation or test, got ${JSON.stringify(s)}`);
}
