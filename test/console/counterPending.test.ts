import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import type { Stack } from '../harness';
import { persona } from '../personas';
import { axeSerious, closeConsole, count, demoSignIn, isLoopback, openConsole, SCREENSHOTS, textContaining, when } from './browser';

/**
 * The counter record shows the changes to the person still in flight between authorities (issue 21), in Chromium:
 * none pending, then an event the ISA recorded and J-LIS has not received (the ISA's relay held), unknown while
 * an authority is down, and none again once it is delivered. The expected texts are written out by hand (strings.ts,
 * gateway/i18n/messages/en.ts); axe-core on each state; no request off this machine.
 */

let stack: Stack;
let origin: string;
let browser: Browser;
let page: Page;
let urls: string[];
let cspViolations: string[];
const separate = persona('separate_cards'); // (b): a specific card issued to them is an event J-LIS must receive

beforeAll(async () => ({ stack, origin, browser, page, urls, cspViolations } = await openConsole()));
afterAll(() => closeConsole({ stack, browser }));

const pending = () => page.locator('.record section.pending');

async function search(myNumber: string): Promise<void> {
  await page.getByRole('radio').nth(0).check();
  await page.locator('form.search input:not([type=radio])').fill(myNumber);
  await page.locator('form.search button[type=submit]').click();
  // The view clears the previous record as the search starts, so the one that appears is this person's.
  await count(page.locator('.record'), 1);
}

const NONE = "Changes in flight between authoritiesNone pending: every authority has applied this person's changes.";

test('none pending, then the event the ISA sent J-LIS, named with both authorities and the time it was recorded', async () => {
  await page.goto(`${origin}/console`);
  await page.getByRole('combobox').first().selectOption('en');
  await demoSignIn(page, 'isa-officer');
  await search(separate.myNumber!);
  expect(await textContaining(pending(), 'None pending')).toBe(NONE);
  expect(await pending().getAttribute('class')).toBe('pending pending-none');

  // With the ISA's relay held, the event stays in its outbox: in flight until the relay runs again.
  await stack.relays.immigration.stop();
  await page.getByRole('button', { name: 'Issue a specific residence card' }).click();
  await page.getByRole('dialog').getByRole('button', { name: 'Confirm' }).click();
  await textContaining(page.locator('.banner-ok'), 'Done');
  const [row]: Array<{ at: string }> = await stack.dbs.immigration.query(
    `SELECT to_char((occurred_at AT TIME ZONE 'UTC') + interval '9 hours', 'YYYY-MM-DD HH24:MI') AS at
       FROM outbox WHERE type = 'SpecificCardIssued' AND destination = 'mynumber' ORDER BY id DESC LIMIT 1`,
  );
  const item = `SpecificCardIssued: sent by The Immigration Services Agency (ISA) to J-LIS (My Number), since ${row!.at}`;
  expect(await textContaining(pending(), 'SpecificCardIssued')).toBe(`Changes in flight between authorities${item}`);
  expect(await pending().locator('li').allTextContents()).toEqual([item]);
  expect(await pending().getAttribute('class')).toBe('pending pending-some');
  expect(await axeSerious(page)).toEqual([]);
  await page.screenshot({ path: join(SCREENSHOTS, 'counter-pending-change.png'), fullPage: true });
});

test('the registry down: whether anything is in flight is unknown, and the record says so', async () => {
  // J-LIS down would leave no record at all (it answers person(myNumber)); the registry down leaves the rest.
  await stack.stopSubgraph('registry');
  await search(separate.myNumber!);
  expect(await textContaining(pending(), 'Unknown')).toBe(
    'Changes in flight between authoritiesUnknown: an authority did not answer, so changes still in flight cannot be listed. Act on this record with care.',
  );
  expect(await pending().locator('li').count()).toBe(0);
  expect(await axeSerious(page)).toEqual([]);
});

test('once the registry is back and the event delivered to J-LIS, none pending again', async () => {
  await stack.startSubgraph('registry');
  stack.relays.immigration.start();
  const shown = await when(
    async () => {
      await search(separate.myNumber!);
      return (await pending().textContent({ timeout: 20_000 })) ?? '';
    },
    (text) => text === NONE,
    30_000,
  );
  expect(shown).toBe(NONE);
  // J-LIS applied it: the person now holds a specific card, (a).
  expect(await textContaining(page.locator('.arrangement strong'), '(a)')).toMatch(/^\(a\) /);
});

test('every request the page made stayed on this machine, and the CSP blocked nothing', () => {
  expect(urls.filter((u) => !isLoopback(u))).toEqual([]);
  expect(cspViolations).toEqual([]);
});
