/**
 * Table arithmetic: the dense tables of counts a query is answered from, and the plain loops that add kept counts
 * up into one, roll a finer table up into a coarser one, and find the coarser cell a line of a table adds up to.
 * Pure functions of their arguments; the cache that owns the tables is tableCache.ts.
 */
import { DIMENSION_PARENT, STATISTICS_DIMENSIONS, type StatisticsDimension } from '../../../schema/statistics';
import type { CountTable } from './counts';

/** A dimension's codes in a table: its code list, then codes met in the counts that are not in it (by text). */
export interface CodeSpace {
  codes: readonly string[];
  index: ReadonlyMap<string, number>;
  /** Each code of the dimension's column (by dictionary number) mapped to its code's number here. */
  projection: Int32Array;
  /** The dictionary size and the reference year the space was made for. */
  dictionarySize: number;
  year: number;
}

/**
 * A table of counts (the persons counted by some dimensions), dense: a count for every combination of its
 * dimensions' codes, in code order (see suppression.ts), so no cell objects are made and a coarser table's cell
 * is found by arithmetic.
 */
export interface Cuboid {
  version: number;
  year: number;
  dims: readonly StatisticsDimension[];
  spaces: readonly CodeSpace[];
  strides: readonly number[];
  counts: Int32Array;
  /** Per cell, the sum of its persons' record keys modulo 2^32: its cell key. */
  keys: Int32Array;
  /** Per cell, 1 when suppressed; unset while the table's coarser tables are being decided. */
  suppressed?: Uint8Array;
  computedAt: number;
  /** Took long to compute: may be served for STALE_MS (tableCache.ts) after the counts change. */
  expensive: boolean;
}

export function stridesOf(spaces: readonly CodeSpace[]): number[] {
  const strides = new Array<number>(spaces.length);
  for (let d = spaces.length - 1, stride = 1; d >= 0; d--) {
    strides[d] = stride;
    stride *= (spaces[d] as CodeSpace).codes.length;
  }
  return strides;
}

/**
 * How a line of `table` along dimension `dim` finds its total in `coarser`: per dimension of `table`, each code
 * number's term in the coarser table's position (-1: the code is not there, so the total is empty), `dim`'s
 * terms by variant (`variants`: the coarser table's codes for them; null: the line's total drops `dim`).
 */
export function termsInto(coarser: Cuboid, table: Cuboid, dim: number, variants: readonly string[] | null): Array<Int32Array | null> {
  const term = (codes: readonly string[], dimension: StatisticsDimension): Int32Array => {
    const at = coarser.dims.indexOf(dimension);
    const space = coarser.spaces[at] as CodeSpace;
    const stride = coarser.strides[at] as number;
    return Int32Array.from(codes, (code) => {
      const n = space.index.get(code);
      return n === undefined ? -1 : n * stride;
    });
  };
  return table.dims.map((dimension, d) => {
    if (d !== dim) return term((table.spaces[d] as CodeSpace).codes, dimension);
    return variants ? term(variants, (DIMENSION_PARENT[dimension] as { parent: StatisticsDimension }).parent) : null;
  });
}

/**
 * Sums kept counts into a new table: a row's cell is the sum of one term per dimension (its code's number times the
 * stride). `columns`: per dimension of the table, its column in the cube's column list; `target`: zeroed
 * positions, one per row of `from`.
 */
export function addUp(target: Int32Array, from: CountTable, columns: readonly number[], table: Cuboid): void {
  table.spaces.forEach((space, d) => {
    const column = from.codes[from.columns.indexOf(columns[d] as number)] as Int32Array;
    addColumnTerms(target, space.projection.map((n) => n * (table.strides[d] as number)), column);
  });
  scatter(target, from.counts, from.keys, table);
}

/**
 * Adds a finer table's counts up into a coarser one (dimensions dropped, or replaced by their parent). `target`:
 * zeroed positions, one per cell of `from`.
 */
export function rollUp(target: Int32Array, from: Cuboid, to: Cuboid): void {
  from.dims.forEach((dimension, d) => {
    const codes = (from.spaces[d] as CodeSpace).codes;
    let at = to.dims.indexOf(dimension);
    let of = (code: string) => code;
    if (at < 0) {
      at = to.dims.findIndex((t) => DIMENSION_PARENT[dimension]?.parent === t);
      if (at < 0) return; // dropped: adds nothing to the position
      of = (DIMENSION_PARENT[dimension] as { of: (code: string) => string }).of;
    }
    const space = to.spaces[at] as CodeSpace;
    const stride = to.strides[at] as number;
    const terms = Int32Array.from(codes, (code) => {
      const n = space.index.get(of(code));
      if (n === undefined) throw new Error(`${of(code)} is not in the code space of ${to.dims[at]}`);
      return n * stride;
    });
    addDigitTerms(target, terms, from.strides[d] as number);
  });
  scatter(target, from.counts, from.keys, to);
}

/*
 * Adding up, by dimension rather than by row: each source row's cell in the new table is the sum of one term per
 * dimension, so a pass per dimension adds its term to every row's position, then one pass adds each row's count
 * and key sum there. The same three loops serve every number of dimensions, so they are compiled by the first
 * tables asked (or the warm-up) and never met cold by a table of a new shape.
 */

/** Kept counts: adds `terms[column[row]]` to each row's position. */
function addColumnTerms(target: Int32Array, terms: Int32Array, column: Int32Array): void {
  for (let row = 0; row < target.length; row++) target[row] += terms[column[row] as number] as number;
}

/**
 * A dense table: its cells run through a dimension's codes in blocks of `stride` cells (the dimensions after it),
 * round and round; adds the code's term to each cell's position.
 */
function addDigitTerms(target: Int32Array, terms: Int32Array, stride: number): void {
  const size = target.length;
  for (let position = 0; position < size; ) {
    for (let code = 0; code < terms.length; code++) {
      const term = terms[code] as number;
      const end = position + stride;
      for (; position < end; position++) target[position] += term;
    }
  }
}

/** Adds each source row's count and key sum into its cell (key sums wrap modulo 2^32, as an Int32Array does). */
function scatter(target: Int32Array, counts: Int32Array, keys: Int32Array, to: Cuboid): void {
  const dense = to.counts;
  const denseKeys = to.keys;
  for (let row = 0; row < target.length; row++) {
    const at = target[row] as number;
    dense[at] += counts[row] as number;
    denseKeys[at] += keys[row] as number;
  }
}

/** Whether the coarser cell a line adds up to is published (an absent cell holds nobody: nothing to hide). */
export function isPublished(coarser: Cuboid, terms: ReadonlyArray<Int32Array | null>, line: Int32Array): boolean {
  let at = 0;
  for (let d = 0; d < terms.length; d++) {
    const term = terms[d];
    if (!term) continue;
    const n = term[line[d] as number] as number;
    if (n < 0) return true;
    at += n;
  }
  return (coarser.suppressed as Uint8Array)[at] === 0;
}

/**
 * The dimensions of a query's table, in contract order, without a parent whose child is there too (the child
 * determines it, so it adds no cells).
 */
export function canonical(dimensions: readonly StatisticsDimension[]): StatisticsDimension[] {
  const set = new Set(dimensions);
  return STATISTICS_DIMENSIONS.filter(
    (d) => set.has(d) && !STATISTICS_DIMENSIONS.some((child) => set.has(child) && DIMENSION_PARENT[child]?.parent === d),
  );
}
