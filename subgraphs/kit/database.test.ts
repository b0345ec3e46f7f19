import { Client } from 'pg';
import { QueryFailedError, type DataSource, type MigrationInterface } from 'typeorm';
import { createMetrics } from '../../runtime/metrics';
import { eventually } from '../../test/personas';
import { duringStartup, openDatabase, sourced } from './database';

/**
 * `subgraph_db_statements_total{source}` tells a client request's statements from the background tasks' (the
 * benchmark's "SQL per request" and "+ audit" read it), without an AsyncLocalStorage: each background statement
 * runs on a query runner that carries its source. Concurrent requests and tasks must not take each other's label.
 */
let db: DataSource;
const metrics = createMetrics('database-test');

async function counts(): Promise<Record<string, number>> {
  const { values } = await metrics.dbStatements.get();
  return Object.fromEntries(values.map((v) => [v.labels.source as string, v.value]));
}

/** What the statements run by `work` added to each source's count. */
async function added(work: () => Promise<unknown>): Promise<Record<string, number>> {
  const before = await counts();
  await work();
  const after = await counts();
  return Object.fromEntries(Object.entries(after).filter(([k, v]) => v !== (before[k] ?? 0)).map(([k, v]) => [k, v - (before[k] ?? 0)]));
}

beforeAll(async () => {
  // On PostgreSQL when the suite runs there (REGISTRY_DATABASE_URL), else embedded.
  db = await openDatabase({ authority: 'registry', url: process.env.REGISTRY_DATABASE_URL, migrations: [], statements: metrics.dbStatements });
});

afterAll(async () => {
  await db.destroy();
});

it('counts a plain statement as a request, a sourced one under its source', async () => {
  expect(await added(() => db.query('SELECT 1'))).toEqual({ request: 1 });
  expect(await added(() => sourced(db, 'audit').query('SELECT 1'))).toEqual({ audit: 1 });
});

it("counts a sourced transaction's BEGIN, statements and COMMIT under its source", async () => {
  expect(
    await added(() =>
      sourced(db, 'event').transaction(async (m) => {
        await m.query('SELECT 1');
        await m.query('SELECT 2');
      }),
    ),
  ).toEqual({ event: 4 });
});

it('keeps the labels apart when requests and background statements interleave', async () => {
  const work = () =>
    Promise.all([
      ...Array.from({ length: 10 }, () => db.query('SELECT pg_sleep(0.001)')),
      ...Array.from({ length: 7 }, () => sourced(db, 'stats').query('SELECT pg_sleep(0.001)')),
      sourced(db, 'relay').transaction(async (m) => {
        await m.query('SELECT 1');
        await new Promise((r) => setTimeout(r, 5));
        await m.query('SELECT 2');
      }),
    ]);
  expect(await added(work)).toEqual({ request: 10, stats: 7, relay: 4 });
});

it('counts every statement under the startup source while a first start seeds, and as requests after', async () => {
  expect(await added(() => duringStartup(db, 'seed', async () => {
    await db.query('SELECT 1');
    await db.transaction(async (m) => m.query('SELECT 1'));
  }))).toEqual({ seed: 4 });
  expect(await added(() => db.query('SELECT 1'))).toEqual({ request: 1 });
});

