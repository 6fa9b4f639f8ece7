// Scoring: one prediction (the model's raw text) against one record, and a whole set of
// predictions against a dataset. Pure functions: they run in Node, in the lab worker and in tests.
//
// THE RULES ARE DOCUMENTED ONCE, in SCORING_RULES_MARKDOWN just below, which the UI's help shows
// verbatim; read it as this module's documentation. The code follows it section by section:
//   extractJson (./extract)        → noOutput, validJsonStrict, validJson, noise
//   readCalls                      → the list of calls, wrong_function/shape problems
//   parametersValidator (./schema) → schemaOk (ajv, closed schemas, compiled once per schema)
//   matchCalls + valueMatches      → exactMatch (one-to-one, canonical JSON, acceptable, optional)
//   bfclCheck (./bfcl)             → bfclMatch
//   fieldScores                    → fieldMatch, fieldNoise (ThinkJSON, leaf JSON Pointers)
//   chooseError                    → one error label by precedence, and its JSON Pointer
//   scorePredictions               → id matching, aggregates with 95% intervals (./aggregate)
import { getAt } from '../data/pointer';
import type { Json, JsonOutputRecord, LabRecord, ToolCall, ToolCallRecord } from '../data/types';
import {
  SMALL_N,
  smallNWarnings,
  summarize,
  summarizeByGroup,
  summarizeErrors,
  type BootstrapOptions,
  type ErrorSummary,
  type GroupSummary,
  type MetricKey,
  type MetricSummary,
} from './aggregate';
import { bfclCheck } from './bfcl';
import { extractJson, floatLiteralPointers, hasUnbalancedJson, type ExtractionKind } from './extract';
import { escapeToken, flattenLeaves, isJsonObject, jsonEqual, jsonType, normLeaf, sameKind } from './json';
import { LABEL_RANK, type ErrorLabel } from './labels';
import { parametersValidator, schemaProblems } from './schema';

export { ERROR_LABELS, type ErrorLabel } from './labels';

