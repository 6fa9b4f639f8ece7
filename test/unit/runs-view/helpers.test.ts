// The Runs view's pure helpers: the peft snippet and base-model names, export file names, run rows
// and search, report search, unique names, comparisons of real scored reports and filtering their
// flips by error label. (PNG sizing of chart exports: test/unit/lib/chart-export.test.ts.)
import { describe, expect, it } from 'vitest';
import { filterFlips } from '../../../src/eval/compare';
import { adapterFolderName, baseModelRef, peftSnippet } from '../../../src/lib/runs/peft';
import { comparisonFileName, fileStem, reportFileName } from '../../../src/lib/runs/files';
import { compareReports, filterReports, filterRuns, flipLabels, modelName, runRow, uniqueNames } from '../../../src/lib/runs/listing';
import type { RunRecord } from '../../../src/runs/store';
import { baselineAndTuned, buildReport, testRecords } from './reports';

describe('peft snippet', () => {
  it('names a Hub model by its id and a served folder by its name, with the folder to put the files in', () => {
    expect(baseModelRef('hub:HuggingFaceTB/SmolLM2-135M')).toEqual({ id: 'HuggingFaceTB/SmolLM2-135M', note: null });
    expect(baseModelRef('http://127.0.0.1:5173/models/lab-default/').id).toBe('lab-default');
    expect(baseModelRef('http://localhost/fixtures/stories260K/hf').id).toBe('stories260K');
    expect(baseModelRef('dropped files (config.json, model.safetensors)').id).toBe('base-model');
    const s = peftSnippet('hub:Qwen/Qwen2.5-0.5B', 'my-run-adapter');
    expect(s).toBe(
      [
        'from transformers import AutoModelForCausalLM',
        'from peft import PeftModel',
        '',
        'base = AutoModelForCausalLM.from_pretrained("Qwen/Qwen2.5-0.5B")',
        '# my-run-adapter/ holds adapter_config.json and adapter_model.safetensors',
        'model = PeftModel.from_pretrained(base, "my-run-adapter")',
        '',
      ].join('\n'),
    );
    const local = peftSnippet('http://127.0.0.1:5173/models/lab-default/', 'x-adapter');
    expect(local).toContain('# a folder with the base model\'s files; the lab loaded them from http://127.0.0.1:5173/models/lab-default/');
    expect(local).toContain('from_pretrained("lab-default")');
  });

  it('makes a file-system-safe adapter folder name, quoting what Python reads', () => {
    expect(adapterFolderName({ id: 'nb-x-1', name: 'LoRA on "toolcalls" / 101' })).toBe('LoRA-on-toolcalls-101-adapter');
    expect(adapterFolderName({ id: 'run-7', name: '' })).toBe('run-7-adapter');
    expect(peftSnippet('hub:a/b', 'we"ird')).toContain('PeftModel.from_pretrained(base, "we\\"ird")');
  });
});

describe('export file names', () => {
  it('builds names from report names and dates', () => {
    expect(fileStem('after LoRA · test / 2')).toBe('after-LoRA-test-2');
    expect(fileStem('···')).toBe('export');
    expect(reportFileName({ name: 'after LoRA · test', created: '2026-11-20T11:00:00.000Z' })).toBe('after-LoRA-test-2026-11-20.json');
    expect(comparisonFileName(['baseline · test', 'after LoRA · test'], 'csv')).toBe('compare-baseline-test-vs-after-LoRA-test.csv');
    expect(comparisonFileName(['a', 'b', 'c', 'd'], 'png')).toBe('compare-a-vs-b-and-2-more.png');
    expect(() => comparisonFileName(['a'], 'svg')).toThrow(/at least two reports, got 1/);
  });
});

const run = (id: string, patch: Partial<RunRecord>): RunRecord => ({
  id,
  name: id,
  created: '2026-11-20T09:00:00.000Z',
  modified: '2026-11-20T09:00:00.000Z',
  status: 'done',
  message: '',
  model: { source: 'http://127.0.0.1:5173/fixtures/stories260K/hf/', arch: 'llama' },
  config: { mode: 'lora', lora: { r: 8, alpha: 16, dropout: 0, targetModules: ['q_proj'] }, options: { lr: 1e-3 }, maxLength: 64, data: { kind: 'examples' }, initSeed: 0 },
  step: 4,
  steps: 4,
  losses: [5, 4.5, 4.2, 4.0],
  lrs: [],
  evals: [{ step: 2, loss: 4.8 }, { step: 4, loss: 4.4 }],
  checkpointStep: 4,
  hasAdapter: true,
  trainedOn: { datasetId: null, format: null, recordIds: [], tools: [] },
  report: { trainExamples: 4, validationExamples: 2, dropped: [], maxLength: 64, trainableParams: 8, tokens: 100, backend: 'cpu', backendReason: 'cpu' },
  ...patch,
});

