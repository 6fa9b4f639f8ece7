// Generation with a KV cache: a batch of prompts, left-padded; greedy or sampled (temperature,
// top-k, top-p, seeded); stops on EOS, stop strings or max_new_tokens; streams through a callback;
// cancels on an AbortSignal; runs logits processors (the constrained-decoding hook) each step.
// When nothing needs the logits on the host, the token is picked on the device and only ids
// (or the top-k candidates) are read back.
//
// Legend: B prompts, Tp padded prompt length, Smax cache slots (Tp + max new tokens), V vocab.
import type { Tensor } from './backend';
import { Activations, KVCache, type Model } from './model';
import { argmax, sampleToken, seededRandom, type SamplingOptions } from './sampling';

/**
 * A logits processor: sees one row's ids so far (prompt + generated, no padding) and its logits
 * (V), returns the logits to use (it may edit them in place and return them). It may be async
 * (e.g. a grammar matcher computing a token mask): generation awaits it before picking the token;
 * the rows of a step are processed concurrently, then picked in row order.
 */
export type LogitsProcessor = (ids: readonly number[], logits: Float32Array, row: number) => Float32Array | void | Promise<Float32Array | void>;

/** One streamed piece of a row's output. */
export interface TokenEvent {
  row: number;
  id: number;
  /** Text added by this token (may be '' while a multi-byte character is incomplete). */
  delta: string;
  /**
   * With `topLogprobs` n: the n most probable next tokens at this step, most probable first, as
   * the softmax of the (processed) logits at the sampling temperature (greedy: temperature 1).
   */
  top?: { id: number; p: number }[];
}

/** The n most probable entries of softmax(row / temperature), most probable first. */
export function topProbabilities(row: Float32Array, n: number, temperature = 1): { id: number; p: number }[] {
  const t = temperature > 0 ? temperature : 1;
  let max = -Infinity;
  for (let i = 0; i < row.length; i++) if (row[i]! > max) max = row[i]!;
  let z = 0;
  for (let i = 0; i < row.length; i++) if (Number.isFinite(row[i]!)) z += Math.exp((row[i]! - max) / t);
  const best: { id: number; v: number }[] = [];
  for (let i = 0; i < row.length; i++) {
    const v = row[i]!;
    if (!Number.isFinite(v) || (best.length === n && v <= best[n - 1]!.v)) continue;
    let k = best.length < n ? best.length : n - 1;
    if (best.length < n) best.push({ id: i, v });
    while (k > 0 && best[k - 1]!.v < v) {
      best[k] = best[k - 1]!;
      k--;
    }
    best[k] = { id: i, v };
  }
  return best.map((b) => ({ id: b.id, p: Math.exp((b.v - max) / t) / z }));
}

export interface GenerateOptions extends SamplingOptions {
  maxNewTokens: number;
  /** Seed of the sampling RNG (default 0). */
  seed?: number;
  /** Stop a row when it emits one of these (default: none; pass the model's EOS ids). */
  eosTokenIds?: readonly number[];
  /** Stop a row when its text contains one of these; the text is cut before it. Needs `decode`. */
  stopStrings?: readonly string[];
  /** Id used for left padding (never attended). Default: first EOS id, else 0. */
  padTokenId?: number;
  /** Decode generated ids to text (for stop strings, streaming deltas and `text`). */
  decode?: (ids: number[]) => string;
  onToken?: (e: TokenEvent) => void;
  /** Report the n most probable next tokens with every token event (reads the logits to the host). */
  topLogprobs?: number;
  signal?: AbortSignal;
  /** Processors run on every row, in order. */
  logitsProcessors?: readonly LogitsProcessor[];
  /**
   * Processors for one row each (index = row), run after `logitsProcessors`: e.g. one grammar
   * matcher per prompt when each prompt has its own schema. Length ≤ B; missing rows have none.
   */
  rowLogitsProcessors?: readonly (readonly LogitsProcessor[] | undefined)[];
  /** false = recompute the whole sequence every step (the reference the cache is tested against). */
  useCache?: boolean;
  /** Largest k for which top-k sampling is done on the device (default 256). */
  deviceTopKMax?: number;
}

export type FinishReason = 'eos' | 'stop' | 'length';

export interface GeneratedRow {
  promptIds: number[];
  /** Generated ids, including the EOS that stopped the row. */
  ids: number[];
  /** Decoded generated text (without the stop string), '' without `decode`. */
  text: string;
  finishReason: FinishReason;
}

export interface GenerateResult {
  rows: GeneratedRow[];
  steps: number;
  /** Which pick path ran: 'device-argmax', 'device-topk' or 'host'. */
  pick: 'device-argmax' | 'device-topk' | 'host';
}

