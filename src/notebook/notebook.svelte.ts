// The notebook view's state: the open notebook, its results, statuses, progress, and the
// actions of the toolbar (presets, import, export, share), of each cell (add, move, delete) and of
// the playground (streamed generation). One instance per view, handed down by context
// (setNotebook/useNotebook).
import * as Comlink from 'comlink';
import { getContext, setContext } from 'svelte';
import type { Progress, TokenStreamEvent } from '../api/lab-api';
import { deleteCell, insertCell, moveCell } from './cells';
import { checkCell } from './expect';
import { NotebookClient, type LabApiRemote, type NotebookClientOptions } from './client';
import { DataStore } from '../data/store';
import { readStoredDataset } from './stored';
import { missingModelFiles } from '../lib/models/files';
import { trainPlan } from './runner';
import { cellStatuses, configHash, inputsHash } from './graph';
import { NotebookImportError, parseNotebook } from './schema';
import { decodeSharePayload, encodeShareLink, exportNotebook, exportFileName, shareTarget } from './share';
import type { NotebookStore } from './store';
import type { Cell, CellResult, CellStatus, CellType, EmbeddedDataset, FormatPreview, Notebook, PlaygroundCell, Profile } from './types';
import { APP_VERSION } from './version';
import { DEFAULT_MODEL_ID } from './types';

/** A preset as listed in public/presets/index.json. */
export interface PresetEntry {
  file: string;
  id: string;
  title: string;
  description: string;
  offline: boolean;
}

/** The version of the default model this lab ships (public/models/lab-default). */
export const DEFAULT_MODEL_PIN: string | null = `${DEFAULT_MODEL_ID}@2`;

/** The preset a first visit opens (loaded, not run). */
export const START_PRESET = 'tool-calls-101';

/** localStorage key of the notebook open last: its id, or '' after the user closed it. */
export const LAST_OPEN_KEY = 'lab-notebook-last-open';

/** True for the app's address with no route: "", "#" or "#/". */
export const isStartRoute = (hash: string): boolean => /^#?\/?$/.test(hash);

function readLastOpen(): string | null {
  try {
    return globalThis.localStorage?.getItem(LAST_OPEN_KEY) ?? null;
  } catch {
    return null;
  }
}

function writeLastOpen(id: string): void {
  try {
    globalThis.localStorage?.setItem(LAST_OPEN_KEY, id);
  } catch {
    // Private modes may refuse storage; the notebook itself is in IndexedDB either way.
  }
}

/** A playground cell's output as it streams. */
export interface PlaygroundStream {
  text: string;
  tokens: number;
  phase: 'preparing' | 'streaming' | 'done' | 'stopped' | 'failed';
  /** Why it stopped or failed, or the finish reason and speed. */
  note: string;
  /** The most probable tokens at the latest step (what the model weighed before its pick). */
  top?: { text: string; p: number; chosen: boolean }[];
}

/** How many next-token probabilities the playground shows. */
export const PLAYGROUND_TOP_K = 5;

/** A dataset cell's format preview as the view shows it. */
export interface FormatPreviewState {
  phase: 'loading' | 'done' | 'failed';
  preview: FormatPreview | null;
  error: string | null;
}

let nextStream = 1;

