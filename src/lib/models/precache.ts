// Pre-caching models for offline demos, with the Cache Storage API, in the caches the lab
// already reads from:
//   - a same-origin folder URL ("/models/x/", "/fixtures/tiny-gpt2/") goes into the service
//     worker's runtime cache (src/sw.ts RUNTIME, "lab-runtime-v1"), keyed by URL as the service
//     worker keys it, so the worker's UrlSource fetch is answered from it with the network gone;
//   - a Hugging Face model id goes into transformers.js's browser cache ("transformers-cache",
//     env.cacheKey), keyed by the file's Hub URL, which is where the engine's HubSource
//     (src/engine/source.ts) and transformers.js's tokenizer look first.
// Files: config.json, tokenizer.json (required), generation_config.json, tokenizer_config.json
// (when present), and model.safetensors, or the shards named by model.safetensors.index.json.
// A failed or cancelled pre-cache removes the files it added, so a model is cached whole or not.
import { formatBytes, transferFigures } from './format';

/** The service worker's runtime cache (src/sw.ts `RUNTIME`). */
export const RUNTIME_CACHE = 'lab-runtime-v1';
/** Prefix of the service worker's precache of the app build (src/sw.ts `PREFIX`). */
export const APP_CACHE_PREFIX = 'lab-app-';
/** transformers.js's browser cache (env.cacheKey, its default), read by HubSource. */
export const HUB_CACHE = 'transformers-cache';
/** transformers.js's defaults: env.remoteHost and env.remotePathTemplate. */
export const HUB_HOST = 'https://huggingface.co/';
export const HUB_PATH_TEMPLATE = '{model}/resolve/{revision}/';
/** Fired on `window` when this module adds or deletes cached models (the header listens). */
export const CACHE_CHANGED_EVENT = 'lab-cache-changed';

/** Small files of a model folder; the first two are required. */
export const MODEL_FILES = ['config.json', 'tokenizer.json', 'generation_config.json', 'tokenizer_config.json'] as const;
const REQUIRED = new Set<string>(['config.json', 'tokenizer.json']);
export const WEIGHTS_FILE = 'model.safetensors';
export const WEIGHTS_INDEX = 'model.safetensors.index.json';

/** A model folder to pre-cache: its files are `${base}${file}`, kept in `cache`. */
export interface PrecacheTarget {
  kind: 'hub' | 'url';
  /** What the user calls it: the Hub id, or the folder's path. */
  label: string;
  /** Folder URL ending in '/'. */
  base: string;
  cache: string;
}

/** A request that cannot be pre-cached, or a model folder that lacks a file; says what to do. */
export class PrecacheError extends Error {
  override name = 'PrecacheError';
}

const HUB_ID = /^(\b[\w\-.]+\b\/)?\b[\w\-.]{1,96}\b$/;

/** True for strings that look like a Hub model id ("name" or "org/name"), as transformers.js checks. */
export function isHubId(s: string): boolean {
  return HUB_ID.test(s) && !s.includes('..') && !s.includes('--');
}

/**
 * Where `spec` (a Hub id, an absolute URL, or a path starting with '/', './' or '../') is
 * fetched from and cached. `pageUrl` resolves paths and decides what is same-origin.
 */
export function precacheTarget(spec: string, pageUrl: string, revision = 'main'): PrecacheTarget {
  const s = spec.trim();
  if (!s) throw new PrecacheError('Give a Hugging Face model id ("org/name") or a folder URL.');
  if (/^https?:\/\//.test(s) || /^\.{0,2}\//.test(s)) {
    const url = new URL(s, pageUrl);
    if (url.origin !== new URL(pageUrl).origin) {
      throw new PrecacheError(
        `${url.origin} is another site: the lab can keep files offline only from this site (${new URL(pageUrl).origin}) or from the Hugging Face Hub. ` +
          'Download the folder and drop its files into "Add a model", or give a Hub id.',
      );
    }
    const base = url.href.endsWith('/') ? url.href : `${url.href}/`;
    return { kind: 'url', label: new URL(base).pathname, base, cache: RUNTIME_CACHE };
  }
  if (!isHubId(s)) throw new PrecacheError(`"${s}" is neither a Hub model id ("org/name") nor a folder URL ("/models/name/" or "https://…").`);
  const path = HUB_PATH_TEMPLATE.replaceAll('{model}', s).replaceAll('{revision}', encodeURIComponent(revision));
  return { kind: 'hub', label: s, base: HUB_HOST + path, cache: HUB_CACHE };
}

/** The Hub id a transformers.js cache URL belongs to ("org/name"), or null. */
export function hubIdOf(url: string): string | null {
  if (!url.startsWith(HUB_HOST)) return null;
  const m = /^(.+?)\/resolve\/[^/]+\//.exec(url.slice(HUB_HOST.length));
  return m ? decodeURIComponent(m[1]!) : null;
}

