/**
 * An authority's statistics, served from memory. The database holds the counts (kept in the writing
 * transaction, see kit/statistics/migration.ts); this keeps a copy of them, reads what changed before every
 * query and every `pollMs`, and answers a query by adding the detailed counts up to the asked dimensions, then
 * applying disclosure control. The parts: countFollower.ts reads the database, countStore.ts holds the counts,
 * tables.ts adds them up, tableCache.ts keeps the tables, answer.ts reads an answer from them.
 */
import type { DataSource, EntityManager } from 'typeorm';
import { DIMENSION_CODES, DISCLOSURE_THRESHOLD, STATISTICS_DIMENSIONS, type StatisticsDimension } from '../../../schema/statistics';
import { answerFrom, tableOf, type StatisticsAnswer, type StatisticsQuery } from './answer';
import { CodeSpaces } from './codeSpaces';
import { CountFollower } from './countFollower';
import { CountStore } from './countStore';
import type { FactSource } from './source';
import { TableCache } from './tableCache';
import { canonical, type Cuboid } from './tables';
import type { YearEndSnapshots } from './trend';

export { MAX_TABLE_CELLS, type StatisticsAnswer, type StatisticsQuery } from './answer';
export type { DimensionSource, FactSource } from './source';
export { canonical } from './tables';

/** Answers kept for repeated questions (dropped all at once when full). */
const MAX_CACHED_ANSWERS = 1000;

export class StatisticsCube {
  private readonly store: CountStore;
  private readonly follower: CountFollower;
  private readonly spaces: CodeSpaces;
  private readonly tables: TableCache;
  private readonly answers = new Map<string, { table: Cuboid; totals: Cuboid; answer: StatisticsAnswer }>();
  /** The year-end snapshots of the same counts, for the trend (set by startStatistics). */
  yearEnds: YearEndSnapshots | null = null;

  constructor(
    db: DataSource,
    readonly source: FactSource,
    /**
     * `referenceYear`: the year ages are counted at (31 December), from the subgraph's clock; `staleMs`: how long an
     * expensive table may answer after a change (STALE_MS, tableCache.ts).
     */
    private readonly options: { referenceYear: () => number; threshold?: number; staleMs?: number },
  ) {
    this.store = new CountStore(source);
    this.follower = new CountFollower(db, source, this.store);
    this.spaces = new CodeSpaces(source, this.store, () => this.referenceYear());
    this.tables = new TableCache(source, this.store, this.spaces, {
      referenceYear: () => this.referenceYear(),
      threshold: this.threshold,
      staleMs: options.staleMs,
    });
  }

  get threshold(): number {
    return this.options.threshold ?? DISCLOSURE_THRESHOLD;
  }

  referenceYear(): number {
    return this.options.referenceYear();
  }

  /** Bumped whenever a count changes; cached tables older than it are recomputed, unless they are found unchanged. */
  get version(): number {
    return this.store.version;
  }

  /** Reads every count, then keeps reading what changed every `pollMs` (queries also read it first). */
  start(pollMs = 1000): Promise<void> {
    return this.follower.start(pollMs);
  }

  stop(): void {
    this.follower.stop();
    this.yearEnds?.stop();
  }

  /** Applies the counts changed since the last read; returns how many rows were read (countFollower.ts). */
  refresh(): Promise<number> {
    return this.follower.refresh();
  }

