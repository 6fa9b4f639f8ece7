// The notebook file's ajv schema (mirrors ./types.ts) and the one way in: `parseNotebook`.
// A file is refused — with every reason, each naming its field — when it is not JSON, not a
// notebook, from a newer lab (schemaVersion above ours), fails the schema, refers to cells that
// do not exist or come later, or embeds records that fail the data layer's record schema.
// Parsing never stores anything; callers store only what parsed.
import Ajv, { type ErrorObject } from 'ajv';
import { FORMAT_NAMES } from '../data/formats';
import { CATALOGUE } from '../data/generators/catalogue';
import { validateRecord } from '../data/schemas';
import { STRESS_NAMES } from '../eval/stress';
import { cellInputs } from './graph';
import { CELL_TYPES, NOTEBOOK_SCHEMA_VERSION, type Cell, type Notebook } from './types';

const str = { type: 'string' } as const;
const nonEmpty = { type: 'string', minLength: 1 } as const;
const int = (minimum = 0) => ({ type: 'integer', minimum }) as const;
const num = { type: 'number' } as const;
const bool = { type: 'boolean' } as const;
const ref = { type: 'string', minLength: 1 } as const;
const nullable = (s: object) => ({ anyOf: [s, { type: 'null' }] });
const obj = (properties: Record<string, unknown>, required: string[]) => ({ type: 'object', properties, required, additionalProperties: false });
const ratios = obj({ train: { type: 'number', minimum: 0 }, validation: { type: 'number', minimum: 0 }, test: { type: 'number', minimum: 0 } }, ['train', 'validation', 'test']);
const format = { enum: [...FORMAT_NAMES] };

const expectation = obj({ metric: nonEmpty, min: num, max: num, note: str }, ['metric']);
const base = {
  id: { type: 'string', pattern: '^[A-Za-z0-9_-]{1,64}$' },
  title: str,
  locked: bool,
  expect: obj({ smoke: { type: 'array', items: expectation }, full: { type: 'array', items: expectation } }, []),
};
const baseRequired = ['id', 'type'];
const cellSchema = (type: string, properties: Record<string, unknown>, required: string[]) =>
  obj({ ...base, type: { const: type }, ...properties }, [...baseRequired, ...required]);

const decoding = obj({ maxNewTokens: { type: 'integer', minimum: 1, maximum: 4096 }, temperature: { type: 'number', minimum: 0 }, seed: int(), constrained: bool }, [
  'maxNewTokens',
  'temperature',
  'seed',
  'constrained',
]);

const datasetSource = {
  oneOf: [
    obj({ kind: { const: 'recipe' }, recipe: { enum: ['toolcalls-101'] }, seed: int() }, ['kind', 'recipe']),
    obj({ kind: { const: 'toy' } }, ['kind']),
    obj(
      {
        kind: { const: 'generate' },
        generator: { const: 'toolcalls' },
        n: int(1),
        seed: int(),
        tools: int(1),
        templatesPerTool: int(1),
        optionalShare: { type: 'number', minimum: 0, maximum: 1 },
        irrelevantShare: { type: 'number', minimum: 0, maximum: 1 },
      },
      ['kind', 'generator', 'n', 'seed'],
    ),
    obj({ kind: { const: 'generate' }, generator: { const: 'extraction' }, n: int(1), seed: int() }, ['kind', 'generator', 'n', 'seed']),
    obj({ kind: { const: 'stored' }, datasetId: nonEmpty }, ['kind', 'datasetId']),
    obj({ kind: { const: 'embedded' }, ref: nonEmpty }, ['kind', 'ref']),
    obj({ kind: { const: 'url' }, url: nonEmpty, format: { enum: ['lab', 'bfcl'] }, answersUrl: nonEmpty }, ['kind', 'url', 'format']),
  ],
};

