/**
 * Disclosure control for one table of counts (a cuboid: the persons counted by a set of dimensions).
 *
 * Primary suppression: a cell of 1 to threshold-1 persons is not published.
 *
 * Secondary suppression: a line of the table (the cells that differ in one dimension only) adds up to a cell
 * of a coarser table: the table without that dimension, or with the coarser dimension above it (the prefecture
 * above its municipalities, the status group above its statuses). When that total is published, the line must
 * not give a suppressed cell away by subtraction: its suppressed cells are either none, or at least two that
 * together hold at least `threshold` persons. Otherwise the smallest published cell of the line that can be
 * hidden is suppressed too, until every such line holds. A cell that is the only one in a line with a
 * published total cannot be hidden (it equals that total), so it is never chosen; it is published exactly
 * when the coarser cell is.
 *
 * Coarser tables are decided first (the caller passes their decisions in), so the pattern of a table depends
 * on the counts alone, never on the query: the same cell is suppressed in every query that shows it, and a
 * filtered query is a slice of the same table.
 *
 * Cells with no persons are not in the table and are not protected (a zero is published as absence).
 *
 * A table is held dense: one count per possible cell, in the order of each dimension's code list (the first
 * dimension varies slowest), so cells, lines and the coarser tables' cells are found by arithmetic.
 */

/** A table of counts over every combination of its dimensions' codes (code numbers, not codes). */
export interface Grid {
  /** The number of codes of each dimension. */
  shape: readonly number[];
  /** Row-major: the cell at code numbers (c0, c1, ...) is at c0 * (shape[1] * shape[2] ...) + c1 * (shape[2] ...) + ... */
  counts: Int32Array;
}

/** One way cells line up: along dimension `dim`, one line per variant of its code. */
export interface LineKind {
  dim: number;
  /**
   * Each code number of `dim` mapped to the number of its line's variant (a municipality to its prefecture, a
   * status to its group); omitted, the whole dimension is one line.
   */
  variantOf?: Int32Array;
  /**
   * Whether the line's total (the coarser table's cell) is published, by the line's code numbers, `dim` holding
   * the variant's number (0 for the whole dimension). The array is reused: read it, do not keep it.
   */
  totalPublished: (line: Int32Array) => boolean;
}

/**
 * The lines of a table whose total is published, flat: line `l` is the cells `members[starts[l]]` up to (not
 * including) `members[starts[l + 1]]`, in table order (cells numbered among the table's non-empty cells).
 */
export interface Lines {
  members: Int32Array;
  starts: Int32Array;
}

/** Which cells are suppressed: one flag per cell of the grid. */
export function suppress(grid: Grid, kinds: readonly LineKind[], threshold: number): Uint8Array {
  const { counts: dense } = grid;
  // The non-empty cells, in table order, and their counts.
  let n = 0;
  for (let i = 0; i < dense.length; i++) if (dense[i] !== 0) n++;
  const at = new Int32Array(n);
  const counts = new Int32Array(n);
  for (let i = 0, j = 0; i < dense.length; i++) {
    if (dense[i] === 0) continue;
    at[j] = i;
    counts[j++] = dense[i] as number;
  }
  const suppressed = new Uint8Array(n);
  for (let i = 0; i < n; i++) if ((counts[i] as number) < threshold) suppressed[i] = 1;
  decide(counts, linesOf(grid.shape, at, kinds), suppressed, threshold);
  const out = new Uint8Array(dense.length);
  for (let i = 0; i < n; i++) out[at[i] as number] = suppressed[i] as number;
  return out;
}

/** Secondary suppression over the lines, on top of the primary `suppressed` (changed in place). */
function decide(counts: Int32Array, { members, starts }: Lines, suppressed: Uint8Array, threshold: number): void {
  const cells = counts.length;
  const lineCount = starts.length - 1;
  // A cell alone in a line whose total is published equals that total: hiding it would protect nothing.
  const pinned = new Uint8Array(cells);
  for (let l = 0; l < lineCount; l++) if ((starts[l + 1] as number) - (starts[l] as number) === 1) pinned[members[starts[l] as number] as number] = 1;
  // Which lines each cell is in, so hiding a cell rechecks only those lines.
  const cellStarts = new Int32Array(cells + 1);
  for (let m = 0; m < members.length; m++) cellStarts[(members[m] as number) + 1]++;
  for (let i = 0; i < cells; i++) cellStarts[i + 1] += cellStarts[i] as number;
  const memberships = new Int32Array(members.length);
  const filled = cellStarts.slice(0, cells);
  for (let l = 0; l < lineCount; l++) {
    for (let m = starts[l] as number; m < (starts[l + 1] as number); m++) memberships[filled[members[m] as number]++] = l;
  }
  // Every line is checked once, then again each time one of its cells is hidden. Suppression only grows, so it ends.
  const queue = new Int32Array(lineCount + members.length);
  let tail = 0;
  for (let l = 0; l < lineCount; l++) queue[tail++] = l;
  const queued = new Uint8Array(lineCount).fill(1);
  for (let head = 0; head < tail; head++) {
    const l = queue[head] as number;
    queued[l] = 0;
    const from = starts[l] as number;
    const to = starts[l + 1] as number;
    while (!holds(members, from, to, counts, suppressed, threshold)) {
      const next = smallestHideable(members, from, to, counts, suppressed, pinned);
      if (next < 0) break; // nothing left to hide: every other cell is pinned or already hidden
      suppressed[next] = 1;
      for (let m = cellStarts[next] as number; m < (cellStarts[next + 1] as number); m++) {
        const other = memberships[m] as number;
        if (other !== l && !queued[other]) {
          queued[other] = 1;
          queue[tail++] = other;
        }
      }
    }
  }
}

