// The runs database (src/runs/store.ts) on fake-indexeddb: create/update/list, checkpoints with
// Float32Arrays kept exactly, adapters with what they were trained on, delete, and the memory plan
// of a LoRA step (src/engine/train/plan.ts) against the bytes a real cpu step holds at its peak.
import 'fake-indexeddb/auto';
import { afterEach, describe, expect, it } from 'vitest';
import { createCpuBackend } from '../../../src/engine/cpu';
import { benchTrain } from '../../../src/engine/train/bench';
import type { Checkpoint } from '../../../src/engine/train/checkpoint';
import { loraTrainPlan } from '../../../src/engine/train/plan';
import { RunStore, RUNS_DB_NAME } from '../../../src/runs/store';
import { tinyModel } from './tiny';
import { runRecord as run } from '../runs/run-record';


afterEach(async () => {
  await RunStore.destroy(RUNS_DB_NAME);
});

describe('RunStore', () => {
  it('stores runs with their data, the latest checkpoint (exact floats) and the adapter', async () => {
    const s = await RunStore.open();
    await s.createRun(run('a', '2026-01-01T00:00:00.000Z'), { train: [{ id: 'x', prompt: 'p', completion: 'c' }], validation: [] });
    await s.createRun(run('b', '2026-01-02T00:00:00.000Z'), { train: [], validation: [] });
    await expect(s.createRun(run('a'), { train: [], validation: [] })).rejects.toThrow();
    await s.updateRun('a', { losses: [3, 2], step: 2 });
    expect((await s.listRuns()).map((r) => r.id)).toEqual(['a', 'b']); // newest change first
    expect((await s.getData('a')).train).toEqual([{ id: 'x', prompt: 'p', completion: 'c' }]);

    const p = new Float32Array([0.1, -2.5e-8, Math.PI]);
    const ck = { schemaVersion: 1, step: 2, position: { epoch: 0, batch: 2 }, rng: [1, 2, 3, 4], mode: 'lora', lora: null, params: { w: p }, optimizer: { step: 2, m: { w: p }, v: { w: p } }, losses: [3, 2], options: {} } as unknown as Checkpoint;
    await s.saveCheckpoint('a', ck, { status: 'paused' });
    const back = await s.getCheckpoint('a');
    expect(back!.params.w).toBeInstanceOf(Float32Array);
    expect(back!.params.w).toEqual(p);
    expect(await s.getRun('a')).toMatchObject({ checkpointStep: 2, status: 'paused', losses: [3, 2] });
    expect(await s.getCheckpoint('b')).toBeNull();

    await expect(s.getAdapter('a')).rejects.toMatchObject({ name: 'RunNotFoundError' });
    const trainedOn = { datasetId: 'd', format: 'text', recordIds: ['r1'], tools: ['get_time'] };
    await s.saveAdapter({ runId: 'a', config: { peft_type: 'LORA' }, weights: new Uint8Array([1, 2, 3]), trainedOn });
    expect((await s.getAdapter('a')).trainedOn).toEqual(trainedOn);
    expect((await s.getRun('a')).hasAdapter).toBe(true);

    await s.deleteRun('a');
    await expect(s.getRun('a')).rejects.toMatchObject({ name: 'RunNotFoundError' });
    await expect(s.getCheckpoint('a')).resolves.toBeNull();
    await expect(s.updateRun('a', {})).rejects.toThrow(/no run "a"/);
    s.close();
  });

  it('closes on versionchange so another tab can upgrade', async () => {
    let told = false;
    const s = await RunStore.open({ onVersionChange: () => (told = true) });
    await RunStore.destroy(RUNS_DB_NAME); // deleteDatabase fires versionchange on open connections
    expect(told).toBe(true);
    s.close();
  });
});

describe('loraTrainPlan', () => {
  for (const arch of ['llama', 'gpt2'] as const) {
    it(`${arch}: the plan's total equals the peak bytes a real cpu LoRA step holds`, async () => {
      const be = createCpuBackend();
      const model = await tinyModel(be, arch);
      const before = be.memory().bytesInUse;
      const r = await benchTrain(model, { batch: 2, length: 12, r: 4, steps: 1, warmup: 0 });
      const plan = loraTrainPlan(model.config, 2, 12, { r: 4, alpha: 8, dropout: 0, targetModules: r.targets });
      expect(plan.weightBytes).toBe(before);
      console.info(`[plan] ${arch}: plan ${plan.totalBytes} B, measured peak ${r.peakBytes} B`);
      expect(r.peakBytes).toBe(plan.totalBytes);
      model.free();
    });
  }
});
