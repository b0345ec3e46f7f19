import { Client } from 'pg';
import type { DataSource } from 'typeorm';
import { migrations } from '../registry/migrations';
import { copyRows, encodeCopyRow } from './bulkCopy';
import { openDatabase } from './database';
import { createMetrics } from '../../runtime/metrics';

const TRICKY = [
  'tab\there',
  'line\nbreak and\r\ncarriage return',
  'back\\slash \\N \\. and a trailing backslash\\',
  `"double" and 'single' quotes, comma, semicolon;`,
  '東京都新宿区西新宿2-8-1 都庁第一本庁舎',
  '\\.',
  '',
  'NULL',
];

const RESIDENT_COLUMNS = [
  'id', 'my_number', 'resident_record_code', 'family_name', 'given_name', 'birth_date', 'sex',
  'resident_category', 'municipality_code', 'registered_on', 'removed_on', 'removal_reason',
];

function residentRow(i: number, familyName: string, givenName: string): unknown[] {
  const digits = String(i).padStart(11, '0');
  return [i, `${digits}0`, digits, familyName, givenName, '1990-01-31', 'FEMALE', 'MID_TO_LONG_TERM', '131041', '2020-04-01', null, null];
}

describe('encodeCopyRow', () => {
  it('escapes the text-format specials and writes NULL as \\N', () => {
    expect(encodeCopyRow(['a\tb', 'c\nd\re', 'f\\g', null, undefined, true, false, 12, 'ü'])).toBe(
      'a\\tb\tc\\nd\\re\tf\\\\g\t\\N\t\\N\tt\tf\t12\tü\n',
    );
  });

  it('rejects numbers PostgreSQL cannot read', () => {
    expect(() => encodeCopyRow([Number.NaN])).toThrow('cannot COPY the number NaN');
  });
});

// On PostgreSQL too when REGISTRY_DATABASE_URL is set: a throwaway database on that server, dropped afterwards.
const server = process.env.REGISTRY_DATABASE_URL;
const targets: Array<[string, string | undefined]> = [['embedded PGlite', undefined]];
if (server) targets.push(['PostgreSQL', server]);

async function admin(sql: string): Promise<void> {
  const client = new Client({ connectionString: server });
  await client.connect();
  await client.query(sql);
  await client.end();
}

describe.each(targets)('copyRows on %s', (_name, serverUrl) => {
  let db: DataSource;
  const base = 900_000_000;
  const scratch = `rc_test_bulk_copy_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;

  beforeAll(async () => {
    let url: string | undefined;
    if (serverUrl) {
      await admin(`CREATE DATABASE ${scratch}`);
      const parsed = new URL(serverUrl);
      parsed.pathname = `/${scratch}`;
      url = parsed.toString();
    }
    db = await openDatabase({ authority: 'registry', url, migrations, statements: createMetrics('t').dbStatements });
  });
  afterAll(async () => {
    await db?.destroy();
    if (serverUrl) await admin(`DROP DATABASE IF EXISTS ${scratch} WITH (FORCE)`);
  });

  it('round-trips tabs, newlines, backslashes, quotes, Japanese text and NULLs', async () => {
    const rows = TRICKY.map((text, i) => residentRow(base + i, text, `名-${i}`));
    await expect(copyRows(db, 'resident', RESIDENT_COLUMNS, rows)).resolves.toBe(TRICKY.length);

    const stored: Array<{ family_name: string; given_name: string; removed_on: string | null; birth_date: string }> =
      await db.query(
        `SELECT family_name, given_name, removed_on, birth_date FROM resident WHERE id >= $1 AND id < $2 ORDER BY id`,
        [base, base + TRICKY.length],
      );
    expect(stored.map((r) => r.family_name)).toEqual(TRICKY);
    expect(stored.map((r) => r.given_name)).toEqual(TRICKY.map((_, i) => `名-${i}`));
    expect(stored.every((r) => r.removed_on === null && r.birth_date === '1990-01-31')).toBe(true);
  });

  it('streams an async iterable across many chunks and counts every row', async () => {
    const start = base + 1000;
    async function* many(): AsyncGenerator<unknown[]> {
      for (let i = 0; i < 5000; i++) yield residentRow(start + i, `Nguyen\t${i}`, 'Van An');
    }
    await expect(copyRows(db, 'resident', RESIDENT_COLUMNS, many(), { chunkSize: 4096 })).resolves.toBe(5000);
    const [{ count }]: Array<{ count: number }> = await db.query(
      `SELECT count(*)::int AS count FROM resident WHERE id >= $1 AND id < $2 AND family_name LIKE 'Nguyen' || chr(9) || '%'`,
      [start, start + 5000],
    );
    expect(count).toBe(5000);
  });

  it('loads nothing when a row breaks a constraint, and the database stays usable', async () => {
    const start = base + 9000;
    const rows = [residentRow(start, 'Ok', 'Ok'), [...residentRow(start + 1, 'Bad', 'Bad').slice(0, 1), 'not-a-number', ...residentRow(start + 1, 'Bad', 'Bad').slice(2)]];
    await expect(copyRows(db, 'resident', RESIDENT_COLUMNS, rows, { chunkSize: 1 })).rejects.toThrow(/resident_my_number_check|violates check constraint/);
    const [{ count }]: Array<{ count: number }> = await db.query(
      `SELECT count(*)::int AS count FROM resident WHERE id >= $1 AND id < $2`,
      [start, start + 2],
    );
    expect(count).toBe(0);
  });

  it('rejects a row of the wrong width before sending it', async () => {
    await expect(copyRows(db, 'resident', RESIDENT_COLUMNS, [[1, 2]])).rejects.toThrow('row 1 has 2 values, expected 12');
  });
});