export class NotebookState {
  nb = $state<Notebook | null>(null);
  results = $state.raw<{ [cellId: string]: CellResult }>({});
  running = $state<string | null>(null);
  /** Loss points per train cell, fed by progress events: [step, loss]. */
  curves = $state.raw<{ [cellId: string]: [number, number][] }>({});
  /** Validation-loss points per train cell: [step, loss]. */
  evalCurves = $state.raw<{ [cellId: string]: [number, number][] }>({});
  progress = $state.raw<{ [cellId: string]: Progress }>({});
  message = $state<{ kind: 'error' | 'info'; text: string } | null>(null);
  /** A refused or explained change to the cell list, shown at the cell it concerns. */
  cellNote = $state<{ cellId: string; kind: 'error' | 'info'; text: string } | null>(null);
  /** Streamed output of playground cells (this session only; the finished text is the cell's result). */
  streams = $state.raw<{ [cellId: string]: PlaygroundStream }>({});
  private streamJob: string | null = null;
  /** Model files chosen for model cells in this page (the worker holds the files; they never travel with the notebook). */
  modelFiles = $state.raw<{ [cellId: string]: { count: number; bytes: number } }>({});
  /** Format previews of dataset cells (this session only: they are re-made on demand, never stored). */
  previews = $state.raw<{ [cellId: string]: FormatPreviewState }>({});
  presets = $state.raw<PresetEntry[]>([]);
  profile = $state<Profile>('full');
  statuses = $derived.by((): Record<string, CellStatus> => {
    if (!this.nb) return {};
    const s = cellStatuses(this.nb, this.results);
    if (this.running) s[this.running] = 'running';
    return s;
  });
  /** Pins that differ from this lab, in words (shown above the cells). */
  mismatches = $derived.by((): string[] => {
    const nb = this.nb;
    if (!nb) return [];
    const out: string[] = [];
    if (nb.appVersion !== APP_VERSION) out.push(`Made with lab ${nb.appVersion}; this is lab ${APP_VERSION}. Results may differ.`);
    if (nb.defaultModel && nb.defaultModel !== DEFAULT_MODEL_PIN) {
      out.push(`Made for the default model ${nb.defaultModel}; this lab has ${DEFAULT_MODEL_PIN ?? `no default model yet (${DEFAULT_MODEL_ID})`}.`);
    }
    return out;
  });
  readonly client: NotebookClient;

  constructor(
    readonly store: NotebookStore,
    private readonly api: () => LabApiRemote | null,
    private readonly presetBase = `${import.meta.env.BASE_URL}presets/`,
    clientOptions: NotebookClientOptions = {},
  ) {
    this.client = new NotebookClient(store, api, clientOptions);
  }

  /** Read the preset list. */
  async loadPresets(): Promise<void> {
    const res = await fetch(`${this.presetBase}index.json`);
    if (!res.ok) throw new Error(`presets: HTTP ${res.status}`);
    this.presets = ((await res.json()) as { presets: PresetEntry[] }).presets;
  }

  /** Open a notebook (stored copy and results if it was opened before, else saved now). */
  async open(nb: Notebook, results: { [id: string]: CellResult } = {}): Promise<void> {
    const stored = await this.store.get(nb.id);
    if (stored && !Object.keys(results).length) {
      // Results first, so the cells never show as idle for a moment.
      const storedResults = await this.store.results(nb.id);
      this.nb = stored;
      this.results = storedResults;
    } else {
      await this.store.putWithResults(nb, Object.values(results));
      this.nb = nb;
      this.results = results;
    }
    this.message = null;
    this.cellNote = null;
    writeLastOpen(nb.id);
  }

  /** The notebook open last (by id), if the store still has it. */
  async lastOpen(): Promise<Notebook | null> {
    const id = readLastOpen();
    return (id && (await this.store.get(id))) || null;
  }

  /**
   * What the view opens at start: a notebook shared in the hash; with no route ("", "#/"), the
   * notebook open last or, when none was ever open, the Tool calls 101 preset (loaded, not run).
   * A user who closed their notebook gets the preset list. Other routes open nothing.
   */
  async openOnStart(hash: string): Promise<void> {
    if (shareTarget(hash)) return this.openFromHash(hash);
    if (!isStartRoute(hash)) return;
    const last = await this.lastOpen();
    if (last) return this.open(last);
    if (readLastOpen() === '') return;
    const preset = this.presets.find((p) => p.id === START_PRESET);
    if (preset) await this.openPreset(preset);
  }

  async openPreset(p: PresetEntry): Promise<void> {
    const res = await fetch(`${this.presetBase}${p.file}`);
    await this.open(parseNotebook(await res.text()));
  }

  /** Import a notebook file; a bad or newer file is refused with its reason and nothing is stored. */
  async importText(text: string): Promise<boolean> {
    try {
      const nb = parseNotebook(text);
      if (await this.store.get(nb.id)) nb.id = `${nb.id.slice(0, 60)}-${Date.now().toString(36)}`;
      const { results = {} } = nb;
      delete nb.results;
      await this.open(nb, results);
      this.message = { kind: 'info', text: `Imported "${nb.title}". Nothing runs until you press a run button.` };
      return true;
    } catch (e) {
      const err = e as Error;
      const detail = err instanceof NotebookImportError ? err.problems.slice(0, 5).join('; ') : err.message;
      this.message = { kind: 'error', text: `This file was not imported: ${detail.replace(/\.$/, '')}. Nothing was changed.` };
      return false;
    }
  }

