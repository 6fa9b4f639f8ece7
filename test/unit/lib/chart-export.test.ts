// The pure helpers of the chart exporter (src/lib/chart-export.ts): PNG pixel size with its caps,
// the export scale from the device pixel ratio, and which computed colours count as opaque when
// looking for the background behind a chart. The DOM parts are tested in real Chromium:
// test/browser/lib/chart-export.browser.test.ts.
import { describe, expect, it } from 'vitest';
import { MAX_PNG_PIXELS, MAX_PNG_SIDE, exportScale, isOpaque, pngSize } from '../../../src/lib/chart-export';

describe('pngSize', () => {
  it('scales the rendered size', () => {
    expect(pngSize(560, 200)).toEqual({ width: 1120, height: 400 });
    expect(pngSize(560, 200, 1)).toEqual({ width: 560, height: 200 });
    expect(pngSize(320, 120, 3)).toEqual({ width: 960, height: 360 });
    // A fractional rendered size (a chart at width: 100% of a 333.5 px column) rounds per side.
    expect(pngSize(333.5, 100.25, 2)).toEqual({ width: 667, height: 201 });
    expect(pngSize(0.1, 0.1, 1)).toEqual({ width: 1, height: 1 });
  });

  it('caps the pixel count and each side, keeping the aspect ratio', () => {
    const big = pngSize(10_000, 5_000, 2, 1_000_000);
    expect(big.width * big.height).toBeLessThanOrEqual(1_000_000 + big.width + big.height);
    expect(big.width * big.height).toBeGreaterThan(0.99 * 1_000_000 - big.width - big.height);
    expect(big.width / big.height).toBeCloseTo(2, 2);
    const dflt = pngSize(4000, 3000, 2);
    expect(dflt.width * dflt.height).toBeLessThanOrEqual(MAX_PNG_PIXELS + dflt.width + dflt.height);
    expect(dflt.width / dflt.height).toBeCloseTo(4 / 3, 2);
    // Long and thin: under the pixel cap, but over the side cap.
    const thin = pngSize(20_000, 10, 2);
    expect(thin).toEqual({ width: MAX_PNG_SIDE, height: Math.round((10 * MAX_PNG_SIDE) / 20_000) });
  });

  it('refuses sizes and scales that are not positive numbers, saying which', () => {
    expect(() => pngSize(0, 100)).toThrow(/no size \(0 × 100\)/);
    expect(() => pngSize(100, Number.NaN)).toThrow(/no size \(100 × NaN\)/);
    expect(() => pngSize(Infinity, 10)).toThrow(/no size \(Infinity × 10\)/);
    expect(() => pngSize(10, 10, -1)).toThrow(/scale must be a positive number, got -1/);
    expect(() => pngSize(10, 10, 2, 0)).toThrow(/pixel caps must be at least 1, got 0 pixels/);
  });
});

describe('exportScale', () => {
  it('is the device pixel ratio, at least 2', () => {
    expect(exportScale(1)).toBe(2);
    expect(exportScale(1.25)).toBe(2);
    expect(exportScale(2)).toBe(2);
    expect(exportScale(3)).toBe(3);
    expect(exportScale(Number.NaN)).toBe(2);
    // Node has no window: the default is 2.
    expect(exportScale()).toBe(2);
  });
});

describe('isOpaque', () => {
  it('tells covering backgrounds from see-through ones', () => {
    for (const c of ['rgb(255, 255, 255)', 'rgb(29, 32, 39)', '#fff', 'rgba(1, 2, 3, 1)', 'rgb(1 2 3 / 100%)', 'oklch(0.5 0.1 200)']) expect(isOpaque(c), c).toBe(true);
    for (const c of ['transparent', '', 'rgba(0, 0, 0, 0)', 'rgba(0, 0, 0, 0.5)', 'rgb(0 0 0 / 0.2)', 'color(srgb 1 1 1 / 50%)']) expect(isOpaque(c), c).toBe(false);
  });
});
