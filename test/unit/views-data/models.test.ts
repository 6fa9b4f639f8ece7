// Pure helpers of the Models view: pre-cache targets and file lists, cache grouping, sizes,
// and model card facts from the real config files of the default model and the fixtures.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { formatBytes, formatEta, formatRate, transferFigures } from '../../../src/lib/models/format';
import { modelFacts, readModelCard } from '../../../src/lib/models/card';
import { groupModels, hubIdOf, isHubId, precacheTarget, PrecacheError, RUNTIME_CACHE, HUB_CACHE, shardsFromIndex } from '../../../src/lib/models/precache';

const FIX = new URL('../../../../shared/fixtures/', import.meta.url);
const json = (u: URL) => JSON.parse(readFileSync(u, 'utf8')) as unknown;

describe('formatting', () => {
  it('formats sizes, rates and ETAs', () => {
    expect([0, 1023, 1024, 1536, 5_513_688, 10 * 2 ** 20, 3 * 2 ** 30].map(formatBytes)).toEqual(['0 B', '1023 B', '1.00 KiB', '1.50 KiB', '5.26 MiB', '10.0 MiB', '3.00 GiB']);
    expect(formatBytes(-1)).toBe('—');
    expect(formatRate(2 * 2 ** 20)).toBe('2.00 MiB/s');
    expect(formatRate(0)).toBe('—');
    expect([null, 0, 42.4, 185, 3725].map(formatEta)).toEqual(['—', '0 s', '42 s', '3 min 5 s', '1 h 2 min']);
    expect(transferFigures(500, 2000, 0, 1000)).toEqual({ rate: 500, etaSeconds: 3 });
    expect(transferFigures(0, 2000, 0, 1000)).toEqual({ rate: 0, etaSeconds: null });
  });
});

describe('pre-cache targets', () => {
  const page = 'http://127.0.0.1:5173/index.html#/models';
  it('sends same-origin folders to the runtime cache and Hub ids to the transformers.js cache', () => {
    expect(precacheTarget('/fixtures/tiny-gpt2', page)).toEqual({ kind: 'url', label: '/fixtures/tiny-gpt2/', base: 'http://127.0.0.1:5173/fixtures/tiny-gpt2/', cache: RUNTIME_CACHE });
    expect(precacheTarget('http://127.0.0.1:5173/models/lab-default/', page).base).toBe('http://127.0.0.1:5173/models/lab-default/');
    expect(precacheTarget('HuggingFaceTB/SmolLM2-135M', page)).toEqual({
      kind: 'hub',
      label: 'HuggingFaceTB/SmolLM2-135M',
      base: 'https://huggingface.co/HuggingFaceTB/SmolLM2-135M/resolve/main/',
      cache: HUB_CACHE,
    });
    expect(hubIdOf('https://huggingface.co/HuggingFaceTB/SmolLM2-135M/resolve/main/config.json')).toBe('HuggingFaceTB/SmolLM2-135M');
    expect(hubIdOf('http://127.0.0.1:5173/fixtures/x/config.json')).toBeNull();
  });
  it('refuses other sites and nonsense, saying what to do', () => {
    expect(() => precacheTarget('https://example.com/m/', page)).toThrow(/another site.*drop its files/);
    expect(() => precacheTarget('not a model id!', page)).toThrow(PrecacheError);
    expect(() => precacheTarget('  ', page)).toThrow(/Hugging Face model id/);
    expect(isHubId('gpt2')).toBe(true);
    expect(isHubId('a/b/c')).toBe(false);
  });
});

describe('weight shards from model.safetensors.index.json', () => {
  it('lists each shard once, sorted', () => {
    const index = {
      metadata: { total_size: 10 },
      weight_map: {
        'model.embed_tokens.weight': 'model-00001-of-00002.safetensors',
        'model.layers.0.mlp.up_proj.weight': 'model-00002-of-00002.safetensors',
        'model.norm.weight': 'model-00002-of-00002.safetensors',
      },
    };
    expect(shardsFromIndex(index)).toEqual(['model-00001-of-00002.safetensors', 'model-00002-of-00002.safetensors']);
  });
  it('names the field of a malformed index', () => {
    expect(() => shardsFromIndex({})).toThrow(/field "weight_map" must be an object/);
    expect(() => shardsFromIndex({ weight_map: {} })).toThrow(/lists no tensors/);
    expect(() => shardsFromIndex({ weight_map: { 'lm_head.weight': '../../etc/passwd' } })).toThrow(/weight_map\/lm_head.weight/);
    expect(() => shardsFromIndex({ weight_map: { w: 3 } })).toThrow(/"weight_map\/w" must name a shard file/);
  });
});

