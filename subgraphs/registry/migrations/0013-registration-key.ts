import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The key a counter sent a card holder's registration with, and the municipality that sent it
 * (`resident.registration_request_key`, `<municipality>:<key>`), kept with the resident it recorded: the same send
 * again from that municipality, after its answer was lost, is answered with the resident instead of the ISA's
 * refusal of a card registered already (registry/commands.ts, sentBefore). Residents recorded before this
 * migration, without a card or without a key have none. A nullable column without a default rewrites no row; its
 * check reads the table once, under the lock the migration holds (every row is null).
 */
export class RegistrationKey1764288000013 implements MigrationInterface {
  name = 'RegistrationKey1764288000013';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE resident ADD COLUMN registration_request_key text CHECK (registration_request_key ~ '^[0-9]{6}:[A-Za-z0-9_-]{1,64}$')`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE resident DROP COLUMN registration_request_key`);
  }
}