  /** Open what the URL hash shares, if anything. */
  async openFromHash(hash: string): Promise<void> {
    const t = shareTarget(hash);
    if (!t) return;
    try {
      const nb = t.kind === 'inline' ? await decodeSharePayload(t.payload) : parseNotebook(await (await fetch(t.url)).text());
      await this.open(nb);
      this.message = { kind: 'info', text: `Opened the shared notebook "${nb.title}". Nothing runs until you press a run button.` };
    } catch (e) {
      this.message = { kind: 'error', text: `The shared notebook could not be opened: ${(e as Error).message}` };
    }
  }

  async exportText(withResults: boolean): Promise<{ name: string; text: string }> {
    const nb = this.nb!;
    // Datasets from the Datasets view travel inside the file (the reader has no such store).
    let store: DataStore | null = null;
    const loadStored = async (id: string) => readStoredDataset((store ??= await DataStore.open()), id);
    try {
      return { name: exportFileName(nb), text: await exportNotebook($state.snapshot(nb) as Notebook, { ...(withResults ? { results: this.results } : {}), loadStored }) };
    } finally {
      (store as DataStore | null)?.close();
    }
  }

  shareLink(base: string): Promise<string> {
    return encodeShareLink($state.snapshot(this.nb!) as Notebook, base);
  }

  /** Save an edited notebook. */
  async save(): Promise<void> {
    if (!this.nb) return;
    this.nb.modified = new Date().toISOString();
    await this.store.put($state.snapshot(this.nb) as Notebook);
  }

  update(cell: Cell): void {
    if (!this.nb) return;
    const i = this.nb.cells.findIndex((c) => c.id === cell.id);
    if (i >= 0) this.nb.cells[i] = cell;
    void this.save();
  }

  /**
   * Carry records in the notebook itself (an imported file): they are stored under a new ref in
   * `datasets` and the dataset cell reads them (source `embedded`). Each import gets its own ref,
   * so the cell and everything downstream show as stale; the records it replaces are dropped
   * unless another cell reads them. They travel with every export and share file.
   */
  embedDataset(cellId: string, dataset: EmbeddedDataset): void {
    const nb = this.nb;
    const cell = nb?.cells.find((c) => c.id === cellId);
    if (!nb || cell?.type !== 'dataset') return;
    const ref = `${cellId}-${Date.now().toString(36)}`;
    const datasets = { ...(nb.datasets ?? {}), [ref]: dataset };
    const old = cell.source.kind === 'embedded' ? cell.source.ref : null;
    if (old && !nb.cells.some((c) => c.id !== cellId && c.type === 'dataset' && c.source.kind === 'embedded' && c.source.ref === old)) delete datasets[old];
    nb.datasets = datasets;
    this.update({ ...cell, source: { kind: 'embedded', ref } });
  }

  /**
   * Load a model cell from files on this computer: the worker keeps them for this page, and the
   * cell's source becomes `files` with a note naming them (so a different choice makes the cell
   * and what depends on it stale). Refused, with the reason at the cell, when config.json or
   * the weights are missing.
   */
  async setModelFiles(cellId: string, files: File[]): Promise<void> {
    const nb = this.nb;
    const cell = nb?.cells.find((c) => c.id === cellId);
    if (!nb || cell?.type !== 'model' || files.length === 0) return;
    const names = files.map((f) => f.name);
    const missing = missingModelFiles(names);
    if (missing.length) {
      this.cellNote = { cellId, kind: 'error', text: `These files are not a model folder: ${missing.join(', ')} ${missing.length === 1 ? 'is' : 'are'} missing. Choose the folder with config.json, tokenizer.json and the .safetensors weights.` };
      return;
    }
    const api = this.api();
    if (!api) return void (this.cellNote = { cellId, kind: 'error', text: 'The lab worker has not started; see the message at the top.' });
    await api.setModelFiles(nb.id, cellId, files);
    const bytes = files.reduce((a, f) => a + f.size, 0);
    this.modelFiles = { ...this.modelFiles, [cellId]: { count: files.length, bytes } };
    const newest = Math.max(...files.map((f) => f.lastModified));
    const note = `${files.length} files, ${(bytes / 2 ** 20).toFixed(1)} MiB, modified ${new Date(newest).toISOString()}: ${[...names].sort().join(', ')}`;
    this.cellNote = null;
    this.update({ ...cell, source: { kind: 'files', note } });
  }

