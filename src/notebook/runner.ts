// The cell runner: runs a notebook's cells one at a time, in order, through `LabServices`, so the
// same code runs in the lab worker (browser) and in Node (`lab run`). A cell's inputs run first
// when they have no up-to-date result; every result is stored (when a store is given) with the
// hashes that make stale tracking work (./graph.ts) and the instructor checks (./expect.ts).
//
// Both sides use the same services (./services_session.ts: an engine session + the runs Trainer).
// A service a runner lacks (e.g. a default model that is not configured) fails the cell with
// NotAvailableError ("not available yet: …"), never with a made-up result.
import type { Progress } from '../api/lab-api';
import { formatRecord, type ChatTokenizer, type FormatName } from '../data/formats';
import { CATALOGUE } from '../data/generators/catalogue';
import { toolSpec } from '../data/generators/toolcalls';
import type { LabRecord, ToolCallRecord } from '../data/types';
import { compareRuns } from '../eval/compare';
import { toolCallSchema, type Separators } from '../eval/constrained';
import { formatSeparators, outputSchema } from '../eval/run';
import type { JsonSchema } from '../data/types';
import { scorePredictions, type Prediction } from '../eval/scoring';
import { applyStress, trainedToolNames } from '../eval/stress';
import type { EvalStore } from '../eval/store';
import { cellEvalReports } from './eval_reports';
import { materialiseDataset, NotAvailableError, splitRecords, type DatasetServices, type LiveDataset } from './datasets';
import { checkCell } from './expect';
import { cellInputs, cellStatuses, configHash, inputsHash } from './graph';
import { hashJson } from './hash';
import { countWords } from './markdown';
import type { NotebookStore } from './store';
import {
  SMOKE_LIMITS,
  type Cell,
  type CellOutput,
  type CellResult,
  type DatasetCell,
  type Decoding,
  type EvalSummary,
  type EvaluateCell,
  type EvaluateOutput,
  type FormatPreview,
  type SplitTokenStats,
  type ModelCell,
  type ModelOutput,
  type ModelSource,
  type Notebook,
  type PlaygroundCell,
  type Profile,
  type StressOutput,
  type TrainCell,
  type TrainOutput,
} from './types';
import { APP_VERSION } from './version';
import { tokenizeExamples } from '../engine/train/data';

export { NotAvailableError };

/** A model the services loaded; `ref` names it in later calls. */
export interface LoadedModelInfo extends Omit<ModelOutput, 'type'> {
  ref: string;
}

/** One generated continuation. */
export interface GeneratedRow {
  text: string;
  finishReason: 'eos' | 'stop' | 'length';
}

/** Model services: load and generate (the worker's LabApi, or the engine in Node). */
export interface ModelServices {
  /** `cellId`: the model cell asking (files a user chose are kept per cell, see LabApi.setModelFiles). */
  load(source: ModelSource, backend: ModelCell['backend'], opts: { signal?: AbortSignal; onProgress?: (p: Progress) => void; cellId?: string }): Promise<LoadedModelInfo>;
  /**
   * Continue each prompt; `adapter` is a train cell's adapter ref or null for the base model.
   * With `constrained`, row i follows JSON Schema `schemas[i]` (null: that row is free), its JSON
   * laid out with `separators` (absent: constrained decoding is not available).
   */
  generate(
    model: string,
    prompts: string[],
    decoding: Decoding,
    opts: { adapter: string | null; signal?: AbortSignal; constrained?: { schemas: (JsonSchema | null)[]; separators: Separators } },
  ): Promise<GeneratedRow[]>;
  /** Whether this service can decode under a JSON Schema. */
  readonly constrained?: boolean;
  /** The model's tokenizer for the chat prompt format (absent: the chat format is not available). */
  chatTokenizer?(model: string): Promise<ChatTokenizer>;
  /** The model's tokenizer as training uses it (absent: no format preview). */
  trainTokenizer?(model: string): Promise<TrainTokenizer>;
}

/** A model's tokenizer as the trainer uses it (src/engine/train/data.ts's Encode plus what a preview shows). */
export interface TrainTokenizer {
  /** `special`: add the tokenizer's special tokens (BOS…), as for a prompt. */
  encode(text: string, special: boolean): number[];
  /** Each token's text in context (leading spaces kept, special tokens shown): joined, they read as the decoded ids. */
  pieces(ids: readonly number[]): string[];
  /** The EOS id every training example ends with. */
  eosId: number;
  /** The model's context (max positions). */
  contextTokens: number;
}

