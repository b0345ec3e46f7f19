import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import type { Stack } from '../harness';
import { persona } from '../personas';
import { axeSerious, closeConsole, count, demoSignIn, isLoopback, openConsole, SCREENSHOTS, textContaining, texts, when } from './browser';

/**
 * The counter's guidance and its actions that take more than a number, in Chromium (issue 21): the procedure for
 * an event as the law and docs/counter-guidance.md write it, in the chosen language; an extension of the period of
 * stay granted and seen in the record, and refused with its code; a change of status; a clerk's move within the
 * municipality and to another one. The expected texts are written out by hand (docs/counter-guidance.md,
 * test/guidance/gateway.test.ts, gateway/i18n/messages); axe-core on each state; no request off this machine.
 */

let stack: Stack;
let origin: string;
let browser: Browser;
let page: Page;
let urls: string[];
let cspViolations: string[];
const specific = persona('specific_card'); // (a), Shinjuku (131041), a period of stay
const separate = persona('separate_cards'); // (b), a period of stay
const permanent = persona('permanent_resident'); // no period of stay
const intern = persona('technical_intern');

beforeAll(async () => ({ stack, origin, browser, page, urls, cspViolations } = await openConsole()));
afterAll(() => closeConsole({ stack, browser }));

async function search(myNumber: string): Promise<void> {
  await page.getByRole('radio').nth(0).check();
  await page.locator('form.search input:not([type=radio])').fill(myNumber);
  await page.locator('form.search button[type=submit]').click();
  // The view clears the previous record as the search starts, so the one that appears is this person's.
  await count(page.locator('.record'), 1);
}

async function guidanceFor(event: string): Promise<void> {
  const panel = page.locator('section.guidance');
  await panel.locator('select').selectOption(event);
  await panel.locator('button[type=submit]').click();
}

/** Fills an action's form by its labels (the way a screen reader user finds the fields) and submits it with Enter. */
async function submitAction(name: string, fields: Record<string, string>): Promise<void> {
  const form = page.getByRole('form', { name });
  for (const [label, value] of Object.entries(fields)) {
    const field = form.getByLabel(label, { exact: true });
    if ((await field.evaluate((el) => el.tagName)) === 'SELECT') await field.selectOption(value);
    else await field.fill(value);
  }
  await form.getByRole('button', { name }).focus();
  await page.keyboard.press('Enter');
}

const dialog = () => page.getByRole('dialog');

test('guidance for a lost specific card, in easy Japanese: J-LIS by telephone, the police, the bureau within 14 days', async () => {
  await page.goto(`${origin}/console`);
  await page.getByRole('combobox').first().selectOption('en');
  await demoSignIn(page, 'isa-officer');
  await search(specific.myNumber!);
  await guidanceFor('LOSS_OR_THEFT');
  expect(await textContaining(page.locator('.guidance-answer h4'), 'Card lost')).toBe('Card lost or stolen — Specific card (one card)');
  // The event stays chosen when the language changes: the same procedure, asked again in easy Japanese.
  await page.getByRole('combobox').first().selectOption('ja-x-easy');
  const actions = [
    'すぐに 電話（でんわ）して、マイナンバーの 機能（きのう）を とめて もらう',
    '警察（けいさつ）に とどけて、受理番号（じゅりばんごう）を もらう',
    'あたらしい カードを もらう 申請（しんせい）を する',
  ];
  expect(await texts(page.locator('.guidance .step-action'), actions)).toEqual(actions);
  const where = [
    /マイナンバー フリーダイヤル 0120-95-0178（いつでも）$/,
    /警察署（けいさつしょ）・交番（こうばん）$/,
    /出入国在留管理局（しゅつにゅうこくざいりゅうかんりきょく）$/,
  ];
  expect(await texts(page.locator('.guidance .step-where'), where)).toEqual(where.map((w) => expect.stringMatching(w)));
  // Only the reissue has a deadline: 14 days from learning of the loss (入管法 19条の12).
  expect(await page.locator('.guidance .step').nth(2).locator('.step-deadline').textContent()).toContain('14');
  expect(await page.locator('.guidance .step').nth(0).locator('.step-deadline').count()).toBe(0);
  expect(await page.locator('.guidance .step').nth(2).locator('.step-bring li').allTextContents()).toEqual([
    '申請書（しんせいしょ）',
    '写真（しゃしん）（たて 4cm、よこ 3cm）',
    'パスポート',
    '警察（けいさつ）の 受理番号（じゅりばんごう）',
  ]);
  expect(await axeSerious(page)).toEqual([]);
  await page.screenshot({ path: join(SCREENSHOTS, 'counter-guidance.png'), fullPage: true });
});

