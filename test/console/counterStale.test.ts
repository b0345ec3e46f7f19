import type { Browser, Page } from 'playwright-core';
import type { Stack } from '../harness';
import { persona } from '../personas';
import { closeConsole, count, demoSignIn, openConsole, textContaining, when } from './browser';

/**
 * The counter never shows, nor offers actions on, a person the clerk is no longer asking for: an answer that comes
 * back after the clerk searched for someone else is dropped, in Chromium.
 */

let stack: Stack;
let origin: string;
let browser: Browser;
let page: Page;
const first = persona('specific_card');
const second = persona('separate_cards');

beforeAll(async () => ({ stack, origin, browser, page } = await openConsole()));
afterAll(() => closeConsole({ stack, browser }));

async function ask(myNumber: string): Promise<void> {
  await page.getByRole('radio').nth(0).check();
  await page.locator('form.search input:not([type=radio])').fill(myNumber);
  await page.locator('form.search button[type=submit]').click();
}

test("a slow answer for the person searched before does not replace the next person's record and actions", async () => {
  await page.goto(`${origin}/console`);
  await demoSignIn(page, 'isa-officer');
  let release!: () => void;
  const held = new Promise<void>((resolve) => (release = resolve));
  let late: Promise<unknown> | undefined;
  await page.route('**/graphql', async (route) => {
    const body = route.request().postData() ?? '';
    if (body.includes('CounterUnifiedRecord') && body.includes(first.myNumber!)) {
      late = page.waitForResponse((r) => r.request() === route.request());
      await held;
    }
    await route.continue();
  });
  await ask(first.myNumber!);
  await when(async () => late !== undefined, (asked) => asked);
  await ask(second.myNumber!);
  await count(page.locator('.record'), 1);
  expect(await page.locator('.record').textContent()).toContain(second.residenceCardNumber!);
  release();
  await late;
  // The page has had the late answer; whatever it did with it is done once the next frame is drawn.
  await page.evaluate('new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 200)))');
  const shown = (await page.locator('.record').textContent())!;
  expect(shown).toContain(second.residenceCardNumber!);
  expect(shown).not.toContain(first.residenceCardNumber!);
  await page.unroute('**/graphql');
});

test("a slow answer for the event chosen before does not replace the guidance for the event chosen next", async () => {
  await page.getByRole('combobox').first().selectOption('en');
  await ask(second.myNumber!);
  await count(page.locator('.record'), 1);
  let release!: () => void;
  const held = new Promise<void>((resolve) => (release = resolve));
  let late: Promise<unknown> | undefined;
  await page.route('**/graphql', async (route) => {
    const body = route.request().postData() ?? '';
    if (body.includes('CounterGuidance') && body.includes('LOSS_OR_THEFT')) {
      late = page.waitForResponse((r) => r.request() === route.request());
      await held;
    }
    await route.continue();
  });
  const panel = page.locator('section.guidance');
  await panel.locator('select').selectOption('LOSS_OR_THEFT');
  await panel.locator('button[type=submit]').click();
  await when(async () => late !== undefined, (asked) => asked);
  await panel.locator('select').selectOption('RENEWAL');
  await panel.locator('button[type=submit]').click();
  const renewal = await textContaining(page.locator('.guidance-answer h4'), 'Extension of the period of stay');
  expect(renewal).not.toContain('Card lost');
  release();
  await late;
  await page.evaluate('new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 200)))');
  expect(await page.locator('.guidance-answer h4').textContent()).toBe(renewal);
  await page.unroute('**/graphql');
});
