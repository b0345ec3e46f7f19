/**
 * The special period (特例期間, 入管法 20条6項, 21条4項 applying it), through the gateway: an application filed by the last
 * day of the stay keeps the holder lawfully resident, and the card and its My Number function good, until the decision
 * or two months after the old end (民法 140条, 143条: counted from the day after the old end, ending the day before the
 * corresponding day). The suite's clock is fixed (TEST_TODAY, 2026-11-28), so an application is filed today on the
 * stay's last day, and the passing of time is then set up by moving the dates that were recorded back to the ones
 * written in each test; the rule's own vectors (stay to 2026-12-10, filed 2026-12-01, ...) are in
 * subgraphs/immigration/rules/specialPeriod.test.ts. Every expected date here is written by hand.
 */
import { startStack, TEST_TODAY, type Stack } from '../harness';
import { eventually, persona } from '../personas';

const APPLICATION = 'kind status filedOn oldStayExpiresOn specialPeriodLastDay decidedOn';
const RECORD = `query ($n: ID!) { person(myNumber: $n) {
  cardArrangement
  immigration { stayExpiresOn specialPeriodUntil stayApplication { ${APPLICATION} } }
  residenceCard { number status validUntil }
  myNumberCard { status validUntil carrierCardNumber functions { function status } }
  pendingChanges { event }
} }`;
const APPLY = `mutation ($c: String!) { applyForExtension(residenceCardNumber: $c) { specialPeriodUntil stayApplication { ${APPLICATION} } } }`;
const APPLY_BY_NUMBER = `mutation ($n: ID!, $k: PermissionKind!) { applyForExtension(myNumber: $n, kind: $k) { stayApplication { kind } } }`;
const REFUSE = `mutation ($n: ID!) { refuseExtension(myNumber: $n) { specialPeriodUntil stayApplication { status decidedOn } } }`;
const RENEW = `mutation ($c: String!, $d: Date!) { renewPeriodOfStay(residenceCardNumber: $c, newExpiry: $d) {
  stayExpiresOn specialPeriodUntil stayApplication { status decidedOn } residenceCard { number status validUntil } } }`;
const VERIFY = `query ($c: String!, $e: Date!) { verifyResidenceCard(number: $c, expiresOn: $e) { valid reason basis workPermission } }`;

interface Application {
  kind: string;
  status: string;
  filedOn: string;
  oldStayExpiresOn: string;
  specialPeriodLastDay: string;
  decidedOn: string | null;
}
interface Record {
  cardArrangement: string;
  immigration: { stayExpiresOn: string; specialPeriodUntil: string | null; stayApplication: Application | null };
  residenceCard: { number: string; status: string; validUntil: string };
  myNumberCard: { status: string; validUntil: string; carrierCardNumber: string | null; functions: Array<{ function: string; status: string }> } | null;
  pendingChanges: Array<{ event: string }>;
}

let stack: Stack;
let officer: string;

beforeAll(async () => {
  stack = await startStack({ persons: 0 });
  officer = await stack.token('isa-officer');
});
afterAll(() => stack?.stop());

async function ask<T>(query: string, variables: { [k: string]: unknown }): Promise<T> {
  const { body } = await stack.query(officer, query, variables);
  expect(body.errors).toBeUndefined();
  return body.data as T;
}

async function errorCode(query: string, variables: { [k: string]: unknown }): Promise<unknown> {
  const { body } = await stack.query(officer, query, variables);
  expect(body.data).toBeNull();
  return body.errors?.[0]?.extensions?.code;
}

/** The record once no change to the person is in flight any more. */
function settled(myNumber: string): Promise<Record> {
  return eventually(async () => {
    const { person } = await ask<{ person: Record }>(RECORD, { n: myNumber });
    return person.pendingChanges.length === 0 ? person : undefined;
  });
}

/** The stay, the card and the My Number function (where it follows the stay) end on `day`, as recorded. */
async function stayEnds(myNumber: string, card: string, day: string): Promise<void> {
  await stack.dbs.immigration.query(`UPDATE foreign_resident SET stay_expires_on = $2 WHERE my_number = $1`, [myNumber, day]);
  await stack.dbs.immigration.query(`UPDATE residence_card SET valid_until = $2 WHERE number = $1`, [card, day]);
  await stack.dbs.mynumber.query(`UPDATE my_number SET stay_expires_on = $2 WHERE my_number = $1`, [myNumber, day]);
  await stack.dbs.mynumber.query(
    `UPDATE card_function SET valid_until = $2 WHERE function = 'CARD_FUNCTION' AND card_id IN (SELECT id FROM my_number_card WHERE my_number = $1)`,
    [myNumber, day],
  );
  await stack.dbs.mynumber.query(`UPDATE my_number_card SET valid_until = $2 WHERE my_number = $1`, [myNumber, day]);
}

