// Charts (SVG elements on the page) as stand-alone files: an .svg with the theme's colours written
// in (CSS variables and currentColor do not survive outside the page), and a .png drawn from it.

const PAINT = ['fill', 'stroke'] as const;

/**
 * The chart as stand-alone SVG text: a clone of `svg` with the xmlns, its size, and every fill or
 * stroke that names a CSS variable or currentColor replaced by the colour the page computed.
 */
export function svgText(svg: SVGSVGElement): string {
  const clone = svg.cloneNode(true) as SVGSVGElement;
  const from = [svg, ...svg.querySelectorAll('*')];
  const to = [clone, ...clone.querySelectorAll('*')];
  from.forEach((el, i) => {
    const style = getComputedStyle(el);
    for (const attr of PAINT) {
      const v = el.getAttribute(attr);
      if (v && (v.includes('var(') || v === 'currentColor')) to[i]!.setAttribute(attr, style.getPropertyValue(attr));
    }
  });
  const box = svg.getBoundingClientRect();
  clone.setAttribute('xmlns', 'http://www.w3.org/2000/svg');
  clone.setAttribute('width', String(Math.round(box.width) || svg.width.baseVal.value));
  clone.setAttribute('height', String(Math.round(box.height) || svg.height.baseVal.value));
  clone.setAttribute('font-family', getComputedStyle(svg).fontFamily);
  return new XMLSerializer().serializeToString(clone);
}

/** The chart as a PNG at `scale` times its size, on the page's panel colour. */
export async function svgPng(svg: SVGSVGElement, scale = 2): Promise<Blob> {
  const text = svgText(svg);
  const w = Number(/width="(\d+)"/.exec(text.slice(0, text.indexOf('>')))?.[1] ?? 320);
  const h = Number(/height="(\d+)"/.exec(text.slice(0, text.indexOf('>')))?.[1] ?? 120);
  const url = URL.createObjectURL(new Blob([text], { type: 'image/svg+xml' }));
  try {
    const img = new Image();
    img.src = url;
    await img.decode();
    const canvas = document.createElement('canvas');
    canvas.width = w * scale;
    canvas.height = h * scale;
    const ctx = canvas.getContext('2d');
    if (!ctx) throw new Error('this browser gave no 2D canvas to draw the PNG on');
    ctx.fillStyle = getComputedStyle(document.documentElement).getPropertyValue('--panel').trim() || '#ffffff';
    ctx.fillRect(0, 0, canvas.width, canvas.height);
    ctx.drawImage(img, 0, 0, canvas.width, canvas.height);
    return await new Promise<Blob>((resolve, reject) => canvas.toBlob((b) => (b ? resolve(b) : reject(new Error('the PNG could not be encoded'))), 'image/png'));
  } finally {
    URL.revokeObjectURL(url);
  }
}
