import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import type { Stack } from '../harness';
import { persona } from '../personas';
import { axeSerious, closeConsole, consoleGateway, count, demoSignIn, isLoopback, openConsole, SCREENSHOTS, textContaining, texts } from './browser';

/**
 * The counter view in Chromium, for the three counter roles: sign-in with a demo role, the language switch, the My
 * Number checked as typed, the unified record with each part's owner, the card drawn, partial invalidation, an
 * action confirmed and refused, an authority down; axe-core on each state; no request off this machine.
 */

let stack: Stack;
let origin: string;
let browser: Browser;
let page: Page;
let urls: string[];
let cspViolations: string[];
const specific = persona('specific_card');
const lost = persona('lost_specific_card');

beforeAll(async () => ({ stack, origin, browser, page, urls, cspViolations } = await openConsole()));
afterAll(() => closeConsole({ stack, browser }));

async function search(by: 'myNumber' | 'card', value: string): Promise<void> {
  await page.getByRole('radio').nth(by === 'myNumber' ? 0 : 1).check();
  await page.locator('form.search input:not([type=radio])').fill(value);
  await page.locator('form.search button[type=submit]').click();
}

test('sign-in page in easy Japanese, then an ISA officer finds a person by My Number', async () => {
  await page.goto(`${origin}/console`);
  await page.getByRole('combobox').first().selectOption('ja-x-easy');
  expect(await texts(page.locator('h1'), ['在留（ざいりゅう）カード コンソール'])).toEqual(['在留（ざいりゅう）カード コンソール']);
  expect(await axeSerious(page)).toEqual([]);
  await demoSignIn(page, 'isa-officer');
  expect(await texts(page.locator('h2'), ['まどぐち'])).toEqual(['まどぐち']);

  // A wrong check digit is named as typed, in the API's own words for that code.
  await page.locator('form.search input:not([type=radio])').fill('621498320258');
  expect(await texts(page.locator('.hint'), ['この マイナンバーは 正（ただ）しく ありません。番号（ばんごう）を もう一度（いちど） 見（み）て ください。'])).toEqual(['この マイナンバーは 正（ただ）しく ありません。番号（ばんごう）を もう一度（いちど） 見（み）て ください。']);
  expect(await page.locator('form.search input:not([type=radio])').getAttribute('aria-invalid')).toBe('true');

  await search('myNumber', specific.myNumber!);
  expect(await textContaining(page.locator('.arrangement strong'), '(a)')).toContain('(a)');
  const owners = [/入管/, /市区町村/, /入管/, /J-LIS/];
  expect(await texts(page.locator('.owner'), owners)).toEqual(owners.map((o) => expect.stringMatching(o)));
  expect(await textContaining(page.locator('.card-front'), specific.residenceCardNumber!)).toContain(specific.residenceCardNumber!);
  expect(await textContaining(page.locator('.card-back'), specific.myNumber!)).toContain(specific.myNumber!);
  expect(await count(page.locator('.banner-partial'), 0)).toBe(0);
  expect(await axeSerious(page)).toEqual([]);
  await page.screenshot({ path: join(SCREENSHOTS, 'counter-specific-card.png'), fullPage: true });
});

test('a partially invalidated card is unmistakable; found by card number', async () => {
  await page.getByRole('combobox').first().selectOption('en');
  await search('card', lost.residenceCardNumber!);
  expect(await textContaining(page.locator('.banner-partial'), 'Partially invalidated')).toContain('Partially invalidated');
  expect(await count(page.locator('.card-stamp-revoked'), 1)).toBe(1);
  expect(await textContaining(page.locator('.card-pair figcaption'), 'Valid')).toContain('Valid');
  await page.screenshot({ path: join(SCREENSHOTS, 'counter-partial-invalidation.png'), fullPage: true });
  await page.locator('.card-pair').screenshot({ path: join(SCREENSHOTS, 'card-partial-invalidation.png') });
});

