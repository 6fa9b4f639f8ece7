// State of the Models view: the lab's default model (its card facts), the models loaded in the
// worker (through the LabApi only), a model load with progress and cancel, and the models
// pre-cached for offline use with the storage estimate. One instance per view.
import * as Comlink from 'comlink';
import type { LabApi, ModelHandle, ModelLoadProgress, ModelSourceSpec } from '../../api/lab-api';
import { storageEstimate } from '../../data/store';
import { adviceFor } from './advice';
import { modelFacts, type ModelFacts } from './card';
import { missingModelFiles } from './files';
import { deleteCachedModel, listCachedModels, precacheModel, precacheTarget, type CachedModel, type PrecacheProgress } from './precache';

/** A message under a section: what happened and, for errors, what to do next. */
export interface ModelNotice {
  kind: 'info' | 'error';
  text: string;
}

/** The default model as its files describe it. */
export interface DefaultModel {
  url: string;
  facts: ModelFacts;
  /** Size of model.safetensors in bytes, when the server says. */
  fileBytes: number | null;
}

export interface ModelsOptions {
  /** Folder URL of the lab's default model (the app: `${BASE_URL}models/lab-default/`). */
  defaultModelUrl: string;
  /** The page URL pre-cache paths resolve against (default: location.href). */
  pageUrl?: string;
  /** Cache Storage to use (default: the global `caches`). */
  storage?: CacheStorage;
}

type Api = Comlink.Remote<LabApi>;

export class ModelsState {
  loaded = $state.raw<ModelHandle[]>([]);
  defaultModel = $state.raw<DefaultModel | null>(null);
  defaultError = $state<string | null>(null);
  /** The load in progress: what, and its last progress event. */
  loading = $state.raw<{ label: string; jobId: string; progress: ModelLoadProgress | null } | null>(null);
  loadNotice = $state<ModelNotice | null>(null);
  precaching = $state.raw<{ label: string; progress: PrecacheProgress | null } | null>(null);
  cacheNotice = $state<ModelNotice | null>(null);
  cached = $state.raw<CachedModel[]>([]);
  storage = $state.raw<{ usage?: number; quota?: number } | null>(null);
  private precacheAbort: AbortController | null = null;

  constructor(
    private readonly api: () => Api | null,
    readonly opts: ModelsOptions,
  ) {}

  /** Read everything the view shows (each part fails on its own). */
  async refresh(): Promise<void> {
    await Promise.all([this.readDefault(), this.refreshLoaded(), this.refreshCached()]);
  }

  /** The default model's config.json and README.md, and its weights' size. */
  async readDefault(): Promise<void> {
    const url = this.opts.defaultModelUrl;
    try {
      const res = await fetch(url + 'config.json');
      if (!res.ok) throw new Error(`config.json: HTTP ${res.status}`);
      const config = (await res.json()) as unknown;
      const readme = await fetch(url + 'README.md').then((r) => (r.ok ? r.text() : null), () => null);
      const head = await fetch(url + 'model.safetensors', { method: 'HEAD' }).catch(() => null);
      const len = Number(head?.ok ? head.headers.get('content-length') : NaN);
      this.defaultModel = { url, facts: modelFacts(config, readme), fileBytes: len > 0 ? len : null };
      this.defaultError = null;
    } catch (e) {
      this.defaultError = `The default model's files could not be read (${(e as Error).message}). The lab's build may be incomplete: reload, or add a model below.`;
    }
  }

  async refreshLoaded(): Promise<void> {
    const api = this.api();
    this.loaded = api ? await api.listModels() : [];
  }

