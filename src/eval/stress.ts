// Stress tests: seeded transformations of a test split that keep the gold answer consistent
// (seed 003's parameter renaming, field reordering, unseen tools and underspecified instructions,
// plus paraphrase and distractor tools). Each returns the transformed records (same ids, so a
// stressed run pairs with the unstressed one example by example) and says how many records it
// could not apply to and why; nothing is skipped silently.
//
// Determinism: every random choice comes from rngFor(seed, label) with a label naming the record
// or tool, so a record's transformation does not depend on the other records in the split.
import { parsePointer, pointer } from '../data/pointer';
import { rngFor, type Rng } from '../data/rng';
import type { Json, JsonSchema, SlotSpan, ToolCallRecord, ToolSpec } from '../data/types';
import { isJsonObject } from './json';

/** The transformations, in display order. */
export const STRESS_NAMES = ['renaming', 'reordering', 'unseen-tools', 'underspecified', 'paraphrase', 'distractors'] as const;
export type StressName = (typeof STRESS_NAMES)[number];

/** What each transformation does and how its records are scored (the UI shows this). */
export const STRESS_DESCRIPTIONS: Readonly<Record<StressName, string>> = {
  renaming:
    'Parameter renaming: every top-level parameter of every tool gets a new name (a synonym, a camelCase or reordered form, or a prefix/suffix), chosen per tool and parameter from the seed, so one tool is renamed alike in every record. The schema (properties, required, dependentRequired), the expected arguments, the acceptable/optional pointers and the slot spans are renamed together. A tool whose schema uses allOf/anyOf/oneOf/$ref/if/patternProperties/propertyNames/dependentSchemas at the top level is left as it is.',
  reordering:
    'Field reordering: the properties of every object in every tool schema, and the tools themselves, are shuffled (a shuffle that changes nothing is rotated by one). The gold answer is order-free, so it is unchanged. Not applicable when there is nothing to reorder (one tool with fewer than two properties at every level).',
  'unseen-tools':
    "Unseen tools: only the records whose expected calls use tools the adapter was never trained to call are kept. A tool is seen in training when a kept training record's expected answer calls it; a tool that training records only offered (a distractor in their tool list) counts as unseen. Records expecting no call, or calling a trained tool, are counted as not applicable. It is an error when no record is left.",
  underspecified:
    'Underspecified instructions: the value of one required argument (chosen from the seed) is cut out of the request, with the connecting word before it ("in", "to", "on", …) and any quotes around it, using the slot spans the generator stored in meta.slots. The expected answer becomes no call: the right behaviour is to ask (plain text, a clarifying question) or to answer [], never to invent a value; any call fails (usually as multiple_calls). Not applicable without slot spans, with several expected calls, or when the value still appears elsewhere in the request.',
  paraphrase:
    'Paraphrase (surface): seeded rewrites of common phrasings ("what\'s" ↔ "what is", "can you" → "could you", "find" ↔ "look up", …) and an optional greeting or thanks, never touching the argument values (slot spans, or the expected values where they appear). The gold answer is unchanged; the slot spans are moved with the text.',
  distractors:
    'Distractor tools: irrelevant tools from a catalogue (ones not already offered, by name) are inserted at seeded positions in the tool list. The gold answer is unchanged. Not applicable when the catalogue has no tool to add.',
};

/** The records one transformation produced, and the ones it could not apply to. */
export interface StressResult {
  transform: StressName;
  /** The transformed records, ids unchanged. */
  records: ToolCallRecord[];
  /** Records transformed (= records.length). */
  applied: number;
  notApplicable: {
    count: number;
    /** Count per reason. */
    byReason: Record<string, number>;
    /** The first 20 records with their reason. */
    examples: { id: string; reason: string }[];
  };
  /** Remarks that are not failures (e.g. fewer distractors than asked). */
  notes: string[];
}

/** A transformation that cannot run at all (e.g. no unseen tools). */
export class StressError extends Error {
  override name = 'StressError';
}

export interface StressOptions {
  seed: number;
  /** unseen-tools: names of the tools the adapter's training records call (see trainedToolNames). */
  trainedTools?: Iterable<string>;
  /** distractors: the tools to draw from. */
  catalogue?: readonly ToolSpec[];
  /** distractors: how many to add per record (default 3). */
  distractors?: number;
}