/** Left-pad prompts to one length: ids (B, Tp), mask (B, Tp) with 1 for real tokens, positions. */
export function leftPad(prompts: readonly (readonly number[])[], padId: number): { ids: Int32Array; mask: Int32Array; pos: Int32Array; Tp: number } {
  const B = prompts.length;
  const Tp = Math.max(...prompts.map((p) => p.length));
  const ids = new Int32Array(B * Tp).fill(padId);
  const mask = new Int32Array(B * Tp);
  const pos = new Int32Array(B * Tp).fill(1); // HF: position_ids.masked_fill(mask == 0, 1)
  prompts.forEach((p, b) => {
    const off = Tp - p.length;
    p.forEach((id, i) => {
      ids[b * Tp + off + i] = id;
      mask[b * Tp + off + i] = 1;
      pos[b * Tp + off + i] = i;
    });
  });
  return { ids, mask, pos, Tp };
}

function abortError(signal: AbortSignal): unknown {
  return signal.reason ?? new DOMException('generation aborted', 'AbortError');
}

/**
 * Generate continuations of `prompts` (token ids, each non-empty). Returns per row the generated
 * ids, text and why it stopped. Throws the signal's reason when aborted.
 */
export async function generate(model: Model, prompts: readonly (readonly number[])[], opts: GenerateOptions): Promise<GenerateResult> {
  const be = model.backend;
  const cfg = model.config;
  const B = prompts.length;
  if (B === 0) throw new RangeError('generate: no prompts');
  prompts.forEach((p, i) => {
    if (p.length === 0) throw new RangeError(`generate: prompt ${i} is empty`);
  });
  const eos = new Set(opts.eosTokenIds ?? []);
  const padId = opts.padTokenId ?? opts.eosTokenIds?.[0] ?? 0;
  const { ids: padded, mask: pmask, pos: ppos, Tp } = leftPad(prompts, padId);
  let maxNew = Math.max(0, opts.maxNewTokens);
  if (cfg.positions === 'learned') maxNew = Math.min(maxNew, cfg.maxPositions - Math.max(...prompts.map((p) => p.length)));
  const Smax = Tp + maxNew;
  const processors = opts.logitsProcessors ?? [];
  const rowProcessors = opts.rowLogitsProcessors ?? [];
  if (rowProcessors.length > B) throw new RangeError(`generate: ${rowProcessors.length} rowLogitsProcessors for ${B} prompts`);
  const anyProcessor = processors.length > 0 || rowProcessors.some((p) => (p?.length ?? 0) > 0);
  const sampling = (opts.temperature ?? 0) > 0;
  const topK = opts.topK ?? 0;
  const pick: GenerateResult['pick'] =
    anyProcessor || (opts.topLogprobs ?? 0) > 0 ? 'host' : !sampling ? 'device-argmax' : topK > 0 && topK <= (opts.deviceTopKMax ?? 256) && (opts.topP ?? 1) >= 1 ? 'device-topk' : 'host';
  const rand = seededRandom(opts.seed ?? 0);
  const useCache = opts.useCache ?? true;

  // Full-sequence state on the host: every row's ids, mask and positions so far (B, Smax).
  const allIds = new Int32Array(B * Smax);
  const allMask = new Int32Array(B * Smax).fill(1);
  const allPos = new Int32Array(B * Smax);
  const nextPos = new Int32Array(B);
  for (let b = 0; b < B; b++) {
    for (let t = 0; t < Tp; t++) {
      allIds[b * Smax + t] = padded[b * Tp + t]!;
      allMask[b * Smax + t] = pmask[b * Tp + t]!;
      allPos[b * Smax + t] = ppos[b * Tp + t]!;
    }
    nextPos[b] = prompts[b]!.length;
  }

  const rows: GeneratedRow[] = prompts.map((p) => ({ promptIds: [...p], ids: [], text: '', finishReason: 'length' as FinishReason }));
  const done = new Array<boolean>(B).fill(maxNew === 0);
  const cache = useCache && maxNew > 0 ? new KVCache(be, cfg, B, Smax) : null;
  const owned: Tensor[] = [];
  const t = <T extends Tensor>(x: T): T => {
    owned.push(x);
    return x;
  };
  const maskT = cache ? t(be.tensorI32([B, Smax], allMask, 'gen.mask')) : null;
  const pickIds = t(be.tensorI32([B], undefined, 'gen.pick_ids'));
  const kk = pick === 'device-topk' ? Math.min(topK, cfg.vocabSize) : 1;
  const topVals = t(be.tensor([B, kk], undefined, 'gen.topk_values'));
  const topIds = t(be.tensorI32([B, kk], undefined, 'gen.topk_ids'));
  let acts: Activations | null = null;
  let steps = 0;

  // Slice (B, n) columns [from, from+n) of a (B, Smax) host array.
  const cols = (a: Int32Array, from: number, n: number): Int32Array => {
    const out = new Int32Array(B * n);
    for (let b = 0; b < B; b++) out.set(a.subarray(b * Smax + from, b * Smax + from + n), b * n);
    return out;
  };

  try {
    let len = Tp; // filled columns of allIds
    for (let step = 0; step < maxNew && !done.every(Boolean); step++) {
      if (opts.signal?.aborted) throw abortError(opts.signal);
      // Forward: the prompt at step 0 (or everything without a cache), then one new token.
      const from = cache ? (step === 0 ? 0 : len - 1) : 0;
      const T = len - from;
      if (!acts || acts.T !== T) {
        acts?.free();
        acts = new Activations(be, cfg, B, T, false, false);
      }
      const idsT = be.tensorI32([B, T], cols(allIds, from, T), 'gen.ids');
      const posT = be.tensorI32([B, T], cols(allPos, from, T), 'gen.pos');
      const maskNoCache = cache ? null : be.tensorI32([B, T], cols(allMask, 0, T), 'gen.mask');
      const logits = model.forward(acts, { ids: idsT, pos: posT, mask: cache ? maskT : maskNoCache }, 'last', cache ?? undefined)!;
      const next = new Array<number>(B).fill(padId);
      const tops: ({ id: number; p: number }[] | undefined)[] = new Array(B);
      if (pick === 'device-argmax') {
        be.argmax_forward(pickIds, logits);
        const got = await be.readI32(pickIds);
        for (let b = 0; b < B; b++) next[b] = got[b]!;
      } else if (pick === 'device-topk') {
        be.topk_forward(topVals, topIds, logits);
        const vals = await be.read(topVals);
        const ids = await be.readI32(topIds);
        for (let b = 0; b < B; b++) {
          if (done[b]) continue;
          next[b] = sampleToken(vals.subarray(b * kk, (b + 1) * kk), ids.subarray(b * kk, (b + 1) * kk), opts, rand);
        }
      } else {
        const all = await be.read(logits);
        const V = cfg.vocabSize;
        // Process the rows concurrently (async processors overlap), then pick in row order so a
        // seeded sampler draws in the same order as without processors.
        const processed = await Promise.all(
          Array.from({ length: B }, async (_, b) => {
            if (done[b]) return null;
            let row = all.subarray(b * V, (b + 1) * V);
            const seq = [...rows[b]!.promptIds, ...rows[b]!.ids];
            for (const p of [...processors, ...(rowProcessors[b] ?? [])]) row = (await p(seq, row, b)) ?? row;
            return row;
          }),
        );
        if (opts.signal?.aborted) throw abortError(opts.signal);
        for (let b = 0; b < B; b++) {
          const row = processed[b];
          if (!row) continue;
          if (opts.topLogprobs) tops[b] = topProbabilities(row, opts.topLogprobs, opts.temperature ?? 0);
          next[b] = sampling ? sampleToken(row, null, opts, rand) : argmax(row);
        }
      }
      be.free(idsT);
      be.free(posT);
      if (maskNoCache) be.free(maskNoCache);
      steps++;

      for (let b = 0; b < B; b++) {
        const id = done[b] ? padId : next[b]!;
        allIds[b * Smax + len] = id;
        allPos[b * Smax + len] = nextPos[b]!++;
        if (done[b]) continue;
        const r = rows[b]!;
        r.ids.push(id);
        let delta = '';
        if (opts.decode) {
          const text = opts.decode(eos.has(id) ? r.ids.slice(0, -1) : r.ids);
          const stop = opts.stopStrings?.map((s) => ({ s, at: text.indexOf(s) })).filter((x) => x.s !== '' && x.at >= 0);
          if (stop && stop.length > 0) {
            const at = Math.min(...stop.map((x) => x.at));
            delta = text.slice(r.text.length, Math.max(r.text.length, at));
            r.text = text.slice(0, at);
            r.finishReason = 'stop';
            done[b] = true;
          } else if (!text.endsWith('\uFFFD')) {
            delta = text.slice(r.text.length);
            r.text = text;
          }
        }
        if (!done[b] && eos.has(id)) {
          r.finishReason = 'eos';
          done[b] = true;
        }
        opts.onToken?.(tops[b] ? { row: b, id, delta, top: tops[b] } : { row: b, id, delta });
      }
      len++;
    }
    if (opts.decode) for (const r of rows) if (r.finishReason !== 'stop') r.text = opts.decode(r.ids.filter((id) => !eos.has(id)));
  } finally {
    acts?.free();
    cache?.free();
    for (const x of owned) be.free(x);
  }
  return { rows, steps, pick };
}

/**
 * Teacher-forced logits for B rows of token ids (left-padded when lengths differ): one forward
 * without a cache. Returns (B, T, V) as a Float32Array with T = the longest row.
 */
export async function computeLogits(model: Model, rows: readonly (readonly number[])[], padId = 0): Promise<{ logits: Float32Array; T: number }> {
  const be = model.backend;
  const B = rows.length;
  const { ids, mask, pos, Tp } = leftPad(rows, padId);
  const padded = rows.some((r) => r.length !== Tp);
  const acts = new Activations(be, model.config, B, Tp, false, true);
  const idsT = be.tensorI32([B, Tp], ids, 'logits.ids');
  const posT = be.tensorI32([B, Tp], pos, 'logits.pos');
  const maskT = padded ? be.tensorI32([B, Tp], mask, 'logits.mask') : null;
  try {
    const out = model.forward(acts, { ids: idsT, pos: posT, mask: maskT }, 'all')!;
    return { logits: await be.read(out), T: Tp };
  } finally {
    acts.free();
    be.free(idsT);
    be.free(posT);
    if (maskT) be.free(maskT);
  }
}
