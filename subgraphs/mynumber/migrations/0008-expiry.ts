import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The expiry sweep (expiry.ts) finds the cards and functions whose date has passed among those still live: partial
 * indexes on the last valid day keep that an index range scan at 10 million holders, not a scan of every card.
 */
export class Expiry1764288000008 implements MigrationInterface {
  name = 'Expiry1764288000008';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE INDEX my_number_card_live_until ON my_number_card (valid_until) WHERE status IN ('ACTIVE', 'SUSPENDED')`);
    await q.query(`CREATE INDEX card_function_live_until ON card_function (valid_until) WHERE status IN ('ACTIVE', 'SUSPENDED')`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX card_function_live_until`);
    await q.query(`DROP INDEX my_number_card_live_until`);
  }
}
