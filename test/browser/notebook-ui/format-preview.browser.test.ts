// The dataset cell's format preview in the notebook (real Chromium, real lab worker, stories260K's
// real tokenizer from ../shared/fixtures): "Count tokens" tokenizes the records in the worker with
// the tokenizer of the model cell that trains on them; the page shows tokens per split, says what
// is longer than the train cell's max length and the model's context, and draws the loss mask on
// each example's tokens.
import { flushSync } from 'svelte';
import { afterAll, describe, expect, it } from 'vitest';
import { defaultCell } from '../../../src/notebook/cells';
import type { Cell, TrainCell } from '../../../src/notebook/types';
import { until as waitUntil } from '../until';
import { openNotebook, stopLab } from './open-notebook';

afterAll(stopLab);

const until = (cond: Parameters<typeof waitUntil>[0], what: string, ms = 90_000) => waitUntil(cond, what, ms);

describe('dataset cell format preview', () => {
  it('counts tokens with the training model\'s tokenizer, warns about what is too long, and shows the loss mask on the tokens', async () => {
    const cells: Cell[] = [
      // Six tools in every prompt: with stories260K's 512-token vocabulary some examples exceed its 512-token context.
      { id: 'calls', type: 'dataset', source: { kind: 'generate', generator: 'toolcalls', n: 40, seed: 1, tools: 6 }, split: { method: 'seed' }, format: 'text' },
      { id: 'model', type: 'model', source: { kind: 'url', url: '/fixtures/stories260K/hf' }, backend: 'cpu' },
    ];
    cells.push({ ...(defaultCell('train', 'lora', cells) as TrainCell), maxLength: 384 });
    const { state, target, api, close } = await openNotebook('Format preview', cells);
    try {
      await state.run('calls');
      expect(state.statuses.calls, state.results.calls?.error?.message).toBe('done');
      flushSync();
      const cell = target.querySelector<HTMLElement>('[data-cell="calls"]')!;
      const button = [...cell.querySelectorAll('button')].find((b) => b.textContent === 'Count tokens')!;
      expect(button, 'the Count tokens button').toBeTruthy();
      button.click();
      await until(() => state.previews.calls?.phase === 'done' || state.previews.calls?.phase === 'failed', 'the preview');
      expect(state.previews.calls!.error).toBeNull();
      const p = state.previews.calls!.preview!;
      expect(p).toMatchObject({ modelCellId: 'model', trainCellId: 'lora', format: 'text', maxLength: 384, contextTokens: 512, completionOnly: true });
      // Nothing was recorded: the model cell has no result, the dataset's result is the one it had.
      expect(state.results.model).toBeUndefined();
      expect((await api.listModels()).map((m) => m.backend)).toEqual(['cpu']);

      // The table: one row per split, with the counts of the preview.
      const rows = [...cell.querySelectorAll<HTMLTableRowElement>('tr[data-split]')];
      expect(rows.map((r) => r.dataset.split)).toEqual(['train', 'validation', 'test']);
      const train = p.splits[0]!;
      expect(train.records).toBe(32);
      expect(rows[0]!.textContent).toContain(String(train.maxTokens));
      expect(train.overContext).toBeGreaterThan(0);
      expect(train.overMaxLength).toBeGreaterThanOrEqual(train.overContext);
      // Both warnings, in words that say what to do.
      const warns = [...cell.querySelectorAll('.warn')].map((w) => w.textContent ?? '');
      expect(warns.some((w) => w.includes(`${train.overMaxLength} of 32 training examples are longer than the max length of lora (384 tokens)`) && w.includes('Raise its Max length'))).toBe(true);
      expect(warns.some((w) => w.includes(`${train.overContext} of 32 training examples exceed the model's context of 512 tokens`))).toBe(true);

      // Each example's tokens: one span per token; the highlighted ones are its loss targets (the answer and the end token).
      const figs = [...cell.querySelectorAll<HTMLElement>('figure[data-example]')];
      expect(figs).toHaveLength(3);
      figs.forEach((fig, i) => {
        const ex = p.examples[i]!;
        const spans = fig.querySelectorAll('.tok');
        expect(spans).toHaveLength(ex.total);
        expect(fig.querySelectorAll('.tok.loss')).toHaveLength(ex.lossTokens);
        expect(ex.lossTokens).toBe(ex.completionTokens + 1);
        expect(fig.querySelector('figcaption')!.textContent).toContain(`= ${ex.total} tokens; ${ex.lossTokens} count in the loss`);
        // The first highlighted token is the first one of the answer.
        expect([...spans].findIndex((s) => s.classList.contains('loss'))).toBe(ex.promptTokens);
      });

      // The preview ran like a cell (one at a time); afterwards the cell is done again and nothing runs.
      expect(state.running).toBeNull();
      expect(state.statuses.calls).toBe('done');
    } finally {
      close();
    }
  });
});
