import { randomUUID } from 'node:crypto';
import { SignJWT, decodeJwt, decodeProtectedHeader } from 'jose';
import { RECONCILE_CARDS_PATH, RECONCILE_REPAIR_PATH, type IsaCardView, type JlisCardView } from '../../schema/internalPaths';
import type { Authority } from '../../runtime/authority';
import { eventsOptionsFor } from '../../subgraphs/kit/eventRoutes';
import { EVENTS_PATH } from '../../subgraphs/kit/events';
import { callInternal } from '../../subgraphs/kit/internalCall';
import { INTERNAL_SIGNATURE_HEADER, signInternalRequest } from '../../subgraphs/kit/internalSignature';
import { keysDir } from '../../runtime/keys';
import { startStack, type Stack } from '../harness';
import { eventually, persona } from '../personas';
import { send, type Answer } from './requests';
import { watchOutgoing, type Captured } from '../internalTraffic';

/**
 * Requests one authority signs for another's internal endpoints (`/internal/...`), captured on their way out of
 * this process as an attacker on the network would capture them, then sent again: to another endpoint, to the
 * same one, later, or altered. Each must be refused; and what an internal listing hands over is in the access
 * log of the authority that owns it.
 */

let stack: Stack;
let signingKey: Awaited<ReturnType<typeof eventsOptionsFor>>['signingKey'];
beforeAll(async () => {
  stack = await startStack({ persons: 40 });
  ({ signingKey } = await eventsOptionsFor('immigration', keysDir(stack.dataDir), {}, {}));
});
afterAll(() => stack?.stop());

const base = (authority: Authority) => stack.subgraphUrls[authority].replace('/graphql', '');

let stopWatching: (() => void) | undefined;

/**
 * Captures the next request this process sends to `path` on `authority` (a relay's delivery, an internal call).
 * `hold`: it never reaches the callee (the sender cannot connect), so its signature is still unused.
 */
function captureNext(authority: Authority, path: string, hold: boolean): Promise<Captured> {
  stopWatching?.();
  return new Promise((resolve) => {
    let done = false;
    stopWatching = watchOutgoing((request) => {
      if (done || request.origin !== base(authority) || request.path !== path) return 'send';
      done = true;
      resolve(request);
      return hold ? 'hold' : 'send';
    });
  });
}
afterEach(() => {
  stopWatching?.();
  stopWatching = undefined;
});

/** Sends a captured request to `authority` again, with any part changed. */
function replay(authority: Authority, captured: Captured, change: Partial<Captured> = {}): Promise<Answer> {
  const request = { ...captured, ...change };
  return send(base(authority) + request.path, { method: request.method, headers: request.headers, body: request.body });
}

const outcome = (answer: Answer) => ({ status: answer.status, code: answer.code ?? null });
const ACCEPTED = { status: 200, code: null };
const REFUSED = { status: 401, code: 'CALLER_SIGNATURE_INVALID' };

/** The ISA's reconciliation asking J-LIS for its first page of cards, captured (and held back when `hold`). */
async function capturedListing(hold: boolean): Promise<Captured> {
  const captured = captureNext('mynumber', RECONCILE_CARDS_PATH, hold);
  const call = callInternal('immigration', 'mynumber', base('mynumber'), RECONCILE_CARDS_PATH, { after: '' }, signingKey);
  if (hold) await expect(call).rejects.toThrow();
  else await call;
  return captured;
}

/** The captured request signed again by the ISA's own key, with its times moved by `shiftSeconds` and a new id. */
async function resigned(captured: Captured, shiftSeconds: number): Promise<Captured> {
  const token = captured.headers[INTERNAL_SIGNATURE_HEADER]!;
  const claims = decodeJwt(token);
  const moved = { ...claims, iat: claims.iat! + shiftSeconds, exp: claims.exp! + shiftSeconds, jti: randomUUID() };
  const signature = await new SignJWT(moved).setProtectedHeader({ ...decodeProtectedHeader(token), alg: 'EdDSA' }).sign(signingKey.privateKey);
  return { ...captured, headers: { ...captured.headers, [INTERNAL_SIGNATURE_HEADER]: signature } };
}

