// The committed default model (public/models/lab-default): it loads through the engine and through
// transformers.js AutoTokenizer, its card's greedy samples are what the weights generate, its
// weights hash is the one in the training log, and the make script's first steps reproduce the
// committed log's losses exactly (same backend: the one the log names). Also: resuming the script
// from its checkpoint gives the uninterrupted run's losses and weights (a tiny recipe).
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { AutoTokenizer, env } from '@huggingface/transformers';
import { afterAll, describe, expect, it } from 'vitest';
import { rowChunks } from '../../../src/engine/backend';
import { createCpuBackend } from '../../../src/engine/cpu';
import { loadModel } from '../../../src/engine/load';
import { DirSource } from '../../../src/engine/source_node';
import { lossCurveSvg, niceTicks } from '../../../src/lm/loss-curve';
import {
  DEFAULT_RECIPE,
  greedySamples,
  makeDefaultModel,
  numericsFingerprint,
  parseTrainingLog,
  type DefaultModelRecipe,
  type LogLine,
} from '../../../scripts/make-default-model';

const DIR = resolve(__dirname, '../../../public/models/lab-default');
const log = parseTrainingLog(readFileSync(join(DIR, 'training_log.jsonl'), 'utf8'));
const start = log[0] as Extract<LogLine, { event: 'start' }>;
const end = log[log.length - 1] as Extract<LogLine, { event: 'end' }> & {
  sha256: string;
  steps: number;
  samples: { prompt: string; text: string; maxNewTokens: number; finishReason: string }[];
};
const steps = log.filter((l): l is Extract<LogLine, { event: 'step' }> => l.event === 'step');
const tmp: string[] = [];
afterAll(() => tmp.forEach((d) => rmSync(d, { recursive: true, force: true })));

describe('lab-default model folder', () => {
  it('has every file, under 10 MB in all, and a log from start to end', () => {
    const files = ['config.json', 'generation_config.json', 'tokenizer.json', 'tokenizer_config.json', 'model.safetensors', 'README.md', 'loss-curve.svg', 'training_log.jsonl'];
    const total = files.reduce((a, f) => a + statSync(join(DIR, f)).size, 0);
    expect(total).toBeLessThan(10 * 1024 * 1024);
    expect(start.event).toBe('start');
    expect(end.event).toBe('end');
    expect(steps.map((s) => s.step)).toEqual(Array.from({ length: end.steps }, (_, i) => i + 1));
    const cfg = JSON.parse(readFileSync(join(DIR, 'config.json'), 'utf8')) as Record<string, unknown>;
    expect(cfg).toEqual(start.recipe.config);
    expect(cfg.model_type).toBe('llama');
    expect(cfg.max_position_embeddings as number).toBeGreaterThanOrEqual(512);
  });

  it('loads through the engine (cpu) with the logged parameter count', async () => {
    const lm = await loadModel(new DirSource(DIR), createCpuBackend());
    expect(lm.model.config.arch).toBe('llama');
    let n = 0;
    for (const w of lm.model.tensors.values()) for (const t of rowChunks(w)) n += t.size;
    expect(n).toBe(start.parameters);
    expect(lm.model.config.maxPositions).toBe(512);
    expect(lm.generation.eosTokenIds).toEqual([0, 2]);
  });

  it('loads through transformers.js AutoTokenizer (special ids, round trip, chat template)', async () => {
    env.allowRemoteModels = false;
    env.allowLocalModels = true;
    env.localModelPath = resolve(DIR, '..');
    const tok = await AutoTokenizer.from_pretrained('lab-default');
    const text = 'Once upon a time, a fox found {"id": 42, "tags": ["red"]} on 2024-05-06.';
    const ids = tok.encode(text, { add_special_tokens: false });
    expect(tok.decode(ids)).toBe(text);
    expect(tok.encode('<|endoftext|><|im_start|><|im_end|><|pad|>', { add_special_tokens: false })).toEqual([0, 1, 2, 3]);
    const chat = tok.apply_chat_template([{ role: 'user', content: 'Hi' }], { tokenize: false, add_generation_prompt: true }) as string;
    expect(chat).toBe('<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n');
  });

  it("the weights' sha256 is the training log's and the card's", () => {
    const hash = createHash('sha256').update(readFileSync(join(DIR, 'model.safetensors'))).digest('hex');
    expect(hash).toBe(end.sha256);
    expect(readFileSync(join(DIR, 'README.md'), 'utf8')).toContain(hash);
  });

  it("greedy generation from the card's prompts equals the card's samples", async () => {
    const card = readFileSync(join(DIR, 'README.md'), 'utf8');
    expect(end.samples.length).toBeGreaterThan(0);
    for (const s of end.samples) expect(card).toContain('```text\n' + s.prompt + s.text + '\n```');
    expect(await greedySamples(DIR, end.samples)).toEqual(end.samples);
  }, 60_000);

  it(`the make script's first 3 steps reproduce the committed log (bit-identical when the numerics fingerprint matches; backend ${start.recipe.backend})`, async () => {
    const work = mkdtempSync(join(tmpdir(), 'lab-default-smoke-'));
    tmp.push(work);
    const res = await makeDefaultModel({ recipe: start.recipe, out: null, work, stopAfter: 3, say: () => {} });
    expect(res.steps).toBe(3);
    expect(res.blocks).toBe((start.corpus as { blocks: number }).blocks);
    expect(res.lrs).toEqual(steps.slice(0, 3).map((s) => s.lr));
    const logged = steps.slice(0, 3).map((s) => s.loss);
    if (start.fingerprint?.sha256 === numericsFingerprint().sha256) {
      // same corpus, tokenizer, model, training and backend code as the logged run: bit-identical
      expect(res.losses).toEqual(logged);
    } else {
      // the engine's sources changed since the log was made: the same numbers up to rounding
      // (a kernel rewrite moves the last bits; a corpus or recipe change moves them far more)
      const worst = Math.max(...res.losses.map((l, i) => Math.abs(l - logged[i]!) / logged[i]!));
      console.warn(`lab-default: the numerics sources changed since the committed log; first 3 losses differ by ${worst.toExponential(2)} (relative); rerun npm run make-default-model to refresh the model`);
      expect(res.losses).toHaveLength(3);
      expect(worst).toBeLessThan(1e-6);
    }
  }, 180_000);
});

