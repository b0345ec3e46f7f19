import { createHash } from 'node:crypto';
import { generateKeyPair, type CryptoKey } from 'jose';
import type { DataSource } from 'typeorm';
import { createMetrics } from '../../../runtime/metrics';
import { throwawayDatabase } from '../../../test/throwawayDatabase';
import { migrations } from '../../mynumber/migrations';
import { openDatabase } from '../database';
import { leafHash } from '../merkle';
import { LEAF_SELECT, rowLeafData, type LeafRow } from './leaf';
import { LogSequencer } from './sequencer';

/**
 * The sequencer computes leaf hashes in SQL (LEAF_HASH_SQL); verification and the person's own check rebuild them
 * in JavaScript (rowLeafData). The two must agree on every value a row can hold, or a log would fail its own
 * verification, or worse, a person could not find their access in it. Run on the embedded database, and on
 * PostgreSQL when MYNUMBER_DATABASE_URL is set.
 */
const HOSTILE = [
  'plain',
  '"quoted" and \\back\\slashed\\',
  'line\nbreak\ttab\rreturn\bback\fform',
  '\u0001\u001f\u007f controls',
  '日本語 🇯🇵 𠮷 ｶﾀｶﾅ',
  '</script><script>',
  'a,b;c',
  '{"not":"json"}',
  '',
];

describe('leaf hashes computed by the database', () => {
  const drops: Array<() => Promise<void>> = [];
  let db: DataSource;
  let privateKey: CryptoKey;
  beforeAll(async () => {
    const url = await throwawayDatabase('mynumber', drops, 'leaves');
    db = await openDatabase({ authority: 'mynumber', url, migrations, statements: createMetrics('leaves').dbStatements });
    ({ privateKey } = (await generateKeyPair('EdDSA', { crv: 'Ed25519' })) as { privateKey: CryptoKey });
  });
  afterAll(async () => {
    await db?.destroy();
    for (const drop of drops) await drop();
  });

  const insert = (row: { at: string; requestId: string; principal: string; subject: string | null; items: string[]; text: string }) =>
    db.query(
      `INSERT INTO access_log (at, request_id, principal, role, agency, provider, subject, items, purpose, action, outcome)
       VALUES ($1, $2, $3, $4, $4, 'mynumber', $5, $6, $4, $4, $4)`,
      [row.at, row.requestId, row.principal, row.text, row.subject, row.items],
    );

  test('one row, against its leaf written out by hand', async () => {
    await insert({ at: '2026-12-07T03:00:00.123456Z', requestId: 'req-1', principal: 'clerk-1', subject: '123456789018', items: ['Person.name', 'Card.number'], text: 'READ' });
    await new LogSequencer({ db, authority: 'mynumber', signingKey: { privateKey } }).sequence();
    const [stored] = (await db.query(`SELECT leaf_hash AS hash FROM access_log WHERE leaf_index = 0`)) as Array<{ hash: Uint8Array }>;
    const ref = createHash('sha256').update('["req-1","clerk-1"]').digest('hex');
    const data = `["residence-card/access-log-leaf/v1","2026-12-07T03:00:00.123456Z","mynumber","123456789018","READ","READ","READ",["Person.name","Card.number"],"READ","READ","${ref}"]`;
    const expected = createHash('sha256').update(Buffer.concat([Buffer.from([0]), Buffer.from(data, 'utf8')])).digest();
    expect(Buffer.from(stored!.hash).toString('hex')).toBe(expected.toString('hex'));
  });

  test('every hostile value: the hash the database stored is the one rowLeafData gives', async () => {
    for (const [i, text] of HOSTILE.entries()) {
      await insert({ at: `2026-12-07T03:00:0${i}.00000${i}Z`, requestId: text, principal: text, subject: text, items: [text, 'x', text], text: text || 'empty' });
    }
    await insert({ at: '2026-12-07T03:00:10Z', requestId: 'r', principal: 'p', subject: null, items: [], text: 'NONE' });
    await new LogSequencer({ db, authority: 'mynumber', signingKey: { privateKey } }).sequence();
    const rows = (await db.query(`SELECT leaf_index::int AS i, leaf_hash AS hash, ${LEAF_SELECT} FROM access_log ORDER BY leaf_index`)) as Array<
      LeafRow & { i: number; hash: Uint8Array }
    >;
    expect(rows.map((r) => r.i)).toEqual(Array.from({ length: HOSTILE.length + 2 }, (_, i) => i));
    for (const { i, hash, ...row } of rows) {
      expect({ i, hash: Buffer.from(hash).toString('hex') }).toEqual({ i, hash: leafHash(rowLeafData(row)).toString('hex') });
    }
  });
});
