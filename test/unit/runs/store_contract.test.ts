// One test body against both runs stores: the IndexedDB one (src/runs/store.ts, on fake-indexeddb
// here) and the folder one for Node (src/runs/store_node.ts, on a temporary folder). Runs with their
// data, listing order, the latest checkpoint (floats exact), adapters (bytes exact), the same errors,
// delete; then folder specifics: files on disk, ids that are not file names, no temporary files
// left, a second store object on the same folder reads what the first wrote.
import 'fake-indexeddb/auto';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Checkpoint } from '../../../src/engine/train/checkpoint';
import { RunStore, type RunsStore } from '../../../src/runs/store';
import { FolderRunStore } from '../../../src/runs/store_node';
import { runRecord as run } from './run-record';


function checkpoint(step: number, p: Float32Array): Checkpoint {
  return {
    schemaVersion: 1,
    step,
    position: { epoch: 0, batch: step },
    rng: [1, 2, 3, 4],
    mode: 'lora',
    lora: { r: 2, alpha: 4, dropout: 0, targetModules: ['q_proj'] },
    params: { 'layers.0.q.lora_A': p },
    optimizer: { step, m: { 'layers.0.q.lora_A': p.map((x) => x / 2) }, v: { 'layers.0.q.lora_A': p.map((x) => x * x) } },
    losses: [3, 2],
    options: { lr: 1e-3 },
  } as unknown as Checkpoint;
}

/** The behaviour both stores share. */
async function contract(s: RunsStore): Promise<void> {
  await s.createRun(run('a', '2026-01-01T00:00:00.000Z'), { train: [{ id: 'x', prompt: 'p', completion: 'c' }], validation: [{ id: 'y', prompt: 'q', completion: 'd' }] });
  await s.createRun(run('b', '2026-01-02T00:00:00.000Z'), { train: [], validation: [] });
  await expect(s.createRun(run('a'), { train: [], validation: [] })).rejects.toThrow();
  expect((await s.listRuns()).map((r) => r.id)).toEqual(['b', 'a']);
  const updated = await s.updateRun('a', { losses: [3, 2], step: 2 });
  expect(updated).toMatchObject({ id: 'a', losses: [3, 2], step: 2, created: '2026-01-01T00:00:00.000Z' });
  expect(updated.modified > '2026-01-02').toBe(true);
  expect((await s.listRuns()).map((r) => r.id)).toEqual(['a', 'b']); // newest change first
  expect(await s.getRun('a')).toEqual(updated);
  expect(await s.getData('a')).toEqual({ runId: 'a', train: [{ id: 'x', prompt: 'p', completion: 'c' }], validation: [{ id: 'y', prompt: 'q', completion: 'd' }] });

  // Checkpoints: the latest only, floats bit-exact (including a tiny and a negative value).
  const p = new Float32Array([0.1, -2.5e-8, Math.PI, 1e30]);
  await s.saveCheckpoint('a', checkpoint(1, new Float32Array([9])));
  await s.saveCheckpoint('a', checkpoint(2, p), { status: 'paused' });
  const back = await s.getCheckpoint('a');
  expect(back).toEqual(checkpoint(2, p));
  expect(back!.params['layers.0.q.lora_A']).toBeInstanceOf(Float32Array);
  expect(await s.getRun('a')).toMatchObject({ checkpointStep: 2, status: 'paused', losses: [3, 2] });
  expect(await s.getCheckpoint('b')).toBeNull();
  await expect(s.saveCheckpoint('nope', checkpoint(1, p))).rejects.toMatchObject({ name: 'RunNotFoundError', message: 'no run "nope"' });

  // Adapters: bytes exact, with what they were trained on.
  await expect(s.getAdapter('a')).rejects.toMatchObject({ name: 'RunNotFoundError' });
  const trainedOn = { datasetId: 'd', format: 'text', recordIds: ['r1'], tools: ['get_time'] };
  const weights = new Uint8Array([1, 2, 3, 0, 255]);
  await s.saveAdapter({ runId: 'a', config: { peft_type: 'LORA', r: 2 }, weights, trainedOn });
  const ad = await s.getAdapter('a');
  expect(ad).toMatchObject({ runId: 'a', config: { peft_type: 'LORA', r: 2 }, trainedOn });
  expect([...ad.weights]).toEqual([...weights]);
  expect(typeof ad.saved).toBe('string');
  expect((await s.getRun('a')).hasAdapter).toBe(true);
  await expect(s.saveAdapter({ runId: 'nope', config: {}, weights, trainedOn })).rejects.toMatchObject({ name: 'RunNotFoundError' });

  // Errors name the run.
  await expect(s.getRun('nope')).rejects.toMatchObject({ name: 'RunNotFoundError', message: 'no run "nope"' });
  await expect(s.getData('nope')).rejects.toMatchObject({ name: 'RunNotFoundError', message: 'run "nope" has no stored training data' });
  await expect(s.updateRun('nope', {})).rejects.toThrow(/no run "nope"/);

  // Delete: the run and everything with it; deleting again is fine.
  await s.deleteRun('a');
  await s.deleteRun('a');
  await expect(s.getRun('a')).rejects.toMatchObject({ name: 'RunNotFoundError' });
  await expect(s.getCheckpoint('a')).resolves.toBeNull();
  await expect(s.getAdapter('a')).rejects.toMatchObject({ name: 'RunNotFoundError' });
  await expect(s.getData('a')).rejects.toMatchObject({ name: 'RunNotFoundError' });
  expect((await s.listRuns()).map((r) => r.id)).toEqual(['b']);
  // A deleted id can be used again.
  await s.createRun(run('a'), { train: [], validation: [] });
  expect(await s.getCheckpoint('a')).toBeNull();
}

