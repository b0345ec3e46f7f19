import type { Server } from 'node:http';
import { join } from 'node:path';
import type { DataSource } from 'typeorm';
import type { Authority } from '../../runtime/authority';
import { DEFAULT_ACCESS_LOG_TIMEOUT_MS, duringStartup, openDatabase, underStartupLock, type DatabaseOptions } from './database';
import { databaseUrlFromEnv, integersFromEnv } from '../../runtime/env';
import { close, listen, processLogger } from '../../runtime/http';
import { keysDir, loadOrCreateKeyPair, publicKeyFile } from '../../runtime/keys';
import { statisticsBudgetFromEnv } from './statistics/budget';
import { statisticsKeyFor } from './statistics/recordKey';
import { DEFAULT_DENSE_HOURS, purgeAccessLog, thinCheckpoints } from './accessLog/retention';
import { DEFAULT_RETENTION_DAYS } from './accessLog/verify';
import { EVENT_ROUTES, eventsOptionsFor } from './eventRoutes';
import { createEventMetrics, createMetrics } from '../../runtime/metrics';
import { DEFAULT_PORTS } from '../../runtime/ports';
import { DEFAULT_CHANGE_DEADLINE_MS, type SubgraphDeps } from './subgraph';
import { transportFromEnv } from '../../runtime/transport';
import { prepareEmbeddedDatabase, templateCacheDir, type SeededTemplateSpec } from './template';

/** The names of the migrations, in order (classes or instances, as TypeORM accepts them). */
function migrationNames(migrations: DatabaseOptions['migrations']): string[] {
  const list = Array.isArray(migrations) ? migrations : Object.values(migrations);
  return list.map((m: unknown) => (typeof m === 'function' ? m.name : typeof m === 'string' ? m : (m as object).constructor.name));
}

/** The demo population a subgraph loads into an empty database: 10,000 persons embedded, none on a server. */
function seedOptions(env: Record<string, string | undefined>, server: boolean) {
  return { seed: Number(env.SEED ?? 1), persons: Number(env.SEED_PERSONS ?? (server ? 0 : 10_000)), asOf: env.SEED_AS_OF ?? '2026-11-28' };
}

/** What decides the pre-built embedded database a first start of `authority` copies (template.ts). */
export function embeddedTemplateSpec(
  authority: Authority,
  migrations: DatabaseOptions['migrations'],
  env: Record<string, string | undefined>,
): SeededTemplateSpec {
  return { authority, migrations: migrationNames(migrations), seed: seedOptions(env, false) };
}

/**
 * Opens an authority's database as its subgraph does at start: the database at `*_DATABASE_URL` (the password from
 * `*_DATABASE_PASSWORD_FILE` when set), or else the embedded one under DATA_DIR, which a first start copies from a
 * pre-built template (template.ts) when there is one; then the migrations, and the demo population if the database
 * holds nobody yet (embedded default 10,000).
 */
export async function openSubgraphDatabase(
  authority: Authority,
  migrations: DatabaseOptions['migrations'],
  env: Record<string, string | undefined>,
  statements: DatabaseOptions['statements'],
): Promise<DataSource> {
  const dataDir = env.DATA_DIR ?? '.data';
  const url = databaseUrlFromEnv(env, authority.toUpperCase());
  const seed = seedOptions(env, url !== undefined);
  const prepared = url
    ? undefined
    : await prepareEmbeddedDatabase(join(dataDir, authority), embeddedTemplateSpec(authority, migrations, env), templateCacheDir(env));
  const { accessLogTimeoutMs } = integersFromEnv(
    { accessLogTimeoutMs: DEFAULT_ACCESS_LOG_TIMEOUT_MS },
    { accessLogTimeoutMs: 'ACCESS_LOG_TIMEOUT_MS' },
    env,
  );
  const db = await openDatabase({ authority, url, dataDir, migrations, statements, accessLogTimeoutMs });
  if (seed.persons > 0) {
    // The demo data generator is loaded only when a demo population is asked for (SEED_PERSONS, or the embedded
    // default): a production start never loads seeds/ (test/architecture/imports.test.ts).
    const { seedIfEmpty } = require('../../seeds/load') as typeof import('../../seeds/load');
    // Under the startup lock: of replicas starting together on an empty database, one seeds, the others find it done.
    await duringStartup(db, 'seed', () => underStartupLock(db, () => seedIfEmpty(authority, db, seed)));
  }
  await duringStartup(db, 'seed', async () => prepared?.saveTemplate(db));
  return db;
}

