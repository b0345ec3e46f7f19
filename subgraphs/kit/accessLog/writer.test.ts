import type { DataSource } from 'typeorm';
import { createMetrics } from '../../../runtime/metrics';
import type { Principal } from '../../../runtime/principal';
import { suiteDatabases } from '../../../test/suiteDatabases';
import { migrations } from '../../mynumber/migrations';
import { openDatabase } from '../database';
import { AccessLogWriter } from './writer';

/**
 * Group commit puts the rows of concurrent requests into one INSERT. A request whose rows the server cannot store
 * (a claim holding NUL, which PostgreSQL text cannot hold) must fail alone, not take the others of its group with
 * it: a caller who could do that would make every read that shares its commits fail. On the embedded database,
 * and on PostgreSQL when MYNUMBER_DATABASE_URL is set.
 */
const databases = suiteDatabases('mynumber', migrations);
let db: DataSource;
beforeAll(async () => {
  ({ db } = await databases.fresh('writer'));
});

const principal = (sub: string) => ({ sub, role: 'MUNICIPAL_CLERK', agency: 'municipality:131016', purpose: 'IDENTITY_VERIFICATION', requestId: sub }) as unknown as Principal;
const row = (subject: string) => ({ subject, items: ['Person.name'], action: 'READ', outcome: 'ALLOWED' });

test('rows the server refuses fail their own request only, not the others of its commit', async () => {
  const writer = new AccessLogWriter(db, 'mynumber');
  // The first append goes out alone; the six that ask meanwhile wait for it and go out together, the bad one among them.
  const first = ['a', 'b', 'c', 'd'].map((n) => writer.append(principal(`clerk-${n}`), [row(`person-${n}`)]));
  const bad = writer.append(principal('clerk-\u0000'), [row('person-bad')]);
  const after = ['e', 'f'].map((n) => writer.append(principal(`clerk-${n}`), [row(`person-${n}`)]));
  const outcomes = await Promise.allSettled([...first, bad, ...after]);
  expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'fulfilled', 'fulfilled', 'fulfilled', 'rejected', 'fulfilled', 'fulfilled']);
  const stored = (await db.query(`SELECT subject FROM access_log ORDER BY subject`)) as Array<{ subject: string }>;
  expect(stored.map((r) => r.subject)).toEqual(['person-a', 'person-b', 'person-c', 'person-d', 'person-e', 'person-f']);
});

test('one append at a time: every request that asks while one is written shares the next commit', async () => {
  const writer = new AccessLogWriter(db, 'mynumber');
  const names = ['g', 'h', 'i', 'j', 'k', 'l', 'm', 'n'];
  await Promise.all(names.map((n) => writer.append(principal(`clerk-${n}`), [row(`person-${n}`)])));
  // Rows of one INSERT share its transaction id: the first request's rows go alone, the other seven together.
  const groups = (await db.query(
    `SELECT count(*)::int AS rows FROM access_log WHERE subject = ANY($1) GROUP BY xmin::text ORDER BY min(id)`,
    [names.map((n) => `person-${n}`)],
  )) as Array<{ rows: number }>;
  expect(groups.map((g) => g.rows)).toEqual([1, 7]);
});

const onPostgres = process.env.MYNUMBER_DATABASE_URL ? test : test.skip;

onPostgres('a log that cannot be written fails every request waiting on it at once, then takes rows again', async () => {
  const { url } = await databases.fresh('writerstall');
  const statements = createMetrics('writer-stall').dbStatements;
  const stalled = await openDatabase({ authority: 'mynumber', url, migrations: [], statements, accessLogTimeoutMs: 300 });
  const operator = stalled.createQueryRunner();
  try {
    const writer = new AccessLogWriter(stalled, 'mynumber');
    await operator.connect();
    await operator.query('BEGIN');
    await operator.query('LOCK TABLE access_log IN SHARE MODE');
    // The first append waits on the lock; the others ask meanwhile. All fail with the one cancelled INSERT (57014),
    // not each after an append of its own.
    const first = writer.append(principal('clerk-o'), [row('person-o')]).catch((err: unknown) => err);
    const waiting = ['p', 'q', 'r'].map((n) => writer.append(principal(`clerk-${n}`), [row(`person-${n}`)]).catch((err: unknown) => err));
    const refusal = await first;
    expect((refusal as { code?: string }).code).toBe('57014');
    for (const other of waiting) expect(await other).toBe(refusal);
    await operator.query('ROLLBACK');
    await writer.append(principal('clerk-s'), [row('person-s')]);
    const stored = (await stalled.query(`SELECT subject FROM access_log ORDER BY id`)) as Array<{ subject: string }>;
    expect(stored.map((r) => r.subject)).toEqual(['person-s']);
  } finally {
    await operator.release();
    await stalled.destroy();
  }
});
