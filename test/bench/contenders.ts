/**
 * The contenders: each gateway (and the floor) in its own child process, so its CPU time and memory are its
 * own. All of them reach the same subgraph processes.
 */
import type { ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Authority } from '../../runtime/authority';
import { spawnGrafbase, writeGrafbaseConfig } from './contenders/grafbase';
import { freePort, ROOT, spawnTs, stopChild } from './stack';

export const CONTENDERS = ['this', 'apolloGateway', 'hiveGateway', 'hiveGatewayRust', 'grafbaseRust', 'floor', 'floorAudited', 'floorSubgraphs'] as const;
export type ContenderName = (typeof CONTENDERS)[number];

export const CONTENDER_TITLES: Record<ContenderName, string> = {
  this: 'this gateway (buildGateway: auth, limits, principals per caller and subgraph, prepared operations)',
  apolloGateway: '@apollo/gateway + @apollo/server startStandaloneServer, defaults',
  hiveGateway: 'Hive Gateway, default (JavaScript) query planner',
  hiveGatewayRust: 'Hive Gateway with @graphql-hive/router-runtime (Rust query planner)',
  grafbaseRust: 'Grafbase Gateway (Rust), `grafbase dev` composing the subgraph SDL files, benchmark-only',
  floor: 'floor: plain node:http, no GraphQL of its own',
  floorAudited: 'honest floor: the floor, writing the access-log rows the subgraphs write (one per person read per authority)',
  floorSubgraphs: "gateway floor: plain node:http, the hand-written plan over the same subgraphs through the gateway's HTTP client",
};

export interface ContenderSetup {
  dataDir: string;
  subgraphUrls: Record<Authority, string>;
  principalsFile: string;
  logDir: string;
  floorKind: 'subgraph-direct' | 'sql';
  databaseUrls?: Record<Authority, string>;
}

export interface RunningContender {
  name: ContenderName;
  url: string;
  pid: number;
  child: ChildProcess;
  logFile: string;
  stop(): Promise<void>;
}

const SUPERGRAPH = join(ROOT, 'schema', 'supergraph.graphql');

/** Starts one contender on a free port and waits until it answers HTTP on /graphql. */
export async function startContender(
  name: ContenderName,
  setup: ContenderSetup,
  options: { nodeArgs?: string[]; logSuffix?: string } = {},
): Promise<RunningContender> {
  const port = await freePort();
  const logFile = join(setup.logDir, `${name}${options.logSuffix ?? ''}.log`);
  const common = {
    PORT: String(port),
    SUPERGRAPH_PATH: SUPERGRAPH,
    BENCH_PRINCIPALS: setup.principalsFile,
    BENCH_SUBGRAPH_URLS: JSON.stringify(setup.subgraphUrls),
  };
  let script = '';
  let env: Record<string, string> = {};
  // A Rust binary, started directly (not through Node) so that its pid is the gateway's (contenders/grafbase.ts).
  let child: ChildProcess | undefined;
  switch (name) {
    case 'this':
      // The production entry point, configured as an operator would: DATA_DIR holds the keys and API keys.
      script = join(ROOT, 'gateway', 'index.ts');
      env = {
        GATEWAY_PORT: String(port),
        GATEWAY_METRICS_PORT: String(await freePort()),
        DATA_DIR: setup.dataDir,
        MYNUMBER_URL: setup.subgraphUrls.mynumber,
        REGISTRY_URL: setup.subgraphUrls.registry,
        IMMIGRATION_URL: setup.subgraphUrls.immigration,
      };
      break;
    case 'apolloGateway':
      script = join(__dirname, 'contenders', 'apolloGateway.ts');
      env = common;
      break;
    case 'hiveGateway':
    case 'hiveGatewayRust':
      script = join(__dirname, 'contenders', 'hiveGateway.ts');
      env = { ...common, BENCH_HIVE_ROUTER_RUNTIME: name === 'hiveGatewayRust' ? '1' : '0' };
      break;
    case 'grafbaseRust':
      child = spawnGrafbase(writeGrafbaseConfig(join(setup.logDir, name), setup.subgraphUrls, setup.principalsFile), port, logFile);
      break;
    case 'floor':
    case 'floorAudited':
      // On the embedded default the floor's calls go through the subgraphs, whose access log already records them.
      if (name === 'floorAudited' && setup.floorKind !== 'sql') throw new Error('only on PostgreSQL: on the embedded default the floor already writes the access log (through the subgraphs)');
      script = join(__dirname, 'contenders', 'floor.ts');
      env = {
        ...common,
        BENCH_FLOOR: setup.floorKind,
        BENCH_DATABASE_URLS: JSON.stringify(setup.databaseUrls ?? {}),
        BENCH_FLOOR_ACCESS_LOG: name === 'floorAudited' ? '1' : '0',
      };
      break;
    case 'floorSubgraphs':
      // The floor of the routing tier on PostgreSQL: the hand-written plan over the subgraphs (subgraphDirect.ts).
      if (setup.floorKind !== 'sql') throw new Error('only on PostgreSQL: on the embedded default `floor` is this floor already');
      script = join(__dirname, 'contenders', 'floor.ts');
      env = { ...common, BENCH_FLOOR: 'subgraph-direct', BENCH_FLOOR_ACCESS_LOG: '0' };
      break;
  }
  const proc = child ?? spawnTs(script, env, logFile, options.nodeArgs);
  const url = `http://127.0.0.1:${port}/graphql`;
  const running: RunningContender = { name, url, pid: proc.pid!, child: proc, logFile, stop: () => stopChild(proc) };
  try {
    await waitForHttp(url, proc, logFile);
  } catch (err) {
    await running.stop();
    throw err;
  }
  return running;
}

/** Waits until the URL answers HTTP at all (any status: some contenders want credentials even for a probe). */
async function waitForHttp(url: string, child: ChildProcess, logFile: string, timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`exited (${child.exitCode ?? child.signalCode}) before listening: ${tail(logFile)}`);
    }
    try {
      await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"query":"{ __typename }"}' });
      return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`not listening after ${timeoutMs} ms: ${tail(logFile)}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** The last lines of a log, for a report that says why something did not run. */
export function tail(file: string, lines = 8): string {
  try {
    return readFileSync(file, 'utf8').trim().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}
