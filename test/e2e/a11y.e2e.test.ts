// Accessibility and polish of the built app, in real Chromium, as a user reaches it:
//   1. the header's Theme switch (System / Light / Dark) sets data-theme on <html>, overrides the
//      system's colour scheme both ways, and is still in force after a reload;
//   2. axe-core (WCAG 2.0/2.1/2.2 A and AA rules) finds nothing in any view (notebook with Tool calls 101
//      open, datasets, models, runs) in the light or the dark theme, chosen through the switch;
//   3. at 1280×800 and on a 768×1024 tablet no view scrolls the page sideways and every nav link
//      stays on screen and works;
//   4. keyboard: "Skip to content" is the first Tab stop and moves focus into the main region;
//      changing view through the nav moves focus to the new view's heading;
//   5. each view, empty, says what to do next.
// Screenshots: test-artifacts/a11y-<view>-<theme>.png (1280×800), tablet-<view>.png (768×1024).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContextOptions, Page, Route } from 'playwright-core';
import type { PreviewServer } from 'vite';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { artifact, buildApp, launch, openToolCalls101, serveBuild, stopServer, waitForLab } from './helpers';

const VIEWS = ['notebook', 'datasets', 'models', 'runs'] as const;
type View = (typeof VIEWS)[number];
const LINK: Record<View, string> = { notebook: 'Notebook', datasets: 'Datasets', models: 'Models', runs: 'Runs' };
// The heading each view opens with, once its storage has answered.
const HEADING: Record<View, RegExp> = { notebook: /Tool calls 101/, datasets: /^Datasets$/, models: /^Models$/, runs: /^Training runs$/ };
const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
const WCAG_AA = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];

let server: PreviewServer;
let url: string;
let browser: Browser;

beforeAll(async () => {
  await buildApp();
  ({ server, url } = await serveBuild());
  browser = await launch();
});
afterAll(async () => {
  await browser?.close();
  if (server) await stopServer(server);
});

/** A fresh profile (empty storage) at `width`×`height`; page errors fail the test that opened it. */
async function openApp(width: number, height: number, opts: BrowserContextOptions = {}): Promise<{ page: Page; errors: string[]; close(): Promise<void> }> {
  const context = await browser.newContext({ viewport: { width, height }, ...opts });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(`${url}#/notebook`);
  await waitForLab(page);
  await openToolCalls101(page);
  return { page, errors, close: () => context.close() };
}

/** Go to `view` through the header nav and wait for its heading. */
async function showView(page: Page, view: View): Promise<void> {
  await page.getByRole('navigation', { name: 'Views' }).getByRole('link', { name: LINK[view], exact: true }).click();
  await expect.poll(() => page.locator('main').getAttribute('data-view')).toBe(view);
  await expect.poll(() => page.locator('main h2').allTextContents(), { timeout: 30_000 }).toEqual(expect.arrayContaining([expect.stringMatching(HEADING[view])]));
}

/** Choose a theme with the header's switch, as a user would. */
async function chooseTheme(page: Page, theme: 'system' | 'light' | 'dark'): Promise<void> {
  await page.getByLabel('Theme').selectOption(theme);
}

/** The page's background as the browser paints it (var(--bg) of the palette in force). */
const pageBg = (page: Page) => page.evaluate(() => getComputedStyle(document.documentElement).backgroundColor);

/**
 * axe-core's WCAG A/AA violations on the page, one line each: rule id, impact, summary, and each
 * offending element's selector with axe's explanation. The CSP forbids inline scripts, so axe's
 * source is evaluated through the DevTools protocol (page.evaluate), not added as a script tag.
 */
async function axeViolations(page: Page): Promise<string[]> {
  await page.evaluate(AXE_SOURCE);
  const found = await page.evaluate(async (tags) => {
    const axe = (window as unknown as { axe: { run(ctx: unknown, opts: unknown): Promise<{ violations: Array<{ id: string; impact: string; help: string; nodes: Array<{ target: unknown[]; failureSummary?: string }> }> }> } }).axe;
    const r = await axe.run(document, { runOnly: { type: 'tag', values: tags }, resultTypes: ['violations'] });
    return r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map((n) => ({ target: n.target.join(' '), why: (n.failureSummary ?? '').replace(/\s+/g, ' ') })) }));
  }, WCAG_AA);
  return found.flatMap((v) => v.nodes.map((n) => `${v.id} (${v.impact}): ${v.help} — ${n.target} — ${n.why}`));
}

