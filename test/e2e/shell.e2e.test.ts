// The built app, served as `npm start` serves it, opened in real Chromium.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PreviewServer } from 'vite';
import { artifact, buildApp, launch, openPage, serveBuild, stopServer } from './helpers';

let server: PreviewServer;
let url: string;

beforeAll(async () => {
  await buildApp();
  ({ server, url } = await serveBuild());
});
afterAll(async () => {
  if (server) await stopServer(server);
});

describe('app shell (built, served, in Chromium)', () => {
  it('shows the WebGPU adapter in the badge, all four views with their empty states, and the capability panel', async () => {
    const browser = await launch();
    try {
      const { page, errors } = await openPage(browser);
      // The content security policy (index.html) is in force and nothing the app does breaks it.
      const violations: string[] = [];
      page.on('console', (m) => /Content Security Policy/i.test(m.text()) && violations.push(m.text()));
      await page.goto(url);
      const badge = page.getByTestId('backend-badge');
      await expect.poll(() => badge.textContent(), { timeout: 30_000 }).toContain('WebGPU');
      expect(await page.locator('meta[http-equiv="Content-Security-Policy"]').getAttribute('content')).toMatch(/script-src 'self' 'unsafe-eval' 'wasm-unsafe-eval';/);
      // An injected inline script does not run.
      const ran = await page.evaluate(() => {
        const s = document.createElement('script');
        s.textContent = 'window.__injected = 1';
        document.head.append(s);
        return (window as unknown as { __injected?: number }).__injected ?? null;
      });
      expect(ran).toBeNull();
      expect(violations.length).toBe(1);
      violations.length = 0;
      expect((await badge.textContent())?.toLowerCase()).toContain('swiftshader');
      expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);
      await page.getByTestId('capability-panel').locator('summary').click();
      expect(await page.getByTestId('capability-panel').textContent()).toContain('maxStorageBufferBindingSize');
      await page.screenshot({ path: artifact('shell-webgpu.png') });
      for (const link of ['Datasets', 'Models', 'Runs', 'Notebook']) {
        await page.getByRole('link', { name: link }).click();
        await expect.poll(() => page.locator('main').getAttribute('data-view')).toBe(link.toLowerCase());
        // Each view says what it is for: a heading and some text, never a blank page.
        await expect.poll(() => page.locator('main h2').count()).toBeGreaterThan(0);
        expect((await page.locator('main').textContent())?.length ?? 0).toBeGreaterThan(100);
      }
      expect(errors).toEqual([]);
      expect(violations).toEqual([]);
    } finally {
      await browser.close();
    }
  });

  it('without WebGPU says "CPU fallback" and why, never a blank page', async () => {
    const browser = await launch({ webgpu: false });
    try {
      const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
      await page.goto(url);
      const badge = page.getByTestId('backend-badge');
      await expect.poll(() => badge.textContent(), { timeout: 30_000 }).toContain('CPU fallback');
      const problem = page.getByTestId('problem').first();
      expect(await problem.textContent()).toContain('Running on the CPU');
      await page.screenshot({ path: artifact('shell-cpu-fallback.png') });
    } finally {
      await browser.close();
    }
  });

  it('a lost GPU device is shown as a message', async () => {
    const browser = await launch();
    try {
      const page = await browser.newPage();
      await page.goto(url);
      await expect.poll(() => page.getByTestId('backend-badge').textContent(), { timeout: 30_000 }).toContain('WebGPU');
      // The shell exposes its state for tests only through the worker API it already has.
      await page.evaluate(() => (window as unknown as { __lab?: { client: { api: { debugLoseDevice(): Promise<void> } } } }).__lab?.client.api.debugLoseDevice());
      await expect.poll(() => page.getByTestId('problem').allTextContents()).toEqual(
        expect.arrayContaining([expect.stringContaining('The GPU device was lost')]),
      );
    } finally {
      await browser.close();
    }
  });
});
