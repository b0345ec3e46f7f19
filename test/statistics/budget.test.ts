import { keysDir, loadOrCreateKeyPair } from '../../runtime/keys';
import { signPrincipal } from '../../runtime/principal';
import { spendStatisticsBudget } from '../../subgraphs/kit/statistics/budget';
import { startStack, type Stack } from '../harness';

/**
 * The daily statistics budget, attacked: an analyst who wants more tables than the budget allows floods one
 * authority, asks kept answers again, hides tables in fragments and spreads the queries over replicas.
 */

const BUDGET = 5;
/** 23:59 on 28 November in Japan; the budget renews a minute later. */
let now = Date.parse('2026-11-28T14:59:00Z');

let stack: Stack;

beforeAll(async () => {
  stack = await startStack({ persons: 200, statisticsBudget: { daily: BUDGET, now: () => now } });
});
afterAll(() => stack?.stop());

const ISA_TABLE = `query ($groupBy: [StatisticsDimension!]!) { foreignResidentStatistics(groupBy: $groupBy) { total } }`;
const REGISTRY_TABLE = `query ($groupBy: [StatisticsDimension!]!) { residentRegistryStatistics(groupBy: $groupBy) { total } }`;
const GROUPINGS = [['SEX'], ['NATIONALITY'], ['PREFECTURE'], ['RESIDENT_CLASS'], ['AGE_BAND'], ['SEX', 'AGE_BAND'], ['SEX', 'NATIONALITY']];

type Body = { data?: Record<string, unknown> | null; errors?: Array<{ message: string; extensions?: Record<string, unknown> }> };

async function ask(token: string, query: string, groupBy: string[] = ['SEX']): Promise<{ status: number; body: Body }> {
  return (await stack.query(token, query, { groupBy })) as { status: number; body: Body };
}

/** How each answer ended: `ok`, or the code of its first error. */
const outcomes = (answers: Array<{ body: Body }>) =>
  answers.map(({ body }) => (body.errors ? String(body.errors[0]?.extensions?.code) : 'ok')).sort();

const expected = (ok: number, spent: number) => [...Array<string>(ok).fill('ok'), ...Array<string>(spent).fill('STATISTICS_BUDGET_SPENT')].sort();

async function logged(authority: 'immigration' | 'registry', principal: string): Promise<Record<string, number>> {
  const rows = (await stack.dbs[authority].query(
    `SELECT outcome, count(*)::int AS n FROM access_log WHERE action = 'statistics' AND principal = $1 GROUP BY outcome`,
    [principal],
  )) as Array<{ outcome: string; n: number }>;
  return Object.fromEntries(rows.map((r) => [r.outcome, r.n]));
}

test("the start's warm-up, which writes answers as an analyst would, leaves nothing logged and spends no budget", async () => {
  for (const authority of ['immigration', 'registry'] as const) {
    const statisticsRows = (await stack.dbs[authority].query(`SELECT count(*)::int AS n FROM access_log WHERE action = 'statistics'`)) as Array<{ n: number }>;
    expect(statisticsRows[0]!.n).toBe(0);
    const anyRow = (await stack.dbs[authority].query(`SELECT count(*)::int AS n FROM access_log WHERE principal = 'statistics-warm-up'`)) as Array<{ n: number }>;
    expect(anyRow[0]!.n).toBe(0);
    expect(await stack.dbs[authority].query(`SELECT * FROM statistics_budget`)).toEqual([]);
  }
});

test('a flood from one analyst gets exactly the budget answered; the rest are refused, logged, and no one else is', async () => {
  const flooder = await stack.token('analyst', { sub: 'analyst-flood' });
  const flood = await Promise.all(Array.from({ length: 20 }, (_, i) => ask(flooder, ISA_TABLE, GROUPINGS[i % GROUPINGS.length])));

  expect(outcomes(flood)).toEqual(expected(BUDGET, 20 - BUDGET));
  // A refusal is a GraphQL error like the other statistics errors: HTTP 200, the code, the budget and when it renews.
  expect(flood.map((a) => a.status)).toEqual(Array(20).fill(200));
  const refusal = flood.find((a) => a.body.errors)!.body;
  expect(refusal.data ?? null).toBeNull();
  expect(refusal.errors).toEqual([
    {
      message: expect.stringContaining('midnight Japan time'),
      extensions: expect.objectContaining({ code: 'STATISTICS_BUDGET_SPENT', budget: BUDGET, renewsAt: '2026-11-29T00:00:00+09:00' }),
    },
  ]);
  expect(await logged('immigration', 'analyst-flood')).toEqual({ ok: BUDGET, STATISTICS_BUDGET_SPENT: 20 - BUDGET });
  expect(await stack.dbs.immigration.query(`SELECT used FROM statistics_budget WHERE principal = 'analyst-flood'`)).toEqual([{ used: BUDGET }]);

  // Another analyst, and the same analyst at the other authority, each have their own budget.
  const other = await stack.token('analyst', { sub: 'analyst-other' });
  expect(outcomes([await ask(other, ISA_TABLE)])).toEqual(['ok']);
  expect(outcomes([await ask(flooder, REGISTRY_TABLE)])).toEqual(['ok']);
  expect(outcomes([await ask(flooder, ISA_TABLE)])).toEqual(['STATISTICS_BUDGET_SPENT']);
});