describe('a captured internal signature', () => {
  test("an event delivery from the ISA to J-LIS, replayed to J-LIS's reconcile listing: refused", async () => {
    const delivery = captureNext('mynumber', EVENTS_PATH, false);
    const officer = await stack.token('isa-officer');
    const card = persona('specific_card').residenceCardNumber;
    const { body } = await stack.query(officer, `mutation ($c: String!) { reportResidenceCardLost(number: $c) { number } }`, { c: card });
    expect(body.errors).toBeUndefined();
    const captured = await delivery;
    const { eventId } = JSON.parse(captured.body) as { eventId: string };
    await eventually(async () => {
      const [row] = await stack.dbs.immigration.query(`SELECT delivered_at FROM outbox WHERE event_id = $1`, [eventId]);
      return row?.delivered_at;
    });

    const listed = await replay('mynumber', captured, { path: RECONCILE_CARDS_PATH });
    expect(outcome(listed)).toEqual(REFUSED);
    expect(listed.text).not.toContain('carrierCardNumber');

    // And to the inbox it was made for, a second time.
    expect(outcome(await replay('mynumber', captured))).toEqual({ status: 401, code: 'EVENT_SIGNATURE_INVALID' });
  });

  test('a reconcile listing call, replayed to the same path: refused the second time', async () => {
    const captured = await capturedListing(false);
    expect(outcome(await replay('mynumber', captured))).toEqual(REFUSED);
  });

  test('altered in its method, path or body, or sent to another authority: refused; the unaltered request is then accepted once', async () => {
    const captured = await capturedListing(true);
    expect(outcome(await replay('immigration', captured))).toEqual(REFUSED);
    expect(outcome(await replay('mynumber', captured, { method: 'PUT' }))).toEqual(REFUSED);
    expect(outcome(await replay('mynumber', captured, { path: `${RECONCILE_CARDS_PATH}?after=` }))).toEqual(REFUSED);
    expect(outcome(await replay('mynumber', captured, { body: JSON.stringify({ after: 'Z' }) }))).toEqual(REFUSED);
    expect(outcome(await replay('mynumber', captured))).toEqual(ACCEPTED);
    expect(outcome(await replay('mynumber', captured))).toEqual(REFUSED);
  });

  test('signed longer ago than its life (60 s): refused', async () => {
    const captured = await capturedListing(true);
    // The same request signed now and signed two minutes ago, each with an id never used.
    expect(outcome(await replay('mynumber', await resigned(captured, 0)))).toEqual(ACCEPTED);
    expect(outcome(await replay('mynumber', await resigned(captured, -120)))).toEqual(REFUSED);
  });
});

