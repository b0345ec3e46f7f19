import { Writable } from 'node:stream';
import { pino } from 'pino';
import { errorMessage } from '../../gateway/i18n';
import type { ErrorCode } from '../../gateway/i18n/errorCodes';
import type { Language } from '../../schema/codes';
import { startStack, type Stack } from '../harness';
import { persona } from '../personas';

/**
 * Every way an error leaves the gateway speaks the caller's language (Accept-Language) and puts its code on the
 * request's log line: refused at the HTTP level, refused by Apollo Server before its request pipeline starts,
 * refused in the pipeline, and raised while a prepared operation runs.
 */

let stack: Stack;
let url: string;
const lines: Array<Record<string, unknown>> = [];

beforeAll(async () => {
  stack = await startStack({ persons: 20 });
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString('utf8').split('\n')) if (line) lines.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  // The prepared path on, whatever GATEWAY_PREPARED says: one test follows an error through it.
  url = await stack.startGateway({ logger: pino({ level: 'info', base: { service: 'gateway' } }, sink), preparedOperations: true });
});
afterAll(() => stack?.stop());

async function post(body: string, headers: Record<string, string>) {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
  const answer = (await res.json()) as { errors?: Array<{ message: string; extensions: { code: string } }> };
  const id = res.headers.get('x-request-id');
  // The access line is written when the response has finished.
  await new Promise((r) => setTimeout(r, 20));
  const line = lines.find((l) => l.msg === 'request' && l.requestId === id);
  return { status: res.status, errors: answer.errors ?? [], line };
}

/** The gateway's count of requests answered by the prepared path, from its /metrics (on its metrics listener). */
async function servedPrepared(): Promise<number> {
  const metrics = await (await fetch(stack.gatewayMetricsUrl(url))).text();
  return Number(/^gateway_prepared_requests_total(?:\{[^}]*\})? (\d+)$/m.exec(metrics)?.[1] ?? 0);
}

const auth = async (role: Parameters<Stack['token']>[0]) => ({ authorization: `Bearer ${await stack.token(role)}` });
const text = (code: ErrorCode, language: Language) => errorMessage(code, language);

test('refused at the HTTP level (no credentials): Vietnamese', async () => {
  const { status, errors, line } = await post(JSON.stringify({ query: '{ __typename }' }), { 'accept-language': 'vi' });
  expect(status).toBe(401);
  expect(errors.map((e) => [e.extensions.code, e.message])).toEqual([['UNAUTHENTICATED', text('UNAUTHENTICATED', 'vi')]]);
  expect(line).toMatchObject({ status: 401, codes: ['UNAUTHENTICATED'] });
});

test('refused before the request pipeline starts (a query that is not a string): Japanese', async () => {
  const { status, errors, line } = await post(JSON.stringify({ query: 5 }), { ...(await auth('isa-officer')), 'accept-language': 'ja' });
  expect(status).toBe(400);
  expect(errors.map((e) => [e.extensions.code, e.message])).toEqual([['BAD_REQUEST', text('BAD_REQUEST', 'ja')]]);
  expect(line).toMatchObject({ status: 400, codes: ['BAD_REQUEST'] });
});

test('the same refusal without Accept-Language: English', async () => {
  const { errors, line } = await post(JSON.stringify({ query: 5 }), await auth('isa-officer'));
  expect(errors.map((e) => e.message)).toEqual([text('BAD_REQUEST', 'en')]);
  expect(line).toMatchObject({ codes: ['BAD_REQUEST'] });
});

test('refused in the request pipeline (validation): Korean', async () => {
  const { status, errors, line } = await post(JSON.stringify({ query: '{ nope }' }), { ...(await auth('isa-officer')), 'accept-language': 'ko' });
  expect(status).toBe(400);
  expect(errors.map((e) => [e.extensions.code, e.message])).toEqual([['GRAPHQL_VALIDATION_FAILED', text('GRAPHQL_VALIDATION_FAILED', 'ko')]]);
  expect(line).toMatchObject({ status: 400, codes: ['GRAPHQL_VALIDATION_FAILED'] });
  expect(line?.kind).toBeUndefined();
});

test('raised while the operation runs, through the pipeline and then prepared: easy Japanese, operation and role logged', async () => {
  const query = 'query AuditView($n: ID!) { person(myNumber: $n) { resident { familyName } myNumberCard { status } } }';
  const body = JSON.stringify({ query, variables: { n: persona('specific_card').myNumber } });
  const headers = { ...(await auth('auditor')), 'accept-language': 'ja-x-easy' };
  const servedBefore = await servedPrepared();
  for (const path of ['pipeline', 'prepared']) {
    const { status, errors, line } = await post(body, headers);
    expect([path, status]).toEqual([path, 200]);
    expect(errors.map((e) => [e.extensions.code, e.message])).toEqual([
      ['FORBIDDEN', text('FORBIDDEN', 'ja-x-easy')],
      ['FORBIDDEN', text('FORBIDDEN', 'ja-x-easy')],
    ]);
    expect(line).toMatchObject({ status: 200, codes: ['FORBIDDEN'], kind: 'query', role: 'auditor', operation: 'AuditView' });
  }
  // The second was answered by the prepared path, not the pipeline.
  expect(await servedPrepared()).toBe(servedBefore + 1);
});
