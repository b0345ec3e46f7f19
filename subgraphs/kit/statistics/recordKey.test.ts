import { createHmac } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DataSource } from 'typeorm';
import { migrations as immigrationMigrations } from '../../immigration/migrations';
import { migrations as registryMigrations } from '../../registry/migrations';
import { CellKeys1764288000007 } from '../../registry/migrations/0007-cell-keys';
import { openDatabase } from '../database';
import { createMetrics } from '../../../runtime/metrics';
import { IMMIGRATION_FACTS } from '../../immigration/statistics';
import { installRecordKeySecret, statisticsKeyFor } from './recordKey';

/** Both authorities' databases, embedded, with two persons each: the same My Numbers in both. */
let registry: DataSource;
let immigration: DataSource;
const SECRET = Buffer.from('000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f', 'hex');
const PERSONS = [
  { myNumber: '621498320257', sex: 'FEMALE', municipality: '131041' },
  { myNumber: '123456789018', sex: 'MALE', municipality: '131041' },
];

/** The record key, computed here with Node's own HMAC (not the database's). */
const expectedKey = (myNumber: string) => createHmac('sha256', SECRET).update(`my-number:${myNumber}`).digest().readUInt32BE(0);

beforeAll(async () => {
  registry = await openDatabase({ authority: 'registry', migrations: registryMigrations, statements: createMetrics('t').dbStatements });
  immigration = await openDatabase({ authority: 'immigration', migrations: immigrationMigrations, statements: createMetrics('u').dbStatements });
  for (const [i, p] of PERSONS.entries()) {
    await registry.query(
      `INSERT INTO resident (my_number, resident_record_code, family_name, given_name, birth_date, sex, resident_category, municipality_code, registered_on)
       VALUES ($1, $2, 'TEST', 'PERSON', '1990-04-01', $3, 'MID_TO_LONG_TERM', $4, '2025-01-01')`,
      [p.myNumber, `1234567890${i}`, p.sex, p.municipality],
    );
    await immigration.query(
      `INSERT INTO foreign_resident (my_number, resident_class, nationality, birth_date, sex, status_of_residence, work_restriction, resident_registered, municipality_code)
       VALUES ($1, 'MID_TO_LONG_TERM', 'VNM', '1990-04-01', $2, 'STUDENT', 'NONE', true, $3)`,
      [p.myNumber, p.sex, p.municipality],
    );
  }
  // A year end taken before record keys existed: its cells have no key sum yet.
  await registry.query(`INSERT INTO stats_snapshot_taken VALUES (2025, '2026-01-05')`);
  await registry.query(
    `INSERT INTO stats_snapshot (year, category, municipality, sex, birth_year, persons) VALUES (2025, 'MID_TO_LONG_TERM', '131041', 'FEMALE', 1990, 12)`,
  );
}, 60_000);
afterAll(async () => {
  await registry?.destroy();
  await immigration?.destroy();
});

test('before the secret is installed every record key is 0; installing it recounts once, and not again', async () => {
  const [before]: Array<{ k: string }> = await registry.query(`SELECT sum(record_key)::text AS k FROM stats_member`);
  expect(before!.k).toBe('0');
  expect(await installRecordKeySecret(registry, SECRET, ['category', 'municipality', 'sex', 'birth_year'])).toBe(true);
  expect(await installRecordKeySecret(registry, SECRET, ['category', 'municipality', 'sex', 'birth_year'])).toBe(false);
  expect(await installRecordKeySecret(immigration, SECRET, IMMIGRATION_FACTS.columns)).toBe(true);
});

test('both authorities give a person the same record key: HMAC-SHA-256 of the My Number, as Node computes it', async () => {
  for (const db of [registry, immigration]) {
    const table = db === registry ? 'resident' : 'foreign_resident';
    const rows: Array<{ my_number: string; record_key: string }> = await db.query(
      `SELECT p.my_number, m.record_key::text FROM stats_member m JOIN ${table} p ON p.id = m.person_id ORDER BY p.my_number`,
    );
    expect(rows.map((r) => [r.my_number, Number(r.record_key)])).toEqual(
      [...PERSONS].sort((a, b) => a.myNumber.localeCompare(b.myNumber)).map((p) => [p.myNumber, expectedKey(p.myNumber)]),
    );
  }
});

