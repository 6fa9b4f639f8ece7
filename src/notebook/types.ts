// The notebook document: the unit users share. An ordered list of typed cells, each with its
// configuration; results are kept apart (per cell, in the store) and only travel with an export
// when asked. ./schema.ts holds the ajv schema that mirrors these types — change both together
// and bump NOTEBOOK_SCHEMA_VERSION when an old file would no longer read the same.
//
//   markdown    text for the reader (rendered safely, see ./markdown.ts)
//   dataset     records from a recipe, a generator, the seed's toy set, the Datasets view or the file itself
//   model       a model: the lab's default, a Hub id, a folder URL, or dropped files
//   playground  one prompt through a model
//   train       LoRA or full fine-tuning of a model cell on a dataset cell
//   evaluate    generate over a split and score it (src/eval/scoring.ts)
//   stress      evaluate under the stress transformations (src/eval/stress.ts)
//   compare     evaluate/stress cells of this notebook, or result files, side by side
import type { FormatName } from '../data/formats';
import type { SplitAssignment, SplitRatios } from '../data/splits';
import type { DatasetInfo, Json, LabRecord } from '../data/types';
import type { StressName } from '../eval/stress';
import type { MetricSummary } from '../eval/aggregate';
import type { Verdict } from '../eval/scoring';

/** The version of the notebook file format this lab reads and writes. */
export const NOTEBOOK_SCHEMA_VERSION = 1;

/** The stable id of the lab's own default model (issue "default model"; not built yet). */
export const DEFAULT_MODEL_ID = 'lab-default';

export const CELL_TYPES = ['markdown', 'dataset', 'model', 'playground', 'train', 'evaluate', 'stress', 'compare'] as const;
export type CellType = (typeof CELL_TYPES)[number];

/** Run profiles: `smoke` caps work for tests and CI, `full` is what users run. */
export const PROFILES = ['smoke', 'full'] as const;
export type Profile = (typeof PROFILES)[number];

/** The caps of the smoke profile. */
export const SMOKE_LIMITS = { trainSteps: 20, evalExamples: 16, evalEvery: 5 } as const;

/**
 * An expected-result range an instructor sets on a cell: `metric` names a number in the cell's
 * result (see `resultNumber` in ./expect.ts), e.g. "exactMatch", "counts.train",
 * "stress.renaming.exactMatch", "loss.last". The cell passes when every range holds.
 */
export interface Expectation {
  metric: string;
  min?: number;
  max?: number;
  /** Shown beside a failed check. */
  note?: string;
}

interface CellBase {
  /** Unique in the notebook; other cells refer to a cell by it. */
  id: string;
  title?: string;
  /** Instructors lock cells students should not change. */
  locked?: boolean;
  /** Expected-result ranges per profile. */
  expect?: { [P in Profile]?: Expectation[] };
}

export interface MarkdownCell extends CellBase {
  type: 'markdown';
  source: string;
}

/** Where a dataset cell's records come from. */
export type DatasetSource =
  | { kind: 'recipe'; recipe: 'toolcalls-101'; seed?: number }
  | { kind: 'toy' }
  | { kind: 'generate'; generator: 'toolcalls'; n: number; seed: number; tools?: number; templatesPerTool?: number; optionalShare?: number; irrelevantShare?: number }
  | { kind: 'generate'; generator: 'extraction'; n: number; seed: number }
  /** A dataset in the Datasets view's store (by id); embedded on export. */
  | { kind: 'stored'; datasetId: string }
  /** Records carried in the notebook file itself (`notebook.datasets[ref]`). */
  | { kind: 'embedded'; ref: string }
  /** A file on the web in the lab's JSONL/JSON format or BFCL's (online only). */
  | { kind: 'url'; url: string; format: 'lab' | 'bfcl'; answersUrl?: string };

/** How a dataset cell splits its records. `recipe`: the split the recipe or file carries. */
export type DatasetSplit =
  | { method: 'recipe' }
  | { method: 'seed' }
  | { method: 'random'; seed: number; ratios: SplitRatios }
  | { method: 'by-tool'; seed: number; ratios: SplitRatios; heldOutTools: string[] };

export interface DatasetCell extends CellBase {
  type: 'dataset';
  source: DatasetSource;
  split: DatasetSplit;
  /** The prompt format downstream cells use unless they set their own. */
  format: FormatName;
}

export type ModelSource =
  | { kind: 'default' }
  | { kind: 'hub'; id: string }
  /** A folder URL (absolute or relative to the page) or, in `lab run`, a folder path. */
  | { kind: 'url'; url: string }
  /** Files the user drops; they never travel with the notebook. */
  | { kind: 'files'; note?: string };

