// A dataset of the Datasets view's store (IndexedDB, src/data/store.ts) as a notebook reads it: its
// records, its newest saved split (else none: the cell's split method decides), and the metadata an
// export embeds. Used by the worker's runner (a "stored" dataset cell) and by notebook export.
import type { DataStore } from '../data/store';
import type { LabRecord } from '../data/types';
import type { EmbeddedDataset } from './types';

/** Read a stored dataset whole; a dataset that is missing or still importing is refused by name. */
export async function readStoredDataset(store: DataStore, datasetId: string): Promise<EmbeddedDataset> {
  const info = await store.getDataset(datasetId);
  if (info.state !== 'ready') throw new Error(`dataset "${info.name}" is still being imported; run the cell when the import has finished`);
  const records: LabRecord[] = [];
  for await (const r of store.iterateRecords(datasetId)) records.push(r);
  const split = (await store.listSplits(datasetId)).at(-1)?.assignment;
  return {
    info: { name: info.name, description: info.description, kind: info.kind, provenance: info.provenance, license: info.license },
    records,
    ...(split ? { split } : {}),
  };
}
