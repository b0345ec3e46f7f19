import { IncomingMessage } from 'node:http';
import { Socket } from 'node:net';
import { generateKeyPair } from 'jose';
import { PrincipalSigner, PrincipalVerifier, signPrincipal, verifyPrincipal, type PrincipalClaims } from './principal';

const officer: PrincipalClaims = { sub: 'officer-1', role: 'isa-officer', agency: 'ISA', purpose: 'residence-management' };

function request(headers: Record<string, string>): IncomingMessage {
  const req = new IncomingMessage(new Socket());
  req.headers = headers;
  return req;
}

describe('principals', () => {
  let keys: Awaited<ReturnType<typeof generateKeyPair>>;
  beforeAll(async () => {
    keys = await generateKeyPair('EdDSA', { crv: 'Ed25519' });
  });
  afterEach(() => jest.useRealTimers());

  test('a token signed with node:crypto verifies with jose, for its audience only', async () => {
    const token = await signPrincipal(officer, 'registry', keys.privateKey, 'k1');
    expect(JSON.parse(Buffer.from(token.split('.')[0]!, 'base64url').toString())).toEqual({ alg: 'EdDSA', kid: 'k1' });
    await expect(verifyPrincipal(token, 'registry', keys.publicKey)).resolves.toEqual({ ...officer, requestId: '' });
    await expect(verifyPrincipal(token, 'mynumber', keys.publicKey)).rejects.toThrow();
  });

  test('the signer reuses a caller\'s token for half its life, one per subgraph and per purpose', async () => {
    jest.useFakeTimers({ now: new Date('2026-11-28T10:00:00Z'), doNotFake: ['nextTick', 'setImmediate'] });
    const signer = new PrincipalSigner({ privateKey: keys.privateKey, kid: 'k1' });
    const first = signer.tokenFor(officer, 'registry');
    expect(signer.tokenFor({ ...officer }, 'registry')).toBe(first);
    expect(signer.tokenFor(officer, 'mynumber')).not.toBe(first);
    expect(signer.tokenFor({ ...officer, purpose: 'audit' }, 'registry')).not.toBe(first);
    jest.setSystemTime(new Date('2026-11-28T10:00:29Z'));
    expect(signer.tokenFor(officer, 'registry')).toBe(first);
    jest.setSystemTime(new Date('2026-11-28T10:00:30Z'));
    const second = signer.tokenFor(officer, 'registry');
    expect(second).not.toBe(first);
    const payload = JSON.parse(Buffer.from(second.split('.')[1]!, 'base64url').toString()) as Record<string, unknown>;
    expect(payload).toEqual({ ...officer, iss: 'residence-card-gateway', aud: 'registry', iat: 1795860030, exp: 1795860090 });
  });

  test('a subgraph takes the request id and start from beside the token, and refuses the token once expired', async () => {
    jest.useFakeTimers({ now: new Date('2026-11-28T10:00:00Z'), doNotFake: ['nextTick', 'setImmediate', 'queueMicrotask'] });
    const token = new PrincipalSigner({ privateKey: keys.privateKey, kid: 'k1' }).tokenFor(officer, 'registry');
    const verifier = new PrincipalVerifier('registry', keys.publicKey);
    const req = request({ 'x-request-id': 'counter-0042-abc', 'x-request-started-at': '1795860000000' });
    await expect(verifier.principalOf(token, req)).resolves.toEqual({ ...officer, requestId: 'counter-0042-abc', requestStartedAt: 1795860000000 });
    // Headers that are not a sane id or time are left out.
    await expect(verifier.principalOf(token, request({ 'x-request-id': '<script>', 'x-request-started-at': 'soon' }))).resolves.toEqual({
      ...officer,
      requestId: '',
    });
    jest.setSystemTime(new Date('2026-11-28T10:00:59.999Z'));
    await expect(verifier.principalOf(token, req)).resolves.toMatchObject({ sub: 'officer-1' });
    jest.setSystemTime(new Date('2026-11-28T10:01:00Z'));
    await expect(verifier.principalOf(token, req)).rejects.toThrow();
    await expect(new PrincipalVerifier('mynumber', keys.publicKey).principalOf(token, req)).rejects.toThrow();
  });

  test('a request id signed into the token wins over the header', async () => {
    const token = await signPrincipal({ ...officer, requestId: 'signed-request-1' }, 'registry', keys.privateKey, 'k1');
    const principal = await new PrincipalVerifier('registry', keys.publicKey).principalOf(token, request({ 'x-request-id': 'header-request-1' }));
    expect(principal.requestId).toBe('signed-request-1');
  });
});
