// LabServices on an EngineSession and a Trainer: the one implementation behind both the lab worker
// (browser) and `lab run` (Node), so a notebook runs through the same code on both sides and, on
// the cpu backend, gives the same numbers.
//
//   models    session.load / session.generate; an adapter ref is a training run id (its stored
//             LoRA adapter is attached for the generation) or "model:<ref>" (a fully fine-tuned
//             copy of the model)
//   training  trainer.start on the train split's records; the run id is the runner's `runKey`,
//             so an interrupted run (a reload) is continued and a finished one is reused
import type { ModelSourceSpec, Progress, TrainRequest as WorkerTrainRequest } from '../api/lab-api';
import type { ChatTokenizer } from '../data/formats';
import type { LabRecord } from '../data/types';
import type { EngineSession } from '../engine/session';
import { DEFAULT_DECODING, engineGenerator, type EvalGenerator } from '../eval/run';
import type { EvalStore } from '../eval/store';
import type { RunRecord } from '../runs/store';
import type { Trainer } from '../runs/trainer';
import { NotAvailableError, type LabServices, type LoadedModelInfo, type TrainReply, type TrainRequest } from './runner';
import { DEFAULT_MODEL_ID, type EmbeddedDataset, type ModelCell, type ModelSource } from './types';

/** Options of the session services. */
export interface SessionServiceOptions {
  /** Where the lab's default model is (a folder URL in the browser, a folder in Node). */
  defaultModel: string | null;
  /** Force every model onto this backend (tests compare the browser with `lab run` on cpu). */
  forceBackend?: 'cpu' | null;
  /** Resolve a model cell's relative URL or path (Node: against the notebook's folder). */
  resolveUrl?: (url: string) => string;
  /** Fetch text for url datasets. */
  fetchText?: (url: string, signal?: AbortSignal) => Promise<string>;
  /** Where evaluate and stress cells save their reports (the worker: IndexedDB; `lab run`: a folder). */
  evalStore?: EvalStore;
  /** A dataset of the Datasets view's store, for dataset cells with source `stored` (absent: not available here). */
  loadStoredDataset?: (datasetId: string) => Promise<EmbeddedDataset>;
  /** The model files a user chose for a model cell with source `files` (the worker keeps them per notebook and cell). */
  modelFiles?: (cellId: string) => readonly File[] | undefined;
}

const FULL_PREFIX = 'model:';
const CHECKPOINT_EVERY = 10;

function specOf(source: ModelSource, o: SessionServiceOptions, cellId?: string): ModelSourceSpec {
  switch (source.kind) {
    case 'default':
      if (!o.defaultModel) throw new NotAvailableError(`the lab's default model ("${DEFAULT_MODEL_ID}") is not configured here`);
      return o.defaultModel;
    case 'hub':
      return source.id;
    case 'url':
      return o.resolveUrl ? o.resolveUrl(source.url) : source.url;
    case 'files': {
      const files = cellId ? o.modelFiles?.(cellId) : undefined;
      if (files?.length) return files;
      if (!o.modelFiles) throw new NotAvailableError('model files chosen on this computer in this runner (give the model cell a folder path, a URL or a Hub id)');
      throw new Error(
        `the model files of cell "${cellId ?? '?'}" are not here: choose them again in the cell (config.json, model.safetensors, tokenizer.json…). Files you choose stay on this computer: they are not kept after a reload, nor in an exported notebook`,
      );
    }
  }
}

/** Run an async call as a session job that `signal` aborts. */
function jobOf(session: EngineSession, signal: AbortSignal | undefined, prefix: string): { jobId: string; done: () => void } {
  const jobId = `${prefix}-${Math.random().toString(36).slice(2)}`;
  const onAbort = () => session.abort(jobId);
  signal?.addEventListener('abort', onAbort, { once: true });
  return { jobId, done: () => signal?.removeEventListener('abort', onAbort) };
}

/** The reply of a finished run, from its stored record. */
function replyOf(run: RunRecord, adapter: string): TrainReply {
  return {
    adapter,
    steps: run.losses.length,
    loss: run.losses.map((l, i) => [i + 1, l] as [number, number]),
    validationLoss: run.evals.map((e) => [e.step, e.loss] as [number, number]),
    dropped: run.report.dropped.length,
    trainedTools: run.trainedOn.tools.length ? [...run.trainedOn.tools] : undefined,
    runId: run.id,
    backend: run.report.backendReason || run.report.backend,
    learningRates: [...run.lrs],
    tokens: run.report.tokens,
    trainableParams: run.report.trainableParams,
    message: run.message,
  };
}