/**
 * The weight shards named by a model.safetensors.index.json (its `weight_map` values), unique and
 * sorted. Throws PrecacheError naming the field when the index is malformed.
 */
export function shardsFromIndex(index: unknown): string[] {
  const map = (index as { weight_map?: unknown } | null)?.weight_map;
  if (!map || typeof map !== 'object' || Array.isArray(map)) throw new PrecacheError(`${WEIGHTS_INDEX}: field "weight_map" must be an object of tensor name → shard file`);
  const files = new Set<string>();
  for (const [tensor, file] of Object.entries(map as Record<string, unknown>)) {
    if (typeof file !== 'string' || !file || file.includes('..') || file.startsWith('/')) {
      throw new PrecacheError(`${WEIGHTS_INDEX}: field "weight_map/${tensor}" must name a shard file in the same folder, got ${JSON.stringify(file)}`);
    }
    files.add(file);
  }
  if (!files.size) throw new PrecacheError(`${WEIGHTS_INDEX}: field "weight_map" lists no tensors`);
  return [...files].sort();
}

/** Progress of a pre-cache: bytes over all files (total grows as sizes become known). */
export interface PrecacheProgress {
  file: string;
  filesDone: number;
  loaded: number;
  total: number;
  rate: number;
  etaSeconds: number | null;
}

/** What a pre-cache stored. */
export interface PrecacheResult {
  target: PrecacheTarget;
  files: { file: string; bytes: number }[];
  bytes: number;
}

export interface PrecacheOptions {
  onProgress?: (p: PrecacheProgress) => void;
  signal?: AbortSignal;
  /** Cache Storage to write (default: the global `caches`). */
  storage?: CacheStorage;
}

/** Fetch, cache and report every file of a model folder (see the header). */
export async function precacheModel(target: PrecacheTarget, opts: PrecacheOptions = {}): Promise<PrecacheResult> {
  const storage = opts.storage ?? caches;
  const cache = await storage.open(target.cache);
  const t0 = performance.now();
  const added: string[] = [];
  const files: { file: string; bytes: number }[] = [];
  let loaded = 0;
  let total = 0;
  const report = (file: string) => opts.onProgress?.({ file, filesDone: files.length, loaded, total, ...transferFigures(loaded, total, t0, performance.now()) });

  /** GET one file into the cache; null when it is absent (404). */
  const fetchOne = async (file: string): Promise<Uint8Array | null> => {
    const url = target.base + file;
    let res: Response;
    try {
      res = await fetch(url, { signal: opts.signal, cache: 'no-store' });
    } catch (e) {
      if ((e as Error).name === 'AbortError') throw e;
      throw new PrecacheError(`${file}: the request to ${url} failed (${(e as Error).message}). Check that you are online and the address is right.`);
    }
    if (res.status === 404) return null;
    // Static hosts with a single-page-app fallback answer a missing file with the app's page.
    if (res.ok && /^text\/html/i.test(res.headers.get('content-type') ?? '')) {
      await res.body?.cancel();
      return null;
    }
    if (!res.ok) throw new PrecacheError(`${file}: ${url} answered HTTP ${res.status}. ${res.status === 401 || res.status === 403 ? 'The model may be gated or private; the lab cannot sign in to the Hub.' : 'Try again later.'}`);
    const size = Number(res.headers.get('content-length') ?? 0) || 0;
    total += size;
    const reader = res.body!.getReader();
    const parts: Uint8Array[] = [];
    let n = 0;
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      parts.push(value);
      n += value.length;
      loaded += value.length;
      if (n > size) total += value.length - Math.max(0, size - (n - value.length));
      report(file);
    }
    const bytes = new Uint8Array(n);
    let o = 0;
    for (const p of parts) {
      bytes.set(p, o);
      o += p.length;
    }
    const fresh = !(await cache.match(url, { ignoreVary: true }));
    const headers = { 'content-type': res.headers.get('content-type') ?? 'application/octet-stream', 'content-length': String(n) };
    await cache.put(new Request(url), new Response(bytes, { status: 200, headers }));
    if (fresh) added.push(url);
    files.push({ file, bytes: n });
    report(file);
    return bytes;
  };

  try {
    for (const file of MODEL_FILES) {
      const got = await fetchOne(file);
      if (!got && REQUIRED.has(file)) throw new PrecacheError(`${target.label}: ${file} was not found at ${target.base + file}. Check the model id or folder; a model folder needs config.json, tokenizer.json and model.safetensors.`);
    }
    const index = await fetchOne(WEIGHTS_INDEX);
    const shards = index ? shardsFromIndex(JSON.parse(new TextDecoder().decode(index))) : [WEIGHTS_FILE];
    for (const shard of shards) {
      if (!(await fetchOne(shard))) throw new PrecacheError(`${target.label}: the weights file ${shard} was not found at ${target.base + shard}.`);
    }
  } catch (e) {
    for (const url of added) await cache.delete(url).catch(() => false);
    throw e;
  }
  announce();
  return { target, files, bytes: files.reduce((a, f) => a + f.bytes, 0) };
}

