// The Models view and the header's online/offline indicator in real Chromium: the default model's
// card facts from its files; pre-caching a real model folder (/fixtures/tiny-gpt2) into the
// service worker's runtime cache with the Cache Storage API, listing it with its files and bytes,
// deleting it; a cancelled pre-cache keeps nothing; loading stories260K through the real lab
// worker (by URL and as chosen files), unloading it; the indicator following online/offline events.
import { flushSync, mount, unmount, type Component } from 'svelte';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { startLab, type LabClient } from '../../../src/lib/lab-client';
import { ModelsState } from '../../../src/lib/models/models.svelte';
import { CACHE_CHANGED_EVENT, HUB_CACHE, precacheModel, precacheTarget, RUNTIME_CACHE, type PrecacheProgress } from '../../../src/lib/models/precache';
import ModelsPanel from '../../../src/components/models/ModelsPanel.svelte';
import OnlineIndicator from '../../../src/components/models/OnlineIndicator.svelte';
import { until as waitUntil } from '../until';

const TINY = '/fixtures/tiny-gpt2/';
const TINY_FILES = ['config.json', 'tokenizer.json', 'generation_config.json', 'tokenizer_config.json', 'model.safetensors'];
const STORIES = '/fixtures/stories260K/hf/';
const DEFAULT = '/models/lab-default/';

const cleanups: (() => Promise<unknown> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});
let lab: Promise<LabClient> | null = null;
afterAll(async () => (await lab)?.terminate());

function show<P extends Record<string, any>>(component: Component<P>, props: P): HTMLElement {
  const target = document.createElement('div');
  document.body.append(target);
  const app = mount(component, { target, props });
  cleanups.push(() => {
    unmount(app);
    target.remove();
  });
  flushSync();
  return target;
}

const until = (cond: Parameters<typeof waitUntil>[0], what: string, ms = 30_000) => waitUntil(cond, what, ms, () => document.querySelector('[role=alert]')?.textContent ?? 'no alert');

const button = (root: ParentNode, label: string) => {
  const b = [...root.querySelectorAll('button')].find((x) => x.textContent?.trim() === label || x.getAttribute('aria-label') === label);
  if (!b) throw new Error(`no button "${label}"`);
  return b as HTMLButtonElement;
};

function type(el: HTMLInputElement, value: string) {
  el.value = value;
  el.dispatchEvent(new Event('input', { bubbles: true }));
  flushSync();
}

const sizeOf = async (url: string) => (await (await fetch(url, { cache: 'no-store' })).arrayBuffer()).byteLength;

async function clearCached(base: string): Promise<void> {
  const c = await caches.open(RUNTIME_CACHE);
  for (const f of TINY_FILES) await c.delete(new URL(base + f, location.href).href);
}

