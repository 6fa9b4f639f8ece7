export { default as Header } from './Header.svelte';
export { default as BackendBadge } from './BackendBadge.svelte';
export { default as CapabilityPanel } from './CapabilityPanel.svelte';
export { default as ProblemList } from './ProblemList.svelte';
export { default as EmptyState } from './EmptyState.svelte';
export { default as ConfirmDialog } from './ConfirmDialog.svelte';
export { default as ThemeSwitch } from './ThemeSwitch.svelte';
export { default as DropZone } from './DropZone.svelte';
