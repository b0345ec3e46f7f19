import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { generateKeyPair, SignJWT, UnsecuredJWT } from 'jose';
import { DEFAULT_AUDIENCE, DEFAULT_ISSUER } from '../../gateway/config';
import { keysDir, loadOrCreateKeyPair } from '../../runtime/keys';
import { PRINCIPAL_HEADER, signPrincipal, type Principal } from '../../runtime/principal';
import { startStack, type Stack } from '../harness';

const personas: Array<{ myNumber: string | null }> = JSON.parse(
  readFileSync(join(__dirname, '..', '..', 'seeds', 'personas.json'), 'utf8'),
);
const myNumber = personas.find((p) => p.myNumber)!.myNumber!;
type ErrorBody = { data?: unknown; errors: Array<{ extensions: { code: string } }> };
const PERSON = `query ($n: ID!) { person(myNumber: $n) { myNumber } }`;

let stack: Stack;
beforeAll(async () => {
  stack = await startStack({ persons: 20 });
});
afterAll(() => stack?.stop());

async function issuerKey() {
  return loadOrCreateKeyPair(keysDir(stack.dataDir), 'issuer');
}

describe('the gateway verifies staff tokens', () => {
  test('no token: 401 UNAUTHENTICATED', async () => {
    const { status, body } = await stack.query(null, PERSON, { n: myNumber });
    expect(status).toBe(401);
    expect(body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });

  test('a valid token reads the record', async () => {
    const { status, body } = await stack.query(await stack.token('isa-officer'), PERSON, { n: myNumber });
    expect(status).toBe(200);
    expect(body.data).toEqual({ person: { myNumber } });
  });

  test('a token signed by an unknown key: 401 INVALID_TOKEN', async () => {
    const { privateKey } = await generateKeyPair('EdDSA', { crv: 'Ed25519' });
    const forged = await new SignJWT({ role: 'isa-officer' })
      .setProtectedHeader({ alg: 'EdDSA' })
      .setIssuer(DEFAULT_ISSUER)
      .setAudience(DEFAULT_AUDIENCE)
      .setSubject('mallory')
      .setExpirationTime('1h')
      .sign(privateKey);
    const { status, body } = await stack.query(forged, PERSON, { n: myNumber });
    expect(status).toBe(401);
    expect(body.errors?.[0]?.extensions?.code).toBe('INVALID_TOKEN');
  });

  test('alg none: 401 INVALID_TOKEN', async () => {
    const none = new UnsecuredJWT({ role: 'isa-officer' })
      .setIssuer(DEFAULT_ISSUER)
      .setAudience(DEFAULT_AUDIENCE)
      .setSubject('mallory')
      .setExpirationTime('1h')
      .encode();
    const { status, body } = await stack.query(none, PERSON, { n: myNumber });
    expect(status).toBe(401);
    expect(body.errors?.[0]?.extensions?.code).toBe('INVALID_TOKEN');
  });

  test('an expired token: 401 TOKEN_EXPIRED', async () => {
    const { privateKey, kid } = await issuerKey();
    const expired = await new SignJWT({ role: 'isa-officer' })
      .setProtectedHeader({ alg: 'EdDSA', kid })
      .setIssuer(DEFAULT_ISSUER)
      .setAudience(DEFAULT_AUDIENCE)
      .setSubject('officer')
      .setIssuedAt(Math.floor(Date.now() / 1000) - 7200)
      .setExpirationTime(Math.floor(Date.now() / 1000) - 3600)
      .sign(privateKey);
    const { status, body } = await stack.query(expired, PERSON, { n: myNumber });
    expect(status).toBe(401);
    expect(body.errors?.[0]?.extensions?.code).toBe('TOKEN_EXPIRED');
  });

  test.each([
    ['another audience', { aud: 'someone-else', iss: DEFAULT_ISSUER }],
    ['another issuer', { aud: DEFAULT_AUDIENCE, iss: 'someone-else' }],
  ])('a token for %s: 401 INVALID_TOKEN', async (_name, { aud, iss }) => {
    const { privateKey, kid } = await issuerKey();
    const token = await new SignJWT({ role: 'isa-officer' })
      .setProtectedHeader({ alg: 'EdDSA', kid })
      .setIssuer(iss)
      .setAudience(aud)
      .setSubject('officer')
      .setExpirationTime('1h')
      .sign(privateKey);
    const { status, body } = await stack.query(token, PERSON, { n: myNumber });
    expect(status).toBe(401);
    expect(body.errors?.[0]?.extensions?.code).toBe('INVALID_TOKEN');
  });

  test('a clerk token without a municipality: 403 MUNICIPALITY_REQUIRED', async () => {
    const { privateKey, kid } = await issuerKey();
    const token = await new SignJWT({ role: 'municipal-clerk' })
      .setProtectedHeader({ alg: 'EdDSA', kid })
      .setIssuer(DEFAULT_ISSUER)
      .setAudience(DEFAULT_AUDIENCE)
      .setSubject('clerk')
      .setIssuedAt()
      .setExpirationTime('1h')
      .sign(privateKey);
    const { status, body } = await stack.query(token, PERSON, { n: myNumber });
    expect(status).toBe(403);
    expect(body.errors?.[0]?.extensions?.code).toBe('MUNICIPALITY_REQUIRED');
  });

  test('every response carries a request id', async () => {
    const res = await fetch(stack.gatewayUrl, { method: 'POST', headers: { 'x-request-id': 'counter-0042-abc' } });
    expect(res.headers.get('x-request-id')).toBe('counter-0042-abc');
  });

  test('the request id reaches every authority\'s access log, request after request of the same caller', async () => {
    const token = await stack.token('isa-officer');
    for (const id of ['counter-0042-first', 'counter-0042-second']) {
      const res = await fetch(stack.gatewayUrl, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'x-request-id': id },
        body: JSON.stringify({ query: 'query ($n: ID!) { person(myNumber: $n) { myNumber resident { familyName } immigration { statusOfResidence } } }', variables: { n: myNumber } }),
      });
      expect(res.status).toBe(200);
    }
    for (const authority of ['mynumber', 'registry', 'immigration'] as const) {
      const rows = (await stack.dbs[authority].query(`SELECT request_id, principal FROM access_log WHERE request_id LIKE 'counter-0042-%' ORDER BY request_id`)) as Array<{
        request_id: string;
        principal: string;
      }>;
      expect(rows).toEqual([
        { request_id: 'counter-0042-first', principal: 'dev-isa-officer' },
        { request_id: 'counter-0042-second', principal: 'dev-isa-officer' },
      ]);
    }
  });
});