/** A format preview tokenizes at most this many records of each split. */
export const FORMAT_PREVIEW_LIMIT = 2000;

/** What a training service is asked to do. */
export interface TrainRequest {
  model: string;
  cell: TrainCell;
  /** Formatted examples of the train and validation splits. */
  train: { id: string; prompt: string; completion: string }[];
  validation: { id: string; prompt: string; completion: string }[];
  /** The records behind them, and their format (a service may hand these to its trainer instead). */
  records: { train: LabRecord[]; validation: LabRecord[]; format: FormatName };
  /** Optimiser steps at most (the smoke profile's cap, or the cell's maxSteps). */
  maxSteps: number | null;
  /** Steps between validation losses (the smoke profile makes it small enough to show a curve). */
  evalEvery: number;
  /**
   * A stable id of this training: the same notebook, cell, configuration, inputs and step cap
   * give the same key, so a service can continue an interrupted run (after a reload) or reuse a
   * finished one instead of training again.
   */
  runKey: string;
}

/** What a training service returns: an adapter ref usable in `generate`, and the loss history. */
export type TrainReply = { adapter: string } & Omit<TrainOutput, 'type' | 'trainedTools'> & {
  /** Tools the adapter was trained to call (its run record's trainedOn.tools); default: the tools the train split calls. */
  trainedTools?: string[];
};

/** Training service. */
export interface TrainServices {
  train(req: TrainRequest, opts: { signal?: AbortSignal; onProgress?: (p: Progress) => void }): Promise<TrainReply>;
}

/** Everything a cell may need from outside the runner. */
export interface LabServices extends DatasetServices {
  models?: ModelServices;
  train?: TrainServices;
  /** Where finished evaluate and stress cells also save their reports (src/eval/store.ts), if anywhere. */
  evalStore?: EvalStore;
}

/** Options of a run. */
export interface RunOptions {
  profile: Profile;
  signal?: AbortSignal;
  /** Progress of the running cell (load / train / eval), tagged with its id. */
  onProgress?: (cellId: string, p: Progress) => void;
  /** Called when a cell starts and when its result is in. */
  onCell?: (cellId: string, result: CellResult | null) => void;
}

/** A cell could not run because one of its inputs failed. */
export class InputFailedError extends Error {
  override name = 'InputFailedError';
}

const GEN_BATCH = 8;

type Live = { dataset: LiveDataset } | { model: LoadedModelInfo } | { adapter: string; trainedTools: string[] };

/** Runs the cells of one notebook, keeping datasets, models and adapters alive between cells. */
export class NotebookRunner {
  results: { [cellId: string]: CellResult };
  private readonly live = new Map<string, { key: string; value: Live }>();

  constructor(
    public nb: Notebook,
    private readonly services: LabServices,
    results: { [cellId: string]: CellResult } = {},
    private readonly store?: NotebookStore,
  ) {
    this.results = { ...results };
  }

  private cell(id: string): Cell {
    const c = this.nb.cells.find((x) => x.id === id);
    if (!c) throw new Error(`no cell "${id}" in notebook ${this.nb.id}`);
    return c;
  }

  private liveKey(cell: Cell): string {
    return `${configHash(cell)}:${inputsHash(cell, this.results)}`;
  }

  /** Run one cell, running first every input without an up-to-date result. */
  async run(cellId: string, opts: RunOptions, attempted: Set<string> = new Set()): Promise<CellResult> {
    const cell = this.cell(cellId);
    attempted.add(cellId);
    for (const id of cellInputs(cell)) {
      if (cellStatuses(this.nb, this.results)[id] !== 'done') {
        // An input that already failed in this pass is not tried again.
        const r = attempted.has(id) && this.results[id]?.status === 'failed' ? this.results[id] : await this.run(id, opts, attempted);
        if (r.status === 'failed') return this.record(cell, opts, new Date(), null, new InputFailedError(`input cell "${id}" failed: ${r.error?.message}`));
      }
    }
    return this.execute(cell, opts);
  }

