// `lab eval`: generate for every record of a split with our engine (or transformers.js), score the
// outputs, write the report (configuration, per-example results, metrics) and print the metrics.
// Progress goes to stderr as JSON lines ({"status": "eval", done, total, examplesPerSecond, …}).
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { FORMAT_NAMES, type FormatName } from '../../data/formats';
import type { LabRecord, SplitName } from '../../data/types';
import { createCpuBackend } from '../../engine/cpu';
import type { Backend } from '../../engine/backend';
import { loadModel } from '../../engine/load';
import { loadTokenizer } from '../../engine/tokenizer';
import { createWasmBackend } from '../../engine/wasm/backend';
import { parseRecordsText } from '../../eval/io';
import { recordFromCliReport, type EvalReportRecord } from '../../eval/store';
import { FileEvalStore } from '../../eval/store_node';
import { attachPeftAdapter, engineGenerator, runEval, selectSplit, transformersGenerator, type EvalDecoding, type EvalGenerator, type EvalReport } from '../../eval/run';
import { need, num, UsageError, type Command, type Options, type Parsed } from '../command';

/** Options shared by `eval` and `stress`. */
export const EVAL_OPTIONS: Options = {
  model: { type: 'string' },
  adapter: { type: 'string' },
  data: { type: 'string' },
  split: { type: 'string' },
  format: { type: 'string' },
  constrained: { type: 'boolean' },
  calls: { type: 'string' },
  'max-new-tokens': { type: 'string' },
  batch: { type: 'string' },
  temperature: { type: 'string' },
  'top-k': { type: 'string' },
  'top-p': { type: 'string' },
  seed: { type: 'string' },
  backend: { type: 'string' },
  runtime: { type: 'string' },
  limit: { type: 'string' },
  resamples: { type: 'string' },
  out: { type: 'string' },
  predictions: { type: 'string' },
  store: { type: 'string' },
  quiet: { type: 'boolean' },
};

export const EVAL_USAGE_OPTIONS = [
  '  --model DIR            a model folder (config.json, model.safetensors, tokenizer.json)',
  '  --adapter DIR          a PEFT adapter (adapter_config.json, adapter_model.safetensors) attached to --model',
  '  --data FILE.jsonl      the lab\'s dataset JSONL (tool-call or json-output records)',
  '  --split test           which records: meta.split = train|validation|test, or all (default test)',
  `  --format text          prompt format: ${FORMAT_NAMES.join('|')} (compact: tool and parameter names only)`,
  '  --constrained          JSON-Schema-guided decoding (@mlc-ai/web-xgrammar): each output follows its tool-call schema',
  '  --calls any            constrained tool-call shape: one (a call object) or any (a call or an array, [] = no call)',
  '  --max-new-tokens 64    --batch 8    --temperature 0 (greedy)  --top-k 0  --top-p 1  --seed 0',
  '  --backend wasm         engine backend: wasm or cpu',
  '  --runtime engine       engine, or transformers (transformers.js on the folder\'s onnx/model.onnx)',
  '  --limit N              only the first N records of the split',
  '  --resamples 1000       bootstrap resamples of the 95% intervals of percentage means (rates: Wilson score)',
  '  --predictions P.jsonl  also write {id, output, truncated} lines (input of `lab score`)',
  '  --store DIR            also save the report(s) in this evaluation store folder (one JSON file each; `lab compare` reads them)',
  '  --quiet                no progress lines on stderr',
].join('\n');

const str = (a: Parsed, k: string): string | undefined => (typeof a.values[k] === 'string' ? (a.values[k] as string) : undefined);

/** Read --data and select --split (and --limit). */
export function readEvalData(args: Parsed): { all: LabRecord[]; records: LabRecord[]; split: SplitName | 'all'; file: string } {
  const file = need(args, 'data');
  if (!existsSync(file)) throw new UsageError(`--data ${file}: no such file`);
  const all = parseRecordsText(readFileSync(file, 'utf8'), file);
  const split = (str(args, 'split') ?? 'test') as SplitName | 'all';
  if (!['train', 'validation', 'test', 'all'].includes(split)) throw new UsageError(`--split must be train, validation, test or all, got ${split}`);
  let records: LabRecord[];
  try {
    records = selectSplit(all, split);
  } catch (e) {
    throw new UsageError(`--data ${file}: ${(e as Error).message}`);
  }
  const limit = args.values.limit === undefined ? Infinity : num(args, 'limit', 0);
  records = records.slice(0, limit);
  if (records.length === 0) throw new UsageError(`--data ${file}: no records in split "${split}"`);
  return { all, records, split, file };
}

