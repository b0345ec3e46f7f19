import { createServer, type Server } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import type { DataSource } from 'typeorm';
import { migrations } from '../registry/migrations';
import { ADVISORY_LOCKS } from './advisoryLocks';
import { openDatabase } from './database';
import type { EventEnvelope } from './events';
import { close, listen } from '../../runtime/http';
import { loadOrCreateKeyPair } from '../../runtime/keys';
import { createMetrics } from '../../runtime/metrics';
import { enqueue, OutboxRelay } from './outbox';

/**
 * Several replicas of one subgraph, each with its relay, over one PostgreSQL database: one relay delivers at a
 * time, another takes over when the holder's session ends or it stops, and no event reaches the consumer twice.
 * PostgreSQL only (REGISTRY_DATABASE_URL): the embedded database has one process, whose relay always delivers.
 */
const server = process.env.REGISTRY_DATABASE_URL;
const onPostgres = server ? describe : describe.skip;

async function admin(sql: string): Promise<void> {
  const client = new Client({ connectionString: server });
  await client.connect();
  await client.query(sql);
  await client.end();
}

async function until(what: string, condition: () => boolean | Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

onPostgres('outbox relays of two replicas on one PostgreSQL database', () => {
  const name = `k8s_relay_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
  let keysDir: string;
  let consumer: Server;
  let consumerUrl: string;
  /** Every delivery the consumer received, in arrival order. */
  const received: EventEnvelope[] = [];
  const replicas: Array<{ db: DataSource; relay: OutboxRelay; delivered: string[]; reported: boolean[] }> = [];
  let sent = 0;

  async function replica(): Promise<(typeof replicas)[number]> {
    const url = new URL(server!);
    url.pathname = `/${name}`;
    const db = await openDatabase({ authority: 'registry', url: url.toString(), migrations, statements: createMetrics('registry').dbStatements });
    const delivered: string[] = [];
    const reported: boolean[] = [];
    const relay = new OutboxRelay({
      db,
      source: 'registry',
      destinations: { mynumber: consumerUrl },
      signingKey: await loadOrCreateKeyPair(keysDir, 'registry'),
      // Polling slower than the takeover must be: a takeover waits on the lock, not on a poll.
      pollMs: 5000,
      maxBackoffMs: 200,
      onDelivered: (e) => delivered.push(e.eventId),
      onLeading: (leading) => reported.push(leading),
    });
    const r = { db, relay, delivered, reported };
    replicas.push(r);
    return r;
  }

  /** Records `count` events for ten persons, as the replica's request handlers do, and wakes every relay. */
  async function record(db: DataSource, count: number): Promise<string[]> {
    const ids: string[] = [];
    for (let i = 0; i < count; i++) {
      const n = sent++;
      ids.push(
        await db.transaction((m) =>
          enqueue(m, { type: 'ResidentMoved', key: `person-${n % 10}`, destination: 'mynumber', payload: { seq: n } as never }),
        ),
      );
    }
    return ids;
  }

  const deliveredOnce = (ids: string[]) => ids.every((id) => received.filter((e) => e.eventId === id).length === 1);
  const lockHolders = async (db: DataSource) =>
    (await db.query(`SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND objid = $1 AND granted`, [ADVISORY_LOCKS.outboxRelay])) as Array<{ pid: number }>;

  beforeAll(async () => {
    await admin(`CREATE DATABASE ${name}`);
    keysDir = mkdtempSync(join(tmpdir(), 'relay-keys-'));
    consumer = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        received.push(JSON.parse(body) as EventEnvelope);
        // A slow consumer keeps deliveries in flight, where two relays would overlap.
        setTimeout(() => res.writeHead(200).end('{}'), 5);
      });
    });
    consumerUrl = `http://127.0.0.1:${await listen(consumer, 0)}`;
  });

  afterAll(async () => {
    for (const r of replicas) {
      await r.relay.stop();
      if (r.db.isInitialized) await r.db.destroy();
    }
    if (consumer?.listening) await close(consumer);
    await admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    rmSync(keysDir, { recursive: true, force: true });
  });

  test('one relay delivers, the other waits; each event arrives once, in order per person', async () => {
    const a = await replica();
    const b = await replica();
    a.relay.start();
    await until('a relay leads', () => a.relay.leading);
    b.relay.start();
    // b waits for the lock on its own connection.
    await until('b waits for the lock', async () => (await a.db.query(`SELECT count(*)::int AS n FROM pg_locks WHERE locktype = 'advisory' AND objid = $1 AND NOT granted`, [ADVISORY_LOCKS.outboxRelay]))[0].n === 1);

    const ids = [...(await record(a.db, 100)), ...(await record(b.db, 100))];
    await until('all 200 are delivered', () => a.delivered.length + b.delivered.length >= 200);
    await new Promise((r) => setTimeout(r, 300));

    expect([a.delivered.length, b.delivered.length, b.relay.leading]).toEqual([200, 0, false]);
    expect(received.length).toBe(200);
    expect(deliveredOnce(ids)).toBe(true);
    for (let p = 0; p < 10; p++) {
      const seqs = received.filter((e) => e.key === `person-${p}`).map((e) => (e.payload as { seq: number }).seq);
      expect(seqs).toEqual([...seqs].sort((x, y) => x - y));
    }
    expect(await lockHolders(a.db)).toHaveLength(1);
    // What events_relay_leading shows: 1 on a, 0 on b.
    expect([a.reported, b.reported]).toEqual([[true], []]);
  });

  test('the holder session ends, as when its process dies: the other takes over at once, nothing sent twice', async () => {
    const [a, b] = replicas as [(typeof replicas)[0], (typeof replicas)[0]];
    const [{ pid }] = await lockHolders(b.db);
    // The database ends the holder's session, as it does when the holder's process dies: its lock goes with it.
    const endedAt = Date.now();
    await b.db.query(`SELECT pg_terminate_backend($1)`, [pid]);
    await until('b leads', () => b.relay.leading, 3000);
    expect(Date.now() - endedAt).toBeLessThan(2000);
    expect(a.relay.leading).toBe(false);

    const before = received.length;
    const ids = await record(a.db, 100);
    await until('the 100 new events are delivered', () => received.length >= before + 100);
    await new Promise((r) => setTimeout(r, 300));
    expect(received.length).toBe(before + 100);
    expect(deliveredOnce(ids)).toBe(true);
    expect(b.delivered.length).toBe(100);
    expect(a.delivered.length).toBe(200);
    expect([a.reported, b.reported]).toEqual([[true, false], [true]]);
  });

  test('the holder stops: the waiting relay takes over, the stopped one sends nothing more', async () => {
    const [a, b] = replicas as [(typeof replicas)[0], (typeof replicas)[0]];
    await until('a waits for the lock again', async () => (await lockHolders(a.db)).length === 1 && !a.relay.leading);
    await b.relay.stop();
    await until('a leads', () => a.relay.leading, 3000);

    const before = received.length;
    const ids = await record(b.db, 50);
    await until('the 50 new events are delivered', () => received.length >= before + 50);
    await new Promise((r) => setTimeout(r, 300));
    expect(received.length).toBe(before + 50);
    expect(deliveredOnce(ids)).toBe(true);
    expect([a.delivered.length, b.delivered.length]).toEqual([250, 100]);
    expect([a.reported, b.reported]).toEqual([[true, false, true], [true, false]]);
    const owed = await a.db.query(`SELECT count(*)::int AS n FROM outbox WHERE delivered_at IS NULL`);
    expect(owed[0].n).toBe(0);
  });
});
