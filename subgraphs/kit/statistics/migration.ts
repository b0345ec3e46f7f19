import type { QueryRunner } from 'typeorm';

/**
 * The tables, functions and triggers that keep an authority's statistics in the writing transaction.
 *
 * `stats_fact` (a view the authority writes) states what each person counts as; `stats_member` remembers
 * where each one was counted; `stats_count` holds the counts. Row triggers on the base tables move a person
 * from one count to another in the same transaction as the change, so the counts are never stale and never need
 * a scan. `txid` tells readers which counts changed since they last looked (subgraphs/kit/statistics/cube.ts).
 * Bulk loads pause the triggers and call stats_rebuild() (bulkLoad.ts BULK_LOAD_TRIGGERS).
 */
export interface StatisticsSchema {
  /** `SELECT <person id> AS person_id, <key columns...> FROM ... WHERE <counted>`. */
  factSql: string;
  /** The key columns of the counts, in order, with their SQL types. */
  keys: ReadonlyArray<readonly [string, string]>;
  /** The base tables whose changes move a person: trigger name, table, the column holding the person id, and
   * the columns whose change can move a person (other updates skip the trigger). */
  triggers: ReadonlyArray<{ name: string; table: string; person: string; columns: readonly string[] }>;
}

export async function createStatistics(q: QueryRunner, s: StatisticsSchema): Promise<void> {
  const names = s.keys.map(([name]) => name);
  const list = names.join(', ');
  const tuple = (alias: string) => `(${names.map((n) => `${alias}.${n}`).join(', ')})`;
  const keyColumns = s.keys.map(([name, type]) => `${name} ${type} NOT NULL`).join(', ');
  await q.query(`CREATE VIEW stats_fact AS ${s.factSql}`);
  await q.query(`CREATE TABLE stats_member (person_id bigint PRIMARY KEY, ${keyColumns})`);
  await q.query(`
    CREATE TABLE stats_count (
      ${keyColumns},
      persons integer NOT NULL CHECK (persons >= 0),
      txid bigint NOT NULL,
      PRIMARY KEY (${list})
    )`);
  await q.query(`CREATE INDEX stats_count_txid ON stats_count (txid)`);
  await q.query(`
    CREATE FUNCTION stats_refresh(pid bigint) RETURNS void LANGUAGE plpgsql AS $$
    DECLARE
      o stats_member%ROWTYPE;
      n stats_member%ROWTYPE;
      had boolean;
      has boolean;
      tx bigint := pg_current_xact_id()::text::bigint;
    BEGIN
      SELECT * INTO o FROM stats_member WHERE person_id = pid;
      had := FOUND;
      SELECT * INTO n FROM stats_fact WHERE person_id = pid;
      has := FOUND;
      IF had AND has AND ${tuple('o')} = ${tuple('n')} THEN
        RETURN;
      END IF;
      IF had THEN
        UPDATE stats_count SET persons = persons - 1, txid = tx WHERE (${list}) = ${tuple('o')};
        DELETE FROM stats_member WHERE person_id = pid;
      END IF;
      IF has THEN
        INSERT INTO stats_count VALUES (${names.map((n) => `n.${n}`).join(', ')}, 1, tx)
        ON CONFLICT (${list}) DO UPDATE SET persons = stats_count.persons + 1, txid = tx;
        INSERT INTO stats_member SELECT (n).*;
      END IF;
    END $$`);
  for (const t of s.triggers) {
    await q.query(`
      CREATE FUNCTION ${t.name}_moved() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_OP <> 'INSERT' THEN PERFORM stats_refresh(OLD.${t.person}); END IF;
        IF TG_OP = 'INSERT' OR (TG_OP = 'UPDATE' AND NEW.${t.person} <> OLD.${t.person}) THEN PERFORM stats_refresh(NEW.${t.person}); END IF;
        RETURN NULL;
      END $$`);
    await q.query(
      `CREATE TRIGGER ${t.name} AFTER INSERT OR UPDATE OF ${[t.person, ...t.columns].join(', ')} OR DELETE ON ${t.table}
       FOR EACH ROW EXECUTE FUNCTION ${t.name}_moved()`,
    );
  }
  // A full recount: after a bulk load, or to repair. Counts that drop to zero stay as rows so readers see them change.
  await q.query(`
    CREATE FUNCTION stats_rebuild() RETURNS void LANGUAGE plpgsql AS $$
    DECLARE tx bigint := pg_current_xact_id()::text::bigint;
    BEGIN
      LOCK TABLE stats_count IN EXCLUSIVE MODE;
      TRUNCATE stats_member;
      INSERT INTO stats_member SELECT * FROM stats_fact;
      UPDATE stats_count SET persons = 0, txid = tx WHERE persons <> 0;
      INSERT INTO stats_count SELECT ${list}, count(*), tx FROM stats_member GROUP BY ${list}
      ON CONFLICT (${list}) DO UPDATE SET persons = excluded.persons, txid = tx;
    END $$`);
  // Year-end snapshots for the trend: the counts as they stood when the year closed, never changed afterwards.
  await q.query(`CREATE TABLE stats_snapshot_taken (year int PRIMARY KEY, taken_on date NOT NULL)`);
  await q.query(`
    CREATE TABLE stats_snapshot (
      year int NOT NULL REFERENCES stats_snapshot_taken (year),
      ${keyColumns},
      persons integer NOT NULL CHECK (persons > 0),
      PRIMARY KEY (year, ${list})
    )`);
  await q.query(`
    CREATE FUNCTION stats_take_snapshot(y int, taken date) RETURNS boolean LANGUAGE plpgsql AS $$
    BEGIN
      INSERT INTO stats_snapshot_taken VALUES (y, taken) ON CONFLICT (year) DO NOTHING;
      IF NOT FOUND THEN RETURN false; END IF;
      INSERT INTO stats_snapshot SELECT y, ${list}, persons FROM stats_count WHERE persons > 0;
      RETURN true;
    END $$`);
  await q.query(`SELECT stats_rebuild()`);
}

export async function dropStatistics(q: QueryRunner, s: StatisticsSchema): Promise<void> {
  for (const t of s.triggers) {
    await q.query(`DROP TRIGGER ${t.name} ON ${t.table}`);
    await q.query(`DROP FUNCTION ${t.name}_moved()`);
  }
  await q.query(`DROP FUNCTION stats_take_snapshot(int, date), stats_rebuild(), stats_refresh(bigint)`);
  await q.query(`DROP TABLE stats_snapshot, stats_snapshot_taken, stats_count, stats_member`);
  await q.query(`DROP VIEW stats_fact`);
}
