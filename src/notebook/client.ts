// The notebook UI's one door to running cells: the lab worker runs them (LabApi.runCell, the
// runner of ./runner.ts on the worker's engine session and trainer); this side stores each result
// as it arrives and hands progress to the view. Training controls (pause/resume/cancel) go
// straight to the worker's training methods with the run id the progress carries.
import * as Comlink from 'comlink';
import type { LabApi, NotebookEvent, Progress, RunCellOptions, RunRecord } from '../api/lab-api';
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
  /** The job id of the call in flight (what `stop` aborts). */
  private current: string | null = null;

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
    const writes: Promise<unknown>[] = [];
    const onEvent = (e: NotebookEvent) => {
      if ('progress' in e) opts.onProgress?.(e.cellId, e.progress);
      else {
        if (e.result) writes.push(this.store.putResult(nb.id, e.result));
        opts.onCell?.(e.cellId, e.result);
      }
    };
    return this.job('notebook', opts.profile, async (api, o) => {
      const out = await api.runCell(nb, results, cellId, o, Comlink.proxy(onEvent));
      await Promise.all(writes);
      return out;
    });
  }

  /** A dataset cell's format preview with its model's tokenizer (LabApi.previewFormat); stores nothing. */
  previewFormat(nb: Notebook, results: { [id: string]: CellResult }, datasetCellId: string, profile: Profile): Promise<FormatPreview> {
    return this.job('preview', profile, (api, o) => api.previewFormat(nb, results, datasetCellId, o));
  }

  /** Call the worker with a new job id (what `stop` aborts) and this client's run options. */
  private async job<T>(prefix: string, profile: Profile, call: (api: LabApiRemote, o: RunCellOptions) => Promise<T>): Promise<T> {
    const api = this.need();
    const jobId = `${prefix}-${nextJob++}`;
    this.current = jobId;
    try {
      return await call(api, { profile, jobId, forceBackend: this.options.forceBackend ?? null, defaultModel: this.options.defaultModel });
    } finally {
      if (this.current === jobId) this.current = null;
    }
  }

  /** Stop the running cell (a training run is cancelled; its last checkpoint stays stored). */
  async stop(): Promise<boolean> {
    return this.current ? this.need().abort(this.current) : false;
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
