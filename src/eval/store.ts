// Evaluation reports kept with the exact configuration that produced them (model, adapter, data,
// prompt format, decoding, seed, app version), so any run can be reproduced and compared later.
//
//   notebook evaluate/stress cell ─┐
//   `lab eval|stress --store DIR` ─┼─ EvalReportRecord ─ EvalStore ─ Runs view / `lab compare`
//   `lab eval --out` report file ──┘   (parseEvalReportFile converts and validates)
//
// Stores (one interface, EvalStore):
//   IdbEvalStore     the browser: IndexedDB database 'lab-evals' (EVALS_DB_VERSION 1), through idb
//                      reports  key id   EvalReportRecord
//                               index byCreated  created (ISO time): newest-first listing
//   MemoryEvalStore  tests and throwaway sessions
//   FileEvalStore    Node (`lab run`, `lab eval --store`): a folder of JSON files, ./store_node.ts
//
// A stress run is stored as one record per transformation (and one for its baseline), each with
// `config.stress = {transform, seed}`; the stressed records keep their ids, so any two of them
// pair by id in a comparison.
import { openDB, deleteDB, type DBSchema, type IDBPDatabase } from 'idb';
import { METRIC_KEYS, type MetricKey, type MetricSummary } from './aggregate';
import { ERROR_LABELS } from './labels';
import type { Verdict } from './scoring';
import { hashString } from '../notebook/hash';

export const EVALS_DB_NAME = 'lab-evals';
export const EVALS_DB_VERSION = 1;

/** Everything that determines an evaluation's outputs: enough to run it again. */
export interface EvalReportConfig {
  /** The model: an id (lab-default@1, a Hub id, a folder), where it came from, which backend ran it. */
  model: { id: string; source?: string; backend?: string };
  /** The adapter: a training run id (the runs store) or a PEFT folder; null for the base model. */
  adapter: { runId?: string; path?: string } | null;
  /** The evaluated records: dataset id or file, split, how many were evaluated, and a content hash when known. */
  dataset: { id: string; split: string; count: number; hash?: string };
  /** Prompt format (text | jsontuning | compact | chat). */
  format: string;
  decoding: { maxNewTokens: number; greedy: boolean; temperature?: number; topK?: number; topP?: number; constrained?: boolean; seed?: number };
  /** Seed of the run (sampling), when it differs from or is not in decoding. */
  seed?: number;
  /** The lab's version (package.json) that made the report. */
  appVersion: string;
  /** A stress run: the transformation ('baseline' for the unstressed split) and its seed. */
  stress?: { transform: string; seed: number };
}

/** One stored evaluation: configuration, aggregates with intervals, per-example verdicts and outputs. */
export interface EvalReportRecord {
  id: string;
  /** ISO time the evaluation ran (or was saved). */
  created: string;
  /** Display name ("after LoRA · test · renaming"). */
  name: string;
  kind: 'eval' | 'stress';
  /** Where it was made: a notebook cell, or the CLI. */
  origin: { notebookId?: string; cellId?: string; cli?: boolean };
  config: EvalReportConfig;
  /** Aggregates with 95% intervals (src/eval/aggregate.ts). */
  metrics: Record<MetricKey, MetricSummary>;
  verdicts: Verdict[];
  predictions: { id: string; output: string }[];
  /** The scorer's warnings (small n, missing predictions…), when kept. */
  warnings?: string[];
}

/** Where evaluation reports live. */
export interface EvalStore {
  /** Insert or replace (by id). */
  put(r: EvalReportRecord): Promise<void>;
  get(id: string): Promise<EvalReportRecord | undefined>;
  /** Every report, newest `created` first. */
  list(): Promise<EvalReportRecord[]>;
  delete(id: string): Promise<void>;
  close(): void;
}

/** A report file or record that is not a valid EvalReportRecord; the message names the field. */
export class EvalReportError extends Error {
  override name = 'EvalReportError';
}