test('a kept answer asked again spends the budget like a new one', async () => {
  const analyst = await stack.token('analyst', { sub: 'analyst-again' });
  const kept = async () => (await stack.metrics.immigration.statisticsResponses.get()).values.find((v) => v.labels.served === 'kept')?.value ?? 0;
  const keptBefore = await kept();
  const answers = [];
  for (let i = 0; i < BUDGET + 2; i++) answers.push(await ask(analyst, ISA_TABLE, ['SEX', 'RESIDENT_CLASS']));
  expect(answers.map((a) => outcomes([a])[0])).toEqual([...Array<string>(BUDGET).fill('ok'), 'STATISTICS_BUDGET_SPENT', 'STATISTICS_BUDGET_SPENT']);
  // Every answer after the first was sent from the kept one.
  expect((await kept()) - keptBefore).toBe(BUDGET - 1);
});

test('every table in an operation spends one, aliased or inside a fragment; an operation over the budget spends nothing', async () => {
  // Straight to the ISA's subgraph, with a principal signed as the gateway signs it: the authority counts what it is asked.
  const keys = await loadOrCreateKeyPair(keysDir(stack.dataDir), 'gateway');
  const principal = await signPrincipal({ sub: 'analyst-fragments', role: 'analyst', agency: 'ISA', purpose: 'statistics' }, 'immigration', keys.privateKey, keys.kid);
  const direct = async (query: string) => {
    const res = await fetch(stack.subgraphUrls.immigration, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-principal': principal, 'x-request-id': 'budget-fragments' },
      body: JSON.stringify({ query }),
    });
    return { status: res.status, body: (await res.json()) as Body };
  };
  const two = `query { ...Tables ... on Query { c: foreignResidentStatistics(groupBy: [NATIONALITY]) { total } } }
    fragment Tables on Query { a: foreignResidentStatistics(groupBy: [SEX]) { total } b: foreignResidentStatistics(groupBy: [AGE_BAND]) { total } }`;
  const one = `query { foreignResidentStatistics(groupBy: [SEX]) { total } }`;
  // Three tables each: 3, then 3 more would be 6 (refused, nothing spent), then the two left one by one.
  expect(outcomes([await direct(two)])).toEqual(['ok']);
  const over = await direct(two);
  expect(over.status).toBe(200);
  expect(outcomes([over])).toEqual(['STATISTICS_BUDGET_SPENT']);
  expect(outcomes([await direct(one)])).toEqual(['ok']);
  expect(outcomes([await direct(one)])).toEqual(['ok']);
  expect(outcomes([await direct(one)])).toEqual(['STATISTICS_BUDGET_SPENT']);
  // A refused operation is logged with one row per table it asked.
  expect(await logged('immigration', 'analyst-fragments')).toEqual({ ok: 3 + 2, STATISTICS_BUDGET_SPENT: 3 + 1 });
});

test('two servers of one authority on the same database share one budget', async () => {
  const replica = await stack.startReplica('immigration');
  const keys = await loadOrCreateKeyPair(keysDir(stack.dataDir), 'gateway');
  const principal = await signPrincipal({ sub: 'analyst-replicas', role: 'analyst', agency: 'ISA', purpose: 'statistics' }, 'immigration', keys.privateKey, keys.kid);
  const answers = await Promise.all(
    Array.from({ length: 16 }, async (_, i) => {
      const res = await fetch(i % 2 === 0 ? stack.subgraphUrls.immigration : replica, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-principal': principal, 'x-request-id': `budget-replicas-${i}` },
        body: JSON.stringify({ query: ISA_TABLE, variables: { groupBy: GROUPINGS[i % GROUPINGS.length] } }),
      });
      return { server: i % 2, body: (await res.json()) as Body };
    }),
  );
  expect(outcomes(answers)).toEqual(expected(BUDGET, 16 - BUDGET));
  // Both servers answered and both refused: the count is the database's, not either process's.
  for (const server of [0, 1]) {
    expect(outcomes(answers.filter((a) => a.server === server))).toContain('STATISTICS_BUDGET_SPENT');
  }
});

test('the budget renews at midnight in Japan', async () => {
  const analyst = await stack.token('analyst', { sub: 'analyst-flood' });
  now = Date.parse('2026-11-28T14:59:59.999Z');
  expect(outcomes([await ask(analyst, ISA_TABLE)])).toEqual(['STATISTICS_BUDGET_SPENT']);

  now = Date.parse('2026-11-28T15:00:00Z'); // 00:00 on 29 November, JST
  const day2 = await Promise.all(Array.from({ length: BUDGET + 3 }, (_, i) => ask(analyst, ISA_TABLE, GROUPINGS[i % GROUPINGS.length])));
  expect(outcomes(day2)).toEqual(expected(BUDGET, 3));
  const refusal = day2.find((a) => a.body.errors)!.body;
  expect(refusal.errors?.[0]?.extensions).toEqual(expect.objectContaining({ budget: BUDGET, renewsAt: '2026-11-30T00:00:00+09:00' }));
  expect(
    await stack.dbs.immigration.query(`SELECT to_char(day, 'YYYY-MM-DD') AS day, used FROM statistics_budget WHERE principal = 'analyst-flood' ORDER BY day`),
  ).toEqual([
    { day: '2026-11-28', used: BUDGET },
    { day: '2026-11-29', used: BUDGET },
  ]);
});