describe('grouping cache entries into models', () => {
  it('keeps folders with a config.json, per cache, with their files and bytes', () => {
    const o = 'http://h/';
    const models = groupModels([
      { url: `${o}fixtures/tiny-gpt2/config.json`, bytes: 10, cache: RUNTIME_CACHE },
      { url: `${o}fixtures/tiny-gpt2/model.safetensors`, bytes: 1000, cache: RUNTIME_CACHE },
      { url: `${o}presets/tool-calls-101.json`, bytes: 5, cache: RUNTIME_CACHE },
      { url: 'https://huggingface.co/org/m/resolve/main/config.json', bytes: 7, cache: HUB_CACHE },
      { url: `${o}models/lab-default/config.json`, bytes: 3, cache: 'lab-app-abc' },
    ]);
    expect(models.map((m) => [m.label, m.kind, m.files.length, m.bytes])).toEqual([
      ['/fixtures/tiny-gpt2/', 'url', 2, 1010],
      ['/models/lab-default/', 'app', 1, 3],
      ['org/m', 'hub', 1, 7],
    ]);
  });
});

describe('model card facts', () => {
  it('counts the parameters the engine loads for the fixtures', () => {
    // Documented in ../shared/fixtures/README.md: stories260K has 260,032 parameters, context 512.
    const s = modelFacts(json(new URL('stories260K/hf/config.json', FIX)));
    expect(s).toMatchObject({ arch: 'llama', parameters: 260_032, context: 512, layers: 5, hidden: 64, heads: 8, kvHeads: 4, vocabSize: 512, tied: true });
    expect(s.weightBytes).toBe(260_032 * 4);
    const g = modelFacts(json(new URL('tiny-gpt2/config.json', FIX)));
    expect(g).toMatchObject({ arch: 'gpt2', context: 128, layers: 2, hidden: 64, vocabSize: 50257 });
  });
  it('matches the default model card when the default model is there', () => {
    const dir = new URL('../../../public/models/lab-default/', import.meta.url);
    const readme = readFileSync(new URL('README.md', dir), 'utf8');
    const f = modelFacts(json(new URL('config.json', dir)), readme);
    const stated = /\| parameters \| ([\d,]+)/.exec(readme)?.[1];
    expect(stated, 'the model card states its parameter count').toBeTruthy();
    expect(f.parameters).toBe(Number(stated!.replaceAll(',', '')));
    expect(f.license).toBe('mit');
    expect(f.summary).toMatch(/^The lab's own default model/);
  });
  it('reads front matter and the first paragraph of a card', () => {
    expect(readModelCard('---\nlicense: apache-2.0\n---\n# T\n\n| a | b |\n\nFirst\nline.\n\nSecond.')).toEqual({ license: 'apache-2.0', summary: 'First line.' });
    expect(readModelCard('# Only a title')).toEqual({ license: null, summary: null });
  });
  it('says which field of a bad config is wrong', () => {
    expect(() => modelFacts({})).toThrow(/model_type/);
  });
});

describe('loading advice', () => {
  it('says what to do next for each named worker error', async () => {
    const { adviceFor } = await import('../../../src/lib/models/advice');
    const { missingModelFiles } = await import('../../../src/lib/models/files');
    expect(adviceFor('MissingFileError')).toMatch(/config\.json, tokenizer\.json and model\.safetensors/);
    expect(adviceFor('FetchError')).toMatch(/online/);
    expect(adviceFor('ModelTooLargeError')).toMatch(/smaller/);
    expect(adviceFor('UnsupportedModelError')).toMatch(/Llama, Qwen2, Qwen3 and GPT-2/);
    expect(adviceFor('SomethingNew')).toMatch(/Reload/);
    expect(missingModelFiles(['config.json', 'tokenizer.json', 'model.safetensors'])).toEqual([]);
    expect(missingModelFiles(['m/config.json', 'm/tokenizer.json', 'm/model.safetensors.index.json'])).toEqual([]);
    expect(missingModelFiles(['config.json'])).toEqual(['tokenizer.json', 'model.safetensors']);
  });
});
