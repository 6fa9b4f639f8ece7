// Export, share links and safe markdown.
import { describe, expect, it } from 'vitest';
import { renderMarkdown } from '../../../src/notebook/markdown';
import { parseNotebook } from '../../../src/notebook/schema';
import { decodeSharePayload, encodeShareLink, exportNotebook, ShareLinkError, shareTarget } from '../../../src/notebook/share';
import type { CellResult } from '../../../src/notebook/types';
import { toyNotebook } from './helpers';

const result = (cellId: string): CellResult => ({
  cellId,
  status: 'done',
  configHash: 'x',
  inputsHash: 'y',
  profile: 'smoke',
  appVersion: '0.1.0',
  startedAt: '2025-01-01T00:00:00.000Z',
  finishedAt: '2025-01-01T00:00:01.000Z',
  output: { type: 'markdown', words: 3 },
  error: null,
  checks: [],
});

describe('export', () => {
  it('round-trips, embeds stored datasets, and carries results only when asked', async () => {
    const nb = toyNotebook();
    nb.cells[1] = { id: 'toy', type: 'dataset', source: { kind: 'stored', datasetId: 'ds1' }, split: { method: 'recipe' }, format: 'text' };
    const stored = { info: { name: 'Mine', description: '', kind: 'text' as const, provenance: 'typed in', license: 'CC0' }, records: [{ kind: 'text' as const, id: 'a', prompt: 'p', completion: 'c' }], split: { train: ['a'], validation: [], test: [] } };
    const plain = parseNotebook(await exportNotebook(nb, { loadStored: async () => stored }));
    expect(plain.results).toBeUndefined();
    expect(plain.cells[1]).toMatchObject({ source: { kind: 'embedded', ref: 'stored-ds1' } });
    expect(plain.datasets?.['stored-ds1']).toEqual(stored);
    expect(plain.cells.slice(2)).toEqual(nb.cells.slice(2));
    const withResults = parseNotebook(await exportNotebook(nb, { results: { intro: result('intro'), gone: result('gone') } }));
    expect(Object.keys(withResults.results ?? {})).toEqual(['intro']);
  });
});

describe('share links', () => {
  it('encode the notebook without results, compressed, and decode to the same notebook', async () => {
    const nb = { ...toyNotebook(), results: { intro: result('intro') } };
    const link = await encodeShareLink(nb, 'https://lab.example/app/#/runs');
    expect(link.startsWith('https://lab.example/app/#/notebook?nb=')).toBe(true);
    const target = shareTarget(new URL(link).hash);
    expect(target?.kind).toBe('inline');
    const back = await decodeSharePayload((target as { payload: string }).payload);
    const { results: _r, ...expected } = nb;
    expect(back).toEqual(expected);
    expect(link.length).toBeLessThan(JSON.stringify(expected).length);
  });

  it('a damaged link is refused with a reason', async () => {
    const link = await encodeShareLink(toyNotebook(), 'https://x/');
    const payload = (shareTarget(new URL(link).hash) as { payload: string }).payload;
    await expect(decodeSharePayload(payload.slice(0, payload.length / 2))).rejects.toThrow(ShareLinkError);
    await expect(decodeSharePayload('abc$%')).rejects.toThrow(/characters base64url does not use/);
    expect(shareTarget('#/notebook?src=https%3A%2F%2Fh%2Fn.json')).toEqual({ kind: 'hosted', url: 'https://h/n.json' });
    expect(shareTarget('#/notebook')).toBeNull();
  });
});

describe('markdown', () => {
  it('renders ordinary markdown; headings start at h4, under the cell title (an h3)', () => {
    expect(renderMarkdown('## Sub\n\n#### Deep')).toBe('<h5 data-level="2">Sub</h5>\n<h6 data-level="4">Deep</h6>\n');
    expect(renderMarkdown('# Title\n\n**bold** [lab](https://example.org)')).toBe(
      '<h4 data-level="1">Title</h4>\n<p><strong>bold</strong> <a href="https://example.org" target="_blank" rel="noopener noreferrer">lab</a></p>\n',
    );
  });

  it.each([
    ['<script>alert(1)</script>', '<script'],
    ['<img src=x onerror="alert(1)">', '<img'],
    ['[click](javascript:alert(1))', 'href="javascript'],
    ['[click](JaVaScRiPt:alert(1))', 'href'],
    ['[x](vbscript:msgbox(1))', 'href'],
    ['[x](data:text/html;base64,PHNjcmlwdD4=)', 'href'],
    ['<a href="javascript:alert(1)">x</a>', '<a '],
    ['![x](javascript:alert(1))', '<img'],
    ['<iframe src="https://evil"></iframe>', '<iframe'],
    ['<div onclick="alert(1)">hi</div>', '<div'],
  ])('%s renders as text, never as live HTML', (input, banned) => {
    const html = renderMarkdown(input);
    expect(html.toLowerCase()).not.toContain(banned.toLowerCase());
    expect(html).not.toMatch(/<[a-z]+[^>]*\son[a-z]+=/i);
  });
});
