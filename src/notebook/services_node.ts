// LabServices for Node (`lab run`): the same session services as the lab worker
// (./services_session.ts) on an EngineSession with no GPU (a cpu-side backend) and a Trainer whose
// runs store is a folder (`runs.dir`, src/runs/store_node.ts) or, when none is given (tests),
// IndexedDB in memory (fake-indexeddb, a devDependency: runs live as long as the process).
//
// The session module also holds the WebGPU backend, whose kernels are imported as Vite `?raw`
// text. Node cannot import `.wgsl` files, so a module hook that turns them into string modules is
// registered first and everything that reaches them is imported after it.
import { register } from 'node:module';
import type { Backend } from '../engine/backend';
import type { LabServices } from './runner';
import type { SessionServiceOptions } from './services_session';

/** A Node module hook: `*.wgsl` (with or without `?raw`) loads as `export default "<text>"`. */
const RAW_HOOK = `
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
export async function load(url, context, next) {
  const u = new URL(url);
  if (u.protocol === 'file:' && u.pathname.endsWith('.wgsl')) {
    const text = await readFile(fileURLToPath('file://' + u.pathname), 'utf8');
    return { format: 'module', source: 'export default ' + JSON.stringify(text) + ';', shortCircuit: true };
  }
  return next(url, context);
}`;

let hooked = false;

/**
 * Services for `lab run`: the engine on a cpu-side backend (`cpu`: e.g. the WebAssembly one;
 * default the TypeScript cpu backend, whose numbers equal the browser's forced-cpu run), training
 * through the worker's Trainer. `runs.dir`: the folder of the runs store (created if missing);
 * without it runs are kept in an in-memory IndexedDB (fake-indexeddb, for tests).
 */
export async function nodeSessionServices(
  o: SessionServiceOptions,
  cpu?: Backend,
  runs: { dir?: string } = {},
): Promise<LabServices & { dispose(): Promise<void> }> {
  if (!hooked) {
    register(`data:text/javascript,${encodeURIComponent(RAW_HOOK)}`);
    hooked = true;
  }
  const runsDir = runs.dir;
  // @ts-expect-error fake-indexeddb/auto ships no type declarations (it only installs globals)
  if (!runsDir && typeof globalThis.indexedDB === 'undefined') await import('fake-indexeddb/auto');
  const [{ resolveSource }, { EngineSession }, { RunStore }, { Trainer }, { sessionServices }] = await Promise.all([
    import('../engine/source'),
    import('../engine/session'),
    import('../runs/store'),
    import('../runs/trainer'),
    import('./services_session'),
  ]);
  const session = new EngineSession(
    async () => ({ device: null, reason: 'Node.js has no WebGPU' }),
    (spec) => {
      if (typeof spec !== 'string') throw new Error('lab run loads models from folders, URLs or Hub ids, not dropped files');
      return resolveSource(spec);
    },
    cpu ? () => cpu : undefined,
  );
  const openRuns = runsDir
    ? async () => (await import('../runs/store_node')).FolderRunStore.open(runsDir)
    : () => RunStore.open({ name: `lab-runs-node-${process.pid}` });
  const trainer = new Trainer(session, openRuns, undefined, null);
  return sessionServices(session, trainer, { ...o, forceBackend: 'cpu' });
}