test('guidance in English: (b) extends at the bureau then changes the My Number card at the municipal office; a permanent resident has nothing to extend', async () => {
  await page.getByRole('combobox').first().selectOption('en');
  await search(separate.myNumber!);
  await guidanceFor('RENEWAL');
  const steps = ['Apply for an extension of the period of stay before it ends', 'Have the My Number card validity changed to the new period of stay'];
  expect(await texts(page.locator('.guidance .step-action'), steps)).toEqual(steps);
  const where = ['Immigration Services Agency (ISA): Regional immigration bureau', 'J-LIS (My Number card): Municipal office'];
  expect(await texts(page.locator('.guidance .step-where'), where)).toEqual(where);

  await search(permanent.myNumber!);
  await guidanceFor('RENEWAL');
  expect(await textContaining(page.locator('.guidance .not-applicable'), 'Does not apply')).toContain('Does not apply: there is no period of stay to extend');
  expect(await page.locator('.guidance .not-applicable').textContent()).toContain('入管法21条');
  expect(await page.locator('.guidance .step').count()).toBe(0);
  expect(await axeSerious(page)).toEqual([]);
});

test('an extension of the period of stay: confirmed, granted on a new card, seen in the record', async () => {
  await search(specific.myNumber!);
  const before = (await page.locator('.card-front').textContent())!;
  expect(before).toContain(specific.residenceCardNumber!);
  await submitAction('Renew the period of stay', { 'New end of the period of stay': '2032-06-30' });
  expect(await textContaining(dialog(), '2032-06-30')).toContain(specific.myNumber!);
  // Escape cancels: nothing is changed.
  await page.keyboard.press('Escape');
  expect(await count(dialog(), 0)).toBe(0);
  expect(await page.locator('.banner-ok').count()).toBe(0);
  await submitAction('Renew the period of stay', { 'New end of the period of stay': '2032-06-30' });
  await dialog().getByRole('button', { name: 'Confirm' }).click();
  expect(await textContaining(page.locator('.banner-ok'), 'Renew')).toBe('Renew the period of stay: Done');
  expect(await textContaining(page.locator('.part-immigration'), '2032-06-30')).toContain('2032-06-30');
  // A permission is delivered on a new card under a new number (DESIGN.md); the card ends with the new stay.
  const card = await textContaining(page.locator('.card-front'), '2032-06-30');
  expect(card).not.toContain(specific.residenceCardNumber!);
  expect(card).toMatch(/[A-Z]{2}[0-9]{8}[A-Z]{2}/);
  expect(await axeSerious(page)).toEqual([]);
});

test('an extension refused: an end before the current one (INVALID_NEW_EXPIRY), no period of stay (NO_PERIOD_OF_STAY) in Japanese', async () => {
  await submitAction('Renew the period of stay', { 'New end of the period of stay': '2030-01-31' });
  await dialog().getByRole('button', { name: 'Confirm' }).click();
  expect(await textContaining(page.locator('.banner-error'), 'INVALID_NEW_EXPIRY')).toBe(
    'Refused: The new end of the period of stay is not valid for this case. INVALID_NEW_EXPIRY',
  );
  // The record is as the granted extension left it.
  expect(await page.locator('.part-immigration').textContent()).toContain('2032-06-30');

  await page.getByRole('combobox').first().selectOption('ja');
  await search(permanent.myNumber!);
  await submitAction('在留期間を更新する', { 新しい在留期間の満了日: '2031-01-31' });
  await dialog().getByRole('button', { name: '実行する' }).click();
  expect(await textContaining(page.locator('.banner-error'), 'NO_PERIOD_OF_STAY')).toBe('拒否されました: この方には更新できる在留期間がありません。 NO_PERIOD_OF_STAY');
  expect(await axeSerious(page)).toEqual([]);
});