class Collector {
  readonly records: ToolCallRecord[] = [];
  readonly byReason: Record<string, number> = {};
  readonly examples: { id: string; reason: string }[] = [];
  readonly notes: string[] = [];
  count = 0;
  constructor(readonly transform: StressName) {}
  skip(id: string, reason: string): void {
    this.count++;
    this.byReason[reason] = (this.byReason[reason] ?? 0) + 1;
    if (this.examples.length < 20) this.examples.push({ id, reason });
  }
  result(): StressResult {
    return {
      transform: this.transform,
      records: this.records,
      applied: this.records.length,
      notApplicable: { count: this.count, byReason: this.byReason, examples: this.examples },
      notes: this.notes,
    };
  }
}

function clone<T>(x: T): T {
  return structuredClone(x);
}

function stressMeta(r: ToolCallRecord, info: { [k: string]: Json }): { [k: string]: Json } {
  return { ...(r.meta ?? {}), stress: info };
}

/** The request text of a record: its instruction, or the content of its last user message. */
export function requestText(r: ToolCallRecord): string {
  if (r.instruction !== undefined) return r.instruction;
  const users = (r.messages ?? []).filter((m) => m.role === 'user');
  return users.length ? (users[users.length - 1] as { content: string }).content : '';
}

function withRequestText(r: ToolCallRecord, text: string): ToolCallRecord {
  if (r.instruction !== undefined) return { ...r, instruction: text };
  const messages = clone(r.messages ?? []);
  for (let i = messages.length - 1; i >= 0; i--) {
    if (messages[i]?.role === 'user') {
      (messages[i] as { content: string }).content = text;
      break;
    }
  }
  return { ...r, messages };
}

