// Training through the lab worker (the UI's own client), on the cpu backend with stories260K:
// progress events per step, pause → resume, a "reload" (worker closed, a new one continues from the
// checkpoint in real IndexedDB), cancel, the Web Lock refusing a second trainer of the same run,
// and the PEFT adapter stored with the run, downloadable and attachable for generation.
import * as Comlink from 'comlink';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ModelHandle, TrainProgress, TrainRequest } from '../../../src/api/lab-api';
import type { LabRecord } from '../../../src/data/types';
import { DataStore } from '../../../src/data/store';
import { OVERFIT_EXAMPLES, OVERFIT_LORA } from '../../../src/engine/train/overfit';
import { startLab, type LabClient } from '../../../src/lib/lab-client';
import { RunStore } from '../../../src/runs/store';

const STORIES = '/fixtures/stories260K/hf/';
const open: LabClient[] = [];

async function lab(): Promise<{ client: LabClient; model: ModelHandle }> {
  const client = await startLab();
  open.push(client);
  const model = await client.api.loadModel(STORIES, { backend: 'cpu' });
  return { client, model };
}

/** The error a promise rejects with (fails the test if it resolves). */
async function rejection(p: Promise<unknown>): Promise<Error> {
  try {
    await p;
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected a rejection, but the promise resolved');
}

/** The overfit run's data and LoRA; `steps` steps of batch 8 (two batches an epoch, reshuffled). */
function request(runId: string, steps: number, extra: Partial<TrainRequest['hyper']> = {}): TrainRequest {
  return {
    runId,
    lora: { ...OVERFIT_LORA, targetModules: [...OVERFIT_LORA.targetModules] },
    hyper: { lr: 1e-2, schedule: 'constant', steps, batchSize: 8, clip: 1, seed: 3, ...extra },
    maxLength: 128,
    data: { kind: 'examples', train: OVERFIT_EXAMPLES.map((e) => ({ ...e })) },
  };
}

const stepLosses = (events: TrainProgress[]) => events.filter((e) => e.phase === 'step').map((e) => e.loss!);

beforeAll(async () => {
  await RunStore.destroy();
});
afterAll(() => {
  for (const c of open) c.terminate();
});

describe('lab worker: training', () => {
  it('overfit run: a progress event per step (loss falls), validation losses, stored run and adapter', async () => {
    const { client, model } = await lab();
    const events: TrainProgress[] = [];
    const req: TrainRequest = {
      ...request('overfit', 10, { batchSize: 16, evalEvery: 5, seed: 0 }),
      data: { kind: 'examples', train: OVERFIT_EXAMPLES.map((e) => ({ ...e })), validation: OVERFIT_EXAMPLES.slice(0, 4).map((e) => ({ ...e })) },
    };
    const base = await client.api.generate(model, [OVERFIT_EXAMPLES[0]!.prompt], { maxNewTokens: 12 });
    const run = await client.api.startTraining(model, req, Comlink.proxy((p: TrainProgress) => void events.push(p)));

    const steps = events.filter((e) => e.phase === 'step');
    const losses = stepLosses(events);
    console.info(`[train] overfit first 10 steps: ${losses.map((l) => l.toFixed(3)).join(' ')}; ${steps.at(-1)!.tokensPerSec.toFixed(0)} tok/s`);
    expect(events[0]!.phase).toBe('start');
    expect(events.at(-1)).toMatchObject({ phase: 'stopped', reason: 'done', step: 10 });
    expect(steps.map((e) => e.step)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(losses.length).toBeGreaterThanOrEqual(10);
    expect(losses.at(-1)!).toBeLessThan(losses[0]!);
    for (const e of steps) {
      expect(e).toMatchObject({ status: 'train', runId: 'overfit', total: 10, lr: 1e-2, backend: 'cpu', gpuMemoryBytes: null });
      expect(e.backendReason).toMatch(/^cpu/);
      expect(Number.isFinite(e.gradNorm)).toBe(true);
      expect(e.tokensPerSec).toBeGreaterThan(0);
      expect(e.rate).toBe(e.tokensPerSec);
      expect(e.etaSeconds).toBeGreaterThanOrEqual(0);
      expect(e.memoryBytes).toBeGreaterThan(0);
      expect(e.epoch).toBeGreaterThan(0);
    }
    expect(events.filter((e) => e.phase === 'eval').map((e) => e.step)).toEqual([5, 10]);

    // The stored run matches what streamed.
    expect(run).toMatchObject({ id: 'overfit', status: 'done', step: 10, steps: 10, checkpointStep: 10, hasAdapter: true });
    expect(run.losses).toEqual(losses);
    expect(run.evals.map((e) => e.step)).toEqual([5, 10]);
    expect(run.evals.every((e) => Number.isFinite(e.loss))).toBe(true);
    expect(run.report).toMatchObject({ trainExamples: 16, validationExamples: 4, dropped: [], backend: 'cpu' });
    expect((await client.api.listRuns()).map((r) => r.id)).toContain('overfit');

    // The adapter: PEFT files, attachable by run or from the downloaded files, same generations.
    const files = await client.api.downloadAdapter('overfit');
    const cfg = JSON.parse(files.config) as Record<string, unknown>;
    expect(cfg).toMatchObject({ peft_type: 'LORA', r: 8, lora_alpha: 16 });
    expect(files.weights.byteLength).toBeGreaterThan(1000);
    expect(await client.api.adapterTrainedOn('overfit')).toEqual({ datasetId: null, format: null, recordIds: OVERFIT_EXAMPLES.map((_, i) => `train-${i}`), tools: [], offeredTools: [] });
    const st = await client.api.attachAdapter(model, { runId: 'overfit' });
    expect(st).toMatchObject({ attached: true, runId: 'overfit', enabled: true, merged: false, r: 8, modules: 36 });
    const tuned = await client.api.generate(model, [OVERFIT_EXAMPLES[0]!.prompt], { maxNewTokens: 12 });
    expect(tuned.rows[0]!.ids).not.toEqual(base.rows[0]!.ids);
    await client.api.setAdapterEnabled(model, false);
    expect((await client.api.generate(model, [OVERFIT_EXAMPLES[0]!.prompt], { maxNewTokens: 12 })).rows[0]!.ids).toEqual(base.rows[0]!.ids);
    expect(await client.api.attachAdapter(model, files)).toMatchObject({ attached: true, runId: null, enabled: true });
    expect((await client.api.generate(model, [OVERFIT_EXAMPLES[0]!.prompt], { maxNewTokens: 12 })).rows[0]!.ids).toEqual(tuned.rows[0]!.ids);
    expect(await client.api.detachAdapter(model)).toMatchObject({ attached: false });
    const bad = await rejection(client.api.attachAdapter(model, { config: '{"peft_type": "IA3"}', weights: files.weights }));
    expect(bad.name).toBe('AdapterFormatError');
  }, 120_000);

  let uninterrupted: number[] = [];

  it('pause → resume gives the same losses as an uninterrupted run', async () => {
    const { client, model } = await lab();
    const u = await client.api.startTraining(model, request('plain', 6));
    uninterrupted = u.losses;
    expect(uninterrupted).toHaveLength(6);

    const events: TrainProgress[] = [];
    let pausedAt = -1;
    let checkpointAt = -1;
    let whilePaused: { status: string; checkpointStep: number | null } | null = null;
    // Resume once the run is paused and its pause checkpoint is stored (events may come in either order).
    const maybeResume = () => {
      if (pausedAt < 0 || checkpointAt !== pausedAt || whilePaused) return;
      whilePaused = { status: 'pending', checkpointStep: null };
      void client.api.getRun('paused').then((r) => {
        whilePaused = { status: r.status, checkpointStep: r.checkpointStep };
        return client.api.resumeTraining('paused');
      });
    };
    const onProgress = Comlink.proxy((p: TrainProgress) => {
      events.push(p);
      if (p.phase === 'step' && p.step === 2) void client.api.pauseTraining('paused');
      if (p.phase === 'paused') pausedAt = p.step;
      if (p.phase === 'checkpoint' && checkpointAt < 0) checkpointAt = p.step;
      maybeResume();
    });
    const r = await client.api.startTraining(model, request('paused', 6), onProgress);
    const phases = events.map((e) => e.phase);
    expect(phases).toContain('paused');
    expect(phases).toContain('resumed');
    expect(pausedAt).toBeGreaterThanOrEqual(2);
    expect(whilePaused).toEqual({ status: 'paused', checkpointStep: pausedAt });
    expect(r.status).toBe('done');
    expect(r.losses).toEqual(uninterrupted);
    expect(stepLosses(events)).toEqual(uninterrupted);
  }, 120_000);

  it('"reload": a checkpoint in IndexedDB survives the worker; a new worker continues with the same losses', async () => {
    expect(uninterrupted).toHaveLength(6);
    const first = await lab();
    const stored = new Promise<number>((resolve) => {
      const onProgress = Comlink.proxy((p: TrainProgress) => {
        if (p.phase === 'step' && p.step === 2) void first.client.api.pauseTraining('reload');
        if (p.phase === 'checkpoint') resolve(p.step);
      });
      first.client.api.startTraining(first.model, request('reload', 6), onProgress).catch(() => {});
    });
    const k = await stored;
    first.client.terminate(); // the tab goes away mid-run

    const second = await lab();
    const before = await second.client.api.getRun('reload');
    expect(before).toMatchObject({ status: 'interrupted', checkpointStep: k, step: k });
    expect(before.losses).toEqual(uninterrupted.slice(0, k));
    const events: TrainProgress[] = [];
    const r = await second.client.api.continueTraining(second.model, 'reload', Comlink.proxy((p: TrainProgress) => void events.push(p)));
    expect(events.filter((e) => e.phase === 'step').map((e) => e.step)).toEqual(Array.from({ length: 6 - k }, (_, i) => k + 1 + i));
    expect(r.status).toBe('done');
    expect(r.losses).toEqual(uninterrupted); // bit-identical on cpu
    expect(stepLosses(events)).toEqual(uninterrupted.slice(k));
  }, 120_000);

  it('webgpu: a model loaded on webgpu trains there (progress says so); the first 3 losses match cpu within 1e-3', async () => {
    expect(uninterrupted).toHaveLength(6);
    const client = await startLab();
    open.push(client);
    const model = await client.api.loadModel(STORIES, { backend: 'webgpu' });
    const events: TrainProgress[] = [];
    const r = await client.api.startTraining(model, request('webgpu', 3), Comlink.proxy((p: TrainProgress) => void events.push(p)));
    const steps = events.filter((e) => e.phase === 'step');
    expect(steps.map((e) => e.backend)).toEqual(['webgpu', 'webgpu', 'webgpu']);
    expect(steps[0]!.backendReason).toMatch(/^webgpu/);
    expect(steps[0]!.gpuMemoryBytes).toBeGreaterThan(0);
    expect(r.report.backend).toBe('webgpu');
    const diffs = r.losses.map((l, i) => Math.abs(l - uninterrupted[i]!));
    console.info(`[train] webgpu vs cpu losses: max |Δ| ${Math.max(...diffs).toExponential(2)} (${r.losses.map((l) => l.toFixed(5)).join(' ')})`);
    expect(Math.max(...diffs)).toBeLessThanOrEqual(1e-3);

    // The same model can train on a cpu copy on request: said in the progress, cpu losses exactly.
    const cpuEvents: TrainProgress[] = [];
    const c = await client.api.startTraining(model, { ...request('cpu-copy', 2), backend: 'cpu' }, Comlink.proxy((p: TrainProgress) => void cpuEvents.push(p)));
    expect(cpuEvents.find((e) => e.phase === 'step')).toMatchObject({ backend: 'cpu', gpuMemoryBytes: null });
    expect(cpuEvents[0]!.backendReason).toMatch(/^cpu \(a copy of the model on the CPU\): cpu backend requested/);
    expect(c.losses).toEqual(uninterrupted.slice(0, 2));
  }, 180_000);

  it('a lost GPU device stops the run; a new device continues from the checkpoint with the same losses (1e-3 of cpu)', async () => {
    expect(uninterrupted).toHaveLength(6);
    const client = await startLab();
    open.push(client);
    const model = await client.api.loadModel(STORIES, { backend: 'webgpu' });
    const onProgress = Comlink.proxy((p: TrainProgress) => {
      if (p.phase === 'checkpoint' && p.step === 2) void client.api.debugLoseDevice();
    });
    const lost = await rejection(client.api.startTraining(model, request('lost', 6, { checkpointEvery: 1 }), onProgress));
    expect(lost.name).toBe('DeviceLostError');
    const stopped = await client.api.getRun('lost');
    expect(stopped.status).toBe('failed');
    expect(stopped.message).toMatch(/DeviceLostError/);
    const k = stopped.checkpointStep!;
    expect(k).toBeGreaterThanOrEqual(2);
    expect(k).toBeLessThan(6);

    const again = await client.api.loadModel(STORIES, { backend: 'webgpu' });
    const r = await client.api.continueTraining(again, 'lost');
    expect(r.status).toBe('done');
    expect(r.report.backend).toBe('webgpu');
    expect(r.losses).toHaveLength(6);
    const diffs = r.losses.map((l, i) => Math.abs(l - uninterrupted[i]!));
    console.info(`[train] device lost after checkpoint ${k}; continued losses vs cpu max |Δ| ${Math.max(...diffs).toExponential(2)}`);
    expect(Math.max(...diffs)).toBeLessThanOrEqual(1e-3);
  }, 180_000);

  it('Web Lock: a second worker cannot train a run being trained; cancel releases it', async () => {
    const a = await lab();
    const b = await lab();
    let result: Awaited<ReturnType<LabClient['api']['startTraining']>> | null = null;
    const paused = new Promise<void>((resolve) => {
      const onProgress = Comlink.proxy((p: TrainProgress) => {
        if (p.phase === 'step' && p.step === 1) void a.client.api.pauseTraining('locked');
        if (p.phase === 'paused') resolve();
      });
      void a.client.api.startTraining(a.model, request('locked', 50), onProgress).then((r) => (result = r));
    });
    await paused;
    const refused = await rejection(b.client.api.continueTraining(b.model, 'locked'));
    expect(refused.name).toBe('RunLockedError');
    expect(refused.message).toMatch(/lab-train-locked/);
    expect((await rejection(a.client.api.startTraining(a.model, request('locked', 2)))).name).toBe('RunLockedError');
    expect((await b.client.api.getRun('locked')).status).toBe('paused');

    expect(await a.client.api.cancelTraining('locked')).toBe(true);
    await expect.poll(() => result?.status ?? null, { timeout: 20_000 }).toBe('cancelled');
    expect(result!.step).toBeLessThan(50);
    expect(await a.client.api.cancelTraining('locked')).toBe(false);
    // The lock is free again: the other worker continues the cancelled run for one more step.
    const c = await b.client.api.continueTraining(b.model, 'locked', undefined, { steps: result!.step + 1 });
    expect(c.status).toBe('done');
    expect(c.losses).toHaveLength(result!.step + 1);
  }, 120_000);

  it('a non-finite loss stops the run with a message and keeps the last good state', async () => {
    const { client, model } = await lab();
    const events: TrainProgress[] = [];
    // lr 1e30: the first AdamW step sets every LoRA B entry to about ±1e30, so the next forward overflows.
    const r = await client.api.startTraining(model, request('nan', 4, { lr: 1e30, checkpointEvery: 1 }), Comlink.proxy((p: TrainProgress) => void events.push(p)));
    const stop = events.at(-1)!;
    expect(stop).toMatchObject({ phase: 'stopped', reason: 'non-finite' });
    expect(r.status).toBe('failed');
    expect(r.message).toMatch(/^step 2: loss (NaN|Infinity|-Infinity), gradient norm .*restored the state of step 1$/);
    expect(r).toMatchObject({ step: 1, checkpointStep: 1 });
    expect(r.losses).toHaveLength(1);
    expect(Number.isFinite(r.losses[0])).toBe(true);
  }, 120_000);

  it('full fine-tuning: trains the loaded weights in place; another model takes them from the run', async () => {
    const { client, model } = await lab();
    const before = await client.api.downloadModelWeights(model);
    const r = await client.api.startTraining(model, { ...request('full', 2, { lr: 1e-3 }), mode: 'full' });
    expect(r).toMatchObject({ status: 'done', hasAdapter: false, checkpointStep: 2 });
    expect(r.report.trainableParams).toBe(260_032);
    expect((await rejection(client.api.downloadAdapter('full'))).name).toBe('RunNotFoundError');
    const after = await client.api.downloadModelWeights(model);
    expect(after.byteLength).toBe(before.byteLength);
    expect(after).not.toEqual(before);
    const other = await client.api.loadModel(STORIES, { backend: 'cpu' });
    expect(await client.api.downloadModelWeights(other)).toEqual(before);
    expect(await client.api.loadRunWeights(other, 'full')).toBe(2);
    expect(await client.api.downloadModelWeights(other)).toEqual(after);
    expect((await rejection(client.api.loadRunWeights(other, 'overfit'))).name).toBe('RunStateError');
  }, 120_000);

  it('records and the datasets store: formatted by a prompt format, never the test split; the adapter remembers tools and records', async () => {
    const { client, model } = await lab();
    const tool = (name: string) => ({ name, description: name, parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } });
    const records: LabRecord[] = ['Paris', 'Rome', 'Oslo', 'Lima'].map((city, i) => ({
      kind: 'tool-call',
      id: `r${i}`,
      tools: [tool(['get_weather', 'get_news', 'get_time', 'get_sun'][i]!)],
      instruction: `weather in ${city}?`,
      expected: [{ name: ['get_weather', 'get_news', 'get_time', 'get_sun'][i]!, arguments: { city } }],
      meta: { split: ['train', 'test', 'train', 'validation'][i]! },
    }));
    const lora = { r: 4, alpha: 8, dropout: 0, targetModules: ['q_proj', 'v_proj'] };

    // Records passed in: their meta.split decides (r1 is test: never trained on; r3 validates).
    const r = await client.api.startTraining(model, { runId: 'records', lora, hyper: { steps: 1, batchSize: 2 }, maxLength: 512, data: { kind: 'records', records, format: 'compact' } });
    expect(r.status).toBe('done');
    expect(await client.api.adapterTrainedOn('records')).toEqual({ datasetId: null, format: 'compact', recordIds: ['r0', 'r2'], tools: ['get_time', 'get_weather'], offeredTools: ['get_time', 'get_weather'] });
    expect(r.report).toMatchObject({ trainExamples: 2, validationExamples: 1 });

    // A dataset of the datasets store with a saved split (which overrides meta.split).
    const ds = await DataStore.open();
    const info = await ds.createDataset({ name: 'train-test', kind: 'tool-call' });
    for (const rec of records) await ds.addRecord(info.id, rec);
    await ds.saveSplit(info.id, 'mine', { method: 'explicit', note: 'test' }, { train: ['r1', 'r3'], validation: ['r0'], test: ['r2'] });
    ds.close();
    const d = await client.api.startTraining(model, { runId: 'dataset', lora, hyper: { steps: 1, batchSize: 2 }, maxLength: 512, data: { kind: 'dataset', datasetId: info.id, format: 'text' } });
    expect(d.status).toBe('done');
    expect(await client.api.adapterTrainedOn('dataset')).toEqual({ datasetId: info.id, format: 'text', recordIds: ['r1', 'r3'], tools: ['get_news', 'get_sun'], offeredTools: ['get_news', 'get_sun'] });
    expect(d.report).toMatchObject({ trainExamples: 2, validationExamples: 1 });
    const missing = await rejection(client.api.startTraining(model, { runId: 'nodata', lora, data: { kind: 'dataset', datasetId: 'nope', format: 'text' } }));
    expect(missing.name).toBe('NotFoundError');
    expect((await rejection(client.api.getRun('nope'))).name).toBe('RunNotFoundError');
  }, 120_000);
});
