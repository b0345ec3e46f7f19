/** Throwaway PostgreSQL databases for the suites and the benchmarks: made fresh, dropped afterwards. */
import { Client } from 'pg';
import type { Authority } from '../runtime/authority';

/** A new, empty database `name` on the server at `base` (dropped first if a killed run left it), and how to drop it. */
export async function freshDatabase(base: string, name: string): Promise<{ url: string; drop(): Promise<void> }> {
  const admin = async (sql: string) => {
    const c = new Client({ connectionString: base });
    await c.connect();
    try {
      await c.query(sql);
    } finally {
      await c.end();
    }
  };
  await admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  await admin(`CREATE DATABASE ${name}`);
  const url = new URL(base);
  url.pathname = `/${name}`;
  return { url: url.toString(), drop: () => admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`) };
}

/**
 * On PostgreSQL (`<AUTHORITY>_DATABASE_URL` set), a fresh database for `authority` on that server, named
 * `<prefix>_<authority>_<pid>_<random>` so that stacks started side by side never share one, with its drop added
 * to `drops`; undefined means embedded.
 */
export async function throwawayDatabase(authority: Authority, drops: Array<() => Promise<void>>, prefix: string): Promise<string | undefined> {
  const base = process.env[`${authority.toUpperCase()}_DATABASE_URL`];
  if (!base) return undefined;
  const { url, drop } = await freshDatabase(base, `${prefix}_${authority}_${process.pid}_${Math.random().toString(36).slice(2, 8)}`);
  drops.push(drop);
  return url;
}