it("gives a plain statement TypeORM's results and errors: rows, [rows, affected] for UPDATE and DELETE", async () => {
  const table = `plain_test_${process.pid}`;
  await db.query(`DROP TABLE IF EXISTS ${table}`);
  await db.query(`CREATE TABLE ${table} (id int PRIMARY KEY, name text)`);
  expect(await db.query(`INSERT INTO ${table} VALUES ($1, $2), ($3, $4) RETURNING id`, [1, 'a', 2, 'b'])).toEqual([{ id: 1 }, { id: 2 }]);
  expect(await db.query(`SELECT name FROM ${table} ORDER BY id`)).toEqual([{ name: 'a' }, { name: 'b' }]);
  expect(await db.query(`UPDATE ${table} SET name = $1 WHERE id = $2`, ['c', 1])).toEqual([[], 1]);
  expect(await db.query(`DELETE FROM ${table} WHERE id > $1 RETURNING id`, [0])).toEqual([[{ id: 1 }, { id: 2 }], 2]);
  // The same shapes through TypeORM's own query runner, inside a transaction.
  const inTransaction = await db.transaction(async (m) => [
    await m.query(`INSERT INTO ${table} VALUES ($1, $2) RETURNING id`, [3, 'd']),
    await m.query(`UPDATE ${table} SET name = $1 WHERE id = $2`, ['e', 3]),
  ]);
  expect(inTransaction).toEqual([[{ id: 3 }], [[], 1]]);
  const failed = await db.query(`INSERT INTO ${table} VALUES ($1, $2)`, [3, 'again']).catch((err: unknown) => err);
  expect(failed).toBeInstanceOf(QueryFailedError);
  expect((failed as { code?: string }).code).toBe('23505');
  await db.query(`DROP TABLE ${table}`);
});

/**
 * node-postgres closes a connection idle for 10 s unless told to keep it; the next request after a quiet spell
 * (an analyst reading a table, a clerk serving the next person) then waited for a new one. The pool keeps the
 * connections it opened. On PostgreSQL only (an embedded database has no connections).
 */
const onPostgres = process.env.REGISTRY_DATABASE_URL ? it : it.skip;

/** The server processes behind four statements run at once (four connections of the pool, when it has them). */
async function fourBackends(): Promise<number[]> {
  const rows = await Promise.all(Array.from({ length: 4 }, () => db.query('SELECT pg_backend_pid() AS pid FROM pg_sleep(0.05)')));
  return [...new Set(rows.map((r: Array<{ pid: number }>) => r[0]?.pid as number))];
}

/** node-postgres's pool under the data source. */
function poolOf(source: DataSource): { options: Record<string, unknown>; on(event: 'remove', listener: () => void): void } {
  return (source.driver as unknown as { master: ReturnType<typeof poolOf> }).master;
}

