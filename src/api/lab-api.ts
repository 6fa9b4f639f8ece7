// The one contract between the UI (main thread) and the lab worker. Both sides import this
// file: the worker `expose`s an object that `satisfies LabApi`; the UI reaches it only through
// src/lib/lab-client.ts. Big arrays cross with Comlink.transfer; callbacks with Comlink.proxy.
import type { FormatName } from '../data/formats';
import type { LabRecord } from '../data/types';
import type { CellResult, FormatPreview, Notebook, Profile } from '../notebook/types';
import type { Capabilities } from '../platform/capabilities';
import type { RunRecord, RunStatus, TrainedOn } from '../runs/store';
import type { TrainOptions } from '../engine/train/loop';

export type { Capabilities, RunRecord, RunStatus, TrainedOn };

/** A backend the engine runs on in the lab worker. */
export type EngineBackendName = 'webgpu' | 'wasm' | 'cpu';

/** Events the worker pushes to the UI outside any call (device loss, fatal errors). */
export type LabEvent =
  | { type: 'device-lost'; reason: string; message: string }
  | { type: 'error'; name: string; message: string };

/** Progress of long work, told apart by `status` (transformers.js style). */
export type Progress =
  | {
      status: 'load';
      loaded: number;
      total: number;
      rate: number;
      etaSeconds: number | null;
      detail?: string;
      /** Model loads only (see ModelLoadProgress): which stage, and tensors uploaded so far. */
      phase?: ModelLoadPhase;
      tensorsUploaded?: number;
      tensorsTotal?: number;
    }
  | {
      status: 'train';
      step: number;
      total: number;
      rate: number;
      etaSeconds: number | null;
      loss?: number;
      /** Training runs (see TrainProgress): the run, the event, and the step's figures. */
      runId?: string;
      phase?: TrainPhase;
      epoch?: number;
      lr?: number;
      gradNorm?: number;
      tokensPerSec?: number;
      memoryBytes?: number;
      gpuMemoryBytes?: number | null;
      evalLoss?: number;
      backend?: EngineBackendName;
      backendReason?: string;
      message?: string;
      reason?: TrainStopReason;
    }
  | { status: 'eval'; done: number; total: number; rate: number; etaSeconds: number | null }
  | { status: 'done' };

export interface LabApi {
  /** Liveness check used at start-up to prove the worker runs. */
  ping(): Promise<'pong'>;
  /** What this machine offers the lab, and the backend it will use. */
  capabilities(): Promise<Capabilities>;
  /** Subscribe to worker events (pass a Comlink.proxy'd callback). */
  subscribe(listener: (event: LabEvent) => void): Promise<void>;
  /** Acquire the lab's GPU device now (normally lazy). Resolves with false when there is none. */
  acquireDevice(): Promise<boolean>;
  /** Testing aid: destroy the GPU device so the lost-device path can be exercised. */
  debugLoseDevice(): Promise<void>;

  /**
   * Load a model (weights + tokenizer) onto the worker's engine. Progress arrives through
   * `onProgress` (pass a Comlink.proxy'd callback). Rejects with a named error (LabErrorName).
   */
  loadModel(source: ModelSourceSpec, opts?: ModelLoadOptions, onProgress?: (p: ModelLoadProgress) => void): Promise<ModelHandle>;
  /**
   * Generate a continuation of each prompt (a batch, left-padded), streaming tokens through
   * `onToken` (a Comlink.proxy'd callback; every event arrives before the promise resolves).
   * Rejects with JobAbortedError when `abort(options.jobId)` is called.
   */
  generate(
    model: ModelHandle | string,
    prompts: string[],
    options: GenerateRequestOptions,
    onToken?: (e: TokenStreamEvent) => void,
  ): Promise<GenerateReply>;
  /** Cancel a running load or generation by its jobId. Resolves with false if none was running. */
  abort(jobId: string): Promise<boolean>;
  /** Free a model's weights (cancelling its running jobs) and give pooled GPU memory back. */
  unload(model: ModelHandle | string): Promise<UnloadReport>;
  /** The models loaded now. */
  listModels(): Promise<ModelHandle[]>;
  /** Bytes held by the engine's backends now. */
  engineMemory(): Promise<EngineMemoryReport>;

