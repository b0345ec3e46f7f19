import { writeFileSync } from 'node:fs';
import { networkInterfaces } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { startStack, type Stack } from '../harness';
import { persona } from '../personas';
import { builtConsole, consoleGateway, count, demoSignIn, launch, recordingPage, SCREENSHOTS, textContaining, when } from './browser';

/**
 * The console session that test/console/offline.test.ts runs inside a network namespace with only loopback
 * (`unshare -n`). It reports what it saw as JSON to the file named by its argument and asserts nothing itself:
 * the test does, so a step that failed is reported with what came before it.
 */

export interface OfflineReport {
  /** The network interfaces that have an address, as Node sees them. */
  interfaces: string[];
  /** A request to an address off this machine: the error code it failed with, or 'answered'. */
  outside: string;
  /** The step that threw, and why; absent when every step ran. */
  failed?: { step: string; message: string };
  counter?: { cardFront: string; cardBack: string };
  analyst?: { columns: number; rows: number; note: string };
  explorer?: { containers: number; docs: string };
  /** Every response the page received: path, status, resource type. */
  responses: Array<{ url: string; status: number; type: string }>;
  requestFailures: Array<{ url: string; failure: string }>;
  pageErrors: string[];
  cspViolations: string[];
}

/** A request to a public address (TEST-NET would prove nothing: it is unroutable everywhere). */
async function outside(): Promise<string> {
  try {
    await fetch('http://1.1.1.1/', { signal: AbortSignal.timeout(5000) });
    return 'answered';
  } catch (err) {
    const cause = (err as { cause?: { code?: string } }).cause;
    return cause?.code ?? (err as Error).name;
  }
}

async function run(reportFile: string): Promise<void> {
  const report: OfflineReport = {
    interfaces: Object.keys(networkInterfaces()),
    outside: await outside(),
    responses: [],
    requestFailures: [],
    pageErrors: [],
    cspViolations: [],
  };
  let stack: Stack | undefined;
  let browser: Browser | undefined;
  let step = 'build the console';
  try {
    await builtConsole();
    step = 'start the system';
    stack = await startStack({ persons: 20 });
    const origin = await consoleGateway(stack);
    step = 'launch Chromium';
    browser = await launch();
    const { page, cspViolations } = await recordingPage(browser);
    report.cspViolations = cspViolations;
    page.on('response', (r) => report.responses.push({ url: r.url(), status: r.status(), type: r.request().resourceType() }));
    page.on('requestfailed', (r) => report.requestFailures.push({ url: r.url(), failure: r.failure()?.errorText ?? '' }));
    page.on('pageerror', (e) => report.pageErrors.push(e.message));

    step = 'counter: sign in as an ISA officer, find a person by My Number';
    const specific = persona('specific_card');
    await page.goto(`${origin}/console`);
    await page.getByRole('combobox').first().selectOption('en');
    await demoSignIn(page, 'isa-officer');
    await page.locator('form.search input:not([type=radio])').fill(specific.myNumber!);
    await page.locator('form.search button[type=submit]').click();
    report.counter = {
      cardFront: await textContaining(page.locator('.card-front'), specific.residenceCardNumber!),
      cardBack: await textContaining(page.locator('.card-back'), specific.myNumber!),
    };
    // The README's picture of the counter view: the first screen of it.
    await page.screenshot({ path: join(SCREENSHOTS, 'offline-counter.png') });

    step = 'analyst: counts by sex';
    await page.getByRole('button', { name: 'Sign out' }).click();
    await demoSignIn(page, 'analyst');
    await page.getByLabel('Sex').check();
    await page.getByRole('button', { name: 'Show' }).click();
    report.analyst = {
      columns: await count(page.locator('table.stats thead th'), 3),
      rows: await when(() => page.locator('table.stats tbody tr').count(), (n) => n > 1),
      note: await textContaining(page.locator('.note'), 'Disclosure control'),
    };

    step = 'explorer: GraphiQL with the schema documentation';
    await page.getByRole('link', { name: 'GraphiQL' }).click();
    const containers = await count(page.locator('.graphiql-container'), 1);
    await page.getByRole('button', { name: /Show Documentation Explorer/ }).click();
    report.explorer = { containers, docs: await textContaining(page.locator('.graphiql-doc-explorer'), 'Query') };
  } catch (err) {
    report.failed = { step, message: (err as Error).message };
  } finally {
    writeFileSync(reportFile, JSON.stringify(report));
    await browser?.close();
    await stack?.stop();
  }
}

void run(process.argv[2]!).then(() => process.exit(0));
