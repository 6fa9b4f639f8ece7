/// <reference lib="webworker" />
// The lab's one service worker. It
//   1. precaches the whole build (app, ONNX Runtime WASM, the default model) listed in
//      /precache.json, which the build writes, so a visited lab works with the network unplugged;
//   2. caches other same-origin GETs (models, presets) after first use;
//   3. adds the cross-origin isolation headers to what it serves, for static hosts that cannot
//      set them (multi-threaded WASM needs SharedArrayBuffer, which needs isolation).
// It must stay self-contained (no imports): it is built as a single file, /sw.js.
const sw = self as unknown as ServiceWorkerGlobalScope;

const PREFIX = 'lab-app-';
const RUNTIME = 'lab-runtime-v1';
const scope = new URL(sw.registration.scope);

interface Manifest {
  version: string;
  files: string[];
}

async function manifest(): Promise<Manifest> {
  const res = await fetch(new URL('precache.json', scope), { cache: 'no-store' });
  if (!res.ok) throw new Error(`precache.json: HTTP ${res.status}`);
  return (await res.json()) as Manifest;
}

sw.addEventListener('install', (event) => {
  event.waitUntil(
    (async () => {
      const m = await manifest();
      const cache = await caches.open(PREFIX + m.version);
      await cache.addAll(m.files.map((f) => new URL(f, scope).href));
      await sw.skipWaiting();
    })(),
  );
});

sw.addEventListener('activate', (event) => {
  event.waitUntil(
    (async () => {
      const m = await manifest().catch(() => null);
      if (m) {
        for (const key of await caches.keys()) if (key.startsWith(PREFIX) && key !== PREFIX + m.version) await caches.delete(key);
      }
      await sw.clients.claim();
    })(),
  );
});

/** The same response with the isolation headers set (opaque responses are returned as they are). */
function isolated(res: Response): Response {
  if (res.type === 'opaque' || res.status === 0) return res;
  const headers = new Headers(res.headers);
  headers.set('Cross-Origin-Opener-Policy', 'same-origin');
  headers.set('Cross-Origin-Embedder-Policy', 'require-corp');
  headers.set('Cross-Origin-Resource-Policy', 'same-origin');
  return new Response(res.body, { status: res.status, statusText: res.statusText, headers });
}

async function respond(req: Request): Promise<Response> {
  const url = new URL(req.url);
  if (req.mode === 'navigate') {
    // The page: fresh when online, the cached shell when not.
    try {
      return isolated(await fetch(req));
    } catch {
      const shell =
        (await caches.match(new URL('index.html', scope).href, { ignoreVary: true })) ??
        (await caches.match(scope.href, { ignoreVary: true }));
      if (shell) return isolated(shell);
      throw new Error('offline and the app is not cached');
    }
  }
  // ignoreVary: hosts send `Vary: Origin`, and module scripts are requested with an Origin header
  // that the precache requests did not have.
  const hit = await caches.match(req, { ignoreVary: true });
  if (hit) return isolated(hit);
  const res = await fetch(req);
  // A static host answers a missing file with its index.html (status 200): caching that would make
  // an absent model file (say model.safetensors.index.json) read as HTML when offline. Only pages
  // (handled above) and .html files are HTML.
  const htmlFallback = (res.headers.get('content-type') ?? '').includes('text/html') && !url.pathname.endsWith('.html');
  if (res.ok && !htmlFallback && url.pathname !== '/precache.json' && !url.pathname.endsWith('/sw.js')) {
    const copy = res.clone();
    void caches.open(RUNTIME).then((c) => c.put(req, copy));
  }
  return isolated(res);
}

sw.addEventListener('fetch', (event) => {
  const req = event.request;
  if (req.method !== 'GET' || new URL(req.url).origin !== scope.origin) return;
  event.respondWith(respond(req));
});

sw.addEventListener('message', (event) => {
  if (event.data === 'cache-report') {
    event.waitUntil(
      (async () => {
        const report: Record<string, number> = {};
        for (const key of await caches.keys()) report[key] = (await (await caches.open(key)).keys()).length;
        event.source?.postMessage({ type: 'cache-report', report });
      })(),
    );
  }
});
