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
 */

export interface Cell {
  /** One code per dimension of the table, in the table's dimension order. */
  coords: readonly string[];
  count: number;
}

/** One way cells line up: along dimension `dim`, grouped by `variant(code)` ('*' for the whole dimension). */
export interface LineKind {
  dim: number;
  variant: (code: string) => string;
  /** Whether the line's total (the coarser table's cell) is published, by the line's coordinates (read, not kept). */
  totalPublished: (coords: readonly string[]) => boolean;
}

/**
 * The lines of a table whose total is published, flat: line `l` is the cells `members[starts[l]]` up to (not
 * including) `members[starts[l + 1]]`, in table order.
 */
export interface Lines {
  members: Int32Array;
  starts: Int32Array;
}

/** Which cells (by index) are suppressed. */
export function suppress(cells: readonly Cell[], kinds: readonly LineKind[], threshold: number): Uint8Array {
  const suppressed = new Uint8Array(cells.length);
  const counts = new Int32Array(cells.length);
  cells.forEach((cell, i) => {
    counts[i] = cell.count;
    if (cell.count > 0 && cell.count < threshold) suppressed[i] = 1;
  });
  const { members, starts } = linesOf(cells, kinds);
  const lineCount = starts.length - 1;
  // A cell alone in a line whose total is published equals that total: hiding it would protect nothing.
  const pinned = new Uint8Array(cells.length);
  for (let l = 0; l < lineCount; l++) if ((starts[l + 1] as number) - (starts[l] as number) === 1) pinned[members[starts[l] as number] as number] = 1;
  // Which lines each cell is in, so hiding a cell rechecks only those lines.
  const cellStarts = new Int32Array(cells.length + 1);
  for (let m = 0; m < members.length; m++) cellStarts[(members[m] as number) + 1]++;
  for (let i = 0; i < cells.length; i++) cellStarts[i + 1] += cellStarts[i] as number;
  const memberships = new Int32Array(members.length);
  const filled = cellStarts.slice(0, cells.length);
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
  return suppressed;
}

/** A line holds when it has no suppressed cell, or at least two holding at least `threshold` persons together. */
export function lineHolds(line: readonly number[], cells: readonly Cell[], suppressed: Uint8Array, threshold: number): boolean {
  return holds(Int32Array.from(line), 0, line.length, Int32Array.from(cells, (c) => c.count), suppressed, threshold);
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

/** Every line of every kind whose total is published. */
export function linesOf(cells: readonly Cell[], kinds: readonly LineKind[]): Lines {
  const dims = cells[0]?.coords.length ?? 0;
  // Number each dimension's codes once, so a line is found by a number, not by a joined string.
  const numbers = Array.from({ length: dims }, () => new Map<string, number>());
  const coded = new Int32Array(cells.length * dims);
  cells.forEach((cell, i) => {
    for (let d = 0; d < dims; d++) {
      const code = cell.coords[d] as string;
      const map = numbers[d] as Map<string, number>;
      let n = map.get(code);
      if (n === undefined) map.set(code, (n = map.size));
      coded[i * dims + d] = n;
    }
  });
  // Per kind, each cell's line (-1: its total is not published), numbered over all kinds in order of first cell.
  const lineOf = new Int32Array(cells.length * kinds.length);
  const scratch = new Array<string>(dims);
  const sizes: number[] = [];
  for (let k = 0; k < kinds.length; k++) {
    const { dim, variant, totalPublished } = kinds[k] as LineKind;
    // The line's own code on `dim`: '*' (one line) or the parent code, numbered too.
    const variants = new Map<string, number>();
    const codes = numbers[dim] as Map<string, number>;
    const variantCodes = new Int32Array(codes.size);
    const variantNames: string[] = [];
    for (const [code, n] of codes) {
      const v = variant(code);
      let m = variants.get(v);
      if (m === undefined) {
        variants.set(v, (m = variants.size));
        variantNames.push(v);
      }
      variantCodes[n] = m;
    }
    const radix = numbers.map((map, d) => (d === dim ? variants.size : map.size));
    const groups = new Map<number, number>();
    for (let i = 0; i < cells.length; i++) {
      let key = 0;
      for (let d = 0; d < dims; d++) {
        const code = coded[i * dims + d] as number;
        key = key * (radix[d] as number) + (d === dim ? (variantCodes[code] as number) : code);
      }
      let line = groups.get(key);
      if (line === undefined) {
        // The line's coordinates, in one array reused for every line (totalPublished only reads them).
        const cell = (cells[i] as Cell).coords;
        for (let j = 0; j < dims; j++) scratch[j] = j === dim ? (variantNames[variantCodes[coded[i * dims + j] as number] as number] as string) : (cell[j] as string);
        line = totalPublished(scratch) ? sizes.length : -1;
        if (line >= 0) sizes.push(0);
        groups.set(key, line);
      }
      lineOf[i * kinds.length + k] = line;
      if (line >= 0) sizes[line]++;
    }
  }
  // Lines in the order they were numbered, their cells in table order.
  const starts = new Int32Array(sizes.length + 1);
  for (let l = 0; l < sizes.length; l++) starts[l + 1] = (starts[l] as number) + (sizes[l] as number);
  const members = new Int32Array(starts[sizes.length] as number);
  const filled = starts.slice(0, sizes.length);
  for (let i = 0; i < cells.length; i++) {
    for (let k = 0; k < kinds.length; k++) {
      const line = lineOf[i * kinds.length + k] as number;
      if (line >= 0) members[filled[line]++] = i;
    }
  }
  return { members, starts };
}
