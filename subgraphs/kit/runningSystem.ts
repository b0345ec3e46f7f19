import { readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Authority } from './database';
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
