// Where keyboard focus goes when the view changes or "Skip to content" is used: the view's heading
// (its first <h2> in <main>), so a screen reader announces the new view and the next Tab reaches
// the view's first control; <main> itself when the view shows no heading yet.

/** The heading that names the view now in `main`, if it is on the page yet. */
export function viewHeading(main: HTMLElement): HTMLElement | null {
  return main.querySelector<HTMLElement>('h1, h2');
}

function focusTarget(el: HTMLElement): void {
  // Headings are not focusable: -1 lets a script focus them without adding a Tab stop.
  if (!el.hasAttribute('tabindex')) el.setAttribute('tabindex', '-1');
  el.focus();
}

/** Focus the view's heading now, or `main` when there is none. */
export function focusView(main: HTMLElement): void {
  focusTarget(viewHeading(main) ?? main);
}

/**
 * After a view change: focus the new view's heading as soon as it renders (views open their storage
 * first, so it may come a moment later, and the notebook view swaps its first heading once the
 * notebook opens: a heading that leaves the page hands focus to its successor). Within `settleMs`
 * with no heading, `main` gets focus. Nothing happens once the user has put focus anywhere but the
 * header, the skip link or the page itself. Call after the DOM shows the new view (await tick()).
 * Returns a cancel.
 */
export function focusViewWhenReady(main: HTMLElement, settleMs = 3000): () => void {
  let placed: HTMLElement | null = null;
  const userMoved = () => {
    const a = document.activeElement;
    if (!a || a === document.body || a === main || a.closest('.skip-link')) return false;
    // The page header (the nav link just used), not the header of a notebook cell.
    return !(a.closest('header') && !main.contains(a));
  };
  const place = () => {
    if (placed?.isConnected) return;
    if (!placed && userMoved()) return cancel();
    if (placed && document.activeElement && document.activeElement !== document.body) return cancel();
    const h = viewHeading(main);
    if (h) {
      focusTarget(h);
      placed = h;
    }
  };
  const observer = new MutationObserver(place);
  const timer = setTimeout(() => {
    if (!placed && !userMoved()) focusTarget(main);
    cancel();
  }, settleMs);
  function cancel() {
    observer.disconnect();
    clearTimeout(timer);
  }
  observer.observe(main, { childList: true, subtree: true });
  place();
  return cancel;
}
