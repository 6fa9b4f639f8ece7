// Training runs in IndexedDB (through idb), in their own database, apart from the datasets:
// the run (configuration, status, loss curve, report), its training data as text (so a resumed run
// sees exactly the examples it started with, even if the dataset changes later), its latest
// checkpoint and, once trained, its adapter in PEFT's format.
//
// Schema (RUNS_DB_VERSION 1):
//   runs         key id      RunRecord
//                index byModified  modified (ISO time): newest-first listing
//   data         key runId   RunData      train / validation examples as prompt + completion text
//   checkpoints  key runId   StoredCheckpoint: the LATEST checkpoint only (a new one replaces it)
//   adapters     key runId   StoredAdapter: adapter_config.json (object) + adapter_model.safetensors
// Checkpoints hold Float32Arrays; IndexedDB's structured clone stores them as they are.
//
// Another tab opening a newer version: this connection closes (onVersionChange tells the caller);
// an open blocked by an older tab waits and reports it through onBlocked.
import { deleteDB, openDB, type DBSchema, type IDBPDatabase } from 'idb';
import type { Checkpoint } from '../engine/train/checkpoint';

export const RUNS_DB_NAME = 'lab-runs';
export const RUNS_DB_VERSION = 1;

/** Where a run is. 'interrupted' = the worker went away (reload, lost device) mid-run; resumable. */
export type RunStatus = 'running' | 'paused' | 'done' | 'cancelled' | 'failed' | 'interrupted';

/** One example of a run's data, as text, with where it came from. */
export interface RunExample {
  readonly id: string;
  readonly prompt: string;
  readonly completion: string;
}

/** What a run was trained on, as stored with its adapter (the unseen-tools stress test needs `tools`). */
export interface TrainedOn {
  /** Dataset id, or null when records/examples were passed in. */
  readonly datasetId: string | null;
  /** Prompt format of the records ('text' | 'jsontuning' | 'compact' | 'chat'), or null for raw examples. */
  readonly format: string | null;
  /** Ids of the training records that were kept (not dropped for length). */
  readonly recordIds: readonly string[];
  /**
   * Sorted names of the tools CALLED in the expected answers of the kept training records: what
   * "seen in training" means for the unseen-tools stress test (a tool only offered as a distractor
   * was never trained as an answer). Runs stored before this definition hold the offered tools too.
   */
  readonly tools: readonly string[];
  /** Sorted names of every tool listed in a kept training record's tool list (distractors included). */
  readonly offeredTools?: readonly string[];
}

/** The run's report: what went in and what came out. */
export interface RunReport {
  trainExamples: number;
  validationExamples: number;
  /** Examples dropped because prompt + completion + EOS exceeded maxLength. */
  dropped: { split: 'train' | 'validation'; id: string; length: number }[];
  maxLength: number;
  trainableParams: number;
  /** Tokens of the whole run so far (real tokens, no padding). */
  tokens: number;
  /** Which backend trained, and why (e.g. "cpu: the webgpu backend cannot train (no …)"). */
  backend: string;
  backendReason: string;
}

/** A run as listed and shown. Plain data (structured-cloneable). */
export interface RunRecord {
  id: string;
  name: string;
  created: string;
  modified: string;
  status: RunStatus;
  /** Why it stopped, or what is going on. */
  message: string;
  model: { source: string; arch: string };
  /** The run's configuration as requested (mode, LoRA, training options, data, max length). */
  config: RunConfig;
  step: number;
  steps: number;
  /** Training loss of every optimiser step, and learning rates. */
  losses: number[];
  lrs: number[];
  /** Validation losses (never the test split). */
  evals: { step: number; loss: number }[];
  /** Step of the checkpoint in the store, or null. */
  checkpointStep: number | null;
  hasAdapter: boolean;
  trainedOn: TrainedOn;
  report: RunReport;
}

