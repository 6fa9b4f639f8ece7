// Small formatting helpers shared by the Datasets and Models views: sizes, rates, durations.

/** Bytes as "512 B", "1.5 KiB", "5.3 MiB", "1.20 GiB" (binary units, as the browser reports quota). */
export function formatBytes(n: number): string {
  if (!Number.isFinite(n) || n < 0) return '—';
  if (n < 1024) return `${n} B`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let v = n / 1024;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return `${v.toFixed(v >= 100 ? 0 : v >= 10 ? 1 : 2)} ${units[u]}`;
}

/** A transfer rate in bytes/s, e.g. "3.2 MiB/s". */
export function formatRate(bytesPerSec: number): string {
  return bytesPerSec > 0 && Number.isFinite(bytesPerSec) ? `${formatBytes(Math.round(bytesPerSec))}/s` : '—';
}

/** Seconds left as "42 s", "3 min 5 s", "1 h 2 min"; null (unknown) as "—". */
export function formatEta(seconds: number | null): string {
  if (seconds === null || !Number.isFinite(seconds) || seconds < 0) return '—';
  const s = Math.round(seconds);
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${s % 60} s`;
  return `${Math.floor(s / 3600)} h ${Math.floor((s % 3600) / 60)} min`;
}

/** A count with thousands separators ("1,377,408"), the way model cards write them. */
export function formatCount(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}

/** Progress figures of a transfer: bytes so far, rate and ETA from the start time. */
export function transferFigures(loaded: number, total: number, startMs: number, nowMs: number): { rate: number; etaSeconds: number | null } {
  const secs = (nowMs - startMs) / 1000;
  const rate = secs > 0 ? loaded / secs : 0;
  const etaSeconds = rate > 0 && total >= loaded && total > 0 ? (total - loaded) / rate : null;
  return { rate, etaSeconds };
}
