import { mkdtempSync } from 'node:fs';
import type { IncomingMessage } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { PrincipalSigner } from '../../runtime/principal';
import { ApiKeyStore } from './apiKeys';
import { authenticate } from './authenticate';
import type { StaffTokenConfig } from './staffTokens';

/** A partner key that expires on 5 December works through that day in Japan, and not a minute after. */
const store = new ApiKeyStore(join(mkdtempSync(join(tmpdir(), 'authenticate-test-')), 'apikeys.json'));
const { key } = store.create({ partner: 'bank-1', scopes: ['card:verify'], ratePerMinute: 60, expiresOn: '2026-12-05' });
const options = { staffTokens: {} as StaffTokenConfig, signer: {} as PrincipalSigner, apiKeys: store };
const request = () => ({ headers: { 'x-api-key': key } }) as unknown as IncomingMessage;

afterEach(() => jest.useRealTimers());

test.each([
  ['2026-12-05T14:59:00Z', '23:59 on the 5th in Japan'],
  ['2026-12-04T23:00:00Z', '08:00 on the 5th in Japan'],
])('at %s (%s) the key is accepted', async (at) => {
  jest.useFakeTimers({ now: Date.parse(at) });
  await expect(authenticate(request(), options)).resolves.toMatchObject({ principal: { role: 'partner', agency: 'partner:bank-1' } });
});

test.each([
  ['2026-12-05T15:00:00Z', 'midnight on the 6th in Japan, still the 5th in UTC'],
  ['2026-12-05T20:00:00Z', '05:00 on the 6th in Japan'],
])('at %s (%s) the key has expired', async (at) => {
  jest.useFakeTimers({ now: Date.parse(at) });
  await expect(authenticate(request(), options)).rejects.toMatchObject({ status: 401, code: 'API_KEY_EXPIRED' });
});
