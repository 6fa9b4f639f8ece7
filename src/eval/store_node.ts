// The evaluation store in Node (`lab run`, `lab eval --store`): a folder of JSON files, one per
// report, named `<id>.json`. Each write goes to a temporary file in the same folder and is then
// renamed over the target, so a reader never sees half a report (rename is atomic on one file
// system). Files are read back through parseEvalReportFile, so a file edited by hand is checked.
import { mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { EvalReportError, newestFirst, parseEvalReportFile, validateEvalReportRecord, type EvalReportRecord, type EvalStore } from './store';

/** Ids become file names: letters, digits, `.`, `_`, `-` only (no path separators, no leading dot). */
const SAFE_ID = /^[A-Za-z0-9_-][A-Za-z0-9._-]*$/;

/** A folder of `<id>.json` report files. */
export class FileEvalStore implements EvalStore {
  private constructor(readonly dir: string) {}

  /** Use `dir` (created if missing). */
  static async open(dir: string): Promise<FileEvalStore> {
    await mkdir(dir, { recursive: true });
    return new FileEvalStore(dir);
  }

  private file(id: string): string {
    if (!SAFE_ID.test(id)) throw new EvalReportError(`report id "${id}" cannot be a file name (letters, digits, ".", "_", "-" only)`);
    return join(this.dir, `${id}.json`);
  }

  async put(r: EvalReportRecord): Promise<void> {
    validateEvalReportRecord(r, 'record');
    const target = this.file(r.id);
    const tmp = join(this.dir, `.${r.id}.${process.pid}.${Date.now()}.tmp`);
    await writeFile(tmp, JSON.stringify(r, null, 1) + '\n');
    try {
      await rename(tmp, target);
    } catch (e) {
      await rm(tmp, { force: true });
      throw e;
    }
  }

  async get(id: string): Promise<EvalReportRecord | undefined> {
    const path = this.file(id);
    let text: string;
    try {
      text = await readFile(path, 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw e;
    }
    return parseEvalReportFile(text, path);
  }

  /** Every `*.json` in the folder (temporary files skipped), newest first; a bad file throws naming it. */
  async list(): Promise<EvalReportRecord[]> {
    const names = (await readdir(this.dir)).filter((n) => n.endsWith('.json') && !n.startsWith('.')).sort();
    const out: EvalReportRecord[] = [];
    for (const n of names) {
      const path = join(this.dir, n);
      out.push(parseEvalReportFile(await readFile(path, 'utf8'), path));
    }
    return out.sort(newestFirst);
  }

  async delete(id: string): Promise<void> {
    await rm(this.file(id), { force: true });
  }

  close(): void {}
}