  /** Run every cell in order; a cell whose input failed fails too, the others still run. */
  async runAll(opts: RunOptions): Promise<{ [cellId: string]: CellResult }> {
    const attempted = new Set<string>();
    for (const cell of this.nb.cells) {
      opts.signal?.throwIfAborted();
      if (attempted.has(cell.id) || cellStatuses(this.nb, this.results)[cell.id] === 'done') continue;
      await this.run(cell.id, opts, attempted);
    }
    return this.results;
  }

  private async execute(cell: Cell, opts: RunOptions): Promise<CellResult> {
    const started = new Date();
    opts.onCell?.(cell.id, null);
    try {
      const output = await this.output(cell, opts);
      await this.saveEvalReports(cell, output, started);
      return await this.record(cell, opts, started, output, null);
    } catch (e) {
      return this.record(cell, opts, started, null, e as Error);
    }
  }

  /** Save an evaluate or stress cell's reports to the evaluation store; a failure becomes a warning on the result. */
  private async saveEvalReports(cell: Cell, output: CellOutput, started: Date): Promise<void> {
    const store = this.services.evalStore;
    if (!store || (output.type !== 'evaluate' && output.type !== 'stress')) return;
    try {
      for (const r of cellEvalReports(this.nb, cell, output, this.results, started.toISOString())) await store.put(r);
    } catch (e) {
      const s = output.type === 'evaluate' ? output : output.baseline;
      s.warnings = [...s.warnings, `the evaluation report was not saved: ${(e as Error).message}`];
    }
  }

  private async record(cell: Cell, opts: RunOptions, started: Date, output: CellOutput | null, error: Error | null): Promise<CellResult> {
    const result: CellResult = {
      cellId: cell.id,
      status: error ? 'failed' : 'done',
      configHash: configHash(cell),
      inputsHash: inputsHash(cell, this.results),
      profile: opts.profile,
      appVersion: APP_VERSION,
      startedAt: started.toISOString(),
      finishedAt: new Date().toISOString(),
      output,
      error: error ? { name: error.name || 'Error', message: error.message } : null,
      checks: output ? checkCell(cell, output, opts.profile) : [],
    };
    this.results[cell.id] = result;
    await this.store?.putResult(this.nb.id, result);
    opts.onCell?.(cell.id, result);
    return result;
  }

  /** The live value of an input cell: re-made (datasets, models) or re-run (training) when missing. */
  private async need(id: string, opts: RunOptions): Promise<Live> {
    const cell = this.cell(id);
    const have = this.live.get(id);
    if (have && have.key === this.liveKey(cell)) return have.value;
    if (cell.type === 'train') {
      const r = await this.execute(cell, opts);
      if (r.status === 'failed') throw new InputFailedError(`input cell "${id}" failed: ${r.error?.message}`);
      return this.live.get(id)!.value;
    }
    if (cell.type === 'dataset') return this.keep(cell, { dataset: await materialiseDataset(cell, this.nb, this.services, opts.signal) });
    if (cell.type === 'model') return this.keep(cell, { model: await this.loadModel(cell, opts) });
    throw new Error(`cell "${id}" (${cell.type}) is not an input that holds data`);
  }

  private keep(cell: Cell, value: Live): Live {
    this.live.set(cell.id, { key: this.liveKey(cell), value });
    return value;
  }

  private async dataset(id: string, opts: RunOptions): Promise<{ cell: DatasetCell; data: LiveDataset }> {
    const v = await this.need(id, opts);
    if (!('dataset' in v)) throw new Error(`cell "${id}" is not a dataset cell`);
    return { cell: this.cell(id) as DatasetCell, data: v.dataset };
  }

  private async model(id: string, opts: RunOptions): Promise<LoadedModelInfo> {
    const v = await this.need(id, opts);
    if (!('model' in v)) throw new Error(`cell "${id}" is not a model cell`);
    return v.model;
  }

  private async adapter(id: string | null, opts: RunOptions): Promise<{ adapter: string; trainedTools: string[] } | null> {
    if (!id) return null;
    const v = await this.need(id, opts);
    if (!('adapter' in v)) throw new Error(`cell "${id}" is not a train cell`);
    return v;
  }

