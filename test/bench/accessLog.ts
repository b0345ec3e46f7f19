/**
 * The access-log scenario: how many appends per second one authority's access log takes, and how long each
 * append waits until it is committed, with 1, 16 and 64 writers that each append one row per call and await it
 * (as concurrent requests do before they answer), through the authority's own writer (AccessLogWriter), on
 * PostgreSQL with fsync on and on PGlite. Every authority keeps the same log in its own database, so one
 * authority's figures stand for each: the ISA's log is measured, in a database of its own, empty at the start.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { DataSource } from 'typeorm';
import { agencyOf, purposeFor } from '../../gateway/auth/agency';
import { migrations } from '../../subgraphs/immigration/server';
import { AccessLogWriter } from '../../subgraphs/kit/accessLog/writer';
import type { Authority } from '../../runtime/authority';
import { embeddedDatabase, openDatabase } from '../../subgraphs/kit/database';
import { createMetrics } from '../../runtime/metrics';
import type { Principal } from '../../runtime/principal';
import { freshDatabase } from '../throwawayDatabase';
import { unifiedReadRow } from './accessRows';
import { assertDurable, durabilitySettings, serverSettings, startPostgres, type DurabilitySettings } from './postgres';

export const ACCESS_LOG_STORES = ['postgresql', 'pglite'] as const;
export type AccessLogStore = (typeof ACCESS_LOG_STORES)[number];
export const ACCESS_LOG_WRITERS = [1, 16, 64];
const AUTHORITY: Authority = 'immigration';

/** One cell: `accessLog.<store>.<writers>` in latest.json. */
export interface AppendFigures {
  appendsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  appends: number;
  /** Rows per INSERT: how many appends each commit carried (group commit). */
  rowsPerInsert: number;
}

export interface AccessLogConditions {
  authority: Authority;
  durationSec: number;
  warmupSec: number;
  writer: string;
  migrations: string[];
  stores: Partial<Record<AccessLogStore, { where: string; settings?: DurabilitySettings; note?: string }>>;
}

export type AccessLogResults = Partial<Record<AccessLogStore, Record<string, AppendFigures>>>;

/** The p-quantile (0..1) of sorted values, nearest rank. */
export function quantile(sorted: number[], p: number): number {
  return sorted.length === 0 ? 0 : sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))]!;
}

/** `writers` loops for `ms`, each calling `append` and awaiting it before the next call; every call's latency. */
export async function appendLoad(append: () => Promise<void>, writers: number, ms: number): Promise<{ seconds: number; latenciesMs: number[] }> {
  const latenciesMs: number[] = [];
  const start = performance.now();
  const end = start + ms;
  await Promise.all(
    Array.from({ length: writers }, async () => {
      while (performance.now() < end) {
        const t = performance.now();
        await append();
        latenciesMs.push(performance.now() - t);
      }
    }),
  );
  return { seconds: (performance.now() - start) / 1000, latenciesMs };
}

/** A database for the log, its server's settings, and how to be rid of both. */
interface OpenedStore {
  db: DataSource;
  where: string;
  settings: DurabilitySettings;
  close(): Promise<void>;
}

async function openStore(store: AccessLogStore, statements: ReturnType<typeof createMetrics>['dbStatements'], resultsDir: string): Promise<OpenedStore> {
  if (store === 'pglite') {
    const dataDir = mkdtempSync(join(tmpdir(), 'rc-bench-access-log-'));
    const db = await openDatabase({ authority: AUTHORITY, dataDir, migrations, statements });
    const pglite = embeddedDatabase(db)!;
    return {
      db,
      where: 'PGlite on disk, in this process (as a subgraph keeps it under DATA_DIR)',
      settings: await durabilitySettings(async (sql) => (await pglite.query<Record<string, string>>(sql)).rows),
      close: async () => {
        await db.destroy();
        rmSync(dataDir, { recursive: true, force: true });
      },
    };
  }
  // The configured server (checked for fsync at the start of the run), else a throwaway cluster with fsync on.
  const configured = process.env[`${AUTHORITY.toUpperCase()}_DATABASE_URL`];
  const own = configured ? undefined : await startPostgres(join(resultsDir, '.postgres'));
  try {
    const base = configured ?? own!.url;
    const settings = own?.settings ?? (await serverSettings(base));
    assertDurable('The PostgreSQL server of IMMIGRATION_DATABASE_URL', settings);
    const { url, drop } = await freshDatabase(base, `rc_bench_access_log_${process.pid}`);
    const db = await openDatabase({ authority: AUTHORITY, url, migrations, statements });
    return {
      db,
      where: configured ? 'the configured server (IMMIGRATION_DATABASE_URL)' : 'a throwaway cluster started by the benchmark',
      settings,
      close: async () => {
        await db.destroy();
        await drop();
        await own?.stop();
      },
    };
  } catch (err) {
    await own?.stop();
    throw err;
  }
}

