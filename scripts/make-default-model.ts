// Makes the lab's own default model, `lab-default`, from nothing but the lab's code: generates the
// corpus (and a held-out split), trains the tokenizer, writes CONFIG.json (a small Llama), pretrains
// it with the engine's training loop (the code behind `lab train --full --init CONFIG.json`) and
// writes the model folder: config.json, generation_config.json, tokenizer.json,
// tokenizer_config.json (ChatML template with tools), model.safetensors (F32), README.md (model
// card), loss-curve.svg and training_log.jsonl. Seeded: the same options give the same bytes.
//
//   npm run make-default-model -- [--steps 2000] [--backend wasm|cpu] [--out public/models/lab-default]
//                                 [--work .lab-cache/default-model] [--resume] [--stop-after N]
//
// Checkpoints go to WORK/checkpoint.safetensors every --checkpoint-every steps; `--resume`
// continues from there (same options) with exactly the losses of an uninterrupted run (on the
// same backend). `--stop-after N` stops after N steps without changing the schedule (the smoke
// run the tests compare with the committed log); it writes no model folder.
import { createHash } from 'node:crypto';
import { appendFileSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { trainBackend, type Backend } from '../src/engine/backend';
import { createCpuBackend } from '../src/engine/cpu';
import { generate } from '../src/engine/generate';
import { loadModel } from '../src/engine/load';
import { DirSource } from '../src/engine/source_node';
import { loadTokenizer, type Tokenizer } from '../src/engine/tokenizer';
import { checkpointFromBytes, checkpointToBytes, type Checkpoint } from '../src/engine/train/checkpoint';
import type { TokenizedExample } from '../src/engine/train/data';
import { exportWeights } from '../src/engine/train/export';
import { MemorySource, randomModelFiles } from '../src/engine/train/init';
import { evalLoss, train, TRAIN_DEFAULTS, type TrainOptions } from '../src/engine/train/loop';
import { TrainableModel } from '../src/engine/train/network';
import { createWasmBackend } from '../src/engine/wasm/backend';
import { COPY_MIX, corpusFamily, corpusViolation, generateCorpus, type CorpusDocument, type CorpusKind } from '../src/lm/corpus';
import { referenceEncoder, trainLabTokenizer } from '../src/lm/lab-tokenizer';
import { lossCurveSvg } from '../src/lm/loss-curve';
import { modelCard, type CardSample } from '../src/lm/model-card';

/** The model: a small Llama with tied embeddings (≈1.38M parameters, 0.52M of them the embedding). */
export const DEFAULT_MODEL_CONFIG = {
  architectures: ['LlamaForCausalLM'],
  model_type: 'llama',
  vocab_size: 4096,
  hidden_size: 128,
  intermediate_size: 384,
  num_hidden_layers: 4,
  num_attention_heads: 4,
  num_key_value_heads: 4,
  head_dim: 32,
  max_position_embeddings: 512,
  rms_norm_eps: 1e-5,
  rope_theta: 10000,
  hidden_act: 'silu',
  initializer_range: 0.02,
  tie_word_embeddings: true,
  attention_bias: false,
  mlp_bias: false,
  bos_token_id: null,
  eos_token_id: 0,
  pad_token_id: 3,
  torch_dtype: 'float32',
  use_cache: true,
} as const;

/** Everything that decides the run's bytes (recorded in the log's start line). */
export interface DefaultModelRecipe {
  name: string;
  seed: number;
  corpusCharacters: number;
  heldOutSeed: number;
  heldOutCharacters: number;
  tokenizerCharacters: number;
  vocabSize: number;
  blockSize: number;
  config: Record<string, unknown>;
  steps: number;
  batchSize: number;
  lr: number;
  warmupSteps: number;
  minLrRatio: number;
  weightDecay: number;
  clip: number;
  evalEvery: number;
  evalBlocks: number;
  checkpointEvery: number;
  backend: 'wasm' | 'cpu';
  /** Corpus mixture weights (absent: the corpus's DEFAULT_MIX, as v1 was made). */
  corpusMix?: Partial<Record<CorpusKind, number>>;
}

export const DEFAULT_RECIPE: DefaultModelRecipe = {
  name: 'lab-default',
  seed: 1,
  corpusCharacters: 32_000_000,
  heldOutSeed: 1001,
  heldOutCharacters: 150_000,
  tokenizerCharacters: 8_000_000,
  vocabSize: 4096,
  blockSize: 512,
  config: { ...DEFAULT_MODEL_CONFIG },
  steps: 2000,
  batchSize: 8,
  lr: 3e-3,
  warmupSteps: 50,
  minLrRatio: 0.1,
  weightDecay: 0.1,
  clip: 1,
  evalEvery: 50,
  evalBlocks: 16,
  checkpointEvery: 25,
  backend: 'wasm',
  corpusMix: COPY_MIX,
};

/** The fixed prompts of the model card's greedy samples. */
export const SAMPLE_PROMPTS: readonly { prompt: string; maxNewTokens: number }[] = [
  { prompt: 'Once upon a time', maxNewTokens: 48 },
  { prompt: 'Sentence: Mira Okafor travels from Lima to Oslo on 2026-03-14.\nAs JSON:', maxNewTokens: 48 },
  { prompt: '{"name": "', maxNewTokens: 48 },
];

/** generation_config.json of the model. */
export const GENERATION_CONFIG = { eos_token_id: [0, 2], pad_token_id: 3, do_sample: false, max_new_tokens: 256 };

export interface MakeOptions {
  recipe: DefaultModelRecipe;
  /** Model folder to write (null: write none, e.g. a smoke run). */
  out: string | null;
  /** Work folder: corpus-free caches, checkpoint, log. */
  work: string;
  resume?: boolean;
  /** Stop after this many steps (the schedule still spans recipe.steps). */
  stopAfter?: number;
  /** Progress lines (default: stderr). */
  say?: (line: string) => void;
  /** The command line shown on the card. */
  command?: string;
}

export interface MakeResult {
  /** Loss of every step done (resumed runs include the steps before). */
  losses: number[];
  lrs: number[];
  steps: number;
  tokenCount: number;
  blocks: number;
  heldOutLoss: number | null;
  sha256: string | null;
  seconds: number;
}

/** One line of training_log.jsonl. */
export type LogLine =
  | { event: 'start'; recipe: DefaultModelRecipe; corpus: Record<string, unknown>; parameters: number; machine: string; fingerprint?: { sha256: string; files: number } }
  | { event: 'resume'; step: number }
  | { event: 'step'; step: number; loss: number; lr: number; gradNorm: number; tokens: number; seconds: number }
  | { event: 'eval'; step: number; loss: number; tokens: number }
  | { event: 'end'; [k: string]: unknown };

/** Parse a training log; a bad line is an error naming it. */
export function parseTrainingLog(text: string, file = 'training_log.jsonl'): LogLine[] {
  return text
    .split('\n')
    .filter((s) => s.trim() !== '')
    .map((s, i) => {
      try {
        const v = JSON.parse(s) as LogLine;
        if (typeof v !== 'object' || v === null || typeof v.event !== 'string') throw new Error('no "event" field');
        return v;
      } catch (e) {
        throw new Error(`${file} line ${i + 1}: ${(e as Error).message}`);
      }
    });
}

/** The backend of a recipe; wasm is checked to train. */
export async function recipeBackend(kind: DefaultModelRecipe['backend']): Promise<Backend> {
  const be: Backend = kind === 'wasm' ? await createWasmBackend() : createCpuBackend();
  trainBackend(be);
  return be;
}

/** Documents joined with EOS, cut into blocks of `block` tokens (the tail that does not fill a block is dropped). */
export function packBlocks(docs: readonly CorpusDocument[], encode: (t: string) => number[], eos: number, block: number): { blocks: TokenizedExample[]; tokens: number } {
  const blocks: TokenizedExample[] = [];
  let cur: number[] = [];
  let tokens = 0;
  for (const d of docs) {
    const ids = encode(d.text);
    ids.push(eos);
    tokens += ids.length;
    for (const id of ids) {
      cur.push(id);
      if (cur.length === block) {
        blocks.push({ index: blocks.length, ids: cur, promptLength: 0 });
        cur = [];
      }
    }
  }
  return { blocks, tokens };
}

const sha256 = (b: Uint8Array | string): string => createHash('sha256').update(b).digest('hex');

/** Source files whose code decides the run's numbers: corpus, tokenizer, model, training, backends. */
export const NUMERICS_SOURCES = ['src/lm', 'src/engine/train', 'src/engine/cpu', 'src/engine/wasm', 'src/engine/model.ts', 'src/engine/backend.ts', 'src/engine/weights.ts', 'src/engine/config.ts'];

/**
 * sha256 over the sources that decide the run's numbers (NUMERICS_SOURCES, *.ts, sorted by path).
 * Equal fingerprints mean a rerun must give bit-identical losses; after an engine change a rerun
 * may differ in the last bits, and the tests then compare with a tolerance.
 */
export function numericsFingerprint(root = resolve(import.meta.dirname, '..')): { sha256: string; files: number } {
  const files: string[] = [];
  const walk = (rel: string): void => {
    const abs = join(root, rel);
    if (statSync(abs).isDirectory()) for (const e of readdirSync(abs).sort()) walk(join(rel, e));
    else if (rel.endsWith('.ts') && !rel.endsWith('.test.ts')) files.push(rel);
  };
  for (const s of NUMERICS_SOURCES) if (existsSync(join(root, s))) walk(s);
  files.sort();
  const h = createHash('sha256');
  for (const f of files) h.update(f + '\0').update(readFileSync(join(root, f))).update('\0');
  return { sha256: h.digest('hex'), files: files.length };
}

function writeAtomic(path: string, data: Uint8Array | string): void {
  writeFileSync(path + '.tmp', data);
  renameSync(path + '.tmp', path);
}

function machine(): string {
  const c = cpus();
  return `${c.length} × ${c[0]?.model.trim() ?? 'unknown CPU'}, Node ${process.version}`;
}

function trainOptions(r: DefaultModelRecipe): TrainOptions {
  return {
    ...TRAIN_DEFAULTS,
    lr: r.lr,
    warmupSteps: r.warmupSteps,
    schedule: 'cosine',
    minLrRatio: r.minLrRatio,
    steps: r.steps,
    batchSize: r.batchSize,
    gradAccum: 1,
    seed: r.seed,
    weightDecay: r.weightDecay,
    beta1: 0.9,
    beta2: 0.95,
    clip: r.clip,
    evalEvery: r.evalEvery,
    checkpointEvery: r.checkpointEvery,
    completionOnly: false,
    padId: DEFAULT_MODEL_CONFIG.pad_token_id,
  };
}

/** Runs the whole recipe (or resumes it); see the file header. */
export async function makeDefaultModel(o: MakeOptions): Promise<MakeResult> {
  const t0 = performance.now();
  const r = o.recipe;
  const say = o.say ?? ((s: string) => process.stderr.write(s + '\n'));
  const work = resolve(o.work);
  mkdirSync(work, { recursive: true });
  const logFile = join(work, 'training_log.jsonl');
  const ckptFile = join(work, 'checkpoint.safetensors');
  const secs = () => (performance.now() - t0) / 1000;

  // 1. corpus and held-out split
  const docs = generateCorpus({ seed: r.seed, characters: r.corpusCharacters, mix: r.corpusMix });
  docs.forEach((d, i) => {
    const v = corpusViolation(d.text);
    if (v) throw new Error(`corpus document ${i} (${d.kind}) breaks the corpus rules: ${v}`);
  });
  const seen = new Set(docs.map((d) => d.text));
  const heldAll = generateCorpus({ seed: r.heldOutSeed, characters: r.heldOutCharacters, mix: r.corpusMix });
  const held = heldAll.filter((d) => !seen.has(d.text));
  const families: Record<string, { documents: number; characters: number }> = {};
  for (const d of docs) {
    const f = (families[corpusFamily(d.kind)] ??= { documents: 0, characters: 0 });
    f.documents++;
    f.characters += d.text.length;
  }
  say(`corpus: ${docs.length} documents, held-out ${held.length} (${heldAll.length - held.length} duplicates removed) [${secs().toFixed(1)} s]`);

  // 2. tokenizer (trained on the first tokenizerCharacters characters), loaded as the lab loads it
  const tokDocs: string[] = [];
  let chars = 0;
  for (const d of docs) {
    if (chars >= r.tokenizerCharacters) break;
    tokDocs.push(d.text);
    chars += d.text.length;
  }
  const lab = trainLabTokenizer(tokDocs, { vocabSize: r.vocabSize, modelMaxLength: r.blockSize });
  const tokDir = join(work, 'tokenizer');
  mkdirSync(tokDir, { recursive: true });
  for (const [name, text] of Object.entries(lab.files)) writeFileSync(join(tokDir, name), text);
  writeFileSync(join(tokDir, 'generation_config.json'), JSON.stringify(GENERATION_CONFIG, null, 2) + '\n');
  // Bulk tokenization with the trainer's reference encoder (≈1M tokens/s); it must give the ids
  // transformers.js gives from the written tokenizer.json, checked on every held-out document and
  // the first 300 training documents.
  const tok: Tokenizer = await loadTokenizer(new DirSource(tokDir));
  const encode = referenceEncoder(lab.model);
  for (const [i, d] of [...held.map((d, i) => [`held-out document ${i}`, d] as const), ...docs.slice(0, 300).map((d, i) => [`training document ${i}`, d] as const)]) {
    const a = encode(d.text);
    const b = tok.encode(d.text, { add_special_tokens: false });
    if (a.length !== b.length || a.some((x, k) => x !== b[k])) throw new Error(`${i}: the reference encoder and transformers.js disagree`);
  }
  say(`tokenizer: ${lab.model.vocab.length} tokens from ${chars} characters [${secs().toFixed(1)} s]`);

  // 3. token blocks
  const eos = DEFAULT_MODEL_CONFIG.eos_token_id;
  const { blocks, tokens: tokenCount } = packBlocks(docs, encode, eos, r.blockSize);
  const heldPacked = packBlocks(held, encode, eos, r.blockSize);
  const heldBlocks = heldPacked.blocks;
  if (heldBlocks.length < r.evalBlocks) throw new Error(`held-out split: ${heldBlocks.length} blocks, fewer than evalBlocks ${r.evalBlocks}; raise heldOutCharacters`);
  say(`tokens: ${tokenCount} → ${blocks.length} blocks of ${r.blockSize}; held-out ${heldPacked.tokens} → ${heldBlocks.length} blocks [${secs().toFixed(1)} s]`);
  const prepSeconds = secs();

  // 4. model: seeded random weights for CONFIG.json, loaded by the ordinary loader
  writeFileSync(join(work, 'CONFIG.json'), JSON.stringify(r.config, null, 2) + '\n');
  const files = randomModelFiles(r.config, r.seed);
  for (const f of ['tokenizer.json', 'tokenizer_config.json', 'generation_config.json']) files.set(f, readFileSync(join(tokDir, f)));
  const be = await recipeBackend(r.backend);
  const lm = await loadModel(new MemorySource(files, 'init:CONFIG.json'), be);
  const net = new TrainableModel(lm.model, 'full', null);
  const parameters = net.params.reduce((a, p) => a + p.tensor.size, 0);
  const opts = trainOptions(r);

  // 5. train (fresh or resumed), logging every step
  let resume: Checkpoint | undefined;
  let secondsBefore = 0;
  const corpusInfo = { documents: docs.length, characters: docs.reduce((s, d) => s + d.text.length, 0), tokens: tokenCount, blocks: blocks.length, families, heldOut: { seed: r.heldOutSeed, documents: held.length, tokens: heldPacked.tokens, blocks: heldBlocks.length, removedDuplicates: heldAll.length - held.length }, tokenizerCharacters: chars };
  if (o.resume) {
    if (!existsSync(ckptFile)) throw new Error(`--resume: no checkpoint at ${ckptFile}`);
    resume = checkpointFromBytes(new Uint8Array(readFileSync(ckptFile)), ckptFile);
    const log = parseTrainingLog(readFileSync(logFile, 'utf8'), logFile);
    const start = log[0];
    if (start?.event !== 'start') throw new Error(`${logFile} line 1: expected the start line`);
    if (JSON.stringify(start.recipe) !== JSON.stringify(r)) throw new Error(`--resume: ${logFile} was made with another recipe; run with the same options`);
    const kept = log.filter((l) => !('step' in l) || (l.step as number) <= resume!.step).filter((l) => l.event !== 'end');
    secondsBefore = Math.max(0, ...kept.map((l) => (l.event === 'step' ? l.seconds : 0)));
    writeAtomic(logFile, kept.map((l) => JSON.stringify(l)).join('\n') + '\n' + JSON.stringify({ event: 'resume', step: resume.step }) + '\n');
    say(`resuming at step ${resume.step}`);
  } else {
    writeFileSync(logFile, JSON.stringify({ event: 'start', recipe: r, corpus: corpusInfo, parameters, machine: machine(), fingerprint: numericsFingerprint() }) + '\n');
  }
  const log = (l: LogLine) => appendFileSync(logFile, JSON.stringify(l) + '\n');
  const tTrain = performance.now();
  const trainSecs = () => secondsBefore + (performance.now() - tTrain) / 1000;
  const lrs: number[] = [];
  const result = await train(net, { train: blocks, validation: heldBlocks.slice(0, r.evalBlocks) }, opts, {
    resume,
    onEvent: (e) => {
      if (e.status === 'step') {
        lrs.push(e.lr);
        log({ event: 'step', step: e.step, loss: e.loss, lr: e.lr, gradNorm: e.gradNorm, tokens: e.tokens, seconds: Number(trainSecs().toFixed(1)) });
        if (e.step % 10 === 0 || e.step === 1) say(`step ${e.step}/${e.steps} loss ${e.loss.toFixed(4)} lr ${e.lr.toExponential(2)} ${Math.round(e.tokensPerSec)} tok/s`);
      } else if (e.status === 'eval') {
        log({ event: 'eval', step: e.step, loss: e.loss, tokens: e.tokens });
        say(`eval step ${e.step}: held-out loss ${e.loss.toFixed(4)}`);
      } else if (e.status === 'checkpoint') {
        writeAtomic(ckptFile, checkpointToBytes(e.checkpoint));
      }
    },
    stopWhen: o.stopAfter ? (step) => step >= o.stopAfter! : undefined,
  });
  const trainingSeconds = trainSecs();
  writeAtomic(ckptFile, checkpointToBytes(result.checkpoint));
  const base: MakeResult = { losses: result.losses, lrs, steps: result.steps, tokenCount, blocks: blocks.length, heldOutLoss: null, sha256: null, seconds: secs() };
  if (o.out === null || result.reason !== 'done') {
    if (result.reason !== 'done' && result.reason !== 'condition') say(`stopped: ${result.message}`);
    return base;
  }

  // 6. the model folder
  const out = resolve(o.out);
  mkdirSync(out, { recursive: true });
  const heldOut = await evalLoss(net, heldBlocks, opts);
  say(`held-out loss ${heldOut.loss.toFixed(4)} over ${heldOut.tokens} targets`);
  const weights = await exportWeights(lm.model);
  const hash = sha256(weights);
  writeFileSync(join(out, 'model.safetensors'), weights);
  writeFileSync(join(out, 'config.json'), JSON.stringify(r.config, null, 2) + '\n');
  for (const f of ['tokenizer.json', 'tokenizer_config.json', 'generation_config.json']) writeFileSync(join(out, f), readFileSync(join(tokDir, f)));

  // greedy samples from the written folder on the cpu backend (what the tests repeat)
  const samples = await greedySamples(out);
  const stepLines = parseTrainingLog(readFileSync(logFile, 'utf8')).filter((l) => l.event === 'step') as Extract<LogLine, { event: 'step' }>[];
  const evalLines = parseTrainingLog(readFileSync(logFile, 'utf8')).filter((l) => l.event === 'eval') as Extract<LogLine, { event: 'eval' }>[];
  const svg = lossCurveSvg(
    [
      { name: 'training (step)', color: '#1f77b4', points: stepLines.map((l) => [l.step, l.loss] as const) },
      { name: 'held-out (16 blocks)', color: '#d62728', points: evalLines.map((l) => [l.step, l.loss] as const) },
    ],
    { title: `${r.name}: loss per step` },
  );
  writeFileSync(join(out, 'loss-curve.svg'), svg);
  const tokensSeen = stepLines.reduce((a, l) => a + l.tokens, 0);
  const last10 = result.losses.slice(-10);
  const total = secondsBefore + secs();
  const short = r.steps < DEFAULT_RECIPE.steps;
  const end = {
    event: 'end' as const,
    steps: result.steps,
    tokensSeen,
    finalLoss: result.losses[result.losses.length - 1]!,
    heldOutLoss: heldOut.loss,
    heldOutTargets: heldOut.tokens,
    sha256: hash,
    weightsBytes: weights.length,
    samples,
    seconds: { total: Number(total.toFixed(1)), preparation: Number(prepSeconds.toFixed(1)), training: Number(trainingSeconds.toFixed(1)) },
    tokensPerSecond: tokensSeen / trainingSeconds,
  };
  log(end);
  writeFileSync(join(out, 'training_log.jsonl'), readFileSync(logFile));
  const card = modelCard({
    name: r.name,
    summary:
      `The lab's own default model: a ${(parameters / 1e6).toFixed(2)}M-parameter Llama pretrained from scratch by the lab's engine on the lab's generated corpus, ` +
      `so the lab works offline with no third-party weights. It knows template English and JSON syntax, not tool calls: the presets teach those with LoRA.` +
      (short
        ? ` **This is a short run** (${result.steps} steps, ${(tokensSeen / 1e6).toFixed(2)}M tokens, against the ${DEFAULT_RECIPE.steps} steps of the full recipe): it was made to test the pipeline end to end and is undertrained; \`npm run make-default-model\` with the default options makes the full model.`
        : ''),
    config: r.config,
    parameters,
    embeddingParameters: r.vocabSize * Number(r.config.hidden_size),
    corpus: { seed: r.seed, documents: corpusInfo.documents, characters: corpusInfo.characters, tokens: tokenCount, families, heldOut: corpusInfo.heldOut },
    tokenizer: { vocabSize: lab.model.vocab.length, trainedOnCharacters: chars },
    training: { backend: r.backend, steps: result.steps, plannedSteps: r.steps, batchSize: r.batchSize, blockSize: r.blockSize, tokensSeen, epochs: (result.steps * r.batchSize) / blocks.length, lr: r.lr, warmupSteps: r.warmupSteps, minLrRatio: r.minLrRatio, weightDecay: r.weightDecay, clip: r.clip, seed: r.seed },
    losses: { first: result.losses[0]!, final: end.finalLoss, finalMean: last10.reduce((a, b) => a + b, 0) / last10.length, heldOut: heldOut.loss },
    samples,
    sha256: hash,
    weightsDtype: 'F32',
    seconds: { total, training: trainingSeconds, tokensPerSecond: end.tokensPerSecond },
    machine: machine(),
    command: o.command ?? 'npm run make-default-model',
    lossCurve: 'loss-curve.svg',
  });
  writeFileSync(join(out, 'README.md'), card);
  say(`wrote ${out} (weights sha256 ${hash}) in ${(total / 60).toFixed(1)} min`);
  return { ...base, heldOutLoss: heldOut.loss, sha256: hash, seconds: total };
}

/** The card's greedy samples, generated from a model folder on the cpu backend. */
export async function greedySamples(dir: string, prompts: readonly { prompt: string; maxNewTokens: number }[] = SAMPLE_PROMPTS): Promise<CardSample[]> {
  const src = new DirSource(dir);
  const lm = await loadModel(src, createCpuBackend());
  const tok = await loadTokenizer(src);
  const out: CardSample[] = [];
  for (const p of prompts) {
    const res = await generate(lm.model, [tok.encode(p.prompt, { add_special_tokens: false })], {
      maxNewTokens: p.maxNewTokens,
      temperature: 0,
      eosTokenIds: lm.generation.eosTokenIds,
      decode: (ids) => tok.decode(ids, { skip_special_tokens: false }),
    });
    const row = res.rows[0]!;
    const ids = row.finishReason === 'eos' ? row.ids.slice(0, -1) : row.ids;
    out.push({ prompt: p.prompt, text: tok.decode(ids, { skip_special_tokens: false }), maxNewTokens: p.maxNewTokens, finishReason: row.finishReason });
  }
  return out;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      out: { type: 'string', default: 'public/models/lab-default' },
      work: { type: 'string', default: '.lab-cache/default-model' },
      steps: { type: 'string' },
      backend: { type: 'string' },
      resume: { type: 'boolean' },
      'stop-after': { type: 'string' },
      'corpus-characters': { type: 'string' },
    },
  });
  const int = (k: string, v: string | undefined): number | undefined => {
    if (v === undefined) return undefined;
    const n = Number(v);
    if (!Number.isInteger(n) || n <= 0) throw new Error(`--${k} must be a positive integer, got ${v}`);
    return n;
  };
  const recipe: DefaultModelRecipe = { ...DEFAULT_RECIPE };
  const steps = int('steps', values.steps);
  if (steps !== undefined) {
    recipe.steps = steps;
    recipe.warmupSteps = Math.min(recipe.warmupSteps, Math.max(1, Math.floor(steps / 10)));
  }
  const cc = int('corpus-characters', values['corpus-characters']);
  if (cc !== undefined) recipe.corpusCharacters = cc;
  if (values.backend !== undefined) {
    if (values.backend !== 'wasm' && values.backend !== 'cpu') throw new Error(`--backend must be wasm or cpu, got ${values.backend}`);
    recipe.backend = values.backend;
  }
  const stopAfter = int('stop-after', values['stop-after']);
  const args = process.argv.slice(2).filter((a) => a !== '--resume');
  const res = await makeDefaultModel({
    recipe,
    out: stopAfter ? null : values.out!,
    work: values.work!,
    resume: values.resume === true,
    stopAfter,
    command: `npm run make-default-model${args.length ? ' -- ' + args.join(' ') : ''}`,
  });
  console.log(JSON.stringify({ steps: res.steps, firstLosses: res.losses.slice(0, 5), finalLoss: res.losses[res.losses.length - 1], heldOutLoss: res.heldOutLoss, sha256: res.sha256, seconds: Math.round(res.seconds) }));
  process.exit(0);
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  main().catch((e: unknown) => {
    console.error(e instanceof Error ? e.message : e);
    process.exit(1);
  });
}
