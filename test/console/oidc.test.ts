import { createHash, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK } from 'jose';
import type { Browser, Page, Route } from 'playwright-core';
import { consoleOptionsFromEnv } from '../../gateway/console/config';
import { startStack, type Stack } from '../harness';
import { persona } from '../personas';
import { builtConsole, consoleGateway, count, isLoopback, launch, recordingPage, textContaining, texts, when } from './browser';

/**
 * The console's sign-in with the agencies' OpenID Connect provider, in Chromium, against a provider written here
 * as small as the protocol allows: discovery, an authorisation endpoint that signs a fixed user in without a form,
 * a token endpoint that checks the code, the redirect URI and the PKCE verifier, and a JWKS the gateway verifies
 * the access token with. Then what an attacker would try: a replayed answer, an altered state, a code of their own
 * injected with the victim's state; and the CSP that lets the page call the token endpoint and nothing else.
 */

const CLIENT_ID = 'residence-card-console';
const AUDIENCE = 'residence-card-gateway';

interface Grant {
  clientId: string;
  redirectUri: string;
  challenge: string;
  nonce: string;
  /** When the user last authenticated (the ID token's auth_time). */
  authTime: number;
}

/** What the provider saw: each token request's outcome, and every access token it issued. */
const provider = {
  issuer: '',
  redirectUris: [] as string[],
  user: { sub: 'officer-0007', role: 'isa-officer' } as Record<string, string>,
  grants: new Map<string, Grant>(),
  exchanges: [] as string[],
  issued: [] as string[],
  /** Discovery answers with another issuer's name (a provider impersonated, or misconfigured). */
  wrongIssuer: false,
  /**
   * The provider's own session in the browser (its cookie, here one for the whole test): when the user last
   * authenticated. An authorisation request without prompt=login or max_age=0 is answered from it, no credentials
   * asked, as a real provider does; `authentications` counts the times the user had to authenticate.
   */
  session: undefined as number | undefined,
  authentications: 0,
  /** The provider answers from its session whatever the request asks (a provider that ignores max_age and prompt). */
  ignoresFreshness: false,
};
let key: { privateKey: CryptoKey; jwk: JWK };
let providerServer: Server;

const base64url = (bytes: Buffer) => bytes.toString('base64url');

async function sign(claims: Record<string, unknown>, audience: string): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT(claims)
    .setProtectedHeader({ alg: 'RS256', kid: 'k1' })
    .setIssuer(provider.issuer)
    .setAudience(audience)
    .setSubject(provider.user.sub)
    .setIssuedAt(now)
    .setExpirationTime(now + 3600)
    .sign(key.privateKey);
}

function json(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store', ...headers });
  res.end(JSON.stringify(body));
}

function authorize(url: URL, res: ServerResponse): void {
  const q = url.searchParams;
  const redirectUri = q.get('redirect_uri') ?? '';
  const wrong =
    q.get('response_type') !== 'code' ? 'response_type' :
    q.get('client_id') !== CLIENT_ID ? 'client_id' :
    !provider.redirectUris.includes(redirectUri) ? 'redirect_uri' :
    q.get('code_challenge_method') !== 'S256' || !/^[A-Za-z0-9_-]{43}$/.test(q.get('code_challenge') ?? '') ? 'code_challenge' :
    !(q.get('scope') ?? '').split(' ').includes('openid') ? 'scope' :
    !q.get('nonce') ? 'nonce' : undefined;
  if (wrong) {
    res.writeHead(400, { 'content-type': 'text/plain' }).end(`Bad ${wrong}`);
    return;
  }
  const fresh = !provider.ignoresFreshness && (q.get('prompt') === 'login' || q.get('max_age') === '0');
  if (provider.session === undefined || fresh) {
    provider.session = Math.floor(Date.now() / 1000);
    provider.authentications++;
  }
  const code = base64url(randomBytes(24));
  provider.grants.set(code, { clientId: CLIENT_ID, redirectUri, challenge: q.get('code_challenge')!, nonce: q.get('nonce')!, authTime: provider.session });
  const back = new URL(redirectUri);
  back.searchParams.set('code', code);
  if (q.get('state')) back.searchParams.set('state', q.get('state')!);
  back.searchParams.set('iss', provider.issuer);
  res.writeHead(302, { location: back.href }).end();
}

