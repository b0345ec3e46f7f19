import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { japanDay, todayInJapan } from './japanDay';

/** Written by hand: midnight JST is 15:00 UTC the day before; no daylight saving; a leap day. */
test.each([
  ['2026-11-28T14:59:59.999Z', '2026-11-28', '2026-11-29T00:00:00+09:00'],
  ['2026-11-28T15:00:00.000Z', '2026-11-29', '2026-11-30T00:00:00+09:00'],
  ['2026-12-31T15:00:00.000Z', '2027-01-01', '2027-01-02T00:00:00+09:00'],
  ['2028-02-28T23:00:00.000Z', '2028-02-29', '2028-03-01T00:00:00+09:00'],
  ['2026-07-15T14:30:00.000Z', '2026-07-15', '2026-07-16T00:00:00+09:00'],
])('at %s it is %s in Japan, the day ending at %s', (at, day, renewsAt) => {
  expect(japanDay(Date.parse(at))).toEqual({ day, renewsAt });
});

/** Production source files (not tests) under the folders that run. */
function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (name === 'node_modules' || name === 'console') return [];
    if (statSync(path).isDirectory()) return sources(path);
    return path.endsWith('.ts') && !path.endsWith('.test.ts') ? [path] : [];
  });
}

test("today in Japan by the machine's clock", () => {
  // 00:30 on 6 December in Japan, still 5 December in UTC.
  jest.useFakeTimers({ now: Date.parse('2026-12-05T15:30:00Z') });
  try {
    expect(todayInJapan()).toBe('2026-12-06');
  } finally {
    jest.useRealTimers();
  }
});

/** Ways of taking today's date or year from the clock in UTC (JavaScript's or the database's). */
const UTC_TODAY = [
  /new Date\(\)\.(toISOString|toJSON)\(\)\.(slice|substring|substr)\(0, ?(10|4)\)/,
  /new Date\((Date\.now\(\))?\)\.getUTC(FullYear|Month|Date)\(\)/,
  /\.(toISOString|toJSON)\(\)\.split\('T'\)/,
  /\bCURRENT_DATE\b|\bnow\(\)::date\b/i,
];

test("no production code takes today's date or year from UTC", () => {
  const root = join(__dirname, '..');
  const offenders = ['gateway', 'subgraphs', 'runtime']
    .flatMap((dir) => sources(join(root, dir)))
    .filter((path) => UTC_TODAY.some((pattern) => pattern.test(readFileSync(path, 'utf8'))))
    .map((path) => relative(root, path));
  expect(offenders).toEqual([]);
  // The patterns find what they are for.
  expect(UTC_TODAY.some((p) => p.test('const day = new Date().toJSON().slice(0, 10);'))).toBe(true);
  expect(UTC_TODAY.some((p) => p.test('return new Date().getUTCFullYear();'))).toBe(true);
  expect(UTC_TODAY.some((p) => p.test("WHERE valid_until < CURRENT_DATE"))).toBe(true);
});