  private async loadModel(cell: ModelCell, opts: RunOptions): Promise<LoadedModelInfo> {
    if (!this.services.models) throw new NotAvailableError('model loading (this runner has no model service)');
    return this.services.models.load(cell.source, cell.backend, { signal: opts.signal, onProgress: (p) => opts.onProgress?.(cell.id, p), cellId: cell.id });
  }

  private async output(cell: Cell, opts: RunOptions): Promise<CellOutput> {
    switch (cell.type) {
      case 'markdown':
        return { type: 'markdown', words: countWords(cell.source) };
      case 'dataset': {
        const data = await materialiseDataset(cell, this.nb, this.services, opts.signal);
        this.live.delete(cell.id);
        return datasetOutput(cell, data);
      }
      case 'model': {
        const m = await this.loadModel(cell, opts);
        const { ref: _ref, ...info } = m;
        // Key the live model by the result this call is about to record.
        this.live.set(cell.id, { key: `${configHash(cell)}:${inputsHash(cell, this.results)}`, value: { model: m } });
        return { type: 'model', ...info };
      }
      case 'playground': {
        const m = await this.model(cell.model, opts);
        const a = await this.adapter(cell.adapter, opts);
        if (!this.services.models) throw new NotAvailableError('generation (no model service)');
        const constrained = cell.decoding.constrained ? { schemas: [playgroundSchema(cell)], separators: formatSeparators('compact') } : undefined;
        if (constrained && !this.services.models.constrained) throw new NotAvailableError('constrained decoding in this runner (its model service has no constrained decoding)');
        const t0 = performance.now();
        const [row] = await this.services.models.generate(m.ref, [cell.prompt], cell.decoding, { adapter: a?.adapter ?? null, signal: opts.signal, constrained });
        const words = row!.text.split(/\s+/).filter(Boolean).length;
        return { type: 'playground', text: row!.text, finishReason: row!.finishReason, tokensPerSecond: words / ((performance.now() - t0) / 1000) };
      }
      case 'train':
        return this.trainCell(cell, opts);
      case 'evaluate':
        return this.evaluateCell(cell, opts);
      case 'stress':
        return this.stressCell(cell.evaluate, cell.transforms, cell.seed, opts);
      case 'compare': {
        const runs = cell.runs.map((id) => {
          const out = this.results[id]?.output;
          if (out?.type !== 'evaluate') throw new Error(`compare: cell "${id}" has no evaluation result`);
          return { name: id, verdicts: out.verdicts };
        });
        const all = [...runs, ...cell.files];
        const cmp = compareRuns(all, { pass: cell.pass });
        return {
          type: 'compare',
          baseline: cmp.baseline,
          runs: cmp.comparisons.map((r) => ({
            name: r.name,
            paired: r.paired,
            differences: r.differences.map((d) => ({ metric: d.metric, baseline: d.baseline, run: d.run, diff: d.diff, lo: d.lo, hi: d.hi, excludesZero: d.excludesZero })),
            failToPass: r.counts.failToPass,
            passToFail: r.counts.passToFail,
          })),
        };
      }
    }
  }

