// Shared by the notebook UI browser tests: a notebook open in NotebookPanel on the real lab worker
// (one worker per test file; the UI forces cpu, the numbers of `lab run`), its results in a fresh
// IndexedDB notebook store.
import { flushSync, mount, unmount } from 'svelte';
import NotebookPanel from '../../../src/components/notebook/NotebookPanel.svelte';
import { startLab, type LabClient } from '../../../src/lib/lab-client';
import { newNotebook } from '../../../src/notebook/cells';
import { NotebookState } from '../../../src/notebook/notebook.svelte';
import { IdbNotebookStore } from '../../../src/notebook/store';
import type { Cell } from '../../../src/notebook/types';

let client: LabClient | null = null;

/** The lab worker's API, started on first use. */
export async function labApi(): Promise<LabClient['api']> {
  client ??= await startLab();
  return client.api;
}

/** Stop the worker (afterAll). */
export function stopLab(): void {
  client?.terminate();
  client = null;
}

/** A new notebook with these cells, open and shown; `close` unmounts it and closes its store. */
export async function openNotebook(title: string, cells: Cell[]): Promise<{ state: NotebookState; target: HTMLElement; api: LabClient['api']; close: () => void }> {
  const api = await labApi();
  const store = await IdbNotebookStore.open({ name: `lab-notebooks-${title.toLowerCase().replace(/\W+/g, '-')}-${Date.now()}` });
  const state = new NotebookState(store, () => api, '/presets/', { forceBackend: 'cpu' });
  const nb = newNotebook(title);
  nb.cells = cells;
  await state.open(nb);
  const target = document.createElement('div');
  document.body.append(target);
  const app = mount(NotebookPanel, { target, props: { notebook: state } });
  flushSync();
  return { state, target, api, close: () => (unmount(app), target.remove(), store.close()) };
}
