import type { DataSource } from 'typeorm';

/**
 * Runs `work` while another session of `db` holds what `statement` takes (a table lock, a row's lock) in a
 * transaction left open, as an operator's or a slow clerk's would be; the transaction is rolled back afterwards.
 */
export async function holding<T>(db: DataSource, statement: string, params: unknown[], work: () => Promise<T>): Promise<T> {
  const other = db.createQueryRunner();
  await other.connect();
  try {
    await other.query('BEGIN');
    await other.query(statement, params);
    return await work();
  } finally {
    await other.query('ROLLBACK');
    await other.release();
  }
}

/**
 * Waits until `n` sessions of `db`'s server queue for a lock (PostgreSQL: pg_locks), so an interleaving is certain.
 * Advisory locks are not counted: the relays and sequencers of every subgraph wait on those in turn.
 */
export async function waitingForLocks(db: DataSource, n: number): Promise<void> {
  for (let tries = 0; tries < 200; tries++) {
    const [{ count }] = await db.query(`SELECT count(DISTINCT pid)::int AS count FROM pg_locks WHERE NOT granted AND locktype <> 'advisory'`);
    if (count >= n) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`${n} sessions never waited for a lock`);
}

/** Runs `work` while every row inserted into `db`'s access log is refused by a trigger (an operator's). */
export async function refusingLogRows<T>(db: DataSource, work: () => Promise<T>): Promise<T> {
  await db.query(`CREATE FUNCTION refuse_row() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'refused'; END $$`);
  await db.query(`CREATE TRIGGER refuse_row BEFORE INSERT ON access_log FOR EACH ROW EXECUTE FUNCTION refuse_row()`);
  try {
    return await work();
  } finally {
    await db.query(`DROP TRIGGER refuse_row ON access_log`);
    await db.query(`DROP FUNCTION refuse_row()`);
  }
}
