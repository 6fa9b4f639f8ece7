// After one visit the lab works with the network unplugged: the service worker serves the build,
// the ONNX Runtime files and the lab's default model. Playwright's offline mode does not cover
// service-worker fetches, so the server is really stopped.
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { artifact, buildApp, cellStatus, launch, openPage, openToolCalls101, serveBuild, stopServer, waitForLab } from './helpers';

/** Wait until the service worker controls the page (its install, the precache, has finished). */
async function controlled(page: Page): Promise<void> {
  await page.evaluate(async () => {
    await navigator.serviceWorker.ready;
    while (!navigator.serviceWorker.controller) await new Promise((r) => setTimeout(r, 50));
  });
}

/** The paths the service worker precached (the lab-app-* cache). */
function precached(page: Page): Promise<string[]> {
  return page.evaluate(async () => {
    const keys = await caches.keys();
    const app = keys.find((k) => k.startsWith('lab-app-'));
    return app ? (await (await caches.open(app)).keys()).map((r) => new URL(r.url).pathname) : [];
  });
}

describe('offline', () => {
  it('a visited lab reloads and starts with the preview server stopped', async () => {
    await buildApp();
    const { server, url } = await serveBuild();
    const browser = await launch();
    try {
      const page = await browser.newPage();
      const failed: string[] = [];
      page.on('requestfailed', (r) => failed.push(`${r.url()} ${r.failure()?.errorText}`));
      page.on('console', (m) => m.type() === 'error' && failed.push(m.text()));
      await page.goto(url);
      await page.evaluate(async () => {
        await navigator.serviceWorker.ready;
        // Wait until this page is controlled and the precache is complete.
        while (!navigator.serviceWorker.controller) await new Promise((r) => setTimeout(r, 50));
      });
      const cached = await page.evaluate(async () => {
        const keys = await caches.keys();
        const app = keys.find((k) => k.startsWith('lab-app-'));
        return app ? (await (await caches.open(app)).keys()).map((r) => new URL(r.url).pathname) : [];
      });
      expect(cached).toContain('/index.html');
      expect(cached.some((p) => p.startsWith('/ort/') && p.endsWith('.wasm'))).toBe(true);
      await stopServer(server);
      await page.reload();
      await expect
        .poll(() => page.getByTestId('backend-badge').textContent(), { timeout: 30_000, message: `failed: ${failed.join('\n')}` })
        .toContain('WebGPU');
      // The service worker adds the isolation headers itself, so isolation survives without the server.
      expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);
      await page.screenshot({ path: artifact('shell-offline.png') });
    } finally {
      await browser.close();
      await stopServer(server);
    }
  });

  it('runs the toy evaluation again after a reload with the server stopped: model and code come from the cache', async () => {
    await buildApp();
    const { server, url } = await serveBuild();
    const browser = await launch();
    try {
      const { page, errors } = await openPage(browser, `${url}#/notebook`);
      await controlled(page);
      expect(await precached(page)).toEqual(
        expect.arrayContaining(['/models/lab-default/config.json', '/models/lab-default/model.safetensors', '/models/lab-default/tokenizer.json', '/presets/tool-calls-101.json']),
      );
      // The first visit: open Tool calls 101 and evaluate the base model on the toy set (its validation split).
      expect(await waitForLab(page)).toContain('WebGPU');
      await openToolCalls101(page);
      const cell = page.locator('[data-cell="toy-baseline"]');
      const shown = async () => ({
        table: (await cell.locator('table.metrics').textContent()) ?? '',
        errors: await cell.locator('p.errors').allTextContents(),
        when: (await cell.locator('.when').textContent()) ?? '',
      });
      await page.getByLabel('Profile').selectOption('smoke');
      await page.getByRole('button', { name: 'Run Toy set: before training' }).click();
      await expect.poll(() => cellStatus(page, 'toy-baseline'), { timeout: 120_000, interval: 500 }).toBe('done');
      const online = await shown();
      expect(online.table).toContain('(n = 4)');

      await stopServer(server);
      await expect(fetch(url)).rejects.toThrow();
      const models: string[] = [];
      page.on('response', (r) => {
        if (r.url().includes('/models/lab-default/')) models.push(`${new URL(r.url()).pathname} ${r.fromServiceWorker() ? 'service worker' : 'network'}`);
      });
      await page.reload();
      expect(await waitForLab(page)).toContain('WebGPU');
      await openToolCalls101(page);
      await expect.poll(() => cellStatus(page, 'toy-baseline'), { timeout: 30_000 }).toBe('done');
      await page.getByLabel('Profile').selectOption('smoke');
      await page.getByRole('button', { name: 'Run Toy set: before training' }).click();
      // A new result (a later "finished" time), the same numbers as online.
      await expect
        .poll(async () => (await cellStatus(page, 'toy-baseline')) === 'done' && (await shown()).when !== online.when, { timeout: 120_000, interval: 500 })
        .toBe(true);
      expect(await cell.getByRole('alert').count()).toBe(0);
      const offline = await shown();
      expect([offline.table, offline.errors]).toEqual([online.table, online.errors]);
      // The worker fetched the model again after the reload, and the service worker answered.
      expect(models).toEqual(expect.arrayContaining(['/models/lab-default/model.safetensors service worker', '/models/lab-default/tokenizer.json service worker']));
      expect(models.filter((m) => !m.endsWith('service worker'))).toEqual([]);
      await cell.screenshot({ path: artifact('offline-notebook-evaluated.png') });
      expect(errors).toEqual([]);
    } finally {
      await browser.close();
      await stopServer(server);
    }
  });
});
