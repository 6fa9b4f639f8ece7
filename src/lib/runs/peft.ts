// The Python side of a trained adapter: which base model to name in `from_pretrained`, the
// folder the two PEFT files go into, and a short snippet that loads them with `peft`.

/** The base model as Python's `from_pretrained` should name it, and why, when it is a guess. */
export interface BaseModelRef {
  /** A Hugging Face model id, or a folder name to put the base model's files in. */
  id: string;
  /** Said in a comment when `id` is a folder the user must fill (null for a Hub id). */
  note: string | null;
}

/**
 * Turn a run's `model.source` (the engine's source description: "hub:org/name", a folder URL
 * "http://…/models/lab-default/", a folder path, or "dropped files (…)") into what Python loads.
 */
export function baseModelRef(source: string): BaseModelRef {
  const hub = /^hub:(.+)$/.exec(source);
  if (hub) return { id: hub[1]!, note: null };
  if (source.startsWith('dropped files')) return { id: 'base-model', note: 'the folder holding the model files you dropped into the lab' };
  const parts = source.replace(/[?#].*$/, '').split('/').filter((p) => p !== '' && !/^https?:$/.test(p));
  // ".../stories260K/hf" names the model by its parent folder.
  const last = parts.at(-1) ?? 'base-model';
  const name = ['hf', 'model', 'onnx'].includes(last) && parts.length > 1 ? parts.at(-2)! : last;
  return { id: name, note: `a folder with the base model's files; the lab loaded them from ${source}` };
}

/** A folder name for a run's adapter files: the run's name or id, safe on every file system. */
export function adapterFolderName(run: { id: string; name: string }): string {
  const base = (run.name || run.id).normalize('NFKD').replace(/[^\w.-]+/g, '-').replace(/^[-.]+|[-.]+$/g, '');
  return `${base || 'run'}-adapter`;
}

/** Python that loads a base model and the run's PEFT adapter from `folder`. */
export function peftSnippet(source: string, folder: string): string {
  const base = baseModelRef(source);
  const q = (s: string) => JSON.stringify(s);
  return [
    'from transformers import AutoModelForCausalLM',
    'from peft import PeftModel',
    '',
    ...(base.note ? [`# ${base.note}`] : []),
    `base = AutoModelForCausalLM.from_pretrained(${q(base.id)})`,
    `# ${folder}/ holds adapter_config.json and adapter_model.safetensors`,
    `model = PeftModel.from_pretrained(base, ${q(folder)})`,
    '',
  ].join('\n');
}
