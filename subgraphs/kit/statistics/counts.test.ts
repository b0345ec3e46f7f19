import { CountTable } from './counts';

test('rows are found again by their codes through growth and rehashing, and match a plain map', () => {
  const table = new CountTable([0, 2, 3]);
  const reference = new Map<string, number>();
  let seed = 7;
  const next = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0);
  for (let n = 0; n < 50_000; n++) {
    // Column 1 is not a column of the table: rows differing only there are one row.
    const codes = [next() % 40, next() % 9, next() % 300, next() % 70_000];
    const delta = (next() % 5) - 1;
    table.add(codes, delta);
    const key = `${codes[0]}/${codes[2]}/${codes[3]}`;
    reference.set(key, (reference.get(key) ?? 0) + delta);
  }
  expect(table.size).toBe(reference.size);
  for (const [key, count] of reference) {
    const [a, c, d] = key.split('/').map(Number) as [number, number, number];
    expect(table.get([a, 12345, c, d])).toBe(count);
  }
  expect(table.get([41, 0, 0, 0])).toBe(0);
});

test('reserving a little more than a full table doubles it once, not a copy per reservation', () => {
  const table = new CountTable([0]);
  for (let i = 0; i < 1024; i++) table.set([i], 1);
  const full = table.counts;
  expect(full.length).toBe(1024);
  table.reserve(1025);
  const grown = table.counts;
  expect(grown.length).toBe(2048);
  for (let k = 2; k < 100; k++) table.reserve(1024 + k);
  expect(table.counts).toBe(grown);
  table.reserve(5000);
  expect(table.counts.length).toBe(5000);
  expect(table.get([1023])).toBe(1);
});

test('set returns the change, and a zero for an absent row adds no row', () => {
  const table = new CountTable([0, 1]);
  expect(table.set([1, 2], 0)).toBe(0);
  expect(table.size).toBe(0);
  expect(table.set([1, 2], 5)).toBe(5);
  expect(table.set([1, 2], 3)).toBe(-2);
  table.reserve(10_000);
  expect(table.get([1, 2])).toBe(3);
  expect(table.set([2, 1], 4)).toBe(4);
  expect([...table.entries(2)].map(([codes, count]) => [[...codes], count])).toEqual([
    [[1, 2], 3],
    [[2, 1], 4],
  ]);
});
