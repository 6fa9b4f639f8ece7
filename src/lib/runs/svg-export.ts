// Export an on-screen SVG chart as a standalone .svg file or a .png picture. The chart's colours
// come from CSS variables and `currentColor`, which a file opened elsewhere does not have, so the
// copy carries each element's computed fill, stroke and font as attributes, over a solid background.
// PNG: the serialized SVG is drawn onto a canvas (drawImage of an <img>) at `scale` × its size.

/** Pixel size of the PNG: the SVG's size × scale, scaled down to at most `maxPixels` pixels. */
export function pngSize(width: number, height: number, scale = 2, maxPixels = 16_000_000): { width: number; height: number } {
  if (!(width > 0 && height > 0)) throw new Error(`the chart has no size (${width} × ${height})`);
  if (!(scale > 0)) throw new Error(`scale must be positive, got ${scale}`);
  let w = width * scale;
  let h = height * scale;
  if (w * h > maxPixels) {
    const k = Math.sqrt(maxPixels / (w * h));
    w *= k;
    h *= k;
  }
  return { width: Math.max(1, Math.round(w)), height: Math.max(1, Math.round(h)) };
}

/** The SVG's size in CSS pixels: its width/height attributes, else its viewBox. */
export function svgSize(svg: Element): { width: number; height: number } {
  const num = (a: string | null) => (a !== null && /^\s*[\d.]+(px)?\s*$/.test(a) ? parseFloat(a) : NaN);
  let width = num(svg.getAttribute('width'));
  let height = num(svg.getAttribute('height'));
  const vb = svg.getAttribute('viewBox')?.trim().split(/[\s,]+/).map(Number);
  if (vb?.length === 4) {
    if (!(width > 0)) width = vb[2]!;
    if (!(height > 0)) height = vb[3]!;
  }
  if (!(width > 0 && height > 0)) throw new Error('the chart has neither width/height nor a viewBox');
  return { width, height };
}

const PAINT = ['fill', 'stroke', 'stroke-width', 'stroke-dasharray', 'opacity', 'font-size', 'font-family', 'font-weight', 'text-anchor', 'dominant-baseline'] as const;

/**
 * A standalone copy of an SVG element that is in the document: computed paint and font on every
 * element, a background rectangle of `background`, xmlns set. Returns the file's text.
 */
export function serializeSvg(svg: SVGSVGElement, background: string): string {
  const { width, height } = svgSize(svg);
  const copy = svg.cloneNode(true) as SVGSVGElement;
  const src = [svg, ...svg.querySelectorAll('*')];
  const dst = [copy, ...copy.querySelectorAll('*')];
  src.forEach((el, i) => {
    const cs = getComputedStyle(el);
    const out = dst[i]!;
    for (const p of PAINT) {
      const v = cs.getPropertyValue(p);
      if (v) out.setAttribute(p, v);
    }
    out.removeAttribute('class');
  });
  copy.setAttribute('xmlns', 'http://www.w3.org/2000/svg');
  copy.setAttribute('width', String(width));
  copy.setAttribute('height', String(height));
  if (!copy.getAttribute('viewBox')) copy.setAttribute('viewBox', `0 0 ${width} ${height}`);
  const bg = document.createElementNS('http://www.w3.org/2000/svg', 'rect');
  bg.setAttribute('width', '100%');
  bg.setAttribute('height', '100%');
  bg.setAttribute('fill', background);
  copy.insertBefore(bg, copy.firstChild);
  return new XMLSerializer().serializeToString(copy);
}

/** Draw serialized SVG text onto a canvas of `pngSize(…)` and encode it as PNG. */
export async function svgToPng(svgText: string, width: number, height: number, scale = 2): Promise<Blob> {
  const size = pngSize(width, height, scale);
  const url = URL.createObjectURL(new Blob([svgText], { type: 'image/svg+xml' }));
  try {
    const img = new Image(size.width, size.height);
    await new Promise<void>((resolve, reject) => {
      img.onload = () => resolve();
      img.onerror = () => reject(new Error('the chart could not be drawn as a picture (the SVG did not load as an image)'));
      img.src = url;
    });
    const canvas = document.createElement('canvas');
    canvas.width = size.width;
    canvas.height = size.height;
    const ctx = canvas.getContext('2d');
    if (!ctx) throw new Error('this browser gives no 2D canvas to draw the PNG on');
    ctx.drawImage(img, 0, 0, size.width, size.height);
    return await new Promise<Blob>((resolve, reject) =>
      canvas.toBlob((b) => (b ? resolve(b) : reject(new Error('the canvas could not be encoded as PNG'))), 'image/png'),
    );
  } finally {
    URL.revokeObjectURL(url);
  }
}