describe('make-default-model resume', () => {
  it('stopping and resuming from the checkpoint gives the uninterrupted losses and weights', async () => {
    const recipe: DefaultModelRecipe = {
      ...DEFAULT_RECIPE,
      corpusCharacters: 200_000,
      heldOutCharacters: 30_000,
      tokenizerCharacters: 200_000,
      vocabSize: 600,
      blockSize: 64,
      config: { ...DEFAULT_RECIPE.config, vocab_size: 600, hidden_size: 32, intermediate_size: 64, num_hidden_layers: 2, num_attention_heads: 2, num_key_value_heads: 1, head_dim: 16, max_position_embeddings: 64 },
      steps: 6,
      batchSize: 2,
      warmupSteps: 2,
      evalEvery: 2,
      evalBlocks: 2,
      checkpointEvery: 2,
    };
    const a = mkdtempSync(join(tmpdir(), 'lab-default-a-'));
    const b = mkdtempSync(join(tmpdir(), 'lab-default-b-'));
    tmp.push(a, b);
    const whole = await makeDefaultModel({ recipe, out: join(a, 'out'), work: a, say: () => {} });
    const part = await makeDefaultModel({ recipe, out: null, work: b, stopAfter: 3, say: () => {} });
    expect(part.losses).toEqual(whole.losses.slice(0, 3));
    const rest = await makeDefaultModel({ recipe, out: join(b, 'out'), work: b, resume: true, say: () => {} });
    expect(rest.losses).toEqual(whole.losses);
    expect(rest.sha256).toBe(whole.sha256);
    expect(readFileSync(join(b, 'out', 'model.safetensors'))).toEqual(readFileSync(join(a, 'out', 'model.safetensors')));
    const logB = parseTrainingLog(readFileSync(join(b, 'training_log.jsonl'), 'utf8'));
    expect(logB.filter((l) => l.event === 'step').map((l) => (l as { loss: number }).loss)).toEqual(whole.losses);
  }, 120_000);
});

describe('loss curve', () => {
  it('draws one polyline per series with nice ticks, and refuses an empty chart', () => {
    expect(niceTicks(0, 1000)).toEqual([0, 200, 400, 600, 800, 1000]);
    expect(niceTicks(2.5, 8.5)).toEqual([4, 6, 8]);
    expect(niceTicks(0, 4.5)).toEqual([0, 1, 2, 3, 4]);
    const svg = lossCurveSvg([
      { name: 'train', color: '#00f', points: [[1, 8], [2, 7], [3, NaN], [4, 5]] },
      { name: 'held <out>', color: '#f00', points: [[2, 7.5]] },
    ]);
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg.match(/<polyline/g)).toHaveLength(2);
    expect(svg).toContain('held &lt;out&gt;');
    expect(svg.match(/points="([^"]*)"/)![1]!.split(' ')).toHaveLength(3);
    expect(() => lossCurveSvg([{ name: 'x', color: '#000', points: [[1, NaN]] }])).toThrow(/no finite points/);
  });
});
