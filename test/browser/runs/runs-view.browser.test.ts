// The Runs view in real Chromium with real IndexedDB and the real lab worker: two scored reports
// compared (paired difference, flips, label filter, CSV / SVG / PNG exports), delete behind a
// <dialog> (Escape and Cancel keep the report, Delete removes it from IndexedDB), result files
// loaded several at once with bad ones refused, and a real 4-step training run listed, opened,
// its adapter downloaded as PEFT files and the run deleted.
import * as Comlink from 'comlink';
import { flushSync, mount, unmount } from 'svelte';
import { userEvent } from 'vitest/browser';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import RunsPanel from '../../../src/components/runs/RunsPanel.svelte';
import { RunsState } from '../../../src/components/runs/runs.svelte';
import { comparisonToCsv, compareRuns } from '../../../src/eval/compare';
import { comparisonCsv, parseCsv } from '../../../src/eval/csv';
import { IdbEvalStore } from '../../../src/eval/store';
import { OVERFIT_EXAMPLES, OVERFIT_LORA } from '../../../src/engine/train/overfit';
import { backgroundBehind, exportScale } from '../../../src/lib/chart-export';
import { startLab, type LabClient } from '../../../src/lib/lab-client';
import { baselineAndTuned } from '../../unit/runs-view/reports';
import { until as waitUntil } from '../until';

const views: { app: Record<string, unknown>; target: HTMLElement }[] = [];
const stores: IdbEvalStore[] = [];
let client: LabClient | null = null;
afterEach(() => {
  for (const v of views.splice(0)) (unmount(v.app), v.target.remove());
  for (const s of stores.splice(0)) s.close();
});
afterAll(() => client?.terminate());

/** Downloads the view offers: the <a download> clicks, with the blob behind each. */
let downloads: { name: string; blob: Blob }[] = [];
const realClick = HTMLAnchorElement.prototype.click;
const realCreate = URL.createObjectURL.bind(URL);
const blobs = new Map<string, Blob>();
beforeEach(() => {
  downloads = [];
  URL.createObjectURL = (b: Blob | MediaSource) => {
    const url = realCreate(b);
    if (b instanceof Blob) blobs.set(url, b);
    return url;
  };
  HTMLAnchorElement.prototype.click = function (this: HTMLAnchorElement) {
    if (this.download) downloads.push({ name: this.download, blob: blobs.get(this.href)! });
    else realClick.call(this);
  };
});
afterEach(() => {
  URL.createObjectURL = realCreate;
  HTMLAnchorElement.prototype.click = realClick;
});

function show(state: RunsState): HTMLElement {
  const target = document.createElement('div');
  document.body.append(target);
  views.push({ app: mount(RunsPanel, { target, props: { runs: state } }), target });
  flushSync();
  return target;
}

const until = (cond: Parameters<typeof waitUntil>[0], what: string, ms = 20_000) => waitUntil(cond, what, ms);

const button = (root: ParentNode, text: string | RegExp) =>
  [...root.querySelectorAll('button')].find((b) => (typeof text === 'string' ? b.textContent?.trim() === text || b.getAttribute('aria-label') === text : text.test(b.textContent ?? ''))) as HTMLButtonElement;
const choose = (select: HTMLSelectElement, value: string) => {
  select.value = value;
  select.dispatchEvent(new Event('change', { bubbles: true }));
  flushSync();
};

async function openStore(): Promise<IdbEvalStore> {
  const s = await IdbEvalStore.open({ name: `lab-evals-runs-view-${Date.now()}-${Math.random()}` });
  stores.push(s);
  return s;
}

/** A fresh report store holding the baseline and the tuned report, shown in the Runs view. */
async function showTwoReports() {
  const store = await openStore();
  const { base, tuned } = baselineAndTuned();
  await store.put(base);
  await store.put(tuned);
  const state = new RunsState(() => null, store);
  await state.refreshReports();
  return { store, base, tuned, state, target: show(state) };
}

