import type { Authority } from '../../runtime/authority';
import { AsyncLocalStorage } from 'node:async_hooks';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { DataSource, type DataSourceOptions, type Logger } from 'typeorm';
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
}

/** What is sending statements: a client request unless a background task says otherwise. */
export const statementSource = new AsyncLocalStorage<'relay' | 'event' | 'seed' | 'audit' | 'stats'>();

/** Counts every statement the authority sends to its database, for `subgraph_db_statements_total`. */
class StatementCounter implements Logger {
  constructor(
    private readonly counter: Counter<'subgraph' | 'source'>,
    private readonly authority: Authority,
  ) {}
  logQuery(): void {
    this.counter.inc({ subgraph: this.authority, source: statementSource.getStore() ?? 'request' });
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
    dataSource = new DataSource({ ...common, url: options.url, poolSize: options.poolSize ?? 10 });
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
  if (options.url) await underStartupLock(dataSource, () => dataSource.runMigrations({ transaction: 'each' }));
  return dataSource;
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
