import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The access log becomes a Merkle tree log (RFC 9162), replacing the hash chain whose single head row every
 * insert locked until its commit. A row is inserted with no position, by any transaction, with no lock; the
 * sequencer (accessLog/sequencer.ts) later gives each row its leaf index and leaf hash, stores the hashes of the
 * perfect subtrees that become complete (`access_log_node`), and signs checkpoints of the tree
 * (`access_log_checkpoint`) that the other two authorities cosign as witnesses (`access_log_witnessed`). Rows
 * stay append-only: the one update allowed gives an unsequenced row its position and nothing else.
 */
export class AccessLogTree1764288000006 implements MigrationInterface {
  name = 'AccessLogTree1764288000006';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`DROP TRIGGER access_log_chain ON access_log`);
    await q.query(`DROP FUNCTION access_log_chain()`);
    await q.query(`DROP FUNCTION access_log_canonical(access_log)`);
    await q.query(`DROP TABLE access_log_head`);
    await q.query(`DROP TRIGGER access_log_append_only ON access_log`);
    await q.query(`ALTER TABLE access_log DROP COLUMN prev_hash, DROP COLUMN hash, ADD COLUMN leaf_index bigint UNIQUE, ADD COLUMN leaf_hash bytea`);
    await q.query(`CREATE INDEX access_log_unsequenced ON access_log (id) WHERE leaf_index IS NULL`);
    await q.query(`
      CREATE OR REPLACE FUNCTION access_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_OP = 'DELETE' AND current_setting('access_log.purge', true) = 'on' THEN RETURN OLD; END IF;
        IF TG_OP = 'UPDATE' AND OLD.leaf_index IS NULL AND NEW.leaf_index IS NOT NULL AND NEW.leaf_hash IS NOT NULL
           AND (NEW.id, NEW.at, NEW.request_id, NEW.principal, NEW.role, NEW.agency, NEW.provider, NEW.subject, NEW.items,
                NEW.purpose, NEW.action, NEW.outcome)
               IS NOT DISTINCT FROM
               (OLD.id, OLD.at, OLD.request_id, OLD.principal, OLD.role, OLD.agency, OLD.provider, OLD.subject, OLD.items,
                OLD.purpose, OLD.action, OLD.outcome) THEN
          RETURN NEW;
        END IF;
        RAISE EXCEPTION 'access_log is append-only';
      END $$`);
    await q.query(
      `CREATE TRIGGER access_log_append_only BEFORE UPDATE OR DELETE ON access_log FOR EACH ROW EXECUTE FUNCTION access_log_append_only()`,
    );
    await q.query(`DROP FUNCTION purge_access_log(timestamptz)`);
    // Removes the leaves below a tree size (whole leaves, oldest first); the caller computes the size (retention.ts).
    await q.query(`
      CREATE FUNCTION purge_access_log_below(size bigint) RETURNS bigint LANGUAGE plpgsql AS $$
      DECLARE removed bigint;
      BEGIN
        PERFORM set_config('access_log.purge', 'on', true);
        DELETE FROM access_log WHERE leaf_index < size;
        GET DIAGNOSTICS removed = ROW_COUNT;
        PERFORM set_config('access_log.purge', 'off', true);
        RETURN removed;
      END $$`);
    // The tree's size (only the sequencer writes it) and the hashes of its perfect subtrees, kept after a purge.
    await q.query(`CREATE TABLE access_log_tree (id int PRIMARY KEY CHECK (id = 1), size bigint NOT NULL)`);
    await q.query(`INSERT INTO access_log_tree VALUES (1, 0)`);
    await q.query(`CREATE TABLE access_log_node (level smallint NOT NULL, idx bigint NOT NULL, hash bytea NOT NULL, PRIMARY KEY (level, idx))`);
    // This log's signed checkpoints, with the witnesses' cosignatures as they arrive.
    await q.query(`
      CREATE TABLE access_log_checkpoint (
        size bigint PRIMARY KEY,
        root bytea NOT NULL,
        at timestamptz NOT NULL,
        note text NOT NULL,
        signature text NOT NULL,
        cosignatures jsonb NOT NULL DEFAULT '{}'
      )`);
    // As a witness: every checkpoint of the other authorities' logs this authority cosigned, and the ones it refused.
    await q.query(`
      CREATE TABLE access_log_witnessed (
        origin text NOT NULL,
        size bigint NOT NULL,
        root bytea NOT NULL,
        at timestamptz NOT NULL,
        note text NOT NULL,
        signature text NOT NULL,
        cosigned_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (origin, size)
      )`);
    await q.query(`
      CREATE TABLE access_log_refused (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        origin text NOT NULL,
        at timestamptz NOT NULL DEFAULT now(),
        reason text NOT NULL,
        note text NOT NULL
      )`);
  }

  async down(): Promise<void> {
    throw new Error('The Merkle tree log is not reverted to a hash chain');
  }
}
