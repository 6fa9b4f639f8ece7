// "Tool calls 101" in the built app, served as `npm start` serves it, in real Chromium:
//   1. the preset opens on the lab's default model (served from public/models/lab-default), the
//      toy-set cells run in the lab worker on WebGPU (load, LoRA with a live loss curve, evaluate
//      after), the results survive a reload. SwiftShader takes seconds per training step, so the
//      user's "Max steps" field shortens the LoRA run to 5 steps;
//   2. every cell runs (smoke profile) after the user picks the wasm backend in the model cell
//      (SwiftShader WebGPU is too slow for the whole notebook in CI): the loss falls over ≥ 10
//      points, baseline and after-LoRA metrics, the six stress rows; all still there after a reload;
//   3. export → clear the site's storage → import gives the same configuration; a damaged file
//      and a newer-version file are refused with an alert and nothing stored changes.
// Screenshots of each step go to test-artifacts/notebook-*.png.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import type { PreviewServer } from 'vite';
import { readFileSync, writeFileSync } from 'node:fs';
import { artifact, buildApp, cellStatus, launch, openPage, openToolCalls101, serveBuild, stopServer, storedNotebooks, waitForLab } from './helpers';

let server: PreviewServer;
let url: string;

beforeAll(async () => {
  await buildApp();
  ({ server, url } = await serveBuild());
});
afterAll(async () => {
  if (server) await stopServer(server);
});

describe('notebook (built app)', () => {
  it('opens Tool calls 101 on the default model, runs the toy cells with training, and keeps the results after a reload', async () => {
    const browser = await launch();
    try {
      const { page, errors } = await openPage(browser, `${url}#/notebook`);
      await openToolCalls101(page);
      expect(await page.locator('article[data-cell]').count()).toBeGreaterThan(10);
      expect(await page.locator('.pin').count()).toBe(0);
      await page.getByLabel('Profile').selectOption('smoke');
      await page.locator('[data-cell="toy-lora"]').getByLabel('Max steps').fill('5');
      await page.locator('[data-cell="toy-lora"]').getByLabel('Max steps').press('Tab');
      await page.screenshot({ path: artifact('notebook-1-preset.png'), fullPage: false });

      // One click runs the dataset, the model, the LoRA run and the evaluation after it.
      await page.getByRole('button', { name: 'Run Toy set: after LoRA' }).click();
      // While it trains: step, learning rate, tokens/s, ETA and pause/cancel (or already done).
      await expect.poll(async () => (await page.locator('[data-cell="toy-lora"] .live').count()) === 1 || (await cellStatus(page, 'toy-lora')) === 'done', { timeout: 240_000 }).toBe(true);
      await page.locator('[data-cell="toy-lora"]').screenshot({ path: artifact('notebook-2-training.png') });
      await expect
        .poll(async () => ['done', 'failed'].includes((await cellStatus(page, 'toy-after')) ?? ''), { timeout: 240_000, interval: 1000 })
        .toBe(true);
      for (const id of ['toy', 'model', 'toy-lora', 'toy-after']) expect(await cellStatus(page, id), id).toBe('done');
      expect(await page.locator('[data-cell="model"] .result').textContent()).toMatch(/lab-default.*on webgpu/);
      expect(await page.locator('[data-cell="toy-lora"] svg path.train').count()).toBe(1);
      expect(await page.locator('[data-cell="toy-lora"] .result figcaption').textContent()).toContain('over 5 steps');
      expect(await page.locator('[data-cell="toy-after"] tr[data-metric="exactMatch"]').count()).toBe(1);
      await page.locator('[data-cell="toy-lora"]').screenshot({ path: artifact('notebook-3-trained.png') });
      await page.locator('[data-cell="toy-after"]').screenshot({ path: artifact('notebook-4-evaluated.png') });

      // Reload and open the notebook again: the results come back from IndexedDB.
      await page.reload();
      await openToolCalls101(page);
      await expect.poll(() => cellStatus(page, 'toy-after'), { timeout: 30_000 }).toBe('done');
      expect(await cellStatus(page, 'toy-lora')).toBe('done');
      await page.screenshot({ path: artifact('notebook-5-after-reload.png') });
      expect(errors).toEqual([]);
    } finally {
      await browser.close();
    }
  });
});

const VIEWPORT = { width: 1280, height: 800 };
const TRANSFORMS = ['distractors', 'paraphrase', 'renaming', 'reordering', 'underspecified', 'unseen-tools'];

/** Every cell's id and status, in notebook order. */
const allStatuses = (page: Page) =>
  page.locator('article[data-cell]').evaluateAll((els) => els.map((e) => [e.getAttribute('data-cell')!, e.getAttribute('data-status')!] as const));