const datasetSplit = {
  oneOf: [
    obj({ method: { const: 'recipe' } }, ['method']),
    obj({ method: { const: 'seed' } }, ['method']),
    obj({ method: { const: 'random' }, seed: int(), ratios }, ['method', 'seed', 'ratios']),
    obj({ method: { const: 'by-tool' }, seed: int(), ratios, heldOutTools: { type: 'array', items: nonEmpty, minItems: 1 } }, ['method', 'seed', 'ratios', 'heldOutTools']),
  ],
};

const modelSource = {
  oneOf: [
    obj({ kind: { const: 'default' } }, ['kind']),
    obj({ kind: { const: 'hub' }, id: { type: 'string', pattern: '^[A-Za-z0-9][\\w.-]*/[\\w.-]+$' } }, ['kind', 'id']),
    obj({ kind: { const: 'url' }, url: nonEmpty }, ['kind', 'url']),
    obj({ kind: { const: 'files' }, note: str }, ['kind']),
  ],
};

const verdictItems = { type: 'array', items: { type: 'object', required: ['id'], properties: { id: str } } };

const CELL_SCHEMAS: Record<Cell['type'], object> = {
  markdown: cellSchema('markdown', { source: str }, ['source']),
  dataset: cellSchema('dataset', { source: datasetSource, split: datasetSplit, format }, ['source', 'split', 'format']),
  model: cellSchema('model', { source: modelSource, backend: { enum: ['auto', 'cpu', 'wasm', 'webgpu'] } }, ['source', 'backend']),
  playground: cellSchema('playground', { model: ref, adapter: nullable(ref), prompt: str, decoding, tool: nullable(str) }, ['model', 'adapter', 'prompt', 'decoding']),
  train: cellSchema(
    'train',
    {
      model: ref,
      dataset: ref,
      format: nullable(format),
      mode: { enum: ['lora', 'full'] },
      lora: obj(
        { r: int(1), alpha: { type: 'number', exclusiveMinimum: 0 }, dropout: { type: 'number', minimum: 0, maximum: 1 }, targets: { type: 'array', items: nonEmpty, minItems: 1 } },
        ['r', 'alpha', 'dropout', 'targets'],
      ),
      learningRate: { type: 'number', exclusiveMinimum: 0 },
      epochs: int(1),
      maxSteps: nullable(int(1)),
      batchSize: int(1),
      gradAccum: int(1),
      maxLength: int(8),
      warmupSteps: int(),
      schedule: { enum: ['cosine', 'constant'] },
      weightDecay: { type: 'number', minimum: 0 },
      clipNorm: nullable({ type: 'number', exclusiveMinimum: 0 }),
      completionOnly: bool,
      evalEvery: int(1),
      seed: int(),
    },
    ['model', 'dataset', 'format', 'mode', 'lora', 'learningRate', 'epochs', 'maxSteps', 'batchSize', 'gradAccum', 'maxLength', 'warmupSteps', 'schedule', 'weightDecay', 'clipNorm', 'completionOnly', 'evalEvery', 'seed'],
  ),
  evaluate: cellSchema(
    'evaluate',
    { model: ref, dataset: ref, adapter: nullable(ref), split: { enum: ['train', 'validation', 'test'] }, format: nullable(format), decoding, limit: nullable(int(1)) },
    ['model', 'dataset', 'adapter', 'split', 'format', 'decoding', 'limit'],
  ),
  stress: cellSchema('stress', { evaluate: ref, transforms: { type: 'array', items: { enum: [...STRESS_NAMES] }, minItems: 1, uniqueItems: true }, seed: int() }, ['evaluate', 'transforms', 'seed']),
  compare: cellSchema(
    'compare',
    { runs: { type: 'array', items: ref }, files: { type: 'array', items: obj({ name: nonEmpty, verdicts: verdictItems }, ['name', 'verdicts']) }, pass: { enum: ['exactMatch', 'schemaOk', 'validJson'] } },
    ['runs', 'files', 'pass'],
  ),
};