async function token(req: IncomingMessage, res: ServerResponse): Promise<void> {
  // The console calls from its own origin: CORS for exactly that one.
  const cors = { 'access-control-allow-origin': String(req.headers.origin ?? ''), vary: 'origin' };
  if (req.method === 'OPTIONS') {
    res.writeHead(204, { ...cors, 'access-control-allow-methods': 'POST', 'access-control-allow-headers': 'content-type, accept' }).end();
    return;
  }
  let body = '';
  for await (const chunk of req) body += chunk;
  const form = new URLSearchParams(body);
  const code = form.get('code') ?? '';
  const grant = provider.grants.get(code);
  provider.grants.delete(code);
  const verifier = form.get('code_verifier') ?? '';
  const wrong =
    form.get('grant_type') !== 'authorization_code' ? 'grant_type' :
    !grant ? 'code' :
    form.get('client_id') !== grant.clientId ? 'client_id' :
    form.get('redirect_uri') !== grant.redirectUri ? 'redirect_uri' :
    base64url(createHash('sha256').update(verifier).digest()) !== grant.challenge ? 'code_verifier' : undefined;
  provider.exchanges.push(wrong ?? 'issued');
  if (wrong || !grant) return json(res, 400, { error: 'invalid_grant', error_description: `Bad ${wrong}` }, cors);
  const accessToken = await sign({ ...provider.user }, AUDIENCE);
  provider.issued.push(accessToken);
  json(res, 200, { access_token: accessToken, token_type: 'Bearer', expires_in: 3600, id_token: await sign({ nonce: grant.nonce, auth_time: grant.authTime }, CLIENT_ID) }, cors);
}

async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', provider.issuer);
  if (url.pathname === '/.well-known/openid-configuration') {
    return json(res, 200, {
      issuer: provider.wrongIssuer ? 'https://idp.example.com/elsewhere' : provider.issuer,
      authorization_endpoint: `${provider.issuer}/authorize`,
      token_endpoint: `${provider.issuer}/token`,
      jwks_uri: `${provider.issuer}/jwks`,
      response_types_supported: ['code'],
      grant_types_supported: ['authorization_code'],
      code_challenge_methods_supported: ['S256'],
      id_token_signing_alg_values_supported: ['RS256'],
      token_endpoint_auth_methods_supported: ['none'],
      subject_types_supported: ['public'],
    });
  }
  if (url.pathname === '/authorize') return authorize(url, res);
  if (url.pathname === '/token') return token(req, res);
  if (url.pathname === '/jwks') return json(res, 200, { keys: [{ ...key.jwk, kid: 'k1', alg: 'RS256', use: 'sig' }] });
  res.writeHead(404).end();
}

/** The gateway's settings for this provider, as an operator writes them. */
const oidcEnv = (): Record<string, string> => ({
  NODE_ENV: 'production',
  CONSOLE: 'on',
  AUTH_ISSUER: provider.issuer,
  AUTH_JWKS_URL: `${provider.issuer}/jwks`,
  AUTH_AUDIENCE: AUDIENCE,
  CONSOLE_OIDC_CLIENT_ID: CLIENT_ID,
});

const STRICT = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";
const STATE_REFUSED = 'This sign-in answer was not started in this tab, was already used, or was altered. Nothing was signed in: sign in again.';

let stack: Stack;
let origin: string;
let browser: Browser;
let page: Page;
let urls: string[];
let cspViolations: string[];
const specific = persona('specific_card');

beforeAll(async () => {
  const pair = await generateKeyPair('RS256', { extractable: true });
  key = { privateKey: pair.privateKey, jwk: await exportJWK(pair.publicKey) };
  providerServer = createServer((req, res) => void handle(req, res).catch((err: Error) => res.writeHead(500).end(err.message)));
  await new Promise<void>((resolve) => providerServer.listen(0, '127.0.0.1', resolve));
  provider.issuer = `http://127.0.0.1:${(providerServer.address() as AddressInfo).port}`;
  await builtConsole();
  stack = await startStack({ persons: 20 });
  origin = await consoleGateway(stack, oidcEnv());
  provider.redirectUris = [`${origin}/console`];
  browser = await launch();
  ({ page, urls, cspViolations } = await recordingPage(browser));
});
afterAll(async () => {
  await browser?.close();
  await stack?.stop();
  providerServer?.closeAllConnections();
  await new Promise((resolve) => providerServer?.close(resolve));
});

const signInButton = () => page.getByRole('button', { name: 'Sign in with your agency account' });
const alertText = () => textContaining(page.getByRole('alert'), ' ');