  /**
   * A dataset cell's records formatted and tokenized with a model cell's tokenizer, as the
   * training service will see them: the first train cell on this dataset gives the model, format,
   * max length and loss mask (else an evaluate cell on it gives model and format, else the first
   * model cell; the mask is then completion-only and the max length the model's context). The
   * dataset and model are made live like any input (not recorded as results).
   */
  async formatPreview(datasetCellId: string, opts: RunOptions, exampleCount = 3): Promise<FormatPreview> {
    const dcell = this.cell(datasetCellId);
    if (dcell.type !== 'dataset') throw new Error(`cell "${datasetCellId}" is a ${dcell.type} cell, not a dataset cell`);
    const train = this.nb.cells.find((c): c is TrainCell => c.type === 'train' && c.dataset === datasetCellId);
    const ev = this.nb.cells.find((c): c is EvaluateCell => c.type === 'evaluate' && c.dataset === datasetCellId);
    const modelCellId = train?.model ?? ev?.model ?? this.nb.cells.find((c) => c.type === 'model')?.id;
    if (!modelCellId) throw new NotAvailableError('token counts: this notebook has no model cell (add one; the preview uses its tokenizer)');
    const tokenizerOf = this.services.models?.trainTokenizer;
    if (!tokenizerOf) throw new NotAvailableError('token counts in this runner (its model service has no tokenizer)');
    const { data } = await this.dataset(datasetCellId, opts);
    const m = await this.model(modelCellId, opts);
    const tok = await tokenizerOf.call(this.services.models, m.ref);
    const format = train?.format ?? ev?.format ?? dcell.format;
    const maxLength = train?.maxLength ?? tok.contextTokens;
    const completionOnly = train?.completionOnly ?? true;
    const splits: SplitTokenStats[] = [];
    const examples: FormatPreview['examples'] = [];
    for (const split of ['train', 'validation', 'test'] as const) {
      opts.signal?.throwIfAborted();
      const records = splitRecords(data, split);
      const texts = await this.prompts(records.slice(0, FORMAT_PREVIEW_LIMIT), format, m);
      // The trainer's own tokenization, with no length cut: lengths are compared below.
      const { examples: tokenized } = tokenizeExamples(texts, (t, special) => tok.encode(t, special), tok.eosId, Infinity);
      const lengths = tokenized.map((x) => x.ids.length);
      const longest = tokenized
        .map((x) => ({ id: texts[x.index]!.id, tokens: x.ids.length }))
        .sort((a, b) => b.tokens - a.tokens)
        .slice(0, 3);
      splits.push({
        split,
        records: records.length,
        measured: lengths.length,
        meanTokens: lengths.length ? lengths.reduce((a, b) => a + b, 0) / lengths.length : 0,
        maxTokens: lengths.length ? Math.max(...lengths) : 0,
        overMaxLength: lengths.filter((n) => n > maxLength).length,
        overContext: lengths.filter((n) => n > tok.contextTokens).length,
        longest,
      });
      for (const x of tokenized) {
        if (examples.length >= exampleCount || (split !== 'train' && examples.length > 0)) break;
        // makeBatch's targets: token i is predicted (counts in the loss) when i ≥ first.
        const first = completionOnly ? Math.max(1, x.promptLength) : 1;
        const pieces = tok.pieces(x.ids);
        const tokens = x.ids.map((id, i) => ({
          id,
          text: pieces[i]!,
          part: i < x.promptLength ? ('prompt' as const) : i === x.ids.length - 1 ? ('eos' as const) : ('completion' as const),
          loss: i >= first,
        }));
        examples.push({
          id: texts[x.index]!.id,
          split,
          promptTokens: x.promptLength,
          completionTokens: x.ids.length - x.promptLength - 1,
          total: x.ids.length,
          lossTokens: tokens.filter((t) => t.loss).length,
          tokens,
        });
      }
    }
    return { datasetCellId, modelCellId, model: m.source, trainCellId: train?.id ?? null, format, maxLength, contextTokens: tok.contextTokens, completionOnly, splits, examples };
  }

  private async prompts(records: LabRecord[], format: FormatName, model: LoadedModelInfo): Promise<{ id: string; prompt: string; completion: string }[]> {
    let tok: ChatTokenizer | undefined;
    if (format === 'chat') {
      if (!this.services.models?.chatTokenizer) throw new NotAvailableError('the chat prompt format in this runner (it needs the model tokenizer; use text, jsontuning or compact)');
      tok = await this.services.models.chatTokenizer(model.ref);
    }
    return records.map((r) => ({ id: r.id, ...formatRecord(r, format, tok) }));
  }

  private async trainCell(cell: TrainCell, opts: RunOptions): Promise<TrainOutput> {
    const m = await this.model(cell.model, opts);
    const { cell: dcell, data } = await this.dataset(cell.dataset, opts);
    if (!this.services.train) throw new NotAvailableError('training in notebooks (no training service: the lab worker has no train method yet, and `lab run` has no Node training service yet)');
    const format = cell.format ?? dcell.format;
    const trainRecs = splitRecords(data, 'train');
    const validationRecs = splitRecords(data, 'validation');
    const { maxSteps, evalEvery, runKey } = trainPlan(this.nb, cell, this.results, opts.profile);
    const r = await this.services.train.train(
      {
        model: m.ref,
        cell,
        train: await this.prompts(trainRecs, format, m),
        validation: await this.prompts(validationRecs, format, m),
        records: { train: trainRecs, validation: validationRecs, format },
        maxSteps,
        evalEvery,
        runKey,
      },
      { signal: opts.signal, onProgress: (p) => opts.onProgress?.(cell.id, p) },
    );
    const trainedTools = r.trainedTools ?? [...trainedToolNames(trainRecs.filter((x): x is ToolCallRecord => x.kind === 'tool-call'))].sort();
    this.live.set(cell.id, { key: this.liveKey(cell), value: { adapter: r.adapter, trainedTools } });
    const { adapter: _a, trainedTools: _t, ...rest } = r;
    return { type: 'train', ...rest, trainedTools };
  }

