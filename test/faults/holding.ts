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
