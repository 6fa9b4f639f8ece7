// Shared by the end-to-end tests: build the app once, serve the build, drive Chromium.
import { build, preview, type PreviewServer } from 'vite';
import { chromium, type Browser, type Page } from 'playwright-core';
import { expect } from 'vitest';
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { CHROMIUM_ARGS, requireChromium } from '../chromium';

export const ROOT = resolve(import.meta.dirname, '../..');
export const ARTIFACTS = join(ROOT, 'test-artifacts');

let built: Promise<void> | null = null;

/**
 * `vite build` into dist/ (once per test process), as `npm start` builds it. Vitest sets
 * NODE_ENV=test, which would make Vite build with import.meta.env.PROD false (no service worker).
 */
export function buildApp(): Promise<void> {
  built ??= (async () => {
    const env = process.env.NODE_ENV;
    process.env.NODE_ENV = 'production';
    try {
      await build({ root: ROOT, mode: 'production', logLevel: 'warn' });
    } finally {
      process.env.NODE_ENV = env;
    }
  })();
  return built;
}

/** Serve dist/ on a free port, as `npm start` does. */
export async function serveBuild(): Promise<{ url: string; server: PreviewServer }> {
  const server = await preview({ root: ROOT, preview: { port: 0, host: '127.0.0.1' }, logLevel: 'warn' });
  const url = server.resolvedUrls?.local[0];
  if (!url) throw new Error('vite preview did not report a URL');
  return { url, server };
}

/** Stop a preview server now, dropping the browser's keep-alive connections (close() alone waits for them). */
export async function stopServer(server: PreviewServer): Promise<void> {
  const http = server.httpServer as unknown as { closeAllConnections?: () => void };
  const closing = server.close();
  http.closeAllConnections?.();
  await closing;
}

/** Launch Debian's Chromium the lab's way; `webgpu: false` drops --enable-unsafe-webgpu. */
export function launch(opts: { webgpu?: boolean } = {}): Promise<Browser> {
  const args = opts.webgpu === false ? CHROMIUM_ARGS.filter((a) => a !== '--enable-unsafe-webgpu') : CHROMIUM_ARGS;
  return chromium.launch({ executablePath: requireChromium(), args, headless: true });
}

export function artifact(name: string): string {
  mkdirSync(ARTIFACTS, { recursive: true });
  return join(ARTIFACTS, name);
}

/** A cell's status as the view shows it (idle, running, done, failed, stale). */
export function cellStatus(page: Page, id: string): Promise<string | null> {
  return page.locator(`[data-cell="${id}"]`).getAttribute('data-status', { timeout: 5_000 });
}

/** Wait until the lab worker has started and reported what it runs on (the header badge). */
export async function waitForLab(page: Page): Promise<string> {
  const badge = page.getByTestId('backend-badge');
  await expect.poll(async () => ((await badge.textContent()) ?? '').trim(), { timeout: 60_000 }).toMatch(/^(WebGPU|CPU fallback)/);
  return ((await badge.textContent()) ?? '').trim();
}

/**
 * Show "Tool calls 101" in the notebook view: the lab may open it by itself (first visit) or show
 * the preset picker, whose button then opens it (the stored copy, with its results, when there is one).
 */
export async function openToolCalls101(page: Page): Promise<void> {
  const preset = page.getByRole('button', { name: 'Tool calls 101', exact: true });
  const cells = page.locator('[data-cell="intro"]');
  await expect.poll(async () => (await cells.count()) + (await preset.count()), { timeout: 30_000 }).toBeGreaterThan(0);
  // One click only: a second open landing after an edit would replace the edited notebook.
  if ((await cells.count()) === 0) await preset.click({ timeout: 5_000 }).catch(() => undefined);
  await expect.poll(() => cells.count(), { timeout: 30_000 }).toBeGreaterThan(0);
}

/** Every notebook in the page's IndexedDB store, with its results (to see that nothing changed). */
export function storedNotebooks(page: Page): Promise<string> {
  return page.evaluate(async () => {
    const db = await new Promise<IDBDatabase>((ok, bad) => {
      const r = indexedDB.open('lab-notebooks');
      r.onsuccess = () => ok(r.result);
      r.onerror = () => bad(r.error);
    });
    const all = (name: string) =>
      new Promise<unknown[]>((ok, bad) => {
        if (!db.objectStoreNames.contains(name)) return ok([]);
        const r = db.transaction(name).objectStore(name).getAll();
        r.onsuccess = () => ok(r.result);
        r.onerror = () => bad(r.error);
      });
    const out = JSON.stringify({ notebooks: await all('notebooks'), results: await all('results') });
    db.close();
    return out;
  });
}

/** A new 1280×800 page that collects page errors, opened at `address` when one is given. */
export async function openPage(browser: Browser, address?: string): Promise<{ page: Page; errors: string[] }> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  if (address) await page.goto(address);
  return { page, errors };
}
