import type { Authority } from '../../runtime/authority';
import { processLogger } from '../../runtime/http';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { DataSource, QueryFailedError, type DataSourceOptions, type EntityManager, type Logger, type QueryRunner } from 'typeorm';
import type { Counter } from 'prom-client';
import type { PGlite } from '@electric-sql/pglite';
import { ADVISORY_LOCKS } from './advisoryLocks';
import { openPGlite, pgliteDriver } from './pglite';
import { emptyClusterImage } from './template';

// Dates travel as ISO strings (yyyy-mm-dd) and counts as numbers, on PostgreSQL as on PGlite.
pg.types.setTypeParser(pg.types.builtins.DATE, (value: string) => value);
pg.types.setTypeParser(pg.types.builtins.INT8, (value: string) => Number(value));

export interface DatabaseOptions {
  authority: Authority;
  /** A PostgreSQL URL; without one, an embedded PGlite database under `dataDir/<authority>`. */
  url?: string;
  /** Where embedded databases live; undefined keeps an embedded database in memory. */
  dataDir?: string;
  migrations: NonNullable<DataSourceOptions['migrations']>;
  statements: Counter<'subgraph' | 'source'>;
  poolSize?: number;
  /** How long an access-log INSERT may take before it fails (default DEFAULT_ACCESS_LOG_TIMEOUT_MS). */
  accessLogTimeoutMs?: number;
}

/**
 * How long an access-log INSERT may take (`ACCESS_LOG_TIMEOUT_MS`). While the log cannot be written (its table
 * locked, the disk stalled) the caller is told so, 503 `ACCESS_LOG_UNAVAILABLE`, instead of waiting on a request
 * that holds its connection and its locks. A request may wait for the append before its own, so twice this stays
 * below the gateway's subgraph timeout (3 s): the client hears the log's code, not that the authority timed out.
 */
export const DEFAULT_ACCESS_LOG_TIMEOUT_MS = 1000;

/** Where an authority's access-log rows are written on PostgreSQL, and how long a write may take. */
export interface AccessLogConnection {
  timeoutMs: number;
  /** One INSERT in a transaction of its own on the log's own connections, counted as the log's (`source="audit"`). */
  append(name: string, text: string, values: unknown[]): Promise<void>;
}

const accessLogConnections = new WeakMap<DataSource, AccessLogConnection>();

/** The access log's own connections of a PostgreSQL data source (undefined when embedded: one session only). */
export function accessLogConnection(db: DataSource): AccessLogConnection | undefined {
  return accessLogConnections.get(db);
}

/** What is sending statements: a client request unless a background task says otherwise. */
export type StatementSource = 'relay' | 'event' | 'seed' | 'audit' | 'stats' | 'sweep';

/**
 * The statements of a background task, counted as its own: each call runs on a query runner that carries the
 * source (`QueryRunner.data`), which the counter reads. Kept on the runner rather than in an AsyncLocalStorage:
 * on Node 20 one in use adds a hook to every promise the process makes, which every request would pay for (the
 * gateway keeps the same rule, gateway/logging.ts).
 */
export interface SourcedDatabase {
  query(sql: string, params?: unknown[]): Promise<any>;
  transaction<T>(work: (m: EntityManager) => Promise<T>): Promise<T>;
}

export function sourced(db: DataSource, source: StatementSource): SourcedDatabase {
  const onRunner = async <T>(work: (r: QueryRunner) => Promise<T>): Promise<T> => {
    const r = db.createQueryRunner();
    r.data = { source };
    try {
      return await work(r);
    } finally {
      await r.release();
    }
  };
  return {
    query: (sql, params) => onRunner((r) => db.query(sql, params, r)),
    transaction: (work) => onRunner((r) => r.manager.transaction(work)),
  };
}

/** Sources counted for every statement of a database while nothing else runs on it (a first start's seed). */
const startupSource = new WeakMap<DataSource, StatementSource>();

/** Runs `work` before the subgraph serves anything, its statements counted under `source`. */
export async function duringStartup<T>(db: DataSource, source: StatementSource, work: () => Promise<T>): Promise<T> {
  startupSource.set(db, source);
  try {
    return await work();
  } finally {
    startupSource.delete(db);
  }
}

