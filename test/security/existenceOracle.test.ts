import { startStack, TEST_TODAY, type Stack } from '../harness';

/**
 * A clerk's valid account used as a probe: mutations on another municipality's resident, with arguments chosen to
 * make the checks answer differently (dates before and after the resident's move-in, blank addresses, unknown
 * municipalities). Every answer must be the one an unknown My Number gets, so no probe tells whether the person
 * exists, let alone when they moved in. Every attempt is logged at the authority asked, with its outcome, also
 * when the command's transaction rolled back.
 */

let stack: Stack;
let A: string;
let victim: string;
let victimSince: string;
const UNKNOWN = '123456789018';

beforeAll(async () => {
  stack = await startStack({ persons: 300 });
  const [top] = await stack.dbs.registry.query(
    `SELECT municipality_code AS m FROM resident WHERE removed_on IS NULL GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 1`,
  );
  A = top.m;
  const [row] = await stack.dbs.registry.query(
    `SELECT r.my_number AS n, (SELECT max(moved_in_on) FROM address a WHERE a.resident_id = r.id)::text AS since
     FROM resident r WHERE r.removed_on IS NULL AND r.municipality_code <> $1 ORDER BY r.id LIMIT 1`,
    [A],
  );
  victim = row.n;
  victimSince = row.since;
});
afterAll(() => stack?.stop());

/** Argument variations an attacker would try, per mutation a municipal clerk may call. */
function probes(): Array<{ name: string; query: string; variables: Record<string, unknown>; purpose: string }> {
  const dayBefore = new Date(Date.parse(victimSince) - 86_400_000).toISOString().slice(0, 10);
  const dates = ['1900-01-01', dayBefore, victimSince, TEST_TODAY, '2999-12-31'];
  const out: Array<{ name: string; query: string; variables: Record<string, unknown>; purpose: string }> = [];
  for (const d of dates) {
    for (const line of ['1-1', '']) {
      out.push({
        name: `changeAddress ${d} "${line}"`,
        query: `mutation ($n: ID!, $m: String!, $l: String!, $d: Date!) { changeAddress(myNumber: $n, municipalityCode: $m, addressLine: $l, movedOn: $d) { myNumber } }`,
        variables: { m: A, l: line, d },
        purpose: 'resident-registration',
      });
      out.push({
        name: `recordMoveIn ${d} "${line}"`,
        query: `mutation ($n: ID!, $m: String!, $l: String!, $d: Date!) { recordMoveIn(myNumber: $n, municipalityCode: $m, addressLine: $l, movedInOn: $d) { myNumber } }`,
        variables: { m: A, l: line, d },
        purpose: 'resident-registration',
      });
    }
    for (const destination of ['131016', '999999']) {
      out.push({
        name: `recordMoveOut ${d} to ${destination}`,
        query: `mutation ($n: ID!, $m: String!, $d: Date!) { recordMoveOut(myNumber: $n, destinationMunicipalityCode: $m, movedOutOn: $d) { myNumber } }`,
        variables: { m: destination, d },
        purpose: 'resident-registration',
      });
    }
    out.push({
      name: `removeResident ${d}`,
      query: `mutation ($n: ID!, $d: Date!) { removeResident(myNumber: $n, reason: LEFT_JAPAN, removedOn: $d) { myNumber } }`,
      variables: { d },
      purpose: 'resident-registration',
    });
  }
  for (const m of ['issueMyNumberCard', 'returnMyNumberFunction', 'suspendCertificates', 'resumeCertificates']) {
    out.push({ name: m, query: `mutation ($n: ID!) { ${m}(myNumber: $n) { myNumber } }`, variables: {}, purpose: 'my-number-card-issuance' });
  }
  return out;
}

async function send(token: string, query: string, variables: Record<string, unknown>) {
  const res = await fetch(stack.gatewayUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query, variables }),
  });
  return { status: res.status, requestId: res.headers.get('x-request-id')!, text: await res.text() };
}

test("every probe on another municipality's resident answers exactly as for an unknown My Number", async () => {
  const all = probes();
  expect(all.length).toBe(39); // 5 dates x (2 moves x 2 lines + 2 move-outs + 1 removal) + 4 card commands
  const differing: string[] = [];
  for (const probe of all) {
    const clerk = await stack.token('municipal-clerk', { municipality: A, purpose: probe.purpose });
    const onVictim = await send(clerk, probe.query, { ...probe.variables, n: victim });
    const onUnknown = await send(clerk, probe.query, { ...probe.variables, n: UNKNOWN });
    if (onVictim.status !== onUnknown.status || onVictim.text !== onUnknown.text) differing.push(`${probe.name}: ${onVictim.text} / ${onUnknown.text}`);
  }
  expect(differing).toEqual([]);
});

test('checks that do not depend on the person come first, for everyone: a blank address is refused before any lookup', async () => {
  const clerk = await stack.token('municipal-clerk', { municipality: A });
  const [own] = await stack.dbs.registry.query(`SELECT my_number AS n FROM resident WHERE municipality_code = $1 AND removed_on IS NULL LIMIT 1`, [A]);
  const query = `mutation ($n: ID!, $m: String!) { changeAddress(myNumber: $n, municipalityCode: $m, addressLine: " ", movedOn: "1900-01-01") { myNumber } }`;
  const codes = [];
  for (const n of [own.n, victim, UNKNOWN]) {
    codes.push(JSON.parse((await send(clerk, query, { n, m: A })).text).errors[0].extensions.code);
  }
  expect(codes).toEqual(['INVALID_NAME_OR_ADDRESS', 'INVALID_NAME_OR_ADDRESS', 'INVALID_NAME_OR_ADDRESS']);
});

test('every attempt is logged with its outcome, also when the transaction rolled back', async () => {
  const clerk = await stack.token('municipal-clerk', { municipality: A });
  const [own] = await stack.dbs.registry.query(`SELECT my_number AS n FROM resident WHERE municipality_code = $1 AND removed_on IS NULL LIMIT 1`, [A]);
  const move = `mutation ($n: ID!, $m: String!, $d: Date!) { changeAddress(myNumber: $n, municipalityCode: $m, addressLine: "9-9", movedOn: $d) { myNumber } }`;
  const attempts = [
    { n: own.n, d: '1900-01-01', outcome: 'rejected:INVALID_DATE', subject: own.n }, // failed inside the transaction
    { n: victim, d: TEST_TODAY, outcome: 'not_visible', subject: victim },
    { n: UNKNOWN, d: TEST_TODAY, outcome: 'not_found', subject: UNKNOWN },
    { n: '12345', d: TEST_TODAY, outcome: 'rejected:INVALID_MY_NUMBER_FORMAT', subject: null },
    { n: own.n, d: TEST_TODAY, outcome: 'ok', subject: own.n },
  ];
  for (const a of attempts) {
    const answer = await send(clerk, move, { n: a.n, m: A, d: a.d });
    const rows = await stack.dbs.registry.query(`SELECT subject, action, outcome, role, agency FROM access_log WHERE request_id = $1`, [answer.requestId]);
    expect(rows).toEqual([{ subject: a.subject, action: 'changeAddress', outcome: a.outcome, role: 'municipal-clerk', agency: expect.any(String) }]);
  }
  const analyst = await stack.token('analyst');
  const refused = await send(analyst, move, { n: victim, m: A, d: TEST_TODAY });
  expect(await stack.dbs.registry.query(`SELECT subject, outcome FROM access_log WHERE request_id = $1`, [refused.requestId])).toEqual([
    { subject: victim, outcome: 'refused' },
  ]);
});
