import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The outbox (events this authority owes others) and inbox (events it has applied), in every authority's database. */
export class EventTables1764288000002 implements MigrationInterface {
  name = 'EventTables1764288000002';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE outbox (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        event_id uuid NOT NULL UNIQUE,
        type text NOT NULL,
        aggregate_key text NOT NULL,
        destination text NOT NULL,
        payload jsonb NOT NULL,
        occurred_at timestamptz NOT NULL DEFAULT now(),
        delivered_at timestamptz,
        attempts integer NOT NULL DEFAULT 0,
        next_attempt_at timestamptz NOT NULL DEFAULT now(),
        last_error text,
        parked_at timestamptz
      )`);
    // The relay reads only what is still owed, oldest first per person and destination.
    await q.query(
      `CREATE INDEX outbox_pending ON outbox (destination, aggregate_key, id) WHERE delivered_at IS NULL`,
    );
    await q.query(`
      CREATE TABLE inbox (
        event_id uuid PRIMARY KEY,
        -- Application order, to show that events of one person were applied in the order they were recorded.
        seq bigint GENERATED ALWAYS AS IDENTITY,
        source text NOT NULL,
        type text NOT NULL,
        aggregate_key text NOT NULL,
        -- clock_timestamp: when this event was applied, not when the transaction began.
        applied_at timestamptz NOT NULL DEFAULT clock_timestamp()
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE inbox`);
    await q.query(`DROP TABLE outbox`);
  }
}