describe('a subgraph answers nothing without the gateway principal', () => {
  const officer: Principal = { sub: 'x', role: 'isa-officer', agency: 'ISA', purpose: 'p', requestId: 'r' };
  const post = (url: string, query: string, headers: Record<string, string> = {}) =>
    fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify({ query }) });

  test.each(['mynumber', 'registry', 'immigration'] as const)('%s: no principal, no answer (incl. _service and _entities)', async (a) => {
    for (const query of [
      '{ _service { sdl } }',
      `{ _entities(representations: [{ __typename: "Person", myNumber: "${myNumber}" }]) { __typename } }`,
    ]) {
      const res = await post(stack.subgraphUrls[a], query);
      expect(res.status).toBe(401);
      const body = (await res.json()) as ErrorBody;
      expect(body.errors[0]!.extensions.code).toBe('PRINCIPAL_REQUIRED');
      expect(body.data).toBeUndefined();
    }
  });

  test.each(['mynumber', 'registry', 'immigration'] as const)('%s: a principal signed by another key is refused', async (a) => {
    const { privateKey } = await generateKeyPair('EdDSA', { crv: 'Ed25519' });
    const res = await post(stack.subgraphUrls[a], '{ _service { sdl } }', {
      [PRINCIPAL_HEADER]: await signPrincipal(officer, a, privateKey, 'forged'),
    });
    expect(res.status).toBe(401);
    expect(((await res.json()) as ErrorBody).errors[0]!.extensions.code).toBe('PRINCIPAL_INVALID');
  });

  test('a principal signed for one subgraph is refused by another', async () => {
    const { privateKey, kid } = await loadOrCreateKeyPair(keysDir(stack.dataDir), 'gateway');
    const forRegistry = await signPrincipal(officer, 'registry', privateKey, kid);
    const ok = await post(stack.subgraphUrls.registry, '{ _service { sdl } }', { [PRINCIPAL_HEADER]: forRegistry });
    expect(ok.status).toBe(200);
    const res = await post(stack.subgraphUrls.mynumber, '{ _service { sdl } }', { [PRINCIPAL_HEADER]: forRegistry });
    expect(res.status).toBe(401);
  });
});