/**
 * Give every view something to show besides its empty state, as a user would: on the toy set
 * (smoke profile, WASM backend, 3 LoRA steps: seconds) the evaluation before training, a LoRA run
 * and the evaluation after it leave results and a loss curve in the notebook, a training run and
 * two reports in the Runs view; a generated dataset fills the Datasets view.
 */
async function fillViews(page: Page): Promise<void> {
  await page.locator('[data-cell="model"]').getByLabel('Backend').selectOption('wasm');
  await page.getByLabel('Profile').selectOption('smoke');
  const steps = page.locator('[data-cell="toy-lora"]').getByLabel('Max steps');
  await steps.fill('3');
  await steps.press('Tab');
  for (const [button, cell] of [['Run Toy set: before training', 'toy-baseline'], ['Run Toy set: after LoRA', 'toy-after']] as const) {
    await page.getByRole('button', { name: button }).click();
    await expect.poll(() => page.locator(`[data-cell="${cell}"]`).getAttribute('data-status'), { timeout: 120_000, interval: 500 }).toBe('done');
  }
  // The toy set's format preview: the token table and the loss mask drawn on the tokens.
  await page.locator('[data-cell="toy"]').getByRole('button', { name: 'Count tokens' }).click();
  await expect.poll(() => page.locator('[data-cell="toy"] figure[data-example]').count(), { timeout: 60_000 }).toBeGreaterThan(0);
  await showView(page, 'datasets');
  await page.getByRole('button', { name: 'Generate' }).click();
  await expect.poll(() => page.getByTestId('dataset-list').locator('tbody tr').count(), { timeout: 60_000 }).toBeGreaterThan(0);
}

/** Open what a view hides until asked: a dataset's records and one in the editor; the two reports compared and the run's details; the capability table. */
async function openDetails(page: Page, view: View): Promise<void> {
  if (view === 'datasets') {
    await page.getByTestId('dataset-list').getByRole('button', { name: /^Open / }).first().click();
    await page.getByTestId('record-browser').getByRole('button', { name: /^Edit record / }).first().click();
  } else if (view === 'runs') {
    for (const box of await page.getByRole('checkbox', { name: /^Compare / }).all()) await box.check();
    await expect.poll(() => page.locator('table.compare').count(), { timeout: 10_000 }).toBe(1);
    await page.locator('table.runs').getByRole('button').first().click();
  }
  const caps = page.getByTestId('capability-panel');
  if ((await caps.getAttribute('open')) === null) await caps.locator('summary').click();
}

