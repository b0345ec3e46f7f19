import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { systemDay } from '../subgraphs/kit/subgraph';
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

test("a subgraph's day without a clock is the day in Japan, not UTC's", () => {
  // 00:30 on 6 December in Japan, still 5 December in UTC: a card valid until the 5th has expired.
  jest.useFakeTimers({ now: Date.parse('2026-12-05T15:30:00Z') });
  try {
    expect(todayInJapan()).toBe('2026-12-06');
    expect(systemDay()).toBe('2026-12-06');
  } finally {
    jest.useRealTimers();
  }
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

test("no production code takes today's date from UTC", () => {
  const root = join(__dirname, '..');
  const utcToday = /new Date\(\)\.toISOString\(\)\.slice\(0, 10\)/;
  const offenders = ['gateway', 'subgraphs', 'runtime']
    .flatMap((dir) => sources(join(root, dir)))
    .filter((path) => utcToday.test(readFileSync(path, 'utf8')))
    .map((path) => relative(root, path));
  expect(offenders).toEqual([]);
});
