// New cells and notebooks with sensible defaults (seed 003's hyperparameters for training:
// LoRA r 8, α 16, dropout 0.05, batch 2, max length 384, 3 epochs), used by "add cell" and by
// the preset builder; and the edits of the cell list (insert, move, delete) with the rules that
// keep a notebook valid: references only point back, locked cells stay as they are.
import { SPLIT_NAMES } from '../data/splits';
import { STRESS_NAMES } from '../eval/stress';
import { cellInputs } from './graph';
import { APP_VERSION } from './version';
import { NOTEBOOK_SCHEMA_VERSION, type Cell, type CellType, type Decoding, type Notebook } from './types';

/** Greedy, 64 new tokens (the seed's max_new_tokens), unconstrained. */
export const DEFAULT_DECODING: Decoding = { maxNewTokens: 64, temperature: 0, seed: 0, constrained: false };

/** A fresh id for a cell of `type` not used in `taken`. */
export function freshCellId(type: CellType, taken: Iterable<string>): string {
  const used = new Set(taken);
  for (let i = 1; ; i++) if (!used.has(`${type}-${i}`)) return `${type}-${i}`;
}

/**
 * A new cell of `type`. References default to the nearest earlier cell of the needed type
 * (`before`, in notebook order), or "" when there is none (the form asks for one).
 */
export function defaultCell(type: CellType, id: string, before: readonly Cell[] = []): Cell {
  const last = (t: CellType): string => [...before].reverse().find((c) => c.type === t)?.id ?? '';
  switch (type) {
    case 'markdown':
      return { id, type, source: '## Notes\n\nWrite what this experiment asks.' };
    case 'dataset':
      return { id, type, source: { kind: 'recipe', recipe: 'toolcalls-101' }, split: { method: 'recipe' }, format: 'text' };
    case 'model':
      return { id, type, source: { kind: 'default' }, backend: 'auto' };
    case 'playground':
      return { id, type, model: last('model'), adapter: null, prompt: 'What is the weather in Paris?', decoding: { ...DEFAULT_DECODING } };
    case 'train':
      return {
        id,
        type,
        model: last('model'),
        dataset: last('dataset'),
        format: null,
        mode: 'lora',
        lora: { r: 8, alpha: 16, dropout: 0.05, targets: ['q_proj', 'k_proj', 'v_proj', 'o_proj'] },
        learningRate: 2e-4,
        epochs: 3,
        maxSteps: null,
        batchSize: 2,
        gradAccum: 1,
        maxLength: 384,
        warmupSteps: 10,
        schedule: 'cosine',
        weightDecay: 0,
        clipNorm: 1,
        completionOnly: true,
        evalEvery: 25,
        seed: 11711,
      };
    case 'evaluate':
      return { id, type, model: last('model'), dataset: last('dataset'), adapter: null, split: 'test', format: null, decoding: { ...DEFAULT_DECODING }, limit: null };
    case 'stress':
      return { id, type, evaluate: last('evaluate'), transforms: [...STRESS_NAMES], seed: 11711 };
    case 'compare':
      return { id, type, runs: before.filter((c) => c.type === 'evaluate').map((c) => c.id), files: [], pass: 'exactMatch' };
  }
}

/** An empty notebook made with this lab. */
export function newNotebook(title = 'Untitled notebook', now = new Date().toISOString()): Notebook {
  const id = `nb-${now.replace(/\D/g, '').slice(0, 14)}-${Math.floor(Math.random() * 1e6).toString(36)}`;
  return { kind: 'lab-notebook', schemaVersion: NOTEBOOK_SCHEMA_VERSION, id, title, description: '', appVersion: APP_VERSION, offline: true, created: now, modified: now, cells: [] };
}

/** The splits a cell may evaluate on. */
export const EVAL_SPLITS = SPLIT_NAMES;

/** A change to the cell list that was refused, with the reason in words. */
export interface Refusal {
  ok: false;
  reason: string;
}

/** The cell list after an accepted change. */
export interface Changed {
  ok: true;
  cells: Cell[];
}

const nameOf = (c: Cell): string => c.title ?? c.id;

/** The cells that read `id` (they name it as model, dataset, adapter, evaluate cell or run). */
export function dependantsOf(cells: readonly Cell[], id: string): Cell[] {
  return cells.filter((c) => cellInputs(c).includes(id));
}

/**
 * Insert a new cell of `type` after position `after` (-1: at the top). Its id is fresh and its
 * references name the nearest earlier cells of the right type.
 */
export function insertCell(cells: readonly Cell[], type: CellType, after: number): Changed & { cell: Cell } {
  const at = Math.max(-1, Math.min(after, cells.length - 1)) + 1;
  const cell = defaultCell(type, freshCellId(type, cells.map((c) => c.id)), cells.slice(0, at));
  return { ok: true, cell, cells: [...cells.slice(0, at), cell, ...cells.slice(at)] };
}

/**
 * Move the cell at `index` one place up (-1) or down (+1). Refused for a locked cell, at either
 * end, and when the cell would come before a cell it reads (references only point back).
 */
export function moveCell(cells: readonly Cell[], index: number, dir: -1 | 1): Changed | Refusal {
  const cell = cells[index];
  const other = cells[index + dir];
  if (!cell) return { ok: false, reason: `there is no cell at position ${index + 1}` };
  if (cell.locked) return { ok: false, reason: `"${nameOf(cell)}" is locked by the notebook's author, so it stays where it is` };
  if (!other) return { ok: false, reason: `"${nameOf(cell)}" is already the ${dir < 0 ? 'first' : 'last'} cell` };
  // Up: the cell passes `other`; down: `other` passes the cell. Either way the later one must not read the earlier.
  const [first, second] = dir < 0 ? [cell, other] : [other, cell];
  if (cellInputs(first).includes(second.id)) {
    return { ok: false, reason: `"${nameOf(first)}" uses "${nameOf(second)}", so it must stay below it` };
  }
  const out = [...cells];
  out[index] = other;
  out[index + dir] = cell;
  return { ok: true, cells: out };
}

/** Delete the cell with `id`. Refused for a locked cell and for a cell other cells read. */
export function deleteCell(cells: readonly Cell[], id: string): Changed | Refusal {
  const cell = cells.find((c) => c.id === id);
  if (!cell) return { ok: false, reason: `there is no cell "${id}"` };
  if (cell.locked) return { ok: false, reason: `"${nameOf(cell)}" is locked by the notebook's author, so it cannot be deleted` };
  const users = dependantsOf(cells, id);
  if (users.length) return { ok: false, reason: `"${nameOf(cell)}" is used by ${users.map((c) => `"${nameOf(c)}"`).join(', ')}: delete those first or point them at another cell` };
  return { ok: true, cells: cells.filter((c) => c.id !== id) };
}