  /** Add a new cell of `type` below the cell at `after` (-1: at the top); returns its id. */
  addCell(type: CellType, after: number): string | null {
    if (!this.nb) return null;
    const { cells, cell } = insertCell($state.snapshot(this.nb.cells) as Cell[], type, after);
    this.nb.cells = cells;
    this.cellNote = { cellId: cell.id, kind: 'info', text: `Added ${cell.id}. Check its settings, then press Run.` };
    void this.save();
    return cell.id;
  }

  /** Move a cell one place up or down; a refused move leaves a note at the cell saying why. */
  moveCell(cellId: string, dir: -1 | 1): boolean {
    if (!this.nb) return false;
    const r = moveCell($state.snapshot(this.nb.cells) as Cell[], this.nb.cells.findIndex((c) => c.id === cellId), dir);
    if (!r.ok) {
      this.cellNote = { cellId, kind: 'error', text: `Not moved: ${r.reason}.` };
      return false;
    }
    this.nb.cells = r.cells;
    this.cellNote = null;
    void this.save();
    return true;
  }

  /** Delete a cell and its result (the view asks for confirmation first); a refusal leaves a note. */
  async deleteCell(cellId: string): Promise<boolean> {
    const nb = this.nb;
    if (!nb) return false;
    const r = deleteCell($state.snapshot(nb.cells) as Cell[], cellId);
    if (!r.ok) {
      this.cellNote = { cellId, kind: 'error', text: `Not deleted: ${r.reason}.` };
      return false;
    }
    nb.cells = r.cells;
    const { [cellId]: _gone, ...rest } = this.results;
    this.results = rest;
    this.cellNote = null;
    await this.store.clearResults(nb.id, [cellId]);
    await this.save();
    return true;
  }

  /** Run one cell (and its inputs), or every cell. */
  async run(cellId: string | 'all'): Promise<void> {
    if (!this.nb || this.running) return;
    const nb = $state.snapshot(this.nb) as Notebook;
    try {
      this.results = await this.client.run(nb, this.results, cellId, {
        profile: this.profile,
        onCell: (id, r) => {
          this.running = r ? null : id;
          if (r) this.results = { ...this.results, [id]: r };
          else {
            this.curves = { ...this.curves, [id]: [] };
            this.evalCurves = { ...this.evalCurves, [id]: [] };
          }
        },
        onProgress: (id, p) => {
          this.progress = { ...this.progress, [id]: p };
          if (p.status !== 'train') return;
          if (p.phase === 'step' && p.loss !== undefined) this.curves = { ...this.curves, [id]: [...(this.curves[id] ?? []), [p.step, p.loss]] };
          if (p.phase === 'eval' && p.evalLoss !== undefined) this.evalCurves = { ...this.evalCurves, [id]: [...(this.evalCurves[id] ?? []), [p.step, p.evalLoss]] };
        },
      });
    } catch (e) {
      this.message = { kind: 'error', text: `The run stopped: ${(e as Error).message}` };
    } finally {
      this.running = null;
    }
  }

  /**
   * Tokenize a dataset cell's records with the tokenizer of the model cell that trains on it (the
   * model is loaded in the worker if it is not yet; it stays loaded for the cells). Runs like a
   * cell: one at a time, and Stop stops it.
   */
  async previewFormat(cellId: string): Promise<void> {
    if (!this.nb || this.running) return;
    const nb = $state.snapshot(this.nb) as Notebook;
    this.previews = { ...this.previews, [cellId]: { phase: 'loading', preview: null, error: null } };
    this.running = cellId;
    try {
      const preview = await this.client.previewFormat(nb, this.results, cellId, this.profile);
      this.previews = { ...this.previews, [cellId]: { phase: 'done', preview, error: null } };
    } catch (e) {
      this.previews = { ...this.previews, [cellId]: { phase: 'failed', preview: null, error: (e as Error).message } };
    } finally {
      this.running = null;
    }
  }

