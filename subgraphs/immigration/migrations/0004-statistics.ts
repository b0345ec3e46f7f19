import type { MigrationInterface, QueryRunner } from 'typeorm';
import { createStatistics, dropStatistics, type StatisticsSchema } from '../../kit/statistics/migration';

/**
 * The ISA's statistics, kept in the writing transaction (subgraphs/kit/statistics/migration.ts).
 *
 * Counted: the foreign residents of ISA's statistics (在留外国人: mid-to-long-term and special permanent
 * residents), unless the card in force was returned or revoked (the person has left). `my_number_card_held`
 * is what J-LIS last told the ISA through its events (a standalone My Number card issued, or its function
 * ended): the one fact the card arrangement needs from J-LIS.
 */
export const IMMIGRATION_STATISTICS: StatisticsSchema = {
  factSql: `
    SELECT f.id AS person_id,
           f.resident_class,
           coalesce(f.status_of_residence, 'NONE') AS status,
           f.nationality,
           coalesce(f.municipality_code::text, 'NONE') AS municipality,
           f.sex,
           extract(year FROM f.birth_date)::int AS birth_year,
           coalesce(c.kind, 'NONE') AS card_kind,
           CASE
             WHEN c.status IS DISTINCT FROM 'VALID' THEN 'NONE'
             WHEN c.kind IN ('SPECIFIC_RESIDENCE_CARD', 'SPECIFIC_SPECIAL_PERMANENT_RESIDENT_CERTIFICATE') THEN 'SPECIFIC_CARD'
             WHEN f.my_number_card_held THEN 'SEPARATE_CARDS'
             ELSE 'RESIDENCE_CARD_ONLY'
           END AS arrangement
    FROM foreign_resident f
    LEFT JOIN residence_card c ON c.resident_id = f.id AND c.status <> 'SUPERSEDED'
    WHERE f.resident_class IN ('MID_TO_LONG_TERM', 'SPECIAL_PERMANENT')
      AND (c.status IS NULL OR c.status NOT IN ('RETURNED', 'REVOKED'))`,
  keys: [
    ['resident_class', 'text'],
    ['status', 'text'],
    ['nationality', 'text'],
    ['municipality', 'text'],
    ['sex', 'text'],
    ['birth_year', 'int'],
    ['card_kind', 'text'],
    ['arrangement', 'text'],
  ],
  triggers: [
    {
      name: 'stats_resident',
      table: 'foreign_resident',
      person: 'id',
      columns: ['resident_class', 'status_of_residence', 'nationality', 'municipality_code', 'sex', 'birth_date', 'my_number_card_held'],
    },
    { name: 'stats_card', table: 'residence_card', person: 'resident_id', columns: ['kind', 'status'] },
  ],
};

export class Statistics1764288000004 implements MigrationInterface {
  name = 'Statistics1764288000004';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE foreign_resident ADD COLUMN my_number_card_held boolean NOT NULL DEFAULT false`);
    await createStatistics(q, IMMIGRATION_STATISTICS);
  }

  async down(q: QueryRunner): Promise<void> {
    await dropStatistics(q, IMMIGRATION_STATISTICS);
    await q.query(`ALTER TABLE foreign_resident DROP COLUMN my_number_card_held`);
  }
}
