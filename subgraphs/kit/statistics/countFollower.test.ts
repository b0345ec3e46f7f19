import type { DataSource } from 'typeorm';
import { createMetrics } from '../../../runtime/metrics';
import { openDatabase } from '../database';
import { inBatches } from './batches';
import { CountFollower } from './countFollower';
import { CountStore } from './countStore';
import type { FactSource } from './source';

/**
 * The follower's first read goes through a cursor, a batch at a time (a national table has 1.6 million rows). Every
 * count must arrive once and exactly, whether the rows fill the last batch or not, and a change made after the
 * first read is the next read's only row. On PostgreSQL when the suite runs there (IMMIGRATION_DATABASE_URL).
 */
let db: DataSource;
const tables: string[] = [];

/** Written by hand: municipality, sex, persons, key sum. */
const ROWS: Array<[string, string, number, number]> = [
  ['131016', 'FEMALE', 12, 1_000_001],
  ['131016', 'MALE', 15, -20_000_002],
  ['131024', 'FEMALE', 3, 30_003],
  ['131024', 'MALE', 40, 4],
  ['271004', 'FEMALE', 1, -5],
  ['271004', 'MALE', 27, 600_000_006],
  ['011002', 'FEMALE', 9, 7],
];
const TOTAL = 12 + 15 + 3 + 40 + 1 + 27 + 9;

beforeAll(async () => {
  db = await openDatabase({ authority: 'immigration', url: process.env.IMMIGRATION_DATABASE_URL, migrations: [], statements: createMetrics('count-follower-test').dbStatements });
});

afterAll(async () => {
  for (const table of tables) await db.query(`DROP TABLE IF EXISTS ${table}`);
  await db.destroy();
});

/** A fresh count table holding ROWS, and its source. */
async function countTable(): Promise<FactSource> {
  const table = `count_follower_test_${process.pid}_${tables.length}`;
  tables.push(table);
  await db.query(`DROP TABLE IF EXISTS ${table}`);
  await db.query(`CREATE TABLE ${table} (municipality text, sex text, persons int NOT NULL, key_sum int NOT NULL, txid bigint NOT NULL DEFAULT txid_current(), PRIMARY KEY (municipality, sex))`);
  await db.query(`INSERT INTO ${table} (municipality, sex, persons, key_sum) SELECT * FROM unnest($1::text[], $2::text[], $3::int[], $4::int[])`, [
    ROWS.map((r) => r[0]),
    ROWS.map((r) => r[1]),
    ROWS.map((r) => r[2]),
    ROWS.map((r) => r[3]),
  ]);
  return { table, columns: ['municipality', 'sex'], countColumn: 'persons', keyColumn: 'key_sum', dimensions: {}, elsewhere: 'nowhere' };
}

test.each([1, 2, 3, 7, 50])('read in batches of %i rows, every count arrives once, then a change alone', async (batch) => {
  const source = await countTable();
  const store = new CountStore(source);
  const follower = new CountFollower(db, source, store, batch);

  expect(await follower.refresh()).toBe(ROWS.length);
  for (const [municipality, sex, persons, keySum] of ROWS) {
    expect(store.count([municipality, sex])).toBe(persons);
    expect(store.keySum([municipality, sex])).toBe(keySum);
  }
  expect(store.total()).toBe(TOTAL);
  expect(store.detail.size).toBe(ROWS.length);

  await db.query(`UPDATE ${source.table} SET persons = 41, key_sum = 5, txid = txid_current() WHERE municipality = '131024' AND sex = 'MALE'`);
  expect(await follower.refresh()).toBe(1);
  expect(store.count(['131024', 'MALE'])).toBe(41);
  expect(store.keySum(['131024', 'MALE'])).toBe(5);
  expect(store.total()).toBe(TOTAL + 1);
});

test("a first read inside stats:verify's snapshot reads every count", async () => {
  const source = await countTable();
  const store = new CountStore(source);
  const follower = new CountFollower(db, source, store, 2);

  const seen = await follower.atSnapshot(async (m) => (await m.query(`SELECT sum(persons)::int AS n FROM ${source.table}`)) as Array<{ n: number }>);
  expect(seen[0]!.n).toBe(TOTAL);
  expect(store.total()).toBe(TOTAL);
  expect(store.detail.size).toBe(ROWS.length);
  // A read that opened a second connection would wait for this transaction's forever on the embedded database.
}, 20_000);

test('a batch is a whole number of rows', async () => {
  for (const bad of [0, -1, 2.5]) await expect(inBatches(db, 'SELECT 1', () => undefined, bad)).rejects.toThrow(`A batch is a whole number of rows, not ${bad}`);
});
