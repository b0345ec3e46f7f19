import type { MigrationInterface, QueryRunner } from 'typeorm';
import { createStatistics, dropStatistics, type StatisticsSchema } from '../../kit/statistics/migration';

/**
 * The resident registry's statistics, kept in the writing transaction (subgraphs/kit/statistics/migration.ts):
 * foreign residents with a resident record in force (all six categories), by category, place, sex and birth year.
 */
export const REGISTRY_STATISTICS: StatisticsSchema = {
  factSql: `
    SELECT r.id AS person_id,
           r.resident_category AS category,
           r.municipality_code::text AS municipality,
           r.sex,
           extract(year FROM r.birth_date)::int AS birth_year
    FROM resident r
    WHERE r.removed_on IS NULL`,
  keys: [
    ['category', 'text'],
    ['municipality', 'text'],
    ['sex', 'text'],
    ['birth_year', 'int'],
  ],
  triggers: [
    { name: 'stats_resident', table: 'resident', person: 'id', columns: ['resident_category', 'municipality_code', 'sex', 'birth_date', 'removed_on'] },
  ],
};

export class Statistics1764288000004 implements MigrationInterface {
  name = 'Statistics1764288000004';

  async up(q: QueryRunner): Promise<void> {
    await createStatistics(q, REGISTRY_STATISTICS);
  }

  async down(q: QueryRunner): Promise<void> {
    await dropStatistics(q, REGISTRY_STATISTICS);
  }
}
