import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * One resident record per residence card, and one My Number per registration however often it is sent.
 *
 * - `resident.registered_with_card`: the card number presented at registration (the resident record of a card
 *   holder carries it, 住民基本台帳法 30条の45), unique: a card recorded once is not recorded again, also while the
 *   ISA has not yet heard of the first registration and so still finds the card's holder unregistered.
 * - `registration_claim`: the resident record code (住民票コード) a municipality's registration of a card asks J-LIS
 *   for a My Number with, claimed before J-LIS is asked. The same registration tried again, or sent twice at once,
 *   asks with the same code and gets the same number (J-LIS's assignment is idempotent per code). Per
 *   municipality: J-LIS records the number under the municipality that asked, whose clerks then act for the person.
 */
export class RegistrationClaims1764288000012 implements MigrationInterface {
  name = 'RegistrationClaims1764288000012';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE resident ADD COLUMN registered_with_card char(12) UNIQUE`);
    await q.query(`
      CREATE TABLE registration_claim (
        residence_card_number char(12) NOT NULL CHECK (residence_card_number ~ '^[A-Z]{2}[0-9]{8}[A-Z]{2}$'),
        municipality_code char(6) NOT NULL,
        resident_record_code char(11) NOT NULL UNIQUE CHECK (resident_record_code ~ '^[0-9]{11}$'),
        claimed_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (residence_card_number, municipality_code)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE registration_claim`);
    await q.query(`ALTER TABLE resident DROP COLUMN registered_with_card`);
  }
}
