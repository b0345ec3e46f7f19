import { generateKeyPair, type CryptoKey } from 'jose';
import type { DataSource } from 'typeorm';
import { suiteDatabases } from '../../../test/suiteDatabases';
import { migrations } from '../../mynumber/migrations';
import { verifyLog } from './verify';

/**
 * A row the sequencer never placed (it stopped, or someone wrote the row past it) is reported once it has waited
 * longer than the sequencer would make it wait: 10 s, or twice the log's checkpoint interval when that is longer.
 * A row waiting less is not a fault, whatever the interval.
 */
const databases = suiteDatabases('mynumber', migrations);
let db: DataSource;
let publicKey: CryptoKey;
beforeAll(async () => {
  ({ publicKey } = (await generateKeyPair('EdDSA', { crv: 'Ed25519' })) as { publicKey: CryptoKey });
  ({ db } = await databases.fresh('verify'));
});

/** A row appended `secondsAgo` and never placed. */
async function unplacedRow(secondsAgo: number): Promise<number> {
  const [{ id }] = (await db.query(
    `INSERT INTO access_log (at, request_id, principal, role, agency, provider, subject, items, purpose, action, outcome)
     VALUES (now() - make_interval(secs => $1), 'r', 'clerk-1', 'MUNICIPAL_CLERK', 'municipality', 'mynumber', 'person-1', '{name}', 'test', 'read', 'ok')
     RETURNING id::int AS id`,
    [secondsAgo],
  )) as [{ id: number }];
  return id;
}

const unsequenced = async (checkpointEveryMs: number | undefined) =>
  (await verifyLog(db, 'mynumber', { keys: { mynumber: publicKey }, retentionDays: 2557, checkpointEveryMs })).problems.filter((p) => p.includes('no leaf'));

test('a row waiting 30 s: a fault with checkpoints each second, not with checkpoints each minute', async () => {
  const id = await unplacedRow(30);
  expect(await unsequenced(undefined)).toEqual([`row ${id} has had no leaf for over 10 s`]);
  expect(await unsequenced(1000)).toEqual([`row ${id} has had no leaf for over 10 s`]);
  expect(await unsequenced(60_000)).toEqual([]);
});

test('a row waiting 200 s: a fault with checkpoints each minute too (the 30 s row still is not)', async () => {
  const id = await unplacedRow(200);
  expect(await unsequenced(60_000)).toEqual([`row ${id} has had no leaf for over 120 s`]);
});
