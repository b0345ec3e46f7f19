import { lineHolds, suppress, type Cell, type LineKind } from './suppression';

const T = 10;
const cells = (rows: Array<[string, string, number]>): Cell[] => rows.map(([a, b, count]) => ({ coords: [a, b], count }));
/** Lines along both dimensions of a two-way table, all totals published. */
const BOTH: LineKind[] = [0, 1].map((dim) => ({ dim, variant: () => '*', totalPublished: () => true }));
const hidden = (table: Cell[], s: Uint8Array) => table.filter((_, i) => s[i]).map((c) => c.coords.join('/'));

describe('lineHolds', () => {
  const table = cells([['a', 'x', 2], ['a', 'y', 3], ['a', 'z', 40], ['a', 'w', 20]]);
  test.each([
    ['nothing suppressed', [0, 0, 0, 0], true],
    ['one cell alone, even a large one', [0, 0, 1, 0], false],
    ['two cells under the threshold together', [1, 1, 0, 0], false],
    ['two cells of 22 together', [1, 0, 0, 1], true],
    ['three cells of 25 together', [1, 1, 0, 1], true],
  ])('%s', (_name, flags, holds) => {
    expect(lineHolds([0, 1, 2, 3], table, Uint8Array.from(flags as number[]), T)).toBe(holds);
  });
});

describe('suppress', () => {
  test('primary: 1-9 hidden, 10 and over published', () => {
    const table = cells([['a', 'x', 9], ['a', 'y', 10], ['b', 'x', 1], ['b', 'y', 100]]);
    const s = suppress(table, [], T);
    expect(hidden(table, s)).toEqual(['a/x', 'b/x']);
  });

  test('secondary: a lone small cell in a row takes the smallest other cell with it, and the columns follow', () => {
    const table = cells([
      ['a', 'x', 3], ['a', 'y', 50], ['a', 'z', 20],
      ['b', 'x', 30], ['b', 'y', 60], ['b', 'z', 25],
    ]);
    const s = suppress(table, BOTH, T);
    // Row a: 3 and then 20 (smallest); column x: 3 with 30; column z: 20 with 25; row b: 30 and 25 together.
    expect(hidden(table, s)).toEqual(['a/x', 'a/z', 'b/x', 'b/z']);
    for (const kind of BOTH) {
      for (const key of ['a', 'b', 'x', 'y', 'z']) {
        const line = table.map((c, i) => [c, i] as const).filter(([c]) => c.coords[1 - kind.dim] === key).map(([, i]) => i);
        if (line.length) expect(lineHolds(line, table, s, T)).toBe(true);
      }
    }
  });

  test('two small cells that together hold fewer than 10 take a third', () => {
    const table = cells([['a', 'x', 2], ['a', 'y', 3], ['a', 'z', 40], ['a', 'w', 15]]);
    const s = suppress(table, [{ dim: 1, variant: () => '*', totalPublished: () => true }], T);
    expect(hidden(table, s)).toEqual(['a/x', 'a/y', 'a/w']);
  });

  test('a line whose total is not published asks nothing', () => {
    const table = cells([['a', 'x', 3], ['a', 'y', 50]]);
    const s = suppress(table, [{ dim: 1, variant: () => '*', totalPublished: () => false }], T);
    expect(hidden(table, s)).toEqual(['a/x']);
  });

  test('a cell alone in a line with a published total is never chosen to hide another', () => {
    // Column y has only a/y: it equals the published column total, so hiding it would protect nothing.
    const table = cells([['a', 'x', 3], ['a', 'y', 50], ['a', 'z', 60], ['b', 'x', 20], ['b', 'z', 30]]);
    const s = suppress(table, BOTH, T);
    expect(hidden(table, s)).not.toContain('a/y');
    expect(hidden(table, s)).toContain('a/x');
  });

  test('sub-lines: municipalities within a prefecture add up to the prefecture', () => {
    const table: Cell[] = [
      { coords: ['13101'], count: 4 },
      { coords: ['13102'], count: 30 },
      { coords: ['27100'], count: 12 },
      { coords: ['27200'], count: 200 },
    ];
    // Sub-lines come first, as the cube orders them.
    const kinds: LineKind[] = [
      { dim: 0, variant: (code) => code.slice(0, 2), totalPublished: () => true },
      { dim: 0, variant: () => '*', totalPublished: () => true },
    ];
    const s = suppress(table, kinds, T);
    // Within Tokyo, 4 needs a partner (30); across the country that pair already holds 34.
    expect(hidden(table, s)).toEqual(['13101', '13102']);
  });
});