test('a change of status of residence: to a new status with a new end, seen in the record; a permanent one takes no end', async () => {
  await page.getByRole('combobox').first().selectOption('en');
  await search(intern.myNumber!);
  await submitAction('Change the status of residence', { 'New status of residence': 'PERMANENT_RESIDENT', 'New end of the period of stay': '2030-03-31' });
  await dialog().getByRole('button', { name: 'Confirm' }).click();
  expect(await textContaining(page.locator('.banner-error'), 'INVALID_NEW_EXPIRY')).toContain('INVALID_NEW_EXPIRY');

  await submitAction('Change the status of residence', { 'New status of residence': 'SPECIFIED_SKILLED_WORKER_1', 'New end of the period of stay': '2029-11-27' });
  expect(await textContaining(dialog(), 'Specified Skilled Worker')).toContain('2029-11-27');
  await dialog().getByRole('button', { name: 'Confirm' }).click();
  expect(await textContaining(page.locator('.banner-ok'), 'Change')).toBe('Change the status of residence: Done');
  const immigration = await textContaining(page.locator('.part-immigration'), '2029-11-27');
  expect(immigration).toContain('Specified Skilled Worker (i)');
});

test('a municipal clerk: no ISA action; a move within the municipality is recorded, its address shown as text, never markup', async () => {
  await page.getByRole('button', { name: 'Sign out' }).click();
  await demoSignIn(page, 'municipal-clerk', { municipality: '131041' });
  await search(specific.myNumber!);
  expect(await page.getByRole('form', { name: 'Renew the period of stay' }).count()).toBe(0);
  expect(await page.getByRole('form', { name: 'Change the status of residence' }).count()).toBe(0);
  const line = '西新宿2-8-1 <img src=x onerror="document.title=1">';
  await submitAction('Record a change of address within the municipality', { 'New address (after the municipality)': line, 'Date of the move': '2026-11-20' });
  expect(await textContaining(dialog(), line)).toContain('2026-11-20');
  await dialog().getByRole('button', { name: 'Confirm' }).click();
  expect(await textContaining(page.locator('.banner-ok'), 'Done')).toBe('Record a change of address within the municipality: Done');
  expect(await textContaining(page.locator('.part-registry'), line)).toContain(`新宿区 ${line}`);
  expect(await page.locator('.record img').count()).toBe(0);
  expect(await page.title()).toBe('Residence card console');
  expect(await axeSerious(page)).toEqual([]);
});

test('a municipal clerk: a move to another municipality; an unknown destination is refused with its code', async () => {
  await submitAction('Record a move to another municipality', { 'Destination municipality code': '999999', 'Date of the move': '2026-11-27' });
  await dialog().getByRole('button', { name: 'Confirm' }).click();
  expect(await textContaining(page.locator('.banner-error'), 'UNKNOWN_MUNICIPALITY')).toBe('Refused: This municipality code is not known. UNKNOWN_MUNICIPALITY');

  await submitAction('Record a move to another municipality', { 'Destination municipality code': '271004', 'Date of the move': '2026-11-27' });
  await dialog().getByRole('button', { name: 'Confirm' }).click();
  expect(await textContaining(page.locator('.banner-ok'), 'Done')).toBe('Record a move to another municipality: Done');
  // The registry holds the move-out, naming the destination (read back through the gateway as the clerk).
  const answer = await when(
    async () => {
      const response = await fetch(`${origin}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${await stack.token('municipal-clerk', { municipality: '131041' })}` },
        body: JSON.stringify({ query: `{ person(myNumber: "${specific.myNumber}") { resident { moveOut { destination { code } movedOutOn } } } }` }),
      });
      return (await response.json()) as { data?: { person?: { resident?: { moveOut?: unknown } } } };
    },
    (a) => Boolean(a.data?.person?.resident?.moveOut),
  );
  expect(answer.data?.person?.resident?.moveOut).toEqual({ destination: { code: '271004' }, movedOutOn: '2026-11-27' });
});

test('every request the page made stayed on this machine, and the CSP blocked nothing', () => {
  expect(urls.length).toBeGreaterThan(5);
  expect(urls.filter((u) => !isLoopback(u))).toEqual([]);
  expect(cspViolations).toEqual([]);
});