describe('internal reads of personal data are in the access log', () => {
  /** The access-log rows an authority wrote for the ISA's system since row `after`. */
  async function rowsSince(authority: Authority, after: number) {
    return stack.dbs[authority].query(
      `SELECT subject, principal, role, agency, provider, purpose, action, outcome FROM access_log WHERE id > $1 AND principal = 'immigration' ORDER BY subject`,
      [after],
    ) as Promise<Array<Record<string, string>>>;
  }
  const lastRow = async (authority: Authority) => Number((await stack.dbs[authority].query(`SELECT coalesce(max(id), 0) AS id FROM access_log`))[0].id);
  const row = (provider: Authority, subject: string) => ({
    subject,
    principal: 'immigration',
    role: 'authority',
    agency: 'ISA',
    provider,
    purpose: 'reconciliation',
    action: 'read',
    outcome: 'ok',
  });

  /** The personas whose specific card the listings show. */
  const HOLDERS = () => ['specific_card', 'specific_special_permanent_resident', 'lost_specific_card'].map((s) => persona(s).myNumber!);

  test("J-LIS's reconcile listing: one row per person listed, naming the ISA", async () => {
    const after = await lastRow('mynumber');
    const { cards } = await callInternal<{ cards: JlisCardView[] }>('immigration', 'mynumber', base('mynumber'), RECONCILE_CARDS_PATH, { after: '' }, signingKey);
    const persons = [...new Set(cards.map((c) => c.myNumber))].sort();
    expect(persons).toEqual(expect.arrayContaining(HOLDERS()));
    expect(await rowsSince('mynumber', after)).toEqual(persons.map((p) => row('mynumber', p)));
  });

  test("the ISA's own reconcile listing: one row per person listed", async () => {
    const after = await lastRow('immigration');
    const { cards } = await callInternal<{ cards: IsaCardView[] }>('immigration', 'immigration', base('immigration'), RECONCILE_CARDS_PATH, { after: '' }, signingKey);
    const persons = [...new Set(cards.map((c) => c.myNumber ?? `card:${c.number}`))].sort();
    expect(persons).toEqual(expect.arrayContaining(HOLDERS()));
    expect(await rowsSince('immigration', after)).toEqual(persons.map((p) => row('immigration', p)));
  });

  test("the ISA's repair: only specific cards in force are sent again, J-LIS keeps a card it has, every card named is logged", async () => {
    // (The first test above reported specific_card's card lost.)
    const specific = persona('specific_card_renewed');
    const lost = persona('lost_specific_card');
    const returned = persona('returned_my_number_function');
    const plain = persona('residence_card_only');
    const unknown = 'ZZ99999999ZZ';
    const jlisCards = () =>
      stack.dbs.mynumber.query(`SELECT id, status, status_reason AS reason, carrier_card_number AS carrier FROM my_number_card WHERE my_number = $1 ORDER BY id`, [
        specific.myNumber,
      ]);
    const cardsBefore = await jlisCards();
    expect(cardsBefore.at(-1)).toMatchObject({ status: 'ACTIVE', carrier: specific.residenceCardNumber });
    const after = await lastRow('immigration');
    const outboxBefore = Number((await stack.dbs.immigration.query(`SELECT coalesce(max(id), 0) AS id FROM outbox`))[0].id);
    const { emitted } = await callInternal<{ emitted: number }>('immigration', 'immigration', base('immigration'), RECONCILE_REPAIR_PATH, {
      cards: [specific.residenceCardNumber, lost.residenceCardNumber, returned.residenceCardNumber, plain.residenceCardNumber, unknown, specific.residenceCardNumber],
    }, signingKey);
    // Written by hand: the specific card is issued again, the lost one reported lost again. The plain residence
    // card carries no My Number function, and the holder who returned the function keeps it ended: nothing may
    // tell J-LIS otherwise.
    expect(emitted).toBe(2);
    const sent = await stack.dbs.immigration.query(`SELECT type, payload->>'cardNumber' AS card FROM outbox WHERE id > $1`, [outboxBefore]);
    expect(sent.map((e: { type: string; card: string }) => `${e.type} ${e.card}`).sort()).toEqual(
      [`CardReportedLost ${lost.residenceCardNumber}`, `SpecificCardIssued ${specific.residenceCardNumber}`].sort(),
    );
    const rows = await stack.dbs.immigration.query(
      `SELECT subject, principal, role, purpose, action, outcome, items FROM access_log WHERE id > $1 ORDER BY id`,
      [after],
    );
    const logged = (subject: string, outcome: string, items: string[]) => ({ subject, principal: 'immigration', role: 'authority', purpose: 'reconciliation', action: 'repair', outcome, items });
    const leftAlone = ['ResidenceCard.kind', 'ResidenceCard.status', 'ResidenceCard.myNumberFunctionEndedOn', 'IsaCardView.myNumber'];
    expect(rows).toEqual([
      logged(specific.myNumber!, 'ok', ['SpecificCardIssued.myNumber', 'SpecificCardIssued.cardNumber', 'SpecificCardIssued.kind', 'SpecificCardIssued.issuedOn', 'SpecificCardIssued.validUntil', 'SpecificCardIssued.replacedCardNumber']),
      logged(lost.myNumber!, 'ok', ['CardReportedLost.myNumber', 'CardReportedLost.cardNumber', 'CardReportedLost.reportedOn']),
      logged(returned.myNumber!, 'not_repairable', leftAlone),
      logged(plain.myNumber!, 'not_repairable', leftAlone),
      logged(`card:${unknown}`, 'not_found', []),
    ]);
    // Once J-LIS has applied them: the card it already knew to carry the function is kept as it was, not revoked
    // and issued again with new certificates.
    await eventually(async () => {
      const [{ owed }] = await stack.dbs.immigration.query(`SELECT count(*)::int AS owed FROM outbox WHERE id > $1 AND delivered_at IS NULL`, [outboxBefore]);
      return owed === 0;
    });
    expect(await jlisCards()).toEqual(cardsBefore);
  });

  test("the repair asked by J-LIS's key, or sent again as captured: refused, nothing queued, nothing logged as a repair", async () => {
    const card = persona('specific_card_renewed').residenceCardNumber!;
    const queued = async () => Number((await stack.dbs.immigration.query(`SELECT count(*)::int AS n FROM outbox`))[0].n);
    const repairs = async () => Number((await stack.dbs.immigration.query(`SELECT count(*)::int AS n FROM access_log WHERE action = 'repair'`))[0].n);
    const before = { queued: await queued(), repairs: await repairs() };

    // J-LIS's own key, valid for its calls to the ISA: the repair is the ISA's own job, asked by no other authority.
    const { signingKey: jlisKey } = await eventsOptionsFor('mynumber', keysDir(stack.dataDir), {}, {});
    await expect(callInternal('mynumber', 'immigration', base('immigration'), RECONCILE_REPAIR_PATH, { cards: [card] }, jlisKey)).rejects.toMatchObject({
      extensions: expect.objectContaining({ code: 'FORBIDDEN' }),
    });
    expect({ queued: await queued(), repairs: await repairs() }).toEqual(before);

    // The ISA's own repair, captured on its way and sent again: the second time it is refused before anything is read.
    const capture = captureNext('immigration', RECONCILE_REPAIR_PATH, false);
    await callInternal('immigration', 'immigration', base('immigration'), RECONCILE_REPAIR_PATH, { cards: [card] }, signingKey);
    const captured = await capture;
    const once = { queued: await queued(), repairs: await repairs() };
    expect(once).toEqual({ queued: before.queued + 1, repairs: before.repairs + 1 });
    expect(outcome(await replay('immigration', captured))).toEqual(REFUSED);
    expect(outcome(await replay('immigration', captured, { body: JSON.stringify({ cards: [card, card] }) }))).toEqual(REFUSED);
    expect({ queued: await queued(), repairs: await repairs() }).toEqual(once);
  });

  test('the repair refuses anything but a list of card numbers', async () => {
    for (const cards of [undefined, 'AB12345678CD', [12], [['AB12345678CD']], Array.from({ length: 1001 }, () => 'AB12345678CD')]) {
      await expect(callInternal('immigration', 'immigration', base('immigration'), RECONCILE_REPAIR_PATH, { cards }, signingKey)).rejects.toMatchObject({
        extensions: expect.objectContaining({ code: 'BAD_REQUEST' }),
      });
    }
  });

  test('a My Number assigned to a municipality is in J-LIS\'s access log', async () => {
    const clerk = await stack.token('municipal-clerk', { municipality: '131041' });
    const after = await lastRow('mynumber');
    const { body } = await stack.query<{ registerResident: { myNumber: string } }>(
      clerk,
      `mutation { registerResident(input: { familyName: "Tran", givenName: "An", birthDate: "1990-01-01", sex: FEMALE,
         category: TEMPORARY_REFUGE, municipalityCode: "131041", addressLine: "1-2-3" }) { myNumber } }`,
    );
    expect(body.errors).toBeUndefined();
    const rows = await stack.dbs.mynumber.query(
      `SELECT subject, principal, role, agency, provider, purpose, action, outcome FROM access_log WHERE id > $1 ORDER BY id`,
      [after],
    );
    expect(rows).toEqual([
      { subject: body.data!.registerResident.myNumber, principal: 'registry', role: 'authority', agency: 'municipalities', provider: 'mynumber', purpose: 'my-number-assignment', action: 'assignMyNumber', outcome: 'ok' },
    ]);
    // Under the clerk's request id (then the call's own), as the registry's row of the registration: the two rows
    // can be put together.
    const [jlis] = await stack.dbs.mynumber.query(`SELECT split_part(request_id, '~', 1) AS id FROM access_log WHERE id > $1`, [after]);
    const registry = await stack.dbs.registry.query(`SELECT request_id AS id FROM access_log WHERE action = 'registerResident' AND subject = $1`, [
      body.data!.registerResident.myNumber,
    ]);
    expect(registry).toEqual([{ id: jlis.id }]);
  });
});