  /**
   * Start a training run on a loaded model (LoRA or full fine-tuning). Resolves when the run ends
   * (done, target loss, cancelled, or stopped on a non-finite loss) with the stored run; progress
   * arrives per step through `onProgress` (a Comlink.proxy'd callback), every event before the
   * result. The run, its data, checkpoints and adapter are stored in IndexedDB ('lab-runs').
   * Rejects with RunLockedError when another tab or worker trains a run with the same id.
   */
  startTraining(model: ModelHandle | string, request: TrainRequest, onProgress?: (p: TrainProgress) => void): Promise<RunRecord>;
  /**
   * Continue a stored run from its latest checkpoint (after a reload, a lost GPU device, a cancel)
   * on a loaded model of the same architecture; the losses continue exactly as without the stop
   * (bit-identical on cpu). Rejects with RunLockedError while the run trains elsewhere.
   */
  continueTraining(model: ModelHandle | string, runId: string, onProgress?: (p: TrainProgress) => void, options?: ContinueOptions): Promise<RunRecord>;
  /** Pause a run training in this worker (a checkpoint is saved). False when it is not running here. */
  pauseTraining(runId: string): Promise<boolean>;
  /** Resume a paused run of this worker. False when it is not paused here. */
  resumeTraining(runId: string): Promise<boolean>;
  /** Cancel a run of this worker (its last state is checkpointed). False when it is not running here. */
  cancelTraining(runId: string): Promise<boolean>;
  /** Stored runs, newest change first (a run whose trainer went away reads 'interrupted'). */
  listRuns(): Promise<RunRecord[]>;
  /** One stored run; RunNotFoundError when there is none. */
  getRun(runId: string): Promise<RunRecord>;
  /** Delete a stored run with its data, checkpoint and adapter (refused while it trains). */
  deleteRun(runId: string): Promise<void>;
  /** A run's adapter as PEFT files (adapter_config.json text, adapter_model.safetensors bytes). */
  downloadAdapter(runId: string): Promise<AdapterFiles>;
  /** The tools and records a run's adapter was trained on (the unseen-tools stress test uses `tools`). */
  adapterTrainedOn(runId: string): Promise<TrainedOn>;
  /**
   * Attach an adapter to a loaded model for generation: a stored run's, or PEFT files (e.g. from
   * Python). Replaces an attached one. `generate` then runs the adapted model.
   */
  attachAdapter(model: ModelHandle | string, adapter: { runId: string } | AdapterFiles): Promise<AdapterState>;
  /** Switch the attached adapter on or off (off = the base model), without freeing it. */
  setAdapterEnabled(model: ModelHandle | string, enabled: boolean): Promise<AdapterState>;
  /** Merge the attached adapter into the base weights (W += (α/r)·B·A), or undo it (`merged: false`). */
  mergeAdapter(model: ModelHandle | string, merged?: boolean): Promise<AdapterState>;
  /** Remove the attached adapter (unmerging it first) and free it. */
  detachAdapter(model: ModelHandle | string): Promise<AdapterState>;
  /** The adapter state of a loaded model. */
  adapterState(model: ModelHandle | string): Promise<AdapterState>;
  /**
   * Write a full-fine-tuning run's trained weights (its latest checkpoint) into a loaded model of
   * the same architecture, in place; resolves with the checkpoint's step.
   */
  loadRunWeights(model: ModelHandle | string, runId: string): Promise<number>;
  /** A loaded model's current weights as a Hugging Face model.safetensors (e.g. after full fine-tuning). */
  downloadModelWeights(model: ModelHandle | string): Promise<Uint8Array>;

