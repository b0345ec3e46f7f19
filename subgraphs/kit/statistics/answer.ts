/**
 * Answering a query from its tables: which queries are answered (dimensions held, codes known, tables within the
 * size limit), and an answer's cells and total read from the query's table and the filter's own table, as
 * published (perturbed, or null where suppressed).
 */
import { DIMENSION_CODES, DIMENSION_PARENT, type StatisticsDimension } from '../../../schema/statistics';
import { userError } from '../errors';
import type { CodeSpaces } from './codeSpaces';
import { publishedCount } from './perturbation';
import type { FactSource } from './source';
import { canonical, type CodeSpace, type Cuboid } from './tables';

export interface StatisticsQuery {
  groupBy: readonly StatisticsDimension[];
  filter: Readonly<Partial<Record<StatisticsDimension, string>>>;
}

/**
 * An answer, held compactly: a kept answer lives as long as its tables, and an object per cell would be copied by
 * every garbage collection until then. Cell k's code on asked dimension g is `codes[g][codeOf[g][k]]`.
 */
export interface StatisticsAnswer {
  /** The persons the filter selects, as published (perturbed); null when that figure itself is suppressed. */
  total: number | null;
  /** Per asked dimension, the codes its cells' numbers refer to. */
  codes: ReadonlyArray<readonly string[]>;
  /** Per asked dimension, each cell's code number in `codes`. */
  codeOf: readonly Int32Array[];
  /** Each cell's published (perturbed) count, one per cell (empty cells are omitted); 0 where suppressed. */
  counts: Int32Array;
  /** 1 where the cell is suppressed. */
  suppressed: Uint8Array;
  suppressedCells: number;
  /** The year ages are counted at (31 December). */
  referenceYear: number;
}

/**
 * The largest table answered, counted as the product of its dimensions' code lists (a filter slices a table, it
 * does not make it smaller). Every two-way table fits; nationality x municipality x status does not. Larger
 * tables would be mostly suppressed cells and would hold a subgraph for seconds.
 */
export const MAX_TABLE_CELLS = 25_000;

/** Validates a query against what `source` counts; returns the dimensions of the table that answers it. */
export function tableOf(query: StatisticsQuery, source: FactSource): StatisticsDimension[] {
  const { groupBy, filter } = query;
  if (new Set(groupBy).size !== groupBy.length) throw userError('STATISTICS_DUPLICATE_DIMENSION', 'A dimension appears twice in groupBy');
  for (const dimension of [...groupBy, ...(Object.keys(filter) as StatisticsDimension[])]) {
    if (!source.dimensions[dimension]) {
      throw userError('STATISTICS_DIMENSION_NOT_HELD', `This authority does not count by ${dimension}; ${source.elsewhere}`, { dimension });
    }
  }
  for (const [dimension, code] of Object.entries(filter) as Array<[StatisticsDimension, string]>) {
    if (!DIMENSION_CODES[dimension].includes(code)) {
      throw userError('STATISTICS_UNKNOWN_CODE', `${code} is not a code of ${dimension}`, { dimension, value: code });
    }
  }
  const reference = canonical([...groupBy, ...(Object.keys(filter) as StatisticsDimension[])]);
  const possible = reference.reduce((product, d) => product * DIMENSION_CODES[d].length, 1);
  if (possible > MAX_TABLE_CELLS) {
    throw userError(
      'STATISTICS_TABLE_TOO_LARGE',
      `A table by ${reference.join(' x ')} has up to ${possible} cells; at most ${MAX_TABLE_CELLS} (group by fewer or coarser dimensions)`,
      { cells: possible, limit: MAX_TABLE_CELLS },
    );
  }
  return reference;
}

/**
 * The answer to `query` from `table` (the counts by `reference`, its dimensions) and `totals` (the filter's own
 * table), both with their suppression decided.
 */
