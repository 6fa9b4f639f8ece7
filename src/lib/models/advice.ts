// What to tell a user when loading a model fails: the worker's error (named, see LabErrorName in
// src/api/lab-api.ts) plus what to do next.

/** A sentence saying what to do after a failed model load, chosen by the error's name. */
export function adviceFor(name: string): string {
  switch (name) {
    case 'JobAbortedError':
      return 'Nothing was kept; load it again when you want it.';
    case 'MissingFileError':
      return 'A model folder needs config.json, tokenizer.json and model.safetensors (or its shards with model.safetensors.index.json): pick or drop all of them.';
    case 'ConfigError':
    case 'UnsupportedModelError':
      return 'The lab runs Llama, Qwen2, Qwen3 and GPT-2 models in Hugging Face layout; check config.json or pick another model.';
    case 'TruncatedFileError':
    case 'SafetensorsHeaderError':
    case 'HeaderOffsetError':
    case 'UnknownDtypeError':
    case 'MissingTensorError':
    case 'ShapeMismatchError':
      return 'The weights file is damaged or does not match config.json: download it again, or pick another model.';
    case 'ModelTooLargeError':
    case 'GpuLimitError':
      return 'This model is too big for this device: pick a smaller one.';
    case 'FetchError':
      return 'The files could not be downloaded: check that you are online (the Hub may be unreachable), or drop the model folder instead. Pre-cache a model while online to use it offline.';
    case 'WebGPUUnavailableError':
    case 'DeviceLostError':
    case 'GpuValidationError':
      return 'The GPU is not available: reload the page, or load the model on the CPU.';
    case 'DuplicateJobError':
    case 'ModelBusyError':
      return 'Another job is using the model: wait for it to finish or cancel it, then try again.';
    default:
      return 'Reload the page and try again; the browser console has details.';
  }
}
