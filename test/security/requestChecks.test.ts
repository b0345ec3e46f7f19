import { Writable } from 'node:stream';
import { pino } from 'pino';
import { ApiKeyStore, apiKeysFile, RateLimiter } from '../../gateway/auth/apiKeys';
import { loadManifest } from '../../gateway/persisted/safelist';
import { requestChecks } from '../../gateway/requestChecks';
import { startStack, type Stack } from '../harness';
import { persona } from '../personas';

/**
 * The gateway's request checks are one list (gateway/requestChecks.ts) that the pipeline and the prepared path
 * both apply. For every check in the list, a request it refuses is sent after its operation has been prepared
 * (so the fast path meets it first): the refusal must be the pipeline's, and the fast path must not have answered
 * it. A check added to the list without a case here fails the first test.
 */

const manifest = loadManifest();
const operation = (name: string) => manifest.operations.find((op) => op.name === name)!;
const UNIFIED = operation('CounterUnifiedRecord');
const VERIFY = operation('PartnerVerifyResidenceCard');

let stack: Stack;
/** Safelist enforced, as in production. */
let enforced: string;
/** Safelist off: any valid operation runs, so the partner rules are the ones that refuse. */
let open: string;
let partnerKey: string;
const lines: Array<Record<string, unknown>> = [];

beforeAll(async () => {
  stack = await startStack({ persons: 20 });
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString('utf8').split('\n')) if (line) lines.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  const logger = pino({ level: 'info', base: { service: 'gateway' } }, sink);
  enforced = await stack.startGateway({ safelist: { mode: 'enforce', manifest }, preparedOperations: true, logger });
  open = await stack.startGateway({ safelist: { mode: 'off', manifest }, preparedOperations: true, logger, limiter: new RateLimiter() });
  ({ key: partnerKey } = new ApiKeyStore(apiKeysFile({ DATA_DIR: stack.dataDir })).create({
    partner: 'Request checks test',
    scopes: ['card:verify'],
    ratePerMinute: 2,
    expiresOn: null,
  }));
});
afterAll(() => stack?.stop());

/** Requests the gateway at `url` answered from the prepared path, from its /metrics. */
async function servedPrepared(url: string): Promise<number> {
  const metrics = await (await fetch(stack.gatewayMetricsUrl(url))).text();
  return Number(/^gateway_prepared_requests_total(?:\{[^}]*\})? (\d+)$/m.exec(metrics)?.[1] ?? 0);
}

async function post(url: string, headers: Record<string, string>, body: unknown) {
  const before = await servedPrepared(url);
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
  const answer = (await res.json()) as { data?: unknown; errors?: Array<{ extensions: { code: string } }> };
  const id = res.headers.get('x-request-id');
  // The access line is written when the response has finished.
  await new Promise((r) => setTimeout(r, 20));
  const line = lines.find((l) => l.msg === 'request' && l.requestId === id);
  return {
    status: res.status,
    codes: (answer.errors ?? []).map((e) => e.extensions.code),
    retryAfter: res.headers.get('retry-after'),
    prepared: (await servedPrepared(url)) - before,
    line,
  };
}

const bearer = async (...args: Parameters<Stack['token']>) => ({ authorization: `Bearer ${await stack.token(...args)}` });
const unified = (myNumber: string) => ({ query: UNIFIED.body, variables: { myNumber } });
const verify = { query: VERIFY.body, variables: { number: 'AB12345678CD', expiresOn: '2030-01-01' } };
const logged = (line: Record<string, unknown> | undefined) => line && { kind: line.kind, role: line.role, client: line.client, persisted: line.persisted, operation: line.operation };

/** One case per check of the list, by its name: each prepares an operation, then sends what the check refuses. */
const CASES: Record<string, () => Promise<void>> = {
  'log line': async () => {
    const headers = await bearer('isa-officer');
    const first = await post(enforced, headers, unified(persona('specific_card').myNumber!));
    const second = await post(enforced, headers, unified(persona('specific_card').myNumber!));
    expect([first.prepared, second.prepared]).toEqual([0, 1]);
    const expected = { kind: 'query', role: 'isa-officer', client: 'staff', persisted: true, operation: 'CounterUnifiedRecord' };
    expect(logged(first.line)).toEqual(expected);
    expect(logged(second.line)).toEqual(expected);
  },
  'storable text': async () => {
    const headers = await bearer('isa-officer');
    expect((await post(enforced, headers, unified(persona('specific_card').myNumber!))).status).toBe(200);
    // A NUL in a variable: the operation is prepared and the variable coerces (an ID is any string).
    const refused = await post(enforced, headers, unified('6214\u00009832'));
    expect(refused).toMatchObject({ status: 400, codes: ['BAD_USER_INPUT'], prepared: 0 });
  },
  safelist: async () => {
    // Prepared by a partner, for whom it is approved; then asked by staff, for whom it is not.
    expect((await post(enforced, { 'x-api-key': partnerKey }, verify)).status).toBe(200);
    const refused = await post(enforced, await bearer('isa-officer'), verify);
    expect(refused).toMatchObject({ status: 400, codes: ['PERSISTED_QUERY_NOT_IN_LIST'], prepared: 0 });
  },
  'partner fields and rate limit': async () => {
    // Fields: prepared by an officer, then asked with an API key.
    const lookup = { query: 'query ($n: ID!) { person(myNumber: $n) { myNumber } }', variables: { n: persona('specific_card').myNumber } };
    expect((await post(open, await bearer('isa-officer'), lookup)).status).toBe(200);
    expect(await post(open, { 'x-api-key': partnerKey }, lookup)).toMatchObject({ status: 403, codes: ['FORBIDDEN'], prepared: 0 });
    // Rate limit (2 a minute on this gateway's limiter): the second check is answered prepared, the third refused.
    const answers = [await post(open, { 'x-api-key': partnerKey }, verify), await post(open, { 'x-api-key': partnerKey }, verify), await post(open, { 'x-api-key': partnerKey }, verify)];
    expect(answers.map((a) => [a.status, a.prepared])).toEqual([
      [200, 0],
      [200, 1],
      [429, 0],
    ]);
    expect(answers[2]!.codes).toEqual(['RATE_LIMITED']);
    expect(Number(answers[2]!.retryAfter)).toBeGreaterThan(0);
  },
};

test('every check of the list has a case here', () => {
  const names = requestChecks({ manifest, safelist: 'enforce', limiter: new RateLimiter() }).map((check) => check.name);
  expect(names.sort()).toEqual(Object.keys(CASES).sort());
});

test.each(Object.keys(CASES))('%s: applied on the prepared path as in the pipeline', async (name) => {
  await CASES[name]!();
});
