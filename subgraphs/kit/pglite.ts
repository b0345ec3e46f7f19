import { PGlite, types } from '@electric-sql/pglite';
import { EventEmitter } from 'node:events';

/**
 * A `pg`-shaped driver module over one PGlite database, for TypeORM's postgres driver.
 *
 * PGlite is a single session, so the pool hands out one connection at a time: a transaction
 * holds the session until it commits, and no other statement can slip into it.
 */
export function pgliteDriver(db: PGlite): { Pool: new () => unknown } {
  let queue: Promise<void> = Promise.resolve();

  const client = Object.assign(new EventEmitter(), {
    async query(sql: string, params?: unknown[]) {
      const result =
        params && params.length > 0
          ? await db.query(sql, params)
          : ((await db.exec(sql)).at(-1) ?? { rows: [], affectedRows: 0 });
      return {
        rows: result.rows,
        rowCount: result.affectedRows ?? result.rows.length,
        command: /^\s*(\w+)/.exec(sql)?.[1]?.toUpperCase(),
        fields: 'fields' in result ? result.fields : [],
      };
    },
  });

  class Pool extends EventEmitter {
    connect(callback: (err: Error | null, connection: unknown, release: () => void) => void): void {
      let release!: () => void;
      const held = new Promise<void>((resolve) => (release = resolve));
      const previous = queue;
      queue = previous.then(() => held);
      void previous.then(() => callback(null, client, release));
    }
    query(sql: string, params?: unknown[]) {
      return new Promise((resolve, reject) =>
        this.connect((_err, _c, release) => {
          client.query(sql, params).then(resolve, reject).finally(release);
        }),
      );
    }
    end(callback?: (err: Error | null) => void): void {
      queue.then(() => db.close()).then(() => callback?.(null), (err: Error) => callback?.(err));
    }
  }
  return { Pool };
}

/** Opens (or creates) an embedded database in `dir` (in memory when undefined), with dates returned as ISO strings like `pg`'s configuration. */
export async function openPGlite(dir: string | undefined, image?: Blob): Promise<PGlite> {
  return PGlite.create(dir, {
    parsers: { [types.DATE]: (value: string) => value, [types.INT8]: (value: string) => Number(value) },
    // A new database from a cluster's tarball instead of initdb (see emptyClusterImage).
    ...(image ? { loadDataDir: image } : {}),
  });
}
