// The configuration form of each cell type, as data: which fields, their labels, and the
// plain-language help shown beside them. The form component (components/notebook/ConfigForm)
// renders these; get/set read and write a field by its dotted path.
import { FORMAT_NAMES } from '../data/formats';
import { CATALOGUE } from '../data/generators/catalogue';
import type { Cell, CellType } from './types';

export interface FieldSpec {
  /** Dotted path into the cell, e.g. "lora.r". */
  key: string;
  label: string;
  kind: 'number' | 'text' | 'select' | 'checkbox' | 'cellref';
  options?: readonly string[];
  /** cellref: the type of cell it may name. */
  refType?: CellType;
  /** The field may be empty (null). */
  nullable?: boolean;
  step?: number;
  help: string;
}

const decoding: FieldSpec[] = [
  { key: 'decoding.maxNewTokens', label: 'Max new tokens', kind: 'number', step: 1, help: 'The longest answer the model may write. A tool call needs about 20–60 tokens; the seed paper used 64.' },
  { key: 'decoding.temperature', label: 'Temperature', kind: 'number', step: 0.1, help: '0 always picks the most likely token (greedy, repeatable). Higher values sample more freely.' },
  { key: 'decoding.constrained', label: 'Constrained decoding', kind: 'checkbox', help: "Only allow tokens that keep the output valid against the tool's JSON Schema." },
];

/** The form of each cell type (markdown is edited as text). */
export const FIELDS: Record<CellType, FieldSpec[]> = {
  markdown: [],
  dataset: [
    { key: 'format', label: 'Prompt format', kind: 'select', options: FORMAT_NAMES, help: "How a record becomes the text the model reads: the seed's text template, JsonTuning's JSON, a compact one-liner, or the model's chat template." },
  ],
  model: [
    { key: 'backend', label: 'Backend', kind: 'select', options: ['auto', 'webgpu', 'wasm', 'cpu'], help: 'auto uses the GPU when this browser has WebGPU, else the fast CPU path (WebAssembly SIMD), else plain JavaScript. All give the same results within float rounding.' },
  ],
  playground: [
    { key: 'model', label: 'Model cell', kind: 'cellref', refType: 'model', help: 'Which model answers.' },
    { key: 'adapter', label: 'Adapter (train cell)', kind: 'cellref', refType: 'train', nullable: true, help: 'Use the LoRA adapter a train cell produced, or none for the base model.' },
    // The instruction is edited in the playground's own box.
    { key: 'tool', label: 'Tool to follow', kind: 'select', options: CATALOGUE.map((t) => t.name), nullable: true, help: "With constrained decoding on, the answer can only be a call of this tool: tokens that would break its JSON Schema are masked out. Without a tool there is no schema, so decoding is free." },
    ...decoding,
  ],
  train: [
    { key: 'model', label: 'Model cell', kind: 'cellref', refType: 'model', help: 'The model to fine-tune.' },
    { key: 'dataset', label: 'Dataset cell', kind: 'cellref', refType: 'dataset', help: 'Training uses its train split; the validation split measures over-fitting.' },
    { key: 'mode', label: 'Mode', kind: 'select', options: ['lora', 'full'], help: 'LoRA trains small low-rank matrices beside frozen weights (fast, small). Full changes every weight (tiny models only).' },
    { key: 'lora.r', label: 'LoRA rank r', kind: 'number', step: 1, help: 'Size of the low-rank update. Larger learns more but costs memory; 8 is the seed paper\'s choice.' },
    { key: 'lora.alpha', label: 'LoRA alpha', kind: 'number', step: 1, help: 'Scales the update by alpha / r. Usually twice the rank.' },
    { key: 'lora.dropout', label: 'LoRA dropout', kind: 'number', step: 0.01, help: 'Randomly drops part of the LoRA input during training to reduce over-fitting.' },
    { key: 'learningRate', label: 'Learning rate', kind: 'number', step: 0.00001, help: 'How big each update step is. Too high and the loss jumps around; too low and nothing is learned.' },
    { key: 'epochs', label: 'Epochs', kind: 'number', step: 1, help: 'How many times training goes through the whole train split.' },
    { key: 'maxSteps', label: 'Max steps', kind: 'number', step: 1, nullable: true, help: 'Stop after this many updates (empty = run all epochs).' },
    { key: 'batchSize', label: 'Batch size', kind: 'number', step: 1, help: 'Examples per update. Larger batches give steadier updates and need more memory.' },
    { key: 'maxLength', label: 'Max length (tokens)', kind: 'number', step: 1, help: 'Examples longer than this are left out (and counted), never cut.' },
    { key: 'warmupSteps', label: 'Warm-up steps', kind: 'number', step: 1, help: 'The learning rate rises from 0 over these first steps, which keeps early updates gentle.' },
    { key: 'schedule', label: 'Schedule', kind: 'select', options: ['cosine', 'constant'], help: 'cosine lowers the learning rate smoothly to 0 by the end; constant keeps it.' },
    { key: 'completionOnly', label: 'Loss on the answer only', kind: 'checkbox', help: 'Learn to write the answer, not to repeat the prompt.' },
    { key: 'seed', label: 'Seed', kind: 'number', step: 1, help: 'Fixes shuffling and initialisation so a run can be repeated exactly.' },
  ],
  evaluate: [
    { key: 'model', label: 'Model cell', kind: 'cellref', refType: 'model', help: 'The model to measure.' },
    { key: 'dataset', label: 'Dataset cell', kind: 'cellref', refType: 'dataset', help: 'Where the examples come from.' },
    { key: 'adapter', label: 'Adapter (train cell)', kind: 'cellref', refType: 'train', nullable: true, help: 'Measure with a trained LoRA adapter, or none for the base model.' },
    { key: 'split', label: 'Split', kind: 'select', options: ['train', 'validation', 'test'], help: 'Report on test: examples the model never trained on.' },
    { key: 'limit', label: 'Examples (limit)', kind: 'number', step: 1, nullable: true, help: 'Evaluate only N examples, spread evenly over the split (empty = all). Small N gives wide intervals.' },
    ...decoding,
  ],
  stress: [
    { key: 'evaluate', label: 'Evaluate cell', kind: 'cellref', refType: 'evaluate', help: 'Its model, adapter, split and decoding are reused under each transformation.' },
    { key: 'seed', label: 'Seed', kind: 'number', step: 1, help: 'Fixes the random choices of the transformations.' },
  ],
  compare: [
    { key: 'pass', label: 'Pass means', kind: 'select', options: ['exactMatch', 'schemaOk', 'validJson'], help: 'What counts as a pass when listing examples that flipped.' },
  ],
};

/** Read a field by dotted path. */
export function getField(cell: Cell, key: string): unknown {
  return key.split('.').reduce<unknown>((o, k) => (o && typeof o === 'object' ? (o as Record<string, unknown>)[k] : undefined), cell);
}

/** A copy of the cell with one field set. */
export function setField<C extends Cell>(cell: C, key: string, value: unknown): C {
  // A JSON copy: the form hands in the view's $state proxy, which structuredClone refuses (DataCloneError).
  const out = JSON.parse(JSON.stringify(cell)) as C;
  const parts = key.split('.');
  let o = out as unknown as Record<string, unknown>;
  for (const k of parts.slice(0, -1)) o = o[k] as Record<string, unknown>;
  o[parts[parts.length - 1]!] = value;
  return out;
}
