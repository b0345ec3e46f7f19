import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { startStack, type Stack } from '../harness';
import { eventually, persona } from '../personas';
import { axeSerious, builtConsole, consoleGateway, count, demoSignIn, isLoopback, launch, recordingPage, SCREENSHOTS, textContaining, texts, when } from './browser';

/**
 * The resident view (their record, their access history with every entry's inclusion proof checked in the browser,
 * passing, and failing on an entry changed in transit) and the analyst view (table, chart, disclosure note, CSV).
 */

let stack: Stack;
let origin: string;
let browser: Browser;
let page: Page;
let urls: string[];
let cspViolations: string[];
const me = persona('permanent_resident');

beforeAll(async () => {
  await builtConsole();
  stack = await startStack({ persons: 20 });
  origin = await consoleGateway(stack);
  const officer = await stack.token('isa-officer');
  const read = `query ($n: ID!) { person(myNumber: $n) { resident { familyName } immigration { residentClass } myNumberCard { status } } }`;
  for (let i = 0; i < 2; i++) expect((await stack.query(officer, read, { n: me.myNumber })).body.errors).toBeUndefined();
  // Until entries are in checkpoints both other authorities cosigned (as test/audit/proofs.test.ts waits). Each look
  // is itself an access the resident sees, so the look is made once a second, over the newest 15 entries.
  const resident = await stack.token('resident', { myNumber: me.myNumber! });
  const history = `query ($n: ID!) { person(myNumber: $n) { registryAccessHistory(first: 15) { entries { role proof { checkpoint { cosignatures { witness } } } } } } }`;
  await eventually(async () => {
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const { body } = await stack.query<{ person: { registryAccessHistory: { entries: Array<{ role: string; proof: { checkpoint: { cosignatures: unknown[] } } | null }> } } }>(resident, history, { n: me.myNumber });
    const entries = body.data?.person.registryAccessHistory.entries ?? [];
    if (entries.some((e) => e.proof?.checkpoint.cosignatures.length === 2)) return true;
    throw new Error(`not yet cosigned: ${JSON.stringify(body.errors ?? entries.map((e) => [e.role, e.proof?.checkpoint.cosignatures.length ?? null]))}`);
  }, 90_000);
  browser = await launch();
  ({ page, urls, cspViolations } = await recordingPage(browser));
});
afterAll(async () => {
  await browser?.close();
  await stack?.stop();
});

const summary = () => page.locator('.proof-summary');

test("a resident sees their record and their access history, each entry's proof checked in the browser", async () => {
  await page.goto(`${origin}/console`);
  await page.getByRole('combobox').first().selectOption('en');
  await demoSignIn(page, 'resident', { myNumber: me.myNumber! });
  expect(await textContaining(page.locator('.arrangement'), '(b)')).toContain('(b)');
  const text = await when(() => summary().textContent().then((t) => t ?? ''), (t) => /Proven: [1-9]/.test(t));
  expect(text).toMatch(/^Proven: [1-9]\d* · Does not match the log: 0 · /);
  expect(await page.locator('td.proof-invalid').count()).toBe(0);
  expect(await page.locator('td.proof-proven').count()).toBeGreaterThan(0);
  expect(await axeSerious(page)).toEqual([]);
  await page.screenshot({ path: join(SCREENSHOTS, 'resident-access-history.png'), fullPage: true });
  await page.locator('table.history').screenshot({ path: join(SCREENSHOTS, 'access-history-proofs.png') });
});

test('an entry changed on its way to the browser fails its check, and the page says so', async () => {
  await page.route('**/graphql', async (route) => {
    const request = route.request().postDataJSON() as { operationName?: string };
    if (request.operationName !== 'AccessHistory') return route.continue();
    const response = await route.fetch();
    const json = (await response.json()) as { data: { person: { registryAccessHistory: { entries: Array<{ role: string; proof: unknown }> } } } };
    const entry = json.data.person.registryAccessHistory.entries.find((e) => e.proof);
    entry!.role = entry!.role === 'resident' ? 'municipal-clerk' : 'resident';
    await route.fulfill({ response, json });
  });
  await page.reload();
  const text = await when(() => summary().textContent().then((t) => t ?? ''), (t) => /Does not match the log: 1/.test(t));
  expect(text).toMatch(/Does not match the log: 1 /);
  expect(await texts(page.locator('td.proof-invalid'), [/the entry is not in the checkpoint/])).toEqual([expect.stringContaining('Does not match the log')]);
  expect(await page.locator('.proof-summary.banner-error').count()).toBe(1);
  await page.unroute('**/graphql');
});

test('an analyst counts by dimensions, sees table, chart and the disclosure note, and downloads a CSV', async () => {
  await page.getByRole('button', { name: 'Sign out' }).click();
  await demoSignIn(page, 'analyst');
  await page.getByLabel('Sex').check();
  await page.getByRole('button', { name: 'Show' }).click();
  expect(await count(page.locator('table.stats thead th'), 3)).toBe(3);
  const rows = await page.locator('table.stats tbody tr').count();
  expect(rows).toBeGreaterThan(1);
  expect(await page.locator('.chart-row').count()).toBe(rows);
  expect(await textContaining(page.locator('.note'), 'Disclosure control')).toMatch(/^Disclosure control: cells under \d+ persons are suppressed/);
  expect(await axeSerious(page)).toEqual([]);
  await page.screenshot({ path: join(SCREENSHOTS, 'analyst-statistics.png'), fullPage: true });
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download CSV' }).click()]);
  const csv = readFileSync((await download.path())!, 'utf8').replace(/^\ufeff/, '').split('\r\n');
  expect(csv[0]).toBe('Status of residence,Sex,Persons');
  expect(csv).toHaveLength(rows + 1);
});

test('every request the page made stayed on this machine, and the CSP blocked nothing', () => {
  expect(urls.filter((u) => !isLoopback(u))).toEqual([]);
  expect(cspViolations).toEqual([]);
});
