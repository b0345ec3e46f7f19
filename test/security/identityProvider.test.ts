import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK } from 'jose';
import { staffTokenConfig } from '../../gateway/config';
import { verifyStaffToken } from '../../gateway/auth/staffTokens';

// The gateway configured for an agency's OpenID Connect provider, as docs/operations.md says: AUTH_JWKS_URL,
// AUTH_ISSUER, AUTH_AUDIENCE. The provider here is a real HTTP server publishing a JWKS, with RS256 keys as most
// providers use; tokens carry the claims the gateway reads (sub, role, municipality, my_number, purpose).

const ISSUER = 'https://idp.example.lg.jp/realms/agency';
const AUDIENCE = 'residence-card-gateway';

interface Key {
  kid: string;
  privateKey: CryptoKey;
  jwk: JWK;
}

async function newKey(kid: string): Promise<Key> {
  const { publicKey, privateKey } = await generateKeyPair('RS256', { extractable: true });
  return { kid, privateKey, jwk: { ...(await exportJWK(publicKey)), kid, alg: 'RS256', use: 'sig' } };
}

/** The provider: the keys it publishes now, and how often its JWKS was fetched. */
const provider = { published: [] as Key[], fetches: 0 };
let server: Server;
let jwksUrl: string;

beforeAll(async () => {
  server = createServer((req, res) => {
    if (req.url !== '/realms/agency/protocol/openid-connect/certs') {
      res.writeHead(404).end();
      return;
    }
    provider.fetches++;
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ keys: provider.published.map((k) => k.jwk) }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  jwksUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/realms/agency/protocol/openid-connect/certs`;
});
afterAll(() => new Promise((resolve) => server.close(resolve)));

async function token(key: Key, claims: Record<string, unknown>, options: { issuer?: string; audience?: string } = {}): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT(claims)
    .setProtectedHeader({ alg: 'RS256', kid: key.kid })
    .setIssuer(options.issuer ?? ISSUER)
    .setAudience(options.audience ?? AUDIENCE)
    .setSubject(String(claims.sub ?? 'clerk-0001'))
    .setIssuedAt(now)
    .setExpirationTime(now + 3600)
    .sign(key.privateKey);
}

const configured = () => staffTokenConfig({ AUTH_JWKS_URL: jwksUrl, AUTH_ISSUER: ISSUER, AUTH_AUDIENCE: AUDIENCE });

test("a provider's token is read into the caller the policies see", async () => {
  const k1 = await newKey('2026-12-k1');
  provider.published = [k1];
  const config = await configured();
  const clerk = await token(k1, { sub: 'clerk-0001', role: 'municipal-clerk', municipality: '131016', purpose: 'resident-registration' });
  expect(await verifyStaffToken(clerk, config)).toEqual({
    sub: 'clerk-0001',
    role: 'municipal-clerk',
    municipality: '131016',
    myNumber: undefined,
    purpose: 'resident-registration',
  });
  const resident = await token(k1, { sub: 'resident-77', role: 'resident', my_number: '123456789018' });
  expect(await verifyStaffToken(resident, config)).toMatchObject({ role: 'resident', myNumber: '123456789018' });
});

test('refused: a key the provider does not publish, another issuer, another audience, a clerk without municipality', async () => {
  const k1 = await newKey('2026-12-k1');
  const stranger = await newKey('2026-12-k1');
  provider.published = [k1];
  const config = await configured();
  const claims = { role: 'isa-officer' };
  const refusal = async (t: string) => verifyStaffToken(t, config).then(() => 'accepted', (err: { status?: number; code?: string }) => `${err.status} ${err.code}`);
  // A key with the same kid but not the published one: the signature does not verify.
  expect(await refusal(await token(stranger, claims))).toBe('401 INVALID_TOKEN');
  expect(await refusal(await token(k1, claims, { issuer: 'https://idp.example.com/other' }))).toBe('401 INVALID_TOKEN');
  expect(await refusal(await token(k1, claims, { audience: 'another-service' }))).toBe('401 INVALID_TOKEN');
  expect(await refusal(await token(k1, { role: 'municipal-clerk' }))).toBe('403 MUNICIPALITY_REQUIRED');
  expect(await refusal(await token(k1, { role: 'partner' }))).toBe('403 UNKNOWN_ROLE');
});

test("refused: claims that could not be carried as they are, in a token the provider signed", async () => {
  const k1 = await newKey('2026-12-k1');
  provider.published = [k1];
  const config = await configured();
  const refusal = async (claims: Record<string, unknown>) =>
    verifyStaffToken(await token(k1, { role: 'municipal-clerk', municipality: '131016', ...claims }), config).then(
      () => 'accepted',
      (err: { status?: number; code?: string }) => `${err.status} ${err.code}`,
    );
  for (const sub of ['clerk\u0000', 'clerk-\ud800', 'clerk\nforged log line', 'clerk\u0085', 'c'.repeat(257)]) {
    expect([JSON.stringify(sub), await refusal({ sub })]).toEqual([JSON.stringify(sub), '401 INVALID_TOKEN']);
  }
  // 131016 is Chiyoda's code: 131017 has the wrong check digit.
  for (const municipality of ['13101', '1310167', '131017', '13101６', ' 131016', 'tokyo']) {
    expect([municipality, await refusal({ municipality })]).toEqual([municipality, '401 INVALID_TOKEN']);
  }
  expect(await refusal({ purpose: 'resident-registration\r\nx' })).toBe('401 INVALID_TOKEN');
  // 123456789018 is a My Number: the same with another check digit, separated or in full-width digits is not one.
  for (const my_number of ['123456789017', '1234-5678-9018', '１２３４５６７８９０１８', '12345678901']) {
    expect([my_number, await refusal({ role: 'resident', my_number })]).toEqual([my_number, '401 INVALID_TOKEN']);
  }
  expect(await refusal({ role: 'resident', my_number: '123456789018' })).toBe('accepted');
  // Printable text in any script is taken.
  expect(await refusal({ sub: '山田-clerk-0001 🇯🇵', purpose: '住民票の写しの交付' })).toBe('accepted');
});

test('key rotation with overlap: a key published after the first fetch is used within seconds, and unknown kids cannot flood the provider', async () => {
  const k1 = await newKey('2026-12-k1');
  const k2 = await newKey('2027-01-k2');
  provider.published = [k1];
  const config = await configured();
  await verifyStaffToken(await token(k1, { role: 'isa-officer', sub: 'officer-1' }), config);
  const fetchesBefore = provider.fetches;

  // Fifty tokens with kids the provider never published, at once: refused, and at most one more fetch.
  const strangers = await Promise.all(Array.from({ length: 50 }, async (_, i) => token(await newKey(`forged-${i}`), { role: 'isa-officer', sub: `x${i}` })));
  const outcomes = await Promise.all(strangers.map((t) => verifyStaffToken(t, config).then(() => 'accepted', (err: { code?: string }) => err.code)));
  expect(new Set(outcomes)).toEqual(new Set(['INVALID_TOKEN']));
  expect(provider.fetches - fetchesBefore).toBeLessThanOrEqual(1);

  // The provider publishes k2 beside k1, then signs with it: accepted once the refetch pause has passed.
  provider.published = [k1, k2];
  const withK2 = await token(k2, { role: 'isa-officer', sub: 'officer-2' });
  const started = Date.now();
  let accepted = false;
  while (!accepted && Date.now() - started < 15_000) {
    accepted = await verifyStaffToken(withK2, config).then(
      () => true,
      () => false,
    );
    if (!accepted) await new Promise((r) => setTimeout(r, 250));
  }
  expect(accepted).toBe(true);
  // Tokens of the old key keep working during the overlap.
  expect(await verifyStaffToken(await token(k1, { role: 'isa-officer', sub: 'officer-3' }), config)).toMatchObject({ sub: 'officer-3' });
});
