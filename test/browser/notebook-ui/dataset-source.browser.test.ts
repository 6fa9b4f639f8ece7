// The dataset cell's source and split editor (DatasetSource.svelte) in real Chromium with real
// IndexedDB and the real lab worker: switch the recipe to generated tool calls through the form and
// run it; refuse a bad share and a bad file (naming the field or line) without changing anything;
// import a JSONL file into the notebook and run it, then one that carries its own split; pick a dataset of the Datasets view's store
// (empty state first); every control of a locked cell is disabled.
import { flushSync, mount, unmount } from 'svelte';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import DatasetSource from '../../../src/components/notebook/DatasetSource.svelte';
import { toolcalls101 } from '../../../src/data/generators/recipes';
import { generateToolCalls } from '../../../src/data/generators/toolcalls';
import { streamOf } from '../../../src/data/io/stream';
import { DataStore } from '../../../src/data/store';
import type { Cell, DatasetCell, DatasetOutput } from '../../../src/notebook/types';
import { until as waitUntil } from '../until';
import { openNotebook, stopLab } from './open-notebook';

afterAll(stopLab);
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

const until = (cond: Parameters<typeof waitUntil>[0], what: string, ms = 20_000) =>
  waitUntil(cond, what, ms, () => [...document.querySelectorAll('[role=alert]')].map((a) => a.textContent).join(' | ') || 'no alert');

function el<T extends HTMLElement>(root: ParentNode, selector: string): T {
  const e = root.querySelector<T>(selector);
  if (!e) throw new Error(`no element ${selector}`);
  return e;
}
function set(root: ParentNode, selector: string, value: string): void {
  const e = el<HTMLInputElement | HTMLSelectElement>(root, selector);
  e.value = value;
  e.dispatchEvent(new Event('change', { bubbles: true }));
  flushSync();
}
function choose(input: HTMLInputElement, file: File): void {
  const dt = new DataTransfer();
  dt.items.add(file);
  input.files = dt.files;
  input.dispatchEvent(new Event('change', { bubbles: true }));
}
const jsonl = (records: unknown[]) => records.map((r) => JSON.stringify(r)).join('\n') + '\n';

