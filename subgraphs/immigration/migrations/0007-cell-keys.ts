import type { MigrationInterface, QueryRunner } from 'typeorm';
import { addCellKeys, dropCellKeys } from '../../kit/statistics/cellKeyMigration';
import { IMMIGRATION_STATISTICS } from './0004-statistics';

/**
 * Record keys and key sums for cell key perturbation (kit/statistics/cellKeyMigration.ts). The pseudonym is the
 * My Number, as the resident registry spells it, so a person has the same record key in both authorities; a
 * resident without a resident record (no My Number) is counted by the ISA alone, under its own record id. Learning
 * a My Number changes the key, so `my_number` now moves a person too.
 */
export class CellKeys1764288000007 implements MigrationInterface {
  name = 'CellKeys1764288000007';

  async up(q: QueryRunner): Promise<void> {
    await addCellKeys(q, IMMIGRATION_STATISTICS, {
      personTable: 'foreign_resident',
      pseudonymSql: `coalesce('my-number:' || p.my_number, 'isa:' || p.id)`,
      triggers: IMMIGRATION_STATISTICS.triggers.map((t) => (t.table === 'foreign_resident' ? { ...t, columns: [...t.columns, 'my_number'] } : t)),
    });
  }

  async down(q: QueryRunner): Promise<void> {
    await dropCellKeys(q, IMMIGRATION_STATISTICS);
  }
}
