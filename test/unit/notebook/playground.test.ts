// A playground cell with constrained decoding: the answer is a call of the chosen catalogue tool
// (stories260K cannot write JSON unaided), and a notebook that asks for it without a tool, or with
// a tool the catalogue lacks, is refused with the field.
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import Ajv from 'ajv';
import { describe, expect, it } from 'vitest';
import { NotebookRunner, playgroundSchema } from '../../../src/notebook/runner';
import { assertNotebook } from '../../../src/notebook/schema';
import { nodeSessionServices } from '../../../src/notebook/services_node';
import type { Cell, PlaygroundCell } from '../../../src/notebook/types';
import { toyNotebook } from './helpers';

const MODEL = resolve('../shared/fixtures/stories260K/hf');

function withPlayground(p: Partial<PlaygroundCell>) {
  const nb = toyNotebook(MODEL);
  const cell: PlaygroundCell = { id: 'ask', type: 'playground', model: 'model', adapter: null, prompt: 'What is the weather in Oslo?', decoding: { maxNewTokens: 256, temperature: 0, seed: 0, constrained: true }, tool: 'get_current_weather', ...p };
  nb.cells = [...nb.cells.filter((c) => c.type !== 'evaluate'), cell as Cell];
  return nb;
}

describe('playground cell, constrained to a tool', () => {
  it('refuses constrained decoding without a tool, and an unknown tool, naming the field', () => {
    expect(() => assertNotebook(withPlayground({ tool: null }))).toThrow(/\/cells\/3\/decoding\/constrained: constrained decoding needs a tool/);
    expect(() => assertNotebook(withPlayground({ tool: 'launch_rocket' }))).toThrow(/\/cells\/3\/tool: "launch_rocket" is not a tool/);
    expect(assertNotebook(withPlayground({})).cells[3]).toMatchObject({ tool: 'get_current_weather' });
    expect(assertNotebook(withPlayground({ tool: null, decoding: { maxNewTokens: 8, temperature: 0, seed: 0, constrained: false } })).cells).toHaveLength(4);
  });

  it('stories260K answers with a valid get_current_weather call only when constrained', async () => {
    if (!existsSync(resolve(MODEL, 'model.safetensors'))) throw new Error(`missing fixture ${MODEL}`);
    const services = await nodeSessionServices({ defaultModel: null });
    try {
      const nb = withPlayground({});
      const runner = new NotebookRunner(nb, services, {});
      await runner.run('ask', { profile: 'smoke' });
      const out = runner.results.ask!.output;
      expect(runner.results.ask!.status, runner.results.ask!.error?.message).toBe('done');
      if (out?.type !== 'playground') throw new Error('no playground output');
      const call = JSON.parse(out.text) as { name: string; arguments: unknown };
      const validate = new Ajv({ strict: false }).compile(playgroundSchema(nb.cells[3] as PlaygroundCell));
      expect(validate(call), JSON.stringify(validate.errors)).toBe(true);
      expect(call.name).toBe('get_current_weather');
      console.log(`[playground] constrained stories260K: ${out.text}`);
      // The same cell unconstrained writes a story, not JSON.
      const free = withPlayground({ decoding: { maxNewTokens: 24, temperature: 0, seed: 0, constrained: false } });
      const r2 = new NotebookRunner(free, services, {});
      await r2.run('ask', { profile: 'smoke' });
      const text = (r2.results.ask!.output as { text: string }).text;
      expect(() => JSON.parse(text)).toThrow();
    } finally {
      await services.dispose();
    }
  });
});

describe('limited evaluations see the whole split', () => {
  it('evenSpread takes n records spread evenly, in order', async () => {
    const { evenSpread } = await import('../../../src/notebook/runner');
    const xs = Array.from({ length: 100 }, (_, i) => i);
    expect(evenSpread(xs, 16)).toEqual([0, 6, 12, 18, 25, 31, 37, 43, 50, 56, 62, 68, 75, 81, 87, 93]);
    expect(evenSpread(xs, 100)).toEqual(xs);
    expect(evenSpread(xs, Infinity)).toEqual(xs);
    expect(evenSpread(xs.slice(0, 3), 5)).toEqual([0, 1, 2]);
    expect(evenSpread(xs, 0)).toEqual([]);
  });
});
