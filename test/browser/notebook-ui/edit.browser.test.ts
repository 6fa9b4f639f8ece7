// Editing a notebook's cell list in the view, in real Chromium with real IndexedDB: add a cell,
// move it, be refused a move before a cell it uses, delete with confirmation, be refused deleting
// a locked cell; the edits survive a reload (the last open notebook reopens); and the app's bare
// address opens Tool calls 101, loaded and not run.
import { flushSync, mount, unmount } from 'svelte';
import { afterEach, describe, expect, it } from 'vitest';
import App from '../../../src/App.svelte';
import NotebookPanel from '../../../src/components/notebook/NotebookPanel.svelte';
import { LAST_OPEN_KEY, NotebookState } from '../../../src/notebook/notebook.svelte';
import { IdbNotebookStore, NOTEBOOK_DB_NAME } from '../../../src/notebook/store';
import type { CellResult } from '../../../src/notebook/types';
import { until as waitUntil } from '../until';

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups.splice(0).reverse()) c();
});

async function openView(dbName: string): Promise<{ state: NotebookState; target: HTMLElement; store: IdbNotebookStore }> {
  const store = await IdbNotebookStore.open({ name: dbName });
  // Editing needs no worker.
  const state = new NotebookState(store, () => null, '/presets/');
  await state.loadPresets();
  const target = document.createElement('div');
  document.body.append(target);
  const app = mount(NotebookPanel, { target, props: { notebook: state } });
  cleanups.push(() => (unmount(app), target.remove(), store.close()));
  flushSync();
  return { state, target, store };
}

const until = (cond: Parameters<typeof waitUntil>[0], what: string, ms = 30_000) => waitUntil(cond, what, ms);

const order = (target: HTMLElement) => [...target.querySelectorAll('article.cell')].map((c) => c.getAttribute('data-cell'));
function click(target: HTMLElement, label: string): void {
  const b = target.querySelector<HTMLButtonElement>(`button[aria-label="${label}"]`);
  if (!b) throw new Error(`no button "${label}"`);
  b.click();
  flushSync();
}
const note = (target: HTMLElement, id: string) => target.querySelector(`[data-cell="${id}"] .cell-note`)?.textContent ?? '';

