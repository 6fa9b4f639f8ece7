// The playground cell streams its answer token by token from the lab worker (real Chromium, real
// worker, stories260K from ../shared/fixtures on cpu): the text grows on screen, the finished text
// is the cell's result and equals what the runner generates for the same cell, with and without a
// LoRA adapter; the model's adapter state is put back afterwards; Stop aborts.
import { flushSync, mount, unmount } from 'svelte';
import { afterAll, describe, expect, it } from 'vitest';
import { startLab, type LabClient } from '../../../src/lib/lab-client';
import NotebookPanel from '../../../src/components/notebook/NotebookPanel.svelte';
import { defaultCell, newNotebook } from '../../../src/notebook/cells';
import { NotebookState } from '../../../src/notebook/notebook.svelte';
import { IdbNotebookStore } from '../../../src/notebook/store';
import type { Cell, PlaygroundCell, TrainCell } from '../../../src/notebook/types';
import { until as waitUntil } from '../until';

let client: LabClient | null = null;
afterAll(() => client?.terminate());

const until = (cond: Parameters<typeof waitUntil>[0], what: string, ms = 90_000) => waitUntil(cond, what, ms);

describe('playground cell', () => {
  it('streams token by token, stores the answer, matches the runner, restores the adapter state, and stops', async () => {
    client = await startLab();
    const api = client.api;
    const store = await IdbNotebookStore.open({ name: `lab-notebooks-playground-${Date.now()}` });
    const state = new NotebookState(store, () => api, '/presets/', { forceBackend: 'cpu' });
    const nb = newNotebook('Playground');
    const cells: Cell[] = [
      { id: 'toy', type: 'dataset', source: { kind: 'toy' }, split: { method: 'seed' }, format: 'compact' },
      { id: 'model', type: 'model', source: { kind: 'url', url: '/fixtures/stories260K/hf' }, backend: 'cpu' },
    ];
    const train = defaultCell('train', 'lora', cells) as TrainCell;
    cells.push({ ...train, learningRate: 5e-2, maxSteps: 3, warmupSteps: 0, maxLength: 128, evalEvery: 100 });
    const base: PlaygroundCell = { ...(defaultCell('playground', 'ask', cells) as PlaygroundCell), prompt: 'Once upon a time', decoding: { maxNewTokens: 24, temperature: 0, seed: 0, constrained: false } };
    cells.push(base, { ...base, id: 'ask-lora', adapter: 'lora' });
    nb.cells = cells;
    await state.open(nb);
    const target = document.createElement('div');
    document.body.append(target);
    const app = mount(NotebookPanel, { target, props: { notebook: state } });
    try {
      flushSync();
      // Runner first (no streaming): dataset, model, a 3-step LoRA run and both playgrounds.
      await state.run('all');
      flushSync();
      for (const id of ['toy', 'model', 'lora', 'ask', 'ask-lora']) expect(state.statuses[id], `${id}: ${state.results[id]?.error?.message}`).toBe('done');
      const runnerText = (id: string) => (state.results[id]!.output as { text: string }).text;
      const fromRunner = { ask: runnerText('ask'), 'ask-lora': runnerText('ask-lora') };
      const model = (await api.listModels())[0]!.id;
      let adapterBefore = await api.adapterState(model);
      // The runner generated 'ask-lora' last, so the LoRA adapter is attached: streaming 'ask' (base model)
      // switches it off for the generation and back on. Then the runner runs 'ask' again, which detaches the
      // adapter: streaming 'ask-lora' attaches it for the generation and detaches it again.
      expect(adapterBefore).toMatchObject({ attached: true, enabled: true });

      for (const id of ['ask', 'ask-lora'] as const) {
        if (id === 'ask-lora') {
          await state.run('ask');
          adapterBefore = await api.adapterState(model);
          expect(adapterBefore.attached).toBe(false);
        }
        const pre = target.querySelector<HTMLElement>(`[data-cell="${id}"] pre[aria-label="Model output"]`)!;
        const seen: string[] = [];
        const obs = new MutationObserver(() => seen.push(pre.textContent ?? ''));
        obs.observe(pre, { childList: true, characterData: true, subtree: true });
        target.querySelector<HTMLButtonElement>(`button[aria-label="Run ${id}"]`)!.click();
        await until(() => (state.streams[id]?.phase === 'done' || state.streams[id]?.phase === 'failed') && state.running === null, `${id} to stream`);
        obs.disconnect();
        expect(state.streams[id]!.note).toMatch(/^Finished \((eos|length)\) after \d+ tokens/);
        const text = state.streams[id]!.text;
        expect(text.length).toBeGreaterThan(0);
        // The next-token probabilities of the last step: 5 rows, most probable first, the greedy pick on top.
        const top = state.streams[id]!.top!;
        expect(top).toHaveLength(5);
        expect(top[0]!.chosen).toBe(true);
        for (let i = 1; i < top.length; i++) expect(top[i]!.p).toBeLessThanOrEqual(top[i - 1]!.p);
        expect(target.querySelectorAll(`[data-cell="${id}"] table.top tbody tr`)).toHaveLength(5);
        // The text grew on screen in several steps, each a prefix of the answer.
        const partial = [...new Set(seen)].filter((t) => t && t !== text && !t.startsWith('The answer appears'));
        expect(partial.length, `${id}: ${JSON.stringify(seen)}`).toBeGreaterThanOrEqual(2);
        for (const t of partial) expect(text.startsWith(t), JSON.stringify([t, text])).toBe(true);
        // The same answer as the runner's, stored as the cell's result.
        expect(text).toBe(fromRunner[id]);
        expect(state.statuses[id]).toBe('done');
        expect((await store.results(nb.id))[id]?.output).toMatchObject({ type: 'playground', text });
        expect(await api.adapterState(model)).toEqual(adapterBefore);
      }

      // Stop: a long answer, aborted once the first tokens are on screen.
      state.update({ ...base, decoding: { ...base.decoding, maxNewTokens: 400 } });
      const pre = target.querySelector<HTMLElement>('[data-cell="ask"] pre[aria-label="Model output"]')!;
      const obs = new MutationObserver(() => {
        if (state.streams.ask?.phase === 'streaming' && state.streams.ask.tokens > 0) void state.stop();
      });
      obs.observe(pre, { childList: true, characterData: true, subtree: true });
      void state.stream('ask');
      await until(() => ['done', 'stopped', 'failed'].includes(state.streams.ask?.phase ?? ''), 'the stopped stream');
      obs.disconnect();
      expect(state.streams.ask!.note).toMatch(/^Stopped after \d+ tokens/);
      expect(state.streams.ask!.tokens).toBeLessThan(400);
      expect(state.running).toBeNull();
      expect(await api.adapterState(model)).toEqual(adapterBefore);
    } finally {
      unmount(app);
      target.remove();
      store.close();
    }
  });
});
