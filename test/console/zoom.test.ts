import { join } from 'node:path';
import type { Browser, Locator, Page } from 'playwright-core';
import { startStack, type Stack } from '../harness';
import { persona } from '../personas';
import { builtConsole, consoleGateway, demoSignIn, launch, SCREENSHOTS, textContaining } from './browser';

/**
 * Each view zoomed: a 1280 px wide screen at 200% leaves 640 CSS px, at 400% 320 CSS px (WCAG 1.4.10, reflow).
 * At both, nothing scrolls sideways and the controls a caller needs are on screen.
 */

let stack: Stack;
let origin: string;
let browser: Browser;
const specific = persona('specific_card');
const me = persona('permanent_resident');

beforeAll(async () => {
  await builtConsole();
  stack = await startStack({ persons: 20 });
  origin = await consoleGateway(stack);
  browser = await launch();
});
afterAll(async () => {
  await browser?.close();
  await stack?.stop();
});

/** How far the page is wider than its viewport, and the elements that stick out past its right edge. */
function overflow(page: Page): Promise<{ overflowBy: number; outside: string[] }> {
  return page.evaluate(() => {
    type El = { tagName: string; className: unknown; getBoundingClientRect(): { right: number; width: number } };
    const { document } = globalThis as unknown as { document: { documentElement: { scrollWidth: number; clientWidth: number }; querySelectorAll(s: string): El[] } };
    const { scrollWidth, clientWidth } = document.documentElement;
    const outside = [...document.querySelectorAll('body *')]
      .filter((e) => e.getBoundingClientRect().width > 0 && e.getBoundingClientRect().right > clientWidth + 1)
      .map((e) => `${e.tagName.toLowerCase()}${typeof e.className === 'string' && e.className ? `.${e.className.split(' ')[0]}` : ''}`);
    return { overflowBy: Math.max(0, scrollWidth - clientWidth), outside: [...new Set(outside)] };
  });
}

/** Whether each control is shown and wholly inside the viewport's width. */
async function onScreen(page: Page, controls: Locator[]): Promise<boolean[]> {
  const width = page.viewportSize()!.width;
  return Promise.all(
    controls.map(async (control) => {
      const box = await control.boundingBox();
      return (await control.isVisible()) && box !== null && box.x >= 0 && box.x + box.width <= width + 1;
    }),
  );
}

describe.each([
  ['200%', 640],
  ['400%', 320],
])('at %s (%i CSS px wide)', (zoom, width) => {
  let page: Page;
  beforeAll(async () => {
    page = await browser.newPage({ locale: 'en-US', viewport: { width, height: 900 / (width === 640 ? 2 : 4) }, deviceScaleFactor: width === 640 ? 2 : 4 });
  });
  afterAll(() => page.close());

  const fits = { overflowBy: 0, outside: [] };

  test('sign-in', async () => {
    await page.goto(`${origin}/console`);
    await page.getByRole('combobox').first().selectOption('en');
    const form = page.locator('form').nth(1);
    expect(await onScreen(page, [page.getByRole('combobox').first(), form.locator('select'), form.locator('button[type=submit]')])).toEqual([true, true, true]);
    expect(await overflow(page)).toEqual(fits);
  });

  test('counter with a record', async () => {
    await demoSignIn(page, 'isa-officer');
    await page.locator('form.search input:not([type=radio])').fill(specific.myNumber!);
    await page.locator('form.search button[type=submit]').click();
    expect(await textContaining(page.locator('.card-front'), specific.residenceCardNumber!)).toContain(specific.residenceCardNumber!);
    await page.screenshot({ path: join(SCREENSHOTS, `zoom-${zoom.replace('%', '')}-counter.png`), fullPage: true });
    const search = page.locator('form.search');
    expect(
      await onScreen(page, [search.locator('input:not([type=radio])'), search.locator('button[type=submit]'), page.getByRole('button', { name: 'Sign out' }), page.locator('.actions button').first()]),
    ).toEqual([true, true, true, true]);
    expect(await overflow(page)).toEqual(fits);
  });

  test('resident', async () => {
    await page.getByRole('button', { name: 'Sign out' }).click();
    await demoSignIn(page, 'resident', { myNumber: me.myNumber! });
    expect(await textContaining(page.locator('.arrangement'), '(b)')).toContain('(b)');
    expect(await textContaining(page.locator('.proof-summary'), 'Proven')).toContain('Proven');
    await page.screenshot({ path: join(SCREENSHOTS, `zoom-${zoom.replace('%', '')}-resident.png`), fullPage: true });
    expect(await onScreen(page, [page.getByRole('button', { name: 'Sign out' }), page.locator('.arrangement')])).toEqual([true, true]);
    expect(await overflow(page)).toEqual(fits);
  });

  test('analyst', async () => {
    await page.getByRole('button', { name: 'Sign out' }).click();
    await demoSignIn(page, 'analyst');
    await page.getByLabel('Sex').check();
    await page.getByRole('button', { name: 'Show' }).click();
    expect(await textContaining(page.locator('table.stats'), 'Persons')).toContain('Persons');
    await page.screenshot({ path: join(SCREENSHOTS, `zoom-${zoom.replace('%', '')}-analyst.png`), fullPage: true });
    expect(await onScreen(page, [page.getByRole('button', { name: 'Show' }), page.getByRole('button', { name: 'Download CSV' }), page.getByLabel('Sex')])).toEqual([true, true, true]);
    expect(await overflow(page)).toEqual(fits);
  });
});