describe('editing the cell list', () => {
  it('adds, moves, refuses a bad move, deletes with confirmation, keeps locked cells, and persists', async () => {
    const db = `lab-notebooks-ui-${Date.now()}`;
    const { state, target, store } = await openView(db);
    await state.openPreset(state.presets.find((p) => p.id === 'tool-calls-101')!);
    flushSync();
    const start = order(target);
    const nbId = state.nb!.id;

    // Add an evaluate cell below "Toy set: LoRA": it reads the nearest model and dataset.
    const select = target.querySelector<HTMLSelectElement>('#toy-lora-add-type')!;
    expect(select.labels?.[0]?.textContent).toBe('New cell below Toy set: LoRA');
    select.value = 'evaluate';
    select.dispatchEvent(new Event('change'));
    click(target, 'Add a new evaluate cell below Toy set: LoRA');
    const at = start.indexOf('toy-lora');
    expect(order(target)).toEqual([...start.slice(0, at + 1), 'evaluate-1', ...start.slice(at + 1)]);
    expect(state.nb!.cells[at + 1]).toMatchObject({ type: 'evaluate', model: 'model', dataset: 'toy', adapter: null });
    expect(note(target, 'evaluate-1')).toMatch(/Added evaluate-1/);

    // Up past the two cells it does not use, then refused: it uses the model cell above.
    click(target, 'Move evaluate-1 up');
    click(target, 'Move evaluate-1 up');
    expect(order(target).slice(start.indexOf('model'), start.indexOf('model') + 3)).toEqual(['model', 'evaluate-1', 'toy-baseline']);
    const before = order(target);
    click(target, 'Move evaluate-1 up');
    expect(order(target)).toEqual(before);
    const refusal = target.querySelector('[data-cell="evaluate-1"] .cell-note[role="alert"]');
    expect(refusal?.textContent).toBe(`Not moved: "evaluate-1" uses "The lab's default model", so it must stay below it.`);
    // Down works again; a cell above may not pass a cell that uses it either.
    click(target, 'Move evaluate-1 down');
    expect(order(target).indexOf('evaluate-1')).toBe(before.indexOf('evaluate-1') + 1);
    click(target, "Move The lab's default model down");
    expect(note(target, 'model')).toBe(`Not moved: "Toy set: before training" uses "The lab's default model", so it must stay below it.`);

    // The store has the new order.
    await expect.poll(async () => (await store.get(nbId))!.cells.map((c) => c.id)).toEqual(order(target));

    // Delete: asks first; "Keep it" keeps it; confirming deletes the cell and its result.
    const result: CellResult = { cellId: 'evaluate-1', status: 'failed', configHash: '-', inputsHash: '-', profile: 'smoke', appVersion: '0', startedAt: new Date().toISOString(), finishedAt: new Date().toISOString(), output: null, error: { name: 'Error', message: 'made to be deleted' }, checks: [] };
    await store.putResult(nbId, result);
    state.results = { ...state.results, 'evaluate-1': result };
    flushSync();
    click(target, 'Delete evaluate-1');
    expect(target.querySelector('[role="alertdialog"]')?.textContent).toMatch(/Delete “evaluate-1” and its result\?/);
    [...target.querySelectorAll<HTMLButtonElement>('[role="alertdialog"] button')].find((b) => b.textContent === 'Keep it')!.click();
    flushSync();
    expect(target.querySelector('[role="alertdialog"]')).toBeNull();
    expect(order(target)).toContain('evaluate-1');
    click(target, 'Delete evaluate-1');
    click(target, 'Yes, delete evaluate-1');
    await until(() => !order(target).includes('evaluate-1'), 'the cell to go');
    expect(order(target)).toEqual(start);
    await expect.poll(async () => Object.keys(await store.results(nbId))).not.toContain('evaluate-1');
    expect((await store.get(nbId))!.cells.map((c) => c.id)).toEqual(start);

    // A locked cell: its form is disabled, the view says why, and Delete is refused without asking.
    const locked = target.querySelector('[data-cell="tc101"]')!;
    expect(locked.querySelector('.locked-note')?.textContent).toMatch(/Locked by the notebook's author: you can run it, but not edit, move or delete it/);
    expect(locked.querySelector<HTMLFieldSetElement>('fieldset')!.disabled).toBe(true);
    click(target, 'Delete toolcalls-101');
    expect(target.querySelector('[role="alertdialog"]')).toBeNull();
    expect(note(target, 'tc101')).toBe(`Not deleted: "toolcalls-101" is locked by the notebook's author, so it cannot be deleted.`);
    // A cell other cells use is refused too, naming them.
    click(target, 'Delete After LoRA');
    expect(note(target, 'after')).toMatch(/is used by "Stress tests", "Before and after"/);
    expect(order(target)).toEqual(start);

    // Add at the end, then "reload": a new store connection and view; the bare address reopens it.
    click(target, 'Add a new evaluate cell at the end');
    expect(order(target).at(-1)).toBe('evaluate-1');
    await expect.poll(async () => (await store.get(nbId))!.cells.at(-1)?.id).toBe('evaluate-1');
    for (const c of cleanups.splice(0).reverse()) c();
    const again = await openView(db);
    await again.state.openOnStart('');
    flushSync();
    expect(again.state.nb?.id).toBe(nbId);
    expect(order(again.target)).toEqual([...start, 'evaluate-1']);
  });
});

describe('the default route', () => {
  it('opens Tool calls 101 on the bare address (loaded, not run); a closed notebook leaves the preset list', async () => {
    history.replaceState(null, '', location.pathname + location.search);
    localStorage.removeItem(LAST_OPEN_KEY);
    await new Promise<void>((resolve, reject) => {
      const req = indexedDB.deleteDatabase(NOTEBOOK_DB_NAME);
      req.onsuccess = () => resolve();
      req.onerror = () => reject(req.error);
      req.onblocked = () => reject(new Error('the notebook database is open elsewhere'));
    });
    const target = document.createElement('div');
    document.body.append(target);
    const app = mount(App, { target });
    cleanups.push(() => (unmount(app), target.remove()));
    await until(() => target.querySelectorAll('article.cell').length > 0, 'Tool calls 101 to open');
    expect(target.querySelector('main')?.getAttribute('data-view')).toBe('notebook');
    expect(target.querySelector('.toolbar h2')?.textContent).toBe('Tool calls 101');
    expect(target.querySelector('[data-cell="intro"] h4[data-level="1"]')?.textContent).toBe('Tool calls 101');
    const statuses = [...target.querySelectorAll('article.cell')].map((c) => c.getAttribute('data-status'));
    expect(statuses.length).toBe(14);
    expect(new Set(statuses)).toEqual(new Set(['idle']));
    expect(localStorage.getItem(LAST_OPEN_KEY)).toBe('tool-calls-101');
    // Close: the preset list shows, and a later bare visit shows it again rather than reopening.
    [...target.querySelectorAll<HTMLButtonElement>('.toolbar button')].find((b) => b.textContent === 'Close')!.click();
    flushSync();
    expect(target.querySelector('#presets-title')?.textContent).toBe('Start from a preset');
    expect(localStorage.getItem(LAST_OPEN_KEY)).toBe('');
  });
});
