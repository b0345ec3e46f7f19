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