/** Counts every statement the authority sends to its database, for `subgraph_db_statements_total`. */
class StatementCounter implements Logger {
  constructor(
    private readonly counter: Counter<'subgraph' | 'source'>,
    private readonly authority: Authority,
  ) {}
  logQuery(_query: string, _parameters?: unknown[], runner?: QueryRunner): void {
    const source = (runner?.data as { source?: StatementSource } | undefined)?.source ?? (runner && startupSource.get(runner.dataSource)) ?? 'request';
    this.counter.inc({ subgraph: this.authority, source });
  }
  logQueryError(): void {}
  logQuerySlow(): void {}
  logSchemaBuild(): void {}
  logMigration(): void {}
  log(): void {}
}

const embedded = new WeakMap<DataSource, PGlite>();

/** The PGlite instance behind an embedded data source (undefined on PostgreSQL), for bulk COPY loads. */
export function embeddedDatabase(dataSource: DataSource): PGlite | undefined {
  return embedded.get(dataSource);
}

/** Connects to the authority's own database and brings its schema up to date with its migrations. */
export async function openDatabase(options: DatabaseOptions): Promise<DataSource> {
  const common = {
    type: 'postgres' as const,
    migrations: options.migrations,
    // On PostgreSQL several replicas may start at once: they migrate one at a time, under the startup lock (below).
    migrationsRun: !options.url,
    migrationsTransactionMode: 'each' as const,
    synchronize: false,
    logging: true,
    logger: new StatementCounter(options.statements, options.authority),
  };
  let dataSource: DataSource;
  if (options.url) {
    const poolSize = options.poolSize ?? 10;
    // A connection once opened stays open (`min`: the pool never shrinks below its size). node-postgres closes one
    // idle for 10 s by default, so the first request after a quiet spell waited for a new connection: a process
    // forked on the server, authentication, and a cold catalog cache for its first statements. An idle connection
    // sends TCP keepalives after 30 s, so a firewall or NAT between the replica and its database does not forget
    // it, and one whose server went away is noticed while idle (within a minute) and dropped from the pool. A
    // connection that breaks while a request uses it still fails that request. Every drop is logged.
    const extra = { min: poolSize, keepAlive: true, keepAliveInitialDelayMillis: 30_000 };
    const poolErrorHandler = (err: Error) => processLogger(options.authority).warn({ reason: err.message }, 'database connection dropped');
    dataSource = new DataSource({ ...common, url: options.url, poolSize, extra, poolErrorHandler });
  } else {
    let dir: string | undefined;
    if (options.dataDir) {
      dir = join(options.dataDir, options.authority);
      mkdirSync(dir, { recursive: true });
    }
    // In memory: from the empty cluster's image, when the template cache has one.
    const db = await openPGlite(dir, dir ? undefined : await emptyClusterImage());
    dataSource = new DataSource({ ...common, driver: pgliteDriver(db) });
    embedded.set(dataSource, db);
  }
  await dataSource.initialize();
  try {
    plainStatementsOnThePool(dataSource, (source) => options.statements.inc({ subgraph: options.authority, source }));
    if (options.url) ownAccessLogConnections(dataSource, options);
    if (options.url) await underStartupLock(dataSource, () => dataSource.runMigrations({ transaction: 'each' }));
  } catch (error) {
    // The pool never lets its connections go by itself: closed here, a failed start leaves nothing open.
    await dataSource.destroy().catch(() => undefined);
    throw error;
  }
  return dataSource;
}

/**
 * The access log gets connections of its own, so it is never queued behind reads for a pooled connection: three,
 * of which the group-commit writer uses one at a time (the internal calls write theirs directly). Each append is
 * a transaction whose INSERT has a statement timeout (SET LOCAL, which a transaction pooler keeps, where it refuses
 * the setting at connect): the server cancels an INSERT that cannot finish in time (57014), and the client gives up
 * on any statement the server does not answer a second later. Like the request pool, the log keeps its connections
 * while idle, and keeps one after an error the server answered (rolled back); a broken one is closed and the next
 * append opens another. They are opened when first used and closed with the data source.
 */