  /** Runs `work` in the one snapshot the served copy is brought to (countFollower.ts; stats:verify). */
  atSnapshot<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    return this.follower.atSnapshot(work);
  }

  /** Sets one detailed count and its key sum (absolute), and moves the summaries by the difference. */
  set(values: readonly string[], count: number, keySum = 0): void {
    this.store.set(values, count, keySum);
  }

  /** One detailed count, as served (the true count, before perturbation). */
  count(values: readonly string[]): number {
    return this.store.count(values);
  }

  /** One detailed count's key sum, as served. */
  keySum(values: readonly string[]): number {
    return this.store.keySum(values);
  }

  /** The persons counted, all together. */
  total(): number {
    return this.store.total();
  }

  /** Each summary against the detailed counts added up anew: the first `limit` rows where they differ. For `stats:verify`. */
  summaryDifferences(limit: number): Array<{ summary: string; key: string; detail: number; summaryCount: number }> {
    return this.store.summaryDifferences(limit);
  }

  /**
   * Answers a spread of tables once and forgets them: every one- and two-way table, each sliced by a third
   * dimension, so the code that adds up, rolls up, suppresses and answers is compiled before the first query
   * instead of running in the interpreter then. The first ask of a table still computes it.
   */
  warmUp(): void {
    const held = this.heldDimensions();
    for (const [i, a] of held.entries()) {
      for (const b of [null, ...held.slice(i + 1)]) {
        const groupBy = b ? [a, b] : [a];
        const other = held.find((d) => !groupBy.includes(d) && canonical([...groupBy, d]).length === groupBy.length + 1);
        for (const filter of [{}, other ? { [other]: DIMENSION_CODES[other][0] as string } : {}]) {
          try {
            this.answer({ groupBy, filter });
          } catch {
            // too large a table: refused, as a query would be
          }
        }
      }
    }
    this.forgetTables();
  }

  /** The dimensions this authority counts, in contract order. */
  heldDimensions(): StatisticsDimension[] {
    return STATISTICS_DIMENSIONS.filter((d) => this.source.dimensions[d]);
  }

  /** Drops every table and answer computed so far (each is computed again when next asked). */
  forgetTables(): void {
    this.tables.forget();
    this.answers.clear();
  }

  /** Validates a query and answers it from the counts read so far. */
  answer(query: StatisticsQuery): StatisticsAnswer {
    this.tables.settle();
    const reference = tableOf(query, this.source);
    const table = this.tables.cuboid(reference, true);
    // The total is the cell of the filter's own table (the grand total without a filter), under its own control.
    const totals = this.tables.cuboid(canonical(Object.keys(query.filter) as StatisticsDimension[]), true);
    // The same question over the same tables (identical objects: nothing recomputed) has the same answer.
    const question = JSON.stringify([query.groupBy, Object.entries(query.filter).sort()]);
    const known = this.answers.get(question);
    if (known && known.table === table && known.totals === totals) return known.answer;
    const answer = answerFrom(table, totals, reference, query, this.spaces, this.referenceYear());
    if (this.answers.size >= MAX_CACHED_ANSWERS) this.answers.clear();
    this.answers.set(question, { table, totals, answer });
    return answer;
  }

  /** The counts added up to `dimensions` (canonical order), with their suppression; cached until a count changes. */
  cuboid(dimensions: readonly StatisticsDimension[], allowStale = false): Cuboid & { suppressed: Uint8Array } {
    return this.tables.cuboid(dimensions, allowStale);
  }
}

/** A request as statistics see it: the authority's cube, and the read of the database made for the request. */
export interface StatisticsRequest {
  statistics?: StatisticsCube;
  /** Set by readForRequest. */
  statisticsRead?: Promise<void>;
}

/**
 * Reads what changed in the counts, and the year-end snapshots on record, once per request. Every statistics
 * answer of the request, and the check of a kept one, waits for this one read. It starts after the request
 * arrived, so every change committed before the request is in its answers. The read runs while the budget is
 * spent (queryLog.ts), so the request waits for the slower of the two, not for both in turn.
 */
export function readForRequest(request: StatisticsRequest): Promise<void> {
  const cube = request.statistics;
  if (!cube) return Promise.resolve();
  if (!request.statisticsRead) {
    request.statisticsRead = Promise.all([cube.refresh(), cube.yearEnds?.load()]).then(() => undefined);
    // A read nobody waits for (the budget refused the request) must not be an unhandled rejection; those who
    // wait still get its error.
    request.statisticsRead.catch(() => undefined);
  }
  return request.statisticsRead;
}
