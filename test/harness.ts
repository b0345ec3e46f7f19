import { mkdtempSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import type { DataSource } from 'typeorm';
import { ApiKeyStore, apiKeysFile } from '../gateway/auth/apiKeys';
import { buildGateway, type GatewayOptions } from '../gateway/server';
import { preparedOperationsFromEnv, staffTokenConfig } from '../gateway/config';
import { issueDevToken } from '../gateway/tokenCli';
import { seedIfEmpty } from '../seeds/load';
import type { Authority } from '../runtime/authority';
import { duringStartup, openDatabase } from '../subgraphs/kit/database';
import { close, listen } from '../runtime/http';
import { keysDir, loadOrCreateKeyPair } from '../runtime/keys';
import { eventsOptionsFor } from '../subgraphs/kit/eventRoutes';
import { createEventMetrics, createMetrics, type Metrics } from '../runtime/metrics';
import type { OutboxRelay } from '../subgraphs/kit/outbox';
import { DEFAULT_CHANGE_DEADLINE_MS } from '../subgraphs/kit/subgraph';
import type { Role } from '../runtime/principal';
import { buildImmigrationServer, migrations as immigrationMigrations } from '../subgraphs/immigration/server';
import { buildMyNumberServer, migrations as myNumberMigrations } from '../subgraphs/mynumber/server';
import { buildRegistryServer, migrations as registryMigrations } from '../subgraphs/registry/server';
import type { StatisticsBudgetOptions } from '../subgraphs/kit/statistics/budget';
import type { CompileRules, SubgraphExecution } from '../subgraphs/kit/compiledExecution';
import { loadOrCreateRecordKeySecret, recordKeyFile } from '../subgraphs/kit/statistics/recordKey';
import { throwawayDatabase } from './throwawayDatabase';

/** The day the suites are answered for, so card validity does not drift with the calendar. */
export const TEST_TODAY = '2026-11-28';

const SUBGRAPHS = {
  mynumber: { build: buildMyNumberServer, migrations: myNumberMigrations },
  registry: { build: buildRegistryServer, migrations: registryMigrations },
  immigration: { build: buildImmigrationServer, migrations: immigrationMigrations },
} as const;

export interface Stack {
  gatewayUrl: string;
  subgraphUrls: Record<Authority, string>;
  dataDir: string;
  dbs: Record<Authority, DataSource>;
  relays: Record<Authority, OutboxRelay>;
  metrics: Record<Authority | 'gateway', Metrics>;
  token(role: Role, options?: { municipality?: string; myNumber?: string; ttl?: string; purpose?: string; sub?: string }): Promise<string>;
  query<T = Record<string, unknown>>(
    token: string | null,
    query: string,
    variables?: Record<string, unknown>,
  ): Promise<{ status: number; body: { data?: T; errors?: Array<{ message: string; extensions?: { code?: string } }> } }>;
  /** Statements sent for client requests (`subgraph_db_statements_total{source="request"}`), read over HTTP from /metrics. */
  statements(authority: Authority): Promise<number>;
  /** Stops a subgraph like a crashed process: its server and relay go, its database stays. */
  stopSubgraph(authority: Authority): Promise<void>;
  /** Starts it again on the same port and database, with a new relay. */
  startSubgraph(authority: Authority): Promise<void>;
  /** Another server of the authority over the same database (on PostgreSQL through its own connections), as a
   * replica would be; its GraphQL URL. Stopped with the stack. */
  startReplica(authority: Authority): Promise<string>;
  /** GraphQL requests a subgraph has served (`http_requests_total{route="/graphql"}`), read over HTTP from /metrics. */
  graphqlRequests(authority: Authority): Promise<number>;
  /** Another gateway over the same subgraphs (e.g. in production mode); its URL. Stopped with the stack. */
  startGateway(options: GatewayHardening): Promise<string>;
  /** Where a gateway started here serves GET /metrics (its own listener, not its public port); default: the stack's. */
  gatewayMetricsUrl(gatewayUrl?: string): string;
  stop(): Promise<void>;
}

/** The gateway options a suite may set: production mode, limits, subgraph call policy, safelist, prepared operations, logger, transport limits, per-key rate limiter, key store (default: the stack's file). */
export type GatewayHardening = Pick<GatewayOptions, 'production' | 'limits' | 'resilience' | 'safelist' | 'preparedOperations' | 'logger' | 'transport' | 'limiter'> &
  Partial<Pick<GatewayOptions, 'apiKeys'>>;

/** Which database backs the suites: PostgreSQL when the three URLs are set, else embedded PGlite. */
export const databaseKind = process.env.IMMIGRATION_DATABASE_URL ? 'postgresql' : 'pglite';

/**
 * Starts the whole system in this process, each server on port 0 and each authority on its own fresh
 * database (in-memory PGlite, or a throwaway database on the configured PostgreSQL servers), seeded with
 * the personas and `persons` generated persons.
 */
export async function startStack(options: StackOptions = {}): Promise<Stack> {
  const started: Array<() => Promise<unknown>> = [];
  try {
    return await start(options, started);
  } catch (err) {
    // A stack that failed half-way stops what it started, so the test process can exit.
    for (const stop of started.reverse()) await stop().catch(() => undefined);
    throw err;
  }
}

export interface StackOptions {
  persons?: number;
  gateway?: GatewayHardening;
  /** The subgraphs' statistics budget (default: the subgraphs' own). */
  statisticsBudget?: StatisticsBudgetOptions;
  /** How the subgraphs execute operations (default: SUBGRAPH_EXECUTION, else compiled). */
  execution?: SubgraphExecution;
  /** When compiled execution compiles (default: the subgraphs' own). */
  compileRules?: CompileRules;
}

async function start(options: StackOptions, started: Array<() => Promise<unknown>>): Promise<Stack> {
  const dataDir = mkdtempSync(join(tmpdir(), 'rc-test-'));
  started.push(async () => rmSync(dataDir, { recursive: true, force: true }));
  const gatewayKeys = await loadOrCreateKeyPair(keysDir(dataDir), 'gateway');
  const servers: Server[] = [];
  const subgraphServers = {} as Record<Authority, Server>;
  const ports = {} as Record<Authority, number>;
  const eventOptions = {} as Record<Authority, Awaited<ReturnType<typeof eventsOptionsFor>>>;
  const dropDatabases: Array<() => Promise<void>> = [];
  const dbs = {} as Record<Authority, DataSource>;
  const urls = {} as Record<Authority, string | undefined>;
  const metrics = {} as Stack['metrics'];
  const subgraphUrls = {} as Record<Authority, string>;

  // Filled in as each subgraph starts listening; the relays read it when they deliver.
  const internalUrls: Partial<Record<Authority, string>> = {};
  const relays = {} as Stack['relays'];
  for (const authority of Object.keys(SUBGRAPHS) as Authority[]) {
    const { migrations } = SUBGRAPHS[authority];
    metrics[authority] = createMetrics(authority);
    const url = await throwawayDatabase(authority, dropDatabases, 'rc_test');
    urls[authority] = url;
    const db = await openDatabase({ authority, url, migrations, statements: metrics[authority].dbStatements });
    started.push(() => db.destroy());
    await duringStartup(db, 'seed', () => seedIfEmpty(authority, db, { seed: 7, persons: options.persons ?? 200, asOf: TEST_TODAY }));
    dbs[authority] = db;
    eventOptions[authority] = {
      ...(await eventsOptionsFor(authority, keysDir(dataDir), internalUrls, {})),
      metrics: createEventMetrics(metrics[authority].registry),
      relay: { pollMs: 200, maxBackoffMs: 1000 },
    };
    await startSubgraph(authority, 0);
  }

  async function buildSubgraph(authority: Authority, db: DataSource) {
    return SUBGRAPHS[authority].build({
      db,
      gatewayKey: gatewayKeys.publicKeys,
      metrics: metrics[authority],
      clock: () => TEST_TODAY,
      events: eventOptions[authority],
      statisticsKey: loadOrCreateRecordKeySecret(process.env.STATISTICS_RECORD_KEY_FILE ?? recordKeyFile(keysDir(dataDir))),
      statisticsBudget: options.statisticsBudget,
      execution: options.execution,
      compileRules: options.compileRules,
      // A suite that gives the gateway longer than its default to wait gives the changes as long, less a margin.
      changeDeadlineMs: Math.max(DEFAULT_CHANGE_DEADLINE_MS, (options.gateway?.resilience?.timeoutMs ?? 0) - 500),
    });
  }

  async function startSubgraph(authority: Authority, port: number): Promise<void> {
    const { server, relay } = await buildSubgraph(authority, dbs[authority]);
    subgraphServers[authority] = server;
    relays[authority] = relay;
    started.push(async () => {
      await relay.stop();
      if (server.listening) await close(server);
    });
    ports[authority] = await listen(server, port);
    internalUrls[authority] = `http://127.0.0.1:${ports[authority]}`;
    subgraphUrls[authority] = `http://127.0.0.1:${ports[authority]}/graphql`;
  }

  const replicas: Array<() => Promise<void>> = [];
  async function startReplica(authority: Authority): Promise<string> {
    const url = urls[authority];
    // Embedded, the database lives in this process: the replica shares its connection.
    const db = url ? await openDatabase({ authority, url, migrations: SUBGRAPHS[authority].migrations, statements: metrics[authority].dbStatements }) : dbs[authority];
    const { server, relay } = await buildSubgraph(authority, db);
    replicas.push(async () => {
      await relay.stop();
      if (server.listening) await close(server);
      if (url) await db.destroy();
    });
    return `http://127.0.0.1:${await listen(server, 0)}/graphql`;
  }

  async function stopSubgraph(authority: Authority): Promise<void> {
    await relays[authority].stop();
    subgraphServers[authority].closeAllConnections();
    await close(subgraphServers[authority]);
  }

  metrics.gateway = createMetrics('gateway');
  const staffTokens = await staffTokenConfig({ DATA_DIR: dataDir });
  const apiKeys = new ApiKeyStore(apiKeysFile({ DATA_DIR: dataDir }));
  const metricsUrls = new Map<string, string>();
  async function startGateway(hardening: GatewayHardening, gatewayMetrics = createMetrics('gateway')): Promise<string> {
    const { server, metricsServer } = await buildGateway({
      supergraphSdl: readFileSync(join(__dirname, '..', 'schema', 'supergraph.graphql'), 'utf8'),
      subgraphUrls,
      staffTokens,
      signingKey: gatewayKeys,
      apiKeys,
      metrics: gatewayMetrics,
      // GATEWAY_PREPARED=off runs every suite with the prepared path off (.ci/run does, for e2e and security).
      preparedOperations: preparedOperationsFromEnv(),
      ...hardening,
    });
    servers.push(server, metricsServer);
    const url = `http://127.0.0.1:${await listen(server, 0)}/graphql`;
    metricsUrls.set(url, `http://127.0.0.1:${await listen(metricsServer, 0)}/metrics`);
    return url;
  }
  const gatewayUrl = await startGateway(options.gateway ?? {}, metrics.gateway);

  return {
    gatewayUrl,
    subgraphUrls,
    dataDir,
    dbs,
    relays,
    metrics,
    token: (role, o = {}) => issueDevToken({ role, dataDir, ...o }),
    async query(token, query, variables) {
      const res = await fetch(gatewayUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
        body: JSON.stringify({ query, variables }),
      });
      return { status: res.status, body: (await res.json()) as { data?: never; errors?: never } };
    },
    async statements(authority) {
      const res = await fetch(subgraphUrls[authority].replace('/graphql', '/metrics'));
      const text = await res.text();
      const line = text.split('\n').find((l) => l.startsWith('subgraph_db_statements_total{') && l.includes('source="request"'));
      return line ? Number(line.split(' ').at(-1)) : 0;
    },
    stopSubgraph,
    startSubgraph: (authority) => startSubgraph(authority, ports[authority]),
    startReplica,
    async graphqlRequests(authority) {
      const res = await fetch(subgraphUrls[authority].replace('/graphql', '/metrics'));
      return (await res.text())
        .split('\n')
        .filter((l) => l.startsWith('http_requests_total{') && l.includes('route="/graphql"'))
        .reduce((sum, l) => sum + Number(l.split(' ').at(-1)), 0);
    },
    startGateway: (hardening) => startGateway(hardening),
    gatewayMetricsUrl(url = gatewayUrl) {
      const metricsUrl = metricsUrls.get(url);
      if (!metricsUrl) throw new Error(`No gateway of this stack at ${url}`);
      return metricsUrl;
    },
    async stop() {
      for (const stopReplica of replicas) await stopReplica();
      for (const relay of Object.values(relays)) await relay.stop();
      for (const server of [...servers, ...Object.values(subgraphServers)]) if (server.listening) await close(server);
      for (const db of Object.values(dbs)) await db.destroy();
      for (const drop of dropDatabases) await drop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
