import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { discoveredProvider } from './oidc';

// Discovery against a real HTTP provider: what the console refuses to build its CSP from, and how often a
// failing provider is asked.
let server: Server;
let issuer: string;
let document: Record<string, unknown> | null;
let fetches = 0;

beforeAll(async () => {
  server = createServer((req, res) => {
    fetches++;
    if (!document || req.url !== '/realm/.well-known/openid-configuration') return void res.writeHead(503).end();
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(document));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}/realm`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const endpoints = (token: string) => ({ issuer, authorization_endpoint: `${issuer}/auth`, token_endpoint: token });

test('a token endpoint ending in / is refused: the CSP would allow every URL below it', async () => {
  document = endpoints(`${issuer}/token/`);
  await expect(discoveredProvider({ issuer, clientId: 'console', scope: 'openid' })()).rejects.toThrow(/must not end in \//);
  document = endpoints(`${issuer}/token`);
  await expect(discoveredProvider({ issuer, clientId: 'console', scope: 'openid' })()).resolves.toMatchObject({ tokenEndpoint: `${issuer}/token` });
});

test('a failed discovery is not asked again before the pause is over, then is', async () => {
  document = null;
  fetches = 0;
  const provider = discoveredProvider({ issuer, clientId: 'console', scope: 'openid' }, 1_000, 300);
  await expect(provider()).rejects.toThrow(/answered 503/);
  await expect(provider()).rejects.toThrow(/answered 503/);
  await expect(provider()).rejects.toThrow(/answered 503/);
  expect(fetches).toBe(1);
  document = endpoints(`${issuer}/token`);
  await new Promise((resolve) => setTimeout(resolve, 400));
  await expect(provider()).resolves.toMatchObject({ tokenEndpoint: `${issuer}/token` });
  expect(fetches).toBe(2);
});