/**
 * Time passes: the application was filed on `filedOn` and the stay (and the card) ended on `oldEnd`; J-LIS holds the
 * function usable through the special period's last day, as the application's event left it.
 */
async function filedEarlier(myNumber: string, card: string, filedOn: string, oldEnd: string, lastDay: string): Promise<void> {
  const db = stack.dbs.immigration;
  await db.query(`UPDATE foreign_resident SET stay_expires_on = $2 WHERE my_number = $1`, [myNumber, oldEnd]);
  await db.query(`UPDATE residence_card SET valid_until = $2 WHERE number = $1`, [card, oldEnd]);
  await db.query(
    `UPDATE stay_application SET filed_on = $2, old_stay_expires_on = $3 WHERE resident_id = (SELECT id FROM foreign_resident WHERE my_number = $1)`,
    [myNumber, filedOn, oldEnd],
  );
  await stack.dbs.mynumber.query(`UPDATE my_number SET stay_expires_on = $2 WHERE my_number = $1`, [myNumber, oldEnd]);
  await stack.dbs.mynumber.query(
    `UPDATE card_function SET valid_until = $2 WHERE function = 'CARD_FUNCTION' AND card_id IN (SELECT id FROM my_number_card WHERE my_number = $1 AND status = 'ACTIVE')`,
    [myNumber, lastDay],
  );
  await stack.dbs.mynumber.query(`UPDATE my_number_card SET valid_until = $2 WHERE my_number = $1 AND status = 'ACTIVE'`, [myNumber, lastDay]);
}

/** The ISA's statistics: persons counted, and persons counted as (a). */
async function counted(): Promise<{ persons: number; specific: number }> {
  const [row] = await stack.dbs.immigration.query(
    `SELECT sum(persons)::int AS persons, (sum(persons) FILTER (WHERE arrangement = 'SPECIFIC_CARD'))::int AS specific FROM stats_count`,
  );
  return row;
}

test('filed on the last day of the stay; in the special period the holder, the card and the function stay good; a grant ends it', async () => {
  const p = persona('specific_card');
  const [n, card] = [p.myNumber!, p.residenceCardNumber!];
  await stayEnds(n, card, TEST_TODAY);
  const before = await counted();

  const { applyForExtension } = await ask<{ applyForExtension: { specialPeriodUntil: string | null; stayApplication: Application } }>(APPLY, { c: card });
  // Stay to 2026-11-28: counted from 11-29, two months end the day before 2027-01-29.
  expect(applyForExtension).toEqual({
    specialPeriodUntil: null, // the stay itself still runs today
    stayApplication: {
      kind: 'EXTENSION_OF_PERIOD_OF_STAY',
      status: 'PENDING',
      filedOn: TEST_TODAY,
      oldStayExpiresOn: TEST_TODAY,
      specialPeriodLastDay: '2027-01-28',
      decidedOn: null,
    },
  });
  // J-LIS keeps the function usable through the special period's last day.
  expect((await settled(n)).myNumberCard).toMatchObject({ status: 'ACTIVE', validUntil: '2027-01-28', carrierCardNumber: card });
  expect(await errorCode(APPLY, { c: card })).toBe('APPLICATION_ALREADY_PENDING');

  // As if filed 2026-10-15 with the stay to 2026-10-20: counted from 10-21, lawful through 2026-12-20; today is inside.
  await filedEarlier(n, card, '2026-10-15', '2026-10-20', '2026-12-20');
  const inside = await settled(n);
  expect(inside.immigration.specialPeriodUntil).toBe('2026-12-20');
  expect(inside.residenceCard).toEqual({ number: card, status: 'VALID', validUntil: '2026-10-20' });
  expect(inside.myNumberCard).toMatchObject({ status: 'ACTIVE', validUntil: '2026-12-20' });
  expect(inside.myNumberCard!.functions.find((f) => f.function === 'CARD_FUNCTION')!.status).toBe('ACTIVE');
  expect(inside.cardArrangement).toBe('SPECIFIC_CARD');
  // A partner presenting the card with its printed expiry learns it is good, and why.
  expect((await ask<{ verifyResidenceCard: unknown }>(VERIFY, { c: card, e: '2026-10-20' })).verifyResidenceCard).toEqual({
    valid: true,
    reason: null,
    basis: 'SPECIAL_PERIOD',
    workPermission: 'RESTRICTED_TO_STATUS',
  });
  // Statistics count the holder as before: a foreign resident with a specific card.
  expect(await counted()).toEqual(before);

  // The grant, in the special period: a new card, a new stay, and the special period ends today.
  const { renewPeriodOfStay } = await ask<{
    renewPeriodOfStay: { stayExpiresOn: string; specialPeriodUntil: string | null; stayApplication: Application; residenceCard: Record['residenceCard'] };
  }>(RENEW, { c: card, d: '2029-10-20' });
  expect(renewPeriodOfStay).toMatchObject({
    stayExpiresOn: '2029-10-20',
    specialPeriodUntil: null,
    stayApplication: { status: 'GRANTED', decidedOn: TEST_TODAY },
    residenceCard: { status: 'VALID', validUntil: '2029-10-20' },
  });
  const granted = await settled(n);
  expect(granted.myNumberCard).toMatchObject({ status: 'ACTIVE', validUntil: '2029-10-20', carrierCardNumber: renewPeriodOfStay.residenceCard.number });
  expect(granted.cardArrangement).toBe('SPECIFIC_CARD');
  expect(await counted()).toEqual(before);
});

