// The Runs view's state: training runs from the lab worker, evaluation reports from the
// evaluation store plus report files loaded for this session, and the selection to compare.
// One instance per view, handed to the components as a prop.
import type { LabApi, RunRecord } from '../../api/lab-api';
import { parseEvalReportFiles, type EvalReportRecord, type EvalStore } from '../../eval/store';
import { compareReports, type ReportComparison } from '../../lib/runs/listing';

/** What the view needs of the worker (a Comlink remote of LabApi satisfies it). */
export type RunsApi = Pick<LabApi, 'listRuns' | 'deleteRun' | 'downloadAdapter'>;

/** A report in the list: stored (file null) or loaded from a file this session (file = its name). */
export interface ReportEntry {
  /** Unique in the list: the record id, or "file:<name>#<id>" for a loaded file. */
  key: string;
  record: EvalReportRecord;
  file: string | null;
}

export class RunsState {
  runs = $state.raw<RunRecord[]>([]);
  runsError = $state<string | null>(null);
  /** False until the first listing came back (or failed). */
  runsLoaded = $state(false);
  selectedRun = $state<string | null>(null);
  stored = $state.raw<ReportEntry[]>([]);
  loaded = $state.raw<ReportEntry[]>([]);
  /** One message per refused file, with the parser's reason. */
  fileErrors = $state<string[]>([]);
  reportsError = $state<string | null>(null);
  /** Keys of the reports to compare, in the order chosen: the first is the baseline. */
  chosen = $state<string[]>([]);

  constructor(
    private readonly api: () => RunsApi | null,
    private readonly store: EvalStore | null,
  ) {}

  get reports(): ReportEntry[] {
    return [...this.loaded, ...this.stored];
  }

  /** The chosen reports compared (null below two), or why they cannot be. Computed once per change. */
  readonly comparison: ReportComparison | string | null = $derived.by(() => {
    const all = [...this.loaded, ...this.stored];
    const picked = this.chosen.map((k) => all.find((e) => e.key === k)).filter((e): e is ReportEntry => e !== undefined);
    if (picked.length < 2) return null;
    try {
      return compareReports(picked.map((e) => e.record));
    } catch (e) {
      return (e as Error).message;
    }
  });

  /** Read the runs from the worker (a no-op until it has started). */
  async refreshRuns(): Promise<void> {
    const api = this.api();
    if (!api) return;
    try {
      this.runs = await api.listRuns();
      this.runsError = null;
    } catch (e) {
      this.runsError = `The training runs could not be read: ${(e as Error).message}`;
    }
    this.runsLoaded = true;
    if (this.selectedRun && !this.runs.some((r) => r.id === this.selectedRun)) this.selectedRun = null;
  }

  async deleteRun(id: string): Promise<void> {
    const api = this.api();
    if (!api) throw new Error('the lab worker is not running');
    await api.deleteRun(id);
    if (this.selectedRun === id) this.selectedRun = null;
    await this.refreshRuns();
  }

  async downloadAdapter(id: string): Promise<{ config: string; weights: Uint8Array }> {
    const api = this.api();
    if (!api) throw new Error('the lab worker is not running');
    return api.downloadAdapter(id);
  }

  async refreshReports(): Promise<void> {
    if (!this.store) return;
    try {
      this.stored = (await this.store.list()).map((record) => ({ key: record.id, record, file: null }));
      this.reportsError = null;
    } catch (e) {
      this.reportsError = `The evaluation reports could not be read: ${(e as Error).message}`;
    }
    this.prune();
  }

  /** Delete a stored report, or drop a loaded file's report from the list. */
  async deleteReport(key: string): Promise<void> {
    const entry = this.reports.find((e) => e.key === key);
    if (!entry) return;
    if (entry.file === null) {
      await this.store?.delete(entry.record.id);
      await this.refreshReports();
    } else {
      this.loaded = this.loaded.filter((e) => e.key !== key);
      this.prune();
    }
  }

  /** Read report files (several at once); bad ones are refused with the parser's reason, the rest load. */
  async loadFiles(files: Iterable<File>): Promise<void> {
    const errors: string[] = [];
    const added: ReportEntry[] = [];
    for (const f of files) {
      try {
        for (const record of parseEvalReportFiles(await f.text(), f.name)) added.push({ key: `file:${f.name}#${record.id}`, record, file: f.name });
      } catch (e) {
        errors.push(`${f.name} was not loaded: ${(e as Error).message}`);
      }
    }
    const keys = new Set(added.map((e) => e.key));
    this.loaded = [...added, ...this.loaded.filter((e) => !keys.has(e.key))];
    this.fileErrors = errors;
  }

  /** Add a report to the comparison (at the end) or take it out. */
  toggle(key: string): void {
    this.chosen = this.chosen.includes(key) ? this.chosen.filter((k) => k !== key) : [...this.chosen, key];
  }

  /** Make a chosen report the baseline (first). */
  makeBaseline(key: string): void {
    if (this.chosen.includes(key)) this.chosen = [key, ...this.chosen.filter((k) => k !== key)];
  }

  private prune(): void {
    const keys = new Set(this.reports.map((e) => e.key));
    if (this.chosen.some((k) => !keys.has(k))) this.chosen = this.chosen.filter((k) => keys.has(k));
  }
}
