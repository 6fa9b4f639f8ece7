// The Datasets view in real Chromium with real IndexedDB: generate toolcalls-101 into the store,
// search the list and the records, edit a record (an invalid value is refused with the field
// named and the stored record unchanged; the fixed one is saved and replaces only that record),
// export JSONL equal to the store's records, a bad CSV stores nothing, delete with cancel/confirm.
import { flushSync, mount, unmount } from 'svelte';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { userEvent } from 'vitest/browser';
import { DataStore } from '../../../src/data/store';
import { toolcalls101 } from '../../../src/data/generators/recipes';
import type { LabRecord, ToolCallRecord } from '../../../src/data/types';
import { DatasetsState } from '../../../src/lib/datasets/datasets.svelte';
import DatasetsPanel from '../../../src/components/datasets/DatasetsPanel.svelte';
import { until as waitUntil } from '../until';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function openView() {
  const name = `lab-data-view-${Date.now()}-${Math.random().toString(36).slice(2)}`;
  const store = await DataStore.open({ name });
  const ds = new DatasetsState(store, { pageSize: 10 });
  await ds.refresh();
  const target = document.createElement('div');
  document.body.append(target);
  const app = mount(DatasetsPanel, { target, props: { ds } });
  cleanups.push(async () => {
    unmount(app);
    target.remove();
    store.close();
    await DataStore.destroy(name);
  });
  flushSync();
  return { store, ds, target };
}

const until = (cond: Parameters<typeof waitUntil>[0], what: string, ms = 20_000) => waitUntil(cond, what, ms, () => document.querySelector("[data-testid=notice]")?.textContent ?? "no notice");

const button = (root: ParentNode, label: string) => {
  const b = [...root.querySelectorAll('button')].find((x) => x.textContent?.trim() === label || x.getAttribute('aria-label') === label);
  if (!b) throw new Error(`no button "${label}"`);
  return b as HTMLButtonElement;
};

function type(el: HTMLInputElement | HTMLTextAreaElement, value: string) {
  el.value = value;
  el.dispatchEvent(new Event('input', { bubbles: true }));
  flushSync();
}

async function allRecords(store: DataStore, id: string): Promise<LabRecord[]> {
  const out: LabRecord[] = [];
  for await (const r of store.iterateRecords(id)) out.push(r);
  return out;
}

