// Model files from a drop: loose files, or folders (walked through the File System entries API,
// since a dropped folder arrives as one entry, not as its files).

/** Every file of a drop, folders walked recursively. */
export async function filesFromDrop(dt: DataTransfer): Promise<File[]> {
  const entries = [...dt.items].map((i) => i.webkitGetAsEntry?.()).filter((e): e is FileSystemEntry => !!e);
  if (!entries.length) return [...dt.files];
  const out: File[] = [];
  for (const e of entries) await walk(e, out);
  return out;
}

async function walk(entry: FileSystemEntry, out: File[]): Promise<void> {
  if (entry.isFile) {
    out.push(await new Promise<File>((res, rej) => (entry as FileSystemFileEntry).file(res, rej)));
    return;
  }
  const reader = (entry as FileSystemDirectoryEntry).createReader();
  // readEntries returns the entries in batches; an empty batch ends the folder.
  for (;;) {
    const batch = await new Promise<FileSystemEntry[]>((res, rej) => reader.readEntries(res, rej));
    if (!batch.length) break;
    for (const child of batch) await walk(child, out);
  }
}

/** Checks a set of model files before loading: the names that are missing (empty when complete). */
export function missingModelFiles(names: readonly string[]): string[] {
  const have = new Set(names.map((n) => n.split('/').pop()!));
  const missing = ['config.json', 'tokenizer.json'].filter((f) => !have.has(f));
  if (!have.has('model.safetensors') && !have.has('model.safetensors.index.json')) missing.push('model.safetensors');
  return missing;
}
