// The chart exporter (src/lib/chart-export.ts) in real Chromium: a chart with a viewBox and a CSS
// width exports at its rendered size (not its attributes), one without a viewBox keeps what the
// page shows beyond its attributes, colours from style sheets, CSS variables, currentColor and
// inline styles are written in, hidden parts stay hidden, the PNG's pixels are where the page
// draws them over the background behind the chart, the pixel cap holds, and a chart that is not
// in the document or not rendered is refused with a clear error.
import { afterEach, describe, expect, it } from 'vitest';
import { backgroundBehind, chartPng, chartSvg, pngSize } from '../../../src/lib/chart-export';

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups.splice(0).reverse()) c();
});

/** A host <div> with a style sheet and a known background, holding `markup`; returns its <svg>. */
function chart(markup: string, css = ''): SVGSVGElement {
  const host = document.createElement('div');
  host.className = 'chart-host';
  host.innerHTML = `<style>
    .chart-host { --ink: rgb(200, 0, 0); --accent: rgb(0, 0, 200); color: rgb(0, 160, 0); background: rgb(10, 20, 30); padding: 8px; }
    .chart-host .from-sheet { fill: var(--accent); }
    .chart-host .hidden-part { display: none; }
    ${css}
  </style>${markup}`;
  document.body.append(host);
  cleanups.push(() => host.remove());
  return host.querySelector('svg')!;
}

/** The PNG's pixels, and a reader of one pixel as [r, g, b, a]. */
async function pixels(png: Blob): Promise<{ width: number; height: number; at: (x: number, y: number) => number[] }> {
  const bmp = await createImageBitmap(png);
  const c = new OffscreenCanvas(bmp.width, bmp.height).getContext('2d')!;
  c.drawImage(bmp, 0, 0);
  const data = c.getImageData(0, 0, bmp.width, bmp.height).data;
  return { width: bmp.width, height: bmp.height, at: (x, y) => [...data.slice((y * bmp.width + x) * 4, (y * bmp.width + x) * 4 + 4)] };
}

