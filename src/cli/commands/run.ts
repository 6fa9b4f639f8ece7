// `npm run lab -- run NOTEBOOK.json [--profile smoke|full] [--out RESULT.json]`: run every cell of
// a notebook headless, in Node on the CPU path (the WebAssembly SIMD backend by default, or the plain
// TypeScript cpu backend), through the same runner and the same storage interfaces as the browser
// (folder stores for notebooks, evaluation reports and training runs). Prints one summary line per cell; --out writes the
// notebook with its results (the browser's "export with results" format). Exits non-zero when a
// cell fails or an expected-result check fails.
import { existsSync } from 'node:fs';
import { readFile, writeFile, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Backend } from '../../engine/backend';
import type { WasmBackend } from '../../engine/wasm/backend';
import { BACKEND_OPTION, cliBackend } from '../backend';
import { UsageError, type Command } from '../command';
import { NotebookRunner } from '../../notebook/runner';
import { parseNotebook } from '../../notebook/schema';
import { exportNotebook } from '../../notebook/share';
import { FileNotebookStore } from '../../notebook/store_node';
import { FileEvalStore } from '../../eval/store_node';
import { nodeSessionServices } from '../../notebook/services_node';
import { PROFILES, type Profile } from '../../notebook/types';

/** The lab's default model as the app serves it (public/models/lab-default). */
const DEFAULT_MODEL_DIR = fileURLToPath(new URL('../../../public/models/lab-default', import.meta.url));

/** The engine's memory at the end: peak bytes of live tensors; for wasm, the heap and the Memory. */
function engineMemory(be: Backend): { peakTensorBytes: number; wasmHeapBytes?: number; wasmMemoryBytes?: number } {
  const peakTensorBytes = be.memory().peakBytes;
  if (be.kind !== 'wasm') return { peakTensorBytes };
  const k = (be as WasmBackend).kernels;
  return { peakTensorBytes, wasmHeapBytes: k.heapBytes(), wasmMemoryBytes: k.memory.buffer.byteLength };
}

const command: Command = {
  name: 'run',
  summary: 'run a notebook headless (CPU path: wasm or cpu) and check its expected results',
  usage: [
    'npm run lab -- run NOTEBOOK.json [--profile smoke|full] [--out RESULT.json] [--store DIR] [--default-model DIR] [--only ID,ID] [--backend auto|wasm|cpu]',
    '  --profile        smoke: at most 20 training steps and 16 evaluation examples (default); full: everything',
    '  --out            write the notebook with its results to this file',
    '  --store          keep notebooks and results in this folder (default: a new folder lab-run-* in the OS',
    '                   temporary folder); evaluate and stress cells also save their reports in DIR/evals (read',
    '                   by `lab compare`), and training runs (checkpoints, adapters) go to DIR/runs: a train cell',
    '                   whose run is already there, finished, is not trained again',
    '  --default-model  a model folder to use as the lab default model (default: public/models/lab-default)',
    '  --only           run only these cells (and what they need)',
    '  --backend auto|wasm|cpu   engine backend (default auto: the WebAssembly SIMD kernels where this Node has',
    '                   them, else plain TypeScript; cpu gives the numbers of the browser with its worker forced',
    '                   to cpu)',
    '  --tokens ID      run nothing: print the format preview of dataset cell ID (token counts per split with the',
    '                   tokenizer of the model cell that trains on it, what exceeds the max length or the context,',
    '                   and the first example with the tokens that count in the loss between ⟦ and ⟧)',
  ].join('\n'),
  options: {
    profile: { type: 'string' },
    out: { type: 'string' },
    store: { type: 'string' },
    'default-model': { type: 'string' },
    only: { type: 'string' },
    tokens: { type: 'string' },
    ...BACKEND_OPTION,
  },
  async run(args) {
    const file = args.positionals[0];
    if (!file) throw new UsageError('missing NOTEBOOK.json');
    const profile = (args.values.profile ?? 'smoke') as Profile;
    if (!PROFILES.includes(profile)) throw new UsageError(`--profile must be smoke or full, got ${String(profile)}`);
    const nb = parseNotebook(await readFile(file, 'utf8'));
    const storeDir = (args.values.store as string | undefined) ?? (await mkdtemp(join(tmpdir(), 'lab-run-')));
    const store = new FileNotebookStore(storeDir);
    const evalStore = await FileEvalStore.open(join(storeDir, 'evals'));
    await store.put(nb);
    const given = args.values['default-model'] as string | undefined;
    const defaultModel = given ? resolve(given) : existsSync(join(DEFAULT_MODEL_DIR, 'config.json')) ? DEFAULT_MODEL_DIR : null;
    const baseDir = dirname(resolve(file));
    const { backend, choice } = await cliBackend(args, 'auto');
    process.stderr.write(`backend: ${choice.backend} (${choice.reason})\n`);
    const services = await nodeSessionServices({ defaultModel, evalStore, resolveUrl: (u) => (/^https?:\/\//.test(u) || isAbsolute(u) ? u : join(baseDir, u)) }, backend, { dir: join(storeDir, 'runs') });
    const runner = new NotebookRunner(nb, services, await store.results(nb.id), store);
    const t0 = Date.now();
    const opts = {
      profile,
      onCell: (id: string, r: unknown) => {
        if (r) process.stderr.write(`${id}: ${(r as { status: string }).status}\n`);
      },
    };
    const tokens = args.values.tokens as string | undefined;
    if (tokens) {
      try {
        const { examples, ...preview } = await runner.formatPreview(tokens, opts, 1);
        const ex = examples[0];
        // The text with each run of loss-counted tokens between ⟦ and ⟧.
        const marked = ex?.tokens.map((t, i, all) => `${t.loss && !all[i - 1]?.loss ? '⟦' : ''}${t.text}${t.loss && !all[i + 1]?.loss ? '⟧' : ''}`).join('');
        console.log(JSON.stringify({ ...preview, example: ex && { id: ex.id, promptTokens: ex.promptTokens, completionTokens: ex.completionTokens, lossTokens: ex.lossTokens, marked } }, null, 2));
        return undefined;
      } finally {
        await services.dispose();
      }
    }
    let engine: ReturnType<typeof engineMemory> | null = null;
    try {
      const only = (args.values.only as string | undefined)?.split(',').filter(Boolean);
      if (only) for (const id of only) await runner.run(id, opts);
      else await runner.runAll(opts);
    } finally {
      engine = engineMemory(backend);
      await services.dispose();
    }
    const results = runner.results;
    if (args.values.out) await writeFile(args.values.out as string, await exportNotebook(nb, { results }));
    const cells = nb.cells
      .filter((c) => results[c.id])
      .map((c) => {
        const r = results[c.id]!;
        return { id: c.id, type: c.type, status: r.status, ...(r.error ? { error: `${r.error.name}: ${r.error.message}` } : {}), checks: r.checks };
      });
    const failedCells = cells.filter((c) => c.status === 'failed').length;
    const failedChecks = cells.flatMap((c) => c.checks).filter((c) => !c.pass).length;
    const summary = { notebook: nb.id, profile, backend: choice.backend, evals: evalStore.dir, runs: join(storeDir, 'runs'), engine, seconds: (Date.now() - t0) / 1000, ok: failedCells === 0 && failedChecks === 0, failedCells, failedChecks, cells };
    console.log(JSON.stringify(summary, null, 2));
    if (!summary.ok) throw new Error(`${failedCells} cell(s) failed and ${failedChecks} expected-result check(s) failed`);
    return undefined;
  },
};

export default command;