/** What the results show: the loss caption, the metrics tables and the stress rows (as a person reads them). */
async function shownResults(page: Page) {
  const cell = (id: string) => page.locator(`[data-cell="${id}"]`).getByRole('region', { name: 'Result' });
  const metrics = (id: string) =>
    cell(id)
      .locator('table.metrics')
      .evaluate((t) => ({
        caption: t.querySelector('caption')?.textContent ?? '',
        rows: [...t.querySelectorAll('tr[data-metric]')].map((r) => [r.getAttribute('data-metric')!, r.textContent ?? ''] as const),
      }));
  return {
    loss: (await cell('lora').locator('figcaption').textContent()) ?? '',
    lossLabel: (await cell('lora').getByRole('img').first().getAttribute('aria-label')) ?? '',
    baseline: await metrics('baseline'),
    after: await metrics('after'),
    stress: await cell('stress')
      .locator('tr[data-transform]')
      .evaluateAll((rows) => rows.map((r) => ({ transform: r.getAttribute('data-transform')!, cells: [...r.querySelectorAll('td')].map((td) => td.textContent ?? '') }))),
  };
}

/** Click Export and return the downloaded file's path and text. */
async function exportFile(page: Page, name: string): Promise<{ path: string; text: string }> {
  const [download] = await Promise.all([page.waitForEvent('download', { timeout: 30_000 }), page.getByRole('button', { name: 'Export', exact: true }).click()]);
  const path = artifact(name);
  await download.saveAs(path);
  return { path, text: readFileSync(path, 'utf8') };
}

/**
 * A new page on Tool calls 101 with the smoke profile and, as a user does when the GPU is slow,
 * the model cell's backend set to the CPU's WebAssembly SIMD path; page errors are collected.
 */
async function openSmokeOnWasm(browser: Browser): Promise<{ page: Page; errors: string[] }> {
  const { page, errors } = await openPage(browser, `${url}#/notebook`);
  await waitForLab(page);
  await openToolCalls101(page);
  await page.getByLabel('Profile').selectOption('smoke');
  await page.locator('[data-cell="model"]').getByLabel('Backend').selectOption('wasm');
  return { page, errors };
}

