// Scoring throughput for `npm run bench`: n generated predictions over toolcalls-101 records,
// scored with the full rules, beside an anchor measured in the same run: the bare minimum a
// validity + schema check costs (JSON.parse and one precompiled ajv validate per prediction).
import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import { toolcalls101 } from '../data/generators/recipes';
import { createRng } from '../data/rng';
import type { Json, ToolCallRecord } from '../data/types';
import { scorePredictions, scoreRecord, type Prediction } from './scoring';
import { CATALOGUE } from '../data/generators/catalogue';
import { renderTemplate, toolSpec } from '../data/generators/toolcalls';
import { formatCompact } from '../data/formats';
import { generate, type LogitsProcessor } from '../engine/generate';
import type { Model } from '../engine/model';
import { SchemaConstrainer, callSchema, vocabFromTokenizer, type VocabTokenizer } from './constrained';

/** What benchScoring measured. */
export interface ScoringBench {
  n: number;
  /** Verdicts per second (scoreRecord over every prediction). */
  predictionsPerSecond: number;
  /** Predictions per second through scorePredictions, with aggregates and 95% intervals (Wilson for rates, 1000-resample bootstrap for percent means). */
  withAggregatesPerSecond: number;
  /** The anchor: JSON.parse + one ajv validate per prediction, per second. */
  anchorPerSecond: number;
  anchorName: string;
  /** Share of the generated predictions that are exact matches (a sanity check of the mix). */
  exactMatchRate: number;
}

/** The calls with their first argument changed (a string gets another value, a number + 1); a wrong answer. */
function changeFirstArgument(calls: ToolCallRecord['expected']): Json {
  const copy = structuredClone(calls);
  const args = copy[0]?.arguments;
  const key = args && Object.keys(args)[0];
  if (args && key !== undefined) {
    const v = args[key];
    args[key] = typeof v === 'number' ? v + 1 : typeof v === 'string' ? `${v} else` : null;
  }
  return (copy.length === 1 ? copy[0] : copy) as unknown as Json;
}

/** n predictions with a realistic mix of right, noisy, wrong and broken outputs; records cycle through toolcalls-101. */
export function benchInputs(n: number, seed = 1): { records: ToolCallRecord[]; predictions: Prediction[] } {
  const pool = toolcalls101().records;
  const rng = createRng(seed);
  const records: ToolCallRecord[] = [];
  const predictions: Prediction[] = [];
  for (let i = 0; i < n; i++) {
    const base = pool[i % pool.length] as ToolCallRecord;
    const rec = { ...base, id: `${base.id}#${i}` };
    records.push(rec);
    const gold = rec.expected.length === 1 ? (rec.expected[0] as unknown as Json) : (rec.expected as unknown as Json);
    const json = JSON.stringify(gold);
    const roll = rng.next();
    let output: string;
    if (roll < 0.4) output = json;
    else if (roll < 0.55) output = `Sure, here is the call: ${json}`;
    else if (roll < 0.7) output = '```json\n' + JSON.stringify(gold, null, 2) + '\n```';
    else if (roll < 0.8) output = JSON.stringify(changeFirstArgument(rec.expected));
    else if (roll < 0.9) output = json.slice(0, Math.max(1, Math.floor(json.length * 0.6)));
    else output = json.replace(/:(\d+)/, ':"$1"');
    predictions.push({ id: rec.id, output, truncated: roll >= 0.8 && roll < 0.9 });
  }
  return { records, predictions };
}

/** Score n generated predictions; returns throughput beside the anchor. Timings are wall clock (performance.now). */
export function benchScoring(n: number): ScoringBench {
  const { records, predictions } = benchInputs(n);
  // Warm up: compile every tool schema once, JIT the hot paths.
  for (let i = 0; i < Math.min(n, 2000); i++) scoreRecord(records[i] as ToolCallRecord, predictions[i] as Prediction);

  let exact = 0;
  let t = performance.now();
  for (let i = 0; i < n; i++) if (scoreRecord(records[i] as ToolCallRecord, predictions[i] as Prediction).exactMatch) exact++;
  const scoreMs = performance.now() - t;

  t = performance.now();
  scorePredictions(records, predictions);
  const fullMs = performance.now() - t;

  const ajv = new Ajv({ allErrors: true, strict: false, logger: false });
  addFormats(ajv);
  const validators = new Map<object, ReturnType<typeof ajv.compile>>();
  for (const r of records) for (const tool of r.tools) if (!validators.has(tool.parameters)) validators.set(tool.parameters, ajv.compile(tool.parameters));
  let valid = 0;
  t = performance.now();
  for (let i = 0; i < n; i++) {
    const r = records[i] as ToolCallRecord;
    try {
      const v = JSON.parse((predictions[i] as Prediction).output) as { arguments?: unknown };
      const validate = validators.get((r.tools[0] as { parameters: object }).parameters);
      if (validate && validate(v?.arguments)) valid++;
    } catch {
      // invalid JSON counts as a failed check, as in scoring
    }
  }
  const anchorMs = performance.now() - t;

  return {
    n,
    predictionsPerSecond: n / (scoreMs / 1000),
    withAggregatesPerSecond: n / (fullMs / 1000),
    anchorPerSecond: n / (anchorMs / 1000),
    anchorName: `JSON.parse + one ajv validate per prediction (${valid} passed)`,
    exactMatchRate: exact / n,
  };
}

// ---------------------------------------------------------------------------------------------
// Constrained decoding: per-token overhead and compile time per schema, beside unconstrained
// decoding of the same prompts for the same number of tokens in the same run.