  /**
   * Run a notebook cell (and the inputs it needs), or every cell with 'all', in the worker
   * (src/notebook/runner.ts on the worker's session and trainer). `results` are the results the
   * UI holds; each new one arrives through `onEvent` (the UI stores it) and the promise resolves
   * with them all. `abort(opts.jobId)` stops the run (a training run is cancelled).
   */
  runCell(
    notebook: Notebook,
    results: Record<string, CellResult>,
    cellId: string | 'all',
    opts: RunCellOptions,
    onEvent?: (e: NotebookEvent) => void,
  ): Promise<Record<string, CellResult>>;
  /**
   * A dataset cell's records formatted and tokenized as training will see them, with the
   * tokenizer of the model cell that trains on it (src/notebook/runner.ts formatPreview): token
   * counts per split, what exceeds the max length or the context, and a few examples token by
   * token with the loss mask. Loads the dataset and model like a run would; stores nothing.
   */
  previewFormat(notebook: Notebook, results: Record<string, CellResult>, datasetCellId: string, opts: RunCellOptions): Promise<FormatPreview>;
  /**
   * The model files a user chose (or dropped) for a notebook's model cell with source `files`:
   * the worker keeps them for this page's life and the cell loads from them; null forgets them.
   */
  setModelFiles(notebookId: string, cellId: string, files: File[] | null): void;
}

/** Options of `runCell`. */
export interface RunCellOptions {
  profile: Profile;
  /** An id that `abort(jobId)` stops the run with. */
  jobId?: string;
  /** Run every model on this backend ('cpu': the same numbers as `lab run`). */
  forceBackend?: 'cpu' | null;
  /** Testing aid: a folder URL standing in for the lab's default model. */
  defaultModel?: string;
}

/** What `runCell` reports: a cell started (result null) or finished, or its progress. */
export type NotebookEvent = { cellId: string; result: CellResult | null } | { cellId: string; progress: Progress };

// ---- training runs (Engine II in the worker; storage in src/runs/store.ts) ----

/** Where a run's examples come from. Training never reads the test split. */
export type TrainDataSpec =
  | {
      kind: 'dataset';
      /** A dataset of the datasets store (json-lab-data). */
      datasetId: string;
      /** A saved split of it; default: its newest saved split, else each record's meta.split (default train). */
      splitId?: string;
      format: FormatName;
      /** System prompt of the chat format. */
      system?: string;
    }
  | { kind: 'records'; records: LabRecord[]; format: FormatName; system?: string }
  | {
      kind: 'examples';
      train: { prompt: string; completion: string; id?: string }[];
      validation?: { prompt: string; completion: string; id?: string }[];
    };

/**
 * Training hyper-parameters: the trainer's own options (defaults: engine/train/loop
 * TRAIN_DEFAULTS) less the pad id, which the worker takes from the model's generation config.
 */
export type TrainHyperparameters = Omit<TrainOptions, 'padId'>;

/** What `startTraining` trains. */
export interface TrainRequest {
  /** A run id (default: a new one). Starting an id that is stored already is refused. */
  runId?: string;
  name?: string;
  /** 'lora' (default) or 'full' (every weight of the loaded model; tiny models). */
  mode?: 'lora' | 'full';
  /** LoRA (default r 8, α 16, dropout 0.05, q_proj + v_proj / GPT-2 c_attn). */
  lora?: { r: number; alpha: number; dropout: number; targetModules: string[] | string; useRslora?: boolean };
  hyper?: Partial<TrainHyperparameters>;
  /** prompt + completion + EOS tokens; longer examples are dropped and counted (default min(512, context)). */
  maxLength?: number;
  data: TrainDataSpec;
  /** 'auto' (default): the model's backend when it can train, else cpu (said in the progress). */
  backend?: 'auto' | EngineBackendName;
  /** Seed of the LoRA initialisation (default: hyper.seed). */
  initSeed?: number;
}

/** Options of `continueTraining`. */
export interface ContinueOptions {
  backend?: 'auto' | EngineBackendName;
  /** Stop after this many steps in total (default: the run's own). Changing it changes nothing before it. */
  steps?: number;
}

