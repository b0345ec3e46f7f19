/**
 * Cell key perturbation (the ABS TableBuilder's cell key method; Eurostat's for the census hypercubes): the rule
 * that turns a cell's true count and its cell key into the published count. Written as data, and documented with
 * its reasons in docs/disclosure-control.md.
 *
 * Every person counted carries a record key: a uniform 32-bit number derived from a keyed hash of their My Number
 * (kit/statistics/recordKey.ts), the same in every authority that counts them. A cell's key is the sum of its
 * persons' record keys modulo 2^32, read as a fraction of 2^32: it depends on who is in the cell and nothing else,
 * so the same cell gets the same published value in every query that shows it, from either authority; and the
 * analyst, who cannot compute record keys, sees it as a fresh uniform draw whenever a cell's members change.
 */

/** The cell key's range [0, 1) is cut into this many equal columns of the table. */
export const CELL_KEY_COLUMNS = 10;

/**
 * The perturbation added to a count, by count (each row applies from `fromCount` up to the next row) and by the
 * cell key's column. Counts below 10 are never published (they are suppressed, see suppression.ts), so the table
 * starts at 10, and its rows for 10 and 11 never take a count below 10: no published figure is 1 to 9. From 12 on
 * the five values -2..+2 are equally likely (mean 0, variance 2): two cells that differ in their members show the
 * same difference as their true counts one time in five.
 */
export const PERTURBATION_TABLE: ReadonlyArray<{ fromCount: number; values: readonly number[] }> = [
  { fromCount: 10, values: [0, 0, 0, 0, 0, 1, 1, 1, 2, 2] },
  { fromCount: 11, values: [-1, -1, 0, 0, 0, 1, 1, 1, 2, 2] },
  { fromCount: 12, values: [-2, -2, -1, -1, 0, 0, 1, 1, 2, 2] },
];

/** The largest difference between a published count and the true one (the tolerance every answer states). */
export const MAX_PERTURBATION = Math.max(...PERTURBATION_TABLE.flatMap((row) => row.values.map(Math.abs)));

const FIRST_COUNT = (PERTURBATION_TABLE[0] as { fromCount: number }).fromCount;

/** The column of a cell key held as a 32-bit integer (any sign: only its value modulo 2^32 counts). */
export function cellKeyColumn(keySum: number): number {
  return Math.floor(((keySum >>> 0) / 2 ** 32) * CELL_KEY_COLUMNS);
}

/**
 * The published count of a cell of `count` persons whose record keys add up to `keySum` (mod 2^32). Zero stays
 * zero (an empty cell is not shown). Counts below the table's first row are suppressed, never published: asking
 * for one is a defect of the caller.
 */
export function publishedCount(count: number, keySum: number): number {
  if (count === 0) return 0;
  if (count < FIRST_COUNT) throw new Error(`A count of ${count} is suppressed, never published`);
  let row = PERTURBATION_TABLE[0] as { values: readonly number[] };
  for (const candidate of PERTURBATION_TABLE) if (candidate.fromCount <= count) row = candidate;
  return count + (row.values[cellKeyColumn(keySum)] as number);
}
