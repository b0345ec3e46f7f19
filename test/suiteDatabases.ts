/** One authority's databases for one suite: opened with its migrations, closed and dropped when the suite ends. */
import type { DataSource } from 'typeorm';
import type { Authority } from '../runtime/authority';
import { createMetrics } from '../runtime/metrics';
import { openDatabase, type DatabaseOptions } from '../subgraphs/kit/database';
import { throwawayDatabase } from './throwawayDatabase';

export interface SuiteDatabases {
  /**
   * A fresh database named after `name`: on PostgreSQL when `<AUTHORITY>_DATABASE_URL` is set (its `url` given,
   * to open it again as another process would), else embedded (`url` undefined).
   */
  fresh(name: string): Promise<{ db: DataSource; url: string | undefined }>;
  /** Another pool on the PostgreSQL database at `url`. */
  again(url: string, name: string): Promise<DataSource>;
}

/** Call at a suite's top level (or a describe's): it registers the afterAll that closes and drops what it opened. */
export function suiteDatabases(authority: Authority, migrations: DatabaseOptions['migrations']): SuiteDatabases {
  const drops: Array<() => Promise<void>> = [];
  const opened: DataSource[] = [];
  afterAll(async () => {
    for (const db of opened) await db.destroy();
    for (const drop of drops) await drop();
  });
  const open = async (url: string | undefined, name: string) => {
    const db = await openDatabase({ authority, url, migrations, statements: createMetrics(name).dbStatements });
    opened.push(db);
    return db;
  };
  return {
    async fresh(name) {
      const url = await throwawayDatabase(authority, drops, name);
      return { db: await open(url, name), url };
    },
    again: (url, name) => open(url, name),
  };
}