/** Lets the browser leave for the provider, and hands the provider's answer to `rewrite` before the browser sees it. */
async function answerRewritten(rewrite: (answer: URL, request: URL) => Promise<URL> | URL): Promise<void> {
  const handler = async (route: Route) => {
    const response = await route.fetch({ maxRedirects: 0 });
    const answer = await rewrite(new URL(response.headers().location), new URL(route.request().url()));
    await route.fulfill({ status: 302, headers: { location: answer.href } });
  };
  const matches = (url: URL) => url.origin === provider.issuer && url.pathname === '/authorize';
  await page.route(matches, handler);
  try {
    // Back on the console with the address cleaned: the answer was read (the alert of a previous test is gone).
    const back = page.waitForEvent('framenavigated', (frame) => frame === page.mainFrame() && frame.url() === `${origin}/console`);
    await signInButton().click();
    await back;
  } finally {
    await page.unroute(matches, handler);
  }
}

test("the page's CSP lets it call the provider's token endpoint and nothing else of the provider's", async () => {
  const res = await fetch(`${origin}/console`);
  expect(res.headers.get('content-security-policy')).toBe(STRICT.replace("connect-src 'self'", `connect-src 'self' ${provider.issuer}/token`));
  expect(await (await fetch(`${origin}/console/setup.json`)).json()).toMatchObject({
    demoSignIn: false,
    signIn: { issuer: provider.issuer, authorizationEndpoint: `${provider.issuer}/authorize`, tokenEndpoint: `${provider.issuer}/token`, clientId: CLIENT_ID, scope: 'openid' },
  });

  // Without the settings, the policy is the strict one, and the page offers the pasted token alone.
  const plain = await consoleGateway(stack, { NODE_ENV: 'production', CONSOLE: 'on' });
  expect((await fetch(`${plain}/console`)).headers.get('content-security-policy')).toBe(STRICT);
  expect(await (await fetch(`${plain}/console/setup.json`)).json()).toEqual(expect.not.objectContaining({ signIn: expect.anything() }));
});

test('a discovery document naming another issuer is not followed: the strict policy, and the provider named unreachable', async () => {
  provider.wrongIssuer = true;
  try {
    const misled = await consoleGateway(stack, oidcEnv());
    expect((await fetch(`${misled}/console`)).headers.get('content-security-policy')).toBe(STRICT);
    expect(await (await fetch(`${misled}/console/setup.json`)).json()).toMatchObject({ signIn: 'unreachable' });
  } finally {
    provider.wrongIssuer = false;
  }
});

test('settings that cannot work are refused at start', () => {
  const env = { ...oidcEnv(), DATA_DIR: stack.dataDir };
  expect(() => consoleOptionsFromEnv({ ...env, AUTH_JWKS_URL: undefined })).toThrow('CONSOLE_OIDC_CLIENT_ID needs AUTH_ISSUER and AUTH_JWKS_URL');
  expect(() => consoleOptionsFromEnv({ ...env, AUTH_ISSUER: 'http://idp.example.lg.jp/realms/agency' })).toThrow('AUTH_ISSUER must be an https URL');
  expect(() => consoleOptionsFromEnv({ ...env, CONSOLE_OIDC_SCOPE: 'profile' })).toThrow('CONSOLE_OIDC_SCOPE must include "openid"');
});

test('an officer signs in through the provider, sees the counter, and the API takes the access token', async () => {
  await page.goto(`${origin}/console`);
  await page.getByRole('combobox').first().selectOption('en');
  // No demo sign-in in production: the provider, and the pasted token.
  expect(await count(page.locator('form'), 2)).toBe(2);
  await signInButton().click();
  expect(await texts(page.locator('h2'), ['Counter'])).toEqual(['Counter']);
  expect(provider.exchanges).toEqual(['issued']);
  // Neither the code nor the state stays in the address, and no token was ever in one.
  expect(page.url()).toBe(`${origin}/console`);
  expect(urls.filter((u) => provider.issued.some((t) => u.includes(t)))).toEqual([]);
  expect(await page.evaluate("sessionStorage.getItem('console.signIn')")).toBeNull();
  expect(await page.locator('.who').textContent()).toBe('isa-officer');

  await page.getByRole('radio').nth(0).check();
  await page.locator('form.search input:not([type=radio])').fill(specific.myNumber!);
  await page.locator('form.search button[type=submit]').click();
  expect(await textContaining(page.locator('.card-front'), specific.residenceCardNumber!)).toContain(specific.residenceCardNumber!);
});

test('a replayed answer from the provider is refused before its code is sent anywhere', async () => {
  const answer = urls.find((u) => u.startsWith(`${origin}/console?code=`));
  expect(answer).toMatch(/state=/);
  await page.getByRole('button', { name: 'Sign out' }).click();
  expect(await page.evaluate("sessionStorage.getItem('console.session')")).toBeNull();
  await page.goto(answer!);
  expect(await alertText()).toBe(STATE_REFUSED);
  expect(page.url()).toBe(`${origin}/console`);
  expect(await page.getByRole('button', { name: 'Sign out' }).count()).toBe(0);
  expect(provider.exchanges).toEqual(['issued']);
});