/** --format, --max-new-tokens, --constrained, sampling options. */
export function readEvalOptions(args: Parsed): { format: FormatName; decoding: EvalDecoding; batchSize: number; resamples: number } {
  const format = (str(args, 'format') ?? 'text') as FormatName;
  if (!FORMAT_NAMES.includes(format)) throw new UsageError(`--format must be one of ${FORMAT_NAMES.join(', ')}, got ${format}`);
  const calls = str(args, 'calls') ?? 'any';
  if (calls !== 'one' && calls !== 'any') throw new UsageError(`--calls must be one or any, got ${calls}`);
  const decoding: EvalDecoding = {
    maxNewTokens: num(args, 'max-new-tokens', 64),
    temperature: num(args, 'temperature', 0),
    topK: num(args, 'top-k', 0),
    topP: num(args, 'top-p', 1),
    seed: num(args, 'seed', 0),
    constrained: args.values.constrained === true,
    constrainedCalls: calls,
  };
  if (!Number.isInteger(decoding.maxNewTokens) || decoding.maxNewTokens < 1) throw new UsageError(`--max-new-tokens must be a positive integer`);
  if (decoding.temperature < 0) throw new UsageError('--temperature must be ≥ 0');
  const batchSize = num(args, 'batch', 8);
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new UsageError('--batch must be a positive integer');
  return { format, decoding, batchSize, resamples: num(args, 'resamples', 1000) };
}

async function readJson(path: string): Promise<Record<string, unknown>> {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
  } catch (e) {
    throw new UsageError(`${path}: ${(e as Error).message}`);
  }
}

/** Load --model (and --adapter) for --runtime; `dispose` frees it. */
export async function openGenerator(args: Parsed): Promise<{ gen: EvalGenerator; dispose(): void }> {
  const modelDir = need(args, 'model');
  const runtime = str(args, 'runtime') ?? 'engine';
  const adapterDir = str(args, 'adapter');
  if (runtime === 'transformers') {
    if (adapterDir) throw new UsageError('--adapter needs --runtime engine (transformers.js cannot attach our PEFT adapters)');
    const dir = resolve(modelDir);
    if (!existsSync(join(dir, 'onnx', 'model.onnx'))) throw new UsageError(`--runtime transformers: ${dir}/onnx/model.onnx not found`);
    const { loadOracle } = await import('../../engine/oracle');
    const { Tensor } = await import('@huggingface/transformers');
    const o = await loadOracle(dirname(dir), basename(dir), 'cpu');
    const cfg = await readJson(join(dir, 'config.json'));
    const gcPath = join(dir, 'generation_config.json');
    const gc = existsSync(gcPath) ? await readJson(gcPath) : {};
    const eosRaw = gc.eos_token_id ?? cfg.eos_token_id;
    const eos = (Array.isArray(eosRaw) ? eosRaw : eosRaw === undefined || eosRaw === null ? [] : [eosRaw]) as number[];
    const gen = transformersGenerator({
      model: o.model as never,
      tokenizer: o.tokenizer as never,
      tensor: (ids) => new Tensor('int64', BigInt64Array.from(ids.map(BigInt)), [1, ids.length]),
      name: dir,
      device: 'onnxruntime-node cpu',
      eosTokenIds: eos,
      vocabSize: Number(cfg.vocab_size),
    });
    return { gen, dispose: () => void o.model.dispose() };
  }
  if (runtime !== 'engine') throw new UsageError(`--runtime must be engine or transformers, got ${runtime}`);
  const backendName = str(args, 'backend') ?? 'wasm';
  let backend: Backend;
  if (backendName === 'wasm') backend = await createWasmBackend();
  else if (backendName === 'cpu') backend = createCpuBackend();
  else throw new UsageError(`--backend must be wasm or cpu, got ${backendName}`);
  const lm = await loadModel(modelDir, backend);
  const tok = await loadTokenizer(lm.source);
  let adapter = null;
  if (adapterDir) {
    const a = resolve(adapterDir);
    for (const f of ['adapter_config.json', 'adapter_model.safetensors']) if (!existsSync(join(a, f))) throw new UsageError(`--adapter ${a}: ${f} not found`);
    adapter = attachPeftAdapter(lm.model, { config: await readJson(join(a, 'adapter_config.json')), weights: new Uint8Array(readFileSync(join(a, 'adapter_model.safetensors'))) }, a);
  }
  const gen = engineGenerator({ model: lm.model, tokenizer: tok as never, eosTokenIds: lm.generation.eosTokenIds, name: lm.source.description, adapter });
  return { gen, dispose: () => lm.model.free() };
}

