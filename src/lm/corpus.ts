// The lab's own pretraining corpus: generated text only (so its licence is ours), seeded and
// deterministic. Document i depends only on (seed, i), so a longer corpus extends a shorter one
// with the same seed. Three families, mixed by weight:
//   English  sentences, stories, facts, everyday texts (letters, diaries, dialogues, recipes),
//            errands (calendars, travel, money, messages, shopping, home, media, weather),
//            a glossary of common words with definitions and examples
//   Q&A      instructions and questions with short answers, some as ChatML turns
//   JSON     records, configs, lists, nested objects, JSON Schemas, extraction triplets,
//            questions and edits over JSON, copy-from-context practice (corpus-copy.ts)
// It never contains the formats fine-tuning teaches: no TOOL_SPEC/INSTRUCTION template, no
// `{"name": …, "arguments": …}` calls, no tool specs or <tool_call> tags, no JsonTuning task
// objects (`corpusViolation` checks a document for them).
import { rngFor, type Rng } from '../data/rng';
import { everydayDoc, factsDoc, sentencesDoc, storyDoc } from './corpus-english';
import { errandsDoc } from './corpus-errands';
import { glossaryDoc } from './corpus-glossary';
import { FORBIDDEN_KEYS, configDoc, extractionDoc, jsonQaDoc, listDoc, nestedDoc, recordDoc, schemaDoc } from './corpus-json';
import { copyDoc } from './corpus-copy';
import { chatDoc, qaDoc } from './corpus-qa';

/** The kinds of documents, each with its generator. */
export const CORPUS_GENERATORS = {
  sentences: sentencesDoc,
  story: storyDoc,
  facts: factsDoc,
  everyday: everydayDoc,
  errands: errandsDoc,
  glossary: glossaryDoc,
  qa: qaDoc,
  chat: (r: Rng) => chatDoc(r),
  'json-record': recordDoc,
  'json-config': configDoc,
  'json-list': listDoc,
  'json-nested': nestedDoc,
  'json-schema': schemaDoc,
  'json-extraction': extractionDoc,
  'json-qa': jsonQaDoc,
  'json-copy': copyDoc,
} as const satisfies Record<string, (r: Rng) => string>;

export type CorpusKind = keyof typeof CORPUS_GENERATORS;

/**
 * Default mixture (relative weights): about 50% English, 14% Q&A and chat, 36% JSON documents
 * (JSON documents are longer, so by characters the shares are closer to even). English
 * carries the language the instructions are written in; JSON the syntax the outputs need.
 */
export const DEFAULT_MIX: Record<CorpusKind, number> = {
  sentences: 7,
  story: 18,
  facts: 7,
  everyday: 8,
  errands: 12,
  glossary: 4,
  qa: 11,
  chat: 4,
  'json-record': 10,
  'json-config': 5,
  'json-list': 4,
  'json-nested': 4,
  'json-schema': 5,
  'json-extraction': 7,
  'json-qa': 4,
  'json-copy': 0,
};

/**
 * The mixture of default model v2 (`corpusMix` in its recipe): the default plus copy-from-context
 * practice (`json-copy`, about 45% of the characters). v1 used DEFAULT_MIX and could not copy a
 * value from its prompt; see docs/notes/default-model.md.
 */
export const COPY_MIX: Record<CorpusKind, number> = { ...DEFAULT_MIX, 'json-copy': 40 };

export interface CorpusDocument {
  kind: CorpusKind;
  text: string;
}

export interface CorpusOptions {
  seed: number;
  /** Stop after this many documents. */
  documents?: number;
  /** Stop once the documents' characters (UTF-16 code units) reach this many. */
  characters?: number;
  /** Relative weights per kind (missing kinds keep their default; 0 turns a kind off). */
  mix?: Partial<Record<CorpusKind, number>>;
}

function resolveMix(mix: Partial<Record<CorpusKind, number>> = {}): [CorpusKind, number][] {
  const out: [CorpusKind, number][] = [];
  let total = 0;
  for (const kind of Object.keys(DEFAULT_MIX) as CorpusKind[]) {
    const w = mix[kind] ?? DEFAULT_MIX[kind];
    if (!(w >= 0) || !Number.isFinite(w)) throw new Error(`corpus mix: weight of "${kind}" must be a finite number >= 0, got ${w}`);
    total += w;
    out.push([kind, w]);
  }
  for (const k of Object.keys(mix)) {
    if (!(k in DEFAULT_MIX)) throw new Error(`corpus mix: unknown kind "${k}" (known: ${Object.keys(DEFAULT_MIX).join(', ')})`);
  }
  if (total <= 0) throw new Error('corpus mix: all weights are 0');
  return out.map(([k, w]) => [k, w / total]);
}

