/**
 * The benchmark's shared subgraphs: the three authorities as separate processes (like `npm start`), on a
 * throwaway DATA_DIR and free ports, seeded once; every contender routes to these same processes.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import type { Authority } from '../../runtime/authority';
import { keysDir, loadOrCreateKeyPair } from '../../runtime/keys';
import { nodeFlagsOf } from '../../runtime/nodeFlags';
import { throwawayDatabase } from '../throwawayDatabase';

export const ROOT = join(__dirname, '..', '..');
export const AUTHORITIES: Authority[] = ['mynumber', 'registry', 'immigration'];

/** PostgreSQL when the three URLs are set (the benchmark makes its own databases there), else embedded PGlite. */
export const databaseKind: 'postgresql' | 'pglite' = process.env.IMMIGRATION_DATABASE_URL ? 'postgresql' : 'pglite';

export interface SubgraphStack {
  dataDir: string;
  /** Where the subgraphs answer GraphQL. */
  urls: Record<Authority, string>;
  pids: Record<Authority, number>;
  /** On PostgreSQL, the benchmark's own databases (dropped at stop). */
  databaseUrls?: Record<Authority, string>;
  /** Statements sent for client requests, summed over the three subgraphs (from their /metrics). */
  requestStatements(): Promise<number>;
  /** Statements sent to write the access log (`source="audit"`), summed over the three subgraphs. */
  auditStatements(): Promise<number>;
  stop(): Promise<void>;
}