/** Why a run ended. */
export type TrainStopReason = 'done' | 'cancelled' | 'target-loss' | 'condition' | 'non-finite';

/** Kinds of training progress events. */
export type TrainPhase = 'start' | 'step' | 'eval' | 'checkpoint' | 'paused' | 'resumed' | 'stopped';

/**
 * Progress of a training run: one event per step ('step'), plus start, validation loss ('eval'),
 * checkpoint saved, paused/resumed and stopped. `rate` = tokensPerSec (real tokens, no padding);
 * `etaSeconds` from the mean step time so far; `gpuMemoryBytes` is null on the cpu backend.
 */
export interface TrainProgress {
  status: 'train';
  runId: string;
  phase: TrainPhase;
  step: number;
  total: number;
  epoch: number;
  loss?: number;
  lr?: number;
  gradNorm?: number;
  rate: number;
  tokensPerSec: number;
  etaSeconds: number | null;
  memoryBytes: number;
  gpuMemoryBytes: number | null;
  evalLoss?: number;
  backend: EngineBackendName;
  backendReason: string;
  message?: string;
  reason?: TrainStopReason;
}

/** PEFT adapter files. */
export interface AdapterFiles {
  /** adapter_config.json text. */
  config: string;
  /** adapter_model.safetensors bytes. */
  weights: Uint8Array;
}

/** The adapter attached to a loaded model. */
export interface AdapterState {
  attached: boolean;
  /** The run it came from (null for files). */
  runId: string | null;
  enabled: boolean;
  merged: boolean;
  r: number | null;
  alpha: number | null;
  modules: number;
}

// ---- models: load, generate, unload (web-llm style: the worker owns the engine and the device) ----

/**
 * Where a model comes from: a folder URL (absolute, or starting with '/', './' or '../', resolved
 * against the worker's location), a Hugging Face model id ("org/name", fetched and cached through
 * transformers.js's Hub settings), or the File objects a user dropped (a model folder).
 */
export type ModelSourceSpec = string | readonly File[];

/** Stages of a model load, in order. */
export type ModelLoadPhase = 'plan' | 'fetch' | 'upload' | 'tokenizer' | 'ready';

/**
 * Progress of `loadModel`: bytes fetched (`loaded` of `total`, where `total` grows as each file's
 * size becomes known), tensors uploaded, the fetch rate in bytes/s and an ETA in seconds (null
 * while unknown). Counts never decrease; the last event has phase 'ready', loaded = total and
 * tensorsUploaded = tensorsTotal.
 */
export interface ModelLoadProgress {
  status: 'load';
  phase: ModelLoadPhase;
  loaded: number;
  total: number;
  tensorsUploaded: number;
  tensorsTotal: number;
  rate: number;
  etaSeconds: number | null;
  /** The file being fetched or the tensor just uploaded. */
  detail?: string;
}

/** Options of `loadModel`. */
export interface ModelLoadOptions {
  /** 'auto' (default): webgpu when the worker has a GPU device, else cpu. */
  backend?: 'auto' | EngineBackendName;
  /** Tokens of context the memory estimate budgets for (default: the model's maximum). */
  contextTokens?: number;
  /** An id that `abort(jobId)` can cancel the load with. */
  jobId?: string;
}

/** The architecture of a loaded model, as the engine read it from config.json. */
export interface ModelConfigSummary {
  arch: 'llama' | 'qwen2' | 'qwen3' | 'gpt2';
  layers: number;
  hidden: number;
  heads: number;
  kvHeads: number;
  headDim: number;
  ffn: number;
  vocabSize: number;
  maxPositions: number;
  tiedEmbeddings: boolean;
}

/** Memory a model needs, in bytes (float32), estimated before anything was allocated. */
export interface ModelMemoryEstimate {
  weightBytes: number;
  kvCacheBytes: number;
  activationBytes: number;
  totalBytes: number;
  /** The context length the KV cache and activations were budgeted for. */
  contextTokens: number;
}

