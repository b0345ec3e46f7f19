import { startStack, type Stack } from '../harness';
import { persona } from '../personas';

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

/** Every authority's rows since `since` about the target or the bad number. */
async function outcomes(since: number): Promise<Array<{ provider: string; subject: string; outcome: string }>> {
  const rows: Array<{ provider: string; subject: string; outcome: string }> = [];
  for (const authority of ['immigration', 'mynumber', 'registry'] as const) {
    rows.push(
      ...(await stack.dbs[authority].query(
        `SELECT provider, subject, outcome FROM access_log WHERE subject = ANY($1) AND at >= to_timestamp($2 / 1000.0) ORDER BY id`,
        [[target.myNumber, BAD_CHECK_DIGIT], since],
      )),
    );
  }
  return rows;
}

const TWO_LOOKUPS = `{
  a: person(myNumber: "${target.myNumber}") { resident { familyName } immigration { nationality { code } } }
  b: person(myNumber: "${BAD_CHECK_DIGIT}") { resident { familyName } }
}`;
const BATCH = `{ persons(myNumbers: ["${target.myNumber}", "${BAD_CHECK_DIGIT}"]) { resident { familyName } immigration { nationality { code } } } }`;
const readEverywhere = ['immigration', 'mynumber', 'registry'].map((provider) => ({ provider, subject: target.myNumber, outcome: 'ok' }));

test('the person asked for beside a bad number: the answer carries the person, and every authority logs a read', async () => {
  const since = Date.now() - 1000;
  const answer = await stack.query<{ a: { resident: { familyName: string } } | null; b: null }>(officer, TWO_LOOKUPS);
  expect(answer.body.errors?.map((e) => e.extensions?.code)).toEqual(['INVALID_MY_NUMBER_CHECK_DIGIT']);
  expect(answer.body.data?.a?.resident.familyName).toEqual(expect.any(String));
  // Before, J-LIS logged this read `error`: any error in its answer marked every person of the request failed.
  expect(await outcomes(since)).toEqual(readEverywhere);
});

test('a batch with a bad number: nothing reaches the client, and what each authority handed over is logged as read', async () => {
  const since = Date.now() - 1000;
  const answer = await stack.query(officer, BATCH);
  expect(answer.body.data ?? null).toBeNull();
  expect(answer.body.errors?.map((e) => e.extensions?.code)).toEqual(['INVALID_MY_NUMBER_CHECK_DIGIT']);
  // Each authority answered the gateway with the person's data; the gateway dropped it. The log is the authority's
  // record of what it gave out, so it says `ok`, never less than what left.
  expect(await outcomes(since)).toEqual(readEverywhere);
});
