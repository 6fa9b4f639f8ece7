// Export an on-screen SVG chart as a stand-alone .svg file or a .png picture. Framework-free: the
// Runs view's compare chart and the notebook's ChartExport.svelte both call chartSvg / chartPng.
//
// Colours. The charts paint with CSS variables, `currentColor` and style sheets, which a file opened
// elsewhere does not have. The copy therefore carries each element's computed paint and font as
// attributes (so no `var(…)` or `currentColor` is left; inline `style` attributes, which would win
// over them, are dropped, and hidden elements stay hidden), over a background rectangle of the colour
// that is behind the chart on the page (the nearest opaque ancestor background, else white), so that
// light text from the dark theme stays readable in an image viewer.
//
// Size: what the user sees. The chart is exported at its rendered box (getBoundingClientRect, CSS
// px), not at its width/height attributes or its viewBox: a chart with a viewBox and a CSS width
// (`width: 100%`, a max-width) is drawn on screen at the CSS size, and that is the picture the user
// asked for. The .svg gets width/height = the rendered size and keeps its viewBox (one is added,
// `0 0 w h`, where it had none, which is how the page maps user units then), so it looks as on the
// page. The .png is the rendered size × exportScale() (the screen's devicePixelRatio, at least 2
// so text stays sharp in slides), scaled down, keeping the aspect ratio, to at most
// MAX_PNG_PIXELS pixels and MAX_PNG_SIDE per side (canvas limits). A chart with no rendered size
// cannot be exported: an <svg> that is not in the document, one that is not rendered (display: none
// on it or a parent, a closed <details>) or one with an empty box throws an Error that says which,
// instead of guessing a size from its attributes.
// The PNG is drawn by loading the stand-alone SVG, written at the PNG's pixel size, as an <img> and
// drawImage-ing it onto a canvas of that size, then canvas.toBlob('image/png').

const SVG_NS = 'http://www.w3.org/2000/svg';

/** At most this many pixels in an exported PNG (16 M: 4000 × 4000). */
export const MAX_PNG_PIXELS = 16_000_000;
/** At most this many pixels on either side of an exported PNG (below Chromium's canvas limit). */
export const MAX_PNG_SIDE = 16_384;

/** Computed properties written onto every element of the copy. */
const PAINT = [
  'fill',
  'fill-opacity',
  'stroke',
  'stroke-opacity',
  'stroke-width',
  'stroke-dasharray',
  'stroke-linecap',
  'stroke-linejoin',
  'opacity',
  'font-size',
  'font-family',
  'font-weight',
  'font-style',
  'text-anchor',
  'dominant-baseline',
  'visibility',
] as const;

/** Options of chartSvg and chartPng. */
export interface ChartExportOptions {
  /** Colour of the background rectangle; default: backgroundBehind(svg). */
  background?: string;
  /** PNG pixels per CSS pixel; default: exportScale(). */
  scale?: number;
  /** Cap on the PNG's pixel count; default MAX_PNG_PIXELS. */
  maxPixels?: number;
}

/**
 * PNG pixel size for a chart rendered at `width` × `height` CSS px: × `scale`, then scaled down
 * (same factor on both sides, so the aspect ratio stays) to at most `maxPixels` pixels and
 * `maxSide` per side. Each side is rounded and at least 1.
 */
export function pngSize(width: number, height: number, scale = 2, maxPixels = MAX_PNG_PIXELS, maxSide = MAX_PNG_SIDE): { width: number; height: number } {
  if (!(width > 0 && height > 0 && Number.isFinite(width) && Number.isFinite(height))) throw new Error(`the chart has no size (${width} × ${height})`);
  if (!(scale > 0 && Number.isFinite(scale))) throw new Error(`scale must be a positive number, got ${scale}`);
  if (!(maxPixels >= 1 && maxSide >= 1)) throw new Error(`the pixel caps must be at least 1, got ${maxPixels} pixels and ${maxSide} per side`);
  const w = width * scale;
  const h = height * scale;
  const k = Math.min(1, Math.sqrt(maxPixels / (w * h)), maxSide / w, maxSide / h);
  return { width: Math.max(1, Math.floor(w * k + 0.5)), height: Math.max(1, Math.floor(h * k + 0.5)) };
}

/**
 * PNG pixels per CSS pixel: the screen's device pixel ratio, so the picture has the detail the
 * user sees, but at least 2, so text stays sharp when the picture is enlarged in a slide or a
 * paper. `devicePixelRatio` defaults to the window's (1 where there is none).
 */
export function exportScale(devicePixelRatio: number = globalThis.devicePixelRatio ?? 1): number {
  return Number.isFinite(devicePixelRatio) && devicePixelRatio > 2 ? devicePixelRatio : 2;
}

/**
 * Whether a computed CSS colour covers what is under it: false for `transparent` and any colour
 * with an alpha below 1 (`rgba(…, 0.5)`, `rgb(… / 50%)`), true otherwise.
 */
export function isOpaque(colour: string): boolean {
  const c = colour.trim().toLowerCase();
  if (c === '' || c === 'transparent') return false;
  const slash = /\/\s*([\d.]+)(%?)\s*\)$/.exec(c);
  if (slash) return Number(slash[1]) / (slash[2] ? 100 : 1) >= 1;
  const rgba = /^rgba\(\s*[^,]+,[^,]+,[^,]+,\s*([\d.]+)(%?)\s*\)$/.exec(c);
  if (rgba) return Number(rgba[1]) / (rgba[2] ? 100 : 1) >= 1;
  return true;
}