function ownAccessLogConnections(dataSource: DataSource, options: DatabaseOptions): void {
  const timeoutMs = options.accessLogTimeoutMs ?? DEFAULT_ACCESS_LOG_TIMEOUT_MS;
  const pool = new pg.Pool({
    connectionString: options.url,
    max: 3,
    idleTimeoutMillis: 0,
    query_timeout: timeoutMs + 1000,
    connectionTimeoutMillis: timeoutMs,
    keepAlive: true,
    keepAliveInitialDelayMillis: 30_000,
  });
  pool.on('error', (err) => processLogger(options.authority).warn({ reason: err.message }, 'access-log connection dropped'));
  const begin = `BEGIN; SET LOCAL statement_timeout = ${timeoutMs}`;
  accessLogConnections.set(dataSource, {
    timeoutMs,
    async append(name, text, values) {
      options.statements.inc({ subgraph: options.authority, source: 'audit' }, 4);
      await onClient(pool, async (client, drop) => {
        try {
          await client.query(begin);
          await client.query({ name, text, values });
          await client.query('COMMIT');
        } catch (err) {
          // Refused by the server: its transaction is rolled back here and the session kept; anything else drops it.
          if (err instanceof pg.DatabaseError) await client.query('ROLLBACK').catch(drop);
          else drop(err as Error);
          throw err;
        }
      });
    },
  });
  const destroy = dataSource.destroy.bind(dataSource);
  dataSource.destroy = async () => {
    await pool.end().catch(() => undefined);
    return destroy();
  };
}

/**
 * A plain statement (`db.query` with no query runner: every read a request makes, outside a change) goes straight
 * to the pool, without the query runner, events and result object TypeORM makes for each one, which cost a
 * subgraph more than the PostgreSQL client itself. What it returns and throws stays TypeORM's: the rows ([rows,
 * affected] for UPDATE and DELETE), a QueryFailedError. Transactions and sourced statements keep TypeORM's path.
 */
function plainStatementsOnThePool(dataSource: DataSource, count: (source: StatementSource | 'request') => void): void {
  const pool = (dataSource.driver as unknown as { master: Pool }).master;
  const run = embeddedDatabase(dataSource) ? (sql: string, params?: unknown[]) => pool.query(sql, params) : keepingSessions(pool);
  const throughRunner = dataSource.query.bind(dataSource);
  dataSource.query = (async (sql: string, params?: unknown[], runner?: QueryRunner) => {
    if (runner) return throughRunner(sql, params, runner);
    count(startupSource.get(dataSource) ?? 'request');
    let raw: Raw;
    try {
      raw = await run(sql, params);
    } catch (err) {
      throw new QueryFailedError(sql, params, err as Error);
    }
    return raw.command === 'UPDATE' || raw.command === 'DELETE' ? [raw.rows, raw.rowCount] : raw.rows;
  }) as DataSource['query'];
}

type Raw = { rows: unknown[]; rowCount: number | null; command?: string };
type Pool = {
  query(sql: string, params?: unknown[]): Promise<Raw>;
  connect(): Promise<pg.PoolClient>;
};

/**
 * SQLSTATE classes of refusals that end a statement, never its session: cardinality (21), data (22), integrity
 * (23), syntax or access (42), unsupported features (0A), PL/pgSQL's RAISE (P0). Any other class (a connection
 * exception, an operator's intervention, a failed transaction, an internal error) may have ended or changed the
 * session. Classes rather than the severity: the severity's text is in the server's language.
 */
const STATEMENT_REFUSALS: ReadonlySet<string> = new Set(['21', '22', '23', '42', '0A', 'P0']);

/** At most this many statement texts are prepared by name; any other runs unnamed. */
const PREPARED_TEXTS = 500;