/** A model found in the caches: its folder, files and bytes. */
export interface CachedModel {
  label: string;
  base: string;
  cache: string;
  kind: 'hub' | 'url' | 'app';
  files: { file: string; bytes: number }[];
  bytes: number;
}

/** Group cache entries (URLs with sizes) into model folders: those that hold a config.json. */
export function groupModels(entries: { url: string; bytes: number; cache: string }[]): CachedModel[] {
  const byFolder = new Map<string, CachedModel>();
  for (const e of entries) {
    const cut = e.url.lastIndexOf('/') + 1;
    const base = e.url.slice(0, cut);
    const key = `${e.cache}\u0000${base}`;
    let m = byFolder.get(key);
    if (!m) {
      const hub = hubIdOf(base);
      const kind = e.cache === HUB_CACHE ? 'hub' : e.cache.startsWith(APP_CACHE_PREFIX) ? 'app' : 'url';
      m = { label: hub ?? safePath(base), base, cache: e.cache, kind, files: [], bytes: 0 };
      byFolder.set(key, m);
    }
    m.files.push({ file: e.url.slice(cut), bytes: e.bytes });
    m.bytes += e.bytes;
  }
  return [...byFolder.values()].filter((m) => m.files.some((f) => f.file === 'config.json')).sort((a, b) => a.label.localeCompare(b.label));
}

function safePath(url: string): string {
  try {
    return new URL(url).pathname;
  } catch {
    return url;
  }
}

/**
 * Size of a cached response: its content-length, else its body's size; null for an HTML page (a
 * host's single-page-app fallback cached in place of a missing file is not a model file).
 */
async function sizeOf(cache: Cache, req: Request): Promise<number | null> {
  const res = await cache.match(req, { ignoreVary: true });
  if (!res || /^text\/html/i.test(res.headers.get('content-type') ?? '')) return null;
  const n = Number(res.headers.get('content-length') ?? NaN);
  return Number.isFinite(n) ? n : (await res.blob()).size;
}

/** Models held in the lab's caches (runtime, Hub, and the app precache), with files and bytes. */
export async function listCachedModels(storage: CacheStorage = caches): Promise<CachedModel[]> {
  const names = (await storage.keys()).filter((k) => k === RUNTIME_CACHE || k === HUB_CACHE || k.startsWith(APP_CACHE_PREFIX));
  const entries: { url: string; bytes: number; cache: string }[] = [];
  for (const name of names) {
    const cache = await storage.open(name);
    for (const req of await cache.keys()) {
      // Only model folders matter here: skip the app's scripts and pages without reading them.
      if (!/\.(json|safetensors)$/.test(new URL(req.url).pathname)) continue;
      const bytes = await sizeOf(cache, req);
      if (bytes !== null) entries.push({ url: req.url, bytes, cache: name });
    }
  }
  return groupModels(entries);
}

/** Delete a cached model's files (app precache entries are part of the app and are refused). */
export async function deleteCachedModel(m: CachedModel, storage: CacheStorage = caches): Promise<number> {
  if (m.kind === 'app') throw new PrecacheError(`${m.label} is part of the app's own cache; it is replaced when the lab is updated.`);
  const cache = await storage.open(m.cache);
  let n = 0;
  for (const f of m.files) if (await cache.delete(m.base + f.file, { ignoreVary: true })) n++;
  announce();
  return n;
}

/** What the header shows about offline readiness. */
export interface CacheSummary {
  /** The service worker's precache of the app build exists. */
  app: boolean;
  /** The default model's weights are in some cache. */
  defaultModel: boolean;
  /** Hub models in transformers.js's cache. */
  hubModels: number;
}

/** Offline readiness at a glance; `defaultModelUrl` is the default model's weights URL. */
export async function cacheSummary(defaultModelUrl: string, storage: CacheStorage | undefined = globalThis.caches): Promise<CacheSummary> {
  if (!storage) return { app: false, defaultModel: false, hubModels: 0 };
  const keys = await storage.keys();
  const app = keys.some((k) => k.startsWith(APP_CACHE_PREFIX));
  const defaultModel = !!(await storage.match(defaultModelUrl, { ignoreVary: true }));
  let hubModels = 0;
  if (keys.includes(HUB_CACHE)) {
    const reqs = await (await storage.open(HUB_CACHE)).keys();
    hubModels = new Set(reqs.filter((r) => r.url.endsWith('/config.json')).map((r) => hubIdOf(r.url))).size;
  }
  return { app, defaultModel, hubModels };
}

function announce(): void {
  globalThis.dispatchEvent?.(new CustomEvent(CACHE_CHANGED_EVENT));
}

/** "3 files, 5.3 MiB" */
export function describeCached(m: Pick<CachedModel, 'files' | 'bytes'>): string {
  return `${m.files.length} file${m.files.length === 1 ? '' : 's'}, ${formatBytes(m.bytes)}`;
}
