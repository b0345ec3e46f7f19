/**
 * A daily query budget per analyst, kept by each authority that answers statistics in its own database.
 *
 * Cell key perturbation does not stop an analyst from averaging many pairs of cells whose true difference is the
 * same (docs/disclosure-control.md); a budget bounds how many tables one analyst can ask for in a day. Every table
 * field asked spends one, whether it is answered, refused or sent from a kept answer, in one atomic statement on
 * the authority's database, so replicas and concurrent requests share one exact count. The day is the calendar
 * day in Japan; the budget renews at midnight JST.
 */
import type { DataSource } from 'typeorm';
import type { Env } from '../../../runtime/env';
import { japanDay } from '../../../runtime/japanDay';
import { userError } from '../errors';
import type { Principal } from '../../../runtime/principal';

/** Table fields one analyst may ask of one authority per day, unless STATISTICS_DAILY_QUERIES says otherwise. */
export const DEFAULT_STATISTICS_DAILY_QUERIES = 10_000;

export interface StatisticsBudgetOptions {
  /** Table fields per analyst per day; 0 means no budget. */
  daily: number;
  /** The time now, in ms since the epoch (tests move it to the next day). */
  now?: () => number;
}

/** STATISTICS_DAILY_QUERIES: a whole number, 0 for no budget; unset or empty for the default. */
export function statisticsBudgetFromEnv(env: Env): StatisticsBudgetOptions {
  const raw = env.STATISTICS_DAILY_QUERIES;
  if (raw === undefined || raw === '') return { daily: DEFAULT_STATISTICS_DAILY_QUERIES };
  const daily = Number(raw);
  if (!Number.isSafeInteger(daily) || daily < 0) throw new Error(`STATISTICS_DAILY_QUERIES must be a whole number (0: no budget), not "${raw}"`);
  return { daily };
}

/**
 * Spends `tables` of the principal's budget for today, or refuses with STATISTICS_BUDGET_SPENT (nothing spent) when
 * that would go over it. One statement: the row is created or raised only while the sum stays within the budget.
 *
 * The statement commits without waiting for its write-ahead log to reach the disk (`synchronous_commit` off for
 * its own transaction only), so a statistics request does not wait for a flush here as well as for its query-log
 * row. The spend is visible to every replica the moment it commits, so the count stays exact. Only a crash of the
 * database can lose it, and only until the next flush (the WAL writer's, or a commit that waits): the request's
 * query-log row is written after it and waits for its own flush, which carries the spend with it (the log is
 * written in order). A request whose row was not written was not answered. The setting holds for the transaction
 * the statement runs in, so it runs alone, never inside a caller's transaction.
 */
export async function spendStatisticsBudget(db: DataSource, principal: Principal, tables: number, options: StatisticsBudgetOptions): Promise<void> {
  if (options.daily === 0 || tables === 0) return;
  const { day, renewsAt } = japanDay((options.now ?? Date.now)());
  const spent = () =>
    userError('STATISTICS_BUDGET_SPENT', `The daily budget of ${options.daily} statistics tables is spent; it renews at ${renewsAt}`, {
      budget: options.daily,
      renewsAt,
      // A refusal like any other statistics error: the gateway relays it as a GraphQL error, not an outage.
      http: { status: 200 },
    });
  if (tables > options.daily) throw spent();
  const rows: unknown[] = await db.query(
    `INSERT INTO statistics_budget AS b (principal, day, used)
     SELECT $1, $2, $3 FROM (SELECT set_config('synchronous_commit', 'off', true)) AS this_transaction_only
     ON CONFLICT (principal, day) DO UPDATE SET used = b.used + excluded.used WHERE b.used + excluded.used <= $4
     RETURNING used`,
    [principal.sub, day, tables, options.daily],
  );
  if (rows.length === 0) throw spent();
}
