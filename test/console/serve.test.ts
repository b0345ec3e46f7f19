import { mkdtempSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gatewayOptionsFromEnv } from '../../gateway/config';
import { consoleOptionsFromEnv } from '../../gateway/console/config';
import { consoleRoutes, CONTENT_SECURITY_POLICY } from '../../gateway/console/serve';
import { buildGateway } from '../../gateway/server';
import { close, listen } from '../../runtime/http';
import { createMetrics } from '../../runtime/metrics';
import { builtConsole } from './browser';

/**
 * How the gateway serves the console, configured from the environment as `npm start` and the production image
 * configure it: the page and its assets under a strict CSP, nothing at all in production unless CONSOLE=on, and
 * never the demo sign-in in production.
 */

const dataDir = mkdtempSync(join(tmpdir(), 'rc-console-'));
const servers: Server[] = [];

async function gateway(env: Record<string, string>): Promise<string> {
  const options = await gatewayOptionsFromEnv({ DATA_DIR: dataDir, ...env });
  const { server, metricsServer } = await buildGateway({ ...options, metrics: createMetrics('gateway') });
  servers.push(server, metricsServer);
  return `http://127.0.0.1:${await listen(server, 0)}`;
}

const demoRequest = (origin: string, body: unknown) =>
  fetch(`${origin}/console/demo-token`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

beforeAll(builtConsole);
afterAll(async () => {
  await Promise.all(servers.map(close));
  rmSync(dataDir, { recursive: true, force: true });
});

test('development: the page and its assets under the strict CSP, and a demo token for a demo role', async () => {
  const origin = await gateway({});
  for (const [path, type] of [['/console', 'text/html'], ['/console/app.js', 'text/javascript'], ['/console/app.css', 'text/css'], ['/console/setup.json', 'application/json']]) {
    const res = await fetch(`${origin}${path}`);
    expect({ path, status: res.status, type: res.headers.get('content-type')?.split(';')[0] }).toEqual({ path, status: 200, type });
    expect(res.headers.get('content-security-policy')).toBe(
      "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
    );
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
  }
  expect(CONTENT_SECURITY_POLICY).not.toMatch(/unsafe|https?:|\*/);
  const page = await (await fetch(`${origin}/console`)).text();
  expect(page).not.toMatch(/<script>|<style|style=|https?:\/\//);

  const res = await demoRequest(origin, { role: 'isa-officer' });
  expect(res.status).toBe(200);
  const { token } = (await res.json()) as { token: string };
  const answer = await fetch(`${origin}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query: '{ __typename }' }),
  });
  expect(answer.status).toBe(200);
  expect((await demoRequest(origin, { role: 'partner' })).status).toBe(400);
  expect((await demoRequest(origin, { role: 'resident' })).status).toBe(400);
  expect((await fetch(`${origin}/console/demo-token`, { method: 'POST', body: 'role=isa-officer' })).status).toBe(405);
});

test('production without CONSOLE=on: every console path is 404, like any unknown path', async () => {
  const origin = await gateway({ NODE_ENV: 'production' });
  for (const path of ['/console', '/console/', '/console/app.js', '/console/setup.json']) {
    expect({ path, status: (await fetch(`${origin}${path}`)).status }).toEqual({ path, status: 404 });
  }
  expect((await demoRequest(origin, { role: 'isa-officer' })).status).toBe(404);
});

test('production with CONSOLE=on: the console, but no demo sign-in, whatever else is set', async () => {
  const origin = await gateway({ NODE_ENV: 'production', CONSOLE: 'on' });
  expect((await fetch(`${origin}/console`)).status).toBe(200);
  expect(await (await fetch(`${origin}/console/setup.json`)).json()).toMatchObject({ demoSignIn: false });
  expect((await demoRequest(origin, { role: 'isa-officer' })).status).toBe(404);
  expect(consoleOptionsFromEnv({ NODE_ENV: 'production', CONSOLE: 'on', DATA_DIR: dataDir }).demoTokens).toBeUndefined();
  // A program that hands a signer to a production gateway is refused before anything listens.
  expect(() => consoleRoutes({ enabled: true, demoTokens: async () => 'x' }, true)).toThrow('The console never signs demo tokens in production');
  expect(() => consoleOptionsFromEnv({ CONSOLE: 'yes' })).toThrow('CONSOLE must be "on" or "off"');
});

test('development with CONSOLE=off: no console', async () => {
  const origin = await gateway({ CONSOLE: 'off' });
  expect((await fetch(`${origin}/console`)).status).toBe(404);
  expect((await demoRequest(origin, { role: 'isa-officer' })).status).toBe(404);
});
