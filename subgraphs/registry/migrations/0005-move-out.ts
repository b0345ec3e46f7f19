import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A recorded move-out (転出, 住民基本台帳法 24条): the destination municipality and the day of the move, kept on the
 * record until the destination records the move-in (転入, 22条). Only that municipality may then act on the person.
 */
export class MoveOut1764288000005 implements MigrationInterface {
  name = 'MoveOut1764288000005';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE resident
        ADD COLUMN move_out_to char(6),
        ADD COLUMN move_out_on date,
        ADD CONSTRAINT resident_move_out CHECK ((move_out_to IS NULL) = (move_out_on IS NULL))`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE resident DROP CONSTRAINT resident_move_out, DROP COLUMN move_out_to, DROP COLUMN move_out_on`);
  }
}