describe('models view', () => {
  it('shows the default model card facts from its config.json and README', async () => {
    const ms = new ModelsState(() => null, { defaultModelUrl: DEFAULT });
    const target = show(ModelsPanel, { ms });
    await ms.readDefault();
    flushSync();
    expect(ms.defaultError).toBeNull();
    const readme = await (await fetch(DEFAULT + 'README.md')).text();
    const stated = /\| parameters \| ([\d,]+)/.exec(readme)?.[1];
    expect(stated, 'the default model card states its parameters').toBeTruthy();
    expect(target.querySelector('[data-testid=default-parameters]')?.textContent).toBe(stated);
    const config = (await (await fetch(DEFAULT + 'config.json')).json()) as { max_position_embeddings: number };
    expect(target.querySelector('[data-testid=default-model]')?.textContent).toContain(`${config.max_position_embeddings} tokens`);
    expect(ms.defaultModel!.fileBytes).toBe(await sizeOf(DEFAULT + 'model.safetensors'));
  });

  it('pre-caches a model folder into the runtime cache, lists it with its bytes, and deletes it', async () => {
    await clearCached(TINY);
    cleanups.push(() => clearCached(TINY));
    const ms = new ModelsState(() => null, { defaultModelUrl: DEFAULT });
    const target = show(ModelsPanel, { ms });
    await ms.refreshCached();
    type(target.querySelector<HTMLInputElement>('[data-testid=precache-spec]')!, TINY.slice(0, -1));
    button(target, 'Keep offline').click();
    await until(() => ms.precaching === null && ms.cacheNotice !== null, 'the pre-cache');
    expect(ms.cacheNotice).toMatchObject({ kind: 'info' });
    const cache = await caches.open(RUNTIME_CACHE);
    let total = 0;
    for (const f of TINY_FILES) {
      const url = new URL(TINY + f, location.href).href;
      const hit = await cache.match(url);
      expect(hit, `${f} is in ${RUNTIME_CACHE}`).toBeTruthy();
      const bytes = new Uint8Array(await hit!.arrayBuffer());
      const served = new Uint8Array(await (await fetch(url, { cache: 'no-store' })).arrayBuffer());
      expect(bytes.length).toBe(served.length);
      expect(bytes.every((b, i) => b === served[i])).toBe(true);
      total += bytes.length;
    }
    const item = target.querySelector(`[data-cached="${TINY}"]`);
    expect(item, 'the cached list shows the model').toBeTruthy();
    const listed = ms.cached.find((m) => m.label === TINY)!;
    expect(listed.bytes).toBe(total);
    expect(listed.files.map((f) => f.file).sort()).toEqual([...TINY_FILES].sort());
    expect(item!.textContent).toContain('5 files');
    if ((await navigator.storage.estimate()).quota) expect(target.querySelector('[data-testid=storage-estimate]')).toBeTruthy();

    button(target, `Delete cached ${TINY}`).click();
    await until(() => !ms.cached.some((m) => m.label === TINY), 'the deletion');
    for (const f of TINY_FILES) expect(await cache.match(new URL(TINY + f, location.href).href)).toBeUndefined();
    expect(target.querySelector(`[data-cached="${TINY}"]`)).toBeNull();
  });

  it('keeps nothing when a pre-cache is cancelled half-way, and names a missing file', async () => {
    await clearCached(TINY);
    cleanups.push(() => clearCached(TINY));
    const ac = new AbortController();
    const seen: PrecacheProgress[] = [];
    const target = precacheTarget(TINY, location.href);
    const err = await precacheModel(target, {
      signal: ac.signal,
      onProgress: (p) => {
        seen.push(p);
        if (p.file === 'model.safetensors' && p.loaded > 0) ac.abort();
      },
    }).catch((e: Error) => e);
    expect((err as Error).name).toBe('AbortError');
    expect(seen.some((p) => p.filesDone === 4), 'the small files were cached before the cancel').toBe(true);
    const counts = seen.map((p) => p.loaded);
    expect(counts.every((n, i) => i === 0 || n >= counts[i - 1]!)).toBe(true);
    const cache = await caches.open(RUNTIME_CACHE);
    for (const f of TINY_FILES) expect(await cache.match(new URL(TINY + f, location.href).href), `${f} was removed`).toBeUndefined();

    // A host's HTML fallback cached in place of a missing config.json is not listed as a model.
    const fallback = new URL('/fixtures/html-fallback/config.json', location.href).href;
    await cache.put(fallback, new Response('<!doctype html><p>app</p>', { headers: { 'content-type': 'text/html' } }));
    cleanups.push(() => cache.delete(fallback));
    const ms = new ModelsState(() => null, { defaultModelUrl: DEFAULT });
    await ms.refreshCached();
    expect(ms.cached.map((m) => m.label)).not.toContain('/fixtures/html-fallback/');
    expect(await ms.precache('/fixtures/gpt2-tokenizer/')).toBe(false);
    expect(ms.cacheNotice!.text).toMatch(/config\.json was not found at .*\/fixtures\/gpt2-tokenizer\/config\.json/);
    expect(await ms.precache('https://example.com/model/')).toBe(false);
    expect(ms.cacheNotice!.text).toMatch(/another site/);
  });

  it('loads stories260K in the real worker by URL and from chosen files, and unloads it', async () => {
    lab ??= startLab();
    const client = await lab;
    const ms = new ModelsState(() => client.api, { defaultModelUrl: DEFAULT });
    const target = show(ModelsPanel, { ms });
    await ms.refreshLoaded();
    type(target.querySelector<HTMLInputElement>('[data-testid=model-spec]')!, STORIES);
    button(target, 'Load').click();
    await until(() => ms.loading === null && ms.loadNotice !== null, 'the load', 60_000);
    expect(ms.loadNotice!.kind, ms.loadNotice!.text).toBe('info');
    expect(ms.loaded).toHaveLength(1);
    const row = target.querySelector('[data-testid=loaded-models] tbody tr')!;
    expect(row.textContent).toContain('260,032');
    button(target, `Unload ${ms.loaded[0]!.source}`).click();
    await until(() => ms.loaded.length === 0, 'the unload');
    expect(await client.api.listModels()).toEqual([]);

    // The same model as chosen files; first with files missing (nothing is sent to the worker).
    const file = async (name: string) => new File([await (await fetch(STORIES + name)).arrayBuffer()], name);
    const input = target.querySelector<HTMLInputElement>('input[aria-label="Choose model files"]')!;
    const choose = (files: File[]) => {
      const dt = new DataTransfer();
      for (const f of files) dt.items.add(f);
      input.files = dt.files;
      input.dispatchEvent(new Event('change', { bubbles: true }));
    };
    choose([await file('config.json')]);
    await until(() => ms.loadNotice?.kind === 'error', 'the missing-files error');
    expect(ms.loadNotice!.text).toMatch(/missing: tokenizer\.json, model\.safetensors/);
    choose(await Promise.all(['config.json', 'tokenizer.json', 'tokenizer_config.json', 'generation_config.json', 'model.safetensors'].map(file)));
    await until(() => ms.loaded.length === 1, 'the load from files', 60_000);
    expect(ms.loaded[0]!.source).toMatch(/^dropped files/);
    expect(ms.loaded[0]!.parameters).toBe(260_032);
    await ms.unload(ms.loaded[0]!);
    expect(ms.loaded).toEqual([]);
  });
});

