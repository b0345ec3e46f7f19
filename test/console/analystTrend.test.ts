import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import type { Stack } from '../harness';
import { axeSerious, closeConsole, count, demoSignIn, isLoopback, openConsole, SCREENSHOTS, textContaining, texts } from './browser';

/**
 * The analyst view's line of year-end totals (issue 21), in Chromium: a note while no year end is on record (a
 * fresh installation, as the stack is on TEST_TODAY in November), then one point per year end written into the
 * ISA's stats_snapshot, at the published value: the count moved by the disclosure control's perturbation for the
 * key sum written with it (subgraphs/kit/statistics/perturbation.ts), a suppressed year a gap in the line.
 */

let stack: Stack;
let origin: string;
let browser: Browser;
let page: Page;
let urls: string[];
let cspViolations: string[];

beforeAll(async () => ({ stack, origin, browser, page, urls, cspViolations } = await openConsole()));
afterAll(() => closeConsole({ stack, browser }));

const KEYS = 'resident_class, status, nationality, municipality, sex, birth_year, card_kind, arrangement';

/** A year end of `persons` persons in one cell (the key columns of a cell on record) whose record keys sum to `keySum`. */
async function yearEnd(year: number, takenOn: string, persons: number, keySum: number): Promise<void> {
  await stack.dbs.immigration.query(`INSERT INTO stats_snapshot_taken (year, taken_on) VALUES ($1, $2)`, [year, takenOn]);
  await stack.dbs.immigration.query(
    `INSERT INTO stats_snapshot (year, ${KEYS}, persons, key_sum) SELECT $1, ${KEYS}, $2, $3 FROM stats_count LIMIT 1`,
    [year, persons, keySum],
  );
}

async function show(): Promise<void> {
  await page.getByRole('button', { name: 'Show' }).click();
  await count(page.locator('table.stats'), 1);
}

test('no year end on record yet: a note instead of the line', async () => {
  await page.goto(`${origin}/console`);
  await page.getByRole('combobox').first().selectOption('en');
  await demoSignIn(page, 'analyst');
  await show();
  expect(await textContaining(page.locator('.trend-none'), 'No year end')).toBe(
    'No year end on record yet: the first is taken in the January after installation.',
  );
  expect(await page.locator('svg.trend').count()).toBe(0);
  expect(await axeSerious(page)).toEqual([]);
});

test('year ends on record: one point per year at its published total, a suppressed year a gap', async () => {
  // 2023: 5 persons, under the threshold of 10: suppressed. 2024: 40 persons, key sum 0 (column 0 of the row for
  // 12 and more: -2): 38. 2025: 55 persons, key sum 2^31 (column 5: 0): 55.
  await yearEnd(2023, '2024-01-04', 5, 0);
  await yearEnd(2024, '2025-01-06', 40, 0);
  await yearEnd(2025, '2026-01-05', 55, 2 ** 31);
  await show();
  const chart = page.locator('svg.trend');
  expect(await count(chart, 1)).toBe(1);
  expect(await page.locator('.trend-figure figcaption').textContent()).toBe('Total at each year end');
  expect(await chart.getAttribute('aria-label')).toBe('Total at each year end: 2023: Suppressed, 2024: 38, 2025: 55');
  expect(await texts(chart.locator('.trend-year'), ['2023', '2024', '2025'])).toEqual(['2023', '2024', '2025']);
  expect(await chart.locator('.trend-value').allTextContents()).toEqual(['Suppressed', '38', '55']);
  expect(await chart.locator('.trend-point title').allTextContents()).toEqual(['2024 (2025-01-06): 38', '2025 (2026-01-05): 55']);
  expect(await page.locator('.trend-none').count()).toBe(0);

  // The plot spans x 40..440 and y 24 (the largest total) down to 172 (zero), the years evenly spaced.
  const points = await chart.locator('circle.trend-point').evaluateAll((els) => els.map((el) => [Number(el.getAttribute('cx')), Number(el.getAttribute('cy'))]));
  expect(points).toHaveLength(2);
  expect(points[0]![0]).toBe(240);
  expect(points[0]![1]).toBeCloseTo(172 - (38 / 55) * 148, 6);
  expect(points[1]).toEqual([440, 24]);
  const lines = await chart.locator('polyline.trend-line').evaluateAll((els) => els.map((el) => el.getAttribute('points')!.split(' ').length));
  expect(lines).toEqual([2]);
  expect(await axeSerious(page)).toEqual([]);
  await page.screenshot({ path: join(SCREENSHOTS, 'analyst-trend.png'), fullPage: true });
});

test('every request the page made stayed on this machine, and the CSP blocked nothing', () => {
  expect(urls.filter((u) => !isLoopback(u))).toEqual([]);
  expect(cspViolations).toEqual([]);
});
