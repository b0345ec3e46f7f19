import type { DataSource } from 'typeorm';
import { DEFAULT_STATISTICS_DAILY_QUERIES, spendStatisticsBudget, statisticsBudgetFromEnv } from './budget';

test('STATISTICS_DAILY_QUERIES: a whole number, 0 for no budget, the default when unset', () => {
  expect(statisticsBudgetFromEnv({})).toEqual({ daily: DEFAULT_STATISTICS_DAILY_QUERIES });
  expect(statisticsBudgetFromEnv({ STATISTICS_DAILY_QUERIES: '' })).toEqual({ daily: DEFAULT_STATISTICS_DAILY_QUERIES });
  expect(statisticsBudgetFromEnv({ STATISTICS_DAILY_QUERIES: '0' })).toEqual({ daily: 0 });
  expect(statisticsBudgetFromEnv({ STATISTICS_DAILY_QUERIES: '250' })).toEqual({ daily: 250 });
  for (const bad of ['-1', '2.5', 'many']) {
    expect(() => statisticsBudgetFromEnv({ STATISTICS_DAILY_QUERIES: bad })).toThrow(`STATISTICS_DAILY_QUERIES must be a whole number (0: no budget), not "${bad}"`);
  }
});

test('a budget of 0 is no budget: nothing is counted', async () => {
  const db = { query: () => Promise.reject(new Error('no statement expected')) } as unknown as DataSource;
  const principal = { sub: 'analyst-1', role: 'analyst' as const, agency: 'none', purpose: 'statistics', requestId: 'r' };
  await expect(spendStatisticsBudget(db, principal, 3, { daily: 0 })).resolves.toBeUndefined();
  await expect(spendStatisticsBudget(db, principal, 3, { daily: 2 })).rejects.toMatchObject({ extensions: { code: 'STATISTICS_BUDGET_SPENT', budget: 2 } });
});
