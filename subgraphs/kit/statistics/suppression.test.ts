import { lineHolds, suppress, type Grid, type LineKind } from './suppression';

const T = 10;

/** A dense table from cells given in table order (codes numbered as they first appear); missing cells are empty. */
function grid(rows: Array<[...string[], number]>): Grid & { codes: string[][]; names: string[] } {
  const dims = rows[0]!.length - 1;
  const codes: string[][] = Array.from({ length: dims }, () => []);
  for (const row of rows) for (let d = 0; d < dims; d++) if (!codes[d]!.includes(row[d] as string)) codes[d]!.push(row[d] as string);
  const shape = codes.map((c) => c.length);
  const size = shape.reduce((a, b) => a * b, 1);
  const counts = new Int32Array(size);
  const names = new Array<string>(size).fill('');
  const at = (coords: string[]) => coords.reduce((position, code, d) => position * shape[d]! + codes[d]!.indexOf(code), 0);
  for (const row of rows) {
    const coords = row.slice(0, dims) as string[];
    counts[at(coords)] = row[dims] as number;
  }
  for (let position = 0; position < size; position++) {
    let rest = position;
    const coords: string[] = [];
    for (let d = dims - 1; d >= 0; d--) {
      coords.unshift(codes[d]![rest % shape[d]!]!);
      rest = Math.floor(rest / shape[d]!);
    }
    names[position] = coords.join('/');
  }
  return { shape, counts, codes, names };
}
/** Lines along both dimensions of a two-way table, all totals published. */
const BOTH: LineKind[] = [0, 1].map((dim) => ({ dim, totalPublished: () => true }));
const hidden = (table: ReturnType<typeof grid>, s: Uint8Array) => table.names.filter((_, i) => s[i]);

describe('lineHolds', () => {
  const counts = Int32Array.from([2, 3, 40, 20]);
  test.each([
    ['nothing suppressed', [0, 0, 0, 0], true],
    ['one cell alone, even a large one', [0, 0, 1, 0], false],
    ['two cells under the threshold together', [1, 1, 0, 0], false],
    ['two cells of 22 together', [1, 0, 0, 1], true],
    ['three cells of 25 together', [1, 1, 0, 1], true],
  ])('%s', (_name, flags, holds) => {
    expect(lineHolds([0, 1, 2, 3], counts, Uint8Array.from(flags as number[]), T)).toBe(holds);
  });
});

describe('suppress', () => {
  test('primary: 1-9 hidden, 10 and over published, empty cells not flagged', () => {
    const table = grid([['a', 'x', 9], ['a', 'y', 10], ['b', 'x', 1], ['c', 'y', 100]]);
    const s = suppress(table, [], T);
    expect(hidden(table, s)).toEqual(['a/x', 'b/x']);
    expect(s.length).toBe(6);
  });

  test('secondary: a lone small cell in a row takes the smallest other cell with it, and the columns follow', () => {
    const table = grid([
      ['a', 'x', 3], ['a', 'y', 50], ['a', 'z', 20],
      ['b', 'x', 30], ['b', 'y', 60], ['b', 'z', 25],
    ]);
    const s = suppress(table, BOTH, T);
    // Row a: 3 and then 20 (smallest); column x: 3 with 30; column z: 20 with 25; row b: 30 and 25 together.
    expect(hidden(table, s)).toEqual(['a/x', 'a/z', 'b/x', 'b/z']);
    for (const kind of BOTH) {
      for (let fixed = 0; fixed < table.shape[1 - kind.dim]!; fixed++) {
        const line = table.names.map((_, i) => i).filter((i) => (kind.dim === 0 ? i % 3 === fixed : Math.floor(i / 3) === fixed));
        expect(lineHolds(line, table.counts, s, T)).toBe(true);
      }
    }
  });

  test('two small cells that together hold fewer than 10 take a third', () => {
    const table = grid([['a', 'x', 2], ['a', 'y', 3], ['a', 'z', 40], ['a', 'w', 15]]);
    const s = suppress(table, [{ dim: 1, totalPublished: () => true }], T);
    expect(hidden(table, s)).toEqual(['a/x', 'a/y', 'a/w']);
  });

  test('a line whose total is not published asks nothing', () => {
    const table = grid([['a', 'x', 3], ['a', 'y', 50]]);
    const s = suppress(table, [{ dim: 1, totalPublished: () => false }], T);
    expect(hidden(table, s)).toEqual(['a/x']);
  });

  test('a line is told its coordinates, with the variant on its own dimension', () => {
    const table = grid([['a', 'x', 3], ['a', 'y', 50], ['b', 'x', 30], ['b', 'y', 4]]);
    const asked: string[] = [];
    // Rows: only row b's total is published.
    suppress(table, [{ dim: 1, totalPublished: (line) => (asked.push(`${line[0]}/${line[1]}`), line[0] === 1) }], T);
    expect(asked).toEqual(['0/0', '1/0']);
  });

  test('a cell alone in a line with a published total is never chosen to hide another', () => {
    // Column y has only a/y: it equals the published column total, so hiding it would protect nothing.
    const table = grid([['a', 'x', 3], ['a', 'y', 50], ['a', 'z', 60], ['b', 'x', 20], ['b', 'z', 30]]);
    const s = suppress(table, BOTH, T);
    expect(hidden(table, s)).not.toContain('a/y');
    expect(hidden(table, s)).toContain('a/x');
  });

  test('sub-lines: municipalities within a prefecture add up to the prefecture', () => {
    const table = grid([['13101', 4], ['13102', 30], ['27100', 12], ['27200', 200]]);
    // Sub-lines come first, as the cube orders them.
    const kinds: LineKind[] = [
      { dim: 0, variantOf: Int32Array.from(table.codes[0]!, (code) => (code.startsWith('13') ? 0 : 1)), totalPublished: () => true },
      { dim: 0, totalPublished: () => true },
    ];
    const s = suppress(table, kinds, T);
    // Within Tokyo, 4 needs a partner (30); across the country that pair already holds 34.
    expect(hidden(table, s)).toEqual(['13101', '13102']);
  });
});
