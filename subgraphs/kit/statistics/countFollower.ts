/**
 * Following the database's counts: the database holds them (kept in the writing transaction, see
 * kit/statistics/migration.ts); this reads every count once into the store, then what changed, before every query
 * and every `pollMs`. A late commit is never missed (see read()); counts are absolute, so reading one twice is
 * harmless.
 */
import type { DataSource, EntityManager } from 'typeorm';
import { sourced, type SourcedDatabase } from '../database';
import { BATCH_ROWS, inBatches } from './batches';
import type { CountStore } from './countStore';
import type { FactSource } from './source';

type CountRow = Record<string, unknown>;

export class CountFollower {
  /** The snapshot taken before the last read: transactions not finished then are read again. */
  private seen: { xmax: string; xip: string[] } | null = null;
  private timer: NodeJS.Timeout | undefined;
  private reading: Promise<number> | null = null;
  private following: Promise<number> | null = null;

  constructor(
    private readonly db: DataSource,
    private readonly source: FactSource,
    private readonly store: CountStore,
    /** Rows per fetch of the first read (batches.ts). */
    private readonly firstReadBatch = BATCH_ROWS,
  ) {}

  /** Reads every count, then keeps reading what changed every `pollMs`. */
  async start(pollMs: number): Promise<void> {
    await this.refresh();
    this.timer = setInterval(() => void this.refresh().catch(() => undefined), pollMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  /**
   * Applies the counts changed since the last read; returns how many rows were read. Callers that arrive while
   * a read is running share the one read that starts after it, so each sees every change committed before it
   * asked, and concurrent queries cost one read, not one each.
   */
  refresh(): Promise<number> {
    if (!this.reading) {
      this.reading = this.read(sourced(this.db, 'stats')).finally(() => {
        this.reading = null;
      });
      return this.reading;
    }
    this.following ??= this.reading
      .catch(() => 0)
      .then(() => {
        this.following = null;
        return this.refresh();
      });
    return this.following;
  }

  /**
   * Brings the served copy to one REPEATABLE READ snapshot and runs `work` in that same snapshot before any
   * later change is applied, so what `work` reads from the database and what the copy serves are one moment
   * (stats:verify, while events keep arriving). Reads asked for meanwhile wait for it.
   */
  async atSnapshot<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    while (this.reading) await this.reading.catch(() => 0);
    let result: T | undefined;
    this.reading = this.db
      .transaction('REPEATABLE READ', async (m) => {
        const read = await this.read(m);
        result = await work(m);
        return read;
      })
      .finally(() => {
        this.reading = null;
      });
    await this.reading;
    return result as T;
  }

  /**
   * Takes a snapshot first, then reads the counts written by transactions the previous snapshot did not see as
   * finished: those running then (its xip list) and those started after (>= its xmax). Everything older was
   * already visible to the previous read. A long transaction elsewhere in the cluster costs nothing here.
   */
  private async read(on: SourcedDatabase | EntityManager): Promise<number> {
    const [snapshot]: Array<{ xmax: string; xip: string[] }> = await on.query(
      `SELECT pg_snapshot_xmax(s)::text AS xmax, array(SELECT x::text FROM pg_snapshot_xip(s) AS x) AS xip FROM pg_current_snapshot() AS s`,
    );
    const { table, columns, countColumn, keyColumn } = this.source;
    const select = `SELECT ${columns.join(', ')}, ${countColumn} AS n, ${keyColumn} AS k FROM ${table}`;
    const since = this.seen;
    let read = 0;
    if (since) {
      const rows: CountRow[] = await on.query(`${select} WHERE txid >= $1 OR txid = ANY($2::bigint[])`, [since.xmax, since.xip]);
      this.store.reserve(rows.length);
      read = this.apply(rows);
    } else {
      // Every count, a batch at a time (a savepoint when `on` is already in stats:verify's transaction).
      await on.transaction((m) => inBatches<CountRow>(m, select, (rows) => (read += this.apply(rows)), this.firstReadBatch));
    }
    this.seen = { xmax: (snapshot as { xmax: string }).xmax, xip: (snapshot as { xip: string[] }).xip };
    return read;
  }

  /** Sets each row's count in the store; returns how many rows there were. */
  private apply(rows: CountRow[]): number {
    const { columns } = this.source;
    for (const row of rows) this.store.set(columns.map((c) => String(row[c])), Number(row.n), Number(row.k) | 0);
    return rows.length;
  }
}