/** The scoring rules in plain language (Markdown): this module's documentation and the UI's help. */
export const SCORING_RULES_MARKDOWN = `# How predictions are scored

Every prediction is the model's raw text for one record. Records are matched to predictions by
\`id\`. A prediction whose id matches no record, a second prediction for the same id, and a record
without a prediction are all listed in the report; none is dropped silently. A record without a
prediction is scored as a failed generation (\`no_output\`) unless you choose to exclude it, and the
report says how many there were.

## Finding the JSON
- **noOutput** — the output, trimmed of white space, is empty, or generation failed.
- **validJsonStrict** — the whole trimmed output parses as JSON (seed 003's "JSON validity").
- **validJson** — JSON can be extracted: the whole trimmed output if it parses; else the content
  of the first fenced block (\`\`\`…\`\`\`) if it parses; else the first balanced \`{…}\` or \`[…]\`
  that parses (a balanced span that does not parse is skipped whole; a bracket that never closes
  ends the search). JSON is read as \`JSON.parse\` reads it: trailing commas and single quotes do not
  parse; with duplicate keys the last one wins (as in Python's \`json\`).
- **noise** — the share (%) of the trimmed output's characters outside the extracted JSON (0 when
  the whole output is JSON, 100 when nothing could be extracted; empty outputs have none).

## Reading the calls (tool-call records)
The extracted JSON is read as a list of calls: an object \`{"name": …, "arguments": {…}}\` is one
call, an array is several, \`[]\` is no call. A call object must have exactly the keys \`name\`
(a string) and \`arguments\` (an object); anything else is not a well-formed call.

A record whose expected answer is no call (\`expected: []\`, as in BFCL's irrelevance set and in
the *underspecified* stress test) is answered correctly by \`[]\` **or by plain text with no JSON
in it** (declining, or asking a clarifying question); such a plain-text answer has noise 0 and
fieldMatch 100. Any JSON other than \`[]\` counts as an attempted call and fails; an empty output
fails as \`no_output\`.

## The metrics
- **schemaOk** — the output has valid JSON and every call is well formed, names one of the
  record's tools, and its \`arguments\` validate (ajv) against that tool's \`parameters\`, where
  every object schema that lists \`properties\` and does not set \`additionalProperties\` is treated
  as \`additionalProperties: false\` (undeclared arguments are errors). It is checked against the
  schema, not the gold answer. Reported over valid outputs (**schemaOkOfValid**, seed 003's
  denominator) and over all outputs (**schemaOk**).
- **exactMatch** — the calls equal the expected calls as sets: order-free and matched one to one,
  with the same number of calls. Two calls are equal when the names are equal and the arguments
  are equal as canonical JSON: keys sorted; numbers by value (5 = 5.0); strings exactly (case and
  spaces count); no type coercion ("5" ≠ 5); arrays in order. At a JSON Pointer listed in the
  record's \`acceptable\`, any listed value is accepted besides the expected one; an argument whose
  pointer is in the record's \`optional\` may be left out. Nothing else is accepted: a missing or
  extra argument fails. Expected \`[]\` is matched only by no call (see above).
- **bfclMatch** — the Berkeley Function Calling Leaderboard's AST checker: the function name must
  match; every required parameter present; no parameter outside the schema and the possible
  answer; types checked, with an int accepted for a float (an integer written \`5.0\` is a float);
  strings compared after lower-casing and removing spaces and \`,./-_*^\`; lists compared in order;
  dicts key by key; omitting a parameter is allowed only when it is optional. Parallel calls are
  matched in any order (greedily, as BFCL does); with no call expected, any decoded call fails and
  an empty output passes. Two deliberate differences: an int inside a list typed float is accepted
  (the lab cannot tell 1 from 1.0 in a gold answer), and booleans never equal numbers.
- **fieldMatch** — ThinkJSON's mean match %: both the gold answer and the prediction are flattened
  to leaves (string, number, boolean, null, or an empty \`{}\`/\`[]\`) under JSON Pointer paths; the
  score is the share of gold leaves whose path exists in the prediction with the same value after
  \`String(v).trim()\` (an \`acceptable\` value counts). For tool calls the predicted calls are first
  put in the order of the expected calls they pair with, so parallel calls in another order lose
  nothing; gold leaves of an \`optional\` argument the prediction leaves out are not counted. An
  output without valid JSON scores 0; a correct no-call answer in plain text scores 100. Reported
  over all outputs (**fieldMatch**) and over valid outputs (**fieldMatchOfValid**).
- **fieldNoise** — ThinkJSON's noise %: the share of the prediction's leaves whose path is not in
  the gold answer (nor allowed by \`acceptable\`/\`optional\`). Only defined for valid JSON; reported
  over valid outputs (**fieldNoiseOfValid**). The character-based **noise** above is reported over
  valid outputs (**noiseOfValid**) and over outputs that are not empty (**noise**).

## One error label per failing prediction
A prediction fails when it is not an exact match; it then gets the first label that applies, in
this order, and \`path\`, the JSON Pointer (into the extracted JSON) of the first offending field:
1. \`no_output\` — empty output or failed generation.
2. \`truncated\` — generation hit \`max_new_tokens\` and the output leaves a bracket or string open.
3. \`invalid_json\` — no JSON could be extracted.
4. \`wrong_function\` — a call names a function that is not among the record's tools or not among
   the expected calls, or calls an expected function more often than expected while the count is
   right, or the JSON is not a call at all (path of the bad \`name\`, or of the value).
5. \`multiple_calls\` — the number of calls differs from the number expected (including any call
   when none is expected, and \`[]\` when one is).
6. \`missing_required\` — an argument the schema requires, or one the gold answer has and does not
   mark optional, is absent (also a call object without \`arguments\`).
7. \`unexpected_argument\` — an argument the schema does not declare, or the gold answer does not
   have (also an extra key next to \`name\` and \`arguments\`).
8. \`type_mismatch\` — a value of the wrong JSON type (a number written as a string, …).
9. \`enum_violation\` — a value outside the schema's \`enum\`/\`const\`.
10. \`constraint_violation\` — a value breaking a range, format, length, pattern, item-count or
    other schema constraint.
11. \`value_mismatch\` — schema-valid but different from the gold answer.
12. \`extra_text\` — correct, but with text around the JSON (an exact match that is not
    validJsonStrict). A correct plain-text no-call answer gets no label.

Between fields with the same label, the earlier call and then the earlier field in the document
wins; a missing field counts at the place of the object it is missing from, and several missing
fields keep the schema's \`required\` order. To say what differs, predicted calls are paired with
expected calls: equal calls first (one to one), then the rest by function name in order. A correct prediction without surrounding text has no label (\`error: null\`).

## JSON-output records (ThinkJSON triplets)
The same rules with the record's output schema in place of a tool: the text inside the last
\`<answer>…</answer>\` is used when those tags appear; **exactMatch** is canonical-JSON equality with
the expected JSON; **bfclMatch** does not apply; labels 4 and 5 do not occur.

## Aggregates
Rates are fractions of their denominator; fieldMatch, fieldNoise and noise are means of
percentages. Every aggregate comes with a 95% interval: the Wilson score interval for rates (so 0 of
16 reads 0%–19.4%, not 0%–0%), a percentile bootstrap over records (seeded, 1000 resamples by
default) for means of percentages; with breakdowns per expected tool and per error label. When a
denominator is below 30 the report warns that the interval is too wide to mean much.
`;