describe('datasets view', () => {
  it('generates toolcalls-101, searches, edits a record with validation, and exports JSONL equal to the store', async () => {
    const { store, ds, target } = await openView();
    expect(target.textContent).toContain('There are no datasets yet');
    button(target, 'Generate').click();
    await until(() => ds.datasets.length === 1, 'the generated dataset');
    const info = ds.datasets[0]!;
    const expected = toolcalls101(101).records;
    expect(info.count).toBe(expected.length);
    expect(info.name).toBe('toolcalls-101 (seed 101)');
    const row = target.querySelector(`tr[data-dataset="${info.id}"]`)!;
    expect(row.textContent).toContain('tool-call');
    expect(row.textContent).toContain(String(expected.length));
    // The store saved the records' own splits.
    const splits = await store.listSplits(info.id);
    expect(splits.map((s) => [s.assignment.train.length, s.assignment.validation.length, s.assignment.test.length])).toEqual([[300, 50, 100]]);

    // List search.
    type(target.querySelector<HTMLInputElement>('input[type=search]')!, 'no such words');
    expect(target.querySelector('[data-testid=dataset-list]')).toBeNull();
    type(target.querySelector<HTMLInputElement>('input[type=search]')!, 'toolcalls generator');
    expect(target.querySelectorAll('[data-testid=dataset-list] tbody tr')).toHaveLength(1);

    // Open, page, search records by tool name.
    button(target, `Open ${info.name}`).click();
    await until(() => target.querySelectorAll('[data-record]').length === 10, 'the first page');
    expect(target.textContent).toContain(`Page 1 of ${Math.ceil(expected.length / 10)}`);
    expect(target.querySelector('[data-record] .tag')?.textContent).toBe('train');
    button(target, 'Next').click();
    await until(() => ds.page === 1, 'page 2');
    expect([...target.querySelectorAll('[data-record]')].map((e) => e.getAttribute('data-record'))).toEqual(expected.slice(10, 20).map((r) => r.id));
    type(target.querySelector<HTMLInputElement>('[data-testid=record-search]')!, 'rent_car');
    target.querySelector<HTMLFormElement>('form[role=search]')!.requestSubmit();
    const rentCar = expected.filter((r) => r.tools.some((t) => t.name === 'rent_car') || r.expected.some((c) => c.name === 'rent_car'));
    await until(() => ds.recordQuery === 'rent_car' && ds.page === 0 && ds.records.length > 0, 'the search');
    expect(ds.records.map((r) => r.id)).toEqual(rentCar.slice(0, 10).map((r) => r.id));
    expect(rentCar.length).toBeGreaterThan(10);
    expect(target.querySelector('[data-record] .tag')?.textContent).toBe('test');

    // Edit with an invalid value: refused, the field named, the stored record unchanged.
    const victim = ds.records[0] as ToolCallRecord;
    const before = await store.getRecord(info.id, victim.id);
    button(target, `Edit record ${victim.id}`).click();
    flushSync();
    const area = target.querySelector<HTMLTextAreaElement>('#record-json')!;
    expect(JSON.parse(area.value)).toEqual(before);
    const bad = structuredClone(before) as ToolCallRecord;
    (bad.expected[0] as unknown as { name: number }).name = 42;
    type(area, JSON.stringify(bad, null, 2));
    button(target, 'Save').click();
    await until(() => (ds.editing?.errors.length ?? 0) > 0, 'the validation error');
    const errs = [...target.querySelectorAll('#record-errors li')].map((li) => li.getAttribute('data-field'));
    expect(errs).toContain('/expected/0/name');
    expect(target.querySelector('#record-errors')?.textContent).toContain('/expected/0/name');
    expect(await store.getRecord(info.id, victim.id)).toEqual(before);
    // Broken JSON names the line.
    type(area, '{\n  "kind": "tool-call",\n  oops\n}');
    button(target, 'Save').click();
    await until(() => ds.editing?.errors[0]?.message.startsWith('not valid JSON') ?? false, 'the JSON error');
    expect(ds.editing!.errors[0]!.line).toBe(3);

    // Fix and save: only that record changes.
    const fixed = structuredClone(before) as ToolCallRecord;
    fixed.instruction = 'Please rent a car in Lisbon from Friday.';
    type(target.querySelector<HTMLTextAreaElement>('#record-json')!, JSON.stringify(fixed));
    button(target, 'Save').click();
    await until(() => ds.editing === null, 'the save');
    const after = await allRecords(store, info.id);
    expect(after).toHaveLength(expected.length);
    const byId = new Map(expected.map((r) => [r.id, r]));
    let changed = 0;
    for (const r of after) if (JSON.stringify(r) !== JSON.stringify(byId.get(r.id))) changed++;
    expect(changed).toBe(1);
    expect(await store.getRecord(info.id, victim.id)).toEqual(fixed);
    expect(after.map((r) => r.id)).toEqual(expected.map((r) => r.id));

    // Export: the JSONL header names the dataset, and its records equal the store's.
    const blobs: Blob[] = [];
    const spy = vi.spyOn(URL, 'createObjectURL').mockImplementation((b) => {
      blobs.push(b as Blob);
      return 'blob:test';
    });
    cleanups.push(() => spy.mockRestore());
    const click = vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(() => {});
    cleanups.push(() => click.mockRestore());
    button(target, `Export ${info.name} as JSONL`).click();
    await until(() => blobs.length === 1, 'the export');
    const lines = (await blobs[0]!.text()).trimEnd().split('\n');
    expect(JSON.parse(lines[0]!).dataset.id).toBe(info.id);
    expect(lines.slice(1).map((l) => JSON.parse(l))).toEqual(await allRecords(store, info.id));
  });

  it('refuses a bad CSV file and stores nothing, imports a good one, and deletes only after confirmation', async () => {
    const { store, ds, target } = await openView();
    const input = target.querySelector<HTMLInputElement>('[data-testid=import-file]')!;
    const choose = (name: string, text: string) => {
      const dt = new DataTransfer();
      dt.items.add(new File([text], name, { type: 'text/csv' }));
      input.files = dt.files;
      input.dispatchEvent(new Event('change', { bubbles: true }));
    };
    choose('bad.csv', 'input,schema,expected\n"Ann is 4","{""type"":""object""}","{""age"": 4}"\n"Bo","{""type"":""object"",""required"":[""age""]}","{""name"": ""Bo""}"\n');
    await until(() => ds.notice?.kind === 'error', 'the import error');
    expect(ds.notice!.text).toContain('nothing was stored');
    expect(ds.notice!.details!.join('\n')).toMatch(/^line 3, \/expected/m);
    expect(await store.listDatasets()).toEqual([]);

    choose('qa.csv', 'prompt,completion,split\nHi,Hello,train\n"Say ""two""","two\nlines",test\n');
    await until(() => ds.datasets.length === 1, 'the CSV import');
    const info = ds.datasets[0]!;
    expect(info).toMatchObject({ name: 'qa', kind: 'text', count: 2 });
    expect(await allRecords(store, info.id)).toEqual([
      { kind: 'text', id: 'csv-2', prompt: 'Hi', completion: 'Hello', meta: { split: 'train' } },
      { kind: 'text', id: 'csv-3', prompt: 'Say "two"', completion: 'two\nlines', meta: { split: 'test' } },
    ]);

    // Delete: Escape cancels, Cancel cancels, Delete deletes.
    const dialog = target.querySelector<HTMLDialogElement>('[data-testid=confirm-dialog]')!;
    button(target, `Delete ${info.name}`).click();
    flushSync();
    expect(dialog.open).toBe(true);
    await userEvent.keyboard('{Escape}');
    await until(() => !dialog.open, 'Escape to close the dialog');
    expect((await store.listDatasets()).map((d) => d.id)).toEqual([info.id]);
    button(target, `Delete ${info.name}`).click();
    flushSync();
    button(dialog, 'Cancel').click();
    await until(() => !dialog.open, 'the dialog to close');
    expect((await store.listDatasets()).map((d) => d.id)).toEqual([info.id]);
    button(target, `Delete ${info.name}`).click();
    flushSync();
    expect(dialog.open).toBe(true);
    button(dialog, 'Delete').click();
    await until(() => ds.datasets.length === 0, 'the deletion');
    expect(await store.listDatasets()).toEqual([]);
    expect(await store.countRecords(info.id)).toBe(0);
  });
});
