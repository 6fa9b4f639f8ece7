export { default as DatasetsPanel } from './DatasetsPanel.svelte';
export { default as DatasetList } from './DatasetList.svelte';
export { default as RecordBrowser } from './RecordBrowser.svelte';
export { default as RecordEditor } from './RecordEditor.svelte';
export { default as GenerateForm } from './GenerateForm.svelte';
export { default as ImportBox } from './ImportBox.svelte';
export { default as JobProgress } from './JobProgress.svelte';
export { default as NoticeView } from './NoticeView.svelte';
