// File names for what the Runs view exports, and the one DOM helper that hands a file to the
// browser's download machinery.

/** A file-name stem from free text: letters, digits, '.', '_' and '-' only, at most 60 characters. */
export function fileStem(text: string, fallback = 'export'): string {
  const s = text
    .normalize('NFKD')
    .replace(/[^\w.-]+/g, '-')
    .replace(/-{2,}/g, '-')
    .replace(/^[-.]+|[-.]+$/g, '')
    .slice(0, 60)
    .replace(/[-.]+$/, '');
  return s || fallback;
}

/** "compare-<baseline>-vs-<other>[-and-N-more]" + extension, for a comparison's CSV, SVG or PNG. */
export function comparisonFileName(names: readonly string[], ext: 'csv' | 'svg' | 'png'): string {
  if (names.length < 2) throw new Error(`a comparison needs at least two reports, got ${names.length}`);
  const [first, second] = names as [string, string];
  const more = names.length > 2 ? `-and-${names.length - 2}-more` : '';
  return `compare-${fileStem(first, 'baseline')}-vs-${fileStem(second, 'report')}${more}.${ext}`;
}

/** The JSON export name of one report: its name and the day it was made. */
export function reportFileName(report: { name: string; created: string }): string {
  return `${fileStem(report.name, 'report')}-${report.created.slice(0, 10)}.json`;
}

/** Offer `data` as a download named `name` (a temporary object URL clicked from a hidden link). */
export function downloadFile(data: BlobPart | Blob, name: string, type: string): void {
  const blob = data instanceof Blob ? data : new Blob([data], { type });
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  a.hidden = true;
  document.body.append(a);
  a.click();
  a.remove();
  // Revoke after the click has been handled.
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}