/** The configuration of a run (also what `continue` needs to rebuild it). */
export interface RunConfig {
  mode: 'lora' | 'full';
  lora: { r: number; alpha: number; dropout: number; targetModules: string[] | string; useRslora?: boolean } | null;
  /** Training options (engine/train/loop TrainOptions), complete. */
  options: Record<string, unknown>;
  maxLength: number;
  /** The data as requested (dataset id + splits + format, or inline). */
  data: { kind: 'dataset'; datasetId: string; splitId: string | null; format: string } | { kind: 'records'; format: string } | { kind: 'examples' };
  /** Seed of the LoRA initialisation. */
  initSeed: number;
}

export interface RunData {
  runId: string;
  train: RunExample[];
  validation: RunExample[];
}

export interface StoredCheckpoint {
  runId: string;
  saved: string;
  checkpoint: Checkpoint;
}

/** A PEFT adapter (adapter_config.json + adapter_model.safetensors) with what it was trained on. */
export interface StoredAdapter {
  runId: string;
  saved: string;
  config: Record<string, unknown>;
  weights: Uint8Array;
  trainedOn: TrainedOn;
}

interface RunsDB extends DBSchema {
  runs: { key: string; value: RunRecord; indexes: { byModified: string } };
  data: { key: string; value: RunData };
  checkpoints: { key: string; value: StoredCheckpoint };
  adapters: { key: string; value: StoredAdapter };
}

/** No run (or no checkpoint / adapter of a run) with this id. */
export class RunNotFoundError extends Error {
  override name = 'RunNotFoundError';
}

export interface RunsOpenOptions {
  name?: string;
  onVersionChange?: (info: { oldVersion: number; newVersion: number | null }) => void;
  onBlocked?: (info: { currentVersion: number; blockedVersion: number | null }) => void;
}

/**
 * What the trainer needs of a runs store: the IndexedDB one below (browser, worker) and the folder
 * one in ./store_node.ts (`lab run` in Node) both implement it, with the same errors.
 */
export interface RunsStore {
  /** A new run with its data (an error when the id exists). */
  createRun(run: RunRecord, data: Omit<RunData, 'runId'>): Promise<void>;
  /** Update a run's fields (modified is set now); RunNotFoundError when there is no such run. */
  updateRun(id: string, patch: Partial<Omit<RunRecord, 'id' | 'created'>>): Promise<RunRecord>;
  /** Every run, newest change first. */
  listRuns(): Promise<RunRecord[]>;
  getRun(id: string): Promise<RunRecord>;
  getData(id: string): Promise<RunData>;
  /** Store the run's checkpoint (replacing the previous one) and note its step on the run. */
  saveCheckpoint(id: string, checkpoint: Checkpoint, patch?: Partial<Omit<RunRecord, 'id' | 'created'>>): Promise<void>;
  /** The run's latest checkpoint, or null. */
  getCheckpoint(id: string): Promise<Checkpoint | null>;
  /** Store the run's adapter (replacing any) and mark the run as having one. */
  saveAdapter(a: Omit<StoredAdapter, 'saved'>): Promise<void>;
  getAdapter(id: string): Promise<StoredAdapter>;
  /** Delete a run and everything stored with it. */
  deleteRun(id: string): Promise<void>;
  close(): void;
}

/** The runs database. */
export class RunStore implements RunsStore {
  private constructor(private readonly db: IDBPDatabase<RunsDB>) {}

  /** Open (and create or upgrade) the runs database. */
  static async open(o: RunsOpenOptions = {}): Promise<RunStore> {
    let db: IDBPDatabase<RunsDB> | undefined;
    db = await openDB<RunsDB>(o.name ?? RUNS_DB_NAME, RUNS_DB_VERSION, {
      upgrade(raw, oldVersion) {
        if (oldVersion < 1) {
          raw.createObjectStore('runs', { keyPath: 'id' }).createIndex('byModified', 'modified');
          raw.createObjectStore('data', { keyPath: 'runId' });
          raw.createObjectStore('checkpoints', { keyPath: 'runId' });
          raw.createObjectStore('adapters', { keyPath: 'runId' });
        }
      },
      blocked(currentVersion, blockedVersion) {
        o.onBlocked?.({ currentVersion, blockedVersion });
      },
      blocking(currentVersion, blockedVersion) {
        // Never hold up another tab's upgrade: close; the caller reopens after a reload.
        db?.close();
        o.onVersionChange?.({ oldVersion: currentVersion, newVersion: blockedVersion });
      },
    });
    return new RunStore(db);
  }

