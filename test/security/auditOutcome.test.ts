import { startStack, type Stack } from '../harness';
import { persona } from '../personas';
import { jsonHeaders, send } from './requests';

/**
 * A reader who wants a read not to look like one: the person asked for together with a bad number, or in a batch
 * with one, in the hope that the error of the other lookup marks the read itself as failed in the log (the history
 * a resident sees, and an auditor's search for reads). A person whose data an authority answered with is logged
 * `ok` there, whatever else in the request failed.
 */

let stack: Stack;
let officer: string;
const target = persona('specific_card');
/** Twelve digits whose check digit is wrong: refused with INVALID_MY_NUMBER_CHECK_DIGIT. */
const BAD_CHECK_DIGIT = '621498320258';

beforeAll(async () => {
  stack = await startStack({ persons: 10 });
  officer = await stack.token('isa-officer');
});
afterAll(() => stack?.stop());

/** Sends `query` under a request id of its own (one the gateway takes as it is: checked); every authority's rows of that request, in order. */
async function asked(requestId: string, query: string) {
  const answer = await send(stack.gatewayUrl, { headers: jsonHeaders(officer, { 'x-request-id': requestId }), body: JSON.stringify({ query }) });
  expect(answer.headers.get('x-request-id')).toBe(requestId);
  const rows: Array<{ provider: string; subject: string; outcome: string }> = [];
  for (const authority of ['immigration', 'mynumber', 'registry'] as const) {
    rows.push(...(await stack.dbs[authority].query(`SELECT provider, subject, outcome FROM access_log WHERE request_id = $1 ORDER BY id`, [requestId])));
  }
  return { answer, rows };
}

const TWO_LOOKUPS = `{
  a: person(myNumber: "${target.myNumber}") { resident { familyName } immigration { nationality { code } } }
  b: person(myNumber: "${BAD_CHECK_DIGIT}") { resident { familyName } }
}`;
const BATCH = `{ persons(myNumbers: ["${target.myNumber}", "${BAD_CHECK_DIGIT}"]) { resident { familyName } immigration { nationality { code } } } }`;

test('the person asked for beside a bad number: the answer carries the person, and every authority logs a read', async () => {
  const { answer, rows } = await asked('audit-outcome-two-lookups', TWO_LOOKUPS);
  expect(answer.body?.errors?.map((e) => e.extensions?.code)).toEqual(['INVALID_MY_NUMBER_CHECK_DIGIT']);
  expect((answer.body?.data as { a: { resident: { familyName: string } } }).a.resident.familyName).toEqual(expect.any(String));
  // Before, J-LIS logged this read `error`: any error in its answer marked every person of the request failed.
  expect(rows).toEqual(['immigration', 'mynumber', 'registry'].map((provider) => ({ provider, subject: target.myNumber, outcome: 'ok' })));
});

test('a batch with a bad number: refused as a whole before anyone is looked up, so nothing is answered or logged', async () => {
  const { answer, rows } = await asked('audit-outcome-batch', BATCH);
  expect(answer.body?.data ?? null).toBeNull();
  expect(answer.body?.errors?.map((e) => e.extensions?.code)).toEqual(['INVALID_MY_NUMBER_CHECK_DIGIT']);
  expect(rows).toEqual([]);
});