/** Progress lines on stderr unless --quiet. */
export function progressPrinter(args: Parsed, label?: string) {
  if (args.values.quiet === true) return undefined;
  let last = 0;
  return (p: { done: number; total: number; rate: number; etaSeconds: number | null }) => {
    const now = performance.now();
    if (p.done < p.total && now - last < 1000) return;
    last = now;
    process.stderr.write(JSON.stringify({ status: 'eval', ...(label ? { stress: label } : {}), done: p.done, total: p.total, examplesPerSecond: Number(p.rate.toFixed(2)), etaSeconds: p.etaSeconds === null ? null : Math.round(p.etaSeconds) }) + '\n');
  };
}

/** With --store DIR: save the records there; returns their ids and the folder (or nothing without --store). */
export async function storeReports(args: Parsed, records: EvalReportRecord[]): Promise<{ dir: string; ids: string[] } | undefined> {
  const dir = str(args, 'store');
  if (!dir) return undefined;
  const store = await FileEvalStore.open(dir);
  for (const r of records) await store.put(r);
  return { dir: store.dir, ids: records.map((r) => r.id) };
}

/** What a report file holds, summarised for stdout. */
export function summarize(report: EvalReport) {
  const metrics = Object.fromEntries(Object.entries(report.score.metrics).map(([k, m]) => [k, { value: m.value, ci95: [m.lo, m.hi], n: m.n }]));
  const errors = Object.fromEntries(report.score.perError.map((e) => [e.label, e.count]));
  return { config: report.config, counts: report.score.counts, metrics, errors, warnings: report.score.warnings, timing: report.timing };
}

const command: Command = {
  name: 'eval',
  summary: 'evaluate a model (optionally with a LoRA adapter) on a dataset split: generate, score, write a report',
  usage: ['npm run lab -- eval --model DIR [--adapter DIR] --data FILE.jsonl [--split test] [--format text]', '       [--constrained] [--max-new-tokens 64] --out REPORT.json', EVAL_USAGE_OPTIONS].join('\n'),
  options: EVAL_OPTIONS,
  async run(args) {
    const out = need(args, 'out');
    const { records, split, file } = readEvalData(args);
    const o = readEvalOptions(args);
    const { gen, dispose } = await openGenerator(args);
    try {
      const report = await runEval(records, gen, {
        format: o.format,
        decoding: o.decoding,
        batchSize: o.batchSize,
        data: { name: file, split },
        bootstrap: { resamples: o.resamples },
        onProgress: progressPrinter(args),
      });
      writeFileSync(out, JSON.stringify(report, null, 2) + '\n');
      const preds = str(args, 'predictions');
      if (preds) writeFileSync(preds, report.examples.map((e) => JSON.stringify({ id: e.id, output: e.output, ...(e.finishReason === 'length' ? { truncated: true } : {}), ...(e.error ? { error: e.error } : {}) }) + '\n').join(''));
      const stored = await storeReports(args, [recordFromCliReport(report, out)]);
      return { out, ...(stored ? { stored } : {}), ...summarize(report) };
    } finally {
      dispose();
    }
  },
};

export default command;