/** One prediction: the model's raw text for the record with this id. */
export interface Prediction {
  id: string;
  output: string;
  /** Generation stopped at max_new_tokens (enables the `truncated` label). */
  truncated?: boolean;
  /** Generation failed with this message (scored as no output). */
  error?: string;
  /** Where it came from (1-based line of a JSONL file); defaults to its index + 1. */
  line?: number;
}

/** Options for scoring one output. */
export interface ScoreOptions {
  /** Generation hit max_new_tokens. */
  truncated?: boolean;
  /** Generation failed. */
  failed?: boolean;
}

/** The verdict on one prediction. Percentages are 0–100. */
export interface Verdict {
  id: string;
  kind: 'tool-call' | 'json-output';
  /** Breakdown key: the expected tool(s) ("+"-joined), "(no call)", or "json-output". */
  group: string;
  noOutput: boolean;
  validJsonStrict: boolean;
  validJson: boolean;
  schemaOk: boolean;
  exactMatch: boolean;
  /** BFCL's AST checker; null for json-output records. */
  bfclMatch: boolean | null;
  /** ThinkJSON match % (0 without valid JSON; 100 for a correct plain-text no-call answer). */
  fieldMatch: number;
  /** ThinkJSON noise %: extraneous leaf paths; null without valid JSON. */
  fieldNoise: number | null;
  /** % of characters outside the extracted JSON; null for an empty output. */
  noise: number | null;
  /** The error label, null when the prediction is correct. */
  error: ErrorLabel | null;
  /** JSON Pointer of the first offending field in the extracted JSON ("" = the whole value), or null. */
  path: string | null;
  /** What is wrong there, in words. */
  message: string | null;
  /** Which extraction step found the JSON. */
  extraction: ExtractionKind | null;
  /** Number of calls the JSON holds (items of an array, 1 for an object); null without JSON or for json-output. */
  calls: number | null;
  /** BFCL's first error message, when bfclMatch is false. */
  bfclError?: string;
  /** The record had no prediction (scored as no output). */
  missing?: true;
}

interface Problem {
  label: ErrorLabel;
  path: string;
  message: string;
  /** Index of the predicted call it belongs to (0 for a single object). */
  call: number;
}

interface Answers {
  acceptable: { [pointer: string]: Json[] };
  optional: Set<string>;
}

const NO_ANSWERS: Answers = { acceptable: {}, optional: new Set() };

function answersOf(record: ToolCallRecord): Answers {
  return { acceptable: record.acceptable ?? {}, optional: new Set(record.optional ?? []) };
}

/** Does `p` (undefined = absent) match the gold `e` (undefined = absent) at gold pointer `gp`? */
function valueMatches(p: Json | undefined, e: Json | undefined, gp: string, ans: Answers): boolean {
  if (p === undefined) return e === undefined || ans.optional.has(gp);
  if (e !== undefined && structureMatches(p, e, gp, ans)) return true;
  const alts = ans.acceptable[gp];
  return alts !== undefined && alts.some((a) => jsonEqual(p, a));
}

function structureMatches(p: Json, e: Json, gp: string, ans: Answers): boolean {
  if (isJsonObject(p) && isJsonObject(e)) {
    for (const k of Object.keys(e)) if (!valueMatches(p[k], e[k], `${gp}/${escapeToken(k)}`, ans)) return false;
    for (const k of Object.keys(p)) if (!(k in e) && !valueMatches(p[k], undefined, `${gp}/${escapeToken(k)}`, ans)) return false;
    return true;
  }
  if (Array.isArray(p) && Array.isArray(e)) {
    if (p.length !== e.length) return false;
    for (let i = 0; i < p.length; i++) if (!valueMatches(p[i], e[i], `${gp}/${i}`, ans)) return false;
    return true;
  }
  return jsonEqual(p, e);
}

const show = (v: Json): string => {
  const s = JSON.stringify(v);
  return s.length > 60 ? s.slice(0, 57) + '...' : s;
};