describe('header online indicator', () => {
  it('follows online/offline events and reports what is cached', async () => {
    const hubUrl = 'https://huggingface.co/lab-test/indicator/resolve/main/config.json';
    cleanups.push(async () => void (await (await caches.open(HUB_CACHE)).delete(hubUrl)));
    const target = show(OnlineIndicator, { defaultModelUrl: DEFAULT + 'model.safetensors' });
    const el = () => target.querySelector('[data-testid=online-indicator]')!;
    expect(el().getAttribute('role')).toBe('status');
    expect(el().getAttribute('aria-live')).toBe('polite');
    window.dispatchEvent(new Event('offline'));
    flushSync();
    expect(el().getAttribute('data-online')).toBe('false');
    expect(el().textContent).toMatch(/^Offline/);
    window.dispatchEvent(new Event('online'));
    flushSync();
    expect(el().getAttribute('data-online')).toBe('true');
    expect(el().textContent).toMatch(/^Online/);
    await until(() => /Hub models cached: \d+/.test(el().textContent ?? ''), 'the cache summary');
    const before = Number(/Hub models cached: (\d+)/.exec(el().textContent!)![1]);
    await (await caches.open(HUB_CACHE)).put(hubUrl, new Response('{}'));
    window.dispatchEvent(new CustomEvent(CACHE_CHANGED_EVENT));
    await until(() => el().textContent!.includes(`Hub models cached: ${before + 1}`), 'the new Hub model to be counted');
    expect(el().textContent).toContain('App cached: no');
  });
});