test('a refusal in the special period ends it that day: the card is expired and the function ends the day before', async () => {
  const p = persona('separate_cards'); // a standalone My Number card that follows the stay
  const [n, card] = [p.myNumber!, p.residenceCardNumber!];
  await stayEnds(n, card, TEST_TODAY);
  await ask(APPLY, { c: card });
  expect((await settled(n)).myNumberCard).toMatchObject({ status: 'ACTIVE', validUntil: '2027-01-28' });
  await filedEarlier(n, card, '2026-10-15', '2026-10-20', '2026-12-20');
  expect((await settled(n)).cardArrangement).toBe('SEPARATE_CARDS');

  const { refuseExtension } = await ask<{ refuseExtension: unknown }>(REFUSE, { n });
  expect(refuseExtension).toEqual({ specialPeriodUntil: null, stayApplication: { status: 'REFUSED', decidedOn: TEST_TODAY } });
  const refused = await settled(n);
  expect(refused.residenceCard).toMatchObject({ status: 'EXPIRED', validUntil: '2026-10-20' });
  // J-LIS: usable through the day before the refusal, 2026-11-27, so expired today.
  expect(refused.myNumberCard).toMatchObject({ status: 'EXPIRED', validUntil: '2026-11-27' });
  expect(refused.cardArrangement).toBe('NONE');
  expect((await ask<{ verifyResidenceCard: unknown }>(VERIFY, { c: card, e: '2026-10-20' })).verifyResidenceCard).toEqual({
    valid: false,
    reason: 'EXPIRED',
    basis: null,
    workPermission: null,
  });
  expect(await errorCode(REFUSE, { n })).toBe('NO_PENDING_APPLICATION');
});

test('the special period lasts through its last day and not a day longer; none without an application in time', async () => {
  const p = persona('residence_card_only');
  const [n, card] = [p.myNumber!, p.residenceCardNumber!];
  await stayEnds(n, card, TEST_TODAY);
  await ask(APPLY, { c: card });
  await settled(n);

  // Stay to 2026-09-28: counted from 09-29, the last day is 2026-11-28, today.
  await filedEarlier(n, card, '2026-09-20', '2026-09-28', '2026-11-28');
  const lastDay = await settled(n);
  expect([lastDay.immigration.specialPeriodUntil, lastDay.residenceCard.status]).toEqual(['2026-11-28', 'VALID']);
  // Stay to 2026-09-27: the last day was 2026-11-27, yesterday.
  await filedEarlier(n, card, '2026-09-20', '2026-09-27', '2026-11-27');
  const after = await settled(n);
  expect([after.immigration.specialPeriodUntil, after.residenceCard.status, after.cardArrangement]).toEqual([null, 'EXPIRED', 'NONE']);
});

test('an application after the stay ended is refused with a stable code and records nothing; only these two kinds', async () => {
  const p = persona('technical_intern');
  const [n, card] = [p.myNumber!, p.residenceCardNumber!];
  await stayEnds(n, card, '2026-11-27');
  expect(await errorCode(APPLY, { c: card })).toBe('APPLICATION_AFTER_STAY_ENDED');
  expect(await errorCode(APPLY_BY_NUMBER, { n, k: 'PERMANENT_RESIDENCE' })).toBe('APPLICATION_KIND_NOT_APPLICABLE');
  expect(await stack.dbs.immigration.query(`SELECT count(*)::int AS n FROM stay_application a JOIN foreign_resident r ON r.id = a.resident_id WHERE r.my_number = $1`, [n])).toEqual([{ n: 0 }]);
  // A change of status filed in time is an application like an extension.
  await stayEnds(n, card, TEST_TODAY);
  expect(await ask(APPLY_BY_NUMBER, { n, k: 'CHANGE_OF_STATUS' })).toEqual({ applyForExtension: { stayApplication: { kind: 'CHANGE_OF_STATUS' } } });
});
