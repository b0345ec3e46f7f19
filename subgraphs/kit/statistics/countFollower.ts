/**
 * Following the database's counts: the database holds them (kept in the writing transaction, see
 * kit/statistics/migration.ts); this reads every count once into the store, then what changed, before every query
 * and every `pollMs`. A late commit is never missed (see read()); counts are absolute, so reading one twice is
 * harmless.
 */
import type { DataSource, EntityManager } from 'typeorm';
import { sourced, type SourcedDatabase } from '../database';
import type { CountStore } from './countStore';
import type { FactSource } from './source';

/** Rows per fetch when every count is read (at start, and for each year-end snapshot): some 20 MB of row objects. */
const FIRST_READ_BATCH = 50_000;

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
    private readonly firstReadBatch = FIRST_READ_BATCH,
  ) {
    if (!Number.isSafeInteger(firstReadBatch) || firstReadBatch < 1) throw new Error(`A batch is a whole number of rows, not ${firstReadBatch}`);
  }

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
      // Every count, a batch at a time: read as one result, a national table's 1.6 million rows were
      // some 600 MB of row objects, alive together, so the engine raised its heap limit for them and kept them
      // as garbage long after the start (and a container's memory limit would have had to hold them).
      await on.transaction(async (m) => {
        await m.query(`DECLARE every_count NO SCROLL CURSOR FOR ${select}`);
        for (;;) {
          const rows: CountRow[] = await m.query(`FETCH ${this.firstReadBatch} FROM every_count`);
          read += this.apply(rows);
          if (rows.length < this.firstReadBatch) break;
        }
        await m.query('CLOSE every_count');
      });
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
