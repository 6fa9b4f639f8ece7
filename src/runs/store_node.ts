// Training runs in a folder (Node: `lab run --store DIR` keeps them in DIR/runs), the same
// interface and errors as the IndexedDB store (./store.ts), so the worker's Trainer runs on it
// unchanged and needs no IndexedDB in Node.
//
// Layout, one folder per run (its id, or the id %-encoded when it is not a safe file name):
//   <run>/run.json                    RunRecord
//   <run>/data.json                   RunData: the train / validation examples as text
//   <run>/checkpoint.safetensors      the LATEST checkpoint (engine/train/checkpoint.ts's bytes:
//                                     tensors exact, the rest as JSON metadata)
//   <run>/adapter.json                { runId, saved, config, trainedOn } of the PEFT adapter
//   <run>/adapter_model.safetensors   its weights, as saved
// A run exists once its run.json does. Every file is written to a temporary file in the same
// folder and renamed over the target, so a reader never sees half a file. Where IndexedDB writes
// two stores in one transaction (checkpoint + run record, adapter + run record), this writes the
// binary file first and the run record last: a crash in between leaves the run record one
// checkpoint behind, never pointing at a file that is not there. Operations of one store object
// run one at a time (read-modify-write of run.json); two processes on one folder are not guarded.
import { mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { checkpointFromBytes, checkpointToBytes, type Checkpoint } from '../engine/train/checkpoint';
import { RunNotFoundError, type RunData, type RunRecord, type RunsStore, type StoredAdapter } from './store';

type Patch = Partial<Omit<RunRecord, 'id' | 'created'>>;

/** Ids that are file names as they are; anything else is %-encoded (then it holds a "%", so no clash). */
const SAFE = /^[A-Za-z0-9_-][A-Za-z0-9._-]*$/;

function folderName(id: string): string {
  if (typeof id !== 'string' || id.length === 0) throw new TypeError('a run id must be a non-empty string');
  if (SAFE.test(id)) return id;
  return [...new TextEncoder().encode(id)].map((b) => (/[A-Za-z0-9_-]/.test(String.fromCharCode(b)) ? String.fromCharCode(b) : `%${b.toString(16).toUpperCase().padStart(2, '0')}`)).join('');
}

const isMissing = (e: unknown) => (e as NodeJS.ErrnoException)?.code === 'ENOENT';

/** A folder of runs; see the file comment for the layout. */
export class FolderRunStore implements RunsStore {
  private queue: Promise<unknown> = Promise.resolve();
  private tmpCount = 0;

  private constructor(readonly dir: string) {}

  /** Use `dir` (created if missing). */
  static async open(dir: string): Promise<FolderRunStore> {
    await mkdir(dir, { recursive: true });
    return new FolderRunStore(dir);
  }

  close(): void {}

  /** Run `fn` after every earlier operation of this store. */
  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const next = this.queue.then(fn, fn);
    this.queue = next.catch(() => {});
    return next;
  }

  private runDir(id: string): string {
    return join(this.dir, folderName(id));
  }

  private async write(file: string, data: string | Uint8Array): Promise<void> {
    const tmp = `${file}.${process.pid}.${++this.tmpCount}.tmp`;
    await writeFile(tmp, data);
    try {
      await rename(tmp, file);
    } catch (e) {
      await rm(tmp, { force: true });
      throw e;
    }
  }

  private async readJson<T>(file: string): Promise<T | null> {
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (e) {
      if (isMissing(e)) return null;
      throw e;
    }
    try {
      return JSON.parse(text) as T;
    } catch (e) {
      throw new Error(`${file}: not valid JSON (${(e as Error).message})`);
    }
  }

  private async readRun(id: string): Promise<RunRecord> {
    const r = await this.readJson<RunRecord>(join(this.runDir(id), 'run.json'));
    if (!r) throw new RunNotFoundError(`no run "${id}"`);
    return r;
  }

  private writeRun(r: RunRecord): Promise<void> {
    return this.write(join(this.runDir(r.id), 'run.json'), JSON.stringify(r, null, 1) + '\n');
  }

  createRun(run: RunRecord, data: Omit<RunData, 'runId'>): Promise<void> {
    return this.serial(async () => {
      const d = this.runDir(run.id);
      if (await this.readJson(join(d, 'run.json'))) throw new Error(`a run "${run.id}" already exists in ${this.dir}`);
      await mkdir(d, { recursive: true });
      await this.write(join(d, 'data.json'), JSON.stringify({ runId: run.id, train: data.train, validation: data.validation }) + '\n');
      await this.writeRun(run);
    });
  }

  updateRun(id: string, patch: Patch): Promise<RunRecord> {
    return this.serial(async () => {
      const next: RunRecord = { ...(await this.readRun(id)), ...patch, modified: new Date().toISOString() };
      await this.writeRun(next);
      return next;
    });
  }

  listRuns(): Promise<RunRecord[]> {
    return this.serial(async () => {
      const runs: RunRecord[] = [];
      for (const e of await readdir(this.dir, { withFileTypes: true })) {
        if (!e.isDirectory() || e.name.startsWith('.')) continue;
        const r = await this.readJson<RunRecord>(join(this.dir, e.name, 'run.json'));
        if (r) runs.push(r);
      }
      // As the IndexedDB index gives them (modified, then id), reversed: newest change first.
      runs.sort((a, b) => (a.modified < b.modified ? -1 : a.modified > b.modified ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
      return runs.reverse();
    });
  }

  getRun(id: string): Promise<RunRecord> {
    return this.serial(() => this.readRun(id));
  }

  getData(id: string): Promise<RunData> {
    return this.serial(async () => {
      const d = await this.readJson<RunData>(join(this.runDir(id), 'data.json'));
      if (!d) throw new RunNotFoundError(`run "${id}" has no stored training data`);
      return d;
    });
  }

  saveCheckpoint(id: string, checkpoint: Checkpoint, patch: Patch = {}): Promise<void> {
    return this.serial(async () => {
      const cur = await this.readRun(id);
      await this.write(join(this.runDir(id), 'checkpoint.safetensors'), checkpointToBytes(checkpoint));
      await this.writeRun({ ...cur, ...patch, checkpointStep: checkpoint.step, modified: new Date().toISOString() });
    });
  }

  getCheckpoint(id: string): Promise<Checkpoint | null> {
    return this.serial(async () => {
      const file = join(this.runDir(id), 'checkpoint.safetensors');
      let bytes: Uint8Array;
      try {
        bytes = new Uint8Array(await readFile(file));
      } catch (e) {
        if (isMissing(e)) return null;
        throw e;
      }
      return checkpointFromBytes(bytes, file);
    });
  }

  saveAdapter(a: Omit<StoredAdapter, 'saved'>): Promise<void> {
    return this.serial(async () => {
      const cur = await this.readRun(a.runId);
      const d = this.runDir(a.runId);
      await this.write(join(d, 'adapter_model.safetensors'), a.weights);
      await this.write(join(d, 'adapter.json'), JSON.stringify({ runId: a.runId, saved: new Date().toISOString(), config: a.config, trainedOn: a.trainedOn }, null, 1) + '\n');
      await this.writeRun({ ...cur, hasAdapter: true, modified: new Date().toISOString() });
    });
  }

  getAdapter(id: string): Promise<StoredAdapter> {
    return this.serial(async () => {
      const d = this.runDir(id);
      const meta = await this.readJson<Omit<StoredAdapter, 'weights'>>(join(d, 'adapter.json'));
      let weights: Uint8Array | null = null;
      try {
        weights = new Uint8Array(await readFile(join(d, 'adapter_model.safetensors')));
      } catch (e) {
        if (!isMissing(e)) throw e;
      }
      if (!meta || !weights) throw new RunNotFoundError(`run "${id}" has no adapter (it trained the full model, or has not finished a step)`);
      return { ...meta, weights };
    });
  }

  deleteRun(id: string): Promise<void> {
    return this.serial(async () => {
      // Out of the listing at once (a rename), then removed.
      const d = this.runDir(id);
      const gone = join(this.dir, `.deleted-${folderName(id)}-${process.pid}-${++this.tmpCount}`);
      try {
        await rename(d, gone);
      } catch (e) {
        if (isMissing(e)) return;
        throw e;
      }
      await rm(gone, { recursive: true, force: true });
    });
  }
}