/** A model loaded in the worker. Plain data: pass it (or its `id`) back to generate/unload. */
export interface ModelHandle {
  id: string;
  /** Where it came from ("http://…/stories260K/hf", "hub:org/name", "dropped files (…)"). */
  source: string;
  config: ModelConfigSummary;
  parameters: number;
  memory: ModelMemoryEstimate;
  /** Bytes the backend held for all models right after this load. */
  bytesInUse: number;
  backend: EngineBackendName;
  /** Why this backend: the adapter's name, or why WebGPU was not used. */
  backendReason: string;
  loadMs: number;
  eosTokenIds: number[];
  hasChatTemplate: boolean;
}

/** Options of `generate`. Greedy unless `temperature` > 0. */
export interface GenerateRequestOptions {
  maxNewTokens: number;
  temperature?: number;
  topK?: number;
  topP?: number;
  seed?: number;
  /** Stop a row when its text contains one of these (the text is cut before it). */
  stopStrings?: string[];
  /** Stop on the model's EOS ids (default true). */
  stopAtEos?: boolean;
  /** Wrap each prompt as one user message with the model's chat template. */
  chat?: boolean;
  /** An id that `abort(jobId)` cancels the generation with. */
  jobId?: string;
  /** Send the n most probable next tokens with every streamed token (`TokenStreamEvent.top`). */
  topLogprobs?: number;
}

/** One streamed token of one prompt (row). `delta` is the text it added ('' mid-character). */
export interface TokenStreamEvent {
  row: number;
  id: number;
  delta: string;
  /** With `topLogprobs`: the most probable next tokens at this step (softmax at the sampling temperature; greedy: 1). */
  top?: { id: number; text: string; p: number }[];
}

/** The outcome of `generate`, per prompt. */
export interface GenerateReply {
  rows: { text: string; ids: number[]; promptTokens: number; finishReason: 'eos' | 'stop' | 'length' }[];
  /** Forward passes run (1 prefill + decode steps). */
  steps: number;
  backend: EngineBackendName;
  /** Wall time of the generation, and generated tokens per second over all rows. */
  ms: number;
  tokensPerSecond: number;
}

/** Bytes held by a backend before and after `unload` (tensors; and GPU buffers incl. the pool). */
export interface UnloadReport {
  backend: EngineBackendName;
  bytesInUseBefore: number;
  bytesInUseAfter: number;
  /** webgpu: bytes of every GPU buffer the engine holds (tensors + pooled free buffers); cpu: = bytesInUse. */
  deviceBytesBefore: number;
  deviceBytesAfter: number;
}

/** Memory of the worker's engine backends now. */
export interface EngineMemoryReport {
  models: number;
  webgpu: { bytesInUse: number; peakBytes: number; deviceBytes: number; tensors: number } | null;
  cpu: { bytesInUse: number; peakBytes: number; tensors: number } | null;
}

/**
 * Names of the errors the model methods reject with (Comlink keeps `name` and `message`), so the
 * UI can switch on `err.name`. Engine loading errors are listed in src/engine/errors.ts.
 */
export type LabErrorName =
  | 'ModelNotLoadedError'
  | 'JobAbortedError'
  | 'DuplicateJobError'
  | 'WebGPUUnavailableError'
  | 'DeviceLostError'
  | 'UnsupportedModelError'
  | 'ConfigError'
  | 'MissingFileError'
  | 'TruncatedFileError'
  | 'SafetensorsHeaderError'
  | 'HeaderOffsetError'
  | 'UnknownDtypeError'
  | 'MissingTensorError'
  | 'ShapeMismatchError'
  | 'ModelTooLargeError'
  | 'FetchError'
  | 'GpuLimitError'
  | 'GpuValidationError'
  | 'RunLockedError'
  | 'RunNotFoundError'
  | 'RunStateError'
  | 'TrainDataError'
  | 'AdapterFormatError'
  | 'ModelBusyError';