/** Document `index` of the corpus for `seed` (pure: depends only on seed, index and mix). */
export function corpusDocument(seed: number, index: number, mix?: Partial<Record<CorpusKind, number>>): CorpusDocument {
  return documentFrom(seed, index, resolveMix(mix));
}

function documentFrom(seed: number, index: number, weights: [CorpusKind, number][]): CorpusDocument {
  const r = rngFor(seed, `corpus-doc:${index}`);
  let u = r.next();
  let kind = weights[weights.length - 1]![0];
  for (const [k, w] of weights) {
    if (u < w) {
      kind = k;
      break;
    }
    u -= w;
  }
  return { kind, text: CORPUS_GENERATORS[kind](r) };
}

/** Documents 0, 1, 2, … of the corpus for `seed`, without end. */
export function* corpusDocuments(seed: number, mix?: Partial<Record<CorpusKind, number>>): Generator<CorpusDocument> {
  const weights = resolveMix(mix);
  for (let i = 0; ; i++) yield documentFrom(seed, i, weights);
}

/** A corpus of `documents` documents or `characters` characters (whichever comes first). */
export function generateCorpus(options: CorpusOptions): CorpusDocument[] {
  const { seed, documents, characters } = options;
  if (documents === undefined && characters === undefined) throw new Error('generateCorpus: give documents or characters');
  if (documents !== undefined && !(Number.isInteger(documents) && documents >= 0)) throw new Error(`generateCorpus: documents must be a whole number >= 0, got ${documents}`);
  if (characters !== undefined && !(characters >= 0)) throw new Error(`generateCorpus: characters must be >= 0, got ${characters}`);
  const out: CorpusDocument[] = [];
  let chars = 0;
  for (const doc of corpusDocuments(seed, options.mix)) {
    if (documents !== undefined && out.length >= documents) break;
    if (characters !== undefined && chars >= characters) break;
    out.push(doc);
    chars += doc.text.length;
  }
  return out;
}

const FORBIDDEN_TEXT = [/TOOL_SPEC/i, /INSTRUCTION:/i, /<\/?tool_call>/, /<\/?tools>/, /<\/?tool_response>/];

/** Why `text` breaks the corpus rules (a forbidden template or key), or null if it does not. */
export function corpusViolation(text: string): string | null {
  for (const re of FORBIDDEN_TEXT) if (re.test(text)) return `contains ${re}`;
  for (const k of FORBIDDEN_KEYS) if (new RegExp(`"${k}"\\s*:`).test(text)) return `contains the key "${k}"`;
  return null;
}

/** The corpus as JSON lines: one `{"kind": …, "text": …}` object per document. */
export function corpusToJsonl(docs: readonly CorpusDocument[]): string {
  return docs.map((d) => JSON.stringify({ kind: d.kind, text: d.text })).join('\n') + (docs.length ? '\n' : '');
}

/** Parses `corpusToJsonl` output; a bad line throws an error naming its line number and field. */
export function parseCorpusJsonl(text: string, source = 'corpus'): CorpusDocument[] {
  const out: CorpusDocument[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (line.trim() === '') continue;
    let v: unknown;
    try {
      v = JSON.parse(line);
    } catch (e) {
      throw new Error(`${source} line ${i + 1}: not JSON (${(e as Error).message})`);
    }
    if (v === null || typeof v !== 'object' || Array.isArray(v)) throw new Error(`${source} line ${i + 1}: expected an object`);
    const o = v as { kind?: unknown; text?: unknown };
    if (typeof o.text !== 'string') throw new Error(`${source} line ${i + 1}: field "text" must be a string`);
    if (typeof o.kind !== 'string' || !(o.kind in CORPUS_GENERATORS)) {
      throw new Error(`${source} line ${i + 1}: field "kind" must be one of ${Object.keys(CORPUS_GENERATORS).join(', ')}, got ${JSON.stringify(o.kind)}`);
    }
    out.push({ kind: o.kind as CorpusKind, text: o.text });
  }
  return out;
}

/** The family of a document kind: English prose, questions and answers, or JSON. */
export function corpusFamily(kind: CorpusKind): 'english' | 'qa' | 'json' {
  if (kind.startsWith('json-')) return 'json';
  return kind === 'qa' || kind === 'chat' ? 'qa' : 'english';
}
