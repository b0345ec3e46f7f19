import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type Locator, type Page } from 'playwright-core';
import { buildConsole } from '../../gateway/console/build';
import { staffTokenConfig } from '../../gateway/config';
import { consoleOptionsFromEnv } from '../../gateway/console/config';
import type { GatewayOptions } from '../../gateway/server';
import { startStack, type GatewayHardening, type Stack } from '../harness';

/** Debian's Chromium (`apt-get install chromium`; .ci/run installs it); CHROMIUM_PATH overrides. */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const SCREENSHOTS = join(__dirname, 'screenshots');

/** Builds the bundle as `npm install` does, so a suite always serves the code it tests. */
export async function builtConsole(): Promise<void> {
  await buildConsole();
  mkdirSync(SCREENSHOTS, { recursive: true });
}

/**
 * A gateway over the stack's subgraphs with the console configured from `env` as `npm start` configures it (in
 * development: demo sign-in with the stack's issuer, the stack's authority keys for proofs; with AUTH_JWKS_URL,
 * staff tokens from that identity provider). Its origin.
 */
export async function consoleGateway(stack: Stack, env: Record<string, string> = {}): Promise<string> {
  const production = env.NODE_ENV === 'production';
  const options: GatewayHardening & Pick<GatewayOptions, 'console'> & Partial<Pick<GatewayOptions, 'staffTokens'>> = {
    console: consoleOptionsFromEnv({ DATA_DIR: stack.dataDir, ...env }),
    ...(env.AUTH_JWKS_URL ? { staffTokens: await staffTokenConfig(env) } : {}),
    // As hardeningFromEnv configures production: only approved operations run.
    ...(production ? { production, safelist: { mode: 'enforce' } } : {}),
  };
  return new URL(await stack.startGateway(options)).origin;
}

/** What a browser suite works with: a stack of 20 persons, a gateway serving the console, Chromium and a recording page. */
export interface ConsoleSession {
  stack: Stack;
  origin: string;
  browser: Browser;
  page: Page;
  urls: string[];
  cspViolations: string[];
}

/** Starts a suite's session, the console configured from `env` (consoleGateway); a part that started is stopped if a later one fails. */
export async function openConsole(env: Record<string, string> = {}): Promise<ConsoleSession> {
  await builtConsole();
  const stack = await startStack({ persons: 20 });
  try {
    const origin = await consoleGateway(stack, env);
    const browser = await launch();
    return { stack, origin, browser, ...(await recordingPage(browser)) };
  } catch (err) {
    await stack.stop();
    throw err;
  }
}

/** Stops what openConsole started (nothing, where it did not get that far). */
export async function closeConsole(session: Partial<Pick<ConsoleSession, 'browser' | 'stack'>>): Promise<void> {
  await session.browser?.close();
  await session.stack?.stop();
}

export async function launch(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-dev-shm-usage'] });
}

/**
 * A page that records every URL it requests and every Content-Security-Policy report it logs, so a suite can
 * assert that nothing left loopback and nothing was blocked.
 */
export async function recordingPage(browser: Browser): Promise<{ page: Page; urls: string[]; cspViolations: string[] }> {
  const page = await browser.newPage({ locale: 'ja-JP', viewport: { width: 1200, height: 900 } });
  const urls: string[] = [];
  const cspViolations: string[] = [];
  page.on('request', (r) => urls.push(r.url()));
  page.on('console', (m) => {
    if (/Content Security Policy/i.test(m.text())) cspViolations.push(m.text());
  });
  return { page, urls, cspViolations };
}

/** Whether a URL stays on this machine (blob: URLs carry their origin). */
export function isLoopback(url: string): boolean {
  const inner = url.startsWith('blob:') ? url.slice(5) : url;
  const { protocol, hostname } = new URL(inner);
  return (protocol === 'http:' || protocol === 'https:') && (hostname === '127.0.0.1' || hostname === 'localhost');
}

/** Signs in with a demo role on the sign-in page. */
export async function demoSignIn(page: Page, role: string, extra: { municipality?: string; myNumber?: string } = {}): Promise<void> {
  const form = page.locator('form').nth(1);
  await form.locator('select').selectOption(role);
  if (extra.municipality) await form.locator('input').nth(0).fill(extra.municipality);
  if (extra.myNumber) await form.locator('input').nth(1).fill(extra.myNumber);
  await form.locator('button[type=submit]').click();
}

/** Serious and critical findings of axe-core on the page as it is now. */
export async function axeSerious(page: Page): Promise<Array<{ id: string; impact: string; nodes: number }>> {
  // Evaluated through the DevTools protocol, which the page's CSP does not govern (an inline script tag would be refused).
  await page.evaluate(require('axe-core').source as string);
  return page.evaluate(async () => {
    const { axe } = globalThis as unknown as { axe: { run(): Promise<{ violations: Array<{ id: string; impact: string; nodes: unknown[] }> }> } };
    const { violations } = await axe.run();
    return violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => ({ id: v.id, impact: v.impact, nodes: v.nodes.length }));
  });
}

/**
 * What a locator shows once `done` holds, or after 20 s as it is then, for jest to report (playwright-core has no
 * web-first assertions; this is their polling, without a timed assertion of its own).
 */
export async function when<T>(read: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value) || Date.now() > deadline) return value;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** The texts of every element the locator finds, once they equal (or match) `expected`. */
export function texts(locator: Locator, expected: Array<string | RegExp>): Promise<string[]> {
  return when(
    () => locator.allTextContents(),
    (found) => found.length === expected.length && found.every((t, i) => (typeof expected[i] === 'string' ? t === expected[i] : (expected[i] as RegExp).test(t))),
  );
}

/** The first element's text once it contains `part`. */
export function textContaining(locator: Locator, part: string): Promise<string> {
  return when(async () => (await locator.first().textContent({ timeout: 20_000 }).catch(() => '')) ?? '', (t) => t.includes(part));
}

/** How many elements the locator finds, once that is `n`. */
export function count(locator: Locator, n: number): Promise<number> {
  return when(() => locator.count(), (c) => c === n);
}
