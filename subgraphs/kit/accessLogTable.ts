import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The access log every authority keeps of reads of personal data and of changes (番号法 23条: who asked, who
 * provided, when, about whom, which items, why, with what outcome). Append-only and hash-chained: each row's
 * hash covers the previous row's hash and the row's own canonical text, so an altered, removed or inserted
 * row breaks the chain (`npm run audit:verify`). Only rows past the retention period may be purged, oldest
 * first, through `purge_access_log`.
 */
export class AccessLog1764288000003 implements MigrationInterface {
  name = 'AccessLog1764288000003';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE access_log (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        at timestamptz NOT NULL DEFAULT clock_timestamp(),
        request_id text NOT NULL,
        principal text NOT NULL,
        role text NOT NULL,
        agency text NOT NULL,
        provider text NOT NULL,
        subject text,
        items text[] NOT NULL,
        purpose text NOT NULL,
        action text NOT NULL,
        outcome text NOT NULL,
        prev_hash text NOT NULL,
        hash text NOT NULL
      )`);
    await q.query(`CREATE INDEX access_log_subject ON access_log (subject, id) WHERE subject IS NOT NULL`);
    await q.query(`CREATE TABLE access_log_head (id int PRIMARY KEY CHECK (id = 1), hash text NOT NULL)`);
    await q.query(`INSERT INTO access_log_head VALUES (1, repeat('0', 64))`);
    // The canonical text of a row; audit:verify rebuilds the same text outside the database.
    await q.query(`
      CREATE FUNCTION access_log_canonical(r access_log) RETURNS text LANGUAGE sql IMMUTABLE AS $$
        SELECT concat_ws('|', r.id::text, to_char(r.at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
                         r.request_id, r.principal, r.role, r.agency, r.provider, coalesce(r.subject, ''),
                         array_to_string(r.items, ','), r.purpose, r.action, r.outcome)
      $$`);
    await q.query(`
      CREATE FUNCTION access_log_chain() RETURNS trigger LANGUAGE plpgsql AS $$
      DECLARE previous text;
      BEGIN
        SELECT hash INTO previous FROM access_log_head WHERE id = 1 FOR UPDATE;
        NEW.prev_hash := previous;
        NEW.hash := encode(sha256(convert_to(previous || '|' || access_log_canonical(NEW), 'UTF8')), 'hex');
        UPDATE access_log_head SET hash = NEW.hash WHERE id = 1;
        RETURN NEW;
      END $$`);
    await q.query(`CREATE TRIGGER access_log_chain BEFORE INSERT ON access_log FOR EACH ROW EXECUTE FUNCTION access_log_chain()`);
    await q.query(`
      CREATE FUNCTION access_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_OP = 'DELETE' AND current_setting('access_log.purge', true) = 'on' THEN RETURN OLD; END IF;
        RAISE EXCEPTION 'access_log is append-only';
      END $$`);
    await q.query(
      `CREATE TRIGGER access_log_append_only BEFORE UPDATE OR DELETE ON access_log FOR EACH ROW EXECUTE FUNCTION access_log_append_only()`,
    );
    await q.query(`CREATE TRIGGER access_log_no_truncate BEFORE TRUNCATE ON access_log EXECUTE FUNCTION access_log_append_only()`);
    await q.query(`
      CREATE FUNCTION purge_access_log(older_than timestamptz) RETURNS bigint LANGUAGE plpgsql AS $$
      DECLARE removed bigint;
      BEGIN
        PERFORM set_config('access_log.purge', 'on', true);
        DELETE FROM access_log WHERE at < older_than;
        GET DIAGNOSTICS removed = ROW_COUNT;
        PERFORM set_config('access_log.purge', 'off', true);
        RETURN removed;
      END $$`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE access_log`);
    await q.query(`DROP TABLE access_log_head`);
    await q.query(`DROP FUNCTION access_log_chain(), access_log_append_only(), purge_access_log(timestamptz)`);
  }
}