  /** Generate for `records` and score them. */
  private async score(cellId: string, records: LabRecord[], format: FormatName, m: LoadedModelInfo, adapter: string | null, decoding: Decoding, opts: RunOptions): Promise<EvalSummary> {
    if (!this.services.models) throw new NotAvailableError('generation (no model service)');
    if (decoding.constrained && !this.services.models.constrained) throw new NotAvailableError('constrained decoding in this runner (its model service has no constrained decoding)');
    const items = await this.prompts(records, format, m);
    const schemas = records.map((r) => (r.kind === 'tool-call' || r.kind === 'json-output' ? outputSchema(r) : null));
    const outputs: GeneratedRow[] = [];
    const t0 = performance.now();
    for (let i = 0; i < items.length; i += GEN_BATCH) {
      opts.signal?.throwIfAborted();
      const batch = items.slice(i, i + GEN_BATCH);
      const constrained = decoding.constrained ? { schemas: schemas.slice(i, i + GEN_BATCH), separators: formatSeparators(format) } : undefined;
      outputs.push(...(await this.services.models.generate(m.ref, batch.map((b) => b.prompt), decoding, { adapter, signal: opts.signal, constrained })));
      const done = outputs.length;
      const rate = done / ((performance.now() - t0) / 1000);
      opts.onProgress?.(cellId, { status: 'eval', done, total: items.length, rate, etaSeconds: rate > 0 ? (items.length - done) / rate : null });
    }
    const predictions: Prediction[] = items.map((it, i) => ({ id: it.id, output: outputs[i]!.text, truncated: outputs[i]!.finishReason === 'length' }));
    const report = scorePredictions(records, predictions, { bootstrap: { resamples: 1000, seed: 11711 } });
    return { n: report.counts.scored, metrics: report.metrics, warnings: report.warnings, verdicts: report.verdicts, outputs: predictions.map((p) => ({ id: p.id, output: p.output })) };
  }

  private evalLimit(cell: EvaluateCell, profile: Profile): number {
    const limit = cell.limit ?? Infinity;
    return profile === 'smoke' ? Math.min(limit, SMOKE_LIMITS.evalExamples) : limit;
  }

  private async evaluateCell(cell: EvaluateCell, opts: RunOptions): Promise<EvaluateOutput> {
    const m = await this.model(cell.model, opts);
    const { cell: dcell, data } = await this.dataset(cell.dataset, opts);
    const a = await this.adapter(cell.adapter, opts);
    const all = splitRecords(data, cell.split);
    if (all.length === 0) throw new Error(`the ${cell.split} split of "${dcell.id}" is empty`);
    const records = evenSpread(all, this.evalLimit(cell, opts.profile));
    const format = cell.format ?? dcell.format;
    const s = await this.score(cell.id, records, format, m, a?.adapter ?? null, cell.decoding, opts);
    return { type: 'evaluate', ...s, model: m.source, adapter: cell.adapter, split: cell.split, format, available: all.length };
  }

