import type { QueryRunner } from 'typeorm';
import { createStatistics, dropStatistics, type StatisticsSchema } from './migration';

/**
 * Record keys and per-cell key sums beside the counts (cell key perturbation, perturbation.ts).
 *
 * `stats_fact` gains each person's `record_key`: the first 32 bits of HMAC-SHA-256 of their pseudonym under the
 * secret in `stats_secret` (recordKey.ts installs it; 0 until it does), computed with the server's own sha256 so
 * no extension is needed. `stats_member` remembers the key each person was counted with, and `stats_count` (and
 * the year-end `stats_snapshot`) keep `key_sum`, the sum of their cell's record keys modulo 2^32, moved by the
 * same row triggers in the same transaction as the counts.
 */
export interface CellKeySchema {
  /** The person table the fact view reads (its primary key is the fact's `person_id`). */
  personTable: string;
  /** SQL over that table (alias `p`) giving the pseudonym both authorities derive the same way. */
  pseudonymSql: string;
  /** Triggers to recreate because a column of the pseudonym now moves a person (the ISA learning a My Number). */
  triggers?: StatisticsSchema['triggers'];
}

const MOD = '4294967296';

export async function addCellKeys(q: QueryRunner, s: StatisticsSchema, c: CellKeySchema): Promise<void> {
  const names = s.keys.map(([name]) => name);
  const list = names.join(', ');
  const tuple = (alias: string) => `(${[...names, 'record_key'].map((n) => `${alias}.${n}`).join(', ')})`;
  const where = (alias: string) => `(${list}) = (${names.map((n) => `${alias}.${n}`).join(', ')})`;
  await q.query(`
    CREATE TABLE stats_secret (
      only_row boolean PRIMARY KEY DEFAULT true CHECK (only_row),
      fingerprint text NOT NULL,
      inner_pad bytea NOT NULL,
      outer_pad bytea NOT NULL
    )`);
  // HMAC-SHA-256(K, m) = H((K xor opad) || H((K xor ipad) || m)); its first four bytes as an unsigned integer
  // (one expression, so the planner inlines it).
  await q.query(`
    CREATE FUNCTION stats_record_key(pseudonym text, inner_pad bytea, outer_pad bytea) RETURNS bigint
    LANGUAGE sql IMMUTABLE AS $$
      SELECT coalesce(('x' || encode(substring(sha256(outer_pad || sha256(inner_pad || convert_to(pseudonym, 'UTF8'))) FROM 1 FOR 4), 'hex'))::bit(32)::bigint, 0)
    $$`);
  await q.query(`
    CREATE OR REPLACE VIEW stats_fact AS
    SELECT v.*, stats_record_key(k.pseudonym, s.inner_pad, s.outer_pad) AS record_key
    FROM (${s.factSql}) v
    JOIN (SELECT p.id, ${c.pseudonymSql} AS pseudonym FROM ${c.personTable} p) k ON k.id = v.person_id
    LEFT JOIN stats_secret s ON true`);
  await q.query(`ALTER TABLE stats_member ADD COLUMN record_key bigint NOT NULL DEFAULT 0`);
  await q.query(`ALTER TABLE stats_count ADD COLUMN key_sum bigint NOT NULL DEFAULT 0 CHECK (key_sum >= 0 AND key_sum < ${MOD})`);
  // Year ends taken before there were record keys get no key sum here (NULL): recordKey.ts gives each of their
  // cells a keyed one once the secret is installed, so no published year end is perturbed predictably.
  await q.query(`ALTER TABLE stats_snapshot ADD COLUMN key_sum bigint`);
  await q.query(`
    CREATE OR REPLACE FUNCTION stats_refresh(pid bigint) RETURNS void LANGUAGE plpgsql AS $$
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
        UPDATE stats_count SET persons = persons - 1, key_sum = (key_sum - o.record_key + ${MOD}) % ${MOD}, txid = tx WHERE ${where('o')};
        DELETE FROM stats_member WHERE person_id = pid;
      END IF;
      IF has THEN
        INSERT INTO stats_count (${list}, persons, key_sum, txid) VALUES (${names.map((n) => `n.${n}`).join(', ')}, 1, n.record_key, tx)
        ON CONFLICT (${list}) DO UPDATE SET persons = stats_count.persons + 1, key_sum = (stats_count.key_sum + excluded.key_sum) % ${MOD}, txid = tx;
        INSERT INTO stats_member SELECT (n).*;
      END IF;
    END $$`);
  await q.query(`
    CREATE OR REPLACE FUNCTION stats_rebuild() RETURNS void LANGUAGE plpgsql AS $$
    DECLARE tx bigint := pg_current_xact_id()::text::bigint;
    BEGIN
      LOCK TABLE stats_count IN EXCLUSIVE MODE;
      TRUNCATE stats_member;
      INSERT INTO stats_member SELECT * FROM stats_fact;
      UPDATE stats_count SET persons = 0, key_sum = 0, txid = tx WHERE persons <> 0 OR key_sum <> 0;
      INSERT INTO stats_count (${list}, persons, key_sum, txid)
      SELECT ${list}, count(*), sum(record_key) % ${MOD}, tx FROM stats_member GROUP BY ${list}
      ON CONFLICT (${list}) DO UPDATE SET persons = excluded.persons, key_sum = excluded.key_sum, txid = tx;
    END $$`);
  await q.query(`
    CREATE OR REPLACE FUNCTION stats_take_snapshot(y int, taken date) RETURNS boolean LANGUAGE plpgsql AS $$
    BEGIN
      INSERT INTO stats_snapshot_taken VALUES (y, taken) ON CONFLICT (year) DO NOTHING;
      IF NOT FOUND THEN RETURN false; END IF;
      INSERT INTO stats_snapshot (year, ${list}, persons, key_sum) SELECT y, ${list}, persons, key_sum FROM stats_count WHERE persons > 0;
      RETURN true;
    END $$`);
  for (const t of c.triggers ?? []) {
    await q.query(`DROP TRIGGER ${t.name} ON ${t.table}`);
    await q.query(
      `CREATE TRIGGER ${t.name} AFTER INSERT OR UPDATE OF ${[t.person, ...t.columns].join(', ')} OR DELETE ON ${t.table}
       FOR EACH ROW EXECUTE FUNCTION ${t.name}_moved()`,
    );
  }
  await q.query(`SELECT stats_rebuild()`);
}

/** Back to the counts without keys: rebuilt from scratch, the year-end snapshots kept. */
export async function dropCellKeys(q: QueryRunner, s: StatisticsSchema): Promise<void> {
  const list = s.keys.map(([name]) => name).join(', ');
  await q.query(`CREATE TEMP TABLE kept_snapshot_taken AS SELECT * FROM stats_snapshot_taken`);
  await q.query(`CREATE TEMP TABLE kept_snapshot AS SELECT year, ${list}, persons FROM stats_snapshot`);
  await dropStatistics(q, s);
  await q.query(`DROP FUNCTION stats_record_key(text, bytea, bytea)`);
  await q.query(`DROP TABLE stats_secret`);
  await createStatistics(q, s);
  await q.query(`INSERT INTO stats_snapshot_taken SELECT * FROM kept_snapshot_taken`);
  await q.query(`INSERT INTO stats_snapshot (year, ${list}, persons) SELECT year, ${list}, persons FROM kept_snapshot`);
  await q.query(`DROP TABLE kept_snapshot, kept_snapshot_taken`);
}
