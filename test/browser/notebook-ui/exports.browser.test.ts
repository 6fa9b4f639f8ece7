// Exports and imports of the notebook view in real Chromium: a loss curve as stand-alone SVG
// (theme colours written in) and as PNG; an evaluation's verdicts as CSV through its button; and
// students' result files loaded into a compare cell (good ones kept, bad ones refused with why).
import { flushSync, mount, unmount } from 'svelte';
import { afterEach, describe, expect, it } from 'vitest';
import LossCurve from '../../../src/components/notebook/LossCurve.svelte';
import NotebookPanel from '../../../src/components/notebook/NotebookPanel.svelte';
import { seedToySet } from '../../../src/data/generators/seed';
import { chartPng, chartSvg, exportScale } from '../../../src/lib/chart-export';
import { scorePredictions } from '../../../src/eval/scoring';
import { NotebookState } from '../../../src/notebook/notebook.svelte';
import { exportNotebook } from '../../../src/notebook/share';
import { IdbNotebookStore } from '../../../src/notebook/store';
import type { CellResult, CompareCell, EvaluateOutput, Notebook } from '../../../src/notebook/types';

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups.splice(0).reverse()) c();
});

function host(): HTMLElement {
  const target = document.createElement('div');
  document.body.append(target);
  cleanups.push(() => target.remove());
  return target;
}

const records = seedToySet().slice(0, 4);
const outputs = records.map((r, k) => ({ id: r.id, output: k % 2 ? `{"name": "x", "arguments": {}}` : 'no, "thanks"\nbye' }));
const report = scorePredictions(records, outputs);
const evaluation = (cellId: string): CellResult => ({
  cellId,
  status: 'done',
  configHash: 'c',
  inputsHash: 'i',
  profile: 'smoke',
  appVersion: '0',
  startedAt: '2025-01-01T00:00:00.000Z',
  finishedAt: '2025-01-01T00:00:01.000Z',
  output: { type: 'evaluate', model: 'model', adapter: null, split: 'test', format: 'text', available: 4, n: 4, metrics: report.metrics, warnings: [], verdicts: report.verdicts, outputs } satisfies EvaluateOutput,
  error: null,
  checks: [],
});