/** Newest first, then by id so the order is total. */
export function newestFirst(a: EvalReportRecord, b: EvalReportRecord): number {
  return a.created < b.created ? 1 : a.created > b.created ? -1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

/** A fresh report id: time plus a hash of what makes it unique (filename- and key-safe). */
export function newEvalReportId(created: string, salt: string): string {
  return `eval-${created.replace(/[^0-9]/g, '').slice(0, 14)}-${hashString(`${created}\n${salt}\n${Math.random()}`).slice(0, 10)}`;
}

/** In memory (tests, sessions without storage). Records are copied in and out. */
export class MemoryEvalStore implements EvalStore {
  private readonly map = new Map<string, EvalReportRecord>();

  async put(r: EvalReportRecord): Promise<void> {
    validateEvalReportRecord(r, 'record');
    this.map.set(r.id, structuredClone(r));
  }

  async get(id: string): Promise<EvalReportRecord | undefined> {
    const r = this.map.get(id);
    return r ? structuredClone(r) : undefined;
  }

  async list(): Promise<EvalReportRecord[]> {
    return [...this.map.values()].map((r) => structuredClone(r)).sort(newestFirst);
  }

  async delete(id: string): Promise<void> {
    this.map.delete(id);
  }

  close(): void {}
}

interface EvalsDB extends DBSchema {
  reports: { key: string; value: EvalReportRecord; indexes: { byCreated: string } };
}

export interface EvalsOpenOptions {
  name?: string;
  onVersionChange?: (info: { oldVersion: number; newVersion: number | null }) => void;
  onBlocked?: (info: { currentVersion: number; blockedVersion: number | null }) => void;
}

/** IndexedDB ('lab-evals' v1, store 'reports'). */
export class IdbEvalStore implements EvalStore {
  private constructor(private readonly db: IDBPDatabase<EvalsDB>) {}

  /** Open (and create or upgrade) the evaluations database. */
  static async open(o: EvalsOpenOptions = {}): Promise<IdbEvalStore> {
    let db: IDBPDatabase<EvalsDB> | undefined;
    db = await openDB<EvalsDB>(o.name ?? EVALS_DB_NAME, EVALS_DB_VERSION, {
      upgrade(raw, oldVersion) {
        if (oldVersion < 1) raw.createObjectStore('reports', { keyPath: 'id' }).createIndex('byCreated', 'created');
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
    return new IdbEvalStore(db);
  }

  /** Delete the whole database (tests, "reset lab"). */
  static async destroy(name = EVALS_DB_NAME): Promise<void> {
    await deleteDB(name);
  }

  async put(r: EvalReportRecord): Promise<void> {
    validateEvalReportRecord(r, 'record');
    await this.db.put('reports', r);
  }

  async get(id: string): Promise<EvalReportRecord | undefined> {
    return this.db.get('reports', id);
  }

  async list(): Promise<EvalReportRecord[]> {
    return (await this.db.getAllFromIndex('reports', 'byCreated')).sort(newestFirst);
  }

  async delete(id: string): Promise<void> {
    await this.db.delete('reports', id);
  }

  close(): void {
    this.db.close();
  }
}

// ---- validation ---------------------------------------------------------------------------------

type Obj = Record<string, unknown>;

function fail(where: string, msg: string): never {
  throw new EvalReportError(`${where}: ${msg}`);
}

function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function obj(v: unknown, where: string): Obj {
  if (!isObj(v)) fail(where, `must be an object, got ${describe(v)}`);
  return v;
}

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'string') return `the string ${JSON.stringify(v.length > 40 ? v.slice(0, 40) + '…' : v)}`;
  return typeof v === 'object' ? 'an object' : `${typeof v} ${String(v)}`;
}

function str(o: Obj, k: string, where: string, optional = false): void {
  if (optional && o[k] === undefined) return;
  if (typeof o[k] !== 'string') fail(`${where}.${k}`, `must be a string, got ${describe(o[k])}`);
}

function numField(o: Obj, k: string, where: string, opt: { optional?: boolean; nullable?: boolean } = {}): void {
  const v = o[k];
  if (opt.optional && v === undefined) return;
  if (opt.nullable && v === null) return;
  if (typeof v !== 'number' || !Number.isFinite(v)) fail(`${where}.${k}`, `must be a finite number${opt.nullable ? ' or null' : ''}, got ${describe(v)}`);
}

function boolField(o: Obj, k: string, where: string, opt: { optional?: boolean; nullable?: boolean } = {}): void {
  const v = o[k];
  if (opt.optional && v === undefined) return;
  if (opt.nullable && v === null) return;
  if (typeof v !== 'boolean') fail(`${where}.${k}`, `must be true or false${opt.nullable ? ' or null' : ''}, got ${describe(v)}`);
}

function strOrNull(o: Obj, k: string, where: string): void {
  if (o[k] !== null && typeof o[k] !== 'string') fail(`${where}.${k}`, `must be a string or null, got ${describe(o[k])}`);
}

function validateConfig(v: unknown, w: string): void {
  const c = obj(v, w);
  const m = obj(c.model, `${w}.model`);
  str(m, 'id', `${w}.model`);
  str(m, 'source', `${w}.model`, true);
  str(m, 'backend', `${w}.model`, true);
  if (c.adapter !== null) {
    const a = obj(c.adapter, `${w}.adapter`);
    str(a, 'runId', `${w}.adapter`, true);
    str(a, 'path', `${w}.adapter`, true);
  }
  const d = obj(c.dataset, `${w}.dataset`);
  str(d, 'id', `${w}.dataset`);
  str(d, 'split', `${w}.dataset`);
  numField(d, 'count', `${w}.dataset`);
  str(d, 'hash', `${w}.dataset`, true);
  str(c, 'format', w);
  const dec = obj(c.decoding, `${w}.decoding`);
  numField(dec, 'maxNewTokens', `${w}.decoding`);
  boolField(dec, 'greedy', `${w}.decoding`);
  for (const k of ['temperature', 'topK', 'topP', 'seed']) numField(dec, k, `${w}.decoding`, { optional: true });
  boolField(dec, 'constrained', `${w}.decoding`, { optional: true });
  numField(c, 'seed', w, { optional: true });
  str(c, 'appVersion', w);
  if (c.stress !== undefined) {
    const s = obj(c.stress, `${w}.stress`);
    str(s, 'transform', `${w}.stress`);
    numField(s, 'seed', `${w}.stress`);
  }
}

function validateMetrics(v: unknown, w: string): void {
  const m = obj(v, w);
  for (const k of METRIC_KEYS) {
    const s = obj(m[k], `${w}.${k}`);
    for (const f of ['value', 'lo', 'hi']) numField(s, f, `${w}.${k}`, { nullable: true });
    numField(s, 'n', `${w}.${k}`);
    if (s.unit !== 'rate' && s.unit !== 'percent') fail(`${w}.${k}.unit`, `must be "rate" or "percent", got ${describe(s.unit)}`);
    str(s, 'over', `${w}.${k}`);
  }
}

const LABELS = new Set<string>(ERROR_LABELS);

function validateVerdict(v: unknown, w: string): void {
  const o = obj(v, w);
  str(o, 'id', w);
  if (o.kind !== 'tool-call' && o.kind !== 'json-output') fail(`${w}.kind`, `must be "tool-call" or "json-output", got ${describe(o.kind)}`);
  str(o, 'group', w);
  for (const k of ['noOutput', 'validJsonStrict', 'validJson', 'schemaOk', 'exactMatch']) boolField(o, k, w);
  boolField(o, 'bfclMatch', w, { nullable: true });
  numField(o, 'fieldMatch', w);
  numField(o, 'fieldNoise', w, { nullable: true });
  numField(o, 'noise', w, { nullable: true });
  if (o.error !== null && !LABELS.has(o.error as string)) fail(`${w}.error`, `must be null or an error label (${ERROR_LABELS.join(', ')}), got ${describe(o.error)}`);
  strOrNull(o, 'path', w);
  strOrNull(o, 'message', w);
  if (o.extraction !== null && o.extraction !== 'whole' && o.extraction !== 'fence' && o.extraction !== 'balanced') fail(`${w}.extraction`, `must be whole, fence, balanced or null, got ${describe(o.extraction)}`);
  numField(o, 'calls', w, { nullable: true });
}

/** Check that `v` is an EvalReportRecord; throws EvalReportError naming the first bad field (e.g. `record.verdicts[3].exactMatch`). */
export function validateEvalReportRecord(v: unknown, where = 'record'): asserts v is EvalReportRecord {
  const r = obj(v, where);
  str(r, 'id', where);
  if (r.id === '') fail(`${where}.id`, 'must not be empty');
  str(r, 'created', where);
  if (Number.isNaN(Date.parse(r.created as string))) fail(`${where}.created`, `must be an ISO date-time, got ${describe(r.created)}`);
  str(r, 'name', where);
  if (r.kind !== 'eval' && r.kind !== 'stress') fail(`${where}.kind`, `must be "eval" or "stress", got ${describe(r.kind)}`);
  const origin = obj(r.origin, `${where}.origin`);
  str(origin, 'notebookId', `${where}.origin`, true);
  str(origin, 'cellId', `${where}.origin`, true);
  boolField(origin, 'cli', `${where}.origin`, { optional: true });
  validateConfig(r.config, `${where}.config`);
  validateMetrics(r.metrics, `${where}.metrics`);
  if (!Array.isArray(r.verdicts)) fail(`${where}.verdicts`, `must be an array, got ${describe(r.verdicts)}`);
  const ids = new Set<string>();
  r.verdicts.forEach((x, i) => {
    validateVerdict(x, `${where}.verdicts[${i}]`);
    const id = (x as Verdict).id;
    if (ids.has(id)) fail(`${where}.verdicts[${i}].id`, `"${id}" appears twice`);
    ids.add(id);
  });
  if (!Array.isArray(r.predictions)) fail(`${where}.predictions`, `must be an array, got ${describe(r.predictions)}`);
  r.predictions.forEach((x, i) => {
    const p = obj(x, `${where}.predictions[${i}]`);
    str(p, 'id', `${where}.predictions[${i}]`);
    str(p, 'output', `${where}.predictions[${i}]`);
  });
  if (r.warnings !== undefined) {
    if (!Array.isArray(r.warnings) || r.warnings.some((x) => typeof x !== 'string')) fail(`${where}.warnings`, 'must be an array of strings');
  }
}

// ---- report files -------------------------------------------------------------------------------

/** The part of a `lab eval --out` report (src/eval/run.ts EvalReport) a record is made from. */
interface CliEvalReport {
  config: {
    appVersion: string;
    backend: string;
    model: { name: string };
    adapter: { name: string } | null;
    format: string;
    decoding: { maxNewTokens: number; temperature: number; topK: number; topP: number; seed: number; constrained: boolean };
    data: { name: string; split: string; records: number; stress?: string };
    started: string;
  };
  examples: { id: string; output: string; verdict: Verdict }[];
  score: { metrics: Record<MetricKey, MetricSummary>; warnings: string[] };
}

function looksLikeCliReport(v: Obj): boolean {
  return isObj(v.config) && typeof v.config.reportVersion === 'number' && Array.isArray(v.examples) && isObj(v.score);
}

function baseName(source: string): string {
  return source.replace(/\\/g, '/').split('/').pop()?.replace(/\.json$/i, '') ?? source;
}

/**
 * A record from a `lab eval --out` report (EvalReport of src/eval/run.ts). `stressSeed` is the
 * seed of a stressed run (from the `lab stress` file around it). The id is a hash of the source
 * name and the run's start time, so reading the same file twice gives the same id.
 */
export function recordFromCliReport(v: unknown, source = 'report', stressSeed?: number): EvalReportRecord {
  const w = source;
  const rep = obj(v, w);
  const c = obj(rep.config, `${w}.config`);
  for (const k of ['appVersion', 'backend', 'format', 'started']) str(c, k, `${w}.config`);
  const model = obj(c.model, `${w}.config.model`);
  str(model, 'name', `${w}.config.model`);
  if (c.adapter !== null) str(obj(c.adapter, `${w}.config.adapter`), 'name', `${w}.config.adapter`);
  const dec = obj(c.decoding, `${w}.config.decoding`);
  for (const k of ['maxNewTokens', 'temperature', 'topK', 'topP', 'seed']) numField(dec, k, `${w}.config.decoding`);
  boolField(dec, 'constrained', `${w}.config.decoding`);
  const data = obj(c.data, `${w}.config.data`);
  str(data, 'name', `${w}.config.data`);
  str(data, 'split', `${w}.config.data`);
  numField(data, 'records', `${w}.config.data`);
  str(data, 'stress', `${w}.config.data`, true);
  if (!Array.isArray(rep.examples)) fail(`${w}.examples`, 'must be an array');
  rep.examples.forEach((e, i) => {
    const o = obj(e, `${w}.examples[${i}]`);
    str(o, 'id', `${w}.examples[${i}]`);
    str(o, 'output', `${w}.examples[${i}]`);
    validateVerdict(o.verdict, `${w}.examples[${i}].verdict`);
  });
  const score = obj(rep.score, `${w}.score`);
  validateMetrics(score.metrics, `${w}.score.metrics`);
  const r = rep as unknown as CliEvalReport;
  const cfg = r.config;
  const transform = cfg.data.stress;
  const config: EvalReportConfig = {
    model: { id: cfg.model.name, source: cfg.model.name, backend: cfg.backend },
    adapter: cfg.adapter ? { path: cfg.adapter.name } : null,
    dataset: { id: cfg.data.name, split: cfg.data.split, count: cfg.data.records },
    format: cfg.format,
    decoding: {
      maxNewTokens: cfg.decoding.maxNewTokens,
      greedy: cfg.decoding.temperature === 0,
      temperature: cfg.decoding.temperature,
      topK: cfg.decoding.topK,
      topP: cfg.decoding.topP,
      constrained: cfg.decoding.constrained,
      seed: cfg.decoding.seed,
    },
    seed: cfg.decoding.seed,
    appVersion: cfg.appVersion,
    ...(transform !== undefined || stressSeed !== undefined ? { stress: { transform: transform ?? 'baseline', seed: stressSeed ?? 0 } } : {}),
  };
  const name = transform ? `${baseName(source)} · ${transform}` : baseName(source);
  return {
    id: `cli-${hashString(`${source}\n${cfg.started}\n${transform ?? ''}`)}`,
    created: cfg.started,
    name,
    kind: config.stress ? 'stress' : 'eval',
    origin: { cli: true },
    config,
    metrics: r.score.metrics,
    verdicts: r.examples.map((e) => e.verdict),
    predictions: r.examples.map((e) => ({ id: e.id, output: e.output })),
    warnings: Array.isArray(r.score.warnings) ? r.score.warnings.filter((x) => typeof x === 'string') : [],
  };
}

function parseJson(text: string, source: string): unknown {
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new EvalReportError(`${source}: not JSON (${(e as Error).message})`);
  }
}

/**
 * Read one report file: a stored EvalReportRecord (what the stores and `lab eval --store` write)
 * or a `lab eval --out` report, converted. Throws EvalReportError naming the file and field.
 * A `lab stress --out` file holds several runs: read it with `parseEvalReportFiles`.
 */
export function parseEvalReportFile(text: string, source = 'report'): EvalReportRecord {
  const v = parseJson(text, source);
  if (isObj(v) && Array.isArray(v.rows) && isObj(v.reports)) {
    throw new EvalReportError(`${source}: a \`lab stress\` report holds ${Object.keys(v.reports).length} runs (baseline and transformations); name one as ${source}#TRANSFORM`);
  }
  if (isObj(v) && looksLikeCliReport(v)) return recordFromCliReport(v, source);
  validateEvalReportRecord(v, source);
  return v;
}

/**
 * Every run in a report file: one for a stored record or a `lab eval` report, the baseline and
 * each transformation for a `lab stress` report (named `FILE · transform`).
 */
export function parseEvalReportFiles(text: string, source = 'report'): EvalReportRecord[] {
  const v = parseJson(text, source);
  if (isObj(v) && Array.isArray(v.rows) && isObj(v.reports)) return recordsFromStressReport(v, source);
  return [parseEvalReportFile(text, source)];
}

/** The runs of a `lab stress --out` report (`{stressSeed, rows, reports: {baseline, renaming, …}}`): one record each. */
export function recordsFromStressReport(v: unknown, source = 'report'): EvalReportRecord[] {
  const o = obj(v, source);
  const reports = obj(o.reports, `${source}.reports`);
  const seed = typeof o.stressSeed === 'number' ? o.stressSeed : 0;
  return Object.entries(reports).map(([t, rep]) => {
    const r = recordFromCliReport(rep, `${source}#${t}`, seed);
    return { ...r, name: `${baseName(source)} · ${t}`, config: { ...r.config, stress: { transform: t, seed } } };
  });
}

/**
 * A store opened on first use (e.g. `lazyEvalStore(() => IdbEvalStore.open())`), so a worker can
 * offer one without opening IndexedDB until a report is saved or read. A failed open is retried
 * on the next call.
 */
export function lazyEvalStore(open: () => Promise<EvalStore>): EvalStore {
  let opening: Promise<EvalStore> | null = null;
  const get = (): Promise<EvalStore> => {
    opening ??= open().catch((e: unknown) => {
      opening = null;
      throw e;
    });
    return opening;
  };
  return {
    put: async (r) => (await get()).put(r),
    get: async (id) => (await get()).get(id),
    list: async () => (await get()).list(),
    delete: async (id) => (await get()).delete(id),
    close() {
      void opening?.then((s) => s.close(), () => undefined);
      opening = null;
    },
  };
}