describe('chart export: size is what the page shows', () => {
  it('a viewBox chart with a CSS width exports at its rendered size × scale', async () => {
    // 100 × 50 user units, drawn 300 px wide: left half the CSS variable --ink, right half from the sheet.
    const svg = chart(
      `<svg width="100" height="50" viewBox="0 0 100 50" style="width: 300px; height: auto; display: block">
        <rect x="0" y="10" width="50" height="30" fill="var(--ink)" />
        <rect class="from-sheet" x="50" y="10" width="50" height="30" />
      </svg>`,
    );
    expect([svg.getBoundingClientRect().width, svg.getBoundingClientRect().height]).toEqual([300, 150]);
    const file = new DOMParser().parseFromString(chartSvg(svg), 'image/svg+xml').documentElement;
    expect([file.getAttribute('width'), file.getAttribute('height'), file.getAttribute('viewBox')]).toEqual(['300', '150', '0 0 100 50']);
    expect(file.hasAttribute('style')).toBe(false);
    const png = await pixels(await chartPng(svg, { scale: 2 }));
    expect([png.width, png.height]).toEqual([600, 300]);
    // Background (y < 10 units = 60 px), the --ink rect (left), the sheet's rect (right).
    expect(png.at(300, 20)).toEqual([10, 20, 30, 255]);
    expect(png.at(150, 150)).toEqual([200, 0, 0, 255]);
    expect(png.at(450, 150)).toEqual([0, 0, 200, 255]);
  });

  it('a chart without a viewBox keeps its user units at 1 px, as on the page', async () => {
    // The attributes say 200 wide, CSS says 300: the page shows the rect at x 250–290, so does the file.
    const svg = chart(
      `<svg width="200" height="40" style="width: 300px; display: block">
        <rect x="250" y="0" width="40" height="40" fill="currentColor" />
      </svg>`,
    );
    const text = chartSvg(svg);
    expect(text).not.toMatch(/var\(|currentColor/);
    const file = new DOMParser().parseFromString(text, 'image/svg+xml').documentElement;
    expect([file.getAttribute('width'), file.getAttribute('height'), file.getAttribute('viewBox')]).toEqual(['300', '40', '0 0 300 40']);
    const png = await pixels(await chartPng(svg, { scale: 1 }));
    expect([png.width, png.height]).toEqual([300, 40]);
    expect(png.at(270, 20)).toEqual([0, 160, 0, 255]);
    expect(png.at(100, 20)).toEqual([10, 20, 30, 255]);
  });

  it('a letterboxed viewBox (CSS aspect ≠ viewBox aspect) gets the background around it in the PNG', async () => {
    const svg = chart(`<svg viewBox="0 0 100 100" style="width: 300px; height: 100px; display: block"><rect width="100" height="100" fill="var(--ink)" /></svg>`);
    const png = await pixels(await chartPng(svg, { scale: 1 }));
    expect([png.width, png.height]).toEqual([300, 100]);
    expect(png.at(150, 50)).toEqual([200, 0, 0, 255]);
    expect(png.at(20, 50)).toEqual([10, 20, 30, 255]);
  });

  it('caps the PNG at maxPixels, keeping the aspect ratio', async () => {
    const svg = chart(`<svg width="400" height="100"><rect width="400" height="100" fill="var(--ink)" /></svg>`);
    const png = await pixels(await chartPng(svg, { scale: 2, maxPixels: 10_000 }));
    expect([png.width, png.height]).toEqual([200, 50]);
    expect(pngSize(400, 100, 2, 10_000)).toEqual({ width: 200, height: 50 });
    expect(png.at(100, 25)).toEqual([200, 0, 0, 255]);
  });
});

describe('chart export: colours and hidden parts', () => {
  it('writes computed colours and fonts, drops inline styles, keeps hidden parts hidden', () => {
    const svg = chart(
      `<svg width="120" height="40">
        <text class="label" x="0" y="20" fill="currentColor" font-size="11">a</text>
        <rect class="styled" x="20" y="0" width="10" height="10" style="fill: var(--ink); stroke: var(--accent)" />
        <rect class="hidden-part" x="40" y="0" width="10" height="10" fill="var(--ink)" />
      </svg>`,
      '.chart-host svg { font-family: monospace; }',
    );
    const text = chartSvg(svg);
    expect(text).not.toMatch(/var\(|currentColor|\sstyle=/);
    const doc = new DOMParser().parseFromString(text, 'image/svg+xml');
    expect(doc.querySelector('parsererror')).toBeNull();
    const bg = doc.documentElement.firstElementChild!;
    expect([bg.tagName, bg.getAttribute('fill'), bg.getAttribute('width'), bg.getAttribute('height')]).toEqual(['rect', 'rgb(10, 20, 30)', '120', '40']);
    expect(backgroundBehind(svg)).toBe('rgb(10, 20, 30)');
    const label = doc.querySelector('text.label')!;
    expect([label.getAttribute('fill'), label.getAttribute('font-size'), label.getAttribute('font-family')]).toEqual(['rgb(0, 160, 0)', '11px', 'monospace']);
    const styled = doc.querySelector('rect.styled')!;
    expect([styled.getAttribute('fill'), styled.getAttribute('stroke')]).toEqual(['rgb(200, 0, 0)', 'rgb(0, 0, 200)']);
    expect(doc.querySelector('rect.hidden-part')!.getAttribute('display')).toBe('none');
    expect(doc.querySelector('rect.styled')!.hasAttribute('display')).toBe(false);
  });

  it('uses the background it is given, and white when nothing behind the chart is opaque', () => {
    for (const el of [document.documentElement, document.body]) {
      const before = el.style.background;
      el.style.background = 'transparent';
      cleanups.push(() => (el.style.background = before));
    }
    const svg = chart(`<svg width="50" height="20"><rect width="10" height="10" fill="red" /></svg>`, '.chart-host { background: rgba(0, 0, 0, 0.3); }');
    expect(backgroundBehind(svg)).toBe('#ffffff');
    document.body.style.background = 'rgb(1, 2, 3)';
    expect(backgroundBehind(svg)).toBe('rgb(1, 2, 3)');
    const file = new DOMParser().parseFromString(chartSvg(svg, { background: '#123456' }), 'image/svg+xml').documentElement;
    expect(file.firstElementChild!.getAttribute('fill')).toBe('#123456');
  });
});

describe('chart export: refusals', () => {
  it('refuses an SVG that is not in the document', async () => {
    const svg = document.createElementNS('http://www.w3.org/2000/svg', 'svg');
    svg.setAttribute('width', '100');
    svg.setAttribute('height', '50');
    expect(() => chartSvg(svg)).toThrow(/the chart is not on the page \(its <svg> is not in the document\)/);
    await expect(chartPng(svg)).rejects.toThrow(/the chart is not on the page/);
  });

  it('refuses a chart that is not rendered, and one with an empty box, naming the size', async () => {
    const hidden = chart(`<svg width="100" height="50" style="display: none"><rect width="10" height="10" /></svg>`);
    expect(() => chartSvg(hidden)).toThrow(/the chart is not rendered \(it or a parent has display: none, or it is in a closed <details>\)/);
    await expect(chartPng(hidden)).rejects.toThrow(/the chart is not rendered/);
    const collapsed = chart(`<details><summary>chart</summary><svg width="100" height="50"></svg></details>`);
    expect(() => chartSvg(collapsed)).toThrow(/the chart is not rendered/);
    const flat = chart(`<svg width="100" height="0"><rect width="10" height="10" /></svg>`);
    expect(() => chartSvg(flat)).toThrow(/the chart has no rendered size \(100 × 0 CSS px\)/);
    await expect(chartPng(flat)).rejects.toThrow(/no rendered size \(100 × 0 CSS px\)/);
  });
});