/** Why `p` does not match gold `e`: problems at prediction pointers (pp), gold pointers gp. */
function diffValue(p: Json | undefined, e: Json | undefined, gp: string, pp: string, ans: Answers, call: number, out: Problem[]): void {
  if (valueMatches(p, e, gp, ans)) return;
  const before = out.length;
  if (p === undefined) {
    out.push({ label: 'missing_required', path: pp, message: `is missing (expected ${show(e as Json)})`, call });
    return;
  }
  if (e === undefined) {
    if (ans.acceptable[gp]) out.push({ label: 'value_mismatch', path: pp, message: `${show(p)} is not an accepted value`, call });
    else out.push({ label: 'unexpected_argument', path: pp, message: 'is not in the expected answer', call });
    return;
  }
  if (isJsonObject(p) && isJsonObject(e)) {
    for (const k of Object.keys(p)) diffValue(p[k], e[k], `${gp}/${escapeToken(k)}`, `${pp}/${escapeToken(k)}`, ans, call, out);
    for (const k of Object.keys(e)) if (!(k in p)) diffValue(undefined, e[k], `${gp}/${escapeToken(k)}`, `${pp}/${escapeToken(k)}`, ans, call, out);
  } else if (Array.isArray(p) && Array.isArray(e)) {
    if (p.length !== e.length) {
      out.push({ label: 'value_mismatch', path: pp, message: `has ${p.length} items, expected ${e.length}`, call });
      return;
    }
    for (let i = 0; i < p.length; i++) diffValue(p[i], e[i], `${gp}/${i}`, `${pp}/${i}`, ans, call, out);
  } else if (!sameKind(p, e)) {
    out.push({ label: 'type_mismatch', path: pp, message: `is ${jsonType(p)} ${show(p)}, expected ${jsonType(e)} ${show(e)}`, call });
    return;
  }
  if (out.length === before) out.push({ label: 'value_mismatch', path: pp, message: `is ${show(p)}, expected ${show(e)}`, call });
}

/** Pre-order position of every node of `v` (for "first in the document"). */
function documentOrder(v: Json): Map<string, number> {
  const order = new Map<string, number>();
  const walk = (x: Json, ptr: string) => {
    order.set(ptr, order.size);
    if (Array.isArray(x)) x.forEach((y, i) => walk(y, `${ptr}/${i}`));
    else if (isJsonObject(x)) for (const k of Object.keys(x)) walk(x[k] as Json, `${ptr}/${escapeToken(k)}`);
  };
  walk(v, '');
  return order;
}

/** The highest-precedence problem; ties go to the earlier call, then the earlier field. */
function chooseProblem(problems: readonly Problem[], doc: Json): Problem | null {
  if (problems.length === 0) return null;
  const order = documentOrder(doc);
  const pos = (path: string): number => {
    const hit = order.get(path);
    if (hit !== undefined) return hit;
    const parent = path.slice(0, path.lastIndexOf('/'));
    return (order.get(parent) ?? order.size) + 0.5;
  };
  let best = problems[0] as Problem;
  for (const p of problems) {
    const d = LABEL_RANK[p.label] - LABEL_RANK[best.label] || p.call - best.call || pos(p.path) - pos(best.path);
    if (d < 0) best = p;
  }
  return best;
}

/** Maximum one-to-one matching (Kuhn's augmenting paths); predToExp[k] = e or -1. */
function maximumMatching(nPred: number, nExp: number, eq: (k: number, e: number) => boolean): number[] {
  const predToExp = new Array<number>(nPred).fill(-1);
  const expToPred = new Array<number>(nExp).fill(-1);
  const memo = new Map<number, boolean>();
  const equal = (k: number, e: number) => {
    const key = k * 4096 + e;
    let r = memo.get(key);
    if (r === undefined) memo.set(key, (r = eq(k, e)));
    return r;
  };
  const augment = (k: number, seen: boolean[]): boolean => {
    for (let e = 0; e < nExp; e++) {
      if (seen[e] || !equal(k, e)) continue;
      seen[e] = true;
      const other = expToPred[e] as number;
      if (other < 0 || augment(other, seen)) {
        predToExp[k] = e;
        expToPred[e] = k;
        return true;
      }
    }
    return false;
  };
  for (let k = 0; k < nPred; k++) augment(k, new Array<boolean>(nExp).fill(false));
  return predToExp;
}

/**
 * ThinkJSON's field match and field noise (%) of `pred` against `gold`, both given as lists of
 * [pointer, value] nodes to flatten. Gold leaves under an `optional` pointer the prediction
 * leaves out are not counted; a value listed in `acceptable` counts as a match, and leaves under
 * an acceptable or optional pointer are not noise.
 */
