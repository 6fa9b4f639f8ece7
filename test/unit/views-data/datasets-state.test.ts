// The Datasets view's state over the real DataStore (fake-indexeddb in Node): BFCL import with its
// answers (with and without repair: a bad file stores nothing and the error names line and field),
// a lab JSONL with one bad line stores nothing, cancel stores nothing, generate, delete.
import 'fake-indexeddb/auto';
import { openAsBlob } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { DataStore } from '../../../src/data/store';
import { DatasetsState } from '../../../src/lib/datasets/datasets.svelte';

const BFCL = new URL('../../../../shared/datasets/bfcl/', import.meta.url);
const file = async (u: URL, name: string) => new File([await openAsBlob(u)], name);

const opened: DataStore[] = [];
afterEach(() => opened.splice(0).forEach((s) => s.close()));
async function state(): Promise<DatasetsState> {
  const store = await DataStore.open({ name: `views-data-${Math.random()}` });
  opened.push(store);
  return new DatasetsState(store);
}

describe('DatasetsState', () => {
  it('imports BFCL simple with its answers (repaired), and refuses it unrepaired, storing nothing', async () => {
    const ds = await state();
    const q = await file(new URL('BFCL_v3_simple.json', BFCL), 'BFCL_v3_simple.json');
    const a = await file(new URL('possible_answer/BFCL_v3_simple.json', BFCL), 'answers.json');
    expect(await ds.importFile(q, 'bfcl', { answers: a, repair: false })).toBeNull();
    expect(ds.notice?.kind).toBe('error');
    expect(ds.notice!.text).toMatch(/has 2 bad records; nothing was stored.*tick "repair"/);
    expect(ds.notice!.details).toEqual([expect.stringMatching(/^line 308, \/expected\/0\/arguments\/venue: /), expect.stringMatching(/^line 364, \/expected\/0\/name: /)]);
    expect(await ds.store.listDatasets()).toEqual([]);
    const d = await ds.importFile(q, 'bfcl', { answers: a, repair: true });
    expect(d).toMatchObject({ name: 'BFCL_v3_simple', kind: 'tool-call', count: 400, provenance: 'import (bfcl): BFCL_v3_simple.json' });
    expect(ds.datasets.map((x) => x.id)).toEqual([d!.id]);
  });

  it('stores nothing from a lab JSONL with one bad line, or from a cancelled import', async () => {
    const ds = await state();
    const good = { kind: 'text', id: 'a', prompt: 'p', completion: 'c' };
    const text = [JSON.stringify(good), JSON.stringify({ ...good, id: 'b', completion: 5 }), JSON.stringify({ ...good, id: 'c' })].join('\n');
    expect(await ds.importFile(new File([text], 'x.jsonl'), 'lab')).toBeNull();
    expect(ds.notice!.details).toEqual([expect.stringMatching(/^line 2, \/completion: /)]);
    expect(await ds.store.listDatasets()).toEqual([]);
    expect(await ds.store.cleanupPending({ all: true })).toEqual([]);
    // Cancel before the read starts: the staged dataset is deleted.
    const p = ds.importFile(new File([text.split('\n')[0]!], 'y.jsonl'), 'lab');
    ds.cancel();
    expect(await p).toBeNull();
    expect(ds.notice!.text).toMatch(/cancelled; nothing was stored/);
    expect(await ds.store.listDatasets()).toEqual([]);
  });

  it('generates a recipe, refuses unknown recipes and bad seeds, and deletes', async () => {
    const ds = await state();
    expect(await ds.generate('nope', 1)).toBeNull();
    expect(ds.notice!.text).toMatch(/no recipe "nope"; pick one of toolcalls-101/);
    expect(await ds.generate('toolcalls-101', 1.5)).toBeNull();
    const d = await ds.generate('toolcalls-101', 7);
    expect(d).toMatchObject({ name: 'toolcalls-101 (seed 7)', count: 450, provenance: 'generator: recipe toolcalls-101, seed 7' });
    await ds.openDataset(d!);
    expect(ds.records).toHaveLength(20);
    expect(ds.total).toBe(450);
    await ds.remove(d!);
    expect(ds.open).toBeNull();
    expect(ds.datasets).toEqual([]);
    expect(await ds.store.countRecords(d!.id)).toBe(0);
  });
});