const resultSchema = {
  type: 'object',
  properties: {
    cellId: str,
    status: { enum: ['done', 'failed'] },
    configHash: str,
    inputsHash: str,
    profile: { enum: ['smoke', 'full'] },
    appVersion: str,
    startedAt: str,
    finishedAt: str,
    output: nullable({ type: 'object', required: ['type'], properties: { type: { enum: [...CELL_TYPES] } } }),
    error: nullable(obj({ name: str, message: str }, ['name', 'message'])),
    checks: { type: 'array', items: { type: 'object' } },
  },
  required: ['cellId', 'status', 'configHash', 'inputsHash', 'profile', 'appVersion', 'startedAt', 'finishedAt', 'output', 'error', 'checks'],
  additionalProperties: false,
};

/** The JSON Schema of a notebook file. */
export const NOTEBOOK_SCHEMA = {
  $id: 'https://json-tuning-lab/notebook.schema.json',
  type: 'object',
  properties: {
    kind: { const: 'lab-notebook' },
    schemaVersion: { const: NOTEBOOK_SCHEMA_VERSION },
    id: { type: 'string', pattern: '^[A-Za-z0-9_-]{1,80}$' },
    title: nonEmpty,
    description: str,
    appVersion: nonEmpty,
    defaultModel: nonEmpty,
    offline: bool,
    author: str,
    created: str,
    modified: str,
    cells: { type: 'array', items: { type: 'object', required: ['type'], properties: { type: { enum: [...CELL_TYPES] } }, discriminator: { propertyName: 'type' }, oneOf: Object.values(CELL_SCHEMAS) } },
    datasets: {
      type: 'object',
      additionalProperties: obj(
        {
          info: obj({ name: nonEmpty, description: str, kind: { enum: ['tool-call', 'json-output', 'text'] }, provenance: str, license: str }, ['name', 'description', 'kind', 'provenance', 'license']),
          records: { type: 'array', items: { type: 'object' } },
          split: obj({ train: { type: 'array', items: str }, validation: { type: 'array', items: str }, test: { type: 'array', items: str } }, ['train', 'validation', 'test']),
        },
        ['info', 'records'],
      ),
    },
    results: { type: 'object', additionalProperties: resultSchema },
    adapters: { type: 'object', additionalProperties: obj({ config: { type: 'object' }, safetensorsBase64: str }, ['config', 'safetensorsBase64']) },
  },
  required: ['kind', 'schemaVersion', 'id', 'title', 'description', 'appVersion', 'offline', 'created', 'modified', 'cells'],
  additionalProperties: false,
} as const;

const ajv = new Ajv({ allErrors: true, strict: true, discriminator: true });
const validate = ajv.compile<Notebook>(NOTEBOOK_SCHEMA);

/** A notebook file that was refused; `problems` are "field: message" lines, the first is the main reason. */
export class NotebookImportError extends Error {
  override name = 'NotebookImportError';
  constructor(
    readonly problems: string[],
    readonly reason: 'not-json' | 'not-a-notebook' | 'newer-version' | 'invalid',
  ) {
    super(`${problems[0] ?? 'invalid notebook'}${problems.length > 1 ? ` (and ${problems.length - 1} more problem${problems.length > 2 ? 's' : ''})` : ''}`);
  }
}

function ajvMessage(e: ErrorObject): string {
  const at = e.instancePath || '/';
  if (e.keyword === 'additionalProperties') return `${at}: unknown field "${String(e.params.additionalProperty)}"`;
  if (e.keyword === 'enum') return `${at}: must be one of ${(e.params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`;
  if (e.keyword === 'const') return `${at}: must be ${JSON.stringify(e.params.allowedValue)}`;
  return `${at}: ${e.message ?? e.keyword}`;
}