describe('notebook, whole preset (built app)', () => {
  it('runs every cell of Tool calls 101 (smoke, wasm backend picked in the model cell) and keeps the results after a reload', async () => {
    const browser = await launch();
    try {
      const { page, errors } = await openSmokeOnWasm(browser);
      const ids = (await allStatuses(page)).map(([id]) => id);
      expect(ids).toEqual(expect.arrayContaining(['toy', 'model', 'toy-lora', 'tc101', 'baseline', 'lora', 'after', 'stress', 'compare']));
      await page.screenshot({ path: artifact('notebook-all-1-wasm-chosen.png') });

      await page.getByRole('button', { name: 'Run all', exact: true }).click();
      await expect
        .poll(
          async () =>
            ((await page.locator('[data-cell="lora"] .live').count()) === 1 && (await page.locator('[data-cell="lora"] svg path.train').count()) === 1) ||
            (await cellStatus(page, 'lora')) === 'done',
          { timeout: 240_000, interval: 200 },
        )
        .toBe(true);
      // While it trains (a few steps in): the live line, Pause/Cancel and the curve so far.
      await page.locator('[data-cell="lora"]').screenshot({ path: artifact('notebook-all-2-training.png') });
      await expect
        .poll(async () => (await allStatuses(page)).every(([, s]) => s === 'done' || s === 'failed'), { timeout: 240_000, interval: 1000 })
        .toBe(true);
      for (const [id, s] of await allStatuses(page)) {
        const why = s === 'done' ? '' : await page.locator(`[data-cell="${id}"] [role="alert"]`).allTextContents();
        expect(s, `${id}: ${why}`).toBe('done');
      }
      // The model ran where the user asked: the CPU's WebAssembly SIMD kernels.
      expect(await page.locator('[data-cell="model"]').getByRole('region', { name: 'Result' }).textContent()).toContain('WebAssembly SIMD');
      // The preset's smoke expectations (dataset counts, 20 steps, n = 16) all pass.
      const checks = await page.getByRole('list', { name: 'Expected results' }).locator('li').allTextContents();
      expect(checks.length).toBeGreaterThan(0);
      expect(checks.filter((c) => !c.startsWith('✓')), 'failed checks').toEqual([]);

      const shown = await shownResults(page);
      // Training: at least 10 loss points and the last below the first.
      const loss = /^Loss (\d+\.\d+) → (\d+\.\d+) over (\d+) steps/.exec(shown.loss.trim());
      expect(loss, shown.loss).not.toBeNull();
      expect(Number(loss![3])).toBeGreaterThanOrEqual(10);
      expect(shown.lossLabel).toContain(`over ${loss![3]} steps`);
      expect(Number(loss![2])).toBeLessThan(Number(loss![1]));
      expect(await page.locator('[data-cell="lora"] svg path.train').count()).toBe(1);
      // Metrics before (base model) and after (the LoRA adapter) on the same 16 test examples.
      expect(shown.baseline.caption).toContain('base model');
      expect(shown.after.caption).toContain('adapter of lora');
      for (const m of [shown.baseline, shown.after]) {
        expect(m.caption).toContain('(n = 16)');
        expect(m.rows.map(([k]) => k)).toEqual(expect.arrayContaining(['validJson', 'schemaOk', 'exactMatch']));
        for (const [, text] of m.rows) expect(text).toMatch(/\d+\.\d%/);
      }
      // Stress: all six rows, each with examples (n > 0) or "not applicable" with its reason.
      expect(shown.stress.map((r) => r.transform).sort()).toEqual(TRANSFORMS);
      for (const r of shown.stress) {
        const n = Number(r.cells[0]);
        const na = r.cells.at(-1)!;
        expect(n > 0 || /^[1-9]\d*: \S/.test(na), `${r.transform}: n ${n}, not applicable "${na}"`).toBe(true);
      }
      await page.locator('[data-cell="lora"]').screenshot({ path: artifact('notebook-all-3-lora.png') });
      await page.locator('[data-cell="baseline"]').screenshot({ path: artifact('notebook-all-4-baseline.png') });
      await page.locator('[data-cell="after"]').screenshot({ path: artifact('notebook-all-5-after.png') });
      await page.locator('[data-cell="stress"]').screenshot({ path: artifact('notebook-all-6-stress.png') });

      // The recipe's format preview: tokens per split with lab-default's tokenizer, and the loss mask on the tokens.
      const data = page.locator('[data-cell="tc101"]');
      await data.getByRole('button', { name: 'Count tokens' }).click();
      const preview = data.getByRole('region', { name: 'Format preview of tc101' });
      await expect.poll(async () => preview.locator('tr[data-split]').count(), { timeout: 60_000 }).toBe(3);
      expect(await preview.textContent()).toContain('Tokenizer of ');
      const ex = preview.locator('figure[data-example]').first();
      const caption = /(\d+) prompt \+ (\d+) answer \+ 1 end token = (\d+) tokens; (\d+) count in the loss/.exec((await ex.locator('figcaption').textContent()) ?? '');
      expect(caption).not.toBeNull();
      const [promptTokens, answerTokens, total, counted] = caption!.slice(1).map(Number) as [number, number, number, number];
      expect(await ex.locator('.tok').count()).toBe(total);
      expect(await ex.locator('.tok.loss').count()).toBe(counted);
      // The preset trains on the answer only: the answer and its end token count.
      expect(counted).toBe(answerTokens + 1);
      expect(promptTokens + answerTokens + 1).toBe(total);
      await data.screenshot({ path: artifact('notebook-all-8-format-preview.png') });

      // Reload: every result comes back from IndexedDB, as it was shown.
      await page.reload();
      await openToolCalls101(page);
      await expect.poll(async () => (await allStatuses(page)).every(([, s]) => s === 'done'), { timeout: 30_000 }).toBe(true);
      expect(await shownResults(page)).toEqual(shown);
      await page.locator('[data-cell="stress"]').scrollIntoViewIfNeeded();
      await page.screenshot({ path: artifact('notebook-all-7-after-reload.png') });
      expect(errors).toEqual([]);
    } finally {
      await browser.close();
    }
  });

  it('keeps the open notebook, its profile and a running training when the user visits another view and comes back', async () => {
    const browser = await launch();
    try {
      const { page, errors } = await openSmokeOnWasm(browser);
      await page.getByRole('button', { name: 'Run LoRA fine-tuning', exact: true }).click();
      await expect.poll(async () => page.locator('[data-cell="lora"] .live').count(), { timeout: 120_000, interval: 100 }).toBe(1);
      const views = page.getByRole('navigation', { name: 'Views' });
      await views.getByRole('link', { name: 'Datasets' }).click();
      await expect.poll(async () => page.locator('main').getAttribute('data-view')).toBe('datasets');
      await views.getByRole('link', { name: 'Notebook' }).click();
      // The same notebook with the same profile; the training is still shown as running (or has finished meanwhile).
      await expect.poll(async () => page.locator('[data-cell="lora"]').count(), { timeout: 30_000 }).toBe(1);
      expect(await page.getByLabel('Profile').inputValue()).toBe('smoke');
      expect(await page.locator('[data-cell="model"]').getByLabel('Backend').inputValue()).toBe('wasm');
      expect(['running', 'done']).toContain(await cellStatus(page, 'lora'));
      await expect.poll(async () => cellStatus(page, 'lora'), { timeout: 240_000, interval: 500 }).toBe('done');
      expect(await page.locator('[data-cell="lora"] .result figcaption').textContent()).toMatch(/over 20 steps/);
      expect(errors).toEqual([]);
    } finally {
      await browser.close();
    }
  });

  it('exports, clears storage, imports the same configuration; refuses a damaged and a newer file without changing anything', async () => {
    const browser = await launch();
    try {
      const page = await browser.newPage({ viewport: VIEWPORT });
      await page.goto(`${url}#/notebook`);
      await openToolCalls101(page);
      // The user's own settings, to see them come back.
      await page.locator('[data-cell="model"]').getByLabel('Backend').selectOption('wasm');
      await page.locator('[data-cell="lora"]').getByLabel('Max steps').fill('12');
      await page.locator('[data-cell="lora"]').getByLabel('Max steps').press('Tab');
      await page.locator('[data-cell="after"]').getByLabel('Examples (limit)').fill('8');
      await page.locator('[data-cell="after"]').getByLabel('Examples (limit)').press('Tab');
      const exported = await exportFile(page, 'notebook-exported.json');
      const nb = JSON.parse(exported.text) as { id: string; title: string; cells: { id: string; [k: string]: unknown }[]; datasets?: unknown; results?: unknown };
      const cell = (id: string) => nb.cells.find((c) => c.id === id)!;
      expect(cell('model').backend).toBe('wasm');
      expect(cell('lora').maxSteps).toBe(12);
      expect(cell('after').limit).toBe(8);
      expect(nb.results).toBeUndefined();

      // Clear the site's stored data (as the browser's "clear site data" does) and reload.
      const cdp = await page.context().newCDPSession(page);
      await cdp.send('Storage.clearDataForOrigin', { origin: new URL(url).origin, storageTypes: 'indexeddb,local_storage' });
      await page.reload();
      await expect
        .poll(async () => (await page.locator('[data-cell="intro"]').count()) + (await page.getByRole('heading', { name: 'Start from a preset' }).count()), { timeout: 30_000 })
        .toBeGreaterThan(0);
      const cleared = JSON.parse(await storedNotebooks(page)) as { notebooks: typeof nb[] };
      expect(cleared.notebooks.filter((n) => n.cells.some((c) => c.id === 'model' && c.backend === 'wasm'))).toEqual([]);
      await page.screenshot({ path: artifact('notebook-import-1-cleared.png') });

      await page.getByLabel('Import a notebook file (.json)').setInputFiles(exported.path);
      await expect.poll(() => page.getByText(/^Imported "Tool calls 101"/).count(), { timeout: 30_000 }).toBe(1);
      expect(await page.locator('[data-cell="model"]').getByLabel('Backend').inputValue()).toBe('wasm');
      expect(await page.locator('[data-cell="lora"]').getByLabel('Max steps').inputValue()).toBe('12');
      expect(await page.locator('[data-cell="after"]').getByLabel('Examples (limit)').inputValue()).toBe('8');
      // Nothing ran: no results came with the file.
      expect((await allStatuses(page)).filter(([, s]) => s !== 'idle')).toEqual([]);
      const again = JSON.parse((await exportFile(page, 'notebook-reexported.json')).text) as typeof nb;
      expect(again.cells).toEqual(nb.cells);
      expect(again.datasets).toEqual(nb.datasets);
      expect(again.title).toBe(nb.title);
      await page.screenshot({ path: artifact('notebook-import-2-imported.png') });
      await page.locator('[data-cell="model"]').screenshot({ path: artifact('notebook-import-3-imported-model.png') });

      // Refused files: an alert says why, and nothing stored or shown changes.
      const stored = await storedNotebooks(page);
      const refused = [
        { file: 'notebook-damaged.json', text: exported.text.slice(0, Math.floor(exported.text.length / 2)), says: 'not valid JSON' },
        { file: 'notebook-newer.json', text: JSON.stringify({ ...nb, schemaVersion: 99 }), says: 'made by a newer lab \\(file format 99' },
      ];
      for (const [k, r] of refused.entries()) {
        writeFileSync(artifact(r.file), r.text);
        await page.getByLabel('Import a notebook file (.json)').setInputFiles(artifact(r.file));
        const alert = page.getByRole('alert');
        await expect.poll(async () => (await alert.allTextContents()).join(' '), { timeout: 10_000 }).toMatch(new RegExp(`This file was not imported: .*(${r.says}).*Nothing was changed`));
        expect(await storedNotebooks(page)).toBe(stored);
        expect(await page.locator('[data-cell="model"]').getByLabel('Backend').inputValue()).toBe('wasm');
        await alert.first().scrollIntoViewIfNeeded();
        await page.screenshot({ path: artifact(`notebook-import-${4 + k}-refused-${r.file.includes('newer') ? 'newer' : 'damaged'}.png`) });
      }
    } finally {
      await browser.close();
    }
  });
});
