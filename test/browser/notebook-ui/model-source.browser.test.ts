// The model cell's source in the notebook (real Chromium, real lab worker, stories260K's real files
// from ../shared/fixtures): a Hub id is checked before it is used; files chosen on this computer go
// to the worker, the cell loads from them (the same model as from its folder URL) and a different
// choice makes the cell stale; files that are not a model folder, and files the worker no longer
// has (after a reload), are refused with what to do.
import { flushSync } from 'svelte';
import { afterAll, describe, expect, it } from 'vitest';
import type { ModelCell, ModelOutput } from '../../../src/notebook/types';
import { until } from '../until';
import { openNotebook, stopLab } from './open-notebook';

afterAll(stopLab);

const DIR = '/fixtures/stories260K/hf';
const FILES = ['config.json', 'generation_config.json', 'tokenizer.json', 'tokenizer_config.json', 'model.safetensors'];

async function fixtureFiles(names: string[]): Promise<File[]> {
  return Promise.all(names.map(async (n) => new File([await (await fetch(`${DIR}/${n}`)).blob()], n, { lastModified: 1_700_000_000_000 })));
}

/** Put files on a file input and fire its change event, as choosing them in the dialog does. */
function chooseFiles(input: HTMLInputElement, files: File[]): void {
  const dt = new DataTransfer();
  for (const f of files) dt.items.add(f);
  input.files = dt.files;
  input.dispatchEvent(new Event('change', { bubbles: true }));
}

describe('model cell source', () => {
  it('checks a Hub id, loads chosen files in the worker, marks a new choice stale, and says what to do with missing files', async () => {
    const { state, target, api, close } = await openNotebook('Model source', [{ id: 'model', type: 'model', source: { kind: 'url', url: DIR }, backend: 'cpu' }]);
    const cell = () => state.nb!.cells[0] as ModelCell;
    try {
      // From its folder URL first: the reference for the same model loaded from files.
      await state.run('model');
      expect(state.results.model!.status, state.results.model!.error?.message).toBe('done');
      const fromUrl = state.results.model!.output as ModelOutput;

      const el = target.querySelector<HTMLElement>('[data-cell="model"]')!;
      const kind = el.querySelector<HTMLSelectElement>('select[id="model-source-kind"]')!;
      expect(kind.value).toBe('url');
      const pick = (v: string) => {
        kind.value = v;
        kind.dispatchEvent(new Event('change', { bubbles: true }));
        flushSync();
      };

      // A Hub id: a bad one is refused at the field and changes nothing; a good one becomes the source.
      pick('hub');
      const text = el.querySelector<HTMLInputElement>('#model-source-text')!;
      const submit = () => {
        text.dispatchEvent(new Event('input', { bubbles: true }));
        el.querySelector<HTMLFormElement>('.model-source form')!.requestSubmit();
        flushSync();
      };
      text.value = 'not an id';
      submit();
      expect(el.querySelector('.model-source [role="alert"]')!.textContent).toContain('Hub model id: "not an id" is not an id like');
      expect(cell().source).toEqual({ kind: 'url', url: DIR });
      text.value = 'HuggingFaceTB/SmolLM2-135M-Instruct';
      submit();
      expect(cell().source).toEqual({ kind: 'hub', id: 'HuggingFaceTB/SmolLM2-135M-Instruct' });
      expect(state.statuses.model).toBe('stale');

      // Files: without config.json they are refused with what is missing; nothing changes.
      pick('files');
      const input = el.querySelector<HTMLInputElement>('input[aria-label="Choose the model files of model"]')!;
      chooseFiles(input, await fixtureFiles(['tokenizer.json', 'model.safetensors']));
      await until(() => state.cellNote !== null, 'the refusal');
      expect(state.cellNote!.text).toContain('These files are not a model folder: config.json is missing');
      expect(cell().source.kind).toBe('hub');

      // The whole folder's files: the worker keeps them and the cell loads the same model from them.
      chooseFiles(input, await fixtureFiles(FILES));
      await until(() => cell().source.kind === 'files', 'the files to be chosen');
      expect(state.modelFiles.model!.count).toBe(5);
      expect(el.querySelector('.chosen')!.textContent).toContain('Chosen here: 5 files');
      const note = (cell().source as { note: string }).note;
      expect(note).toMatch(/^5 files, .* MiB, modified 2023-11-14T22:13:20\.000Z: config\.json, generation_config\.json, model\.safetensors, tokenizer\.json, tokenizer_config\.json$/);
      await state.run('model');
      expect(state.results.model!.status, state.results.model!.error?.message).toBe('done');
      const fromFiles = state.results.model!.output as ModelOutput;
      expect(fromFiles.parameters).toBe(fromUrl.parameters);
      expect(fromFiles.arch).toBe(fromUrl.arch);
      expect(fromFiles.backend).toBe('cpu');

      // Other files (a newer copy) make the cell stale.
      chooseFiles(input, (await fixtureFiles(FILES)).map((f) => new File([f], f.name, { lastModified: 1_800_000_000_000 })));
      await until(() => (cell().source as { note: string }).note !== note, 'the new choice');
      expect(state.statuses.model).toBe('stale');

      // After a reload the worker has no files: the cell fails and says to choose them again.
      await api.setModelFiles(state.nb!.id, 'model', null);
      await state.run('model');
      expect(state.results.model!.status).toBe('failed');
      expect(state.results.model!.error!.message).toContain('the model files of cell "model" are not here: choose them again in the cell');
    } finally {
      close();
    }
  });
});