export function answerFrom(
  table: Cuboid,
  totals: Cuboid,
  reference: StatisticsDimension[],
  query: StatisticsQuery,
  spaces: CodeSpaces,
  referenceYear: number,
): StatisticsAnswer {
  const { groupBy, filter } = query;
  const filters = Object.entries(filter) as Array<[StatisticsDimension, string]>;
  // Per dimension of the table, which of its codes the filter keeps (all, when it does not filter that dimension).
  const keeps = table.spaces.map((space, d) => {
    const dimension = reference[d] as StatisticsDimension;
    const parent = DIMENSION_PARENT[dimension];
    const own = filter[dimension];
    const above = parent ? filter[parent.parent] : undefined;
    if (own === undefined && above === undefined) return null;
    return Uint8Array.from(space.codes, (code) => ((own === undefined || code === own) && (above === undefined || parent?.of(code) === above) ? 1 : 0));
  });
  // Per asked dimension, its code for each code of the table dimension it is read from (a parent is derived from its child).
  const reads = groupBy.map((dimension) => {
    const at = reference.indexOf(dimension);
    if (at >= 0) return { at, space: table.spaces[at] as CodeSpace, codes: (table.spaces[at] as CodeSpace).codes };
    const child = reference.findIndex((d) => DIMENSION_PARENT[d]?.parent === dimension);
    const of = (DIMENSION_PARENT[reference[child] as StatisticsDimension] as { of: (code: string) => string }).of;
    return { at: child, space: spaces.of(dimension), codes: (table.spaces[child] as CodeSpace).codes.map(of) };
  });
  const ranks = reads.map(({ space, codes }) => Int32Array.from(codes, (code) => space.index.get(code) as number));
  const dims = table.spaces.length;
  const sizes = table.spaces.map((space) => space.codes.length);
  const strides = table.strides;
  const { counts, keys } = table;
  /** The code number, on dimension `d`, of the cell at `position`. */
  const codeAt = (position: number, d: number) => ((position / (strides[d] as number)) | 0) % (sizes[d] as number);
  const suppressed = table.suppressed as Uint8Array;
  // The kept cells' positions and where each comes in the answer (its asked codes' numbers, in the order asked).
  const picked = new Int32Array(counts.length);
  const order = new Float64Array(counts.length);
  let kept = 0;
  let inOrder = true;
  for (let position = 0; position < counts.length; position++) {
    if (counts[position] === 0) continue;
    let keep = true;
    for (let d = 0; d < dims && keep; d++) {
      const flags = keeps[d];
      if (flags) keep = flags[codeAt(position, d)] === 1;
    }
    if (!keep) continue;
    let rank = 0;
    for (let g = 0; g < reads.length; g++) {
      const read = reads[g] as (typeof reads)[number];
      rank = rank * read.space.codes.length + ((ranks[g] as Int32Array)[codeAt(position, read.at)] as number);
    }
    if (kept > 0 && rank < (order[kept - 1] as number)) inOrder = false;
    picked[kept] = position;
    order[kept++] = rank;
  }
  // Usually already in order (the dimensions asked in contract order); otherwise sorted by rank.
  const sequence = inOrder ? null : Array.from({ length: kept }, (_, k) => k).sort((x, y) => (order[x] as number) - (order[y] as number));
  let suppressedCells = 0;
  const codeOf = reads.map(() => new Int32Array(kept));
  const published = new Int32Array(kept);
  const hiddenAt = new Uint8Array(kept);
  for (let k = 0; k < kept; k++) {
    const position = picked[sequence ? (sequence[k] as number) : k] as number;
    for (let g = 0; g < reads.length; g++) (codeOf[g] as Int32Array)[k] = codeAt(position, (reads[g] as (typeof reads)[number]).at);
    if (suppressed[position] === 1) {
      suppressedCells++;
      hiddenAt[k] = 1;
    } else {
      published[k] = publishedCount(counts[position] as number, keys[position] as number);
    }
  }

  // The total: the filter's own cell of its own table (the grand total without a filter); absent, nobody.
  let at = 0;
  for (let d = 0; d < totals.dims.length && at >= 0; d++) {
    const n = (totals.spaces[d] as CodeSpace).index.get(filter[totals.dims[d] as StatisticsDimension] as string);
    at = n === undefined ? -1 : at + n * (totals.strides[d] as number);
  }
  // A parent filtered beside its child must be the child's parent, or the filter selects nobody.
  const consistent = filters.every(([d, code]) => totals.dims.includes(d) || deriveParent(totals.dims, filter, d) === code);
  const total =
    at < 0 || !consistent
      ? 0
      : (totals.suppressed as Uint8Array)[at]
        ? null
        : publishedCount(totals.counts[at] as number, totals.keys[at] as number);
  return { total, codes: reads.map((read) => read.codes), codeOf, counts: published, suppressed: hiddenAt, suppressedCells, referenceYear };
}

/** A parent's code in a filter that holds its child instead (`dims`: the filter's canonical dimensions). */
function deriveParent(dims: readonly StatisticsDimension[], filter: StatisticsQuery['filter'], parent: StatisticsDimension): string {
  const child = dims.find((d) => DIMENSION_PARENT[d]?.parent === parent) as StatisticsDimension;
  return (DIMENSION_PARENT[child] as { of: (code: string) => string }).of(filter[child] as string);
}
