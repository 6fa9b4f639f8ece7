// The colour theme the user chose: 'system' follows the operating system (prefers-color-scheme),
// 'light' and 'dark' force a palette. Stored in localStorage; applied as data-theme on <html>,
// which src/app.css reads. public/theme.js applies the stored choice before the first paint (the
// same rule as readTheme + applyTheme; test/unit/shell/theme.test.ts runs it against them).

export const THEMES = ['system', 'light', 'dark'] as const;
export type ThemeChoice = (typeof THEMES)[number];

/** The localStorage key that holds the choice. */
export const THEME_KEY = 'lab-theme';

/** The part of Storage the theme uses (localStorage, or a stand-in map in Node tests). */
export type ThemeStorage = Pick<Storage, 'getItem' | 'setItem' | 'removeItem'>;

/** localStorage when this browser gives it (private modes may throw on access), else null. */
function defaultStorage(): ThemeStorage | null {
  try {
    return globalThis.localStorage ?? null;
  } catch {
    return null;
  }
}

/** The stored choice; anything missing, unknown or unreadable counts as 'system'. */
export function readTheme(storage: ThemeStorage | null = defaultStorage()): ThemeChoice {
  try {
    const v = storage?.getItem(THEME_KEY);
    return (THEMES as readonly string[]).includes(v ?? '') ? (v as ThemeChoice) : 'system';
  } catch {
    return 'system';
  }
}

/** Set data-theme on `root` for 'light'/'dark'; remove it for 'system' (the CSS then follows the OS). */
export function applyTheme(choice: ThemeChoice, root: Pick<HTMLElement, 'setAttribute' | 'removeAttribute'> = document.documentElement): void {
  if (choice === 'system') root.removeAttribute('data-theme');
  else root.setAttribute('data-theme', choice);
}

/** Remember the choice ('system' removes the key) and apply it. A storage that refuses writes only loses persistence. */
export function saveTheme(choice: ThemeChoice, storage: ThemeStorage | null = defaultStorage(), root?: Parameters<typeof applyTheme>[1]): void {
  try {
    if (choice === 'system') storage?.removeItem(THEME_KEY);
    else storage?.setItem(THEME_KEY, choice);
  } catch {
    // Storage full or blocked: the theme still applies to this page.
  }
  applyTheme(choice, root);
}