describe('chart export', () => {
  it('writes a stand-alone SVG without CSS variables and a PNG of its rendered size × the export scale', async () => {
    const target = host();
    const app = mount(LossCurve, { target, props: { points: [[1, 5.7], [2, 5.1], [3, 4.6]], validation: [[2, 5.3], [3, 5.0]] } });
    cleanups.push(() => unmount(app));
    flushSync();
    const svg = target.querySelector('svg')!;
    expect(target.querySelector('button[aria-label="Export the loss curve as SVG"]')).not.toBeNull();
    const text = chartSvg(svg);
    expect(text).not.toMatch(/var\(|currentColor/);
    const doc = new DOMParser().parseFromString(text, 'image/svg+xml');
    expect(doc.querySelector('parsererror')).toBeNull();
    expect(doc.documentElement.getAttribute('xmlns')).toBe('http://www.w3.org/2000/svg');
    expect(doc.querySelector('path.train')?.getAttribute('d')).toBe(svg.querySelector('path.train')!.getAttribute('d'));
    expect(doc.querySelector('path.validation')?.getAttribute('stroke')).toMatch(/^rgb/);
    // Axes: loss ticks at 5 and 5.5 (4.6 … 5.7), whole steps 1–3 and the word "step", painted in the theme's muted colour.
    expect([...doc.querySelectorAll('g.axes text')].map((t) => t.textContent)).toEqual(['5', '5.5', '1', '2', '3', 'step']);
    expect(doc.querySelector('g.axes text')?.getAttribute('fill')).toMatch(/^rgb/);
    const png = await chartPng(svg);
    expect(png.type).toBe('image/png');
    expect([...new Uint8Array(await png.slice(0, 8).arrayBuffer())]).toEqual([137, 80, 78, 71, 13, 10, 26, 10]);
    const bmp = await createImageBitmap(png);
    // 360 × 150 on the page (no CSS size); exportScale() is 2 on this 1× screen: 720 × 300.
    expect([svg.getBoundingClientRect().width, svg.getBoundingClientRect().height]).toEqual([360, 150]);
    expect([bmp.width, bmp.height]).toEqual([360 * exportScale(), 150 * exportScale()]);
  });

  it('the PNG button downloads the picture, and says why when the chart is hidden', async () => {
    const target = host();
    const app = mount(LossCurve, { target, props: { points: [[1, 5.7], [2, 5.1]], name: 'my-curve' } });
    cleanups.push(() => unmount(app));
    flushSync();
    const png = target.querySelector<HTMLButtonElement>('button[aria-label="Export the loss curve as PNG"]')!;
    const clicked: { name: string; blob: Promise<Blob> }[] = [];
    const orig = HTMLAnchorElement.prototype.click;
    HTMLAnchorElement.prototype.click = function (this: HTMLAnchorElement) {
      clicked.push({ name: this.download, blob: fetch(this.href).then((r) => r.blob()) });
    };
    cleanups.push(() => (HTMLAnchorElement.prototype.click = orig));
    png.click();
    for (let t = 0; t < 200 && !clicked.length; t++) await new Promise((r) => setTimeout(r, 10));
    expect(clicked.map((c) => c.name)).toEqual(['my-curve.png']);
    const bmp = await createImageBitmap(await clicked[0]!.blob);
    expect([bmp.width, bmp.height]).toEqual([360 * exportScale(), 150 * exportScale()]);

    target.querySelector('svg')!.style.display = 'none';
    png.click();
    for (let t = 0; t < 200 && !target.querySelector('[role="alert"]'); t++) await new Promise((r) => setTimeout(r, 10));
    flushSync();
    expect(target.querySelector('[role="alert"]')?.textContent).toMatch(/^The PNG could not be made: the chart is not rendered \(it or a parent has display: none/);
    expect(clicked).toHaveLength(1);
  });
});

describe('verdicts CSV and result files in the view', () => {
  it('offers the CSV on an evaluate cell and loads students’ files into a compare cell', async () => {
    const store = await IdbNotebookStore.open({ name: `lab-notebooks-exports-${Date.now()}` });
    cleanups.push(() => store.close());
    const state = new NotebookState(store, () => null, '/presets/');
    await state.loadPresets();
    const target = host();
    const app = mount(NotebookPanel, { target, props: { notebook: state } });
    cleanups.push(() => unmount(app));
    const preset = async (): Promise<Notebook> => (await (await fetch('/presets/tool-calls-101.json')).json()) as Notebook;
    await state.open(await preset(), { after: evaluation('after') });
    flushSync();

    // The CSV button downloads the verdicts (the anchor's blob is read back).
    const clicked: { name: string; href: string }[] = [];
    const orig = HTMLAnchorElement.prototype.click;
    HTMLAnchorElement.prototype.click = function (this: HTMLAnchorElement) {
      clicked.push({ name: this.download, href: this.href });
    };
    try {
      [...target.querySelectorAll<HTMLButtonElement>('[data-cell="after"] button')].find((b) => b.textContent?.trim() === 'Export verdicts (CSV)')!.click();
    } finally {
      HTMLAnchorElement.prototype.click = orig;
    }
    expect(clicked.map((c) => c.name)).toEqual(['after-verdicts.csv']);
    const csv = await (await fetch(clicked[0]!.href)).text();
    expect(csv.split('\r\n')[0]).toBe('id,tool,validJson,schemaOk,exactMatch,error,path,output');
    expect(csv).toContain(`${records[0]!.id},`);
    expect(csv).toContain('"no, ""thanks""\nbye"');

    // Two students' files and two bad ones, chosen at once.
    const file = async (name: string, results: Record<string, CellResult>, author?: string) =>
      new File([await exportNotebook({ ...(await preset()), ...(author ? { author } : {}) }, { results })], name, { type: 'application/json' });
    const dt = new DataTransfer();
    dt.items.add(await file('ada.json', { after: evaluation('after') }, 'Ada'));
    dt.items.add(await file('bob.json', { after: evaluation('after') }, 'Bob'));
    dt.items.add(await file('empty.json', {}));
    dt.items.add(new File(['{"kind": "lab-notebook", "schemaVersion": 99}'], 'future.json'));
    const input = target.querySelector<HTMLInputElement>('#compare-files')!;
    expect(input.labels?.[0]?.textContent).toMatch(/result files/);
    expect(target.querySelector<HTMLSelectElement>('#compare-from')!.value).toBe('after');
    input.files = dt.files;
    input.dispatchEvent(new Event('change', { bubbles: true }));
    const compare = () => state.nb!.cells.find((c) => c.id === 'compare') as CompareCell;
    await expect.poll(() => (flushSync(), target.querySelectorAll('[data-cell="compare"] .report li').length)).toBe(4);
    expect(compare().files.map((f) => f.name)).toEqual(['ada', 'bob']);
    const lines = [...target.querySelectorAll('[data-cell="compare"] .report li')].map((li) => li.textContent?.trim());
    expect(lines).toEqual([
      `✓ ada: 4 verdicts of “after” from Tool calls 101 (Ada)`,
      `✓ bob: 4 verdicts of “after” from Tool calls 101 (Bob)`,
      '✗ empty.json refused: the file has no results (export it with "with results" ticked)',
      expect.stringMatching(/^✗ future.json refused: \/schemaVersion: the notebook was made by a newer lab \(file format 99/),
    ]);
    expect(compare().files[0]!.verdicts).toEqual(report.verdicts);
    await expect.poll(async () => ((await store.get(state.nb!.id))!.cells.find((c) => c.id === 'compare') as CompareCell).files.length).toBe(2);

    // The same file again gets a new name; Remove takes one out.
    const again = new DataTransfer();
    again.items.add(await file('ada.json', { after: evaluation('after') }, 'Ada'));
    input.files = again.files;
    input.dispatchEvent(new Event('change', { bubbles: true }));
    await expect.poll(() => compare().files.map((f) => f.name)).toEqual(['ada', 'bob', 'ada (2)']);
    flushSync();
    target.querySelector<HTMLButtonElement>('button[aria-label="Remove bob"]')!.click();
    flushSync();
    expect(compare().files.map((f) => f.name)).toEqual(['ada', 'ada (2)']);
  });
});