/** meta.slots when present and well formed, [] when absent, null when malformed. */
export function slotSpans(r: ToolCallRecord): SlotSpan[] | null {
  const raw = r.meta?.slots;
  if (raw === undefined) return [];
  if (!Array.isArray(raw)) return null;
  const text = requestText(r);
  const out: SlotSpan[] = [];
  for (const s of raw) {
    if (!isJsonObject(s) || typeof s.pointer !== 'string' || typeof s.start !== 'number' || typeof s.end !== 'number') return null;
    if (!(s.start >= 0 && s.end > s.start && s.end <= text.length)) return null;
    out.push({ pointer: s.pointer, start: s.start, end: s.end });
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Parameter renaming

const SYNONYMS: Record<string, string[]> = {
  city: ['town', 'place', 'city_name'],
  location: ['place', 'where', 'position'],
  unit: ['units', 'scale', 'measure'],
  date: ['day', 'on_date', 'calendar_date'],
  time: ['at_time', 'clock_time', 'hour'],
  query: ['search_terms', 'q', 'text'],
  amount: ['sum', 'value', 'quantity'],
  currency: ['money_unit', 'currency_code'],
  from: ['origin', 'source', 'start'],
  to: ['destination', 'target', 'end'],
  origin: ['from', 'departure', 'source'],
  destination: ['to', 'arrival', 'target'],
  name: ['title', 'label'],
  title: ['name', 'heading', 'subject'],
  message: ['text', 'body', 'content'],
  recipient: ['to', 'receiver', 'addressee'],
  email: ['email_address', 'mail'],
  count: ['number', 'how_many', 'n'],
  limit: ['max_results', 'top_k', 'cap'],
  start_date: ['begin_date', 'from_date', 'date_from'],
  end_date: ['finish_date', 'to_date', 'date_to'],
  passengers: ['travellers', 'num_people', 'party_size'],
  days: ['num_days', 'day_count', 'horizon'],
  price: ['cost', 'amount'],
  language: ['lang', 'locale'],
  duration: ['length', 'minutes'],
};

function identifierTokens(name: string): string[] {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .split(/[_\-\s]+/)
    .filter(Boolean)
    .map((t) => t.toLowerCase());
}

function renameCandidates(name: string): string[] {
  const toks = identifierTokens(name);
  const out = [...(SYNONYMS[name] ?? SYNONYMS[toks.join('_')] ?? [])];
  if (toks.length > 1) {
    out.push(toks.map((t, i) => (i === 0 ? t : t[0]?.toUpperCase() + t.slice(1))).join(''));
    out.push([...toks].reverse().join('_'));
  }
  out.push(`${name}_value`, `input_${name}`, `the_${name}`);
  return out.filter((c) => c !== name && /^[A-Za-z_][A-Za-z0-9_]*$/.test(c));
}

const UNRENAMABLE = ['allOf', 'anyOf', 'oneOf', '$ref', 'if', 'then', 'else', 'patternProperties', 'propertyNames', 'dependentSchemas', 'dependencies'];

/** The rename map of one tool, or null when its schema cannot be renamed safely. */
function toolRenames(tool: ToolSpec, seed: number): Map<string, string> | null {
  const params = tool.parameters;
  if (UNRENAMABLE.some((k) => k in params) || !isJsonObject(params.properties)) return null;
  const names = Object.keys(params.properties);
  const taken = new Set(names);
  const map = new Map<string, string>();
  for (const n of [...names].sort()) {
    const rng = rngFor(seed, `rename/${tool.name}/${n}`);
    const options = renameCandidates(n).filter((c) => !taken.has(c));
    const chosen = options.length ? rng.pick(options) : `${n}_${rng.int(2, 99)}`;
    taken.add(chosen);
    map.set(n, chosen);
  }
  return map;
}

function renameSchema(params: JsonSchema, map: Map<string, string>): JsonSchema {
  const out: JsonSchema = {};
  for (const [k, v] of Object.entries(params)) {
    if (k === 'properties' && isJsonObject(v)) {
      out[k] = Object.fromEntries(Object.entries(v).map(([p, s]) => [map.get(p) ?? p, s]));
    } else if (k === 'required' && Array.isArray(v)) {
      out[k] = v.map((p) => (typeof p === 'string' ? (map.get(p) ?? p) : p));
    } else if (k === 'dependentRequired' && isJsonObject(v)) {
      out[k] = Object.fromEntries(
        Object.entries(v).map(([p, deps]) => [map.get(p) ?? p, Array.isArray(deps) ? deps.map((d) => (typeof d === 'string' ? (map.get(d) ?? d) : d)) : deps]),
      );
    } else {
      out[k] = v;
    }
  }
  return out;
}

/** Rename the argument token of a pointer "/i/arguments/<param>/…" when call i's tool was renamed. */
function renamePointer(p: string, record: ToolCallRecord, maps: Map<string, Map<string, string>>): string {
  const toks = parsePointer(p);
  if (toks.length < 3 || toks[1] !== 'arguments') return p;
  const call = record.expected[Number(toks[0])];
  const map = call ? maps.get(call.name) : undefined;
  const renamed = map?.get(toks[2] as string);
  if (!renamed) return p;
  return pointer(...[toks[0] as string, 'arguments', renamed, ...toks.slice(3)]);
}

/** Parameter renaming (see STRESS_DESCRIPTIONS.renaming). */
export function renameParameters(records: readonly ToolCallRecord[], opts: StressOptions): StressResult {
  const col = new Collector('renaming');
  for (const r of records) {
    const maps = new Map<string, Map<string, string>>();
    for (const t of r.tools) {
      const m = toolRenames(t, opts.seed);
      if (m && m.size) maps.set(t.name, m);
    }
    if (maps.size === 0) {
      col.skip(r.id, 'no tool has a parameter that can be renamed');
      continue;
    }
    const out: ToolCallRecord = {
      ...clone(r),
      tools: r.tools.map((t) => {
        const m = maps.get(t.name);
        return m ? { ...clone(t), parameters: renameSchema(clone(t.parameters), m) } : clone(t);
      }),
      expected: r.expected.map((c) => {
        const m = maps.get(c.name);
        return { name: c.name, arguments: Object.fromEntries(Object.entries(clone(c.arguments)).map(([k, v]) => [m?.get(k) ?? k, v])) };
      }),
    };
    if (r.acceptable) out.acceptable = Object.fromEntries(Object.entries(clone(r.acceptable)).map(([p, alts]) => [renamePointer(p, r, maps), alts]));
    if (r.optional) out.optional = r.optional.map((p) => renamePointer(p, r, maps));
    const slots = slotSpans(r);
    const renames: { [tool: string]: Json } = {};
    for (const [tool, m] of maps) renames[tool] = Object.fromEntries(m);
    const meta = stressMeta(r, { transform: 'renaming', renames });
    if (slots && slots.length) meta.slots = slots.map((s) => ({ ...s, pointer: renamePointer(s.pointer, r, maps) }));
    out.meta = meta;
    col.records.push(out);
  }
  return col.result();
}

// ---------------------------------------------------------------------------------------------
// Field reordering

function shuffleChanged<T>(items: readonly T[], rng: Rng): T[] {
  if (items.length < 2) return [...items];
  const s = rng.shuffle(items);
  if (s.every((x, i) => x === items[i])) s.push(s.shift() as T);
  return s;
}

/** Shuffle every `properties` object in a schema; returns the new schema and whether anything moved. */
function reorderSchema(s: Json, rng: Rng): { schema: Json; moved: boolean } {
  if (Array.isArray(s)) {
    let moved = false;
    const out = s.map((x) => {
      const r = reorderSchema(x, rng);
      moved ||= r.moved;
      return r.schema;
    });
    return { schema: out, moved };
  }
  if (!isJsonObject(s)) return { schema: s, moved: false };
  let moved = false;
  const out: { [k: string]: Json } = {};
  for (const [k, v] of Object.entries(s)) {
    if (k === 'properties' && isJsonObject(v)) {
      const keys = Object.keys(v);
      const order = shuffleChanged(keys, rng);
      moved ||= keys.length > 1;
      out[k] = Object.fromEntries(
        order.map((p) => {
          const r = reorderSchema(v[p] as Json, rng);
          moved ||= r.moved;
          return [p, r.schema];
        }),
      );
    } else if (isJsonObject(v) || Array.isArray(v)) {
      const r = reorderSchema(v, rng);
      moved ||= r.moved;
      out[k] = r.schema;
    } else {
      out[k] = v;
    }
  }
  return { schema: out, moved };
}

/** Field reordering (see STRESS_DESCRIPTIONS.reordering). */
export function reorderFields(records: readonly ToolCallRecord[], opts: StressOptions): StressResult {
  const col = new Collector('reordering');
  for (const r of records) {
    const rng = rngFor(opts.seed, `reorder/${r.id}`);
    let moved = false;
    const tools = r.tools.map((t) => {
      const res = reorderSchema(clone(t.parameters), rng);
      moved ||= res.moved;
      return { ...clone(t), parameters: res.schema as JsonSchema };
    });
    const shuffled = shuffleChanged(tools, rng);
    moved ||= tools.length > 1;
    if (!moved) {
      col.skip(r.id, 'nothing to reorder (one tool, fewer than two properties per object)');
      continue;
    }
    col.records.push({ ...clone(r), tools: shuffled, meta: stressMeta(r, { transform: 'reordering' }) });
  }
  return col.result();
}

// ---------------------------------------------------------------------------------------------
// Unseen tools

/**
 * What "seen in training" means: the names of the tools CALLED in the expected answers of the
 * given (training) records. A tool that training records only offer (listed as a distractor, never
 * the answer) counts as unseen: the model never learnt to call it. The trainer stores this set as
 * the run's `trainedOn.tools` (src/runs/store.ts; the offered tools are `trainedOn.offeredTools`).
 */
export function trainedToolNames(trainRecords: readonly ToolCallRecord[]): Set<string> {
  const out = new Set<string>();
  for (const r of trainRecords) for (const c of r.expected) out.add(c.name);
  return out;
}

/** Unseen tools (see STRESS_DESCRIPTIONS['unseen-tools']). Throws StressError when no record is left. */
export function unseenTools(records: readonly ToolCallRecord[], opts: StressOptions): StressResult {
  if (!opts.trainedTools) throw new StressError('unseen-tools needs the names of the tools the adapter was trained on (trainedTools)');
  const trained = new Set(opts.trainedTools);
  const col = new Collector('unseen-tools');
  for (const r of records) {
    if (r.expected.length === 0) {
      col.skip(r.id, 'no call expected');
      continue;
    }
    const seen = r.expected.find((c) => trained.has(c.name));
    if (seen) {
      col.skip(r.id, 'calls a tool seen in training');
      continue;
    }
    col.records.push({ ...clone(r), meta: stressMeta(r, { transform: 'unseen-tools' }) });
  }
  if (col.records.length === 0) {
    const all = [...new Set(records.flatMap((r) => r.expected.map((c) => c.name)))].sort();
    throw new StressError(
      `unseen-tools: every tool the split calls was in the training data (${all.join(', ') || 'no calls at all'}); hold tools out of training (a by-tool split) to run this test`,
    );
  }
  return col.result();
}

// ---------------------------------------------------------------------------------------------
// Underspecified instructions

const CONNECTORS = /(?:^|\s)(in|at|to|from|for|on|of|by|with|about|near|named|called|titled|into|until|before|after|as)\s*$/i;

/** The range to cut for a slot [start, end): with quotes around it and the connecting word before it. */
function slotCut(text: string, start: number, end: number): [number, number] {
  let s = start;
  let e = end;
  const quote = /["'“”‘’«»]/;
  if (s > 0 && e < text.length && quote.test(text[s - 1] as string) && quote.test(text[e] as string)) {
    s--;
    e++;
  }
  const m = CONNECTORS.exec(text.slice(0, s));
  if (m) s = m.index + (/^\s/.test(m[0]) ? 1 : 0);
  return [s, e];
}

/** Cut the ranges out of text (overlaps merged) and tidy the spaces and punctuation left behind. */
function cutRanges(text: string, ranges: [number, number][]): string {
  const sorted = [...ranges].sort((a, b) => a[0] - b[0]);
  const merged: [number, number][] = [];
  for (const [s, e] of sorted) {
    const last = merged[merged.length - 1];
    if (last && s <= last[1]) last[1] = Math.max(last[1], e);
    else merged.push([s, e]);
  }
  let out = '';
  let at = 0;
  for (const [s, e] of merged) {
    out += text.slice(at, s) + ' ';
    at = e;
  }
  out += text.slice(at);
  return out
    .replace(/\s{2,}/g, ' ')
    .replace(/\s+([.,!?;:)])/g, '$1')
    .replace(/([(])\s+/g, '$1')
    .replace(/,([.!?])/g, '$1')
    .replace(/^[\s,;:]+/, '')
    .trim();
}

/** Underspecified instructions (see STRESS_DESCRIPTIONS.underspecified). */
export function underspecify(records: readonly ToolCallRecord[], opts: StressOptions): StressResult {
  const col = new Collector('underspecified');
  for (const r of records) {
    if (r.expected.length === 0) {
      col.skip(r.id, 'no call expected already');
      continue;
    }
    if (r.expected.length > 1) {
      col.skip(r.id, 'several calls expected');
      continue;
    }
    const slots = slotSpans(r);
    if (slots === null) {
      col.skip(r.id, 'meta.slots is malformed');
      continue;
    }
    if (slots.length === 0) {
      col.skip(r.id, 'no slot spans in meta.slots (where the values sit in the request is unknown)');
      continue;
    }
    const call = r.expected[0] as { name: string; arguments: { [k: string]: Json } };
    const tool = r.tools.find((t) => t.name === call.name);
    const required = Array.isArray(tool?.parameters.required) ? (tool?.parameters.required as Json[]) : [];
    const candidates = required.filter(
      (a): a is string => typeof a === 'string' && a in call.arguments && slots.some((s) => s.pointer === pointer('0', 'arguments', a)),
    );
    if (candidates.length === 0) {
      col.skip(r.id, 'no required argument has a slot span');
      continue;
    }
    const rng = rngFor(opts.seed, `underspecify/${r.id}`);
    const arg = rng.pick(candidates);
    const ptr = pointer('0', 'arguments', arg);
    const text = requestText(r);
    const spans = slots.filter((s) => s.pointer === ptr);
    const removed = spans.map((s) => text.slice(s.start, s.end));
    const next = cutRanges(text, spans.map((s) => slotCut(text, s.start, s.end)));
    const value = call.arguments[arg] as Json;
    const forms = [...removed, ...(typeof value === 'string' || typeof value === 'number' ? [String(value)] : [])].filter((f) => f.trim().length > 0);
    const lower = next.toLowerCase();
    if (forms.some((f) => new RegExp(`(^|[^\\p{L}\\p{N}])${f.toLowerCase().replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}($|[^\\p{L}\\p{N}])`, 'u').test(lower))) {
      col.skip(r.id, 'the value still appears elsewhere in the request');
      continue;
    }
    if (next.trim() === '') {
      col.skip(r.id, 'nothing left of the request');
      continue;
    }
    const out = withRequestText(clone(r), next);
    out.expected = [];
    delete out.acceptable;
    delete out.optional;
    const meta = stressMeta(r, { transform: 'underspecified', argument: arg, tool: call.name, removed: removed.join(' | '), originalExpected: clone(r.expected) as unknown as Json });
    delete meta.slots;
    out.meta = meta;
    col.records.push(out);
  }
  return col.result();
}

// ---------------------------------------------------------------------------------------------
// Paraphrase

/** Rewrites: a phrase (matched case-insensitively on word boundaries) and its replacements. */
const REWRITES: [string, string[]][] = [
  ["what's", ['what is']],
  ['what is', ["what's"]],
  ['can you', ['could you', 'would you']],
  ['could you', ['can you', 'would you']],
  ['please', ['kindly']],
  ['i want to', ["I'd like to", 'I need to']],
  ["i'd like to", ['I want to', 'I would like to']],
  ['i need', ['I want']],
  ['tell me', ['let me know']],
  ['show me', ['give me']],
  ['look up', ['find']],
  ['find', ['look up', 'search for']],
  ['get', ['fetch', 'retrieve']],
  ['book', ['reserve']],
  ['check', ['look at']],
  ['create', ['make', 'set up']],
  ['set up', ['create']],
];
const REWRITE_RE = new RegExp(
  `\\b(?:${[...REWRITES].sort((a, b) => b[0].length - a[0].length).map(([p]) => p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|')})\\b`,
  'gi',
);
const REWRITE_MAP = new Map(REWRITES);
const PREFIXES = ['Hi! ', 'Hello. ', 'Quick question. ', 'Hey there. '];
const SUFFIXES = [' Thanks!', ' Thank you.', ' Cheers.'];

function matchCase(original: string, replacement: string): string {
  if (replacement === '' || !/^[A-Z]/.test(original)) return replacement;
  return replacement[0]?.toUpperCase() + replacement.slice(1);
}

/** Protected [start, end) ranges: slot spans, else every occurrence of an expected string/number value. */
function protectedRanges(r: ToolCallRecord, text: string, slots: SlotSpan[]): [number, number][] {
  if (slots.length) return slots.map((s) => [s.start, s.end]);
  const values = new Set<string>();
  const visit = (v: Json) => {
    if (typeof v === 'string' && v.trim()) values.add(v);
    else if (typeof v === 'number') values.add(String(v));
    else if (Array.isArray(v)) v.forEach(visit);
    else if (isJsonObject(v)) Object.values(v).forEach(visit);
  };
  r.expected.forEach((c) => visit(c.arguments));
  Object.values(r.acceptable ?? {}).forEach((alts) => alts.forEach(visit));
  const out: [number, number][] = [];
  const lower = text.toLowerCase();
  for (const v of values) {
    const needle = v.toLowerCase();
    for (let i = lower.indexOf(needle); i >= 0; i = lower.indexOf(needle, i + 1)) out.push([i, i + needle.length]);
  }
  return out;
}

/** Surface paraphrase (see STRESS_DESCRIPTIONS.paraphrase). */
export function paraphrase(records: readonly ToolCallRecord[], opts: StressOptions): StressResult {
  const col = new Collector('paraphrase');
  for (const r of records) {
    const slots = slotSpans(r);
    if (slots === null) {
      col.skip(r.id, 'meta.slots is malformed');
      continue;
    }
    const text = requestText(r);
    const rng = rngFor(opts.seed, `paraphrase/${r.id}`);
    // Split the text at protected ranges; rewrite only the free segments.
    const ranges = protectedRanges(r, text, slots).sort((a, b) => a[0] - b[0]);
    const cuts = new Set<number>([0, text.length]);
    for (const [s, e] of ranges) {
      cuts.add(s);
      cuts.add(e);
    }
    const bounds = [...cuts].sort((a, b) => a - b);
    const isProtected = (s: number, e: number) => ranges.some(([a, b]) => s >= a && e <= b);
    let out = '';
    const moved = new Map<number, number>();
    for (let i = 0; i + 1 < bounds.length; i++) {
      const s = bounds[i] as number;
      const e = bounds[i + 1] as number;
      moved.set(s, out.length);
      let seg = text.slice(s, e);
      if (!isProtected(s, e)) {
        // One pass, so a rewrite is never rewritten back.
        seg = seg.replace(REWRITE_RE, (m) => {
          const reps = REWRITE_MAP.get(m.toLowerCase());
          return reps && rng.chance(0.7) ? matchCase(m, rng.pick(reps)) : m;
        });
      }
      out += seg;
    }
    moved.set(text.length, out.length);
    let offset = 0;
    const roll = rng.next();
    if (roll < 0.35 || out === text) {
      const prefix = rng.pick(PREFIXES);
      out = prefix + out;
      offset = prefix.length;
    }
    if (roll > 0.65) out += rng.pick(SUFFIXES);
    const newSlots = slots.map((s) => ({ pointer: s.pointer, start: (moved.get(s.start) as number) + offset, end: (moved.get(s.end) as number) + offset }));
    if (newSlots.some((s, i) => out.slice(s.start, s.end) !== text.slice((slots[i] as SlotSpan).start, (slots[i] as SlotSpan).end))) {
      col.skip(r.id, 'a rewrite would change an argument value');
      continue;
    }
    const rec = withRequestText(clone(r), out);
    const meta = stressMeta(r, { transform: 'paraphrase', original: text });
    if (slots.length) meta.slots = newSlots;
    rec.meta = meta;
    col.records.push(rec);
  }
  return col.result();
}

// ---------------------------------------------------------------------------------------------
// Distractor tools

/** Distractor tools (see STRESS_DESCRIPTIONS.distractors). */
export function addDistractors(records: readonly ToolCallRecord[], opts: StressOptions): StressResult {
  const catalogue = opts.catalogue ?? [];
  const want = opts.distractors ?? 3;
  const col = new Collector('distractors');
  let short = 0;
  for (const r of records) {
    const offered = new Set(r.tools.map((t) => t.name));
    const pool = catalogue.filter((t, i) => !offered.has(t.name) && catalogue.findIndex((u) => u.name === t.name) === i);
    if (pool.length === 0) {
      col.skip(r.id, 'the catalogue has no tool that is not already offered');
      continue;
    }
    const rng = rngFor(opts.seed, `distractors/${r.id}`);
    const k = Math.min(want, pool.length);
    if (k < want) short++;
    const added = rng.sample(pool, k);
    const tools = clone(r.tools);
    for (const t of added) tools.splice(rng.int(0, tools.length), 0, clone(t));
    col.records.push({ ...clone(r), tools, meta: stressMeta(r, { transform: 'distractors', added: added.map((t) => t.name) }) });
  }
  if (short) col.notes.push(`${short} record(s) got fewer than ${want} distractors: the catalogue had too few other tools`);
  return col.result();
}

/** Run one transformation by name. */
export function applyStress(name: StressName, records: readonly ToolCallRecord[], opts: StressOptions): StressResult {
  switch (name) {
    case 'renaming':
      return renameParameters(records, opts);
    case 'reordering':
      return reorderFields(records, opts);
    case 'unseen-tools':
      return unseenTools(records, opts);
    case 'underspecified':
      return underspecify(records, opts);
    case 'paraphrase':
      return paraphrase(records, opts);
    case 'distractors':
      if (!opts.catalogue) throw new StressError('distractors needs a catalogue of tools to draw from');
      return addDistractors(records, opts);
  }
}