describe('runs view: evaluation reports', () => {
  it('compares two stored reports: diff row, flips filtered by label, CSV, SVG and PNG exports', async () => {
    const { store, base, tuned, target } = await showTwoReports();
    expect([...target.querySelectorAll('tr[data-report]')].map((r) => r.getAttribute('data-report'))).toEqual(['eval-tuned', 'eval-base']);
    expect(target.textContent).toMatch(/Tick two or more reports/);
    for (const el of target.querySelectorAll<HTMLInputElement | HTMLSelectElement>('select, input')) expect(el.labels?.length || el.getAttribute('aria-label'), el.outerHTML).toBeTruthy();

    // Baseline first: tick the base report, then the tuned one.
    (target.querySelector('input[aria-label="Compare baseline · test"]') as HTMLInputElement).click();
    (target.querySelector('input[aria-label="Compare after LoRA · test"]') as HTMLInputElement).click();
    flushSync();
    const expected = compareRuns([
      { name: base.name, verdicts: base.verdicts },
      { name: tuned.name, verdicts: tuned.verdicts },
    ]);
    const em = expected.comparisons[0]!.differences.find((d) => d.metric === 'exactMatch')!;
    const cell = target.querySelector('tr[data-metric="exactMatch"] td[data-diff="after LoRA · test"]');
    const pp = (v: number) => `${v > 0 ? '+' : ''}${(v * 100).toFixed(1)}`;
    expect(cell?.textContent).toContain(`${pp(em.diff!)} pp [${pp(em.lo!)}, ${pp(em.hi!)}]`);
    expect(target.querySelector('[data-warning]')?.textContent).toMatch(/only 12 paired examples \(fewer than 30\)/);

    // Flips: all of them, then only those carrying wrong_function on either side.
    const flips = expected.comparisons[0]!.flips;
    const rows = () => [...target.querySelectorAll('tr[data-flip]')];
    expect(rows().map((r) => r.getAttribute('data-flip'))).toEqual(flips.map((f) => f.id));
    expect(rows().some((r) => r.getAttribute('data-direction') === 'fail→pass')).toBe(true);
    expect(rows().some((r) => r.getAttribute('data-direction') === 'pass→fail')).toBe(true);
    const f0 = flips[0]!;
    expect(rows()[0]!.querySelector(`pre[aria-label="Baseline output for ${f0.id}"]`)?.textContent).toBe(base.predictions.find((p) => p.id === f0.id)!.output);
    expect(rows()[0]!.querySelector(`pre[aria-label="after LoRA · test output for ${f0.id}"]`)?.textContent).toBe(tuned.predictions.find((p) => p.id === f0.id)!.output);
    const labelSelect = [...target.querySelectorAll('select')].find((s) => s.labels?.[0]?.textContent?.startsWith('Error label'))!;
    choose(labelSelect, 'wrong_function');
    const wf = flips.filter((f) => f.before.error === 'wrong_function' || f.after.error === 'wrong_function');
    expect(wf.length).toBeGreaterThan(0);
    expect(wf.length).toBeLessThan(flips.length);
    expect(rows().map((r) => r.getAttribute('data-flip'))).toEqual(wf.map((f) => f.id));
    for (const r of rows()) expect(r.textContent).toContain('wrong_function');

    // CSV: the flipped examples of the label filter, then every example, then the metrics with differences.
    const runs = [
      { name: base.name, verdicts: base.verdicts },
      { name: tuned.name, verdicts: tuned.verdicts },
    ];
    button(target, 'Export flipped examples CSV').click();
    expect(downloads.map((d) => d.name)).toEqual(['flips-wrong_function-baseline-test-vs-after-LoRA-test.csv']);
    const flipCsv = parseCsv(await downloads[0]!.blob.text());
    expect(flipCsv[0]).toEqual(['id', 'tool', 'baseline · test:exactMatch', 'baseline · test:validJson', 'baseline · test:schemaOk', 'baseline · test:error', 'after LoRA · test:exactMatch', 'after LoRA · test:validJson', 'after LoRA · test:schemaOk', 'after LoRA · test:error', 'flip:after LoRA · test']);
    expect(flipCsv.slice(1).map((r) => r[0])).toEqual(wf.map((f) => f.id));
    button(target, 'Export CSV').click();
    button(target, 'Export metrics CSV').click();
    expect(downloads.slice(1).map((d) => d.name)).toEqual(['compare-baseline-test-vs-after-LoRA-test.csv', 'metrics-baseline-test-vs-after-LoRA-test.csv']);
    expect(await downloads[1]!.blob.text()).toBe(comparisonCsv(runs, expected));
    expect(parseCsv(await downloads[1]!.blob.text())).toHaveLength(13);
    expect(await downloads[2]!.blob.text()).toBe(comparisonToCsv(expected));
    expect(await downloads[2]!.blob.text()).toContain(`difference,after LoRA · test - baseline · test,exactMatch,${em.diff}`);
    downloads = [];

    // The chart as SVG (standalone: no CSS variables, xmlns, a background) and PNG (its rendered
    // size × exportScale(): 2× on this 1× screen). The chart has no CSS size, so it renders at its
    // width/height attributes.
    const svg = target.querySelector('figure svg')!;
    const [w, h] = [Number(svg.getAttribute('width')), Number(svg.getAttribute('height'))];
    const box = svg.getBoundingClientRect();
    expect([box.width, box.height]).toEqual([w, h]);
    expect(w).toBe(560);
    button(target, 'Export chart as SVG').click();
    await until(() => downloads.length === 1, 'the SVG download');
    const svgText = await downloads[0]!.blob.text();
    expect(downloads[0]!.name).toBe('compare-baseline-test-vs-after-LoRA-test.svg');
    expect(svgText).toMatch(/^<svg[^>]*xmlns="http:\/\/www.w3.org\/2000\/svg"/);
    expect(svgText).not.toMatch(/var\(|currentColor/);
    const file = new DOMParser().parseFromString(svgText, 'image/svg+xml').documentElement;
    expect([file.getAttribute('width'), file.getAttribute('height'), file.getAttribute('viewBox')]).toEqual([String(w), String(h), `0 0 ${w} ${h}`]);
    const bgFill = file.firstElementChild!.getAttribute('fill')!;
    expect(bgFill).toBe(backgroundBehind(svg));
    expect(file.querySelectorAll('rect.bar')).toHaveLength(svg.querySelectorAll('rect.bar').length);
    button(target, 'Export chart as PNG').click();
    await until(() => downloads.length === 2, 'the PNG download');
    expect(downloads[1]!.name).toBe('compare-baseline-test-vs-after-LoRA-test.png');
    expect(downloads[1]!.blob.type).toBe('image/png');
    const bmp = await createImageBitmap(downloads[1]!.blob);
    const k = exportScale();
    expect([bmp.width, bmp.height]).toEqual([Math.round(k * w), Math.round(k * h)]);
    // Something was drawn: not every pixel is the background.
    const c = new OffscreenCanvas(bmp.width, bmp.height).getContext('2d')!;
    c.drawImage(bmp, 0, 0);
    const px = c.getImageData(0, 0, bmp.width, bmp.height).data;
    const distinct = new Set<number>();
    for (let i = 0; i < px.length; i += 4) distinct.add((px[i]! << 16) | (px[i + 1]! << 8) | px[i + 2]!);
    expect(distinct.size).toBeGreaterThan(4);
    // The corner is the background rectangle, in the page's colour behind the chart.
    const probe = new OffscreenCanvas(1, 1).getContext('2d')!;
    probe.fillStyle = bgFill;
    probe.fillRect(0, 0, 1, 1);
    expect([...px.slice(0, 4)]).toEqual([...probe.getImageData(0, 0, 1, 1).data]);
  });

  it('delete asks first: Escape and Cancel keep the report, Delete removes it from IndexedDB', async () => {
    const { store, base, tuned, target } = await showTwoReports();
    const dialog = () => target.querySelector('dialog') as HTMLDialogElement;

    button(target, 'Delete baseline · test').click();
    flushSync();
    expect(dialog().open).toBe(true);
    expect(dialog().textContent).toMatch(/"baseline · test" will be removed/);
    await userEvent.keyboard('{Escape}');
    await until(() => !dialog().open, 'Escape to close the dialog');
    expect(await store.get('eval-base')).toBeDefined();

    button(target, 'Delete baseline · test').click();
    flushSync();
    button(dialog(), 'Cancel').click();
    flushSync();
    expect(dialog().open).toBe(false);
    expect(await store.get('eval-base')).toBeDefined();

    button(target, 'Delete baseline · test').click();
    flushSync();
    button(dialog(), 'Delete').click();
    await until(() => !target.querySelector('tr[data-report="eval-base"]'), 'the row to go');
    expect(await store.get('eval-base')).toBeUndefined();
    expect((await store.list()).map((r) => r.id)).toEqual(['eval-tuned']);
  });

  it('loads several result files at once: good ones tagged "from file", bad ones refused with the reason', async () => {
    const store = await openStore();
    const state = new RunsState(() => null, store);
    await state.refreshReports();
    const target = show(state);
    expect(target.textContent).toMatch(/No evaluation reports yet/);
    const { base, tuned } = baselineAndTuned();
    const bad = { ...tuned, id: 'eval-bad', verdicts: tuned.verdicts.map((v, i) => (i === 3 ? { ...v, exactMatch: 'yes' } : v)) };
    const dt = new DataTransfer();
    dt.items.add(new File([JSON.stringify(base)], 'alice.json'));
    dt.items.add(new File(['{"id": "x", '], 'bob.json'));
    dt.items.add(new File([JSON.stringify(bad)], 'carol.json'));
    dt.items.add(new File([JSON.stringify(tuned)], 'dan.json'));
    const input = target.querySelector('input[type="file"]') as HTMLInputElement;
    expect(input.multiple).toBe(true);
    input.files = dt.files;
    input.dispatchEvent(new Event('change', { bubbles: true }));
    await until(() => state.loaded.length === 2, 'the files to load');
    const alerts = [...target.querySelectorAll('[role="alert"]')].map((a) => a.textContent);
    expect(alerts).toHaveLength(2);
    expect(alerts[0]).toMatch(/^bob\.json was not loaded: bob\.json: not JSON/);
    expect(alerts[1]).toMatch(/^carol\.json was not loaded: carol\.json\.verdicts\[3\]\.exactMatch: must be true or false/);
    const rows = [...target.querySelectorAll('tr[data-report]')];
    expect(rows.map((r) => r.getAttribute('data-report'))).toEqual(['file:alice.json#eval-base', 'file:dan.json#eval-tuned']);
    for (const r of rows) expect(r.querySelector('.tag')?.textContent).toBe('from file');
    // Loaded files compare like stored reports, and are never written to the store.
    for (const r of rows) (r.querySelector('input[type="checkbox"]') as HTMLInputElement).click();
    flushSync();
    expect(target.querySelector('tr[data-metric="exactMatch"] td[data-diff]')).not.toBeNull();
    expect(await store.list()).toEqual([]);
    button(target, 'Export baseline · test as JSON').click();
    expect(downloads[0]!.name).toBe('baseline-test-2026-11-20.json');
    expect(JSON.parse(await downloads[0]!.blob.text())).toEqual(base);
  });
});

describe('runs view: training runs (real lab worker)', () => {
  it('lists a real 4-step run, shows its curve and settings, downloads its PEFT files, deletes it after confirming', async () => {
    client = await startLab();
    const api = client.api;
    const model = await api.loadModel('/fixtures/stories260K/hf/', { backend: 'cpu' });
    const runId = `runs-view-${Date.now()}`;
    const run = await api.startTraining(model, {
      runId,
      name: 'runs view LoRA',
      lora: { ...OVERFIT_LORA, targetModules: [...OVERFIT_LORA.targetModules] },
      hyper: { lr: 1e-2, schedule: 'constant', steps: 4, batchSize: 8, evalEvery: 2, seed: 3 },
      maxLength: 128,
      data: { kind: 'examples', train: OVERFIT_EXAMPLES.map((e) => ({ ...e })), validation: OVERFIT_EXAMPLES.slice(0, 4).map((e) => ({ ...e })) },
    }, Comlink.proxy(() => {}));
    expect(run).toMatchObject({ status: 'done', hasAdapter: true });

    const state = new RunsState(() => api, null);
    const target = show(state);
    await state.refreshRuns();
    flushSync();
    const row = target.querySelector(`tr[data-run="${runId}"]`)!;
    expect(row.textContent).toContain('runs view LoRA');
    expect(row.textContent).toContain('stories260K/hf');
    expect(row.textContent).toContain('LoRA');
    expect(row.textContent).toContain('4 / 4');
    expect(row.textContent).toContain(run.losses.at(-1)!.toFixed(3));
    expect(row.textContent).toContain(run.evals.at(-1)!.loss.toFixed(3));
    const search = target.querySelector('input[type="search"]') as HTMLInputElement;
    search.value = 'no such run';
    search.dispatchEvent(new Event('input', { bubbles: true }));
    flushSync();
    expect(target.querySelector(`tr[data-run="${runId}"]`)).toBeNull();
    search.value = 'runs view lora';
    search.dispatchEvent(new Event('input', { bubbles: true }));
    flushSync();

    button(target.querySelector(`tr[data-run="${runId}"]`)!, 'runs view LoRA').click();
    flushSync();
    const detail = target.querySelector(`[data-run-detail="${runId}"]`)!;
    expect(detail.querySelector('path.train')).not.toBeNull();
    expect(detail.querySelector('path.validation')).not.toBeNull();
    expect(detail.querySelector('figcaption')?.textContent).toContain(`over 4 steps`);
    expect(detail.querySelector('dl[aria-label="Hyperparameters"]')?.textContent).toMatch(/LoRA\s*r 8, α 16.*lr\s*0\.01\s*steps\s*4\s*batchSize/s);
    expect(detail.querySelector('dl[aria-label="Trained on"]')?.textContent).toContain(`${run.report.trainExamples} train, ${run.report.validationExamples} validation`);
    const code = detail.querySelector('pre[aria-label="Python that loads the adapter"]')?.textContent ?? '';
    expect(code).toContain('base = AutoModelForCausalLM.from_pretrained("stories260K")');
    expect(code).toContain('model = PeftModel.from_pretrained(base, "runs-view-LoRA-adapter")');

    button(detail, 'Download the adapter (2 files)').click();
    await until(() => downloads.length === 2, 'the adapter downloads');
    expect(downloads.map((d) => d.name)).toEqual(['adapter_config.json', 'adapter_model.safetensors']);
    expect(JSON.parse(await downloads[0]!.blob.text())).toMatchObject({ peft_type: 'LORA', r: 8, lora_alpha: 16 });
    const files = await api.downloadAdapter(runId);
    expect(new Uint8Array(await downloads[1]!.blob.arrayBuffer())).toEqual(files.weights);

    button(detail, 'Delete this run…').click();
    flushSync();
    const dialog = detail.querySelector('dialog') as HTMLDialogElement;
    expect(dialog.open).toBe(true);
    button(dialog, 'Cancel').click();
    flushSync();
    expect((await api.listRuns()).some((r) => r.id === runId)).toBe(true);
    button(detail, 'Delete this run…').click();
    flushSync();
    button(dialog, 'Delete').click();
    await until(() => !target.querySelector(`tr[data-run="${runId}"]`), 'the run row to go');
    expect((await api.listRuns()).some((r) => r.id === runId)).toBe(false);
  });
});

describe('runs view in the app', () => {
  it('#/runs mounts the view: it reads the runs once the worker is ready and teaches what to do when lists are empty', async () => {
    const { default: App } = await import('../../../src/App.svelte');
    location.hash = '#/runs';
    const target = document.createElement('div');
    document.body.append(target);
    views.push({ app: mount(App, { target }), target });
    flushSync();
    await until(() => target.querySelector('h2#training-runs') !== null, 'the runs view');
    await until(() => /No runs yet|Search runs/.test(target.textContent ?? ''), 'the runs to be read', 30_000);
    expect(target.querySelector('main')?.getAttribute('data-view')).toBe('runs');
    expect(target.querySelector('h2#eval-reports')).not.toBeNull();
    expect(target.textContent).toMatch(/Tick two or more reports/);
    (window as unknown as { __lab: { client: LabClient | null } }).__lab.client?.terminate();
    location.hash = '';
  });
});
