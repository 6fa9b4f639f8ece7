// Where focus goes after a view change (src/lib/view-focus.ts), on real DOM focus in Chromium.
import { afterEach, describe, expect, it } from 'vitest';
import { focusView, focusViewWhenReady } from '../../../src/lib/view-focus';

const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));
const frame = () => new Promise((r) => requestAnimationFrame(() => r(null)));

function page(): { header: HTMLElement; link: HTMLAnchorElement; main: HTMLElement } {
  document.body.innerHTML = '<header><nav><a href="#/x">X</a></nav></header><main tabindex="-1"><p>Opening…</p></main>';
  return { header: document.querySelector('header')!, link: document.querySelector('a')!, main: document.querySelector('main')! };
}

afterEach(() => {
  document.body.innerHTML = '';
});

describe('view focus', () => {
  it('focuses the heading when it renders, and its successor when the view swaps it', async () => {
    const { link, main } = page();
    link.focus();
    const cancel = focusViewWhenReady(main, 2000);
    expect(document.activeElement).toBe(link);
    main.innerHTML = '<h2>Start from a preset</h2>';
    await frame();
    expect(document.activeElement?.textContent).toBe('Start from a preset');
    expect(document.activeElement?.getAttribute('tabindex')).toBe('-1');
    // The notebook opens: its title replaces the picker's heading.
    main.innerHTML = '<section><h2>Tool calls 101</h2><button>Run all</button></section>';
    await frame();
    expect(document.activeElement?.textContent).toBe('Tool calls 101');
    cancel();
  });

  it('leaves focus alone once the user has moved into the view', async () => {
    const { link, main } = page();
    link.focus();
    main.innerHTML = '<input aria-label="Search">';
    const cancel = focusViewWhenReady(main, 2000);
    main.querySelector('input')!.focus();
    main.insertAdjacentHTML('afterbegin', '<h2>Datasets</h2>');
    await frame();
    expect(document.activeElement?.tagName).toBe('INPUT');
    cancel();
  });

  it('focuses main itself when no heading comes within the settle time', async () => {
    const { link, main } = page();
    link.focus();
    focusViewWhenReady(main, 50);
    await wait(120);
    expect(document.activeElement).toBe(main);
  });

  it('focusView (the skip link) takes the first heading in main, or main', () => {
    const { main } = page();
    focusView(main);
    expect(document.activeElement).toBe(main);
    main.innerHTML = '<h2>Models</h2><h2>Other</h2>';
    focusView(main);
    expect(document.activeElement?.textContent).toBe('Models');
  });
});
