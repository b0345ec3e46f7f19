import { CELL_KEY_COLUMNS, MAX_PERTURBATION, PERTURBATION_TABLE, cellKeyColumn, publishedCount } from './perturbation';

/** A key sum (as the 32-bit integer the cube holds) in the middle of a column of the table. */
const inColumn = (column: number) => Math.floor(((column + 0.5) / CELL_KEY_COLUMNS) * 2 ** 32) | 0;

test('the cell key picks a column: the key sum read as a fraction of 2^32, whatever its sign as an Int32', () => {
  expect(cellKeyColumn(0)).toBe(0);
  expect(cellKeyColumn(429_496_729)).toBe(0); // just under 0.1
  expect(cellKeyColumn(429_496_730)).toBe(1); // 0.1
  expect(cellKeyColumn(-1)).toBe(9); // 2^32 - 1
  expect(cellKeyColumn(2 ** 31)).toBe(5); // 0.5, as an unsigned sum
  expect(cellKeyColumn(-(2 ** 31))).toBe(5); // the same sum held as an Int32
});

// Hand-written: the published value of each count in each column.
const EXPECTED: Array<[number, number[]]> = [
  [10, [10, 10, 10, 10, 10, 11, 11, 11, 12, 12]],
  [11, [10, 10, 11, 11, 11, 12, 12, 12, 13, 13]],
  [12, [10, 10, 11, 11, 12, 12, 13, 13, 14, 14]],
  [57, [55, 55, 56, 56, 57, 57, 58, 58, 59, 59]],
  [3_494_954, [3_494_952, 3_494_952, 3_494_953, 3_494_953, 3_494_954, 3_494_954, 3_494_955, 3_494_955, 3_494_956, 3_494_956]],
];

test.each(EXPECTED)('a count of %i is published as the table says, column by column', (count, published) => {
  expect(Array.from({ length: CELL_KEY_COLUMNS }, (_, c) => publishedCount(count, inColumn(c)))).toEqual(published);
});

test('nothing below 10 is published, zero stays zero, and no value is more than 2 away', () => {
  expect(publishedCount(0, 0)).toBe(0);
  for (let count = 1; count < 10; count++) expect(() => publishedCount(count, inColumn(3))).toThrow('suppressed');
  expect(MAX_PERTURBATION).toBe(2);
  for (let count = 10; count < 40; count++) {
    for (let c = 0; c < CELL_KEY_COLUMNS; c++) {
      const value = publishedCount(count, inColumn(c));
      expect(value).toBeGreaterThanOrEqual(10);
      expect(Math.abs(value - count)).toBeLessThanOrEqual(2);
    }
  }
});

test('from 12 on the perturbation has mean 0 and each of -2..+2 equally often', () => {
  const last = PERTURBATION_TABLE.at(-1)!;
  expect(last.fromCount).toBe(12);
  expect([...last.values].sort()).toEqual([-1, -1, -2, -2, 0, 0, 1, 1, 2, 2]);
  for (const row of PERTURBATION_TABLE) expect(row.values).toHaveLength(CELL_KEY_COLUMNS);
});

/**
 * What the same cell asked before and after one person joined or left shows (docs/disclosure-control.md, Time):
 * every pair of cell keys, the one before and the one after, in the middle of each column (the person's record key
 * makes the second independent of the first). The counts per difference are worked out by hand from the 25 pairs
 * of perturbations -2..+2, each pair twice over (two columns per value).
 */
test('a before/after pair around one change: the difference, by hand, and when it gives the direction away', () => {
  const differences = (from: number, to: number) => {
    const seen = new Map<number, number>();
    for (let before = 0; before < CELL_KEY_COLUMNS; before++) {
      for (let after = 0; after < CELL_KEY_COLUMNS; after++) {
        const d = publishedCount(to, inColumn(after)) - publishedCount(from, inColumn(before));
        seen.set(d, (seen.get(d) ?? 0) + 1);
      }
    }
    return Object.fromEntries([...seen].sort(([a], [b]) => a - b).map(([d, n]) => [d, n / 4]));
  };
  // Out of 25: a joiner shows as -3..+5, a leaver as -5..+3.
  const joined: Record<number, number> = { [-3]: 1, [-2]: 2, [-1]: 3, 0: 4, 1: 5, 2: 4, 3: 3, 4: 2, 5: 1 };
  const left: Record<number, number> = { [-5]: 1, [-4]: 2, [-3]: 3, [-2]: 4, [-1]: 5, 0: 4, 1: 3, 2: 2, 3: 1 };
  expect(differences(57, 58)).toEqual(joined);
  expect(differences(58, 57)).toEqual(left);
  expect(differences(3_494_954, 3_494_955)).toEqual(joined);
  // Unchanged 4 times in 25; exactly the change 5 times in 25; the direction certain 3 times in 25 (only a joiner
  // shows +4 or +5); the sign, with a coin for 0, right 17 times in 25.
  const of = (table: Record<number, number>, ds: number[]) => ds.reduce((sum, d) => sum + (table[d] ?? 0), 0);
  expect(of(joined, [0])).toBe(4);
  expect(of(joined, [1])).toBe(5);
  expect([4, 5].map((d) => left[d] ?? 0)).toEqual([0, 0]);
  expect(of(joined, [4, 5])).toBe(3);
  expect(of(joined, [1, 2, 3, 4, 5]) + of(joined, [0]) / 2).toBe(17);
});
