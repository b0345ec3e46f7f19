/**
 * The benchmark's PostgreSQL, durable as production runs it: every commit waits for its WAL to reach the disk
 * (fsync and synchronous_commit on, full_page_writes on: PostgreSQL's defaults, which the production images
 * keep). A server named by the `*_DATABASE_URL` variables is checked for them; otherwise the benchmark starts a
 * throwaway cluster with them (`--postgres`, and the access-log scenario's PostgreSQL cells) on the repository's
 * disk, not in memory, and removes it afterwards.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from 'pg';
import type { Authority } from '../../runtime/authority';
import { AUTHORITIES, freePort } from './stack';

/** What decides whether a commit is durable, as the server reports it (`SHOW`). */
export interface DurabilitySettings {
  version: string;
  fsync: string;
  synchronousCommit: string;
  fullPageWrites: string;
  walSyncMethod: string;
}

/** The settings of the server behind a connection (PostgreSQL or PGlite: anything that answers `SHOW`). */
export async function durabilitySettings(query: (sql: string) => Promise<Array<Record<string, string>>>): Promise<DurabilitySettings> {
  const show = async (name: string) => Object.values((await query(`SHOW ${name}`))[0] ?? {})[0] ?? '?';
  return {
    version: await show('server_version'),
    fsync: await show('fsync'),
    synchronousCommit: await show('synchronous_commit'),
    fullPageWrites: await show('full_page_writes'),
    walSyncMethod: await show('wal_sync_method'),
  };
}

/** The settings of the server at `url`. */
export async function serverSettings(url: string): Promise<DurabilitySettings> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return await durabilitySettings(async (sql) => (await client.query(sql)).rows as Array<Record<string, string>>);
  } finally {
    await client.end();
  }
}

/** Throws unless commits on this server wait for the disk, as in production. */
export function assertDurable(where: string, s: DurabilitySettings): void {
  if (s.fsync !== 'on' || s.synchronousCommit === 'off') {
    throw new Error(
      `${where} runs with fsync=${s.fsync}, synchronous_commit=${s.synchronousCommit}: the benchmark measures commits that wait for ` +
        'the disk, as production makes them. Restart it with fsync=on and synchronous_commit=on, or leave the *_DATABASE_URL ' +
        'variables unset and run `npm run bench -- --postgres` for a throwaway cluster that has them.',
    );
  }
}

/** The settings of the servers the `*_DATABASE_URL` variables name, by authority; throws if one does not flush its commits. */
export async function configuredServers(): Promise<Record<Authority, DurabilitySettings>> {
  const settings = {} as Record<Authority, DurabilitySettings>;
  for (const a of AUTHORITIES) {
    settings[a] = await serverSettings(process.env[`${a.toUpperCase()}_DATABASE_URL`]!);
    assertDurable(`The PostgreSQL server of ${a.toUpperCase()}_DATABASE_URL`, settings[a]);
  }
  return settings;
}

/** One line for the report. */
export function describeSettings(s: DurabilitySettings): string {
  return `fsync ${s.fsync}, synchronous_commit ${s.synchronousCommit}, full_page_writes ${s.fullPageWrites}, wal_sync_method ${s.walSyncMethod}`;
}

/** The PostgreSQL binaries: PG_BIN, else `initdb` on the PATH, else the newest under /usr/lib/postgresql. */
function binDir(): string | undefined {
  if (process.env.PG_BIN) return process.env.PG_BIN;
  const onPath = spawnSync('sh', ['-c', 'command -v initdb'], { encoding: 'utf8' }).stdout.trim();
  if (onPath) return undefined;
  const root = '/usr/lib/postgresql';
  const newest = existsSync(root) ? readdirSync(root).sort((a, b) => Number(b) - Number(a))[0] : undefined;
  if (!newest || !existsSync(join(root, newest, 'bin', 'initdb'))) throw new Error('No PostgreSQL binaries: set PG_BIN or put initdb on the PATH');
  return join(root, newest, 'bin');
}

export interface OwnPostgres {
  /** The cluster's `postgres` database, as a superuser (the benchmark creates its own databases from it). */
  url: string;
  settings: DurabilitySettings;
  stop(): Promise<void>;
}

/**
 * Starts a throwaway cluster under `parent` (as the `postgres` user when run as root, which PostgreSQL refuses
 * to run as), durable as production: fsync, synchronous_commit and full_page_writes on.
 */
export async function startPostgres(parent: string): Promise<OwnPostgres> {
  const bin = binDir();
  const tool = (name: string) => (bin ? join(bin, name) : name);
  mkdirSync(parent, { recursive: true });
  const dir = mkdtempSync(join(parent, 'postgres-'));
  const asRoot = process.getuid?.() === 0;
  const run = (cmd: string, args: string[]) => {
    const [file, argv] = asRoot ? ['runuser', ['-u', 'postgres', '--', cmd, ...args]] : [cmd, args];
    // From a directory the postgres user may enter.
    const r = spawnSync(file, argv, { cwd: '/', encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed: ${r.stderr || r.stdout || r.error?.message}`);
  };
  if (asRoot) spawnSync('chown', ['-R', 'postgres', dir]);
  const data = join(dir, 'data');
  const port = await freePort();
  const stop = async () => {
    if (existsSync(join(data, 'postmaster.pid'))) {
      try {
        run(tool('pg_ctl'), ['-D', data, '-m', 'fast', '-w', 'stop']);
      } catch {
        run(tool('pg_ctl'), ['-D', data, '-m', 'immediate', '-w', 'stop']);
      }
    }
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    // --no-sync: initdb's own final flush only; the server below flushes every commit.
    run(tool('initdb'), ['-D', data, '-U', 'postgres', '-A', 'trust', '-E', 'UTF8', '--locale=C', '--no-sync']);
    const server = ['-p', String(port), '-k', dir, '-c', 'listen_addresses=127.0.0.1', '-c', 'max_connections=300'];
    const durable = ['-c', 'fsync=on', '-c', 'synchronous_commit=on', '-c', 'full_page_writes=on'];
    run(tool('pg_ctl'), ['-D', data, '-l', join(dir, 'log'), '-w', '-o', [...server, ...durable].join(' '), 'start']);
    const url = `postgres://postgres@127.0.0.1:${port}/postgres`;
    const settings = await serverSettings(url);
    assertDurable('The throwaway PostgreSQL', settings);
    return { url, settings, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}