test("an event correctly signed by the ISA, of a type only the registry produces, changes nothing at J-LIS", async () => {
  // Where a resident lives decides which municipality's clerks act for their number at J-LIS: only the registry says.
  const myNumber = persona('specific_card').myNumber!;
  const home = async () => ((await stack.dbs.mynumber.query(`SELECT municipality_code AS m FROM my_number WHERE my_number = $1`, [myNumber])) as Array<{ m: string }>)[0]!.m;
  const before = await home();
  const elsewhere = before === '131016' ? '131041' : '131016';
  for (const type of ['ResidentMoved', 'ResidentRegistered']) {
    const body = JSON.stringify({
      eventId: randomUUID(),
      type,
      source: 'immigration',
      key: myNumber,
      occurredAt: new Date().toISOString(),
      payload: { myNumber, municipalityCode: elsewhere, movedOn: '2026-11-28', registeredOn: '2026-11-28', residenceCardNumber: null, category: 'MID_TO_LONG_TERM' },
    });
    const signature = await signInternalRequest({ method: 'POST', path: EVENTS_PATH, body }, 'immigration', 'mynumber', signingKey);
    const answer = await send(base('mynumber') + EVENTS_PATH, { headers: { 'content-type': 'application/json', [INTERNAL_SIGNATURE_HEADER]: signature }, body });
    expect(outcome(answer)).toEqual({ status: 403, code: 'EVENT_SOURCE_NOT_ALLOWED' });
  }
  expect(await home()).toBe(before);
  // A type every object inherits a member for is no type at all.
  for (const type of ['constructor', 'toString', '__proto__']) {
    const body = JSON.stringify({ eventId: randomUUID(), type, source: 'immigration', key: myNumber, occurredAt: new Date().toISOString(), payload: {} });
    const signature = await signInternalRequest({ method: 'POST', path: EVENTS_PATH, body }, 'immigration', 'mynumber', signingKey);
    const answer = await send(base('mynumber') + EVENTS_PATH, { headers: { 'content-type': 'application/json', [INTERNAL_SIGNATURE_HEADER]: signature }, body });
    expect(outcome(answer)).toEqual({ status: 422, code: 'UNKNOWN_EVENT_TYPE' });
  }
});