function fieldScores(predDoc: { [k: string]: Json }, goldDoc: { [k: string]: Json }, ans: Answers): { match: number; noise: number } {
  const predLeaves = new Map<string, Json>();
  for (const [k, v] of Object.entries(predDoc)) for (const [p, x] of flattenLeaves(v, `/${k}`)) predLeaves.set(p, x);
  const goldLeaves: [string, Json][] = [];
  for (const [k, v] of Object.entries(goldDoc)) flattenLeaves(v, `/${k}`, goldLeaves);
  const under = (path: string, ptr: string) => path === ptr || path.startsWith(ptr + '/');
  const omitted = [...ans.optional].filter((o) => getAt(predDoc, o) === undefined);
  const accepted = Object.entries(ans.acceptable)
    .filter(([ptr, alts]) => {
      const pv = getAt(predDoc, ptr);
      return pv !== undefined && alts.some((a) => jsonEqual(pv, a));
    })
    .map(([ptr]) => ptr);
  let counted = 0;
  let matched = 0;
  for (const [path, gv] of goldLeaves) {
    if (omitted.some((o) => under(path, o))) continue;
    counted++;
    if (accepted.some((a) => under(path, a))) {
      matched++;
      continue;
    }
    const pv = predLeaves.get(path);
    if (pv !== undefined && normLeaf(pv) === normLeaf(gv)) matched++;
  }
  const known = new Set(goldLeaves.map(([p]) => p));
  const free = [...ans.optional, ...Object.keys(ans.acceptable)];
  let extra = 0;
  for (const p of predLeaves.keys()) if (!known.has(p) && !free.some((f) => under(p, f))) extra++;
  return { match: (100 * matched) / Math.max(1, counted), noise: (100 * extra) / Math.max(1, predLeaves.size) };
}

/** Breakdown key of a tool-call record: its expected tool names, sorted and "+"-joined. */
export function toolGroup(record: ToolCallRecord): string {
  if (record.expected.length === 0) return '(no call)';
  return [...new Set(record.expected.map((c) => c.name))].sort().join('+');
}

function emptyVerdict(id: string, kind: Verdict['kind'], group: string): Verdict {
  return {
    id,
    kind,
    group,
    noOutput: false,
    validJsonStrict: false,
    validJson: false,
    schemaOk: false,
    exactMatch: false,
    bfclMatch: kind === 'tool-call' ? false : null,
    fieldMatch: 0,
    fieldNoise: null,
    noise: null,
    error: null,
    path: null,
    message: null,
    extraction: null,
    calls: null,
  };
}

function fail(v: Verdict, label: ErrorLabel, path: string | null, message: string): Verdict {
  v.error = label;
  v.path = path;
  v.message = message;
  return v;
}

