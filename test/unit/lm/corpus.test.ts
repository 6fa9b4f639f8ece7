// The lab's generated corpus: determinism, size options, the mixture, valid JSON everywhere
// JSON is written, records and extraction answers valid against their own schemas (ajv), a
// wide vocabulary, and none of the formats fine-tuning must teach.
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import { formatCompact, formatJsonTuning, formatText } from '../../../src/data/formats';
import { generateToolCalls } from '../../../src/data/generators/toolcalls';
import { createRng } from '../../../src/data/rng';
import {
  COPY_MIX, CORPUS_GENERATORS, DEFAULT_MIX, corpusDocument, corpusToJsonl, corpusViolation, generateCorpus, parseCorpusJsonl, type CorpusKind,
} from '../../../src/lm/corpus';
import { ENTITY_GENERATORS, formatJson } from '../../../src/lm/corpus-json';

/** Top-level JSON blocks of a text: balanced {…} / […] regions (strings respected). */
function jsonBlocks(text: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let start = -1;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (depth === 0) {
      if (c === '{' || c === '[') {
        depth = 1;
        start = i;
      }
      continue;
    }
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
    } else if (c === '"') inString = true;
    else if (c === '{' || c === '[') depth++;
    else if (c === '}' || c === ']') {
      depth--;
      if (depth === 0) out.push(text.slice(start, i + 1));
    }
  }
  if (depth !== 0) out.push(text.slice(start));
  return out;
}

const ajv = new Ajv2020({ allErrors: true, strict: false });
addFormats(ajv);
const compiled = new Map<string, ReturnType<typeof ajv.compile>>();
/** ajv validators, compiled once per distinct schema. */
function validator(schema: object): ReturnType<typeof ajv.compile> {
  const key = JSON.stringify(schema);
  let v = compiled.get(key);
  if (!v) {
    v = ajv.compile(schema);
    compiled.set(key, v);
  }
  return v;
}

describe('generateCorpus', () => {
  it('is deterministic per seed, and a longer corpus extends a shorter one', () => {
    const a = generateCorpus({ seed: 5, documents: 300 });
    const b = generateCorpus({ seed: 5, documents: 300 });
    const c = generateCorpus({ seed: 6, documents: 300 });
    expect(b).toEqual(a);
    expect(c.filter((d, i) => d.text === a[i]!.text).length).toBeLessThan(10);
    expect(generateCorpus({ seed: 5, documents: 120 })).toEqual(a.slice(0, 120));
    expect(corpusDocument(5, 77)).toEqual(a[77]);
  });

  it('stops at the requested number of documents or characters', () => {
    expect(generateCorpus({ seed: 1, documents: 37 })).toHaveLength(37);
    const docs = generateCorpus({ seed: 1, characters: 50_000 });
    const chars = docs.reduce((s, d) => s + d.text.length, 0);
    expect(chars).toBeGreaterThanOrEqual(50_000);
    expect(chars - docs[docs.length - 1]!.text.length).toBeLessThan(50_000);
    expect(generateCorpus({ seed: 1, documents: 10, characters: 1 })).toHaveLength(1);
    expect(() => generateCorpus({ seed: 1 })).toThrow(/give documents or characters/);
    expect(() => generateCorpus({ seed: 1, documents: 1.5 })).toThrow(/documents must be a whole number/);
  });

  it('follows the mixture weights, and a kind can be turned off', () => {
    const docs = generateCorpus({ seed: 2, documents: 4000 });
    const total = Object.values(DEFAULT_MIX).reduce((s, w) => s + w, 0);
    for (const kind of Object.keys(CORPUS_GENERATORS) as CorpusKind[]) {
      const share = docs.filter((d) => d.kind === kind).length / docs.length;
      expect(Math.abs(share - DEFAULT_MIX[kind] / total), kind).toBeLessThan(0.025);
    }
    const noStories = generateCorpus({ seed: 2, documents: 500, mix: { story: 0, 'json-record': 50 } });
    expect(noStories.some((d) => d.kind === 'story')).toBe(false);
    expect(noStories.filter((d) => d.kind === 'json-record').length).toBeGreaterThan(150);
    expect(() => generateCorpus({ seed: 2, documents: 1, mix: { poems: 1 } as never })).toThrow(/unknown kind "poems"/);
    expect(() => generateCorpus({ seed: 2, documents: 1, mix: { story: -1 } })).toThrow(/weight of "story"/);
  });

  it('has a wide vocabulary and few repeated documents', () => {
    const docs = generateCorpus({ seed: 4, documents: 3000 });
    const words = new Set<string>();
    for (const d of docs) for (const w of d.text.toLowerCase().match(/\p{L}+/gu) ?? []) words.add(w);
    expect(words.size).toBeGreaterThan(2000);
    expect(new Set(docs.map((d) => d.text)).size).toBeGreaterThan(0.97 * docs.length);
  });
});