test('an action asks for confirmation, and a refusal shows its reason', async () => {
  await search('myNumber', specific.myNumber!);
  await page.getByRole('button', { name: 'Issue a specific residence card' }).click();
  const dialog = page.getByRole('dialog');
  expect(await textContaining(dialog, specific.myNumber!)).toContain(specific.myNumber!);
  await page.keyboard.press('Escape');
  expect(await count(dialog, 0)).toBe(0);
  await page.getByRole('button', { name: 'Issue a specific residence card' }).click();
  await dialog.getByRole('button', { name: 'Confirm' }).click();
  expect(await textContaining(page.locator('.banner-error').first(), 'Refused')).toContain('Refused');
  expect(await page.locator('.banner-error code').first().textContent()).toMatch(/^ [A-Z_]+$/);
  expect(await axeSerious(page)).toEqual([]);
});

test('a municipal clerk and a J-LIS operator see the counter with their own actions', async () => {
  await page.getByRole('button', { name: 'Sign out' }).click();
  await demoSignIn(page, 'jlis-operator');
  // The previous clerk's search is not run again in the next one's name (it would be logged as theirs).
  expect(await page.locator('form.search input:not([type=radio])').inputValue()).toBe('');
  expect(await page.locator('.part-immigration').count()).toBe(0);
  await search('myNumber', specific.myNumber!);
  const actions = ['Issue a My Number card', 'Revoke the My Number function', 'Suspend the certificates', 'Resume the certificates'];
  expect(await texts(page.locator('.actions button'), actions)).toEqual(actions);
  await page.getByRole('button', { name: 'Sign out' }).click();
  await demoSignIn(page, 'municipal-clerk', { municipality: '131041' });
  expect(await texts(page.locator('h2'), ['Counter'])).toEqual(['Counter']);
});

test('the explorer: GraphiQL, bundled, with the schema documentation, under the same CSP', async () => {
  await page.getByRole('link', { name: 'GraphiQL' }).click();
  expect(await count(page.locator('.graphiql-container'), 1)).toBe(1);
  await page.getByRole('button', { name: /Show Documentation Explorer/ }).click();
  expect(await textContaining(page.locator('.graphiql-doc-explorer'), 'Query')).toContain('Query');
  await page.screenshot({ path: join(SCREENSHOTS, 'explorer.png') });
  await page.goto(`${origin}/console`);
});

test('with the registry down, the rest of the record and a banner naming it', async () => {
  await page.getByRole('button', { name: 'Sign out' }).click();
  await demoSignIn(page, 'isa-officer');
  await stack.stopSubgraph('registry');
  await search('myNumber', specific.myNumber!);
  expect(await textContaining(page.locator('.banner-down').first(), 'AUTHORITY_UNAVAILABLE')).toContain('AUTHORITY_UNAVAILABLE');
  expect(await count(page.locator('.part-immigration'), 1)).toBe(1);
  expect(await count(page.locator('.part-mynumber'), 1)).toBe(1);
  expect(await count(page.locator('.part-registry'), 0)).toBe(0);
});

test('production with CONSOLE=on: a pasted token, the counter through the enforced safelist', async () => {
  const production = await consoleGateway(stack, { NODE_ENV: 'production', CONSOLE: 'on' });
  await page.goto(`${production}/console`);
  expect(await count(page.locator('form'), 1)).toBe(1);
  await page.locator('textarea').fill(await stack.token('isa-officer'));
  await page.locator('form button[type=submit]').click();
  await search('myNumber', specific.myNumber!);
  expect(await textContaining(page.locator('.card-front'), specific.residenceCardNumber!)).toContain(specific.residenceCardNumber!);
});

test('every request the page made stayed on this machine, and the CSP blocked nothing', () => {
  expect(urls.length).toBeGreaterThan(5);
  expect(urls.filter((u) => !isLoopback(u))).toEqual([]);
  expect(cspViolations).toEqual([]);
});
