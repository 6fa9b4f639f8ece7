export { default as ModelsPanel } from './ModelsPanel.svelte';
export { default as DefaultModelCard } from './DefaultModelCard.svelte';
export { default as LoadedModels } from './LoadedModels.svelte';
export { default as AddModel } from './AddModel.svelte';
export { default as CachedModels } from './CachedModels.svelte';
export { default as TransferProgress } from './TransferProgress.svelte';
export { default as Notice } from './Notice.svelte';
export { default as OnlineIndicator } from './OnlineIndicator.svelte';
