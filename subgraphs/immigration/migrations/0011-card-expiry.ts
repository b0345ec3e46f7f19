import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The expiry sweep (expiry.ts) finds the VALID cards whose last valid day has passed: a partial index on the last
 * valid day keeps that an index range scan among millions of cards, not a scan of every card each hour.
 */
export class CardExpiry1764288000011 implements MigrationInterface {
  name = 'CardExpiry1764288000011';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE INDEX residence_card_valid_until ON residence_card (valid_until, number) WHERE status = 'VALID'`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX residence_card_valid_until`);
  }
}
