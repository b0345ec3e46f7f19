/**
 * What an authority counts, as its statistics read it: the table of detailed counts in the database, its columns,
 * and how each dimension it answers is read from them. Each authority declares one (e.g. immigration/statistics.ts).
 */
import type { StatisticsDimension } from '../../../schema/statistics';

/** How a dimension is read from the detailed counts: a column, and how its codes map (e.g. birth year to age band). */
export interface DimensionSource {
  column: string;
  map?: (code: string, context: { referenceYear: number }) => string;
}

/** What one authority counts: the table of detailed counts and the dimensions it can answer. */
export interface FactSource {
  table: string;
  /** Columns of the detailed counts, in the table's key order. */
  columns: readonly string[];
  countColumn: string;
  /** The column of each count's key sum: its persons' record keys added up modulo 2^32 (perturbation.ts). */
  keyColumn: string;
  dimensions: Readonly<Partial<Record<StatisticsDimension, DimensionSource>>>;
  /** Where the dimensions this authority does not hold are counted (said in the error). */
  elsewhere: string;
  /**
   * Coarser tables kept in memory beside the detailed counts (each the columns it keeps), so a query adds up the
   * smallest table holding its dimensions. Chosen so every table small enough to answer fits one of them.
   */
  summaries?: ReadonlyArray<readonly string[]>;
}