/**
 * Whether a line holds: no suppressed cell, or at least two holding at least `threshold` persons together.
 * `line`: cell numbers of the grid.
 */
export function lineHolds(line: readonly number[], counts: Int32Array, suppressed: Uint8Array, threshold: number): boolean {
  return holds(Int32Array.from(line), 0, line.length, counts, suppressed, threshold);
}

function holds(members: Int32Array, from: number, to: number, counts: Int32Array, suppressed: Uint8Array, threshold: number): boolean {
  let n = 0;
  let sum = 0;
  for (let m = from; m < to; m++) {
    const i = members[m] as number;
    if (suppressed[i]) {
      n++;
      sum += counts[i] as number;
    }
  }
  return n === 0 || (n >= 2 && sum >= threshold);
}

function smallestHideable(members: Int32Array, from: number, to: number, counts: Int32Array, suppressed: Uint8Array, pinned: Uint8Array): number {
  let best = -1;
  for (let m = from; m < to; m++) {
    const i = members[m] as number;
    if (suppressed[i] || pinned[i]) continue;
    if (best < 0 || (counts[i] as number) < (counts[best] as number)) best = i;
  }
  return best;
}

/**
 * Every line of every kind whose total is published, over the non-empty cells at grid positions `at` (in table
 * order). Lines are numbered kind by kind, each kind's in the order of their first cell.
 */
function linesOf(shape: readonly number[], at: Int32Array, kinds: readonly LineKind[]): Lines {
  const dims = shape.length;
  const strides = new Array<number>(dims);
  for (let d = dims - 1, stride = 1; d >= 0; d--) {
    strides[d] = stride;
    stride *= shape[d] as number;
  }
  const cells = at.length;
  const lineOf = new Int32Array(cells * kinds.length);
  const coords = new Int32Array(dims);
  // Each cell's code number on every dimension, worked out once.
  const digits: Int32Array[] = [];
  for (let d = 0; d < dims; d++) {
    const stride = strides[d] as number;
    const size = shape[d] as number;
    const codes = new Int32Array(cells);
    for (let i = 0; i < cells; i++) codes[i] = (((at[i] as number) / stride) | 0) % size;
    digits.push(codes);
  }
  // A line's number by its key: a cell's position with `dim`'s code replaced by the variant's number (variants
  // never outnumber codes, so the key is a position of the table).
  const seen = new Int32Array(shape.reduce((product, size) => product * size, 1));
  // Lines never outnumber the cells of their kind.
  const sizes = new Int32Array(cells * kinds.length);
  let lines = 0;
  for (let k = 0; k < kinds.length; k++) {
    const { dim, variantOf, totalPublished } = kinds[k] as LineKind;
    const stride = strides[dim] as number;
    const codes = digits[dim] as Int32Array;
    seen.fill(-2);
    for (let i = 0; i < cells; i++) {
      const code = codes[i] as number;
      const variant = variantOf ? (variantOf[code] as number) : 0;
      const key = (at[i] as number) + (variant - code) * stride;
      let line = seen[key] as number;
      if (line === -2) {
        for (let d = 0; d < dims; d++) coords[d] = (digits[d] as Int32Array)[i] as number;
        coords[dim] = variant;
        line = totalPublished(coords) ? lines++ : -1;
        seen[key] = line;
      }
      lineOf[i * kinds.length + k] = line;
      if (line >= 0) sizes[line]++;
    }
  }
  // Lines in the order they were numbered, their cells in table order.
  const starts = new Int32Array(lines + 1);
  for (let l = 0; l < lines; l++) starts[l + 1] = (starts[l] as number) + (sizes[l] as number);
  const members = new Int32Array(starts[lines] as number);
  const filled = starts.slice(0, lines);
  for (let i = 0; i < cells; i++) {
    for (let k = 0; k < kinds.length; k++) {
      const line = lineOf[i * kinds.length + k] as number;
      if (line >= 0) members[filled[line]++] = i;
    }
  }
  return { members, starts };
}