describe('run rows and search', () => {
  it('summarises a run: model name, method, final and validation loss', () => {
    expect(runRow(run('a', {}))).toMatchObject({ model: 'stories260K/hf', method: 'LoRA', finalLoss: 4.0, validationLoss: 4.4, step: 4, steps: 4 });
    expect(runRow(run('b', { losses: [], evals: [], config: { ...run('b', {}).config, mode: 'full', lora: null } }))).toMatchObject({ method: 'full', finalLoss: null, validationLoss: null });
    expect(modelName('hub:org/name')).toBe('org/name');
  });

  it('finds runs by every word of the query across name, model, method and status', () => {
    const rows = [run('lora-tc101', {}), run('full-tiny', { status: 'failed', config: { ...run('x', {}).config, mode: 'full' } })].map(runRow);
    expect(filterRuns(rows, '').map((r) => r.id)).toEqual(['lora-tc101', 'full-tiny']);
    expect(filterRuns(rows, 'FULL failed').map((r) => r.id)).toEqual(['full-tiny']);
    expect(filterRuns(rows, 'lora stories260k').map((r) => r.id)).toEqual(['lora-tc101']);
    expect(filterRuns(rows, 'lora failed')).toEqual([]);
  });
});

describe('reports: search, names, comparison, flips', () => {
  const { base, tuned } = baselineAndTuned();

  it('searches reports by name, model, adapter run and dataset', () => {
    expect(filterReports([base, tuned], 'run-1').map((r) => r.id)).toEqual(['eval-tuned']);
    expect(filterReports([base, tuned], 'toolcalls test').map((r) => r.id)).toEqual(['eval-base', 'eval-tuned']);
    expect(filterReports([base, tuned], 'baseline').map((r) => r.id)).toEqual(['eval-base']);
  });

  it('makes display names unique in order', () => {
    expect(uniqueNames(['a', 'b', 'a', 'a', 'a (2)'])).toEqual(['a', 'b', 'a (2)', 'a (3)', 'a (2) (2)']);
  });

  it('compares scored reports: paired differences equal the metric differences, a small-n warning, flips by label', () => {
    const { names, comparison, warnings } = compareReports([base, tuned]);
    expect(names).toEqual(['baseline · test', 'after LoRA · test']);
    const em = comparison.comparisons[0]!.differences.find((d) => d.metric === 'exactMatch')!;
    // Same 12 records in both: the paired difference is the difference of the two reports' own figures.
    expect(em.n).toBe(12);
    expect(em.diff).toBeCloseTo(tuned.metrics.exactMatch.value! - base.metrics.exactMatch.value!, 12);
    expect(em.lo!).toBeLessThanOrEqual(em.diff!);
    expect(em.hi!).toBeGreaterThanOrEqual(em.diff!);
    expect(warnings.join(' ')).toMatch(/only 12 paired examples \(fewer than 30\)/);
    const flips = comparison.comparisons[0]!.flips;
    expect(comparison.comparisons[0]!.counts.failToPass).toBeGreaterThan(0);
    expect(comparison.comparisons[0]!.counts.passToFail).toBeGreaterThan(0);
    // Every flip is a real change of pass/fail between the two verdicts of that id.
    const pass = (r: typeof base, id: string) => r.verdicts.find((v) => v.id === id)!.exactMatch;
    for (const f of flips) expect(pass(tuned, f.id)).toBe(f.direction === 'fail→pass');
    const labels = flipLabels(flips);
    expect(labels.reduce((s, l) => s + l.count, 0)).toBeGreaterThanOrEqual(flips.length);
    for (const { label, count } of labels) {
      const only = filterFlips(flips, { label });
      expect(only).toHaveLength(count);
      for (const f of only) expect([f.before.error, f.after.error]).toContain(label);
    }
    expect(labels.map((l) => l.label)).toContain('wrong_function');
  });

  it('warns about examples in only one report and refuses a single report', () => {
    const fewer = buildReport('eval-few', 'few', testRecords(8), ['right'], '2026-11-20T12:00:00.000Z');
    const { warnings } = compareReports([base, fewer]);
    expect(warnings.join(' ')).toMatch(/4 example\(s\) appear in only one of the two/);
    expect(() => compareReports([base])).toThrow(/at least two reports/);
  });
});
