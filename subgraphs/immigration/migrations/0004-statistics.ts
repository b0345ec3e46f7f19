import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Statistics maintained in the writing transaction. `stats_fact` states what each foreign resident counts as;
 * `stats_member` remembers where each one was counted; `stats_count` holds the counts. Row triggers on the
 * two base tables move a resident from one count to another in the same transaction as the change, so the
 * counts are never stale and never need a scan. `txid` tells readers which counts changed since they last
 * looked (see subgraphs/kit/statistics/cube.ts). Bulk loads pause the triggers and call stats_rebuild().
 *
 * Counted: the foreign residents of ISA's statistics (在留外国人: mid-to-long-term and special permanent
 * residents), unless the card in force was returned or revoked (the person has left). `my_number_card_held` is what J-LIS last told the ISA through its events (a standalone
 * My Number card issued, or its function ended), the one fact the card arrangement needs from J-LIS.
 */
export class Statistics1764288000004 implements MigrationInterface {
  name = 'Statistics1764288000004';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE foreign_resident ADD COLUMN my_number_card_held boolean NOT NULL DEFAULT false`);
    await q.query(`
      CREATE VIEW stats_fact AS
      SELECT f.id AS resident_id,
             f.resident_class,
             coalesce(f.status_of_residence, 'NONE') AS status,
             f.nationality,
             coalesce(f.municipality_code::text, 'NONE') AS municipality,
             f.sex,
             extract(year FROM f.birth_date)::int AS birth_year,
             coalesce(c.kind, 'NONE') AS card_kind,
             CASE
               WHEN c.status IS DISTINCT FROM 'VALID' THEN 'NONE'
               WHEN c.kind IN ('SPECIFIC_RESIDENCE_CARD', 'SPECIFIC_SPECIAL_PERMANENT_RESIDENT_CERTIFICATE') THEN 'SPECIFIC_CARD'
               WHEN f.my_number_card_held THEN 'SEPARATE_CARDS'
               ELSE 'RESIDENCE_CARD_ONLY'
             END AS arrangement
      FROM foreign_resident f
      LEFT JOIN residence_card c ON c.resident_id = f.id AND c.status <> 'SUPERSEDED'
      WHERE f.resident_class IN ('MID_TO_LONG_TERM', 'SPECIAL_PERMANENT')
        AND (c.status IS NULL OR c.status NOT IN ('RETURNED', 'REVOKED'))`);
    const keyColumns = `resident_class text NOT NULL, status text NOT NULL, nationality text NOT NULL, municipality text NOT NULL,
        sex text NOT NULL, birth_year int NOT NULL, card_kind text NOT NULL, arrangement text NOT NULL`;
    await q.query(`CREATE TABLE stats_member (resident_id bigint PRIMARY KEY, ${keyColumns})`);
    await q.query(`
      CREATE TABLE stats_count (
        ${keyColumns},
        persons integer NOT NULL CHECK (persons >= 0),
        txid bigint NOT NULL,
        PRIMARY KEY (resident_class, status, nationality, municipality, sex, birth_year, card_kind, arrangement)
      )`);
    await q.query(`CREATE INDEX stats_count_txid ON stats_count (txid)`);
    await q.query(`
      CREATE FUNCTION stats_refresh(rid bigint) RETURNS void LANGUAGE plpgsql AS $$
      DECLARE
        o stats_member%ROWTYPE;
        n stats_member%ROWTYPE;
        had boolean;
        has boolean;
        tx bigint := pg_current_xact_id()::text::bigint;
      BEGIN
        SELECT * INTO o FROM stats_member WHERE resident_id = rid;
        had := FOUND;
        SELECT * INTO n FROM stats_fact WHERE resident_id = rid;
        has := FOUND;
        IF had AND has AND (o.resident_class, o.status, o.nationality, o.municipality, o.sex, o.birth_year, o.card_kind, o.arrangement)
                         = (n.resident_class, n.status, n.nationality, n.municipality, n.sex, n.birth_year, n.card_kind, n.arrangement) THEN
          RETURN;
        END IF;
        IF had THEN
          UPDATE stats_count SET persons = persons - 1, txid = tx
           WHERE (resident_class, status, nationality, municipality, sex, birth_year, card_kind, arrangement)
               = (o.resident_class, o.status, o.nationality, o.municipality, o.sex, o.birth_year, o.card_kind, o.arrangement);
          DELETE FROM stats_member WHERE resident_id = rid;
        END IF;
        IF has THEN
          INSERT INTO stats_count VALUES (n.resident_class, n.status, n.nationality, n.municipality, n.sex, n.birth_year, n.card_kind, n.arrangement, 1, tx)
          ON CONFLICT (resident_class, status, nationality, municipality, sex, birth_year, card_kind, arrangement)
          DO UPDATE SET persons = stats_count.persons + 1, txid = tx;
          INSERT INTO stats_member SELECT (n).*;
        END IF;
      END $$`);
    await q.query(`
      CREATE FUNCTION stats_on_resident() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_OP <> 'INSERT' THEN PERFORM stats_refresh(OLD.id); END IF;
        IF TG_OP <> 'DELETE' AND (TG_OP = 'INSERT' OR NEW.id <> OLD.id) THEN PERFORM stats_refresh(NEW.id); END IF;
        RETURN NULL;
      END $$`);
    await q.query(`
      CREATE FUNCTION stats_on_card() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_OP <> 'INSERT' THEN PERFORM stats_refresh(OLD.resident_id); END IF;
        IF TG_OP <> 'DELETE' AND (TG_OP = 'INSERT' OR NEW.resident_id <> OLD.resident_id) THEN PERFORM stats_refresh(NEW.resident_id); END IF;
        RETURN NULL;
      END $$`);
    await q.query(
      `CREATE TRIGGER stats_resident AFTER INSERT OR UPDATE OR DELETE ON foreign_resident FOR EACH ROW EXECUTE FUNCTION stats_on_resident()`,
    );
    await q.query(`CREATE TRIGGER stats_card AFTER INSERT OR UPDATE OR DELETE ON residence_card FOR EACH ROW EXECUTE FUNCTION stats_on_card()`);
    // A full recount: after a bulk load, or to repair. Counts that drop to zero stay as rows so readers see them change.
    await q.query(`
      CREATE FUNCTION stats_rebuild() RETURNS void LANGUAGE plpgsql AS $$
      DECLARE tx bigint := pg_current_xact_id()::text::bigint;
      BEGIN
        LOCK TABLE stats_count IN EXCLUSIVE MODE;
        TRUNCATE stats_member;
        INSERT INTO stats_member SELECT * FROM stats_fact;
        UPDATE stats_count SET persons = 0, txid = tx WHERE persons <> 0;
        INSERT INTO stats_count
          SELECT resident_class, status, nationality, municipality, sex, birth_year, card_kind, arrangement, count(*), tx
          FROM stats_member
          GROUP BY resident_class, status, nationality, municipality, sex, birth_year, card_kind, arrangement
        ON CONFLICT (resident_class, status, nationality, municipality, sex, birth_year, card_kind, arrangement)
        DO UPDATE SET persons = excluded.persons, txid = tx;
      END $$`);
    await q.query(`SELECT stats_rebuild()`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TRIGGER stats_card ON residence_card`);
    await q.query(`DROP TRIGGER stats_resident ON foreign_resident`);
    await q.query(`DROP FUNCTION stats_rebuild(), stats_on_card(), stats_on_resident(), stats_refresh(bigint)`);
    await q.query(`DROP TABLE stats_count, stats_member`);
    await q.query(`DROP VIEW stats_fact`);
    await q.query(`ALTER TABLE foreign_resident DROP COLUMN my_number_card_held`);
  }
}
