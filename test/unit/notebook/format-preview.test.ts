// The dataset cell's format preview in Node on real parts (the seed's toy set, stories260K's and
// lab-default's real tokenizers): its token counts are the trainer's (a max length between the
// shortest and the longest example drops exactly the examples the preview says are too long), its
// loss mask is makeBatch's targets, and its token texts read back as the decoded example.
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { makeBatch } from '../../../src/engine/train/data';
import { defaultCell } from '../../../src/notebook/cells';
import { NotebookRunner } from '../../../src/notebook/runner';
import { nodeSessionServices } from '../../../src/notebook/services_node';
import type { Cell, FormatPreview, TrainCell, TrainOutput } from '../../../src/notebook/types';
import { toyNotebook } from './helpers';

const STORIES = resolve('../shared/fixtures/stories260K/hf');
const LAB_DEFAULT = resolve('public/models/lab-default');

/** Every example's loss flags are makeBatch's counted targets (target at t is token t+1). */
function expectMaskOfMakeBatch(p: FormatPreview): void {
  for (const ex of p.examples) {
    const ids = ex.tokens.map((t) => t.id);
    const b = makeBatch([{ index: 0, ids, promptLength: ex.promptTokens }], 0, p.completionOnly);
    const counted = Array.from({ length: ids.length }, (_, i) => i > 0 && b.targets[i - 1] !== -1);
    expect(ex.tokens.map((t) => t.loss), ex.id).toEqual(counted);
    expect(ex.lossTokens).toBe(b.count);
    expect(ex.tokens.at(-1)!.part).toBe('eos');
    expect(ex.tokens.filter((t) => t.part === 'prompt')).toHaveLength(ex.promptTokens);
  }
}

describe('format preview (Node, real tokenizers)', () => {
  it('counts tokens as the trainer does: what it says is over the max length is exactly what training drops', async () => {
    const nb = toyNotebook(STORIES);
    const train: TrainCell = { ...(defaultCell('train', 'train', nb.cells) as TrainCell), maxSteps: 1, evalEvery: 100, batchSize: 2, warmupSteps: 0, maxLength: 512 };
    nb.cells.push(train);
    const services = await nodeSessionServices({ defaultModel: null });
    const runner = new NotebookRunner(nb, services);
    const wide = await runner.formatPreview('toy', { profile: 'smoke' });
    expect(wide).toMatchObject({ datasetCellId: 'toy', modelCellId: 'model', trainCellId: 'train', format: 'compact', maxLength: 512, completionOnly: true });
    expect(wide.contextTokens).toBeGreaterThan(0);
    expect(wide.splits.map((s) => s.split)).toEqual(['train', 'validation', 'test']);
    const tr = wide.splits[0]!;
    expect(tr.records).toBeGreaterThan(2);
    expect(tr.measured).toBe(tr.records);
    expect(tr.longest[0]!.tokens).toBe(tr.maxTokens);
    expect(wide.examples).toHaveLength(3);
    expect(wide.examples.every((e) => e.split === 'train')).toBe(true);
    expectMaskOfMakeBatch(wide);
    // The counts of the examples shown agree with their token lists.
    for (const ex of wide.examples) expect(ex.promptTokens + ex.completionTokens + 1).toBe(ex.tokens.length);
    // SentencePiece drops a token's leading space when it is decoded alone; in context it keeps it.
    expect(wide.examples[0]!.tokens.some((t) => t.text.startsWith(' '))).toBe(true);

    // A max length strictly inside the train split's range: some examples are too long, and training drops exactly those.
    const lengths = [...wide.examples.map((e) => e.total), tr.maxTokens];
    const cut = Math.floor((Math.min(...lengths) + tr.maxTokens) / 2);
    nb.cells = nb.cells.map((c) => (c.id === 'train' ? ({ ...c, maxLength: cut } as Cell) : c));
    const narrow = await runner.formatPreview('toy', { profile: 'smoke' });
    const over = narrow.splits[0]!.overMaxLength + narrow.splits[1]!.overMaxLength;
    expect(narrow.splits[0]!.overMaxLength).toBeGreaterThan(0);
    expect(narrow.splits[0]!.overMaxLength).toBeLessThan(tr.records);
    const r = await runner.run('train', { profile: 'smoke' });
    expect(r.status, r.error?.message).toBe('done');
    expect((r.output as TrainOutput).dropped).toBe(over);
    await services.dispose();
  });

  it('follows the train cell: every next token counts without completion-only loss; a byte-level tokenizer reads back whole', async () => {
    const nb = toyNotebook(LAB_DEFAULT);
    const train: TrainCell = { ...(defaultCell('train', 'train', nb.cells) as TrainCell), completionOnly: false, format: 'text' };
    nb.cells.push(train);
    const services = await nodeSessionServices({ defaultModel: null });
    const runner = new NotebookRunner(nb, services);
    const p = await runner.formatPreview('toy', { profile: 'smoke' }, 2);
    expect(p).toMatchObject({ format: 'text', completionOnly: false, contextTokens: 512 });
    expect(p.examples).toHaveLength(2);
    expectMaskOfMakeBatch(p);
    for (const ex of p.examples) expect(ex.lossTokens).toBe(ex.total - 1);
    // lab-default has no BOS: the joined token texts are the prompt and the completion, then the EOS token.
    const ex = p.examples[0]!;
    const text = ex.tokens.slice(0, -1).map((t) => t.text).join('');
    expect(text).toContain('\n');
    expect(text.length).toBeGreaterThan(40);
    expect(ex.tokens.at(-1)!.text).toMatch(/\S/);
    await services.dispose();
  });

  it('the chat format goes through the model\'s own template: its special tokens are prompt tokens, shown as text', async () => {
    const nb = toyNotebook(resolve('../shared/fixtures/tiny-qwen2'));
    nb.cells.push({ ...(defaultCell('train', 'train', nb.cells) as TrainCell), format: 'chat' });
    const services = await nodeSessionServices({ defaultModel: null });
    const p = await new NotebookRunner(nb, services).formatPreview('toy', { profile: 'smoke' }, 1);
    expect(p.format).toBe('chat');
    expectMaskOfMakeBatch(p);
    const ex = p.examples[0]!;
    const prompt = ex.tokens.filter((t) => t.part === 'prompt').map((t) => t.text);
    expect(prompt).toContain('<|im_start|>');
    // tiny-qwen2's Metaspace pre-tokenizer starts each text piece after a special token with "▁", so
    // the preview shows " assistant": that is the token the model reads.
    expect(prompt.join('')).toMatch(/<\|im_start\|> ?assistant\n$/);
    // The answer is the template's own tool-call turn (Qwen2: a <tool_call> block with the JSON call).
    expect(ex.tokens.filter((t) => t.part === 'completion').map((t) => t.text).join('')).toMatch(/<tool_call>\s*\{"name": "\w+".*\}/s);
    await services.dispose();
  });

  it('says what to do when the notebook has no model cell, and refuses a cell that is not a dataset', async () => {
    const nb = toyNotebook(STORIES);
    nb.cells = nb.cells.filter((c) => c.type === 'dataset' || c.type === 'markdown');
    const services = await nodeSessionServices({ defaultModel: null });
    const runner = new NotebookRunner(nb, services);
    await expect(runner.formatPreview('toy', { profile: 'smoke' })).rejects.toThrow(/no model cell \(add one; the preview uses its tokenizer\)/);
    await expect(runner.formatPreview('intro', { profile: 'smoke' })).rejects.toThrow(/"intro" is a markdown cell, not a dataset cell/);
    await services.dispose();
  });
});