/** What benchConstrainedDecoding measured. */
export interface ConstrainedBench {
  schemas: number;
  /** Tokens generated under the constraint (the unconstrained runs generate exactly as many). */
  tokens: number;
  /** One-time xgrammar setup for the vocabulary (TokenizerInfo + compiler), ms. */
  initMs: number;
  /** Mean / max compile time of one schema (ms). */
  compileMsMean: number;
  compileMsMax: number;
  /** Wall time per generated token, ms: constrained (host pick + mask) and unconstrained (device argmax). */
  constrainedMsPerToken: number;
  unconstrainedMsPerToken: number;
  /** constrainedMsPerToken − unconstrainedMsPerToken. */
  overheadMsPerToken: number;
  /** Time inside the grammar processor alone (feed the token + bitmask + apply), ms per token. */
  maskMsPerToken: number;
  /** Outputs that parsed as JSON. */
  parsed: number;
  /** The others: tool, why generation stopped, the output's last 60 characters. */
  unparsed: { tool: string; finishReason: string; tail: string }[];
}

/** A model as the constrained bench needs it (our engine, any backend). */
export interface BenchModel {
  model: Model;
  tokenizer: VocabTokenizer & { encode(t: string): number[]; decode(ids: number[], o?: { skip_special_tokens?: boolean }): string };
  eosTokenIds: number[];
}

/**
 * Constrained vs unconstrained decoding on `n` seeded catalogue tools (free strings bounded by
 * maxLength 24, compact prompts, greedy, one row at a time). Timings are wall clock.
 */
export async function benchConstrainedDecoding(m: BenchModel, opts: { n?: number; maxNewTokens?: number; seed?: number } = {}): Promise<ConstrainedBench> {
  const n = opts.n ?? 20;
  const maxNewTokens = opts.maxNewTokens ?? 256;
  const rng = createRng(opts.seed ?? 11711);
  const bound = (s: Json): Json => {
    if (Array.isArray(s)) return s.map(bound);
    if (!s || typeof s !== 'object') return s;
    const o: { [k: string]: Json } = {};
    for (const [k, v] of Object.entries(s)) o[k] = k === 'enum' || k === 'const' ? v : bound(v);
    if (o.type === 'string' && o.enum === undefined) {
      if (typeof o.pattern === 'string') o.pattern = o.pattern.replace(/(?<!\\)\+/g, '{1,16}').replace(/(?<!\\)\*/g, '{0,16}');
      else {
        if (typeof o.format === 'string' && !['date', 'time', 'date-time'].includes(o.format)) delete o.format;
        if (o.format === undefined && o.maxLength === undefined) o.maxLength = 24;
      }
    }
    return o;
  };
  const c = await SchemaConstrainer.create(vocabFromTokenizer(m.tokenizer, { vocabSize: m.model.config.vocabSize, stopTokenIds: m.eosTokenIds }));
  const compileMs: number[] = [];
  let tokens = 0;
  let constrainedMs = 0;
  let unconstrainedMs = 0;
  let maskMs = 0;
  let parsed = 0;
  const unparsed: ConstrainedBench['unparsed'] = [];
  for (const def of rng.sample(CATALOGUE, Math.min(n, CATALOGUE.length))) {
    const tool = toolSpec(def);
    tool.parameters = bound(tool.parameters) as ToolCallRecord['tools'][number]['parameters'];
    const args: { [k: string]: Json } = {};
    for (const [k, p] of Object.entries(def.params)) if (p.required) args[k] = p.gen(rng);
    const { instruction } = renderTemplate(def, rng.pick(def.templates), args, rng);
    const prompt = m.tokenizer.encode(formatCompact({ kind: 'tool-call', id: def.name, tools: [tool], instruction, expected: [] }).prompt);
    const compiled = await c.compile(callSchema(tool), { separators: [',', ':'] });
    compileMs.push(compiled.compileMs);
    const matcher = await c.matcher(compiled);
    const timed: LogitsProcessor = async (ids, logits, row) => {
      const t0 = performance.now();
      const out = await matcher.processor(ids, logits, row);
      maskMs += performance.now() - t0;
      return out;
    };
    let t = performance.now();
    const r = await generate(m.model, [prompt], { maxNewTokens, eosTokenIds: m.eosTokenIds, logitsProcessors: [timed] });
    constrainedMs += performance.now() - t;
    matcher.dispose();
    const k = r.rows[0]!.ids.length;
    tokens += k;
    const text = m.tokenizer.decode(r.rows[0]!.ids, { skip_special_tokens: true });
    try {
      JSON.parse(text);
      parsed++;
    } catch {
      unparsed.push({ tool: def.name, finishReason: r.rows[0]!.finishReason, tail: text.slice(-60) });
    }
    t = performance.now();
    await generate(m.model, [prompt], { maxNewTokens: k, eosTokenIds: [] });
    unconstrainedMs += performance.now() - t;
  }
  const constrainedMsPerToken = constrainedMs / tokens;
  const unconstrainedMsPerToken = unconstrainedMs / tokens;
  return {
    schemas: compileMs.length,
    tokens,
    initMs: c.initMs,
    compileMsMean: compileMs.reduce((a, b) => a + b, 0) / compileMs.length,
    compileMsMax: Math.max(...compileMs),
    constrainedMsPerToken,
    unconstrainedMsPerToken,
    overheadMsPerToken: constrainedMsPerToken - unconstrainedMsPerToken,
    maskMsPerToken: maskMs / tokens,
    parsed,
    unparsed,
  };
}
