import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Client } from 'pg';
import { DEFAULT_KEY_CACHE_MS, SharedApiKeyStore } from '../../gateway/auth/sharedApiKeys';
import { startStack, type Stack } from '../harness';
import { persona } from '../personas';

/**
 * Partner keys shared by two gateway replicas over one PostgreSQL (GATEWAY_DATABASE_URL, a throwaway database on
 * the server of IMMIGRATION_DATABASE_URL), managed with `npm run apikey` as an operator would: a key the CLI
 * creates works on both replicas; once the CLI has revoked or rotated it, both refuse the old key within a second.
 * PostgreSQL only: the embedded default is one gateway over a file.
 */
const server = process.env.IMMIGRATION_DATABASE_URL;
const onPostgres = server ? describe : describe.skip;
const ROOT = join(__dirname, '..', '..');
const run = promisify(execFile);

/** What a revocation may take to reach every replica here: the 1 s cache bound plus a loaded machine's slack. */
const BOUND_MS = 2500;

async function admin(text: string): Promise<void> {
  const client = new Client({ connectionString: server });
  await client.connect();
  try {
    await client.query(text);
  } finally {
    await client.end();
  }
}

onPostgres('partner keys shared by two gateway replicas over PostgreSQL', () => {
  const name = `scale_gateway_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
  let url: string;
  let stack: Stack;
  const stores: SharedApiKeyStore[] = [];
  let replicas: string[];
  let body: string;

  /** `npm run apikey -- <args>` against the shared store; its output. */
  async function apikey(...args: string[]): Promise<string> {
    const { stdout } = await run(process.execPath, ['--import', 'tsx', 'gateway/apiKeyCli.ts', ...args], {
      cwd: ROOT,
      env: { ...process.env, GATEWAY_DATABASE_URL: url, DATA_DIR: stack.dataDir },
    });
    return stdout;
  }

  /** A card check with `key` on one replica: the status and the error code, if any. */
  async function check(replica: string, key: string): Promise<{ status: number; code?: string }> {
    const res = await fetch(replica, { method: 'POST', headers: { 'content-type': 'application/json', 'x-api-key': key }, body });
    const json = (await res.json()) as { data?: unknown; errors?: Array<{ extensions: { code: string } }> };
    if (res.status === 200) expect(json).toEqual({ data: { verifyResidenceCard: { valid: true } } });
    return { status: res.status, code: json.errors?.[0]?.extensions.code };
  }

  /** Milliseconds until every replica refuses `key` with `code` (checked every 20 ms, each replica on its own). */
  async function untilRefused(key: string, code: string): Promise<number[]> {
    const started = Date.now();
    return Promise.all(
      replicas.map(async (replica) => {
        for (;;) {
          const answer = await check(replica, key);
          if (answer.status === 401) {
            expect(answer.code).toBe(code);
            return Date.now() - started;
          }
          expect(answer.status).toBe(200);
          if (Date.now() - started > 10_000) throw new Error(`${replica} still accepts the key after 10 s`);
          await new Promise((r) => setTimeout(r, 20));
        }
      }),
    );
  }

  beforeAll(async () => {
    await admin(`CREATE DATABASE ${name}`);
    const u = new URL(server!);
    u.pathname = `/${name}`;
    url = u.toString();
    stack = await startStack({ persons: 30 });
    replicas = [];
    for (let i = 0; i < 2; i++) {
      // Each replica its own store: its own connections, cache and LISTEN, as in its own pod.
      const store = await SharedApiKeyStore.open(url);
      stores.push(store);
      replicas.push(await stack.startGateway({ apiKeys: store }));
    }
    const p = persona('technical_intern');
    const [card] = await stack.dbs.immigration.query(`SELECT valid_until AS v FROM residence_card WHERE number = $1`, [p.residenceCardNumber]);
    body = JSON.stringify({
      query: `query ($c: String!, $e: Date!) { verifyResidenceCard(number: $c, expiresOn: $e) { valid } }`,
      variables: { c: p.residenceCardNumber, e: card.v },
    });
  });
  afterAll(async () => {
    await stack?.stop();
    for (const store of stores) await store.close();
    await admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  });

  test('a key created with npm run apikey works on both replicas; revoked, both refuse it within a second', async () => {
    const created = await apikey('create', '--partner', 'Example Bank', '--scopes', 'card:verify', '--rate', '10000/min');
    const key = /X-API-Key\): (\S+)/.exec(created)![1]!;
    const id = /^id (\S+)/.exec(created)![1]!;
    for (const replica of replicas) expect(await check(replica, key)).toEqual({ status: 200 });
    expect(await apikey('list')).toMatch(new RegExp(`^${id}  Example Bank  card:verify  10000/min  active$`, 'm'));

    // Both replicas answer the key from their cache now; the revocation must reach them anyway.
    await apikey('revoke', '--id', id);
    const took = await untilRefused(key, 'API_KEY_REVOKED');
    console.log(`revocation refused on the two replicas after ${took.join(' and ')} ms (from the CLI's exit)`);
    for (const ms of took) expect(ms).toBeLessThan(BOUND_MS);
    expect(await apikey('list')).toMatch(new RegExp(`^${id}  Example Bank  card:verify  10000/min  revoked `, 'm'));
  });

  test('rotated with npm run apikey: the old key is refused on both replicas within a second, the new one works on both', async () => {
    const created = await apikey('create', '--partner', 'Example Employer', '--scopes', 'card:verify', '--rate', '10000/min');
    const oldKey = /X-API-Key\): (\S+)/.exec(created)![1]!;
    const id = /^id (\S+)/.exec(created)![1]!;
    for (const replica of replicas) expect(await check(replica, oldKey)).toEqual({ status: 200 });

    const rotated = await apikey('rotate', '--id', id);
    const newKey = /new key \(shown once\): (\S+)/.exec(rotated)![1]!;
    expect(newKey).not.toBe(oldKey);
    const took = await untilRefused(oldKey, 'INVALID_API_KEY');
    for (const ms of took) expect(ms).toBeLessThan(BOUND_MS);
    for (const replica of replicas) expect(await check(replica, newKey)).toEqual({ status: 200 });
  });

  test('while the key store cannot be read, a key is refused with 503 once its row is a second old; then it works again', async () => {
    const { key } = await stores[0]!.create({ partner: 'Example Carrier', scopes: ['card:verify'], ratePerMinute: 10_000, expiresOn: null });
    expect(await check(replicas[0]!, key)).toEqual({ status: 200 });
    // The database refuses every new session and its sessions are ended: the store is gone for the replicas.
    await admin(`ALTER DATABASE ${name} ALLOW_CONNECTIONS false`);
    try {
      await admin(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '${name}' AND pid <> pg_backend_pid()`);
      await new Promise((r) => setTimeout(r, DEFAULT_KEY_CACHE_MS + 100));
      for (const replica of replicas) expect(await check(replica, key)).toEqual({ status: 503, code: 'INTERNAL_SERVER_ERROR' });
    } finally {
      await admin(`ALTER DATABASE ${name} ALLOW_CONNECTIONS true`);
    }
    for (const replica of replicas) expect(await check(replica, key)).toEqual({ status: 200 });
  });

  test('with no notification reaching a replica, its cache alone bounds a revocation to a second', async () => {
    const deaf = await SharedApiKeyStore.open(url, { listen: false });
    try {
      const { key, stored } = await stores[0]!.create({ partner: 'Example Shop', scopes: ['card:verify'], ratePerMinute: 60, expiresOn: null });
      expect(await deaf.verify(key, '2026-12-01')).toMatchObject({ id: stored.id, partner: 'Example Shop' });
      await stores[0]!.revoke(stored.id);
      const started = Date.now();
      while ((await deaf.verify(key, '2026-12-01')) !== 'API_KEY_REVOKED') {
        expect(Date.now() - started).toBeLessThan(BOUND_MS);
        await new Promise((r) => setTimeout(r, 20));
      }
      expect(Date.now() - started).toBeLessThanOrEqual(DEFAULT_KEY_CACHE_MS + 200);
    } finally {
      await deaf.close();
    }
  });
});