export interface ModelCell extends CellBase {
  type: 'model';
  source: ModelSource;
  backend: 'auto' | 'cpu' | 'wasm' | 'webgpu';
}

/** Decoding settings shared by playground, evaluate and stress. Greedy when temperature is 0. */
export interface Decoding {
  maxNewTokens: number;
  temperature: number;
  seed: number;
  /** JSON-Schema-guided decoding (src/eval constrained decoding). */
  constrained: boolean;
}

export interface PlaygroundCell extends CellBase {
  type: 'playground';
  model: string;
  /** An adapter: the id of a train cell, or null for the base model. */
  adapter: string | null;
  prompt: string;
  decoding: Decoding;
  /**
   * A catalogue tool (src/data/generators/catalogue) whose call `{"name", "arguments"}` the answer
   * must follow under constrained decoding; absent or null: no schema, so no constrained decoding.
   */
  tool?: string | null;
}

export interface LoraSettings {
  r: number;
  alpha: number;
  dropout: number;
  targets: string[];
}

export interface TrainCell extends CellBase {
  type: 'train';
  model: string;
  dataset: string;
  /** Prompt format; null = the dataset cell's. */
  format: FormatName | null;
  mode: 'lora' | 'full';
  lora: LoraSettings;
  learningRate: number;
  epochs: number;
  /** Stop after this many optimiser steps (null = run the epochs). */
  maxSteps: number | null;
  batchSize: number;
  gradAccum: number;
  maxLength: number;
  warmupSteps: number;
  schedule: 'cosine' | 'constant';
  weightDecay: number;
  clipNorm: number | null;
  completionOnly: boolean;
  evalEvery: number;
  seed: number;
}

export interface EvaluateCell extends CellBase {
  type: 'evaluate';
  model: string;
  dataset: string;
  adapter: string | null;
  split: 'train' | 'validation' | 'test';
  format: FormatName | null;
  decoding: Decoding;
  /** Evaluate at most this many examples, spread evenly over the split (null = all); the smoke profile caps it too. */
  limit: number | null;
}

export interface StressCell extends CellBase {
  type: 'stress';
  /** The evaluate cell whose model, adapter, split, format and decoding are stressed. */
  evaluate: string;
  transforms: StressName[];
  seed: number;
}

export interface CompareCell extends CellBase {
  type: 'compare';
  /** Evaluate cells of this notebook; the first is the baseline. */
  runs: string[];
  /** Result files loaded by the user (exported notebooks with results, or `lab run` outputs). */
  files: { name: string; verdicts: Verdict[] }[];
  pass: 'exactMatch' | 'schemaOk' | 'validJson';
}

export type Cell = MarkdownCell | DatasetCell | ModelCell | PlaygroundCell | TrainCell | EvaluateCell | StressCell | CompareCell;

/** Records carried in a notebook file. */
export interface EmbeddedDataset {
  info: Pick<DatasetInfo, 'name' | 'description' | 'kind' | 'provenance' | 'license'>;
  records: LabRecord[];
  split?: SplitAssignment;
}

/** A LoRA adapter carried in a notebook file (PEFT files, base64). */
export interface EmbeddedAdapter {
  config: { [k: string]: Json };
  safetensorsBase64: string;
}

/** The notebook document. */
export interface Notebook {
  kind: 'lab-notebook';
  schemaVersion: number;
  id: string;
  title: string;
  description: string;
  /** The lab version the notebook was made with; a different running version is shown. */
  appVersion: string;
  /** The default model (id@version) the notebook was made for; a mismatch is shown. */
  defaultModel?: string;
  /** True when every cell runs with no network (default model, generated data). */
  offline: boolean;
  author?: string;
  created: string;
  modified: string;
  cells: Cell[];
  datasets?: { [ref: string]: EmbeddedDataset };
  /** Present only in exports made with results. */
  results?: { [cellId: string]: CellResult };
  adapters?: { [trainCellId: string]: EmbeddedAdapter };
}

// ---- results ----------------------------------------------------------------------------------

export type CellStatus = 'idle' | 'running' | 'done' | 'failed' | 'stale';

/** One expectation checked against a result. */
export interface CheckResult {
  metric: string;
  min?: number;
  max?: number;
  value: number | null;
  pass: boolean;
  note?: string;
}

export interface DatasetOutput {
  type: 'dataset';
  recordKind: LabRecord['kind'];
  records: number;
  counts: { train: number; validation: number; test: number };
  tools: number;
  format: FormatName;
  /** Hash of the records and split, so downstream cells see a changed dataset. */
  fingerprint: string;
  /** The first examples as the model sees them. */
  preview: { id: string; prompt: string; completion: string }[];
  provenance: string;
}