/** The colour behind `el` on the page: the nearest opaque computed background of it or an ancestor, else white. */
export function backgroundBehind(el: Element): string {
  for (let e: Element | null = el; e; e = e.parentElement) {
    const bg = getComputedStyle(e).backgroundColor;
    if (isOpaque(bg)) return bg;
  }
  return '#ffffff';
}

/**
 * The chart's rendered size in CSS px (its bounding box on the page). Throws when the <svg> is not
 * in the document, is not rendered (checkVisibility(): display: none on it or a parent, a closed
 * <details>), or its box is empty (width or height 0).
 */
export function renderedSize(svg: SVGSVGElement): { width: number; height: number } {
  if (!svg.isConnected) throw new Error('the chart is not on the page (its <svg> is not in the document), so it has no size or colours to export');
  if (!svg.checkVisibility()) throw new Error('the chart is not rendered (it or a parent has display: none, or it is in a closed <details>), so there is nothing to export');
  const box = svg.getBoundingClientRect();
  if (!(box.width > 0 && box.height > 0)) throw new Error(`the chart has no rendered size (${box.width} × ${box.height} CSS px), so there is nothing to export`);
  return { width: box.width, height: box.height };
}

/** A number for an attribute: at most 3 decimals, no trailing zeros. */
const num = (v: number) => String(Math.round(v * 1000) / 1000);

/** The stand-alone copy of `svg` as text, `width` × `height` in the file, over `background`. */
function standalone(svg: SVGSVGElement, background: string, rendered: { width: number; height: number }, width: number, height: number): string {
  const copy = svg.cloneNode(true) as SVGSVGElement;
  const from = [svg, ...svg.querySelectorAll('*')];
  const to = [copy, ...copy.querySelectorAll('*')];
  from.forEach((el, i) => {
    const style = getComputedStyle(el);
    const out = to[i]!;
    for (const p of PAINT) {
      const v = style.getPropertyValue(p);
      if (v) out.setAttribute(p, v);
    }
    if (style.display === 'none') out.setAttribute('display', 'none');
    out.removeAttribute('style');
  });
  copy.setAttribute('xmlns', SVG_NS);
  if (!copy.getAttribute('viewBox')) copy.setAttribute('viewBox', `0 0 ${num(rendered.width)} ${num(rendered.height)}`);
  copy.setAttribute('width', num(width));
  copy.setAttribute('height', num(height));
  const bg = document.createElementNS(SVG_NS, 'rect');
  const [x, y, w, h] = copy.getAttribute('viewBox')!.trim().split(/[\s,]+/);
  for (const [k, v] of [['x', x], ['y', y], ['width', w], ['height', h]] as const) bg.setAttribute(k, v ?? '0');
  bg.setAttribute('fill', background);
  copy.insertBefore(bg, copy.firstChild);
  return new XMLSerializer().serializeToString(copy);
}

/**
 * The chart as stand-alone SVG text: xmlns, width/height = its rendered size, its viewBox (or
 * `0 0 w h`), computed paint and font on every element, a background rectangle. Throws (see
 * renderedSize) when the chart is not on the page or has no rendered size.
 */
export function chartSvg(svg: SVGSVGElement, options: ChartExportOptions = {}): string {
  const size = renderedSize(svg);
  return standalone(svg, options.background ?? backgroundBehind(svg), size, size.width, size.height);
}

/**
 * The chart as a PNG of pngSize(rendered size, scale, maxPixels) pixels, drawn from the same
 * stand-alone SVG as chartSvg. Throws when the chart has no rendered size, the SVG does not load
 * as an image, or the browser gives no 2D canvas.
 */
export async function chartPng(svg: SVGSVGElement, options: ChartExportOptions = {}): Promise<Blob> {
  const size = renderedSize(svg);
  const px = pngSize(size.width, size.height, options.scale ?? exportScale(), options.maxPixels ?? MAX_PNG_PIXELS);
  const background = options.background ?? backgroundBehind(svg);
  const text = standalone(svg, background, size, px.width, px.height);
  const url = URL.createObjectURL(new Blob([text], { type: 'image/svg+xml' }));
  try {
    const img = new Image(px.width, px.height);
    img.src = url;
    await img.decode().catch(() => {
      throw new Error('the chart could not be drawn as a picture (its SVG did not load as an image)');
    });
    const canvas = document.createElement('canvas');
    canvas.width = px.width;
    canvas.height = px.height;
    const ctx = canvas.getContext('2d');
    if (!ctx) throw new Error('this browser gives no 2D canvas to draw the PNG on');
    // The rect in the SVG covers the viewBox; this also covers any letterbox around it.
    ctx.fillStyle = background;
    ctx.fillRect(0, 0, px.width, px.height);
    ctx.drawImage(img, 0, 0, px.width, px.height);
    return await new Promise<Blob>((resolve, reject) =>
      canvas.toBlob((b) => (b ? resolve(b) : reject(new Error(`the ${px.width} × ${px.height} canvas could not be encoded as PNG`))), 'image/png'),
    );
  } finally {
    URL.revokeObjectURL(url);
  }
}