test('a spend turns off the wait for its flush in its own transaction only, and counts exactly', async () => {
  // The spend turns synchronous_commit off for its own transaction. Set for the session instead, every later
  // commit on that connection (the access log's rows among them) would stop waiting for the disk too.
  const runner = stack.dbs.immigration.createQueryRunner();
  try {
    const oneConnection = { query: (sql: string, params?: unknown[]) => runner.query(sql, params) } as unknown as Parameters<typeof spendStatisticsBudget>[0];
    const principal = { sub: 'analyst-one-connection', role: 'analyst' as const, agency: 'ISA', purpose: 'statistics', requestId: 'r' };
    expect(await runner.query('SHOW synchronous_commit')).toEqual([{ synchronous_commit: 'on' }]);
    await spendStatisticsBudget(oneConnection, principal, 2, { daily: 3, now: () => now });
    expect(await runner.query('SHOW synchronous_commit')).toEqual([{ synchronous_commit: 'on' }]);
    // A refused spend (2 + 2 > 3) changes nothing either, and the count stays exact.
    await expect(spendStatisticsBudget(oneConnection, principal, 2, { daily: 3, now: () => now })).rejects.toMatchObject({ extensions: { code: 'STATISTICS_BUDGET_SPENT' } });
    expect(await runner.query('SHOW synchronous_commit')).toEqual([{ synchronous_commit: 'on' }]);
    await spendStatisticsBudget(oneConnection, principal, 1, { daily: 3, now: () => now });
    expect(await runner.query(`SELECT used FROM statistics_budget WHERE principal = 'analyst-one-connection'`)).toEqual([{ used: 3 }]);
    // Inside an open transaction, the spend's setting can be seen before the commit: the statement did turn the
    // wait off (this is also why it must never run inside a caller's transaction). Rolled back, nothing stays.
    await runner.startTransaction();
    await spendStatisticsBudget(oneConnection, { ...principal, sub: 'analyst-in-transaction' }, 1, { daily: 3, now: () => now });
    expect(await runner.query('SHOW synchronous_commit')).toEqual([{ synchronous_commit: 'off' }]);
    await runner.rollbackTransaction();
    expect(await runner.query('SHOW synchronous_commit')).toEqual([{ synchronous_commit: 'on' }]);
    expect(await runner.query(`SELECT used FROM statistics_budget WHERE principal = 'analyst-in-transaction'`)).toEqual([]);
  } finally {
    await runner.release();
  }
});

test('a read of the counts that fails costs that answer, never the authority, whether the budget lets it through or not', async () => {
  // The request's read of the counts runs beside the budget: make it fail (the year ends on record cannot be read).
  const analyst = await stack.token('analyst', { sub: 'analyst-broken-read' });
  expect(outcomes([await ask(analyst, ISA_TABLE, ['SEX', 'AGE_BAND'])])).toEqual(['ok']);
  await stack.dbs.immigration.query(`ALTER TABLE stats_snapshot_taken RENAME TO stats_snapshot_taken_away`);
  let broken: Array<{ status: number; body: Body }>;
  try {
    // Kept, new, and (once the budget is spent) refused: none answered from counts that were not read.
    broken = [];
    // (Groupings no other test asks, so that only the first is kept.)
    const fresh = [['NATIONALITY', 'AGE_BAND'], ['PREFECTURE', 'AGE_BAND'], ['RESIDENT_CLASS', 'AGE_BAND']];
    for (const groupBy of [['SEX', 'AGE_BAND'], ...fresh, ...fresh]) broken.push(await ask(analyst, ISA_TABLE, groupBy));
  } finally {
    await stack.dbs.immigration.query(`ALTER TABLE stats_snapshot_taken_away RENAME TO stats_snapshot_taken`);
  }
  // The kept answer's check and the resolver both wait for the read: each a failed field, the kept one too (not a
  // failed call to the ISA, which the gateway reports as AUTHORITY_UNAVAILABLE); past the budget, the refusal.
  expect(broken.map(({ body }) => [body.data ?? null, body.errors?.map((e) => e.extensions?.code)])).toEqual([
    ...Array(4).fill([null, ['INTERNAL_SERVER_ERROR']]),
    ...Array(3).fill([null, ['STATISTICS_BUDGET_SPENT']]),
  ]);
  // Repaired, the authority answers again (another analyst: this one's budget is spent).
  const other = await stack.token('analyst', { sub: 'analyst-after-repair' });
  expect(outcomes([await ask(other, ISA_TABLE, ['PREFECTURE', 'AGE_BAND'])])).toEqual(['ok']);
});