/** One token of a previewed example, as the trainer sees it. */
export interface PreviewToken {
  id: number;
  /** The token decoded alone (special tokens kept). */
  text: string;
  part: 'prompt' | 'completion' | 'eos';
  /** Whether this token is a loss target (the trainer's mask: completion-only or every next token). */
  loss: boolean;
}

/** Token lengths of one split, as the trainer tokenizes them. */
export interface SplitTokenStats {
  split: 'train' | 'validation' | 'test';
  records: number;
  /** How many were tokenized (at most FORMAT_PREVIEW_LIMIT of each split). */
  measured: number;
  meanTokens: number;
  maxTokens: number;
  /** Longer than the max length: training leaves them out (train, validation). */
  overMaxLength: number;
  /** Longer than the model's context. */
  overContext: number;
  /** The longest few, longest first. */
  longest: { id: string; tokens: number }[];
}

/**
 * A dataset cell's records formatted and tokenized with a model cell's tokenizer, exactly as the
 * training service does it (src/engine/train/data.ts): prompt with special tokens, completion,
 * EOS; loss targets as makeBatch counts them. Made on demand (LabApi.previewFormat), not stored.
 */
export interface FormatPreview {
  datasetCellId: string;
  modelCellId: string;
  /** The model whose tokenizer was used. */
  model: string;
  /** The train cell whose format, max length and loss mask the preview follows; null when no train cell uses this dataset. */
  trainCellId: string | null;
  format: FormatName;
  maxLength: number;
  contextTokens: number;
  completionOnly: boolean;
  splits: SplitTokenStats[];
  examples: { id: string; split: 'train' | 'validation' | 'test'; promptTokens: number; completionTokens: number; total: number; lossTokens: number; tokens: PreviewToken[] }[];
}

export interface ModelOutput {
  type: 'model';
  source: string;
  arch: string;
  parameters: number;
  backend: string;
  backendReason: string;
  memoryBytes: number;
  contextTokens: number;
}

export interface PlaygroundOutput {
  type: 'playground';
  text: string;
  finishReason: string;
  tokensPerSecond: number;
}

export interface TrainOutput {
  type: 'train';
  steps: number;
  /** [step, loss] pairs, in order. */
  loss: [number, number][];
  validationLoss: [number, number][];
  dropped: number;
  trainedTools: string[];
  /** The training run behind it (the Runs view / the runs store), when a run store keeps one. */
  runId?: string;
  /** Where it trained, and why there. */
  backend?: string;
  /** Learning rate per step, tokens seen and trainable parameters, when the service reports them. */
  learningRates?: number[];
  tokens?: number;
  trainableParams?: number;
  /** How the run ended ("done after 20 steps", "cancelled at step 7"…). */
  message?: string;
}

/** One evaluation: aggregates plus the per-example verdicts and outputs. */
export interface EvalSummary {
  n: number;
  metrics: Record<string, MetricSummary>;
  warnings: string[];
  verdicts: Verdict[];
  outputs: { id: string; output: string }[];
}

export interface EvaluateOutput extends EvalSummary {
  type: 'evaluate';
  model: string;
  adapter: string | null;
  split: string;
  format: FormatName;
  /** Examples in the split before any limit. */
  available: number;
}

export interface StressOutput {
  type: 'stress';
  baseline: EvalSummary;
  rows: { transform: StressName; applied: number; notApplicable: number; reasons: { [reason: string]: number }; summary: EvalSummary | null }[];
}

export interface CompareOutput {
  type: 'compare';
  baseline: string;
  runs: { name: string; paired: number; differences: { metric: string; baseline: number | null; run: number | null; diff: number | null; lo: number | null; hi: number | null; excludesZero: boolean }[]; failToPass: number; passToFail: number }[];
}

export interface MarkdownOutput {
  type: 'markdown';
  words: number;
}

export type CellOutput = MarkdownOutput | DatasetOutput | ModelOutput | PlaygroundOutput | TrainOutput | EvaluateOutput | StressOutput | CompareOutput;

/** The stored outcome of running one cell. */
export interface CellResult {
  cellId: string;
  status: 'done' | 'failed';
  /** Hash of the cell's configuration when it ran. */
  configHash: string;
  /** Hash of its inputs' results (their fingerprints) when it ran. */
  inputsHash: string;
  profile: Profile;
  appVersion: string;
  startedAt: string;
  finishedAt: string;
  output: CellOutput | null;
  error: { name: string; message: string } | null;
  checks: CheckResult[];
}