  private async stressCell(evalId: string, transforms: StressOutput['rows'][number]['transform'][], seed: number, opts: RunOptions): Promise<StressOutput> {
    const ev = this.cell(evalId) as EvaluateCell;
    const base = this.results[evalId]?.output;
    if (base?.type !== 'evaluate') throw new Error(`stress: the evaluate cell "${evalId}" has no result`);
    const m = await this.model(ev.model, opts);
    const { cell: dcell, data } = await this.dataset(ev.dataset, opts);
    const a = await this.adapter(ev.adapter, opts);
    const records = evenSpread(splitRecords(data, ev.split), this.evalLimit(ev, opts.profile));
    const toolRecords = records.filter((r): r is ToolCallRecord => r.kind === 'tool-call');
    const rows: StressOutput['rows'] = [];
    for (const t of transforms) {
      opts.signal?.throwIfAborted();
      try {
        const st = applyStress(t, toolRecords, { seed, trainedTools: a?.trainedTools, catalogue: CATALOGUE.map(toolSpec) });
        const summary = st.records.length ? await this.score(ev.id, st.records, ev.format ?? dcell.format, m, a?.adapter ?? null, ev.decoding, opts) : null;
        rows.push({ transform: t, applied: st.applied, notApplicable: st.notApplicable.count, reasons: st.notApplicable.byReason, summary });
      } catch (e) {
        if ((e as Error).name !== 'StressError') throw e;
        rows.push({ transform: t, applied: 0, notApplicable: toolRecords.length, reasons: { [(e as Error).message]: toolRecords.length }, summary: null });
      }
    }
    const { type: _t, model: _m, adapter: _a, split: _s, format: _f, available: _v, ...baseline } = base;
    return { type: 'stress', baseline, rows };
  }
}

/**
 * What a train cell's run will be under a profile: its step cap, validation interval and run id
 * (the same notebook, cell, configuration, inputs and profile caps give the same id).
 */
export function trainPlan(nb: Notebook, cell: TrainCell, results: { [cellId: string]: CellResult }, profile: Profile): { maxSteps: number | null; evalEvery: number; runKey: string } {
  const capped = profile === 'smoke' ? Math.min(cell.maxSteps ?? Infinity, SMOKE_LIMITS.trainSteps) : (cell.maxSteps ?? Infinity);
  const maxSteps = Number.isFinite(capped) ? capped : null;
  // Smoke runs are short: validate every few steps so the validation curve has points.
  const evalEvery = profile === 'smoke' && cell.evalEvery > 0 ? Math.min(cell.evalEvery, SMOKE_LIMITS.evalEvery) : cell.evalEvery;
  const runKey = `nb-${nb.id}-${cell.id}-${hashJson([configHash(cell), inputsHash(cell, results), maxSteps, evalEvery])}`;
  return { maxSteps, evalEvery, runKey };
}

function datasetOutput(cell: DatasetCell, d: LiveDataset): CellOutput {
  const tools = new Set<string>();
  for (const r of d.records) if (r.kind === 'tool-call') for (const t of r.tools) tools.add(t.name);
  const preview = d.records.slice(0, 2).map((r) => {
    if (cell.format === 'chat') return { id: r.id, prompt: '(the chat format is shown once a model is loaded)', completion: '' };
    const f = formatRecord(r, cell.format);
    return { id: r.id, prompt: f.prompt, completion: f.completion };
  });
  return {
    type: 'dataset',
    recordKind: d.records[0]?.kind ?? 'tool-call',
    records: d.records.length,
    counts: { train: d.split.train.length, validation: d.split.validation.length, test: d.split.test.length },
    tools: tools.size,
    format: cell.format,
    fingerprint: d.fingerprint,
    preview,
    provenance: d.provenance,
  };
}

/** The schema a constrained playground answer follows: one call of the cell's catalogue tool. */
export function playgroundSchema(cell: PlaygroundCell): JsonSchema {
  const def = cell.tool ? CATALOGUE.find((t) => t.name === cell.tool) : undefined;
  if (!def) throw new Error(cell.tool ? `playground: "${cell.tool}" is not a tool of the lab's catalogue` : 'playground: constrained decoding needs a tool to follow (pick one in the cell)');
  return toolCallSchema([toolSpec(def)], 'one');
}

/**
 * At most `n` records spread evenly over the split (records i·len/n), in split order: a limited
 * evaluation (the smoke profile's 16) sees the whole split's mix, e.g. toolcalls-101's held-out
 * tools, which its recipe places at the end of the test split.
 */
export function evenSpread<T>(records: readonly T[], n: number): T[] {
  if (!(n < records.length)) return [...records];
  return Array.from({ length: Math.max(0, Math.floor(n)) }, (_, i) => records[Math.floor((i * records.length) / n)]!);
}
