import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { applyTheme, readTheme, saveTheme, THEME_KEY, type ThemeStorage } from '../../../src/lib/theme';

function memoryStorage(init: Record<string, string> = {}): ThemeStorage & { map: Map<string, string> } {
  const map = new Map(Object.entries(init));
  return {
    map,
    getItem: (k) => map.get(k) ?? null,
    setItem: (k, v) => void map.set(k, v),
    removeItem: (k) => void map.delete(k),
  };
}

function fakeRoot(): { attrs: Map<string, string>; setAttribute(k: string, v: string): void; removeAttribute(k: string): void } {
  const attrs = new Map<string, string>();
  return { attrs, setAttribute: (k, v) => void attrs.set(k, v), removeAttribute: (k) => void attrs.delete(k) };
}

describe('theme choice', () => {
  it('reads a stored light or dark choice, and anything else as system', () => {
    expect(readTheme(memoryStorage({ [THEME_KEY]: 'dark' }))).toBe('dark');
    expect(readTheme(memoryStorage({ [THEME_KEY]: 'light' }))).toBe('light');
    expect(readTheme(memoryStorage({ [THEME_KEY]: 'purple' }))).toBe('system');
    expect(readTheme(memoryStorage())).toBe('system');
    expect(readTheme(null)).toBe('system');
    const throwing: ThemeStorage = {
      getItem: () => {
        throw new Error('SecurityError');
      },
      setItem: () => undefined,
      removeItem: () => undefined,
    };
    expect(readTheme(throwing)).toBe('system');
  });

  it('applies data-theme for light and dark and removes it for system', () => {
    const root = fakeRoot();
    applyTheme('dark', root);
    expect(root.attrs.get('data-theme')).toBe('dark');
    applyTheme('light', root);
    expect(root.attrs.get('data-theme')).toBe('light');
    applyTheme('system', root);
    expect(root.attrs.has('data-theme')).toBe(false);
  });

  it('saves the choice, and system forgets it', () => {
    const storage = memoryStorage();
    const root = fakeRoot();
    saveTheme('dark', storage, root);
    expect(storage.map.get(THEME_KEY)).toBe('dark');
    expect(readTheme(storage)).toBe('dark');
    expect(root.attrs.get('data-theme')).toBe('dark');
    saveTheme('system', storage, root);
    expect(storage.map.has(THEME_KEY)).toBe(false);
    expect(root.attrs.has('data-theme')).toBe(false);
  });

  it('still applies the theme when storage refuses the write', () => {
    const root = fakeRoot();
    const full: ThemeStorage = {
      getItem: () => null,
      setItem: () => {
        throw new Error('QuotaExceededError');
      },
      removeItem: () => undefined,
    };
    saveTheme('light', full, root);
    expect(root.attrs.get('data-theme')).toBe('light');
  });
});

// The palettes in src/app.css: the dark one stands twice (dark system, chosen dark theme) and must
// not drift; every text colour must be readable (WCAG AA, 4.5:1) on both backgrounds.
const css = readFileSync(resolve(import.meta.dirname, '../../../src/app.css'), 'utf8');

function block(selector: string): Map<string, string> {
  const at = css.indexOf(`${selector} {`);
  if (at < 0) throw new Error(`src/app.css has no "${selector} {" block`);
  const body = css.slice(at, css.indexOf('}', at));
  return new Map([...body.matchAll(/(--[\w-]+):\s*([^;]+);/g)].map((m) => [m[1]!, m[2]!.trim()]));
}

function luminance(hex: string): number {
  const m = /^#([0-9a-f]{6})$/i.exec(hex);
  if (!m) throw new Error(`not a #rrggbb colour: ${hex}`);
  const [r, g, b] = [0, 2, 4].map((i) => {
    const c = parseInt(m[1]!.slice(i, i + 2), 16) / 255;
    return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  });
  return 0.2126 * r! + 0.7152 * g! + 0.0722 * b!;
}

function contrast(a: string, b: string): number {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (hi! + 0.05) / (lo! + 0.05);
}

describe('the palettes in src/app.css', () => {
  const light = block(':root');
  const darkSystem = block(":root:not([data-theme='light'])");
  const darkChosen = block(":root[data-theme='dark']");

  it('has one dark palette, written the same in both places, with the same names as the light one', () => {
    expect([...darkChosen]).toEqual([...darkSystem]);
    expect([...darkSystem.keys()].sort()).toEqual([...light.keys()].sort());
  });

  it('gives every text colour at least 4.5:1 on the page and panel backgrounds, in both palettes', () => {
    const low: string[] = [];
    for (const [name, p] of [['light', light], ['dark', darkChosen]] as const) {
      for (const fg of ['--fg', '--muted', '--accent', '--ok', '--warn', '--bad']) {
        for (const bg of ['--bg', '--panel']) {
          const r = contrast(p.get(fg)!, p.get(bg)!);
          if (r < 4.5) low.push(`${name} ${fg} on ${bg}: ${r.toFixed(2)}`);
        }
      }
    }
    expect(low).toEqual([]);
  });
});

// public/theme.js applies the stored choice before the first paint (a classic script in <head>); it
// must read the same key and follow the same rule as readTheme + applyTheme.
describe('public/theme.js', () => {
  const source = readFileSync(resolve(import.meta.dirname, '../../../public/theme.js'), 'utf8');
  const html = readFileSync(resolve(import.meta.dirname, '../../../index.html'), 'utf8');

  function runScript(storage: ThemeStorage): ReturnType<typeof fakeRoot> {
    const root = fakeRoot();
    new Function('localStorage', 'document', source)(storage, { documentElement: root });
    return root;
  }

  it('is a classic script in <head>, before the app module', () => {
    const tag = html.indexOf('<script src="/theme.js"></script>');
    expect(tag).toBeGreaterThan(0);
    expect(tag).toBeLessThan(html.indexOf('</head>'));
    expect(tag).toBeLessThan(html.indexOf('<script type="module"'));
  });

  it('sets data-theme exactly as readTheme + applyTheme do, and survives a storage that throws', () => {
    for (const stored of ['dark', 'light', 'system', 'purple', null]) {
      const storage = memoryStorage(stored === null ? {} : { [THEME_KEY]: stored });
      const expected = fakeRoot();
      applyTheme(readTheme(storage), expected);
      expect([...runScript(storage).attrs], String(stored)).toEqual([...expected.attrs]);
    }
    const throwing: ThemeStorage = {
      getItem: () => {
        throw new Error('SecurityError');
      },
      setItem: () => undefined,
      removeItem: () => undefined,
    };
    expect([...runScript(throwing).attrs]).toEqual([]);
  });
});