test('an answer whose state was altered is refused before its code is sent anywhere', async () => {
  await answerRewritten((answer) => {
    answer.searchParams.set('state', `${answer.searchParams.get('state')}x`);
    return answer;
  });
  expect(await alertText()).toBe(STATE_REFUSED);
  expect(await page.getByRole('button', { name: 'Sign out' }).count()).toBe(0);
  expect(provider.exchanges).toEqual(['issued']);
});

test("an attacker's code injected with the victim's state: the provider refuses it without the attacker's verifier", async () => {
  // The attacker starts a sign-in of their own and keeps its code, then slips it into the officer's way back.
  const attacker = new URL(`${provider.issuer}/authorize`);
  const attackerVerifier = base64url(randomBytes(32));
  for (const [name, value] of Object.entries({ response_type: 'code', client_id: CLIENT_ID, redirect_uri: `${origin}/console`, scope: 'openid', state: 'attacker', nonce: 'attacker', code_challenge_method: 'S256', code_challenge: base64url(createHash('sha256').update(attackerVerifier).digest()) })) {
    attacker.searchParams.set(name, value);
  }
  const attackerCode = new URL((await fetch(attacker, { redirect: 'manual' })).headers.get('location')!).searchParams.get('code')!;

  await answerRewritten((answer) => {
    answer.searchParams.set('code', attackerCode);
    return answer;
  });
  expect(await alertText()).toBe('The identity provider refused the sign-in: invalid_grant');
  expect(provider.exchanges).toEqual(['issued', 'code_verifier']);
  expect(await page.getByRole('button', { name: 'Sign out' }).count()).toBe(0);
});

test('the provider refusing at the authorisation step is shown with its code', async () => {
  await answerRewritten((answer) => {
    const denied = new URL(answer.pathname, answer.origin);
    denied.searchParams.set('error', 'access_denied');
    denied.searchParams.set('state', answer.searchParams.get('state')!);
    return denied;
  });
  expect(await alertText()).toBe('The identity provider refused the sign-in: access_denied');
  expect(provider.exchanges).toEqual(['issued', 'code_verifier']);
});

test('every request stayed on this machine, and the CSP blocked nothing until the page reached past the token endpoint', async () => {
  expect(urls.filter((u) => !isLoopback(u))).toEqual([]);
  expect(cspViolations).toEqual([]);
  const outcome = await page.evaluate((jwks) => fetch(jwks).then(() => 'fetched', () => 'blocked'), `${provider.issuer}/jwks`);
  expect(outcome).toBe('blocked');
  expect(await when(async () => cspViolations.length, (n) => n > 0)).toBeGreaterThan(0);
  expect(cspViolations.filter((v) => !v.includes(`${provider.issuer}/jwks`))).toEqual([]);
});

test("signing in after the previous clerk signed out asks the provider for a fresh authentication, not the previous clerk's session", async () => {
  // A counter PC: the officer above signed in through the provider, whose session stays in the browser after the
  // console's sign-out (or a closed tab). The next person must authenticate, not be signed in as that officer.
  await page.goto(`${origin}/console`);
  expect(await texts(page.locator('h2'), ['Sign in', 'Sign in'])).toEqual(['Sign in', 'Sign in']);
  const before = provider.authentications;
  const leaving = page.waitForRequest((r) => r.url().startsWith(`${provider.issuer}/authorize`));
  await signInButton().click();
  const asked = new URL((await leaving).url());
  expect(await texts(page.locator('h2'), ['Counter'])).toEqual(['Counter']);
  expect([asked.searchParams.get('prompt'), asked.searchParams.get('max_age')]).toEqual(['login', '0']);
  expect(provider.authentications).toBe(before + 1);
  await page.getByRole('button', { name: 'Sign out' }).click();
});

test("a provider that answers from an old session anyway is refused: the ID token's auth_time is too old", async () => {
  provider.session = Math.floor(Date.now() / 1000) - 3600;
  provider.ignoresFreshness = true;
  try {
    await page.evaluate("sessionStorage.removeItem('console.session')");
    await page.goto(`${origin}/console`);
    await answerRewritten((answer) => answer);
    expect(await alertText()).toBe('The sign-in did not complete: too much time has elapsed since the last End-User authentication');
    expect(await page.getByRole('button', { name: 'Sign out' }).count()).toBe(0);
    expect(await page.evaluate("sessionStorage.getItem('console.session')")).toBeNull();
  } finally {
    provider.ignoresFreshness = false;
  }
});
