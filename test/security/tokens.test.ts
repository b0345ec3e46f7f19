import { decodeJwt, SignJWT } from 'jose';
import { DEFAULT_AUDIENCE, DEFAULT_ISSUER, staffTokenConfig } from '../../gateway/config';
import { keysDir, loadOrCreateKeyPair } from '../../runtime/keys';
import { startStack, type Stack } from '../harness';
import { persona } from '../personas';

/**
 * Staff tokens signed with the genuine issuer key (as a compromised or careless identity provider, or a leaked
 * signing key, would sign them) that the gateway must still refuse: issued for too long, with no or a future
 * issue time, or for a role no staff identity provider may give.
 */

let stack: Stack;
beforeAll(async () => {
  stack = await startStack({ persons: 20 });
});
afterAll(() => stack?.stop());

const HOUR = 3600;
const PERSON = 'query ($n: ID!) { person(myNumber: $n) { myNumber } }';
const myNumber = () => persona('specific_card').myNumber!;
const now = () => Math.floor(Date.now() / 1000);

/** Signs an officer's token with the stack's development issuer key, as `issueDevToken` does, with the given times. */
async function signed(times: { iat?: number; exp: number }, claims: Record<string, string> = { role: 'isa-officer' }): Promise<string> {
  const { privateKey, kid } = await loadOrCreateKeyPair(keysDir(stack.dataDir), 'issuer');
  const jwt = new SignJWT(claims)
    .setProtectedHeader({ alg: 'EdDSA', kid })
    .setIssuer(DEFAULT_ISSUER)
    .setAudience(DEFAULT_AUDIENCE)
    .setSubject('mallory')
    .setExpirationTime(times.exp);
  if (times.iat !== undefined) jwt.setIssuedAt(times.iat);
  return jwt.sign(privateKey);
}

async function ask(token: string) {
  const { status, body } = await stack.query(token, PERSON, { n: myNumber() });
  return { status, code: body.errors?.[0]?.extensions?.code, data: body.data };
}

describe('the lifetime of a staff token', () => {
  test.each([
    ['valid for 100 years', () => ({ iat: now(), exp: now() + 100 * 365 * 24 * HOUR })],
    ['valid for 12 hours and a second', () => ({ iat: now() - HOUR, exp: now() - HOUR + 12 * HOUR + 1 })],
    ['without an issue time', () => ({ exp: now() + HOUR })],
    ['issued an hour from now', () => ({ iat: now() + HOUR, exp: now() + 2 * HOUR })],
  ])('a token %s: 401 INVALID_TOKEN', async (_name, times) => {
    expect(await ask(await signed(times()))).toEqual({ status: 401, code: 'INVALID_TOKEN', data: undefined });
  });

  test.each([
    ['valid for exactly 12 hours', () => ({ iat: now() - HOUR, exp: now() - HOUR + 12 * HOUR })],
    ['issued 30 s from now (clock skew)', () => ({ iat: now() + 30, exp: now() + HOUR })],
  ])('a token %s is accepted', async (_name, times) => {
    expect(await ask(await signed(times()))).toEqual({ status: 200, code: undefined, data: { person: { myNumber: myNumber() } } });
  });

  test('the development token command issues tokens that pass: 8 hours (a second less across a clock tick), issue time set', async () => {
    const token = await stack.token('isa-officer');
    const { iat, exp } = decodeJwt(token);
    expect([8 * HOUR - 1, 8 * HOUR]).toContain(exp! - iat!);
    expect(await ask(token)).toEqual({ status: 200, code: undefined, data: { person: { myNumber: myNumber() } } });
  });

  test('the maximum is configured by AUTH_MAX_TOKEN_LIFETIME_SECONDS, default 12 hours', async () => {
    expect((await staffTokenConfig({ DATA_DIR: stack.dataDir })).maxLifetimeSeconds).toBe(12 * HOUR);
    expect((await staffTokenConfig({ DATA_DIR: stack.dataDir, AUTH_MAX_TOKEN_LIFETIME_SECONDS: '3600' })).maxLifetimeSeconds).toBe(HOUR);
    await expect(staffTokenConfig({ DATA_DIR: stack.dataDir, AUTH_MAX_TOKEN_LIFETIME_SECONDS: '0' })).rejects.toThrow(
      'AUTH_MAX_TOKEN_LIFETIME_SECONDS must be a positive integer, not "0"',
    );
  });
});

describe('the role of a staff token', () => {
  test('partner, which only API keys carry: 403 UNKNOWN_ROLE', async () => {
    expect(await ask(await signed({ iat: now(), exp: now() + HOUR }, { role: 'partner' }))).toEqual({ status: 403, code: 'UNKNOWN_ROLE', data: undefined });
  });

  test.each(['isa-officer', 'jlis-operator'])('%s, a staff role: accepted', async (role) => {
    expect(await ask(await signed({ iat: now(), exp: now() + HOUR }, { role }))).toMatchObject({ status: 200, code: undefined });
  });
});
