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
  /** Whether the line's total (the coarser table's cell) is published, by the line's coordinates. */
  totalPublished: (coords: readonly string[]) => boolean;
}

export interface Line {
  cells: number[];
  totalPublished: boolean;
}

/** Which cells (by index) are suppressed. */
export function suppress(cells: readonly Cell[], kinds: readonly LineKind[], threshold: number): Uint8Array {
  const suppressed = new Uint8Array(cells.length);
  cells.forEach((cell, i) => {
    if (cell.count > 0 && cell.count < threshold) suppressed[i] = 1;
  });
  const lines = linesOf(cells, kinds).filter((line) => line.totalPublished);
  // A cell alone in a line whose total is published equals that total: hiding it would protect nothing.
  const pinned = new Uint8Array(cells.length);
  for (const line of lines) if (line.cells.length === 1) pinned[line.cells[0] as number] = 1;
  // Which lines each cell is in, so hiding a cell rechecks only those lines.
  const starts = new Int32Array(cells.length + 1);
  for (const line of lines) for (const i of line.cells) starts[i + 1]++;
  for (let i = 0; i < cells.length; i++) starts[i + 1] += starts[i] as number;
  const memberships = new Int32Array(starts[cells.length] as number);
  const filled = starts.slice(0, cells.length);
  lines.forEach((line, l) => {
    for (const i of line.cells) memberships[filled[i]++] = l;
  });
  // Every line is checked once, then again each time one of its cells is hidden. Suppression only grows, so it ends.
  const queue: number[] = lines.map((_, l) => l);
  const queued = new Uint8Array(lines.length).fill(1);
  for (let head = 0; head < queue.length; head++) {
    const l = queue[head] as number;
    queued[l] = 0;
    const line = (lines[l] as Line).cells;
    while (!lineHolds(line, cells, suppressed, threshold)) {
      const next = smallestHideable(line, cells, suppressed, pinned);
      if (next < 0) break; // nothing left to hide: every other cell is pinned or already hidden
      suppressed[next] = 1;
      for (let m = starts[next] as number; m < (starts[next + 1] as number); m++) {
        const other = memberships[m] as number;
        if (other !== l && !queued[other]) {
          queued[other] = 1;
          queue.push(other);
        }
      }
    }
  }
  return suppressed;
}

/** A line holds when it has no suppressed cell, or at least two holding at least `threshold` persons together. */
export function lineHolds(line: readonly number[], cells: readonly Cell[], suppressed: Uint8Array, threshold: number): boolean {
  let n = 0;
  let sum = 0;
  for (const i of line) {
    if (suppressed[i]) {
      n++;
      sum += (cells[i] as Cell).count;
    }
  }
  return n === 0 || (n >= 2 && sum >= threshold);
}

function smallestHideable(line: readonly number[], cells: readonly Cell[], suppressed: Uint8Array, pinned: Uint8Array): number {
  let best = -1;
  for (const i of line) {
    if (suppressed[i] || pinned[i]) continue;
    if (best < 0 || (cells[i] as Cell).count < (cells[best] as Cell).count) best = i;
  }
  return best;
}

/** Every line of every kind, with whether its total is published. */
export function linesOf(cells: readonly Cell[], kinds: readonly LineKind[]): Line[] {
  const lines: Line[] = [];
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
  for (const { dim, variant, totalPublished } of kinds) {
    // The line's own code on `dim`: '*' (one line) or the parent code, numbered too.
    const variants = new Map<string, number>();
    const variantOf = new Map<number, number>();
    for (const [code, n] of numbers[dim] as Map<string, number>) {
      const v = variant(code);
      let m = variants.get(v);
      if (m === undefined) variants.set(v, (m = variants.size));
      variantOf.set(n, m);
    }
    const groups = new Map<number, { cells: number[]; first: number }>();
    const sizes = numbers.map((map, d) => (d === dim ? variants.size : map.size));
    const variantCodes = new Int32Array((numbers[dim] as Map<string, number>).size);
    for (const [n, m] of variantOf) variantCodes[n] = m;
    for (let i = 0; i < cells.length; i++) {
      let key = 0;
      for (let d = 0; d < dims; d++) {
        const code = coded[i * dims + d] as number;
        key = key * (sizes[d] as number) + (d === dim ? (variantCodes[code] as number) : code);
      }
      const group = groups.get(key);
      if (group) group.cells.push(i);
      else groups.set(key, { cells: [i], first: i });
    }
    for (const group of groups.values()) {
      const coords = (cells[group.first] as Cell).coords.map((c, j) => (j === dim ? variant(c) : c));
      lines.push({ cells: group.cells, totalPublished: totalPublished(coords) });
    }
  }
  return lines;
}
