import { execFile, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { SharedApiKeyStore } from '../../gateway/auth/sharedApiKeys';
import { issueDevToken } from '../../gateway/tokenCli';
import type { Authority } from '../../runtime/authority';
import { STATS_VERIFY_PATH } from '../../schema/internalPaths';
import { eventsOptionsFor } from '../../subgraphs/kit/eventRoutes';
import { callInternal } from '../../subgraphs/kit/internalCall';
import { keysDir } from '../../runtime/keys';
import type { StatisticsReport } from '../../subgraphs/kit/statistics/verify';
import { PRINCIPAL_HEADER, signBenchPrincipals } from '../bench/principals';
import { freePort, startRedis, stopRedis, type RedisServer } from './redisServer';
import { killReplica, metric, Service, sql, startReplica, stopReplica, type Replica } from './cluster';

/**
 * The system as it runs on Kubernetes, on one machine: two gateway replicas and two replicas of each subgraph,
 * each a process of its own, over one PostgreSQL database per authority, one for the gateway's keys, and one Redis
 * (Debian's redis-server, started here). A small Service per tier stands for Kubernetes' (round robin; a replica
 * that refuses connections is left out). PostgreSQL only (the *_DATABASE_URL variables, as CI's PostgreSQL stage
 * sets them); without redis-server it is skipped, except in CI.
 */
const server = process.env.IMMIGRATION_DATABASE_URL;
const redisInstalled = !spawnSync('redis-server', ['--version']).error;
const run = promisify(execFile);
const ROOT = join(__dirname, '..', '..');
const AUTHORITIES: Authority[] = ['mynumber', 'registry', 'immigration'];
/** Moves (a move-out and a move-in, two events each: to the ISA and to J-LIS) recorded across the relay's failover. */
const MOVES = Number(process.env.SCALE_MOVES ?? 500);
const PERSONS = 40;
/** What a revocation may take to reach every replica here: the 1 s cache bound plus a loaded machine's slack. */
const BOUND_MS = 2500;

const suite = server && (redisInstalled || process.env.CI === 'true') ? describe : describe.skip;

suite('two replicas of every process over PostgreSQL and Redis', () => {
  const tag = `${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
  const databases = Object.fromEntries([...AUTHORITIES, 'gateway'].map((a) => [a, `scale_${a}_${tag}`])) as Record<Authority | 'gateway', string>;
  const urlOf = (database: string) => Object.assign(new URL(server!), { pathname: `/${database}` }).toString();
  let dataDir: string;
  let redis: RedisServer;
  let keys: SharedApiKeyStore;
  const replicas = {} as Record<Authority | 'gateway', Replica[]>;
  const services = {} as Record<Authority | 'gateway', Service>;
  /** Every event delivery the consumers' Services passed on: event id → when (ms since the epoch), each time. */
  const deliveries = new Map<string, number[]>();
  let envOf: (who: Authority | 'gateway') => Record<string, string>;

  async function startSubgraph(authority: Authority, index: number): Promise<Replica> {
    return startReplica(`${authority}-${index}`, `subgraphs/${authority}/index.ts`, `${authority.toUpperCase()}_PORT`, envOf(authority));
  }
  async function startGateway(index: number): Promise<Replica> {
    return startReplica(`gateway-${index}`, 'gateway/index.ts', 'GATEWAY_PORT', { ...envOf('gateway'), GATEWAY_METRICS_PORT: String(await freePort()) });
  }
  const gatewayUrl = (r: Replica) => `http://127.0.0.1:${r.port}/graphql`;
  const metricsOf = (r: Replica) => `http://127.0.0.1:${r.port}/metrics`;

  async function graphql(url: string, headers: Record<string, string>, query: string, variables: Record<string, unknown> = {}) {
    const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify({ query, variables }) });
    return { status: res.status, body: (await res.json()) as { data?: Record<string, unknown>; errors?: Array<{ message: string; extensions?: { code?: string } }> } };
  }

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'scale-'));
    for (const database of Object.values(databases)) await sql(server!, 'postgres', `CREATE DATABASE ${database}`);
    redis = await startRedis(await freePort());
    for (const a of [...AUTHORITIES, 'gateway'] as const) {
      replicas[a] = [];
      services[a] = new Service(a, replicas[a], (path, body) => {
        if (path !== '/internal/events') return;
        const id = (JSON.parse(body) as { eventId: string }).eventId;
        deliveries.set(id, [...(deliveries.get(id) ?? []), Date.now()]);
      });
      await services[a].start();
    }
    const common = { DATA_DIR: dataDir, SEED: '7', SEED_PERSONS: String(PERSONS) };
    envOf = (who) => {
      if (who === 'gateway') {
        return {
          ...common,
          REDIS_URL: redis.url,
          REDIS_PASSWORD: redis.password,
          GATEWAY_DATABASE_URL: urlOf(databases.gateway),
          ...Object.fromEntries(AUTHORITIES.map((a) => [`${a.toUpperCase()}_URL`, `${services[a].url}/graphql`])),
        };
      }
      return {
        ...common,
        [`${who.toUpperCase()}_DATABASE_URL`]: urlOf(databases[who]),
        ...Object.fromEntries(AUTHORITIES.filter((a) => a !== who).map((a) => [`${a.toUpperCase()}_INTERNAL_URL`, services[a].url])),
      };
    };
    // The first replica of each authority creates the development keys in DATA_DIR; the rest find them.
    replicas.mynumber.push(await startSubgraph('mynumber', 1));
    const firsts = await Promise.all((['registry', 'immigration'] as const).map((a) => startSubgraph(a, 1)));
    replicas.registry.push(firsts[0]);
    replicas.immigration.push(firsts[1]);
    const seconds = await Promise.all(AUTHORITIES.map((a) => startSubgraph(a, 2)));
    AUTHORITIES.forEach((a, i) => replicas[a].push(seconds[i]!));
    replicas.gateway.push(await startGateway(1));
    replicas.gateway.push(await startGateway(2));
    keys = await SharedApiKeyStore.open(urlOf(databases.gateway), { listen: false });
  }, 300_000);

  afterAll(async () => {
    for (const list of Object.values(replicas)) for (const r of list ?? []) await stopReplica(r);
    for (const s of Object.values(services)) await s?.stop();
    await keys?.close();
    if (redis) await stopRedis(redis);
    for (const database of Object.values(databases)) await sql(server!, 'postgres', `DROP DATABASE IF EXISTS ${database} WITH (FORCE)`).catch(() => undefined);
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  /** A partner's card check on one gateway replica. */
  async function check(replica: Replica, key: string, card: { number: string; validUntil: string }) {
    const { status, body } = await graphql(gatewayUrl(replica), { 'x-api-key': key }, `query ($c: String!, $e: Date!) { verifyResidenceCard(number: $c, expiresOn: $e) { valid } }`, {
      c: card.number,
      e: card.validUntil,
    });
    if (status === 200) expect(body).toEqual({ data: { verifyResidenceCard: { valid: true } } });
    return { status, code: body.errors?.[0]?.extensions?.code };
  }

  async function aValidCard(): Promise<{ number: string; validUntil: string }> {
    const [card] = await sql<{ number: string; validUntil: string }>(
      server!,
      databases.immigration,
      `SELECT number, to_char(valid_until, 'YYYY-MM-DD') AS "validUntil" FROM residence_card WHERE status = 'VALID' AND valid_until > '2027-01-01' ORDER BY number LIMIT 1`,
    );
    return card!;
  }

  test("a key's limit holds in total across the gateway replicas", async () => {
    const card = await aValidCard();
    const { key } = await keys.create({ partner: 'Example Employer', scopes: ['card:verify'], ratePerMinute: 6, expiresOn: null });
    const statuses: number[] = [];
    for (let i = 0; i < 10; i++) {
      const answer = await check(replicas.gateway[i % 2]!, key, card);
      statuses.push(answer.status);
      if (answer.status !== 200) expect(answer.code).toBe('RATE_LIMITED');
    }
    expect(statuses).toEqual([200, 200, 200, 200, 200, 200, 429, 429, 429, 429]);
  });

  test('a revoked key is refused by every gateway replica within a second', async () => {
    const card = await aValidCard();
    const { key, stored } = await keys.create({ partner: 'Example Bank', scopes: ['card:verify'], ratePerMinute: 10_000, expiresOn: null });
    for (const r of replicas.gateway) expect(await check(r, key, card)).toEqual({ status: 200, code: undefined });
    await keys.revoke(stored.id);
    const started = Date.now();
    const took = await Promise.all(
      replicas.gateway.map(async (r) => {
        for (;;) {
          const answer = await check(r, key, card);
          if (answer.status === 401) {
            expect(answer.code).toBe('API_KEY_REVOKED');
            return Date.now() - started;
          }
          expect(answer.status).toBe(200);
          if (Date.now() - started > 10_000) throw new Error(`${r.name} still accepts the key after 10 s`);
          await new Promise((res) => setTimeout(res, 20));
        }
      }),
    );
    console.log(`revoked key refused by the gateway replicas after ${took.join(' and ')} ms`);
    for (const ms of took) expect(ms).toBeLessThan(BOUND_MS);
  });

  /** Each replica's answer to the same table, asked of the replica itself (an analyst's principal, as the gateway signs it). */
  const TABLES = {
    registry: `{ residentRegistryStatistics(groupBy: [MUNICIPALITY]) { total cells { key { code } count suppressed } } }`,
    immigration: `{ foreignResidentStatistics(groupBy: [CARD_ARRANGEMENT]) { total cells { key { code } count suppressed } } }`,
  } as const;
  async function tables(authority: keyof typeof TABLES, query: string = TABLES[authority]): Promise<string[]> {
    const analyst = (await signBenchPrincipals(dataDir, { id: 'none', name: 'none' }, '1h')).analyst[authority];
    return Promise.all(
      replicas[authority].map(async (r) => {
        const { status, body } = await graphql(`http://127.0.0.1:${r.port}/graphql`, { [PRINCIPAL_HEADER]: analyst }, query);
        expect([r.name, status, body.errors]).toEqual([r.name, 200, undefined]);
        const { __typename, ...data } = body.data as Record<string, unknown>;
        return JSON.stringify(data);
      }),
    );
  }
  /** The tables each replica showed before the moves, every replica's counts and kept answers warm. */
  const before = {} as Record<keyof typeof TABLES, string[]>;

  test('statistics: every replica of an authority shows the same table', async () => {
    for (const authority of ['registry', 'immigration'] as const) {
      before[authority] = await tables(authority);
      expect(before[authority]).toHaveLength(2);
      expect(before[authority][1]).toBe(before[authority][0]);
    }
  });

  test(`${MOVES} moves: each event delivered once and applied in order per person, the relay's leader killed half-way`, async () => {
    const [base] = await sql<{ id: string }>(server!, databases.registry, `SELECT coalesce(max(id), 0)::text AS id FROM outbox`);
    const movers = await sql<{ myNumber: string; municipality: string }>(
      server!,
      databases.registry,
      `SELECT my_number AS "myNumber", municipality_code AS municipality FROM resident
       WHERE removed_on IS NULL AND move_out_to IS NULL AND municipality_code <> '131041' ORDER BY id LIMIT 20`,
    );
    expect(movers.length).toBe(20);
    const tokens = new Map<string, Promise<string>>();
    const clerk = (municipality: string) => {
      if (!tokens.has(municipality)) tokens.set(municipality, issueDevToken({ role: 'municipal-clerk', municipality, dataDir, ttl: '1h' }));
      return tokens.get(municipality)!;
    };
    const where = new Map(movers.map((m) => [m.myNumber, m.municipality]));
    const home = new Map(movers.map((m) => [m.myNumber, m.municipality]));
    let resent = 0;
    /**
     * A clerk's command through the gateways. When the registry replica that ran it dies before answering, the
     * clerk looks at the record (here: its row) and sends it again only if it did not happen.
     */
    async function command(municipality: string, mutation: string, variables: Record<string, unknown>, happened: () => Promise<boolean>): Promise<void> {
      for (let attempt = 1; ; attempt++) {
        const answer = await graphql(`${services.gateway.url}/graphql`, { authorization: `Bearer ${await clerk(municipality)}` }, mutation, variables).catch(
          (err: Error) => ({ status: 0, body: { errors: [{ message: err.message }] } }),
        );
        if (!answer.body.errors) return;
        if (attempt === 3 || (await happened())) {
          expect(attempt === 3 ? answer.body.errors : []).toEqual([]);
          return;
        }
        resent++;
      }
    }
    const row = async (n: string) =>
      (await sql<{ municipality: string; movingTo: string | null }>(server!, databases.registry, `SELECT municipality_code AS municipality, move_out_to AS "movingTo" FROM resident WHERE my_number = $1`, [n]))[0]!;
    async function move(myNumber: string): Promise<void> {
      const from = where.get(myNumber)!;
      const to = from === '131041' ? home.get(myNumber)! : '131041';
      await command(
        from,
        `mutation ($n: ID!, $m: String!) { recordMoveOut(myNumber: $n, destinationMunicipalityCode: $m, movedOutOn: "2026-11-28") { myNumber } }`,
        { n: myNumber, m: to },
        async () => (await row(myNumber)).movingTo === to,
      );
      await command(
        to,
        `mutation ($n: ID!, $m: String!) { recordMoveIn(myNumber: $n, municipalityCode: $m, addressLine: "1-1-1", movedInOn: "2026-11-28") { myNumber } }`,
        { n: myNumber, m: to },
        async () => (await row(myNumber)).municipality === to,
      );
      where.set(myNumber, to);
    }
    /** Four clerks at work, each moving its own persons in turn, until `MOVES` moves are recorded. */
    let done = 0;
    const started = Date.now();
    const recording = Promise.all(
      [0, 1, 2, 3].map(async (lane) => {
        for (let i = lane; done < MOVES; i += 4) {
          done++;
          await move(movers[i % movers.length]!.myNumber);
        }
      }),
    );
    while (done < MOVES / 2) await new Promise((r) => setTimeout(r, 10));
    // Half-way, while moves are recorded and delivered, the relaying replica dies.
    const leading = await Promise.all(replicas.registry.map((r) => metric(metricsOf(r), 'events_relay_leading')));
    expect([...leading].sort()).toEqual([0, 1]);
    const leader = replicas.registry[leading.indexOf(1)]!;
    const [owed] = await sql<{ n: number }>(server!, databases.registry, `SELECT count(*)::int AS n FROM outbox WHERE delivered_at IS NULL`);
    // An event the dying leader sent can reach its consumer until the process is gone: "at the kill" is the span
    // from the signal to the process's end, not the instant the signal left.
    const killStarted = Date.now();
    await killReplica(leader);
    const killedAt = Date.now();
    try {
      await recording;
      const survivor = replicas.registry.find((r) => r !== leader)!;
      const deadline = Date.now() + 60_000;
      for (;;) {
        const [left] = await sql<{ n: number }>(server!, databases.registry, `SELECT count(*)::int AS n FROM outbox WHERE delivered_at IS NULL AND id > $1`, [base!.id]);
        if (left!.n === 0) break;
        if (Date.now() > deadline) throw new Error(`${left!.n} events still owed after 60 s`);
        await new Promise((r) => setTimeout(r, 100));
      }
      console.log(`${MOVES} moves (${MOVES * 2} events) in ${Date.now() - started} ms; ${owed!.n} events owed when the leader was killed; ${resent} commands resent by their clerk`);
      expect(await metric(metricsOf(survivor), 'events_relay_leading')).toBe(1);

      const sent = await sql<{ eventId: string; key: string; destination: string }>(
        server!,
        databases.registry,
        `SELECT event_id::text AS "eventId", aggregate_key AS key, destination FROM outbox WHERE id > $1 ORDER BY id`,
        [base!.id],
      );
      expect(sent.length).toBe(MOVES * 2);
      // Delivered once: the consumers' Services passed each event on once, except one in flight when the leader died,
      // which the new leader sends again (and the inbox absorbs: applied once, below).
      expect(sent.filter((e) => !deliveries.has(e.eventId))).toEqual([]);
      const again = sent.map((e) => deliveries.get(e.eventId)!).filter((times) => times.length > 1);
      console.log(`${again.length} events delivered twice (in flight at the kill)`);
      for (const times of again) expect([times.length, times[0]! <= killedAt, times[1]! > killStarted]).toEqual([2, true, true]);
      for (const consumer of ['immigration', 'mynumber'] as const) {
        const applied = await sql<{ eventId: string; key: string }>(
          server!,
          databases[consumer],
          `SELECT event_id::text AS "eventId", aggregate_key AS key FROM inbox WHERE source = 'registry' AND event_id = ANY($1::uuid[]) ORDER BY seq`,
          [sent.filter((e) => e.destination === consumer).map((e) => e.eventId)],
        );
        const byPerson = (list: Array<{ eventId: string; key: string }>) => {
          const map = new Map<string, string[]>();
          for (const e of list) map.set(e.key, [...(map.get(e.key) ?? []), e.eventId]);
          return map;
        };
        // Applied once each, in the order recorded, per person.
        expect(byPerson(applied)).toEqual(byPerson(sent.filter((e) => e.destination === consumer)));
      }
    } finally {
      // The killed replica comes back, as its Deployment would bring it (also when a check above failed, so the
      // tests after this one still have two replicas).
      replicas.registry[replicas.registry.indexOf(leader)] = await startSubgraph('registry', 3);
    }
  }, 600_000);

  test('statistics after the moves, made through either replica: every replica serves counts equal to a full recount, the same table', async () => {
    for (const authority of ['registry', 'immigration'] as const) {
      const { signingKey } = await eventsOptionsFor(authority, keysDir(dataDir), {}, {});
      for (const r of replicas[authority]) {
        // Each replica recounts the database in full and compares with the counts it keeps and the copy it serves.
        const started = Date.now();
        let report = await callInternal<StatisticsReport>(authority, authority, `http://127.0.0.1:${r.port}`, STATS_VERIFY_PATH, {}, signingKey, 60_000);
        while (report.differences.length > 0 && Date.now() - started < 10_000) {
          await new Promise((resolve) => setTimeout(resolve, 250));
          report = await callInternal<StatisticsReport>(authority, authority, `http://127.0.0.1:${r.port}`, STATS_VERIFY_PATH, {}, signingKey, 60_000);
        }
        expect([r.name, report.recounted, report.differences]).toEqual([r.name, expect.any(Number), []]);
        expect(report.recounted).toBeGreaterThan(0);
      }
      const now = await tables(authority);
      expect(now[1]).toBe(now[0]);
      // The same table under a query text never asked before (so never kept): made afresh on each replica, it is
      // what each replica's kept answer says.
      const fresh = await tables(authority, TABLES[authority].replace(/ }$/, ' __typename }'));
      expect(fresh).toEqual(now);
    }
  });

  test('one replica of each process killed under read load: no request fails beyond the retry policy', async () => {
    const persons = await sql<{ myNumber: string }>(server!, databases.registry, `SELECT my_number AS "myNumber" FROM resident WHERE removed_on IS NULL ORDER BY id LIMIT 20`);
    const officer = await issueDevToken({ role: 'isa-officer', dataDir, ttl: '1h' });
    const query = `query ($n: ID!) { person(myNumber: $n) { myNumber cardArrangement myNumberCard { status } resident { familyName } immigration { statusOfResidence } residenceCard { number status } } }`;
    let answered = 0;
    let retried = 0;
    const failures: string[] = [];
    let stop = false;
    /** The client's policy: a read whose connection drops is sent once more after 200 ms (the front Service picks a live gateway). */
    async function read(n: string): Promise<void> {
      for (let attempt = 1; ; attempt++) {
        try {
          const { status, body } = await graphql(`${services.gateway.url}/graphql`, { authorization: `Bearer ${officer}` }, query, { n });
          if (status !== 200 || body.errors) failures.push(`${status} ${JSON.stringify(body.errors)}`);
          else expect((body.data!.person as { myNumber: string }).myNumber).toBe(n);
          answered++;
          return;
        } catch (err) {
          if (attempt === 2) {
            failures.push(String(err));
            return;
          }
          retried++;
          await new Promise((r) => setTimeout(r, 200));
        }
      }
    }
    const load = Promise.all(
      [0, 1, 2, 3].map(async (lane) => {
        for (let i = lane; !stop; i += 4) await read(persons[i % persons.length]!.myNumber);
      }),
    );
    await new Promise((r) => setTimeout(r, 1500));
    for (const tier of ['gateway', ...AUTHORITIES] as const) {
      await killReplica(replicas[tier][0]!);
      await new Promise((r) => setTimeout(r, 1000));
    }
    await new Promise((r) => setTimeout(r, 1500));
    stop = true;
    await load;
    console.log(`under load: ${answered} reads answered, ${retried} resent by the client, ${failures.length} failed`);
    expect(failures).toEqual([]);
    expect(answered).toBeGreaterThan(50);
  }, 120_000);

  test('npm run audit:verify: every access log is clean', async () => {
    const env = { ...process.env, DATA_DIR: dataDir, ...Object.fromEntries(AUTHORITIES.map((a) => [`${a.toUpperCase()}_INTERNAL_URL`, services[a].url])) };
    const { stdout } = await run(process.execPath, ['--import', 'tsx', 'subgraphs/kit/auditVerifyCli.ts'], { cwd: ROOT, env }).catch((err: { stdout: string; stderr: string }) => {
      throw new Error(`audit:verify failed:\n${err.stdout}\n${err.stderr}`);
    });
    expect(stdout.trim().split('\n')).toHaveLength(3);
  }, 300_000);
});