describe('dataset source editor', () => {
  it('generates, refuses bad shares and files, imports a file, runs each, and locks', async () => {
    const cells: Cell[] = [
      { id: 'data', type: 'dataset', source: { kind: 'recipe', recipe: 'toolcalls-101' }, split: { method: 'recipe' }, format: 'compact' },
      { id: 'fixed', type: 'dataset', locked: true, source: { kind: 'generate', generator: 'toolcalls', n: 30, seed: 1 }, split: { method: 'by-tool', seed: 2, ratios: { train: 0.8, validation: 0.1, test: 0.1 }, heldOutTools: ['get_current_weather'] }, format: 'compact' },
    ];
    const { state, target, close } = await openNotebook('Dataset sources', cells);
    cleanups.push(close);
    const card = el(target, '[data-cell="data"]');
    const status = () => el(card, '.status').textContent;
    const dataCell = () => state.nb!.cells[0] as DatasetCell;
    const output = () => state.results.data?.output as DatasetOutput | undefined;

    // The recipe first, so a change shows as stale.
    await state.run('data');
    flushSync();
    expect(status(), state.results.data?.error?.message).toBe('done');
    const recipeRecords = output()!.records;

    // Recipe → generated tool calls, n 40, seed 3, all through the form. The generator carries no
    // split, so the recipe's split gives way to random 80/10/10 and a note says so.
    set(card, '#data-source-kind', 'generate-toolcalls');
    expect(card.querySelector('.dataset-source [role=status]')?.textContent).toMatch(/carry no split of their own/);
    set(card, '#data-source-n', '40');
    set(card, '#data-source-seed', '3');
    expect(dataCell().source).toEqual({ kind: 'generate', generator: 'toolcalls', n: 40, seed: 3 });
    expect(dataCell().split).toEqual({ method: 'random', seed: 0, ratios: { train: 0.8, validation: 0.1, test: 0.1 } });
    expect(status()).toBe('stale');
    el<HTMLButtonElement>(card, 'button[aria-label="Run data"]').click();
    await until(() => state.running === null && status() === 'done', 'the generated set to run');
    expect(output()!.records).toBe(40);
    expect(recipeRecords).not.toBe(40);
    const counts = output()!.counts;
    expect(counts.train + counts.validation + counts.test).toBe(40);

    // A bad share names its field; a valid-looking one that breaks the sum names the three; nothing changes.
    const before = JSON.stringify(dataCell());
    set(card, '#data-source-split-train', '-0.2');
    expect(el(card, '[data-testid=dataset-source-problem]').textContent).toBe('Train share: must be between 0 and 1, got -0.2.');
    set(card, '#data-source-split-train', '0.5');
    expect(el(card, '[data-testid=dataset-source-problem]').textContent).toMatch(/^Train, validation and test shares must add up to 1; now 0.5 \+ 0.1 \+ 0.1 = 0.7/);
    set(card, '#data-source-n', '0');
    expect(el(card, '[data-testid=dataset-source-problem]').textContent).toBe('Records: must be from 1 to 100000, got 0.');
    expect(JSON.stringify(dataCell())).toBe(before);
    expect(status()).toBe('done');
    // A change elsewhere is checked with the refused value still on screen; fixing it commits both.
    set(card, '#data-source-seed', '4');
    expect(el(card, '[data-testid=dataset-source-problem]').textContent).toBe('Records: must be from 1 to 100000, got 0.');
    expect(JSON.stringify(dataCell())).toBe(before);
    set(card, '#data-source-n', '40');
    expect(dataCell().source).toEqual({ kind: 'generate', generator: 'toolcalls', n: 40, seed: 4 });
    // Fixing the sum with another share commits both.
    set(card, '#data-source-split-validation', '0.4');
    expect(dataCell().split).toEqual({ method: 'random', seed: 0, ratios: { train: 0.5, validation: 0.4, test: 0.1 } });
    expect(card.querySelector('[data-testid=dataset-source-problem]')).toBeNull();
    // Holding tools out needs at least one tool: the method waits until it has one.
    const beforeByTool = JSON.stringify(dataCell());
    set(card, '#data-source-split', 'by-tool');
    expect(el(card, '[data-testid=dataset-source-problem]').textContent).toBe('Held-out tools: name at least one tool to hold out.');
    expect(JSON.stringify(dataCell())).toBe(beforeByTool);
    set(card, '#data-source-split-tools', ' get_current_weather, convert_currency ,');
    expect(dataCell().split).toEqual({ method: 'by-tool', seed: 0, ratios: { train: 0.5, validation: 0.4, test: 0.1 }, heldOutTools: ['get_current_weather', 'convert_currency'] });

    // Import: a file with a broken line is refused with its line; the notebook is unchanged.
    set(card, '#data-source-kind', 'embedded');
    expect(el(card, '[data-testid=dataset-source-pending]').textContent).toBe('Until you choose a file, the cell keeps reading its current records.');
    const fileInput = el<HTMLInputElement>(card, '#data-source-import-file');
    expect(fileInput.labels?.[0]?.textContent).toBe('Import a file here');
    const { records } = generateToolCalls({ seed: 9, n: 25 });
    const lines = jsonl(records).split('\n');
    lines[2] = lines[2]!.slice(0, 30);
    const beforeImport = JSON.stringify(state.nb);
    choose(fileInput, new File([lines.join('\n')], 'broken.jsonl'));
    await until(() => card.querySelector('[data-testid=dataset-source-problem]') !== null, 'the bad file to be refused');
    expect(el(card, '[data-testid=dataset-source-problem]').getAttribute('role')).toBe('alert');
    expect(el(card, '[data-testid=dataset-source-problem]').textContent).toMatch(/^broken\.jsonl was not imported: 1 bad line\(s\); nothing was changed\. line 3, \/: /);
    expect(JSON.stringify(state.nb)).toBe(beforeImport);

    // A good JSONL file: carried in the notebook, the cell reads it, running gives its count.
    choose(el<HTMLInputElement>(card, '#data-source-import-file'), new File([jsonl(records)], 'calls.jsonl'));
    await until(() => dataCell().source.kind === 'embedded', 'the file to be embedded');
    const ref = (dataCell().source as { ref: string }).ref;
    expect(Object.keys(state.nb!.datasets ?? {})).toEqual([ref]);
    expect(state.nb!.datasets![ref]!.records).toEqual(records);
    expect(state.nb!.datasets![ref]!.info).toMatchObject({ name: 'calls', kind: 'tool-call', provenance: 'import (lab): calls.jsonl' });
    expect(el(card, '[data-testid=embedded-summary]').textContent).toBe('Carried in this notebook: calls, 25 tool-call records.');
    expect(card.querySelector('[data-testid=dataset-source-problem]')).toBeNull();
    expect(card.querySelector('[data-testid=dataset-source-pending]')).toBeNull();
    expect(status()).toBe('stale');
    await state.run('data');
    flushSync();
    expect(status(), state.results.data?.error?.message).toBe('done');
    expect(output()!.records).toBe(25);
    // Its records name no split, so "the source's own" split is not offered.
    const methods = () => [...el<HTMLSelectElement>(card, '#data-source-split').options].map((o) => o.value);
    expect(methods()).toEqual(['seed', 'random', 'by-tool']);

    // A lab JSONL whose records name their split (meta.split, as toolcalls-101 writes it) replaces
    // it (the old records are dropped); its own split is offered and used as is.
    const recipe = toolcalls101(7);
    choose(el<HTMLInputElement>(card, '#data-source-import-file'), new File([jsonl(recipe.records)], 'toolcalls-101.jsonl'));
    await until(() => (dataCell().source as { ref: string }).ref !== ref, 'the second file to be embedded');
    const ref2 = (dataCell().source as { ref: string }).ref;
    expect(Object.keys(state.nb!.datasets ?? {})).toEqual([ref2]);
    expect(state.nb!.datasets![ref2]!.split).toEqual(recipe.split);
    expect(methods()).toEqual(['recipe', 'seed', 'random', 'by-tool']);
    set(card, '#data-source-split', 'recipe');
    expect(dataCell().split).toEqual({ method: 'recipe' });
    await state.run('data');
    flushSync();
    expect(status(), state.results.data?.error?.message).toBe('done');
    expect(output()!.counts).toEqual({ train: recipe.split.train.length, validation: recipe.split.validation.length, test: recipe.split.test.length });

    // A locked cell: every control of its editor is disabled.
    const locked = el(target, '[data-cell="fixed"] .dataset-source');
    const controls = [...locked.querySelectorAll<HTMLInputElement | HTMLSelectElement>('input, select')];
    expect(controls.map((c) => c.id)).toEqual([
      'fixed-source-kind', 'fixed-source-n', 'fixed-source-seed', 'fixed-source-tools', 'fixed-source-templatesPerTool', 'fixed-source-optionalShare', 'fixed-source-irrelevantShare',
      'fixed-source-split', 'fixed-source-split-seed', 'fixed-source-split-train', 'fixed-source-split-validation', 'fixed-source-split-test', 'fixed-source-split-tools',
    ]);
    for (const c of controls) expect(c.disabled, c.id).toBe(true);
    for (const c of controls) expect(c.labels?.length, c.id).toBe(1);
  });

  it('picks a stored dataset of the Datasets view, with an empty state first', async () => {
    const name = `lab-data-dataset-source-${Date.now()}`;
    cleanups.push(() => DataStore.destroy(name));
    const cell: DatasetCell = { id: 'data', type: 'dataset', source: { kind: 'toy' }, split: { method: 'seed' }, format: 'compact' };
    const changes: DatasetCell[] = [];
    const show = () => {
      const target = document.createElement('div');
      document.body.append(target);
      const app = mount(DatasetSource, { target, props: { cell, disabled: false, onchange: (c: DatasetCell) => changes.push(c), openStore: () => DataStore.open({ name }) } });
      cleanups.push(() => (unmount(app), target.remove()));
      flushSync();
      set(target, '#data-source-kind', 'stored');
      return target;
    };

    const empty = show();
    await until(() => empty.querySelector('[data-testid=stored-empty]') !== null, 'the empty state');
    expect(el(empty, '[data-testid=stored-empty]').textContent).toMatch(/Generate or import one in the Datasets view/);
    expect(changes).toEqual([]);

    const store = await DataStore.open({ name });
    const staged = await store.importStream(streamOf(jsonl(generateToolCalls({ seed: 4, n: 12 }).records)), { format: 'lab', dataset: { name: 'My calls', provenance: 'test' }, onErrors: 'ask' });
    store.close();
    expect(staged.committed).toBe(true);
    const full = show();
    await until(() => full.querySelector('#data-source-stored') !== null, 'the stored list');
    const select = el<HTMLSelectElement>(full, '#data-source-stored');
    expect([...select.options].map((o) => o.textContent)).toEqual(['Choose a dataset', 'My calls — 12 tool-call records']);
    expect(select.labels?.[0]?.textContent).toBe('Dataset');
    set(full, '#data-source-stored', staged.datasetId);
    expect(changes).toHaveLength(1);
    expect(changes[0]).toEqual({ ...cell, source: { kind: 'stored', datasetId: staged.datasetId } });
  });

  it('runs a stored dataset cell in the worker (the Datasets view\'s store) and embeds it in an export', async () => {
    // The lab's own Datasets store, which the worker reads too.
    const data = await DataStore.open();
    const staged = await data.importStream(streamOf(jsonl(generateToolCalls({ seed: 5, n: 12 }).records)), { format: 'lab', dataset: { name: 'Stored for a cell', provenance: 'test' }, onErrors: 'ask' });
    cleanups.push(async () => {
      await data.deleteDataset(staged.datasetId);
      data.close();
    });
    const { state, close } = await openNotebook('Stored dataset', [
      { id: 'data', type: 'dataset', source: { kind: 'stored', datasetId: staged.datasetId }, split: { method: 'random', seed: 1, ratios: { train: 0.5, validation: 0.25, test: 0.25 } }, format: 'compact' },
    ]);
    cleanups.push(close);
    await state.run('data');
    expect(state.results.data!.status, state.results.data!.error?.message).toBe('done');
    const out = state.results.data!.output as DatasetOutput;
    expect(out.records).toBe(12);
    expect(out.provenance).toBe('test');
    // An export carries the records, so the file works where this store does not exist.
    const file = JSON.parse((await state.exportText(false)).text) as { cells: DatasetCell[]; datasets: Record<string, { records: unknown[]; info: { name: string } }> };
    const src = file.cells[0]!.source;
    expect(src.kind).toBe('embedded');
    const ref = (src as { ref: string }).ref;
    expect(file.datasets[ref]!.records).toHaveLength(12);
    expect(file.datasets[ref]!.info.name).toBe('Stored for a cell');
  });
});
