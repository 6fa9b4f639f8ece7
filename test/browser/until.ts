// Shared by the browser tests that drive Svelte components: wait for a condition, then flush.
import { flushSync } from 'svelte';

/**
 * Poll `cond` every 20 ms until it holds, then flush Svelte's pending updates. After `ms` it throws
 * "timed out waiting for WHAT", followed by `detail()` in brackets when given (e.g. the alert shown).
 */
export async function until(cond: () => boolean | Promise<boolean>, what: string, ms = 30_000, detail?: () => string): Promise<void> {
  const t0 = performance.now();
  while (!(await cond())) {
    if (performance.now() - t0 > ms) throw new Error(`timed out waiting for ${what}${detail ? ` (${detail()})` : ''}`);
    await new Promise((r) => setTimeout(r, 20));
  }
  flushSync();
}
