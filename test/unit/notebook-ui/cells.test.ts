// Editing the cell list (insert, move, delete) on the shipped Tool calls 101 preset: every
// accepted edit leaves a notebook the schema accepts; refusals say why.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { deleteCell, dependantsOf, insertCell, moveCell } from '../../../src/notebook/cells';
import { assertNotebook, parseNotebook } from '../../../src/notebook/schema';
import type { Cell, Notebook } from '../../../src/notebook/types';

const preset = (): Notebook => parseNotebook(readFileSync('public/presets/tool-calls-101.json', 'utf8'));
const ids = (cells: readonly Cell[]) => cells.map((c) => c.id);
const valid = (nb: Notebook, cells: Cell[]) => assertNotebook({ ...nb, cells });

describe('insertCell', () => {
  it('adds a fresh cell whose references name the nearest earlier cells of the right type', () => {
    const nb = preset();
    const at = ids(nb.cells).indexOf('lora');
    const r = insertCell(nb.cells, 'evaluate', at);
    expect(r.cell.id).toBe('evaluate-1');
    expect(ids(r.cells).slice(at, at + 2)).toEqual(['lora', 'evaluate-1']);
    expect(r.cell).toMatchObject({ model: 'model', dataset: 'tc101', adapter: null });
    expect(r.cells).toHaveLength(nb.cells.length + 1);
    valid(nb, r.cells);

    const again = insertCell(r.cells, 'evaluate', at);
    expect(again.cell.id).toBe('evaluate-2');
    const stress = insertCell(nb.cells, 'stress', ids(nb.cells).indexOf('toy-after'));
    expect(stress.cell).toMatchObject({ type: 'stress', evaluate: 'toy-after' });
    valid(nb, stress.cells);
    const compare = insertCell(nb.cells, 'compare', ids(nb.cells).indexOf('toy-after'));
    expect(compare.cell).toMatchObject({ runs: ['toy-baseline', 'toy-after'] });
    valid(nb, compare.cells);
  });

  it('at the top a cell has no earlier cells to refer to; the references are empty and the schema refuses them until set', () => {
    const nb = preset();
    const r = insertCell(nb.cells, 'train', -1);
    expect(ids(r.cells)[0]).toBe('train-1');
    expect(r.cell).toMatchObject({ model: '', dataset: '' });
    expect(() => valid(nb, r.cells)).toThrow(/\/cells\/0\/model: must NOT have fewer than 1 characters/);
    expect(ids(insertCell([], 'markdown', -1).cells)).toEqual(['markdown-1']);
  });
});

describe('moveCell', () => {
  it('moves a cell past one it does not use, both ways, and the notebook stays valid', () => {
    const nb = preset();
    const i = ids(nb.cells).indexOf('toy-baseline');
    const down = moveCell(nb.cells, i, 1);
    expect(down.ok).toBe(true);
    if (!down.ok) return;
    expect(ids(down.cells).slice(i, i + 2)).toEqual(['toy-lora', 'toy-baseline']);
    valid(nb, down.cells);
    const up = moveCell(down.cells, i + 1, -1);
    expect(up.ok && ids(up.cells)).toEqual(ids(nb.cells));
  });

  it('refuses to put a cell before a cell it uses, naming both', () => {
    const nb = preset();
    const after = ids(nb.cells).indexOf('toy-after');
    expect(moveCell(nb.cells, after, -1)).toEqual({ ok: false, reason: '"Toy set: after LoRA" uses "Toy set: LoRA", so it must stay below it' });
    // Down: the lora cell would pass the evaluation that uses it.
    const lora = ids(nb.cells).indexOf('toy-lora');
    const r = moveCell(nb.cells, lora, 1);
    expect(r.ok).toBe(false);
    expect(!r.ok && r.reason).toMatch(/uses .*Toy set: LoRA.*so it must stay below it/);
  });

  it('refuses locked cells and moves past either end', () => {
    const nb = preset();
    expect(moveCell(nb.cells, 0, 1)).toMatchObject({ ok: false, reason: expect.stringMatching(/locked by the notebook's author/) });
    const last = nb.cells.length - 1;
    expect(moveCell(nb.cells, last, 1)).toMatchObject({ ok: false, reason: expect.stringMatching(/already the last cell/) });
    const top = insertCell(nb.cells, 'markdown', -1).cells;
    expect(moveCell(top, 0, -1)).toMatchObject({ ok: false, reason: expect.stringMatching(/already the first cell/) });
  });
});

describe('deleteCell', () => {
  it('deletes an unused cell; refuses a used or locked one with the reason', () => {
    const nb = preset();
    const r = deleteCell(nb.cells, 'compare');
    expect(r.ok && ids(r.cells)).toEqual(ids(nb.cells).filter((id) => id !== 'compare'));
    if (r.ok) valid(nb, r.cells);
    expect(ids(dependantsOf(nb.cells, 'after'))).toEqual(['stress', 'compare']);
    expect(deleteCell(nb.cells, 'after')).toMatchObject({ ok: false, reason: '"After LoRA" is used by "Stress tests", "Before and after": delete those first or point them at another cell' });
    expect(deleteCell(nb.cells, 'tc101')).toMatchObject({ ok: false, reason: expect.stringMatching(/locked/) });
    expect(deleteCell(nb.cells, 'nope')).toMatchObject({ ok: false, reason: 'there is no cell "nope"' });
  });
});