describe('accessibility and polish (built app, Chromium)', () => {
  it('the Theme switch forces light or dark over the system scheme and survives a reload', async () => {
    const app = await openApp(1280, 800, { colorScheme: 'dark' });
    const { page } = app;
    try {
      const html = page.locator('html');
      expect(await html.getAttribute('data-theme')).toBeNull();
      expect(await page.getByLabel('Theme').inputValue()).toBe('system');
      const darkBg = await pageBg(page);
      await chooseTheme(page, 'light');
      expect(await html.getAttribute('data-theme')).toBe('light');
      const lightBg = await pageBg(page);
      // --bg of the light palette (#fbfbfd) and of the dark one (#15171c).
      expect([lightBg, darkBg]).toEqual(['rgb(251, 251, 253)', 'rgb(21, 23, 28)']);
      expect(await page.evaluate(() => getComputedStyle(document.documentElement).colorScheme)).toBe('light');
      await page.reload();
      await openToolCalls101(page);
      expect(await html.getAttribute('data-theme')).toBe('light');
      expect(await page.getByLabel('Theme').inputValue()).toBe('light');
      expect(await pageBg(page)).toBe(lightBg);
      await chooseTheme(page, 'system');
      expect(await html.getAttribute('data-theme')).toBeNull();
      expect(await pageBg(page)).toBe(darkBg);
      // Dark chosen on a light system.
      await page.emulateMedia({ colorScheme: 'light' });
      expect(await pageBg(page)).toBe(lightBg);
      await chooseTheme(page, 'dark');
      expect(await pageBg(page)).toBe(darkBg);
      expect(await page.evaluate(() => getComputedStyle(document.documentElement).colorScheme)).toBe('dark');
      expect(await page.evaluate(() => localStorage.getItem('lab-theme'))).toBe('dark');
      // Before the first paint: a light system, dark stored, the app's code held back (never served;
      // no service worker, so every request reaches the route). The dark theme is already on <html>
      // and painted, from public/theme.js in <head>, and the app has not mounted.
      const early = await browser.newContext({
        colorScheme: 'light',
        serviceWorkers: 'block',
        storageState: { cookies: [], origins: [{ origin: new URL(url).origin, localStorage: [{ name: 'lab-theme', value: 'dark' }] }] },
      });
      try {
        const p = await early.newPage();
        const held: Route[] = [];
        await p.route(/\/assets\/.*\.js$/, (route) => void held.push(route));
        await p.goto(`${url}#/notebook`, { waitUntil: 'commit' });
        await expect.poll(() => p.evaluate(() => document.documentElement.getAttribute('data-theme'))).toBe('dark');
        await expect.poll(() => pageBg(p)).toBe(darkBg);
        await expect.poll(() => held.length).toBeGreaterThan(0);
        expect(await p.locator('header').count()).toBe(0);
        await p.unrouteAll({ behavior: 'ignoreErrors' });
      } finally {
        await early.close();
      }
      expect(app.errors).toEqual([]);
    } finally {
      await app.close();
    }
  });

  it('each view, empty, says what to do next', async () => {
    const app = await openApp(1280, 800);
    const { page } = app;
    try {
      const next: Record<View, RegExp> = {
        notebook: /Nothing has run yet\. Press a cell's Run button/,
        datasets: /There are no datasets yet: generate one from a recipe or import a file/,
        models: /No models are loaded: press “Load the default model” above or add one below/,
        runs: /No runs yet — run a train cell in a notebook/,
      };
      for (const view of VIEWS) {
        await showView(page, view);
        await expect.poll(async () => (await page.locator('main').textContent()) ?? '', { timeout: 10_000 }).toMatch(next[view]);
      }
      expect(app.errors).toEqual([]);
    } finally {
      await app.close();
    }
  });

  it('axe finds no WCAG A/AA violation in any view, in the light or the dark theme', async () => {
    const app = await openApp(1280, 800);
    const { page } = app;
    try {
      // The check itself can fail: an unlabelled field and grey-on-white text are found.
      await page.evaluate(() => {
        const probe = document.createElement('div');
        probe.id = 'axe-probe';
        probe.innerHTML = '<input type="text" id="axe-probe-input"><p style="color:#aaa;background:#fff">faint</p>';
        document.querySelector('main')!.append(probe);
      });
      const probed = (await axeViolations(page)).join('\n');
      expect(probed).toMatch(/^label .*#axe-probe-input/m);
      expect(probed).toMatch(/^color-contrast .*#axe-probe/m);
      await page.evaluate(() => document.getElementById('axe-probe')!.remove());
      await fillViews(page);
      const all: string[] = [];
      const exportedInk: string[] = [];
      for (const theme of ['light', 'dark'] as const) {
        await chooseTheme(page, theme);
        for (const view of VIEWS) {
          await showView(page, view);
          await openDetails(page, view);
          for (const v of await axeViolations(page)) all.push(`${view}/${theme}: ${v}`);
          if (view === 'runs') {
            // The loss curve exported as SVG carries this theme's colours (the page's currentColor, written in).
            const svg = page.locator('figure.loss svg').first();
            const ink = await svg.evaluate((el) => getComputedStyle(el).color);
            const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Export the loss curve as SVG' }).first().click()]);
            const text = readFileSync(await download.path(), 'utf8');
            expect(text).toContain(`stroke="${ink}"`);
            exportedInk.push(ink);
          }
          await page.evaluate(() => window.scrollTo(0, 0));
          await page.screenshot({ path: artifact(`a11y-${view}-${theme}.png`) });
        }
      }
      expect(new Set(exportedInk).size, `exported loss-curve colours: ${exportedInk.join(', ')}`).toBe(2);
      // A modal dialog (deleting a dataset), in both themes; Escape cancels it.
      for (const theme of ['light', 'dark'] as const) {
        await chooseTheme(page, theme);
        await showView(page, 'datasets');
        await page.getByTestId('dataset-list').getByRole('button', { name: /^Delete / }).first().click();
        await expect.poll(() => page.getByTestId('confirm-dialog').first().isVisible()).toBe(true);
        for (const v of await axeViolations(page)) all.push(`delete dialog/${theme}: ${v}`);
        await page.keyboard.press('Escape');
        await expect.poll(() => page.locator('dialog[open]').count()).toBe(0);
      }
      expect(all, `axe violations:\n${all.join('\n')}`).toEqual([]);
      expect(app.errors).toEqual([]);
    } finally {
      await app.close();
    }
  });

  it('at 1280×800 and on a 768×1024 tablet no view scrolls the page sideways and the nav stays usable', async () => {
    const app = await openApp(768, 1024);
    const { page } = app;
    try {
      await fillViews(page);
      const wide: string[] = [];
      for (const [width, height] of [[768, 1024], [1280, 800]] as const) {
        await page.setViewportSize({ width, height });
        for (const view of VIEWS) {
          await showView(page, view);
          await openDetails(page, view);
          // Every nav link on screen, big enough to hit (WCAG 2.2's 24×24 px), not hidden under anything.
          for (const v of VIEWS) {
            const link = page.getByRole('navigation', { name: 'Views' }).getByRole('link', { name: LINK[v], exact: true });
            const box = await link.boundingBox();
            expect(box, `${v} link at ${width}px`).not.toBeNull();
            expect(box!.x).toBeGreaterThanOrEqual(0);
            expect(box!.x + box!.width).toBeLessThanOrEqual(width);
            expect(Math.min(box!.width, box!.height)).toBeGreaterThanOrEqual(24);
          }
          const over = await page.evaluate(() => {
            const root = document.scrollingElement!;
            if (root.scrollWidth <= root.clientWidth + 1) return null;
            // The outermost elements that stick out, to say what to fix.
            const out = [...document.querySelectorAll<HTMLElement>('body *')].filter((el) => el.getBoundingClientRect().right > root.clientWidth + 1 && !(el.parentElement && el.parentElement.getBoundingClientRect().right > root.clientWidth + 1));
            return `${root.scrollWidth} > ${root.clientWidth}: ${out.slice(0, 5).map((el) => `${el.tagName.toLowerCase()}${el.className ? `.${String(el.className).split(' ')[0]}` : ''} (right ${Math.round(el.getBoundingClientRect().right)})`).join(', ')}`;
          });
          if (over) wide.push(`${view} at ${width}×${height}: ${over}`);
          await page.evaluate(() => window.scrollTo(0, 0));
          if (width === 768) await page.screenshot({ path: artifact(`tablet-${view}.png`) });
        }
      }
      expect(wide, wide.join('\n')).toEqual([]);
      expect(app.errors).toEqual([]);
    } finally {
      await app.close();
    }
  });

  it('keyboard: "Skip to content" comes first and focuses the view; a view chosen in the nav takes focus to its heading', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    try {
      await page.goto(`${url}#/datasets`);
      await waitForLab(page);
      await expect.poll(() => page.locator('main h2').first().textContent(), { timeout: 30_000 }).toBe('Datasets');
      const active = () =>
        page.evaluate(() => {
          const a = document.activeElement as HTMLElement | null;
          return { tag: a?.tagName.toLowerCase() ?? '', text: (a?.textContent ?? '').trim(), inMain: !!a?.closest('main'), top: a?.getBoundingClientRect().top ?? -1 };
        });
      await page.keyboard.press('Tab');
      expect(await active()).toMatchObject({ tag: 'a', text: 'Skip to content' });
      expect((await active()).top).toBeGreaterThanOrEqual(0);
      await page.screenshot({ path: artifact('keyboard-skip-link.png'), clip: { x: 0, y: 0, width: 1280, height: 200 } });
      await page.keyboard.press('Enter');
      expect(await active()).toMatchObject({ tag: 'h2', text: 'Datasets', inMain: true });
      expect(await page.locator('main').getAttribute('data-view')).toBe('datasets');
      // The next Tab goes on into the view, not back to the header.
      await page.keyboard.press('Tab');
      expect((await active()).inMain).toBe(true);

      // Tab from the top of the page to the "Runs" link, and Enter.
      await page.locator('.skip-link').focus();
      let steps = 0;
      while ((await active()).text !== 'Runs' && steps++ < 10) await page.keyboard.press('Tab');
      expect(await active()).toMatchObject({ tag: 'a', text: 'Runs' });
      await page.keyboard.press('Enter');
      await expect.poll(() => active(), { timeout: 10_000 }).toMatchObject({ tag: 'h2', text: 'Training runs', inMain: true });
      await page.screenshot({ path: artifact('keyboard-view-heading.png'), clip: { x: 0, y: 0, width: 1280, height: 200 } });
      expect(await page.locator('main').getAttribute('data-view')).toBe('runs');

      // The notebook view shows its notebook's title once the notebook has opened: focus ends there.
      await page.getByRole('link', { name: 'Notebook', exact: true }).focus();
      await page.keyboard.press('Enter');
      await expect.poll(() => active(), { timeout: 10_000 }).toMatchObject({ tag: 'h2', text: expect.stringMatching(/Tool calls 101/), inMain: true });
    } finally {
      await context.close();
    }
  });
});