  /** Delete the whole database (tests, "reset lab"). */
  static async destroy(name = RUNS_DB_NAME): Promise<void> {
    await deleteDB(name);
  }

  close(): void {
    this.db.close();
  }

  /** A new run with its data, in one transaction. */
  async createRun(run: RunRecord, data: Omit<RunData, 'runId'>): Promise<void> {
    const tx = this.db.transaction(['runs', 'data'], 'readwrite');
    await Promise.all([tx.objectStore('runs').add(run), tx.objectStore('data').put({ runId: run.id, ...data }), tx.done]);
  }

  /** Update a run's fields (modified is set now). */
  async updateRun(id: string, patch: Partial<Omit<RunRecord, 'id' | 'created'>>): Promise<RunRecord> {
    const tx = this.db.transaction('runs', 'readwrite');
    const cur = await tx.store.get(id);
    if (!cur) throw new RunNotFoundError(`no run "${id}"`);
    const next: RunRecord = { ...cur, ...patch, modified: new Date().toISOString() };
    await tx.store.put(next);
    await tx.done;
    return next;
  }

  /** Every run, newest change first. */
  async listRuns(): Promise<RunRecord[]> {
    return (await this.db.getAllFromIndex('runs', 'byModified')).reverse();
  }

  async getRun(id: string): Promise<RunRecord> {
    const r = await this.db.get('runs', id);
    if (!r) throw new RunNotFoundError(`no run "${id}"`);
    return r;
  }

  async getData(id: string): Promise<RunData> {
    const d = await this.db.get('data', id);
    if (!d) throw new RunNotFoundError(`run "${id}" has no stored training data`);
    return d;
  }

  /** Store the run's checkpoint (replacing the previous one) and note its step on the run. */
  async saveCheckpoint(id: string, checkpoint: Checkpoint, patch: Partial<Omit<RunRecord, 'id' | 'created'>> = {}): Promise<void> {
    const tx = this.db.transaction(['runs', 'checkpoints'], 'readwrite');
    const runs = tx.objectStore('runs');
    const cur = await runs.get(id);
    if (!cur) throw new RunNotFoundError(`no run "${id}"`);
    await tx.objectStore('checkpoints').put({ runId: id, saved: new Date().toISOString(), checkpoint });
    await runs.put({ ...cur, ...patch, checkpointStep: checkpoint.step, modified: new Date().toISOString() });
    await tx.done;
  }

  /** The run's latest checkpoint, or null. */
  async getCheckpoint(id: string): Promise<Checkpoint | null> {
    return (await this.db.get('checkpoints', id))?.checkpoint ?? null;
  }

  /** Store the run's adapter (replacing any) and mark the run as having one. */
  async saveAdapter(a: Omit<StoredAdapter, 'saved'>): Promise<void> {
    const tx = this.db.transaction(['runs', 'adapters'], 'readwrite');
    const runs = tx.objectStore('runs');
    const cur = await runs.get(a.runId);
    if (!cur) throw new RunNotFoundError(`no run "${a.runId}"`);
    await tx.objectStore('adapters').put({ ...a, saved: new Date().toISOString() });
    await runs.put({ ...cur, hasAdapter: true, modified: new Date().toISOString() });
    await tx.done;
  }

  async getAdapter(id: string): Promise<StoredAdapter> {
    const a = await this.db.get('adapters', id);
    if (!a) throw new RunNotFoundError(`run "${id}" has no adapter (it trained the full model, or has not finished a step)`);
    return a;
  }

  /** Delete a run and everything stored with it. */
  async deleteRun(id: string): Promise<void> {
    const tx = this.db.transaction(['runs', 'data', 'checkpoints', 'adapters'], 'readwrite');
    await Promise.all([
      tx.objectStore('runs').delete(id),
      tx.objectStore('data').delete(id),
      tx.objectStore('checkpoints').delete(id),
      tx.objectStore('adapters').delete(id),
      tx.done,
    ]);
  }
}