/** Score one output against a tool-call record (see SCORING_RULES_MARKDOWN). */
export function scoreToolCall(record: ToolCallRecord, output: string, opts: ScoreOptions = {}): Verdict {
  const v = emptyVerdict(record.id, 'tool-call', toolGroup(record));
  const noCallExpected = record.expected.length === 0;
  const text = output.trim();
  if (opts.failed || text === '') {
    v.noOutput = true;
    v.bfclMatch = noCallExpected;
    if (!noCallExpected) v.bfclError = 'Empty output.';
    return fail(v, 'no_output', null, opts.failed ? 'generation failed' : 'the output is empty');
  }
  const ex = extractJson(text);
  if (!ex) {
    v.noise = 100;
    v.bfclMatch = noCallExpected;
    if (!noCallExpected) v.bfclError = 'Invalid syntax. Failed to decode AST.';
    if (opts.truncated && hasUnbalancedJson(text)) return fail(v, 'truncated', null, 'generation stopped at max_new_tokens inside the JSON');
    if (noCallExpected) {
      v.exactMatch = true;
      v.fieldMatch = 100;
      v.noise = 0;
      return v;
    }
    return fail(v, 'invalid_json', null, 'no JSON could be extracted');
  }
  v.validJson = true;
  v.validJsonStrict = ex.kind === 'whole';
  v.extraction = ex.kind;
  v.noise = (100 * (text.length - (ex.end - ex.start))) / text.length;
  const ans = answersOf(record);
  const value = ex.value;
  const isList = Array.isArray(value);
  const items: Json[] = isList ? value : [value];
  const at = (k: number) => (isList ? `/${k}` : '');
  v.calls = items.length;

  // Reading the calls.
  const problems: Problem[] = [];
  const calls: (ToolCall | null)[] = [];
  let wellFormed = true;
  items.forEach((item, k) => {
    if (!isJsonObject(item)) {
      problems.push({ label: 'wrong_function', path: at(k), message: `is ${jsonType(item)}, not a call {"name", "arguments"}`, call: k });
      calls.push(null);
      wellFormed = false;
      return;
    }
    const { name, arguments: args } = item;
    if (typeof name !== 'string') {
      problems.push({ label: 'wrong_function', path: `${at(k)}/name`, message: name === undefined ? 'no function name' : 'the function name must be a string', call: k });
      wellFormed = false;
    }
    if (args === undefined) {
      problems.push({ label: 'missing_required', path: `${at(k)}/arguments`, message: 'the call has no "arguments"', call: k });
      wellFormed = false;
    } else if (!isJsonObject(args)) {
      problems.push({ label: 'type_mismatch', path: `${at(k)}/arguments`, message: `"arguments" is ${jsonType(args)}, expected an object`, call: k });
      wellFormed = false;
    }
    for (const key of Object.keys(item)) {
      if (key !== 'name' && key !== 'arguments') {
        problems.push({ label: 'unexpected_argument', path: `${at(k)}/${escapeToken(key)}`, message: 'a call has only "name" and "arguments"', call: k });
        wellFormed = false;
      }
    }
    calls.push(typeof name === 'string' && isJsonObject(args) ? { name, arguments: args } : null);
  });

  // Function names and the number of calls.
  const tools = new Map(record.tools.map((t) => [t.name, t]));
  const expectedNames = new Set(record.expected.map((c) => c.name));
  let namesOk = true;
  let toolsOk = true;
  calls.forEach((c, k) => {
    if (!c) return;
    if (!tools.has(c.name)) {
      problems.push({ label: 'wrong_function', path: `${at(k)}/name`, message: `"${c.name}" is not one of the record's tools`, call: k });
      namesOk = false;
      toolsOk = false;
    } else if (!noCallExpected && !expectedNames.has(c.name)) {
      problems.push({ label: 'wrong_function', path: `${at(k)}/name`, message: `"${c.name}" is not an expected function (${[...expectedNames].join(', ')})`, call: k });
      namesOk = false;
    }
  });
  const countOk = items.length === record.expected.length;
  if (!countOk) {
    const what = noCallExpected ? 'no call was expected' : `expected ${record.expected.length}`;
    problems.push({ label: 'multiple_calls', path: '', message: `${items.length} call(s), ${what}`, call: -1 });
  }

  // Exact match: a perfect one-to-one matching of equal calls.
  const eq = (k: number, e: number): boolean => {
    const c = calls[k];
    const g = record.expected[e] as ToolCall;
    return !!c && c.name === g.name && valueMatches(c.arguments, g.arguments, `/${e}/arguments`, ans);
  };
  const pairs = maximumMatching(items.length, record.expected.length, eq);
  const perfect = pairs.every((e) => e >= 0);
  v.exactMatch = wellFormed && countOk && perfect;
  // Pair the rest by name, in order, to say what differs.
  const taken = new Set(pairs.filter((e) => e >= 0));
  calls.forEach((c, k) => {
    if (!c || (pairs[k] as number) >= 0) return;
    const e = record.expected.findIndex((g, i) => !taken.has(i) && g.name === c.name);
    if (e >= 0) {
      pairs[k] = e;
      taken.add(e);
    } else if (countOk && namesOk) {
      problems.push({ label: 'wrong_function', path: `${at(k)}/name`, message: `"${c.name}" is called more often than expected`, call: k });
    }
  });

  // Schema and gold checks per call.
  let schemaOk = wellFormed && toolsOk;
  calls.forEach((c, k) => {
    if (!c) return;
    const tool = tools.get(c.name);
    if (!tool) return;
    const validate = parametersValidator(tool.parameters, `record ${record.id}, tool ${tool.name}`);
    if (!validate(c.arguments)) {
      schemaOk = false;
      for (const p of schemaProblems(validate.errors)) problems.push({ ...p, path: `${at(k)}/arguments${p.path}`, call: k });
    }
    const e = pairs[k] as number;
    if (e >= 0 && !eq(k, e)) diffValue(c.arguments, (record.expected[e] as ToolCall).arguments, `/${e}/arguments`, `${at(k)}/arguments`, ans, k, problems);
  });
  v.schemaOk = schemaOk;

  // BFCL.
  let floats: Set<string> | null = null;
  const bfcl = bfclCheck(record, calls.every((c) => c !== null) ? (calls as ToolCall[]) : null, {
    argumentsPointer: (i) => `${at(i)}/arguments`,
    isFloatLiteral: (ptr) => (floats ??= floatLiteralPointers(text.slice(ex.start, ex.end))).has(ptr),
  });
  v.bfclMatch = bfcl.valid;
  if (bfcl.error) v.bfclError = bfcl.error;

  // ThinkJSON field scores, predicted calls in the order of their expected partners.
  const predDoc: { [k: string]: Json } = {};
  let extraIndex = record.expected.length;
  items.forEach((item, k) => {
    const e = pairs[k] as number;
    predDoc[String(e >= 0 ? e : extraIndex++)] = item;
  });
  const goldDoc: { [k: string]: Json } = noCallExpected ? { '': [] } : Object.fromEntries(record.expected.map((c, e) => [String(e), c as unknown as Json]));
  if (noCallExpected) {
    const empty = items.length === 0;
    v.fieldMatch = empty ? 100 : 0;
    v.fieldNoise = empty ? 0 : 100;
  } else {
    const f = fieldScores(predDoc, goldDoc, ans);
    v.fieldMatch = f.match;
    v.fieldNoise = f.noise;
  }

  if (v.exactMatch) {
    if (!v.validJsonStrict) fail(v, 'extra_text', null, 'correct, but with text around the JSON');
    return v;
  }
  if (opts.truncated && hasUnbalancedJson(text)) return fail(v, 'truncated', null, 'generation stopped at max_new_tokens inside the JSON');
  const best = chooseProblem(problems, value) ?? { label: 'value_mismatch' as const, path: '', message: 'differs from the expected calls', call: 0 };
  return fail(v, best.label, best.path, best.message);
}