/** Cross-field checks the schema cannot express: unique ids, references to earlier cells of the right type, embedded data. */
function semanticProblems(nb: Notebook): string[] {
  const problems: string[] = [];
  const seen = new Map<string, Cell>();
  const want: Partial<Record<Cell['type'], Partial<Record<string, Cell['type'][]>>>> = {
    playground: { model: ['model'], adapter: ['train'] },
    train: { model: ['model'], dataset: ['dataset'] },
    evaluate: { model: ['model'], dataset: ['dataset'], adapter: ['train'] },
    stress: { evaluate: ['evaluate'] },
  };
  nb.cells.forEach((cell, i) => {
    if (seen.has(cell.id)) problems.push(`/cells/${i}/id: "${cell.id}" is used by an earlier cell too`);
    for (const id of cellInputs(cell)) if (!seen.has(id)) problems.push(`/cells/${i}: refers to cell "${id}", which is not an earlier cell of this notebook`);
    for (const [field, types] of Object.entries(want[cell.type] ?? {})) {
      const target = (cell as unknown as Record<string, unknown>)[field];
      const t = typeof target === 'string' ? seen.get(target) : undefined;
      if (t && types && !types.includes(t.type)) problems.push(`/cells/${i}/${field}: cell "${t.id}" is a ${t.type} cell, expected ${types.join(' or ')}`);
    }
    if (cell.type === 'compare') cell.runs.forEach((id, j) => {
      const t = seen.get(id);
      if (t && t.type !== 'evaluate') problems.push(`/cells/${i}/runs/${j}: cell "${id}" is a ${t.type} cell, expected evaluate`);
    });
    if (cell.type === 'playground' && cell.tool && !CATALOGUE.some((t) => t.name === cell.tool)) problems.push(`/cells/${i}/tool: "${cell.tool}" is not a tool of the lab's catalogue`);
    if (cell.type === 'playground' && cell.decoding.constrained && !cell.tool) problems.push(`/cells/${i}/decoding/constrained: constrained decoding needs a tool to follow (set /cells/${i}/tool)`);
    if (cell.type === 'dataset' && cell.source.kind === 'embedded' && !nb.datasets?.[cell.source.ref]) problems.push(`/cells/${i}/source/ref: no embedded dataset "${cell.source.ref}" in /datasets`);
    seen.set(cell.id, cell);
  });
  for (const [ref, d] of Object.entries(nb.datasets ?? {})) {
    d.records.forEach((r, i) => {
      for (const e of validateRecord(r).slice(0, 3)) problems.push(`/datasets/${ref}/records/${i}${e.field}: ${e.message}`);
      if ((r as { kind?: string }).kind !== d.info.kind) problems.push(`/datasets/${ref}/records/${i}/kind: the dataset holds ${d.info.kind} records`);
    });
  }
  for (const id of Object.keys(nb.results ?? {})) if (!seen.has(id)) problems.push(`/results/${id}: no cell "${id}" in this notebook`);
  return problems.slice(0, 20);
}

/** Validate an already-parsed value as a notebook; throws NotebookImportError with every reason. */
export function assertNotebook(value: unknown): Notebook {
  if (value === null || typeof value !== 'object' || Array.isArray(value) || (value as { kind?: unknown }).kind !== 'lab-notebook') {
    throw new NotebookImportError(['/kind: this is not a lab notebook (a notebook file has "kind": "lab-notebook")'], 'not-a-notebook');
  }
  const v = (value as { schemaVersion?: unknown }).schemaVersion;
  if (typeof v === 'number' && Number.isInteger(v) && v > NOTEBOOK_SCHEMA_VERSION) {
    throw new NotebookImportError(
      [`/schemaVersion: the notebook was made by a newer lab (file format ${v}; this lab reads up to ${NOTEBOOK_SCHEMA_VERSION}). Open it in an updated lab.`],
      'newer-version',
    );
  }
  if (!validate(value)) throw new NotebookImportError((validate.errors ?? []).slice(0, 20).map(ajvMessage), 'invalid');
  const problems = semanticProblems(value);
  if (problems.length) throw new NotebookImportError(problems, 'invalid');
  return value;
}

/** Parse and validate a notebook file's text. Nothing is stored; a refusal is a NotebookImportError. */
export function parseNotebook(text: string): Notebook {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw new NotebookImportError([`the file is not valid JSON: ${(e as Error).message}`], 'not-json');
  }
  return assertNotebook(value);
}
