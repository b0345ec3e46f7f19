import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * One resident record per residence card, and one My Number per card however often its registration is sent.
 *
 * - `resident.registered_with_card`: the card number presented at registration (the resident record of a card
 *   holder carries it, 住民基本台帳法 30条の45), unique. Residents recorded before this migration have none; the
 *   ISA's check covers them, since it has long since heard of their registration.
 * - `registration_claim`: the resident record code (住民票コード) every send of one registration asks J-LIS for a
 *   My Number with (J-LIS answers one code with one number), claimed by the first send and committed before J-LIS
 *   is asked: a send after a failure, or at the same time, gets the same number. A registration is known by the
 *   card (`card:<number>`, from any municipality), or without a card by the key its counter chose
 *   (`request:<municipality>:<key>`).
 */
export class RegistrationClaims1764288000012 implements MigrationInterface {
  name = 'RegistrationClaims1764288000012';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE resident ADD COLUMN registered_with_card char(12) UNIQUE`);
    await q.query(`
      CREATE TABLE registration_claim (
        claim text PRIMARY KEY CHECK (claim ~ '^(card:[A-Z]{2}[0-9]{8}[A-Z]{2}|request:[0-9]{6}:[A-Za-z0-9_-]{1,64})$'),
        resident_record_code char(11) NOT NULL UNIQUE CHECK (resident_record_code ~ '^[0-9]{11}$'),
        claimed_at timestamptz NOT NULL DEFAULT now()
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE registration_claim`);
    await q.query(`ALTER TABLE resident DROP COLUMN registered_with_card`);
  }
}