/** The text a json-output prediction is read from: inside the last <answer>…</answer> when present. */
function answerRegion(text: string): string {
  const open = text.lastIndexOf('<answer>');
  if (open < 0) return text;
  const close = text.indexOf('</answer>', open);
  return text.slice(open + '<answer>'.length, close < 0 ? undefined : close).trim();
}

/** Score one output against a json-output record (ThinkJSON triplet; see SCORING_RULES_MARKDOWN). */
export function scoreJsonOutput(record: JsonOutputRecord, output: string, opts: ScoreOptions = {}): Verdict {
  const group = typeof record.meta?.group === 'string' ? record.meta.group : 'json-output';
  const v = emptyVerdict(record.id, 'json-output', group);
  const whole = output.trim();
  const text = answerRegion(whole);
  if (opts.failed || text === '') {
    v.noOutput = true;
    return fail(v, 'no_output', null, opts.failed ? 'generation failed' : 'the output is empty');
  }
  const ex = extractJson(text);
  if (!ex) {
    v.noise = 100;
    if (opts.truncated && hasUnbalancedJson(text)) return fail(v, 'truncated', null, 'generation stopped at max_new_tokens inside the JSON');
    return fail(v, 'invalid_json', null, 'no JSON could be extracted');
  }
  v.validJson = true;
  v.validJsonStrict = ex.kind === 'whole' && text === whole;
  v.extraction = ex.kind;
  v.noise = (100 * (text.length - (ex.end - ex.start))) / text.length;
  const validate = parametersValidator(record.schema, `record ${record.id}, output schema`);
  const problems: Problem[] = [];
  v.schemaOk = validate(ex.value);
  if (!v.schemaOk) for (const p of schemaProblems(validate.errors)) problems.push({ ...p, call: 0 });
  v.exactMatch = jsonEqual(ex.value, record.expected);
  if (!v.exactMatch) diffValue(ex.value, record.expected, '', '', NO_ANSWERS, 0, problems);
  const f = fieldScores({ r: ex.value }, { r: record.expected }, NO_ANSWERS);
  v.fieldMatch = f.match;
  v.fieldNoise = f.noise;
  if (v.exactMatch) {
    if (!v.validJsonStrict) fail(v, 'extra_text', null, 'correct, but with text around the JSON');
    return v;
  }
  if (opts.truncated && hasUnbalancedJson(text)) return fail(v, 'truncated', null, 'generation stopped at max_new_tokens inside the JSON');
  const best = chooseProblem(problems, ex.value) ?? { label: 'value_mismatch' as const, path: '', message: 'differs from the expected JSON', call: 0 };
  return fail(v, best.label, best.path, best.message);
}

/** Score one prediction against its record (tool-call or json-output). */
export function scoreRecord(record: ToolCallRecord | JsonOutputRecord, prediction: Pick<Prediction, 'output' | 'truncated' | 'error'>): Verdict {
  const opts: ScoreOptions = { truncated: prediction.truncated === true, failed: prediction.error !== undefined };
  return record.kind === 'tool-call' ? scoreToolCall(record, prediction.output, opts) : scoreJsonOutput(record, prediction.output, opts);
}

/** Options of scorePredictions. */
export interface ScoreReportOptions {
  bootstrap?: BootstrapOptions;
  /** A record without a prediction is scored as no output ('fail', the default) or left out ('exclude'); either way it is listed. */
  missing?: 'fail' | 'exclude';
}

/** The result of scoring a prediction set against a dataset. */
export interface ScoreReport {
  counts: {
    records: number;
    predictions: number;
    /** Verdicts in the aggregates. */
    scored: number;
    missingPredictions: number;
    unmatchedPredictions: number;
    duplicatePredictions: number;
    unsupportedRecords: number;
  };
  /** Ids of records that had no prediction. */
  missingPredictions: string[];
  /** Predictions whose id matches no record, with their line. */
  unmatchedPredictions: { id: string; line: number }[];
  /** Ids predicted more than once: the first line is scored, the later ones are listed here. */
  duplicatePredictions: { id: string; scoredLine: number; ignoredLines: number[] }[];
  /** Records of a kind that cannot be scored (text records). */
  unsupportedRecords: { id: string; kind: string }[];
  metrics: Record<MetricKey, MetricSummary>;
  perTool: GroupSummary[];
  perError: ErrorSummary[];
  warnings: string[];
  bootstrap: { resamples: number; seed: number; confidence: 0.95 };
  verdicts: Verdict[];
}

