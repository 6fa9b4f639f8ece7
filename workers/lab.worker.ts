// The lab worker: everything heavy (engine, tokenizers, training, evaluation) runs here, off
// the main thread. It exposes one object that satisfies LabApi (src/api/lab-api.ts).
import * as Comlink from 'comlink';
import type { LabApi, LabEvent } from '../src/api/lab-api';
import { EngineSession, sourceFromSpec } from '../src/engine/session';
import { staticSiteSource } from '../src/notebook/static_source';
import { NotebookHost } from '../src/notebook/host';
import { Trainer } from '../src/runs/trainer';
import { adapterName, detectCapabilities } from '../src/platform/capabilities';
import { requestLabDevice, type LabDevice } from '../src/platform/gpu';
import { configureTransformers } from '../src/platform/transformers-env';

configureTransformers({ base: import.meta.env.BASE_URL });

const listeners: Array<(e: LabEvent) => void> = [];
let gpu: Promise<LabDevice | null> | null = null;
/** Why the last device request failed (shown as the reason for the cpu backend). */
let gpuFailure = 'no GPU device was requested';

function emit(event: LabEvent): void {
  for (const l of listeners) l(event);
}

/** The worker's one GPU device, requested on first use; loss is reported and the next use retries. */
function labDevice(): Promise<LabDevice | null> {
  gpu ??= requestLabDevice('lab-worker').then(
    (d) => {
      void d.lost.then((info) => {
        gpu = null;
        emit({ type: 'device-lost', reason: info.reason, message: info.message || 'the GPU device was lost' });
      });
      return d;
    },
    (e: unknown) => {
      gpuFailure = e instanceof Error ? e.message : String(e);
      return null;
    },
  );
  return gpu;
}

/**
 * The engine's models live here, on the worker's one GPU device (or the cpu backend). Folder URLs
 * treat the static host's index.html fallback as a missing file (see src/notebook/static_source.ts).
 */
const session = new EngineSession(
  async () => {
    const d = await labDevice();
    return d ? { device: d.device, adapter: adapterName(d.report) } : { device: null, reason: gpuFailure };
  },
  (spec) => staticSiteSource(sourceFromSpec(spec)),
);

/** Training runs, their storage, and adapters for generation, on the session's models. */
const trainer = new Trainer(session);

/** Notebook runs (src/notebook/runner.ts) on the session and the trainer; the default model is served by the app. */
const notebooks = new NotebookHost(session, trainer, { defaultModel: `${import.meta.env.BASE_URL}models/lab-default/` });

const api = {
  async ping() {
    return 'pong' as const;
  },
  async capabilities() {
    return detectCapabilities();
  },
  async subscribe(listener) {
    listeners.push(listener);
  },
  async acquireDevice() {
    return (await labDevice()) !== null;
  },
  async debugLoseDevice() {
    (await labDevice())?.device.destroy();
  },
  loadModel(source, opts, onProgress) {
    return session.load(source, opts, onProgress);
  },
  generate(model, prompts, options, onToken) {
    return session.generate(model, prompts, options, onToken);
  },
  async abort(jobId) {
    return notebooks.abort(jobId) || session.abort(jobId);
  },
  unload(model) {
    return session.unload(model);
  },
  async listModels() {
    return session.list();
  },
  async engineMemory() {
    return session.memory();
  },
  startTraining(model, request, onProgress) {
    return trainer.start(model, request, onProgress);
  },
  continueTraining(model, runId, onProgress, options) {
    return trainer.continue(model, runId, onProgress, options);
  },
  async pauseTraining(runId) {
    return trainer.pause(runId);
  },
  async resumeTraining(runId) {
    return trainer.resume(runId);
  },
  async cancelTraining(runId) {
    return trainer.cancel(runId);
  },
  listRuns() {
    return trainer.list();
  },
  getRun(runId) {
    return trainer.get(runId);
  },
  deleteRun(runId) {
    return trainer.delete(runId);
  },
  async downloadAdapter(runId) {
    const files = await trainer.adapterFiles(runId);
    return Comlink.transfer(files, [files.weights.buffer as ArrayBuffer]);
  },
  adapterTrainedOn(runId) {
    return trainer.trainedOn(runId);
  },
  attachAdapter(model, adapter) {
    return trainer.attach(model, adapter);
  },
  setAdapterEnabled(model, enabled) {
    return trainer.setEnabled(model, enabled);
  },
  mergeAdapter(model, merged) {
    return trainer.merge(model, merged);
  },
  detachAdapter(model) {
    return trainer.detach(model);
  },
  async adapterState(model) {
    return trainer.adapterState(model);
  },
  loadRunWeights(model, runId) {
    return trainer.loadRunWeights(model, runId);
  },
  async downloadModelWeights(model) {
    const bytes = await trainer.modelWeights(model);
    return Comlink.transfer(bytes, [bytes.buffer as ArrayBuffer]);
  },
  runCell(notebook, results, cellId, opts, onEvent) {
    return notebooks.runCell(notebook, results, cellId, opts, onEvent);
  },
  previewFormat(notebook, results, datasetCellId, opts) {
    return notebooks.previewFormat(notebook, results, datasetCellId, opts);
  },
  setModelFiles(notebookId, cellId, files) {
    notebooks.setModelFiles(notebookId, cellId, files);
  },
} satisfies LabApi;

self.addEventListener('unhandledrejection', (e) => {
  const err = e.reason as Error;
  emit({ type: 'error', name: err?.name ?? 'Error', message: err?.message ?? String(e.reason) });
});

Comlink.expose(api);