/**
 * One statement on a pooled connection, given back afterwards unless its session may no longer be as the next
 * caller expects. node-postgres's `pool.query` closes the connection after any error, but a statement the server
 * refuses leaves its session idle and in no transaction, as good as before. Closing it cost a new server process,
 * authenticated and with a cold catalog cache, for the next request; a caller who can provoke refusals could churn
 * the authority's connections as fast as it sends requests.
 *
 * Kept after an error: a refusal (STATEMENT_REFUSALS) of a statement sent with parameters (the extended protocol
 * takes exactly one statement; without parameters the text may hold several, a BEGIN among them) on a session
 * that was idle, so the server has rolled it back and is idle again. Dropped: any other error, and a statement
 * that succeeded but left a transaction open.
 *
 * A statement with parameters is prepared by name on each connection the first time it runs there, and later only
 * bound and executed: the server parses and plans a request's few texts once per connection instead of once per
 * statement. The texts are the code's own (values travel as parameters), and at most PREPARED_TEXTS are named, so
 * a connection never holds more. A prepared statement whose result columns a migration has changed since (another
 * replica upgraded the schema) is refused by the server with 0A000; that connection is dropped and the statement
 * runs once more unnamed on another, so no request fails for it. A pooler between the subgraph and PostgreSQL must
 * keep prepared statements (PgBouncer from 1.21 with `max_prepared_statements`, or session pooling).
 */
function keepingSessions(pool: Pool): (sql: string, params?: unknown[]) => Promise<Raw> {
  const names = new Map<string, string>();
  /** Errors of named statements the server refused as stale. */
  const stale = new WeakSet<object>();
  const nameOf = (sql: string): string | undefined => {
    let name = names.get(sql);
    if (name === undefined && names.size < PREPARED_TEXTS) names.set(sql, (name = `rq${names.size}`));
    return name;
  };
  const run = (sql: string, params: unknown[] | undefined, prepare: boolean): Promise<Raw> =>
    onClient(pool, async (client, drop) => {
      const wasIdle = client.getTransactionStatus() === 'I';
      const alone = params !== undefined && params.length > 0;
      const name = prepare && alone ? nameOf(sql) : undefined;
      try {
        const raw = name ? await client.query({ name, text: sql, values: params }) : await client.query(sql, params);
        if (client.getTransactionStatus() !== 'I') drop(true);
        return raw;
      } catch (err) {
        const refused = err instanceof pg.DatabaseError && STATEMENT_REFUSALS.has(String(err.code).slice(0, 2));
        if (name && staleStatement(err)) stale.add(err as object);
        if (!(alone && refused && wasIdle) || stale.has(err as object)) drop(err as Error);
        throw err;
      }
    });
  return (sql, params) => run(sql, params, true).catch((err: unknown) => (stale.has(err as object) ? run(sql, params, false) : Promise.reject(err)));
}

/**
 * Runs `work` on a connection of `pool` and gives the connection back, or closes it when `work` called `drop`
 * (its session may no longer be as the next caller expects) or its socket failed meanwhile. An error of the socket
 * while a statement runs is also emitted on the client: without a listener it would be thrown.
 */
async function onClient<T>(pool: Pool, work: (client: pg.PoolClient, drop: (reason: Error | true) => void) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  let dropped: Error | true | undefined;
  const drop = (reason: Error | true) => {
    dropped ??= reason;
  };
  client.on('error', drop);
  try {
    return await work(client, drop);
  } finally {
    client.removeListener('error', drop);
    client.release(dropped);
  }
}

/**
 * The server's refusal of a prepared statement whose result columns changed since it was prepared: 0A000 from the
 * plan cache's revalidation. Any other 0A000 (a feature a caller's values asked for) is a refusal like the rest.
 */
function staleStatement(err: unknown): boolean {
  return err instanceof pg.DatabaseError && err.code === '0A000' && err.routine === 'RevalidateCachedQuery';
}

/**
 * Runs `work` (migrations, a first-start seed) while this process holds the authority's startup advisory lock
 * on a connection of its own, so replicas starting together on one database take turns; the lock goes with the
 * session if the process dies. An embedded database belongs to one process: `work` runs at once.
 */
export async function underStartupLock<T>(dataSource: DataSource, work: () => Promise<T>): Promise<T> {
  if (embeddedDatabase(dataSource)) return work();
  const runner = dataSource.createQueryRunner();
  await runner.connect();
  try {
    await runner.query(`SELECT pg_advisory_lock($1)`, [ADVISORY_LOCKS.startup]);
    try {
      return await work();
    } finally {
      await runner.query(`SELECT pg_advisory_unlock($1)`, [ADVISORY_LOCKS.startup]);
    }
  } finally {
    await runner.release();
  }
}
