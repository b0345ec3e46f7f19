import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';

/**
 * Replicas of a subgraph starting at once on one empty PostgreSQL database (a rollout, or a node restart):
 * each runs the migrations and the first-start seed, one at a time under the startup advisory lock, so both
 * start, every migration is applied once and the demo population is loaded once. PostgreSQL only
 * (REGISTRY_DATABASE_URL); an embedded database belongs to one process.
 */
const server = process.env.REGISTRY_DATABASE_URL;
const onPostgres = server ? describe : describe.skip;
const ROOT = join(__dirname, '..', '..');

async function sql<T>(database: string, text: string): Promise<T[]> {
  const url = new URL(server!);
  url.pathname = `/${database}`;
  const client = new Client({ connectionString: url.toString() });
  await client.connect();
  try {
    return (await client.query(text)).rows as T[];
  } finally {
    await client.end();
  }
}

/** What each child process runs: the registry subgraph's start, up to its database being ready. */
const START = `
const { openSubgraphDatabase } = require('./subgraphs/kit/main.ts');
const { migrations } = require('./subgraphs/registry/migrations');
const { createMetrics } = require('./runtime/metrics');
openSubgraphDatabase('registry', migrations, process.env, createMetrics('registry').dbStatements)
  .then((db) => db.destroy())
  .then(() => process.exit(0), (err) => { console.error(err); process.exit(1); });
`;

function startReplica(url: string, dataDir: string): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', '-e', START], {
      cwd: ROOT,
      env: { ...process.env, REGISTRY_DATABASE_URL: url, SEED_PERSONS: '300', SEED: '3', DATA_DIR: dataDir, LOG_LEVEL: 'silent' },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('exit', (code) => resolve({ code, stderr }));
  });
}

onPostgres('two replicas starting at once on one empty PostgreSQL database', () => {
  const name = `k8s_startup_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
  let dataDir: string;

  beforeAll(async () => {
    await sql('postgres', `CREATE DATABASE ${name}`);
    dataDir = mkdtempSync(join(tmpdir(), 'startup-lock-'));
  });
  afterAll(async () => {
    await sql('postgres', `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    rmSync(dataDir, { recursive: true, force: true });
  });

  test('both start; every migration is applied once and the population loaded once', async () => {
    const url = new URL(server!);
    url.pathname = `/${name}`;
    const [a, b] = await Promise.all([startReplica(url.toString(), join(dataDir, 'a')), startReplica(url.toString(), join(dataDir, 'b'))]);
    expect([a.code, a.stderr.slice(0, 2000)]).toEqual([0, '']);
    expect([b.code, b.stderr.slice(0, 2000)]).toEqual([0, '']);

    const applied = await sql<{ name: string; times: number }>(name, `SELECT name, count(*)::int AS times FROM migrations GROUP BY name`);
    expect(applied.length).toBeGreaterThan(0);
    expect(applied.filter((m) => m.times !== 1)).toEqual([]);
    // The personas and the 300 generated persons, once: a second load would double them or fail on their keys.
    const [{ residents }] = await sql<{ residents: number }>(name, `SELECT count(*)::int AS residents FROM resident`);
    const [{ distinct }] = await sql<{ distinct: number }>(name, `SELECT count(DISTINCT my_number)::int AS distinct FROM resident`);
    expect(residents).toBeGreaterThan(300);
    expect(residents).toBeLessThan(600);
    expect(distinct).toBe(residents);
    // Neither left the lock behind.
    const [{ held }] = await sql<{ held: number }>(name, `SELECT count(*)::int AS held FROM pg_locks WHERE locktype = 'advisory'`);
    expect(held).toBe(0);
  });
});