/** Bad scoring input: duplicate record ids, a prediction that is not {id, output}. */
export class ScoringInputError extends Error {
  override name = 'ScoringInputError';
}

/**
 * Score `predictions` against `records` (matched by id) and aggregate. Nothing is dropped
 * silently: unmatched ids, duplicates, records without a prediction and unscorable records are
 * all listed and counted, and warnings say so.
 */
export function scorePredictions(records: readonly LabRecord[], predictions: readonly Prediction[], opts: ScoreReportOptions = {}): ScoreReport {
  const byId = new Map<string, { record: LabRecord; index: number }>();
  records.forEach((record, index) => {
    const prev = byId.get(record.id);
    if (prev) throw new ScoringInputError(`duplicate record id "${record.id}" (records ${prev.index + 1} and ${index + 1})`);
    byId.set(record.id, { record, index });
  });
  const first = new Map<string, Prediction & { line: number }>();
  const duplicates = new Map<string, number[]>();
  const unmatchedPredictions: { id: string; line: number }[] = [];
  predictions.forEach((p, i) => {
    const line = p.line ?? i + 1;
    if (typeof p.id !== 'string' || typeof p.output !== 'string') {
      throw new ScoringInputError(`prediction at line ${line}: needs a string "id" and a string "output"`);
    }
    if (!byId.has(p.id)) {
      unmatchedPredictions.push({ id: p.id, line });
    } else if (first.has(p.id)) {
      const d = duplicates.get(p.id);
      if (d) d.push(line);
      else duplicates.set(p.id, [line]);
    } else {
      first.set(p.id, { ...p, line });
    }
  });
  const verdicts: Verdict[] = [];
  const missingPredictions: string[] = [];
  const unsupportedRecords: { id: string; kind: string }[] = [];
  for (const record of records) {
    if (record.kind === 'text') {
      unsupportedRecords.push({ id: record.id, kind: record.kind });
      continue;
    }
    const p = first.get(record.id);
    if (p) {
      verdicts.push(scoreRecord(record, p));
      continue;
    }
    missingPredictions.push(record.id);
    if (opts.missing !== 'exclude') verdicts.push({ ...scoreRecord(record, { output: '', error: 'no prediction' }), missing: true, message: 'no prediction for this record' });
  }
  const resamples = opts.bootstrap?.resamples ?? 1000;
  const seed = opts.bootstrap?.seed ?? 11711;
  const boot = { resamples, seed };
  const metrics = summarize(verdicts, boot);
  const perTool = summarizeByGroup(verdicts, boot);
  const warnings: string[] = [];
  if (verdicts.length === 0) warnings.push('nothing was scored');
  warnings.push(...smallNWarnings(metrics));
  const smallGroups = perTool.filter((g) => g.smallN);
  if (smallGroups.length) warnings.push(`${smallGroups.length} of ${perTool.length} tool groups have fewer than ${SMALL_N} records; their intervals are wide.`);
  if (missingPredictions.length) {
    warnings.push(`${missingPredictions.length} record(s) had no prediction and were ${opts.missing === 'exclude' ? 'left out of the aggregates' : 'scored as no_output'}.`);
  }
  if (unmatchedPredictions.length) warnings.push(`${unmatchedPredictions.length} prediction(s) match no record id and were not scored.`);
  if (duplicates.size) warnings.push(`${duplicates.size} id(s) were predicted more than once; only the first prediction of each was scored.`);
  if (unsupportedRecords.length) warnings.push(`${unsupportedRecords.length} text record(s) cannot be scored and were left out.`);
  return {
    counts: {
      records: records.length,
      predictions: predictions.length,
      scored: verdicts.length,
      missingPredictions: missingPredictions.length,
      unmatchedPredictions: unmatchedPredictions.length,
      duplicatePredictions: [...duplicates.values()].reduce((s, l) => s + l.length, 0),
      unsupportedRecords: unsupportedRecords.length,
    },
    missingPredictions,
    unmatchedPredictions,
    duplicatePredictions: [...duplicates].map(([id, ignoredLines]) => ({ id, scoredLine: (first.get(id) as { line: number }).line, ignoredLines })),
    unsupportedRecords,
    metrics,
    perTool,
    perError: summarizeErrors(verdicts),
    warnings,
    bootstrap: { ...boot, confidence: 0.95 },
    verdicts,
  };
}