/** Sessions on the test database other than the one asking. */
async function backendCount(): Promise<number> {
  const [{ n }] = (await db.query(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()`)) as [{ n: number }];
  return n;
}

onPostgres(
  'keeps its connections open through a quiet spell longer than the idle timeout',
  async () => {
    const before = await fourBackends();
    expect(before.length).toBe(4);
    await new Promise((resolve) => setTimeout(resolve, 11_000));
    expect((await fourBackends()).sort()).toEqual(before.sort());
  },
  30_000,
);

onPostgres('drops a kept connection whose session the server ended, and runs the next statements on new ones', async () => {
  // Idle connections send TCP keepalives (a firewall or NAT keeps them; a vanished server is noticed).
  expect(poolOf(db).options).toMatchObject({ min: 10, keepAlive: true, keepAliveInitialDelayMillis: 30_000 });
  const pids = await fourBackends();
  expect(pids).toHaveLength(4);
  let removed = 0;
  poolOf(db).on('remove', () => removed++);
  // An operator, idle_session_timeout or a failover ends every session the pool holds.
  const admin = new Client({ connectionString: process.env.REGISTRY_DATABASE_URL });
  await admin.connect();
  try {
    await admin.query('SELECT pg_terminate_backend(pid) FROM unnest($1::int[]) AS pid', [pids]);
  } finally {
    await admin.end();
  }
  await eventually(async () => removed >= 4, 5000).catch(() => undefined);
  expect(removed).toBe(4);
  const after = await Promise.all(Array.from({ length: 4 }, () => db.query('SELECT pg_backend_pid() AS pid')));
  const fresh = after.map((r: Array<{ pid: number }>) => r[0]?.pid);
  expect(fresh.filter((pid) => pids.includes(pid as number))).toEqual([]);
});

/**
 * A statement the server refuses (a bad cast, a broken constraint, division by zero) leaves its session as it was:
 * idle, in no transaction. node-postgres's `pool.query` dropped the connection anyway, so every such error cost a
 * new server process (forked, authenticated, its catalog cache cold) and the next request waited for it; a caller
 * able to provoke errors could churn the authority's connections as fast as it could send requests.
 */
onPostgres('keeps the connection after a statement the server refused, and drops one whose session may have changed', async () => {
  const pids = await fourBackends();
  let removed = 0;
  let poolErrors = 0;
  poolOf(db).on('remove', () => removed++);
  (poolOf(db) as unknown as { on(event: 'error', listener: () => void): void }).on('error', () => poolErrors++);
  // What a caller's input can provoke: a bad cast, a division by zero, a broken constraint. Each is refused with
  // an ERROR and leaves the session idle.
  for (let i = 0; i < 20; i++) {
    await expect(db.query('SELECT 1 / (0 * $1::int)', [i])).rejects.toBeInstanceOf(QueryFailedError);
    await expect(db.query('SELECT $1::int', ['not a number'])).rejects.toThrow('invalid input syntax');
  }
  expect(removed).toBe(0);
  expect((await fourBackends()).sort()).toEqual(pids.sort());
  // The refused statement's error is still TypeORM's, with the server's code.
  const refused = await db.query('SELECT 1 / $1::int', [0]).catch((err: unknown) => err);
  expect(refused).toBeInstanceOf(QueryFailedError);
  expect((refused as QueryFailedError & { code?: string }).code).toBe('22012');
  // Text without parameters may hold several statements, a BEGIN among them: after an error it is not known what
  // the session was left in, so the connection is dropped, as is one that a statement left in a transaction.
  // (A connection leaves the pool a moment after it is let go: once its session has closed.)
  await expect(db.query('BEGIN; SELECT 1 / 0')).rejects.toBeInstanceOf(QueryFailedError);
  await eventually(async () => removed >= 1, 5000).catch(() => undefined);
  expect(removed).toBe(1);
  await db.query('BEGIN');
  await eventually(async () => removed >= 2, 5000).catch(() => undefined);
  expect(removed).toBe(2);
  const states = await Promise.all(Array.from({ length: 10 }, () => db.query(`SELECT now() = statement_timestamp() AS alone`)));
  expect(states).toEqual(Array.from({ length: 10 }, () => [{ alone: true }]));
  // A session the server ends under a statement (FATAL) is not given back: the pool drops it at once, rather than
  // finding it dead among the idle ones (an 'error' of the pool).
  await expect(db.query('SELECT pg_terminate_backend(pg_backend_pid()) AND $1::boolean', [true])).rejects.toBeInstanceOf(QueryFailedError);
  await eventually(async () => removed >= 3, 5000).catch(() => undefined);
  expect(removed).toBe(3);
  await new Promise((resolve) => setTimeout(resolve, 200));
  expect(poolErrors).toBe(0);
  const after = await Promise.all(Array.from({ length: 10 }, () => db.query('SELECT 1 AS one')));
  expect(after).toEqual(Array.from({ length: 10 }, () => [{ one: 1 }]));
});

/** A migration that fails: a start that connected, then could not bring the schema up to date. */
class Failing1764288000099 implements MigrationInterface {
  name = 'Failing1764288000099';
  async up(): Promise<void> {
    throw new Error('migration failed');
  }
  async down(): Promise<void> {}
}

onPostgres('closes its connections when a start fails after connecting', async () => {
  const before = await backendCount();
  await expect(
    openDatabase({ authority: 'registry', url: process.env.REGISTRY_DATABASE_URL, migrations: [Failing1764288000099], statements: metrics.dbStatements }),
  ).rejects.toThrow('migration failed');
  // A backend leaves pg_stat_activity a moment after its client closes.
  await eventually(async () => (await backendCount()) <= before, 5000).catch(() => undefined);
  expect(await backendCount()).toBeLessThanOrEqual(before);
});

/**
 * A data source on the test database whose statements, run one after another, all meet the same session: the pool
 * hands out the connection given back last. (Two connections: opening takes one for the startup lock and another
 * for the migrations.)
 */
async function oneConnection(): Promise<DataSource> {
  return openDatabase({ authority: 'registry', url: process.env.REGISTRY_DATABASE_URL, migrations: [], statements: metrics.dbStatements, poolSize: 2 });
}

/** The statements the session has prepared by name (this statement has no parameters: it is not one of them). */
async function preparedIn(source: DataSource): Promise<string[]> {
  const rows = (await source.query(`SELECT statement FROM pg_prepared_statements ORDER BY statement`)) as Array<{ statement: string }>;
  return rows.map((r) => r.statement);
}

onPostgres('prepares a statement with parameters once per connection, and at most 500 texts', async () => {
  const one = await oneConnection();
  try {
    expect(await preparedIn(one)).toEqual([]);
    for (let i = 0; i < 5; i++) expect(await one.query('SELECT $1::int + 1 AS n', [i])).toEqual([{ n: i + 1 }]);
    // Without parameters a text may hold several statements: it is never prepared.
    await one.query('SELECT 2 AS two');
    expect(await preparedIn(one)).toEqual(['SELECT $1::int + 1 AS n']);
    // A refusal at bind time leaves the statement prepared and the session kept.
    const [{ pid }] = (await one.query('SELECT pg_backend_pid() AS pid')) as [{ pid: number }];
    await expect(one.query('SELECT $1::int + 1 AS n', ['not a number'])).rejects.toThrow('invalid input syntax');
    expect(await one.query('SELECT $1::int + 1 AS n', [41])).toEqual([{ n: 42 }]);
    expect((await one.query('SELECT pg_backend_pid() AS pid'))[0].pid).toBe(pid);
    // Texts beyond the 500th run unnamed: a connection never holds more.
    for (let i = 0; i < 520; i++) expect(await one.query(`SELECT $1::int AS v${i}`, [i])).toEqual([{ [`v${i}`]: i }]);
    expect(await preparedIn(one)).toHaveLength(500);
  } finally {
    await one.destroy();
  }
});

onPostgres('a prepared statement whose columns a migration changed runs again, unprepared, without failing', async () => {
  const one = await oneConnection();
  const table = `prepared_probe_${process.pid}`;
  const admin = new Client({ connectionString: process.env.REGISTRY_DATABASE_URL });
  await admin.connect();
  try {
    await admin.query(`CREATE TABLE ${table} (id int PRIMARY KEY)`);
    await admin.query(`INSERT INTO ${table} VALUES (1)`);
    const select = `SELECT * FROM ${table} WHERE id = $1`;
    expect(await one.query(select, [1])).toEqual([{ id: 1 }]);
    const [{ pid }] = (await one.query('SELECT pg_backend_pid() AS pid')) as [{ pid: number }];
    // Another replica's migration adds a column: the statement prepared on this connection now returns a different
    // row, which the server refuses to run as prepared (0A000, "cached plan must not change result type").
    await admin.query(`ALTER TABLE ${table} ADD COLUMN note text NOT NULL DEFAULT 'added'`);
    expect(await one.query(select, [1])).toEqual([{ id: 1, note: 'added' }]);
    // On a new connection (the one holding the stale statement was dropped), where it is prepared afresh.
    expect((await one.query('SELECT pg_backend_pid() AS pid'))[0].pid).not.toBe(pid);
    expect(await one.query(select, [1])).toEqual([{ id: 1, note: 'added' }]);
    expect(await preparedIn(one)).toEqual([select]);
  } finally {
    await one.destroy();
    await admin.query(`DROP TABLE IF EXISTS ${table}`);
    await admin.end();
  }
});
