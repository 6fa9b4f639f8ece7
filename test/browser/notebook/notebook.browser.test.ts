// The notebook view in real Chromium with real IndexedDB: open a preset, render every cell,
// run the markdown and dataset cells by their buttons, "reload" (close and reopen the store,
// remount) and see the results still there; export → import round trip; bad files refused.
import { flushSync, mount, unmount } from 'svelte';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { startLab, type LabClient } from '../../../src/lib/lab-client';
import NotebookPanel from '../../../src/components/notebook/NotebookPanel.svelte';
import { NotebookState } from '../../../src/notebook/notebook.svelte';
import { IdbNotebookStore } from '../../../src/notebook/store';
import type { Notebook } from '../../../src/notebook/types';
import { until as waitUntil } from '../until';

const mounted: { app: Record<string, unknown>; target: HTMLElement; store: IdbNotebookStore }[] = [];
let lab: Promise<LabClient> | null = null;
afterAll(async () => (await lab)?.terminate());
afterEach(() => {
  for (const m of mounted.splice(0)) {
    unmount(m.app);
    m.target.remove();
    m.store.close();
  }
});

async function openView(dbName: string): Promise<{ state: NotebookState; target: HTMLElement; store: IdbNotebookStore }> {
  const store = await IdbNotebookStore.open({ name: dbName });
  // Cells run in the lab worker.
  lab ??= startLab();
  const client = await lab;
  const state = new NotebookState(store, () => client.api, '/presets/');
  await state.loadPresets();
  const target = document.createElement('div');
  document.body.append(target);
  const app = mount(NotebookPanel, { target, props: { notebook: state } });
  mounted.push({ app, target, store });
  flushSync();
  return { state, target, store };
}

const until = (cond: Parameters<typeof waitUntil>[0], what: string, ms = 20_000) => waitUntil(cond, what, ms);

const statusOf = (target: HTMLElement, id: string) => target.querySelector(`[data-cell="${id}"]`)?.getAttribute('data-status');

describe('notebook view', () => {
  const db = `lab-notebooks-test-${Date.now()}`;

  it('opens Tool calls 101, renders every cell, runs markdown and dataset cells, and keeps results after a reload', async () => {
    const { state, target } = await openView(db);
    const button = [...target.querySelectorAll('button')].find((b) => b.textContent === 'Tool calls 101');
    expect(button, 'the preset picker lists Tool calls 101').toBeTruthy();
    button!.click();
    await until(() => state.nb !== null, 'the preset to open');
    const cells = [...target.querySelectorAll('article.cell')];
    expect(cells.map((c) => c.getAttribute('data-cell'))).toEqual(state.nb!.cells.map((c) => c.id));
    expect(target.querySelector('[data-cell="intro"] h4[data-level="1"]')?.textContent).toBe('Tool calls 101');
    // Made for this lab and its default model: no pin notice; a notebook pinned to another default model shows one.
    expect(target.querySelector('.pin')).toBeNull();
    state.nb!.defaultModel = 'lab-default@1';
    flushSync();
    expect(target.querySelector('.pin')?.textContent).toMatch(/Made for the default model lab-default@1; this lab has lab-default@2/);
    state.nb!.defaultModel = 'lab-default@2';
    flushSync();
    // Every form control has a label.
    for (const el of target.querySelectorAll<HTMLInputElement | HTMLSelectElement>('select, input')) expect(el.labels?.length ?? 0, el.outerHTML).toBeGreaterThan(0);

    (target.querySelector('button[aria-label="Run What this notebook asks"]') as HTMLButtonElement).click();
    await until(() => statusOf(target, 'intro') === 'done', 'the markdown cell');
    (target.querySelector('button[aria-label="Run toolcalls-101"]') as HTMLButtonElement).click();
    await until(() => statusOf(target, 'tc101') === 'done', 'the dataset cell');
    expect(target.querySelector('[data-cell="tc101"] .result')?.textContent).toMatch(/450 tool-call records over 16 tools — train 300, validation 50, test 100/);
    expect(target.querySelector('[data-cell="tc101"] .checks')?.textContent).toMatch(/✓ pass: counts.train = 300/);
    expect(statusOf(target, 'baseline')).toBe('idle');

    // Reload: a new store connection and a new view; the same preset opens with its results.
    for (const m of mounted.splice(0)) (unmount(m.app), m.target.remove(), m.store.close());
    const again = await openView(db);
    [...again.target.querySelectorAll('button')].find((b) => b.textContent === 'Tool calls 101')!.click();
    await until(() => again.state.nb !== null, 'the preset to reopen');
    expect(statusOf(again.target, 'intro')).toBe('done');
    expect(statusOf(again.target, 'tc101')).toBe('done');
    expect(again.target.querySelector('[data-cell="tc101"] .result')?.textContent).toMatch(/train 300/);
  });

  it('export → import round trip keeps the configuration; corrupted and newer files are refused and change nothing', async () => {
    const { state, target, store } = await openView(`${db}-io`);
    const res = await fetch('/presets/text-vs-json.json');
    expect(await state.importText(await res.text())).toBe(true);
    const original = structuredClone($stateSnapshot(state.nb!));
    const { text } = await state.exportText(false);
    await store.delete(original.id);
    expect(await store.list()).toEqual([]);
    expect(await state.importText(text)).toBe(true);
    expect(state.nb!.cells).toEqual(original.cells);
    expect(await store.get(original.id)).toMatchObject({ cells: original.cells });
    const before = await store.list();

    expect(await state.importText(text.slice(0, text.length - 40))).toBe(false);
    flushSync();
    expect(target.querySelector('[role="alert"]')?.textContent).toMatch(/This file was not imported: the file is not valid JSON.*Nothing was changed/);
    const newer = JSON.parse(text) as Notebook;
    newer.schemaVersion = 99;
    newer.id = 'from-the-future';
    expect(await state.importText(JSON.stringify(newer))).toBe(false);
    flushSync();
    expect(target.querySelector('[role="alert"]')?.textContent).toMatch(/newer lab \(file format 99; this lab reads up to 1\)/);
    expect(await store.list()).toEqual(before);
    expect(state.nb!.id).toBe(original.id);
  });
});

function $stateSnapshot<T>(x: T): T {
  return JSON.parse(JSON.stringify(x)) as T;
}
