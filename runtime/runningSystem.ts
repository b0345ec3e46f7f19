import { readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Authority } from './authority';
import { DEFAULT_GATEWAY_METRICS_PORT, DEFAULT_PORTS } from './ports';

/** What `npm start` records in DATA_DIR/ports.json while it runs, so the CLIs find the system it started. */
export interface RunningSystem {
  /** The starter (gateway/startAll.ts); the record is stale once it is gone. */
  pid: number;
  startedAt: string;
  ports: Record<Authority | 'gateway' | 'gatewayMetrics', number>;
  /** The process serving each service now (a restarted one has a new pid). */
  pids: Partial<Record<Authority | 'gateway', number>>;
}

type Env = Record<string, string | undefined>;

export const dataDirOf = (env: Env): string => env.DATA_DIR ?? '.data';

/** DATA_DIR/ports.json. */
export function runningSystemFile(dataDir: string): string {
  return join(dataDir, 'ports.json');
}

/** Writes the record whole (a reader never sees half of it). */
export function writeRunningSystem(dataDir: string, system: RunningSystem): void {
  const file = runningSystemFile(dataDir);
  writeFileSync(`${file}.tmp`, `${JSON.stringify(system, null, 2)}\n`);
  renameSync(`${file}.tmp`, file);
}

/** Removes the record if it is this starter's. */
export function removeRunningSystem(dataDir: string, pid: number): void {
  if (readRecord(dataDir)?.pid === pid) rmSync(runningSystemFile(dataDir), { force: true });
}

/** The system `npm start` runs on this DATA_DIR, or undefined when none does (no record, or its starter is gone). */
export function runningSystem(env: Env = process.env): RunningSystem | undefined {
  const system = readRecord(dataDirOf(env));
  return system && alive(system.pid) ? system : undefined;
}

/** Whether a process with this id exists. */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function readRecord(dataDir: string): RunningSystem | undefined {
  try {
    return JSON.parse(readFileSync(runningSystemFile(dataDir), 'utf8')) as RunningSystem;
  } catch {
    return undefined;
  }
}

const DEFAULTS: RunningSystem['ports'] = { ...DEFAULT_PORTS, gateway: 4000, gatewayMetrics: DEFAULT_GATEWAY_METRICS_PORT };
const VARIABLES: Record<keyof RunningSystem['ports'], string> = {
  mynumber: 'MYNUMBER_PORT',
  registry: 'REGISTRY_PORT',
  immigration: 'IMMIGRATION_PORT',
  gateway: 'GATEWAY_PORT',
  gatewayMetrics: 'GATEWAY_METRICS_PORT',
};

/** A service's port: its `*_PORT` variable, else the port of the system running on DATA_DIR, else the default. */
export function portOf(service: keyof RunningSystem['ports'], env: Env = process.env): number {
  const set = env[VARIABLES[service]];
  if (set) return Number(set);
  return runningSystem(env)?.ports[service] ?? DEFAULTS[service];
}

/** Where a CLI reaches an authority's internal endpoints: `<AUTHORITY>_INTERNAL_URL`, else its port as above. */
export function internalUrl(authority: Authority, env: Env = process.env): string {
  return env[`${authority.toUpperCase()}_INTERNAL_URL`] ?? `http://127.0.0.1:${portOf(authority, env)}`;
}

/** Where a CLI reaches the gateway's GraphQL endpoint: GATEWAY_URL, else its port as above. */
export function gatewayUrl(env: Env = process.env): string {
  return env.GATEWAY_URL ?? `http://127.0.0.1:${portOf('gateway', env)}/graphql`;
}

/** Whether a service answers GET /health at this base URL (a GraphQL URL's /graphql is dropped). */
export async function reachable(url: string): Promise<boolean> {
  try {
    const res = await fetch(new URL('/health', url), { signal: AbortSignal.timeout(3000) });
    await res.body?.cancel();
    return res.ok;
  } catch {
    return false;
  }
}

/**
 * What a CLI says when it could not reach what it needed: the URL, whether a system runs on this DATA_DIR, and
 * how to point it at one that does.
 */
export function unreachable(what: string, url: string, env: Env = process.env): string {
  const dir = dataDirOf(env);
  const found = runningSystem(env)
    ? `npm start is running on DATA_DIR=${dir} (${runningSystemFile(dir)}), but ${what} does not answer there: it may be restarting`
    : `no npm start is running on DATA_DIR=${dir} (no live ${runningSystemFile(dir)}); start one, or set DATA_DIR to the running system's, or set the *_PORT / *_URL variables`;
  return `${what} could not be reached at ${url}: ${found}.`;
}

/**
 * Why nothing may be written to these authorities' databases now, if so: the system `npm start` runs on DATA_DIR
 * has them open (an embedded database has one writer, and a running subgraph would keep serving what it read
 * before); for an authority on PostgreSQL, a subgraph answering at its port uses that database.
 */
export async function databasesInUse(authorities: Authority[], env: Env = process.env): Promise<string | undefined> {
  const dir = dataDirOf(env);
  const system = runningSystem(env);
  const open = authorities.filter((a) => system?.pids[a] !== undefined && alive(system.pids[a]!));
  if (system && open.length > 0) {
    return `${open.join(', ')} ${open.length > 1 ? 'are' : 'is'} running on DATA_DIR=${dir} (npm start, pid ${system.pid}): stop it (Ctrl-C) and run this again. Nothing was written.`;
  }
  const served: string[] = [];
  for (const a of authorities) {
    if (env[`${a.toUpperCase()}_DATABASE_URL`] && (await reachable(internalUrl(a, env)))) served.push(`${a} at ${internalUrl(a, env)}`);
  }
  if (served.length > 0) return `A subgraph serves from this database: ${served.join(', ')}. Stop it and run this again. Nothing was written.`;
  return undefined;
}
