// The notebook side of the lab worker: LabApi.runCell and its abort. It keeps one runner (and the
// models, datasets and adapters it holds) between calls for the same notebook and options, so
// running the next cell does not reload the model.
import type { NotebookEvent, Progress, RunCellOptions } from '../api/lab-api';
import type { EngineSession } from '../engine/session';
import type { Trainer } from '../runs/trainer';
import { IdbEvalStore, lazyEvalStore, type EvalStore } from '../eval/store';
import { DataStore } from '../data/store';
import { NotebookRunner } from './runner';
import { readStoredDataset } from './stored';
import { sessionServices, type SessionServiceOptions } from './services_session';
import type { CellResult, FormatPreview, Notebook } from './types';

/** Runs notebook cells on a session and trainer (one per worker). */
export class NotebookHost {
  private current: { key: string; runner: NotebookRunner; services: ReturnType<typeof sessionServices> } | null = null;
  private readonly jobs = new Map<string, AbortController>();
  /** Model files users chose for model cells, by notebook id and cell id (this page's life only). */
  private readonly files = new Map<string, readonly File[]>();
  private queue: Promise<unknown> = Promise.resolve();
  /** Evaluation reports of evaluate/stress cells: the given store, else IndexedDB ('lab-evals') where there is one. */
  private readonly evalStore: EvalStore | undefined;

  constructor(
    private readonly session: EngineSession,
    private readonly trainer: Trainer,
    private readonly defaults: SessionServiceOptions,
  ) {
    this.evalStore = defaults.evalStore ?? (typeof indexedDB === 'undefined' ? undefined : lazyEvalStore(() => IdbEvalStore.open()));
    if (!defaults.loadStoredDataset && typeof indexedDB !== 'undefined') {
      // The Datasets view's store, opened on first use and kept open.
      let store: Promise<DataStore> | null = null;
      this.loadStored = async (id) => readStoredDataset(await (store ??= DataStore.open()), id);
    } else this.loadStored = defaults.loadStoredDataset;
  }

  /** Dataset cells with source "stored" read the Datasets view's store (IndexedDB) through this. */
  private readonly loadStored: SessionServiceOptions['loadStoredDataset'];

  /** LabApi.runCell: calls run one at a time, in the order they came. */
  runCell(nb: Notebook, results: Record<string, CellResult>, cellId: string | 'all', opts: RunCellOptions, onEvent?: (e: NotebookEvent) => unknown): Promise<Record<string, CellResult>> {
    return this.enqueue(opts.jobId, (signal) => this.execute(nb, results, cellId, opts, signal, onEvent));
  }

  /** Run `work` after everything queued before it, stoppable by `abort(jobId)`. */
  private enqueue<T>(jobId: string | undefined, work: (signal: AbortSignal) => Promise<T>): Promise<T> {
    const ctl = new AbortController();
    if (jobId) this.jobs.set(jobId, ctl);
    const run = this.queue.then(() => work(ctl.signal));
    this.queue = run.catch(() => undefined);
    return run.finally(() => {
      if (jobId && this.jobs.get(jobId) === ctl) this.jobs.delete(jobId);
    });
  }

  /** LabApi.setModelFiles: keep (or, with null, forget) the files a model cell loads from. */
  setModelFiles(notebookId: string, cellId: string, files: readonly File[] | null): void {
    if (files?.length) this.files.set(fileKey(notebookId, cellId), [...files]);
    else this.files.delete(fileKey(notebookId, cellId));
  }

  /** Stop a notebook run by its jobId; false when none runs with that id. */
  abort(jobId: string): boolean {
    const ctl = this.jobs.get(jobId);
    if (!ctl) return false;
    ctl.abort(Object.assign(new Error(`notebook run ${jobId} was stopped`), { name: 'JobAbortedError' }));
    return true;
  }

  /** LabApi.previewFormat: in the same queue and on the same runner as the cells, so the model stays loaded for them. */
  previewFormat(nb: Notebook, results: Record<string, CellResult>, datasetCellId: string, opts: RunCellOptions): Promise<FormatPreview> {
    return this.enqueue(opts.jobId, async (signal) => (await this.runner(nb, results, opts)).formatPreview(datasetCellId, { profile: opts.profile, signal }));
  }

  /** The runner of this notebook and these options (kept between calls, so loaded models stay), holding `results`. */
  private async runner(nb: Notebook, results: Record<string, CellResult>, opts: RunCellOptions): Promise<NotebookRunner> {
    const o: SessionServiceOptions = {
      ...this.defaults,
      evalStore: this.evalStore,
      forceBackend: opts.forceBackend ?? null,
      defaultModel: opts.defaultModel ?? this.defaults.defaultModel,
      modelFiles: (cellId) => this.files.get(fileKey(nb.id, cellId)),
      loadStoredDataset: this.loadStored,
    };
    const key = JSON.stringify([nb.id, o.forceBackend, o.defaultModel]);
    if (this.current?.key !== key) {
      await this.current?.services.dispose();
      const services = sessionServices(this.session, this.trainer, o);
      this.current = { key, services, runner: new NotebookRunner(nb, services, results) };
    }
    const runner = this.current.runner;
    runner.nb = nb;
    runner.results = { ...results };
    return runner;
  }

  private async execute(nb: Notebook, results: Record<string, CellResult>, cellId: string | 'all', opts: RunCellOptions, signal: AbortSignal, onEvent?: (e: NotebookEvent) => unknown): Promise<Record<string, CellResult>> {
    const runner = await this.runner(nb, results, opts);
    // Events are fire-and-forget; the last one is awaited so every event reaches the UI first.
    let last: unknown = undefined;
    const send = (e: NotebookEvent) => {
      last = onEvent?.(e);
    };
    const ro = {
      profile: opts.profile,
      signal,
      onCell: (id: string, result: CellResult | null) => send({ cellId: id, result }),
      onProgress: (id: string, progress: Progress) => send({ cellId: id, progress }),
    };
    try {
      if (cellId === 'all') await runner.runAll(ro);
      else await runner.run(cellId, ro);
    } finally {
      await last;
    }
    return runner.results;
  }
}

const fileKey = (notebookId: string, cellId: string): string => JSON.stringify([notebookId, cellId]);