describe('JSON in the corpus', () => {
  const docs = generateCorpus({ seed: 8, documents: 2500 });

  it('parses wherever JSON is written, with matched braces and quotes', () => {
    let blocks = 0;
    for (const d of docs.filter((x) => x.kind.startsWith('json-'))) {
      const found = jsonBlocks(d.text);
      expect(found.length, `${d.kind}: ${d.text.slice(0, 120)}`).toBeGreaterThan(0);
      for (const b of found) {
        expect(() => JSON.parse(b), `${d.kind}: ${b.slice(0, 200)}`).not.toThrow();
        blocks++;
      }
    }
    expect(blocks).toBeGreaterThan(900);
  });

  it('gives extraction answers and schema examples that validate against their schema', () => {
    let checked = 0;
    for (const d of docs.filter((x) => x.kind === 'json-extraction' || x.kind === 'json-schema')) {
      const found = jsonBlocks(d.text).map((b) => JSON.parse(b) as object);
      if (found.length !== 2) continue;
      const [schema, value] = found as [object, unknown];
      const validate = validator(schema);
      expect(validate(value), `${d.text}\n${JSON.stringify(validate.errors)}`).toBe(true);
      checked++;
    }
    expect(checked).toBeGreaterThan(80);
  });

  it('makes every entity record valid against its full schema, in every layout', () => {
    for (const [type, gen] of Object.entries(ENTITY_GENERATORS)) {
      const r = createRng(99);
      for (let i = 0; i < 40; i++) {
        const e = gen(r);
        const schema = {
          type: 'object',
          properties: Object.fromEntries(e.fields.map((f) => [f.key, f.schema])),
          required: e.fields.filter((f) => f.required).map((f) => f.key),
          additionalProperties: false,
        };
        const record = Object.fromEntries(e.fields.map((f) => [f.key, f.value]));
        const validate = validator(schema);
        expect(validate(record), `${type}: ${JSON.stringify(validate.errors)}`).toBe(true);
        for (const style of ['compact', 'spaced', 'pretty2', 'pretty4'] as const) expect(JSON.parse(formatJson(record, style))).toEqual(record);
      }
    }
    expect(formatJson({ a: [1, 'x'], b: { c: null } }, 'spaced')).toBe('{"a": [1, "x"], "b": {"c": null}}');
  });
});

describe('corpus rules', () => {
  it('contains none of the formats that fine-tuning teaches', () => {
    const docs = generateCorpus({ seed: 21, documents: 3000 });
    const bad = docs.map((d) => [d.kind, corpusViolation(d.text)] as const).filter(([, v]) => v !== null);
    expect(bad).toEqual([]);
    const calls: string[] = [];
    for (const d of docs) {
      for (const b of d.kind.startsWith('json-') ? jsonBlocks(d.text) : []) {
        JSON.parse(b, (_k, v: unknown) => {
          if (v && typeof v === 'object' && !Array.isArray(v) && 'arguments' in v && 'name' in v) calls.push(b);
          return v;
        });
      }
    }
    expect(calls).toEqual([]);
  });

  it('flags the seed template, tool-call objects and JsonTuning task objects (the check can fail)', () => {
    const { records } = generateToolCalls({ seed: 1, tools: 3, examplesPerTool: 2, irrelevantShare: 0 });
    for (const rec of records) {
      for (const f of [formatText(rec), formatJsonTuning(rec), formatCompact(rec)]) {
        expect(corpusViolation(f.prompt + f.completion), f.prompt).not.toBeNull();
      }
      expect(corpusViolation(f0(rec))).not.toBeNull();
    }
    expect(corpusViolation('<tool_call>\n{}\n</tool_call>')).not.toBeNull();
    expect(corpusViolation('An ordinary sentence about "names" and arguments.')).toBeNull();
  });

  it('round-trips through JSON lines and names the bad line of a broken file', () => {
    const docs = generateCorpus({ seed: 3, documents: 50 });
    expect(parseCorpusJsonl(corpusToJsonl(docs))).toEqual(docs);
    expect(() => parseCorpusJsonl('{"kind":"story","text":"a"}\n{"kind":"story"}\n', 'c.jsonl')).toThrow(/c\.jsonl line 2: field "text" must be a string/);
    expect(() => parseCorpusJsonl('{"kind":"poem","text":"a"}')).toThrow(/line 1: field "kind" must be one of/);
    expect(() => parseCorpusJsonl('\n\nnot json')).toThrow(/line 3: not JSON/);
  });
});

/** The expected call of a tool-call record as a bare JSON object. */
function f0(rec: { expected: { name: string; arguments: object }[] }): string {
  return JSON.stringify(rec.expected[0]);
}

describe('copy-from-context practice (json-copy, the v2 mixture)', () => {
  const docs = generateCorpus({ seed: 12, documents: 800, mix: COPY_MIX }).filter((d) => d.kind === 'json-copy');

  it('is off in the default mixture and about 45% of the v2 characters', () => {
    expect(DEFAULT_MIX['json-copy']).toBe(0);
    expect(generateCorpus({ seed: 12, documents: 300 }).some((d) => d.kind === 'json-copy')).toBe(false);
    const all = generateCorpus({ seed: 12, documents: 800, mix: COPY_MIX });
    const share = docs.reduce((s, d) => s + d.text.length, 0) / all.reduce((s, d) => s + d.text.length, 0);
    expect(share).toBeGreaterThan(0.35);
    expect(share).toBeLessThan(0.55);
  });

  it('answers only with values the text before the answer states verbatim, in valid JSON and no forbidden format', () => {
    expect(docs.length).toBeGreaterThan(150);
    let values = 0;
    for (const d of docs) {
      expect(corpusViolation(d.text), d.text).toBeNull();
      const blocks = jsonBlocks(d.text);
      expect(blocks.length, d.text).toBeGreaterThan(0);
      for (const b of blocks) {
        const obj = JSON.parse(b) as Record<string, unknown>;
        const before = d.text.slice(0, d.text.indexOf(b));
        const example = before.slice(before.lastIndexOf('\n\n') + 1);
        for (const v of Object.values(obj)) {
          // Case-insensitive: a title that opens its sentence is capitalised there ("Star calendar: …").
          expect(example.toLowerCase(), `${JSON.stringify(v)} not in: ${example}`).toContain(String(v).toLowerCase());
          values++;
        }
      }
    }
    expect(values).toBeGreaterThan(1000);
  });
});
