import type { MigrationInterface, QueryRunner } from 'typeorm';
import { addCellKeys, dropCellKeys } from '../../kit/statistics/cellKeyMigration';
import { REGISTRY_STATISTICS } from './0004-statistics';

/**
 * Record keys and key sums for cell key perturbation (kit/statistics/cellKeyMigration.ts). The pseudonym is the
 * My Number, spelt as the ISA spells it, so a person has the same record key in both authorities.
 */
export class CellKeys1764288000007 implements MigrationInterface {
  name = 'CellKeys1764288000007';

  async up(q: QueryRunner): Promise<void> {
    await addCellKeys(q, REGISTRY_STATISTICS, { personTable: 'resident', pseudonymSql: `'my-number:' || p.my_number` });
  }

  async down(q: QueryRunner): Promise<void> {
    await dropCellKeys(q, REGISTRY_STATISTICS);
  }
}