test('a cell keeps the sum of its record keys modulo 2^32, moved with its members in the writing transaction', async () => {
  const sum = async () => {
    const rows: Array<{ sex: string; key_sum: string; persons: number }> = await registry.query(
      `SELECT sex, key_sum::text, persons FROM stats_count WHERE municipality = '131041' AND persons > 0 ORDER BY sex`,
    );
    return Object.fromEntries(rows.map((r) => [r.sex, [r.persons, Number(r.key_sum)]]));
  };
  const [woman, man] = PERSONS.map((p) => expectedKey(p.myNumber)) as [number, number];
  expect(await sum()).toEqual({ FEMALE: [1, woman], MALE: [1, man] });
  // A correction moves the man into the women's cell: its key is the sum of both, modulo 2^32.
  await registry.query(`UPDATE resident SET sex = 'FEMALE' WHERE my_number = $1`, [PERSONS[1]!.myNumber]);
  expect(await sum()).toEqual({ FEMALE: [2, (woman + man) % 2 ** 32] });
  await registry.query(`UPDATE resident SET sex = 'MALE' WHERE my_number = $1`, [PERSONS[1]!.myNumber]);
  expect(await sum()).toEqual({ FEMALE: [1, woman], MALE: [1, man] });
});

test('the ISA learning a My Number gives the person the key the registry gives them', async () => {
  await immigration.query(`UPDATE foreign_resident SET my_number = NULL, resident_registered = false WHERE my_number = $1`, [PERSONS[0]!.myNumber]);
  const [without]: Array<{ k: string }> = await immigration.query(`SELECT key_sum::text AS k FROM stats_count WHERE sex = 'FEMALE' AND persons > 0`);
  expect(Number(without!.k)).not.toBe(expectedKey(PERSONS[0]!.myNumber));
  await immigration.query(`UPDATE foreign_resident SET my_number = $1, resident_registered = true WHERE my_number IS NULL`, [PERSONS[0]!.myNumber]);
  const [learnt]: Array<{ k: string }> = await immigration.query(`SELECT key_sum::text AS k FROM stats_count WHERE sex = 'FEMALE' AND persons > 0`);
  expect(Number(learnt!.k)).toBe(expectedKey(PERSONS[0]!.myNumber));
});

test('a year end taken before record keys gets a keyed draw per cell when the secret is installed', async () => {
  const [row]: Array<{ key_sum: string }> = await registry.query(`SELECT key_sum::text FROM stats_snapshot WHERE year = 2025`);
  expect(Number(row!.key_sum)).toBe(createHmac('sha256', SECRET).update('year-end:2025:MID_TO_LONG_TERM/131041/FEMALE/1990').digest().readUInt32BE(0));
});

test('migrating down and up again keeps the year ends and recounts', async () => {
  const migrate = async (direction: 'up' | 'down') => {
    const runner = registry.createQueryRunner();
    try {
      await new CellKeys1764288000007()[direction](runner);
    } finally {
      await runner.release();
    }
  };
  await migrate('down');
  const [down]: Array<{ n: number }> = await registry.query(`SELECT count(*)::int AS n FROM stats_snapshot WHERE year = 2025 AND persons = 12`);
  expect(down!.n).toBe(1);
  await migrate('up');
  expect(await installRecordKeySecret(registry, SECRET, ['category', 'municipality', 'sex', 'birth_year'])).toBe(true);
  const rows: Array<{ persons: number; key_sum: string }> = await registry.query(`SELECT persons, key_sum::text FROM stats_count WHERE persons > 0 ORDER BY sex`);
  expect(rows.map((r) => [r.persons, Number(r.key_sum)])).toEqual([PERSONS[0]!, PERSONS[1]!].map((p) => [1, expectedKey(p.myNumber)]));
});

test('J-LIS starts without the secret and touches no file for it; the two counting authorities need it', () => {
  const dir = mkdtempSync(join(tmpdir(), 'record-key-'));
  // A keys directory that cannot be created, as on a pod with a read-only file system and no secret mounted: its
  // parent is a file. (Not a path under /proc: Node's recursive mkdir never returns there.)
  writeFileSync(join(dir, 'a-file'), '');
  const unwritable = join(dir, 'a-file', 'keys');
  expect(statisticsKeyFor('mynumber', {}, unwritable)).toBeUndefined();
  expect(() => statisticsKeyFor('immigration', {}, unwritable)).toThrow();
  writeFileSync(join(dir, 'secret'), SECRET.toString('hex'));
  const env = { STATISTICS_RECORD_KEY_FILE: join(dir, 'secret') };
  expect(statisticsKeyFor('registry', env, unwritable)).toEqual(SECRET);
  expect(statisticsKeyFor('immigration', env, unwritable)).toEqual(SECRET);
  expect(statisticsKeyFor('mynumber', env, unwritable)).toBeUndefined();
});
