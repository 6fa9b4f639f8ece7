// The notebook UI's one door to running cells: the lab worker runs them (LabApi.runCell, the
// runner of ./runner.ts on the worker's engine session and trainer); this side stores each result
// as it arrives and hands progress to the view. Training controls (pause/resume/cancel) go
// straight to the worker's training methods with the run id the progress carries.
import * as Comlink from 'comlink';
import type { LabApi, NotebookEvent, Progress, RunRecord } from '../api/lab-api';
import { NotAvailableError } from './runner';
import { IdbNotebookStore, MemoryNotebookStore, type NotebookStore } from './store';
import type { CellResult, FormatPreview, Notebook, Profile } from './types';

/** The worker's API as the UI holds it (a Comlink remote). */
export type LabApiRemote = Comlink.Remote<LabApi>;

/** How the client asks the worker to run (tests force cpu or point the default model elsewhere). */
export interface NotebookClientOptions {
  /** Run every model on cpu: the same numbers as `lab run`. */
  forceBackend?: 'cpu' | null;
  /** Testing aid: a folder URL standing in for the lab's default model. */
  defaultModel?: string;
}

/** What a run reports back. */
export interface ClientRunOptions {
  profile: Profile;
  onCell?: (cellId: string, result: CellResult | null) => void;
  onProgress?: (cellId: string, p: Progress) => void;
}

/** Open the notebook store: IndexedDB, or memory (with the reason) where IndexedDB is unavailable. */
export async function openNotebookStore(onVersionChange?: () => void): Promise<{ store: NotebookStore; warning: string | null }> {
  try {
    return { store: await IdbNotebookStore.open({ onVersionChange }), warning: null };
  } catch (e) {
    return { store: new MemoryNotebookStore(), warning: `Notebooks will not survive a reload: IndexedDB is unavailable (${(e as Error).message}).` };
  }
}

let nextJob = 1;

/** Runs cells of a notebook in the lab worker and stores their results. */
export class NotebookClient {
  private job: string | null = null;

  constructor(
    readonly store: NotebookStore,
    private readonly api: () => LabApiRemote | null,
    private readonly options: NotebookClientOptions = {},
  ) {}

  private need(): LabApiRemote {
    const a = this.api();
    if (!a) throw new NotAvailableError('the lab worker (it has not started; see the message at the top)');
    return a;
  }

  /** Run a cell (and what it needs), or 'all'; results go to the store as they come. */
  async run(nb: Notebook, results: { [id: string]: CellResult }, cellId: string | 'all', opts: ClientRunOptions): Promise<{ [id: string]: CellResult }> {
    const api = this.need();
    const jobId = `notebook-${nextJob++}`;
    this.job = jobId;
    const writes: Promise<unknown>[] = [];
    const onEvent = (e: NotebookEvent) => {
      if ('progress' in e) opts.onProgress?.(e.cellId, e.progress);
      else {
        if (e.result) writes.push(this.store.putResult(nb.id, e.result));
        opts.onCell?.(e.cellId, e.result);
      }
    };
    try {
      const out = await api.runCell(nb, results, cellId, { profile: opts.profile, jobId, forceBackend: this.options.forceBackend ?? null, defaultModel: this.options.defaultModel }, Comlink.proxy(onEvent));
      await Promise.all(writes);
      return out;
    } finally {
      if (this.job === jobId) this.job = null;
    }
  }

  /** A dataset cell's format preview with its model's tokenizer (LabApi.previewFormat); stores nothing. */
  async previewFormat(nb: Notebook, results: { [id: string]: CellResult }, datasetCellId: string, profile: Profile): Promise<FormatPreview> {
    const api = this.need();
    const jobId = `preview-${nextJob++}`;
    this.job = jobId;
    try {
      return await api.previewFormat(nb, results, datasetCellId, { profile, jobId, forceBackend: this.options.forceBackend ?? null, defaultModel: this.options.defaultModel });
    } finally {
      if (this.job === jobId) this.job = null;
    }
  }

  /** Stop the running cell (a training run is cancelled; its last checkpoint stays stored). */
  async stop(): Promise<boolean> {
    return this.job ? this.need().abort(this.job) : false;
  }

  /** A stored training run, or null when there is none (or no worker). */
  async storedRun(runId: string): Promise<RunRecord | null> {
    const api = this.api();
    if (!api) return null;
    try {
      return await api.getRun(runId);
    } catch (e) {
      if ((e as Error).name === 'RunNotFoundError') return null;
      throw e;
    }
  }

  /** Pause, resume or cancel a training run by its id (from the train progress). */
  async training(action: 'pause' | 'resume' | 'cancel', runId: string): Promise<boolean> {
    const api = this.need();
    return action === 'pause' ? api.pauseTraining(runId) : action === 'resume' ? api.resumeTraining(runId) : api.cancelTraining(runId);
  }
}
