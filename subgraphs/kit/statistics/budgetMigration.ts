import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The analysts' daily statistics budgets (kit/statistics/budget.ts): tables asked per principal per day in Japan.
 * Rows of past days are never read again; they stay as a record of use.
 */
export class StatisticsBudget1764288000010 implements MigrationInterface {
  name = 'StatisticsBudget1764288000010';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE statistics_budget (
        principal text NOT NULL,
        day date NOT NULL,
        used integer NOT NULL CHECK (used > 0),
        PRIMARY KEY (principal, day)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE statistics_budget`);
  }
}