/** The ISA officer of a unified-record read, each append a request of its own. */
function principal(): Principal {
  return { sub: 'bench-officer', role: 'isa-officer', agency: agencyOf('isa-officer'), purpose: purposeFor('isa-officer', undefined), requestId: randomUUID() };
}

/** One store's cells: a warm-up with 16 writers, then each writer count for `durationSec`. */
async function measureStore(
  store: AccessLogStore,
  opts: { durationSec: number; warmupSec: number; writers: number[]; resultsDir: string },
  conditions: AccessLogConditions,
): Promise<Record<string, AppendFigures>> {
  const metrics = createMetrics(`bench-access-log-${store}`);
  const opened = await openStore(store, metrics.dbStatements, opts.resultsDir);
  conditions.stores[store] = { where: opened.where, settings: opened.settings };
  const inserts = async () => (await metrics.dbStatements.get()).values.find((v) => v.labels.source === 'audit')?.value ?? 0;
  try {
    const writer = new AccessLogWriter(opened.db, AUTHORITY);
    // A different person each time: the log's index on the subject takes them in no order, as it does in production.
    const append = () => writer.append(principal(), [unifiedReadRow(AUTHORITY, String(100_000_000_000 + Math.floor(Math.random() * 900_000_000_000)), true)]);
    let appended = (await appendLoad(append, 16, opts.warmupSec * 1000)).latenciesMs.length;
    const cells: Record<string, AppendFigures> = {};
    for (const writers of opts.writers) {
      const before = await inserts();
      const { seconds, latenciesMs } = await appendLoad(append, writers, opts.durationSec * 1000);
      const statements = (await inserts()) - before;
      appended += latenciesMs.length;
      latenciesMs.sort((a, b) => a - b);
      cells[String(writers)] = {
        appendsPerSecond: Math.round(latenciesMs.length / seconds),
        p50Ms: round(quantile(latenciesMs, 0.5)),
        p99Ms: round(quantile(latenciesMs, 0.99)),
        appends: latenciesMs.length,
        rowsPerInsert: round(latenciesMs.length / Math.max(1, statements)),
      };
      const c = cells[String(writers)]!;
      console.log(`  access-log ${store.padEnd(10)} ${String(writers).padStart(2)} writers ${String(c.appendsPerSecond).padStart(7)} appends/s  p50 ${c.p50Ms} ms  p99 ${c.p99Ms} ms  ${c.rowsPerInsert} rows/INSERT`);
    }
    // Every append that resolved is in the log, once.
    const [{ n }] = (await opened.db.query(`SELECT count(*)::int AS n FROM access_log`)) as Array<{ n: number }>;
    if (n !== appended) throw new Error(`${appended} appends resolved but the log holds ${n} rows`);
    return cells;
  } finally {
    await opened.close();
  }
}

const round = (x: number) => Math.round(x * 100) / 100;

/** The scenario on each store; a store that cannot run says why in the conditions. */
export async function measureAccessLog(opts: {
  durationSec: number;
  warmupSec: number;
  resultsDir: string;
  stores?: readonly AccessLogStore[];
  writers?: number[];
}): Promise<{ results: AccessLogResults; conditions: AccessLogConditions }> {
  const writers = opts.writers ?? ACCESS_LOG_WRITERS;
  const conditions: AccessLogConditions = {
    authority: AUTHORITY,
    durationSec: opts.durationSec,
    warmupSec: opts.warmupSec,
    writer: 'AccessLogWriter (subgraphs/kit/accessLog/writer.ts): group commit, one INSERT per batch',
    migrations: migrations.map((m) => (m as { name: string }).name),
    stores: {},
  };
  const results: AccessLogResults = {};
  for (const store of opts.stores ?? ACCESS_LOG_STORES) {
    console.log(`Access log: appends to the ISA's log on ${store}, ${writers.join(', ')} writers, ${opts.durationSec} s each after a ${opts.warmupSec} s warm-up...`);
    try {
      results[store] = await measureStore(store, { ...opts, writers }, conditions);
    } catch (err) {
      conditions.stores[store] = { ...conditions.stores[store], where: conditions.stores[store]?.where ?? '–', note: `not measured: ${(err as Error).message}` };
      console.log(`  access-log ${store}: not measured: ${(err as Error).message.split('\n')[0]}`);
    }
  }
  return { results, conditions };
}