/** Reads a subgraph's configuration from the environment, opens its database and listens until signalled. */
export async function runSubgraph(
  authority: Authority,
  migrations: DatabaseOptions['migrations'],
  build: (deps: SubgraphDeps) => Promise<{ server: Server }>,
): Promise<void> {
  const env = process.env;
  const upper = authority.toUpperCase();
  const dataDir = env.DATA_DIR ?? '.data';
  const metrics = createMetrics(authority, { defaultMetrics: true });

  const gatewayKey = env.GATEWAY_PUBLIC_KEY_FILE
    ? publicKeyFile(env.GATEWAY_PUBLIC_KEY_FILE)
    : (await loadOrCreateKeyPair(keysDir(dataDir), 'gateway')).publicKeys;
  const db = await openSubgraphDatabase(authority, migrations, env, metrics.dbStatements);

  // Every other authority: the consumers of its events, and the witnesses of its access log.
  const destinations = Object.fromEntries(
    (Object.keys(EVENT_ROUTES) as Authority[]).filter((a) => a !== authority).map((consumer) => {
      const upper = consumer.toUpperCase();
      return [consumer, env[`${upper}_INTERNAL_URL`] ?? `http://127.0.0.1:${env[`${upper}_PORT`] ?? DEFAULT_PORTS[consumer]}`];
    }),
  );
  const events = await eventsOptionsFor(authority, keysDir(dataDir), destinations, env);
  // Access-log rows past their retention (default 7 years) are purged, and checkpoints older than a day thinned to
  // one an hour, at start and daily.
  const retentionDays = Number(env.ACCESS_LOG_RETENTION_DAYS ?? DEFAULT_RETENTION_DAYS);
  const denseHours = Number(env.ACCESS_LOG_CHECKPOINTS_DENSE_HOURS ?? DEFAULT_DENSE_HOURS);
  const purge = () =>
    purgeAccessLog(db, retentionDays)
      .then(() => thinCheckpoints(db, denseHours))
      .catch(() => undefined);
  await purge();
  const purgeTimer = setInterval(() => void purge(), 24 * 3600 * 1000);
  purgeTimer.unref();

  const { server } = await build({
    db,
    gatewayKey,
    metrics,
    events: { ...events, metrics: createEventMetrics(metrics.registry) },
    transport: transportFromEnv(env),
    accessLog: { checkpointEveryMs: Number(env.ACCESS_LOG_CHECKPOINT_MS ?? 1000) },
    statisticsKey: statisticsKeyFor(authority, env, keysDir(dataDir)),
    statisticsBudget: statisticsBudgetFromEnv(env),
    ...integersFromEnv({ changeDeadlineMs: DEFAULT_CHANGE_DEADLINE_MS }, { changeDeadlineMs: 'CHANGE_DEADLINE_MS' }, env),
  });
  const port = await listen(server, Number(env[`${upper}_PORT`] ?? DEFAULT_PORTS[authority]), env.HOST ?? '127.0.0.1');
  processLogger(authority).info({ port }, 'listening');

  const stop = async () => {
    await close(server);
    await db.destroy();
    process.exit(0);
  };
  process.once('SIGINT', () => void stop());
  process.once('SIGTERM', () => void stop());
  // Started by `npm start`: stop when the starter goes away.
  process.once('disconnect', () => void stop());
}
