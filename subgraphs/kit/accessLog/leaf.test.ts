import { createHash } from 'node:crypto';
import { generateKeyPair, type CryptoKey } from 'jose';
import type { DataSource } from 'typeorm';
import type { Principal } from '../../../runtime/principal';
import { suiteDatabases } from '../../../test/suiteDatabases';
import { migrations } from '../../mynumber/migrations';
import { writeAccessLogRows } from '../audit';
import { leafHash } from '../merkle';
import { LEAF_SELECT, rowLeafData, type LeafRow } from './leaf';
import { LogSequencer } from './sequencer';

/**
 * The sequencer computes leaf hashes in SQL (LEAF_HASH_SQL); verification and the person's own check rebuild them
 * in JavaScript. The two must agree on every value a row can hold, or a log would fail its own verification, or a
 * person could not find their access in it. Each test on a database of its own: the embedded one, or PostgreSQL
 * when MYNUMBER_DATABASE_URL is set.
 */
const HOSTILE = [
  'plain',
  '"quoted" and \\back\\slashed\\',
  'line\nbreak\ttab\rreturn\bback\fform',
  '\u0001\u001f\u007f controls',
  '日本語 🇯🇵 𠮷 ｶﾀｶﾅ \u2028\u2029',
  '</script><script>',
  'a,b;c',
  '{"not":"json"}',
  // Text that looks like a surrogate's escape once written as JSON: it must be kept as it is.
  'escaped \\ud800 \\uDC00 \\\\ud83d',
  '',
];

const databases = suiteDatabases('mynumber', migrations);
let privateKey: CryptoKey;
beforeAll(async () => {
  ({ privateKey } = (await generateKeyPair('EdDSA', { crv: 'Ed25519' })) as { privateKey: CryptoKey });
});

async function freshLog(name: string): Promise<DataSource> {
  return (await databases.fresh(name)).db;
}

const insert = (db: DataSource, row: { at: string; requestId: string; principal: string; subject: string | null; items: string[]; text: string }) =>
  db.query(
    `INSERT INTO access_log (at, request_id, principal, role, agency, provider, subject, items, purpose, action, outcome)
     VALUES ($1, $2, $3, $4, $4, 'mynumber', $5, $6, $4, $4, $4)`,
    [row.at, row.requestId, row.principal, row.text, row.subject, row.items],
  );

/** Places every waiting row, then each row as verification reads it, with the hash the database stored. */
async function placed(db: DataSource): Promise<Array<LeafRow & { i: number; hash: string }>> {
  await new LogSequencer({ db, authority: 'mynumber', signingKey: { privateKey } }).sequence();
  const rows = (await db.query(`SELECT leaf_index::int AS i, leaf_hash AS hash, ${LEAF_SELECT} FROM access_log ORDER BY leaf_index`)) as Array<
    LeafRow & { i: number; hash: Uint8Array }
  >;
  return rows.map((row) => ({ ...row, hash: Buffer.from(row.hash).toString('hex') }));
}

test('one row, against its leaf written out by hand', async () => {
  const db = await freshLog('leaf_by_hand');
  await insert(db, { at: '2026-12-07T03:00:00.123456Z', requestId: 'req-1', principal: 'clerk-1', subject: '123456789018', items: ['Person.name', 'Card.number'], text: 'READ' });
  const [row] = await placed(db);
  const ref = createHash('sha256').update('["req-1","clerk-1"]').digest('hex');
  const data = `["residence-card/access-log-leaf/v1","2026-12-07T03:00:00.123456Z","mynumber","123456789018","READ","READ","READ",["Person.name","Card.number"],"READ","READ","${ref}"]`;
  expect(row!.hash).toBe(createHash('sha256').update(Buffer.concat([Buffer.from([0]), Buffer.from(data, 'utf8')])).digest('hex'));
});

test('every hostile value: the hash the database stored is the one rowLeafData gives', async () => {
  const db = await freshLog('leaf_hostile');
  for (const [i, text] of HOSTILE.entries()) {
    await insert(db, { at: `2026-12-07T03:00:0${i}.00000${i}Z`, requestId: text, principal: text, subject: text, items: [text, 'x', text], text: text || 'empty' });
  }
  await insert(db, { at: '2026-12-07T03:00:10Z', requestId: 'r', principal: 'p', subject: null, items: [], text: 'NONE' });
  const rows = await placed(db);
  expect(rows.map((r) => r.i)).toEqual(Array.from({ length: HOSTILE.length + 1 }, (_, i) => i));
  for (const { i, hash, ...row } of rows) expect({ i, hash }).toEqual({ i, hash: leafHash(rowLeafData(row)).toString('hex') });
});

test('rows appended by the writer keep their values and their order, and hash alike', async () => {
  const db = await freshLog('leaf_writer');
  const principal = (sub: string) => ({ sub, role: 'MUNICIPAL_CLERK', agency: 'municipality:131016', purpose: 'IDENTITY_VERIFICATION', requestId: 'req' }) as unknown as Principal;
  const entries = HOSTILE.map((text, n) => ({ principal: principal(`clerk-${n} ${text}`), row: { subject: text, items: [text, 'a,b', `"${n}"`], action: 'READ', outcome: 'ALLOWED' } }));
  // A claim of a signed token can hold a lone surrogate: stored as U+FFFD, as a UTF-8 parameter would be, and the
  // other rows of the same append are not lost with it.
  entries.push({ principal: principal('clerk-\ud800-lone'), row: { subject: null, items: [], action: 'READ', outcome: 'ALLOWED' } } as never);
  await writeAccessLogRows(db, 'mynumber', entries);
  const rows = await placed(db);
  expect(rows.map((r) => [r.principal, r.subject, r.items])).toEqual([
    ...HOSTILE.map((text, n) => [`clerk-${n} ${text}`, text, [text, 'a,b', `"${n}"`]]),
    ['clerk-\ufffd-lone', null, []],
  ]);
  for (const { i, hash, ...row } of rows) expect({ i, hash }).toEqual({ i, hash: leafHash(rowLeafData(row)).toString('hex') });
});
