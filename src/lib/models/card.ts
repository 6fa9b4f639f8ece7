// Facts of a model folder for the Models view, read from its config.json (through the engine's own
// config parser and weight plan, so the parameter count is the one the engine loads) and the model
// card (README.md front matter and first paragraph). Pure: callers fetch the files.
import { parseConfig, type ModelConfig } from '../../engine/config';
import { parameterCount, weightPlan } from '../../engine/weights';

/** What the Models view shows about a model before it is loaded. */
export interface ModelFacts {
  arch: ModelConfig['arch'];
  parameters: number;
  /** Context length (max positions). */
  context: number;
  layers: number;
  hidden: number;
  heads: number;
  kvHeads: number;
  vocabSize: number;
  tied: boolean;
  /** float32 weight bytes (parameters × 4). */
  weightBytes: number;
  /** From the model card, when it has them. */
  license: string | null;
  summary: string | null;
}

/** Front matter `license:` and the first paragraph after the title of a model card. */
export function readModelCard(readme: string): { license: string | null; summary: string | null } {
  let body = readme;
  let license: string | null = null;
  const fm = /^---\r?\n([\s\S]*?)\r?\n---\r?\n/.exec(readme);
  if (fm) {
    license = /^license:\s*(.+)$/m.exec(fm[1]!)?.[1]?.trim() ?? null;
    body = readme.slice(fm[0].length);
  }
  const paragraphs = body.split(/\r?\n\s*\r?\n/).map((p) => p.trim());
  const summary = paragraphs.find((p) => p && !p.startsWith('#') && !p.startsWith('|') && !p.startsWith('!') && !p.startsWith('```')) ?? null;
  return { license, summary: summary ? summary.replace(/\s*\r?\n\s*/g, ' ') : null };
}

/** The facts of a model from its config.json object and, optionally, its README.md text. */
export function modelFacts(config: unknown, readme?: string | null): ModelFacts {
  const c = parseConfig(config);
  const parameters = parameterCount(weightPlan(c));
  const card = readme ? readModelCard(readme) : { license: null, summary: null };
  return {
    arch: c.arch,
    parameters,
    context: c.maxPositions,
    layers: c.layers,
    hidden: c.hidden,
    heads: c.heads,
    kvHeads: c.kvHeads,
    vocabSize: c.vocabSize,
    tied: c.tied,
    weightBytes: parameters * 4,
    ...card,
  };
}
