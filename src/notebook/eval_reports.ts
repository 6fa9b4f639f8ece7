// The evaluation reports a finished evaluate or stress cell leaves in the evaluation store
// (src/eval/store.ts), with the configuration read from the notebook: the model cell (and what it
// loaded), the adapter's training run id, the dataset's source and fingerprint, the prompt format,
// decoding and the lab version. A stress cell leaves one report per transformation it scored plus
// its baseline, each with `config.stress = {transform, seed}`.
import { newEvalReportId, type EvalReportConfig, type EvalReportRecord } from '../eval/store';
import type { MetricKey, MetricSummary } from '../eval/aggregate';
import { DEFAULT_MODEL_ID, type Cell, type CellResult, type DatasetSource, type EvalSummary, type EvaluateCell, type ModelSource, type Notebook } from './types';
import { APP_VERSION } from './version';

/** A model cell's source as a stable id: the default model's pin, a Hub id, a folder URL. */
export function modelId(source: ModelSource, nb: Pick<Notebook, 'defaultModel'>): string {
  switch (source.kind) {
    case 'default':
      return nb.defaultModel ?? DEFAULT_MODEL_ID;
    case 'hub':
      return source.id;
    case 'url':
      return source.url;
    case 'files':
      return 'dropped files';
  }
}

/** A dataset cell's source as a stable id ("recipe:toolcalls-101 seed 7", "generate:toolcalls n=200 seed 1", …). */
export function datasetId(source: DatasetSource, nb: Pick<Notebook, 'id'>): string {
  switch (source.kind) {
    case 'recipe':
      return `recipe:${source.recipe}${source.seed === undefined ? '' : ` seed ${source.seed}`}`;
    case 'toy':
      return 'toy';
    case 'generate':
      return `generate:${source.generator} n=${source.n} seed ${source.seed}`;
    case 'stored':
      return `stored:${source.datasetId}`;
    case 'embedded':
      return `notebook:${nb.id}/${source.ref}`;
    case 'url':
      return source.url;
  }
}

function cellById(nb: Notebook, id: string): Cell | undefined {
  return nb.cells.find((c) => c.id === id);
}

/** The configuration of an evaluate cell's run, from the notebook and its input results. */
export function evaluateConfig(nb: Notebook, cell: EvaluateCell, results: { [cellId: string]: CellResult }, n: number, format: string): EvalReportConfig {
  const mcell = cellById(nb, cell.model);
  const mout = results[cell.model]?.output;
  const model: EvalReportConfig['model'] = { id: mcell?.type === 'model' ? modelId(mcell.source, nb) : cell.model };
  if (mout?.type === 'model') {
    model.source = mout.source;
    model.backend = mout.backend;
  }
  let adapter: EvalReportConfig['adapter'] = null;
  if (cell.adapter) {
    const tout = results[cell.adapter]?.output;
    // Without a run store behind the training service the adapter has no run id: name its train cell.
    adapter = tout?.type === 'train' && tout.runId ? { runId: tout.runId } : { path: `notebook:${nb.id}/${cell.adapter}` };
  }
  const dcell = cellById(nb, cell.dataset);
  const dout = results[cell.dataset]?.output;
  const dataset: EvalReportConfig['dataset'] = { id: dcell?.type === 'dataset' ? datasetId(dcell.source, nb) : cell.dataset, split: cell.split, count: n };
  if (dout?.type === 'dataset') dataset.hash = dout.fingerprint;
  const d = cell.decoding;
  return {
    model,
    adapter,
    dataset,
    format,
    decoding: { maxNewTokens: d.maxNewTokens, greedy: d.temperature === 0, temperature: d.temperature, constrained: d.constrained, seed: d.seed },
    seed: d.seed,
    appVersion: APP_VERSION,
  };
}

function record(nb: Notebook, cell: Cell, created: string, kind: EvalReportRecord['kind'], name: string, config: EvalReportConfig, s: EvalSummary): EvalReportRecord {
  return {
    id: newEvalReportId(created, `${nb.id}/${cell.id}/${config.stress?.transform ?? ''}`),
    created,
    name,
    kind,
    origin: { notebookId: nb.id, cellId: cell.id },
    config,
    metrics: s.metrics as Record<MetricKey, MetricSummary>,
    verdicts: s.verdicts,
    predictions: s.outputs,
    warnings: s.warnings,
  };
}

/**
 * The reports of a finished evaluate or stress cell (none for other cells). `results` holds the
 * results of its inputs; `created` is when the cell started.
 */
export function cellEvalReports(nb: Notebook, cell: Cell, output: CellResult['output'], results: { [cellId: string]: CellResult }, created: string): EvalReportRecord[] {
  const title = `${nb.title} · ${cell.title ?? cell.id}`;
  if (cell.type === 'evaluate' && output?.type === 'evaluate') {
    return [record(nb, cell, created, 'eval', title, evaluateConfig(nb, cell, results, output.n, output.format), output)];
  }
  if (cell.type === 'stress' && output?.type === 'stress') {
    const ev = cellById(nb, cell.evaluate);
    const evOut = results[cell.evaluate]?.output;
    if (ev?.type !== 'evaluate' || evOut?.type !== 'evaluate') return [];
    const runs: { transform: string; s: EvalSummary }[] = [{ transform: 'baseline', s: output.baseline }];
    for (const row of output.rows) if (row.summary) runs.push({ transform: row.transform, s: row.summary });
    return runs.map(({ transform, s }) => {
      const config = { ...evaluateConfig(nb, ev, results, s.n, evOut.format), stress: { transform, seed: cell.seed } };
      return record(nb, cell, created, 'stress', `${title} · ${transform}`, config, s);
    });
  }
  return [];
}