  /** Stop the running cell (or the playground's generation). */
  stop(): Promise<boolean> {
    const api = this.api();
    if (this.streamJob && api) return api.abort(this.streamJob);
    return this.client.stop();
  }

  private setStream(cellId: string, s: Partial<PlaygroundStream>): void {
    const cur = this.streams[cellId] ?? { text: '', tokens: 0, phase: 'preparing', note: '' };
    this.streams = { ...this.streams, [cellId]: { ...cur, ...s } };
  }

  /**
   * Run a playground cell with its output streamed token by token. Its model cell (and adapter's
   * train cell) run first through the runner when they have no current result; the generation
   * then goes to that model in the worker (LabApi.generate with onToken), with the LoRA adapter
   * attached for it and the model's adapter state put back afterwards. Stop aborts it (the text
   * so far stays on screen; no result is stored). A finished generation is the cell's result.
   */
  async stream(cellId: string): Promise<void> {
    const cell = this.nb?.cells.find((c) => c.id === cellId);
    if (!this.nb || cell?.type !== 'playground' || this.running) return;
    const api = this.api();
    if (!api) return void (this.message = { kind: 'error', text: 'The lab worker has not started; see the message at the top.' });
    this.setStream(cellId, { text: '', tokens: 0, phase: 'preparing', note: 'Loading the model…' });
    try {
      const handle = await this.playgroundModel(cell);
      if (!handle) return;
      const train = cell.adapter ? this.nb.cells.find((c) => c.id === cell.adapter) : undefined;
      if (train?.type === 'train' && train.mode === 'full') {
        this.setStream(cellId, { phase: 'done', note: 'A fully fine-tuned model does not stream here: the whole answer shows when it is done.' });
        return this.run(cellId);
      }
      if (cell.decoding.constrained) {
        this.setStream(cellId, { phase: 'done', note: `Constrained to a ${cell.tool ?? '(no tool)'} call: the grammar runs with the whole generation, so the answer shows when it is done.` });
        return this.run(cellId);
      }
      const runId = train ? this.results[train.id]?.output : null;
      const adapterRun = runId?.type === 'train' ? (runId.runId ?? null) : null;
      if (cell.adapter && !adapterRun) throw new Error(`the train cell "${cell.adapter}" has no stored run to take the adapter from`);
      await this.generateInto(api, cell, handle, adapterRun);
    } catch (e) {
      const err = e as Error;
      this.setStream(cellId, err.name === 'JobAbortedError' ? { phase: 'stopped', note: `Stopped after ${this.streams[cellId]?.tokens ?? 0} tokens.` } : { phase: 'failed', note: err.message });
    } finally {
      this.streamJob = null;
      if (this.running === cellId) this.running = null;
    }
  }

  /** The loaded model a playground cell names: its model cell runs (and loads it) when needed. */
  private async playgroundModel(cell: PlaygroundCell): Promise<string | null> {
    const api = this.api()!;
    for (const id of [cell.model, cell.adapter]) {
      if (id && this.statuses[id] !== 'done') await this.run(id);
      if (id && this.statuses[id] !== 'done') {
        this.setStream(cell.id, { phase: 'failed', note: `The input cell "${id}" did not finish: ${this.results[id]?.error?.message ?? 'see that cell'}.` });
        return null;
      }
    }
    const find = async () => {
      const out = this.results[cell.model]?.output;
      return out?.type === 'model' ? ((await api.listModels()).find((h) => h.source === out.source)?.id ?? null) : null;
    };
    let id = await find();
    if (!id) {
      // A result from an earlier visit: the worker has not loaded the model yet.
      await this.run(cell.model);
      id = await find();
    }
    if (!id) this.setStream(cell.id, { phase: 'failed', note: `The model of "${cell.model}" is not loaded in the lab worker.` });
    return id;
  }