let dir = '';
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'runs-store-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('runs stores: one contract', () => {
  it('IndexedDB (fake-indexeddb)', async () => {
    const s = await RunStore.open({ name: 'runs-contract' });
    try {
      await contract(s);
    } finally {
      s.close();
      await RunStore.destroy('runs-contract');
    }
  });

  it('folder (Node)', async () => {
    await contract(await FolderRunStore.open(join(dir, 'contract')));
  });
});

describe('FolderRunStore', () => {
  it('keeps one folder per run with JSON and binary files, and no temporary files', async () => {
    const root = join(dir, 'files');
    const s = await FolderRunStore.open(root);
    await s.createRun(run('r1'), { train: [], validation: [] });
    await s.saveCheckpoint('r1', checkpoint(3, new Float32Array([1, 2])));
    await s.saveAdapter({ runId: 'r1', config: { peft_type: 'LORA' }, weights: new Uint8Array([7]), trainedOn: run('r1').trainedOn });
    expect((await readdir(join(root, 'r1'))).sort()).toEqual(['adapter.json', 'adapter_model.safetensors', 'checkpoint.safetensors', 'data.json', 'run.json']);
    // A second store on the same folder (a later `lab run --store`) sees the run.
    const again = await FolderRunStore.open(root);
    expect(await again.getRun('r1')).toMatchObject({ checkpointStep: 3, hasAdapter: true });
    expect((await again.getCheckpoint('r1'))!.step).toBe(3);
  });

  it('stores ids that are not file names under an encoded folder name, apart from look-alikes', async () => {
    const root = join(dir, 'ids');
    const s = await FolderRunStore.open(root);
    const ids = ['nb-x/../y', '.hidden', 'nb-a.b', 'nb-a%2Eb', 'tool calls: ünï'];
    for (const id of ids) await s.createRun(run(id), { train: [{ id, prompt: id, completion: '' }], validation: [] });
    for (const id of ids) expect((await s.getData(id)).train[0]!.id).toBe(id);
    expect((await s.listRuns()).map((r) => r.id).sort()).toEqual([...ids].sort());
    expect(existsSync(join(dir, 'y'))).toBe(false);
    for (const n of await readdir(root)) expect(n).toMatch(/^[A-Za-z0-9_%-][A-Za-z0-9._%-]*$/);
  });

  it('runs concurrent updates of one run in order (no lost update)', async () => {
    const s = await FolderRunStore.open(join(dir, 'concurrent'));
    await s.createRun(run('c'), { train: [], validation: [] });
    await Promise.all(Array.from({ length: 10 }, (_, i) => s.getRun('c').then(() => s.updateRun('c', { losses: [i] }))));
    const r = await s.getRun('c');
    expect(r.losses).toHaveLength(1);
    // Every patch landed in order: read-modify-write of two fields never loses one.
    await Promise.all([s.updateRun('c', { step: 5 }), s.saveCheckpoint('c', checkpoint(4, new Float32Array([1])), { message: 'm' })]);
    expect(await s.getRun('c')).toMatchObject({ step: 5, message: 'm', checkpointStep: 4 });
  });
});