  /**
   * Load a model in the worker: a Hub id, a folder URL, or dropped files. Progress arrives in
   * `loading.progress`; `cancelLoad` stops it; a failure says what to do next.
   */
  async load(spec: ModelSourceSpec, label: string): Promise<ModelHandle | null> {
    const api = this.api();
    if (!api) {
      this.loadNotice = { kind: 'error', text: 'The lab worker is not running, so no model can be loaded. Reload the page.' };
      return null;
    }
    if (typeof spec !== 'string') {
      const missing = missingModelFiles(spec.map((f) => f.name));
      if (missing.length) {
        this.loadNotice = { kind: 'error', text: `These files are missing: ${missing.join(', ')}. ${adviceFor('MissingFileError')}` };
        return null;
      }
    }
    const jobId = `load-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 6)}`;
    this.loading = { label, jobId, progress: null };
    this.loadNotice = null;
    try {
      const onProgress = Comlink.proxy((p: ModelLoadProgress) => {
        if (this.loading?.jobId === jobId) this.loading = { ...this.loading, progress: p };
      });
      const handle = await api.loadModel(spec, { jobId }, onProgress);
      this.loadNotice = { kind: 'info', text: `Loaded ${label}: ${handle.parameters.toLocaleString('en-US')} parameters on ${handle.backend} in ${(handle.loadMs / 1000).toFixed(1)} s.` };
      await this.refreshLoaded();
      return handle;
    } catch (e) {
      const err = e as Error;
      const what = err.name === 'JobAbortedError' ? `Loading ${label} was cancelled.` : `${label} could not be loaded: ${err.message}.`;
      this.loadNotice = { kind: 'error', text: `${what} ${adviceFor(err.name)}` };
      return null;
    } finally {
      if (this.loading?.jobId === jobId) this.loading = null;
    }
  }

  async cancelLoad(): Promise<void> {
    const job = this.loading;
    if (job) await this.api()?.abort(job.jobId);
  }

  async unload(h: ModelHandle): Promise<void> {
    const api = this.api();
    if (!api) return;
    const r = await api.unload(h.id);
    this.loadNotice = { kind: 'info', text: `Unloaded ${h.source}; the engine holds ${(r.bytesInUseAfter / 2 ** 20).toFixed(1)} MiB now.` };
    await this.refreshLoaded();
  }

  /** Pre-cache a model's files for offline use (see ./precache); cancel with `cancelPrecache`. */
  async precache(spec: string): Promise<boolean> {
    let target;
    try {
      target = precacheTarget(spec, this.opts.pageUrl ?? location.href);
    } catch (e) {
      this.cacheNotice = { kind: 'error', text: (e as Error).message };
      return false;
    }
    this.precacheAbort = new AbortController();
    this.precaching = { label: target.label, progress: null };
    this.cacheNotice = null;
    let notice: ModelNotice;
    let ok = false;
    try {
      const res = await precacheModel(target, {
        signal: this.precacheAbort.signal,
        storage: this.opts.storage,
        onProgress: (p) => (this.precaching = { label: target.label, progress: p }),
      });
      notice = { kind: 'info', text: `${target.label} is kept for offline use: ${res.files.length} files, ${(res.bytes / 2 ** 20).toFixed(2)} MiB.` };
      ok = true;
    } catch (e) {
      const err = e as Error;
      notice = { kind: 'error', text: err.name === 'AbortError' ? `Pre-caching ${target.label} was cancelled; nothing was kept.` : `${err.message}` };
    }
    // The list is brought up to date before the outcome is announced, so what the notice says is listed.
    await this.refreshCached().catch((e: Error) => (notice = { kind: 'error', text: `${notice.text} The list of cached models could not be read: ${e.message}` }));
    this.precacheAbort = null;
    this.precaching = null;
    this.cacheNotice = notice;
    return ok;
  }

  cancelPrecache(): void {
    this.precacheAbort?.abort();
  }

  async refreshCached(): Promise<void> {
    const storage = this.opts.storage ?? globalThis.caches;
    this.cached = storage ? await listCachedModels(storage) : [];
    this.storage = await storageEstimate().catch(() => null);
  }

  async deleteCached(m: CachedModel): Promise<void> {
    try {
      const n = await deleteCachedModel(m, this.opts.storage);
      this.cacheNotice = { kind: 'info', text: `Removed ${m.label} from the cache (${n} files).` };
    } catch (e) {
      this.cacheNotice = { kind: 'error', text: (e as Error).message };
    }
    await this.refreshCached();
  }
}