  private async generateInto(api: LabApiRemote, cell: PlaygroundCell, model: string, adapterRun: string | null): Promise<void> {
    const started = new Date();
    const jobId = `playground-${nextStream++}`;
    this.streamJob = jobId;
    this.running = cell.id;
    this.setStream(cell.id, { phase: 'streaming', note: '' });
    const before = await api.adapterState(model);
    const want = adapterRun !== null;
    const same = before.attached && before.enabled && before.runId === adapterRun;
    if (want && !same) await api.attachAdapter(model, { runId: adapterRun });
    if (!want && before.attached && before.enabled) await api.setAdapterEnabled(model, false);
    let done: Partial<PlaygroundStream>;
    try {
      const onToken = (e: TokenStreamEvent) => {
        const s = this.streams[cell.id]!;
        const top = e.top?.map((x) => ({ text: x.text, p: x.p, chosen: x.id === e.id }));
        this.setStream(cell.id, top ? { text: s.text + e.delta, tokens: s.tokens + 1, top } : { text: s.text + e.delta, tokens: s.tokens + 1 });
      };
      const d = cell.decoding;
      const reply = await api.generate(model, [cell.prompt], { maxNewTokens: d.maxNewTokens, temperature: d.temperature, seed: d.seed, jobId, topLogprobs: PLAYGROUND_TOP_K }, Comlink.proxy(onToken));
      const row = reply.rows[0]!;
      const output = { type: 'playground' as const, text: row.text, finishReason: row.finishReason, tokensPerSecond: reply.tokensPerSecond };
      const result: CellResult = {
        cellId: cell.id,
        status: 'done',
        configHash: configHash(cell),
        inputsHash: inputsHash(cell, this.results),
        profile: this.profile,
        appVersion: APP_VERSION,
        startedAt: started.toISOString(),
        finishedAt: new Date().toISOString(),
        output,
        error: null,
        checks: checkCell(cell, output, this.profile),
      };
      this.results = { ...this.results, [cell.id]: result };
      await this.store.putResult(this.nb!.id, result);
      done = { text: row.text, phase: 'done', note: `Finished (${row.finishReason}) after ${row.ids.length} tokens, ${reply.tokensPerSecond.toFixed(1)} tokens/s on ${reply.backend}.` };
    } finally {
      if (want && !same) {
        if (before.attached && before.runId) await api.attachAdapter(model, { runId: before.runId });
        else if (!before.attached) await api.detachAdapter(model);
        if (before.attached && !before.enabled) await api.setAdapterEnabled(model, false);
      }
      if (!want && before.attached && before.enabled) await api.setAdapterEnabled(model, true);
    }
    // 'done' only once the model's adapter state is back, so a finished stream means a free model.
    this.setStream(cell.id, done);
  }

  /**
   * A stopped run of a train cell that Run would continue (after a reload, a cancel or a failure),
   * as "interrupted at step 7 of 20"; null when there is none.
   */
  async resumable(cellId: string): Promise<string | null> {
    const nb = this.nb;
    const cell = nb?.cells.find((c) => c.id === cellId);
    if (!nb || cell?.type !== 'train') return null;
    const { runKey } = trainPlan($state.snapshot(nb) as Notebook, cell, this.results, this.profile);
    const run = await this.client.storedRun(runKey).catch(() => null);
    if (!run || run.status === 'done' || run.status === 'running') return null;
    return `${run.status} at step ${run.checkpointStep ?? 0} of ${run.steps}`;
  }

  /** Pause, resume or cancel the training run a train cell shows. */
  async training(action: 'pause' | 'resume' | 'cancel', cellId: string): Promise<void> {
    const p = this.progress[cellId];
    if (p?.status !== 'train' || !p.runId) return;
    await this.client.training(action, p.runId);
  }

  close(): void {
    this.nb = null;
    this.results = {};
    this.streams = {};
    this.cellNote = null;
    writeLastOpen('');
  }
}

const KEY = Symbol('notebook');
export const setNotebook = (s: NotebookState): NotebookState => setContext(KEY, s);
export const useNotebook = (): NotebookState => getContext<NotebookState>(KEY);