/** A free TCP port on the loopback interface. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** Polls GET /health until it answers 200. */
export async function waitForHealth(base: string, child?: ChildProcess, timeoutMs = 300_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child && child.exitCode !== null) throw new Error(`${base}: the process exited (${child.exitCode}) before it was healthy`);
    try {
      const res = await fetch(`${base}/health`);
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`Nothing healthy at ${base} after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/**
 * Runs a TypeScript entry point as its own Node process (through tsx, with the flags `npm start` gives it:
 * runtime/nodeFlags.ts), logs to a file.
 */
export function spawnTs(script: string, env: Record<string, string>, logFile: string, nodeArgs: string[] = []): ChildProcess {
  const log = openSync(logFile, 'a');
  return spawn(process.execPath, [...nodeFlagsOf(relative(ROOT, script)), ...nodeArgs, '--import', 'tsx', script], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', log, log],
  });
}

/** Sends SIGTERM and waits for the exit (SIGKILL after `graceMs`). */
export async function stopChild(child: ChildProcess, graceMs = 10_000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
}

/** Every file the seeded databases depend on (generator, migrations, kit tables): a change makes a new snapshot. */
function sourceHash(): string {
  const hash = createHash('sha256');
  const walk = (dir: string) => {
    for (const name of readdirSync(dir).sort()) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path);
      // Tests never touch what is seeded.
      else if ((name.endsWith('.ts') && !name.endsWith('.test.ts')) || name.endsWith('.json')) hash.update(path).update(readFileSync(path));
    }
  };
  for (const dir of ['seeds', 'schema', 'subgraphs/kit', ...AUTHORITIES.map((a) => `subgraphs/${a}/migrations`)]) walk(join(ROOT, dir));
  return hash.digest('hex').slice(0, 16);
}

/**
 * On the embedded default, seeding 20,000 persons takes a minute or two: the first run seeds a snapshot under
 * `cacheDir` (cleanly stopped, so the PGlite files are consistent) and every run starts from a copy of it.
 */
async function seededDataDir(options: { persons: number; seed: number; asOf: string; logDir: string; cacheDir?: string }): Promise<string> {
  const dataDir = mkdtempSync(join(tmpdir(), 'rc-bench-'));
  if (databaseKind !== 'pglite' || !options.cacheDir) return dataDir;
  const hash = sourceHash();
  const snapshot = join(options.cacheDir, `pglite-${options.persons}-seed${options.seed}-${options.asOf}-${hash}`);
  if (!existsSync(join(snapshot, 'complete'))) {
    // Snapshots of older code or of another day are stale: only the current ones are kept.
    if (existsSync(options.cacheDir)) {
      for (const name of readdirSync(options.cacheDir)) {
        if (!name.endsWith(`-${options.asOf}-${hash}`) || name === snapshot.split('/').pop()) rmSync(join(options.cacheDir, name), { recursive: true, force: true });
      }
    }
    console.log(`  seeding a snapshot of ${options.persons} persons (first run with this seed and code; later runs copy it)...`);
    const seeding = await launch(snapshot, { ...options, nodeArgs: undefined });
    await seeding.stop(false);
    writeFileSync(join(snapshot, 'complete'), new Date().toISOString());
  }
  cpSync(snapshot, dataDir, { recursive: true });
  rmSync(join(dataDir, 'complete'));
  return dataDir;
}

/** Starts the three subgraphs, seeded with `persons` generated persons (plus the personas). */
export async function startSubgraphs(options: {
  persons: number;
  seed: number;
  asOf: string;
  logDir: string;
  cacheDir?: string;
  /** Extra Node flags for the subgraph processes (e.g. --cpu-prof). */
  nodeArgs?: string[];
}): Promise<SubgraphStack> {
  return launch(await seededDataDir(options), options);
}

async function launch(
  dataDir: string,
  options: { persons: number; seed: number; asOf: string; logDir: string; nodeArgs?: string[] },
): Promise<SubgraphStack & { stop(remove?: boolean): Promise<void> }> {
  // Keys first, so the processes never race to create them (as gateway/startAll.ts does).
  for (const name of ['issuer', 'gateway', ...AUTHORITIES]) await loadOrCreateKeyPair(keysDir(dataDir), name);
  const ports = {} as Record<Authority, number>;
  for (const a of AUTHORITIES) ports[a] = await freePort();

  const drops: Array<() => Promise<void>> = [];
  let databaseUrls: Record<Authority, string> | undefined;
  if (databaseKind === 'postgresql') {
    databaseUrls = {} as Record<Authority, string>;
    for (const a of AUTHORITIES) {
      const url = await throwawayDatabase(a, drops, 'rc_bench');
      if (!url) throw new Error(`The benchmark on PostgreSQL needs ${a.toUpperCase()}_DATABASE_URL as well`);
      databaseUrls[a] = url;
    }
  }

  const env: Record<string, string> = {
    DATA_DIR: dataDir,
    SEED_PERSONS: String(options.persons),
    SEED: String(options.seed),
    SEED_AS_OF: options.asOf,
    // The subgraphs are shared by every contender: their per-request log lines would only cost the machine.
    LOG_LEVEL: process.env.BENCH_SUBGRAPH_LOG_LEVEL ?? 'warn',
    // The load asks far more tables than an analyst's day allows: a budget it never reaches, still counted per request.
    STATISTICS_DAILY_QUERIES: '1000000000',
  };
  for (const a of AUTHORITIES) {
    env[`${a.toUpperCase()}_PORT`] = String(ports[a]);
    if (databaseUrls) env[`${a.toUpperCase()}_DATABASE_URL`] = databaseUrls[a];
  }
  const children = {} as Record<Authority, ChildProcess>;
  for (const a of AUTHORITIES) {
    children[a] = spawnTs(join(ROOT, 'subgraphs', a, 'index.ts'), env, join(options.logDir, `${a}.log`), options.nodeArgs);
  }
  const stop = async (remove = true) => {
    await Promise.all(Object.values(children).map((c) => stopChild(c, 60_000)));
    for (const drop of drops) await drop().catch(() => undefined);
    if (remove) rmSync(dataDir, { recursive: true, force: true });
  };
  try {
    await Promise.all(AUTHORITIES.map((a) => waitForHealth(`http://127.0.0.1:${ports[a]}`, children[a])));
  } catch (err) {
    await stop();
    throw err;
  }

  const statements = async (source: string) => {
    let total = 0;
    for (const a of AUTHORITIES) {
      const text = await (await fetch(`http://127.0.0.1:${ports[a]}/metrics`)).text();
      for (const line of text.split('\n')) {
        if (line.startsWith('subgraph_db_statements_total{') && line.includes(`source="${source}"`)) total += Number(line.split(' ').at(-1));
      }
    }
    return total;
  };
  const urls = Object.fromEntries(AUTHORITIES.map((a) => [a, `http://127.0.0.1:${ports[a]}/graphql`])) as Record<Authority, string>;
  return {
    dataDir,
    urls,
    pids: Object.fromEntries(AUTHORITIES.map((a) => [a, children[a].pid!])) as Record<Authority, number>,
    databaseUrls,
    requestStatements: () => statements('request'),
    auditStatements: () => statements('audit'),
    stop,
  };
}
