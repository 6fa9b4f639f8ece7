// A minimal stored run for the runs-store tests (IndexedDB and folder stores).
import type { RunRecord } from '../../../src/runs/store';

/** A running 4-step LoRA run named `id`, last changed at `modified`. */
export const runRecord = (id: string, modified = new Date().toISOString()): RunRecord => ({
  id,
  name: id,
  created: modified,
  modified,
  status: 'running',
  message: '',
  model: { source: 'test', arch: 'llama' },
  config: { mode: 'lora', lora: { r: 2, alpha: 4, dropout: 0, targetModules: ['q_proj'] }, options: { lr: 1e-3 }, maxLength: 32, data: { kind: 'examples' }, initSeed: 0 },
  step: 0,
  steps: 4,
  losses: [],
  lrs: [],
  evals: [],
  checkpointStep: null,
  hasAdapter: false,
  trainedOn: { datasetId: null, format: null, recordIds: [], tools: [] },
  report: { trainExamples: 1, validationExamples: 0, dropped: [], maxLength: 32, trainableParams: 8, tokens: 0, backend: 'cpu', backendReason: 'test' },
});
