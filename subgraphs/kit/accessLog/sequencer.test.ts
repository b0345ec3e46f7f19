import { createHash } from 'node:crypto';
import { generateKeyPair, type CryptoKey } from 'jose';
import type { DataSource } from 'typeorm';
import type { Principal } from '../../../runtime/principal';
import { suiteDatabases } from '../../../test/suiteDatabases';
import { eventually } from '../../../test/personas';
import { migrations } from '../../mynumber/migrations';
import { writeAccessLogRows } from '../audit';
import { verifyText } from './checkpoint';
import { LogSequencer } from './sequencer';

/**
 * The sequencer's timer against a database that stops answering (a failover, a lock held by a migration): it must
 * wait on one look at a time, not start one per tick until every pooled connection waits behind it.
 */
test('a stalled database holds one look of the sequencer, however many ticks pass', async () => {
  let statements = 0;
  let release!: () => void;
  const stalled = new Promise<void>((resolve) => (release = resolve));
  const db = {
    createQueryRunner: () => ({ data: {}, release: async () => undefined }),
    query: async () => {
      statements++;
      await stalled;
      return [{ waiting: false, unsigned: false }];
    },
  } as unknown as DataSource;
  const sequencer = new LogSequencer({ db, authority: 'registry', signingKey: { privateKey: null as never }, pollMs: 5 });
  sequencer.start();
  await new Promise((resolve) => setTimeout(resolve, 200)); // about 40 ticks
  expect(statements).toBe(1);
  // Once the database answers, the next tick looks again.
  release();
  await new Promise((resolve) => setTimeout(resolve, 100));
  expect(statements).toBeGreaterThan(1);
  await sequencer.stop();
});

/**
 * Two replicas of one authority, each with its sequencer, over one database, while rows are appended: every row
 * must get one position, the positions must be 0..n-1 with no gap, and every checkpoint either signed must be the
 * root of the first `size` leaves, recomputed here from the stored leaf hashes (RFC 9162, written out below).
 * On PostgreSQL (MYNUMBER_DATABASE_URL) the replicas have pools of their own, as two processes would.
 */
const PRINCIPAL = { sub: 'clerk-1', role: 'MUNICIPAL_CLERK', agency: 'municipality', purpose: 'test', requestId: 'r' } as unknown as Principal;

describe('sequencers over one database', () => {
  const databases = suiteDatabases('mynumber', migrations);

  const sha256 = (...parts: Buffer[]) => createHash('sha256').update(Buffer.concat(parts)).digest();
  /** RFC 9162 section 2.1.1: the hash of a list of leaf hashes. */
  function treeHash(leaves: Buffer[]): Buffer {
    if (leaves.length === 0) return sha256();
    if (leaves.length === 1) return leaves[0]!;
    let k = 1;
    while (k * 2 < leaves.length) k *= 2;
    return sha256(Buffer.from([1]), treeHash(leaves.slice(0, k)), treeHash(leaves.slice(k)));
  }

  test('two sequencers: each row one position, no gap, and every checkpoint the root of its leaves', async () => {
    const { db: first, url } = await databases.fresh('sequencers');
    // Embedded, one process holds the database: the second replica shares it.
    const second = url ? await databases.again(url, 'sequencers-1') : first;
    const { privateKey, publicKey } = (await generateKeyPair('EdDSA', { crv: 'Ed25519' })) as { privateKey: CryptoKey; publicKey: CryptoKey };
    const sequencers = [first, second].map(
      (db) => new LogSequencer({ db, authority: 'mynumber', signingKey: { privateKey }, pollMs: 3, checkpointEveryMs: 10 }),
    );
    sequencers.forEach((s) => s.start());

    const principal = PRINCIPAL;
    const ROWS = 240;
    // Appends of 1 to 4 rows from both replicas, some while the other sequences by hand.
    const byHand: Array<Promise<number>> = [];
    for (let i = 0; i < ROWS; ) {
      const n = Math.min(1 + (i % 4), ROWS - i);
      const rows = Array.from({ length: n }, (_, j) => ({ subject: `person-${i + j}`, items: ['name'], action: 'read', outcome: 'ok' }));
      await writeAccessLogRows(i % 2 ? first : second, 'mynumber', rows.map((row) => ({ principal, row })));
      if (i % 7 === 0) byHand.push(sequencers[i % 2]!.sequence());
      i += n;
    }
    await Promise.all(byHand);
    await eventually(async () => {
      const [{ size }] = await first.query(`SELECT coalesce(max(size), -1)::int AS size FROM access_log_checkpoint`);
      return size === ROWS;
    });
    await Promise.all(sequencers.map((s) => s.stop()));

    const leaves = (await first.query(`SELECT leaf_index::int AS i, leaf_hash AS h, subject FROM access_log ORDER BY leaf_index`)) as Array<{ i: number; h: Uint8Array; subject: string }>;
    expect(leaves.map((l) => l.i)).toEqual(Array.from({ length: ROWS }, (_, i) => i));
    expect(new Set(leaves.map((l) => l.subject)).size).toBe(ROWS);
    const hashes = leaves.map((l) => Buffer.from(l.h));

    const checkpoints = (await first.query(`SELECT size::int AS size, root, note, signature FROM access_log_checkpoint ORDER BY size`)) as Array<{ size: number; root: Uint8Array; note: string; signature: string }>;
    // Signed more than once while rows came (every 10 ms at most), and the last one covers them all.
    expect(checkpoints.length).toBeGreaterThan(2);
    for (const c of checkpoints) {
      expect(Buffer.from(c.root).equals(treeHash(hashes.slice(0, c.size)))).toBe(true);
      expect(await verifyText(c.note, c.signature, publicKey)).toBe(true);
    }
  });

  test('a backlog of several batches is placed in one run and signed once, with its last batch', async () => {
    const { db } = await databases.fresh('backlog');
    const { privateKey } = (await generateKeyPair('EdDSA', { crv: 'Ed25519' })) as { privateKey: CryptoKey };
    const ROWS = 12_000; // two full batches of 5,000 and a part
    const rows = Array.from({ length: ROWS }, (_, i) => ({ subject: `person-${i}`, items: ['name'], action: 'read', outcome: 'ok' }));
    await writeAccessLogRows(db, 'mynumber', rows.map((row) => ({ principal: PRINCIPAL, row })));
    // The next checkpoint would be a minute later: only the run's own signature can cover the backlog.
    const sequencer = new LogSequencer({ db, authority: 'mynumber', signingKey: { privateKey }, pollMs: 5, checkpointEveryMs: 60_000 });
    sequencer.start();
    await eventually(async () => {
      const [{ size }] = await db.query(`SELECT size::int AS size FROM access_log_tree WHERE id = 1`);
      return size === ROWS;
    }, 60_000);
    await sequencer.stop();
    const checkpoints = (await db.query(`SELECT size::int AS size FROM access_log_checkpoint ORDER BY size`)) as Array<{ size: number }>;
    expect(checkpoints.map((c) => c.size)).toEqual([ROWS]);
  }, 90_000);
});
