import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A My Number is kept under no municipality from its assignment until the registry's event says which municipality
 * recorded its resident (`ResidentRegistered`): a registration that failed after J-LIS answered, or a try from
 * another municipality, gives no municipality's clerks a hold on the number. Numbers held already keep theirs.
 */
export class RecordedMunicipality1764288000012 implements MigrationInterface {
  name = 'RecordedMunicipality1764288000012';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE my_number ALTER COLUMN municipality_code DROP NOT NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE my_number ALTER COLUMN municipality_code SET NOT NULL`);
  }
}