/** Records with the notebook's split written into meta.split (what the trainer reads). */
function withSplit(records: LabRecord[], split: 'train' | 'validation'): LabRecord[] {
  return records.map((r) => ({ ...r, meta: { ...r.meta, split } }));
}

/** LabServices on an engine session and its trainer. */
export function sessionServices(session: EngineSession, trainer: Trainer, o: SessionServiceOptions): LabServices & { dispose(): Promise<void> } {
  const specs = new Map<string, ModelSourceSpec>();
  /** Constrained-decoding generators per model (the vocabulary is read once). */
  const constrainedGen = new Map<string, EvalGenerator>();
  /** The adapter ref attached to each model now (null: none). */
  const attached = new Map<string, string | null>();

  async function useAdapter(model: string, adapter: string | null): Promise<string> {
    if (adapter?.startsWith(FULL_PREFIX)) return adapter.slice(FULL_PREFIX.length);
    if ((attached.get(model) ?? null) === adapter) return model;
    if (adapter === null) await trainer.detach(model);
    else await trainer.attach(model, { runId: adapter });
    attached.set(model, adapter);
    return model;
  }

  async function load(spec: ModelSourceSpec, backend: ModelCell['backend'], signal?: AbortSignal, onProgress?: (p: Progress) => void): Promise<LoadedModelInfo> {
    const job = jobOf(session, signal, 'nb-load');
    try {
      const h = await session.load(spec, { backend: o.forceBackend ?? backend, jobId: job.jobId }, onProgress);
      specs.set(h.id, spec);
      attached.set(h.id, null);
      return {
        ref: h.id,
        source: h.source,
        arch: h.config.arch,
        parameters: h.parameters,
        backend: h.backend,
        backendReason: h.backendReason,
        memoryBytes: h.memory.totalBytes,
        contextTokens: h.memory.contextTokens,
      };
    } finally {
      job.done();
    }
  }

  async function storedRun(runId: string): Promise<RunRecord | null> {
    try {
      return await trainer.get(runId);
    } catch (e) {
      if ((e as Error).name === 'RunNotFoundError') return null;
      throw e;
    }
  }

  async function train(req: TrainRequest, signal: AbortSignal | undefined, onProgress: ((p: Progress) => void) | undefined): Promise<TrainReply> {
    const c = req.cell;
    let model = req.model;
    const full = c.mode === 'full';
    if (full) {
      // Full fine-tuning changes the weights it trains: train a copy, keep the base model as it is.
      const spec = specs.get(req.model);
      if (spec === undefined) throw new Error(`model ${req.model} was not loaded by this notebook`);
      const entry = session.entry(req.model);
      model = (await load(spec, entry.handle.backend, signal)).ref;
    } else {
      await useAdapter(model, null);
    }
    const adapterRef = full ? `${FULL_PREFIX}${model}` : req.runKey;
    const existing = await storedRun(req.runKey);
    if (existing?.status === 'done') {
      if (full) await trainer.loadRunWeights(model, req.runKey);
      return replyOf(existing, adapterRef);
    }
    const stop = () => trainer.cancel(req.runKey);
    signal?.addEventListener('abort', stop, { once: true });
    try {
      let run: RunRecord;
      if (existing) {
        run = await trainer.continue(model, req.runKey, onProgress);
      } else {
        const request: WorkerTrainRequest = {
          runId: req.runKey,
          name: `${c.title ?? c.id} (notebook)`,
          mode: c.mode,
          lora: full ? undefined : { r: c.lora.r, alpha: c.lora.alpha, dropout: c.lora.dropout, targetModules: [...c.lora.targets] },
          hyper: {
            lr: c.learningRate,
            epochs: c.epochs,
            steps: req.maxSteps ?? 0,
            batchSize: c.batchSize,
            gradAccum: c.gradAccum,
            warmupSteps: c.warmupSteps,
            schedule: c.schedule,
            weightDecay: c.weightDecay,
            clip: c.clipNorm ?? 0,
            completionOnly: c.completionOnly,
            evalEvery: req.evalEvery,
            // A checkpoint every few steps, so a run cut off by a reload continues near where it stopped.
            checkpointEvery: CHECKPOINT_EVERY,
            seed: c.seed,
          },
          maxLength: c.maxLength,
          data: { kind: 'records', records: [...withSplit(req.records.train, 'train'), ...withSplit(req.records.validation, 'validation')], format: req.records.format },
        };
        run = await trainer.start(model, request, onProgress);
      }
      signal?.throwIfAborted();
      if (run.status !== 'done') throw new Error(`training ${run.status}: ${run.message}`);
      return replyOf(run, adapterRef);
    } finally {
      signal?.removeEventListener('abort', stop);
    }
  }

  return {
    ...(o.loadStoredDataset ? { loadStoredDataset: o.loadStoredDataset } : {}),
    fetchText:
      o.fetchText ??
      (async (url, signal) => {
        const res = await fetch(url, { signal });
        if (!res.ok) throw new Error(`${url}: HTTP ${res.status}`);
        return res.text();
      }),
    models: {
      load: (source, backend, { signal, onProgress, cellId }) => load(specOf(source, o, cellId), backend, signal, onProgress),
      constrained: true,
      async generate(model, prompts, d, { adapter, signal, constrained }) {
        const target = await useAdapter(model, adapter);
        if (constrained) {
          // Our engine with xgrammar's per-row token masks (src/eval/run.ts), on the model with its adapter attached.
          const e = session.entry(target);
          let gen = constrainedGen.get(target);
          if (!gen) {
            gen = engineGenerator({ model: e.lm.model, tokenizer: e.tok as unknown as Parameters<typeof engineGenerator>[0]['tokenizer'], eosTokenIds: e.lm.generation.eosTokenIds, name: e.handle.source });
            constrainedGen.set(target, gen);
          }
          const batch = prompts.map((p, i) => ({ ids: e.tok.encode(p, { add_special_tokens: true }), schema: constrained.schemas[i] ?? undefined }));
          const out = await gen.generate(batch, { ...DEFAULT_DECODING, maxNewTokens: d.maxNewTokens, temperature: d.temperature, seed: d.seed, constrained: true }, { signal, separators: constrained.separators });
          return out.map((o) => ({ text: o.text, finishReason: o.finishReason }));
        }
        const job = jobOf(session, signal, 'nb-gen');
        try {
          const r = await session.generate(target, prompts, { maxNewTokens: d.maxNewTokens, temperature: d.temperature, seed: d.seed, jobId: job.jobId });
          return r.rows.map((row) => ({ text: row.text, finishReason: row.finishReason }));
        } finally {
          job.done();
        }
      },
      async chatTokenizer(model) {
        return session.entry(model).tok as unknown as ChatTokenizer;
      },
      async trainTokenizer(model) {
        // The same calls as the trainer's (src/runs/trainer.ts): encode with or without special tokens, EOS = the first EOS id.
        const { tok, lm, handle } = session.entry(model);
        const eosId = lm.generation.eosTokenIds[0];
        if (eosId === undefined) throw new Error(`${handle.source}: no EOS token id; training examples must end with EOS`);
        return {
          encode: (text, special) => tok.encode(text, { add_special_tokens: special }),
          pieces: (ids) => tokenPieces(ids, (x) => tok.decode(x, { skip_special_tokens: false })),
          eosId,
          contextTokens: lm.model.config.maxPositions,
        };
      },
    },
    train: { train: (req, { signal, onProgress }) => train(req, signal, onProgress) },
    ...(o.evalStore ? { evalStore: o.evalStore } : {}),
    async dispose() {
      for (const ref of specs.keys()) await session.unload(ref).catch(() => undefined);
      specs.clear();
      attached.clear();
      constrainedGen.clear();
    },
  };
}

/**
 * Each token's text in context: what decoding it after the token before adds. Decoded alone, a
 * SentencePiece token loses its leading space and a byte-level one may be half a character.
 */
export function tokenPieces(ids: readonly number[], decode: (ids: number[]) => string): string[] {
  return ids.map((id, i) => {
    if (i === 0) return decode([id]);
    const prev = decode([ids[i - 1]!]);
    const both = decode([ids[i - 1]!, id]);
    return both.startsWith(prev) ? both.slice(prev.length) : decode([id]);
  });
}
