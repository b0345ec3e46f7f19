/**
 * Cards as the law issues them, through the gateway: a reissue and every permission that changes what the card
 * shows deliver a new card under a new number, valid by the rules on the day of the new issue (入管法 19条の5,
 * 19条の12, 20条4項, 21条4項, 22条3項). Expected dates are written by hand from the statute; today is TEST_TODAY
 * (2026-11-28), after the new formats began (2026-06-14).
 */
import { databaseKind, startStack, TEST_TODAY, type Stack } from '../harness';
import { eventually, persona } from '../personas';

const CARD = 'number kind status issuedOn validUntil supersededBy';
const RECORD = `query ($n: ID!) { person(myNumber: $n) {
  cardArrangement
  immigration { statusOfResidence stayExpiresOn permission { kind date } residenceCards { ${CARD} } }
  residenceCard { ${CARD} }
  myNumberCard { kind status statusReason validUntil carrierCardNumber }
  pendingChanges { event }
} }`;
const CARD_QUERY = `query ($c: String!) { residenceCard(number: $c) { ${CARD} } }`;
const REISSUE = `mutation ($c: String!) { reissueResidenceCard(number: $c) { ${CARD} } }`;
const RENEW = `mutation ($n: ID!, $d: Date!) { renewPeriodOfStay(myNumber: $n, newExpiry: $d) { stayExpiresOn residenceCard { ${CARD} } } }`;
const CHANGE = `mutation ($n: ID!, $s: StatusOfResidence!, $d: Date) {
  changeStatusOfResidence(myNumber: $n, status: $s, newExpiry: $d) { statusOfResidence stayExpiresOn residenceCard { ${CARD} } } }`;

interface Card {
  number: string;
  kind: string;
  status: string;
  issuedOn: string;
  validUntil: string | null;
  supersededBy: string | null;
}
interface Record {
  cardArrangement: string;
  immigration: { statusOfResidence: string; stayExpiresOn: string | null; permission: { kind: string; date: string }; residenceCards: Card[] };
  residenceCard: Card;
  myNumberCard: { kind: string; status: string; statusReason: string | null; validUntil: string; carrierCardNumber: string | null } | null;
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

/** The record once no change to the person is in flight any more. */
function settled(myNumber: string): Promise<Record> {
  return eventually(async () => {
    const { person } = await ask<{ person: Record }>(RECORD, { n: myNumber });
    return person.pendingChanges.length === 0 ? person : undefined;
  });
}

describe(`cards as the law issues them (${databaseKind})`, () => {
  test('item 2: a reissue applies the validity rules in force on the day of reissue', async () => {
    // A permanent resident's child born 2014-06-15, card issued 2022-05-01: valid to the 16th birthday, 2030-06-15
    // (the rule before 2023-11-01). Reissued now, the card ends the day before it, 2030-06-14.
    const db = stack.dbs.immigration;
    const [{ id }] = (await db.query(
      `INSERT INTO foreign_resident (resident_class, nationality, birth_date, sex, status_of_residence, work_restriction, resident_registered)
       VALUES ('MID_TO_LONG_TERM', 'CHN', '2014-06-15', 'FEMALE', 'PERMANENT_RESIDENT', 'NO_RESTRICTION', false) RETURNING id`,
    )) as Array<{ id: number }>;
    await db.query(
      `INSERT INTO residence_card (number, resident_id, kind, status, issued_on, valid_until)
       VALUES ('QQ20220501AA', $1, 'RESIDENCE_CARD_OLD_FORMAT', 'VALID', '2022-05-01', '2030-06-15')`,
      [id],
    );
    const { reissueResidenceCard: child } = await ask<{ reissueResidenceCard: Card }>(REISSUE, { c: 'QQ20220501AA' });
    expect(child).toMatchObject({ kind: 'RESIDENCE_CARD_NEW_FORMAT', status: 'VALID', issuedOn: TEST_TODAY, validUntil: '2030-06-14' });

    // An adult permanent resident's card issued 2021-08-20 (to 2028-08-19): reissued, 7 years counted from today.
    const adult = persona('permanent_resident').residenceCardNumber!;
    const { reissueResidenceCard: card } = await ask<{ reissueResidenceCard: Card }>(REISSUE, { c: adult });
    expect(card).toMatchObject({ kind: 'RESIDENCE_CARD_NEW_FORMAT', issuedOn: TEST_TODAY, validUntil: '2033-11-27' });
  });

  test('item 4: an extension issues a new-format card under a new number, valid to the new end', async () => {
    const p = persona('residence_card_only');
    const { renewPeriodOfStay } = await ask<{ renewPeriodOfStay: { stayExpiresOn: string; residenceCard: Card } }>(RENEW, {
      n: p.myNumber,
      d: '2028-03-15',
    });
    const card = renewPeriodOfStay.residenceCard;
    expect(card.number).not.toBe(p.residenceCardNumber);
    expect(card).toMatchObject({ kind: 'RESIDENCE_CARD_NEW_FORMAT', status: 'VALID', issuedOn: TEST_TODAY, validUntil: '2028-03-15' });
    const { residenceCard: old } = await ask<{ residenceCard: Card }>(CARD_QUERY, { c: p.residenceCardNumber });
    expect(old).toMatchObject({ status: 'SUPERSEDED', supersededBy: card.number, validUntil: '2027-03-15' });
    const after = await settled(p.myNumber!);
    expect(after.immigration.permission).toEqual({ kind: 'EXTENSION_OF_PERIOD_OF_STAY', date: TEST_TODAY });
    expect(after.cardArrangement).toBe('RESIDENCE_CARD_ONLY');
  });

  test('item 4: a specific card renewed is a new specific card, and J-LIS moves the function to it', async () => {
    const p = persona('specific_card');
    const { renewPeriodOfStay } = await ask<{ renewPeriodOfStay: { residenceCard: Card } }>(RENEW, { n: p.myNumber, d: '2031-03-31' });
    const card = renewPeriodOfStay.residenceCard;
    expect(card.number).not.toBe(p.residenceCardNumber);
    expect(card).toMatchObject({ kind: 'SPECIFIC_RESIDENCE_CARD', status: 'VALID', issuedOn: TEST_TODAY, validUntil: '2031-03-31' });
    const after = await settled(p.myNumber!);
    expect(after.cardArrangement).toBe('SPECIFIC_CARD');
    expect(after.myNumberCard).toEqual({
      kind: 'SPECIFIC_RESIDENCE_CARD',
      status: 'ACTIVE',
      statusReason: null,
      validUntil: '2031-03-31',
      carrierCardNumber: card.number,
    });
  });

  test('item 3: permanent residence issues a new card valid 7 years counted from the new issue', async () => {
    const p = persona('separate_cards');
    const { changeStatusOfResidence } = await ask<{ changeStatusOfResidence: { stayExpiresOn: string | null; residenceCard: Card } }>(
      CHANGE,
      { n: p.myNumber, s: 'PERMANENT_RESIDENT', d: null },
    );
    expect(changeStatusOfResidence.stayExpiresOn).toBeNull();
    const card = changeStatusOfResidence.residenceCard;
    expect(card.number).not.toBe(p.residenceCardNumber);
    expect(card).toMatchObject({ kind: 'RESIDENCE_CARD_NEW_FORMAT', status: 'VALID', issuedOn: TEST_TODAY, validUntil: '2033-11-27' });
    const after = await settled(p.myNumber!);
    expect(after.immigration.permission).toEqual({ kind: 'PERMANENT_RESIDENCE', date: TEST_TODAY });
    expect(after.immigration.residenceCards.map((c) => [c.number, c.status])).toEqual([
      [p.residenceCardNumber, 'SUPERSEDED'],
      [card.number, 'VALID'],
    ]);
    // (b) stays (b): the standalone My Number card is not carried by the residence card.
    expect(after.cardArrangement).toBe('SEPARATE_CARDS');
  });

  test('item 4: a change of status issues a new card valid to the new end', async () => {
    const p = persona('student_activity_outside_status');
    const { changeStatusOfResidence } = await ask<{ changeStatusOfResidence: { residenceCard: Card } }>(CHANGE, {
      n: p.myNumber,
      s: 'ENGINEER_HUMANITIES_INTERNATIONAL_SERVICES',
      d: '2031-11-28',
    });
    const card = changeStatusOfResidence.residenceCard;
    expect(card.number).not.toBe(p.residenceCardNumber);
    expect(card).toMatchObject({ kind: 'RESIDENCE_CARD_NEW_FORMAT', issuedOn: TEST_TODAY, validUntil: '2031-11-28' });
  });
});

describe(`item 5: every ISA command by residence card number too (${databaseKind})`, () => {
  const RENEW_BY_CARD = `mutation ($c: String!, $d: Date!) {
    renewPeriodOfStay(residenceCardNumber: $c, newExpiry: $d) { stayExpiresOn person { myNumber } residenceCard { ${CARD} } } }`;
  const CHANGE_BY_CARD = `mutation ($c: String!, $s: StatusOfResidence!, $d: Date) {
    changeStatusOfResidence(residenceCardNumber: $c, status: $s, newExpiry: $d) { statusOfResidence stayExpiresOn residenceCard { ${CARD} } } }`;
  const ISSUE_BY_CARD = `mutation ($c: String!) { issueSpecificResidenceCard(residenceCardNumber: $c) { ${CARD} } }`;
  const code = async (query: string, variables: { [k: string]: unknown }) =>
    (await stack.query(officer, query, variables)).body.errors?.[0]?.extensions?.code;

  test('a resident without a My Number is renewed by card number, then changes status by the new card', async () => {
    const p = persona('no_resident_record');
    expect(p.myNumber).toBeNull();
    const { renewPeriodOfStay } = await ask<{ renewPeriodOfStay: { stayExpiresOn: string; person: null; residenceCard: Card } }>(RENEW_BY_CARD, {
      c: p.residenceCardNumber,
      d: '2028-11-02',
    });
    expect(renewPeriodOfStay.stayExpiresOn).toBe('2028-11-02');
    expect(renewPeriodOfStay.person).toBeNull();
    const renewed = renewPeriodOfStay.residenceCard;
    expect(renewed.number).not.toBe(p.residenceCardNumber);
    expect(renewed).toMatchObject({ kind: 'RESIDENCE_CARD_NEW_FORMAT', status: 'VALID', issuedOn: TEST_TODAY, validUntil: '2028-11-02' });

    // The superseded card no longer acts for its holder.
    expect(await code(RENEW_BY_CARD, { c: p.residenceCardNumber, d: '2029-11-02' })).toBe('CARD_NOT_IN_FORCE');

    const { changeStatusOfResidence } = await ask<{ changeStatusOfResidence: { statusOfResidence: string; residenceCard: Card } }>(CHANGE_BY_CARD, {
      c: renewed.number,
      s: 'BUSINESS_MANAGER',
      d: '2031-11-28',
    });
    expect(changeStatusOfResidence.statusOfResidence).toBe('BUSINESS_MANAGER');
    expect(changeStatusOfResidence.residenceCard).toMatchObject({ kind: 'RESIDENCE_CARD_NEW_FORMAT', validUntil: '2031-11-28' });
    expect(changeStatusOfResidence.residenceCard.number).not.toBe(renewed.number);
  });

  test('a specific card is issued by card number; J-LIS carries the function on it', async () => {
    const p = persona('technical_intern');
    const { issueSpecificResidenceCard: card } = await ask<{ issueSpecificResidenceCard: Card }>(ISSUE_BY_CARD, { c: p.residenceCardNumber });
    expect(card).toMatchObject({ kind: 'SPECIFIC_RESIDENCE_CARD', status: 'VALID', issuedOn: TEST_TODAY, validUntil: '2027-10-01' });
    const after = await settled(p.myNumber!);
    expect(after.cardArrangement).toBe('SPECIFIC_CARD');
    expect(after.myNumberCard).toMatchObject({ status: 'ACTIVE', carrierCardNumber: card.number, validUntil: '2027-10-01' });
  });

  test('exactly one identifier: neither or both is refused with one stable code; an unknown card is CARD_NOT_FOUND', async () => {
    const p = persona('child_under_16');
    const EITHER = `mutation ($n: ID, $c: String) { renewPeriodOfStay(myNumber: $n, residenceCardNumber: $c, newExpiry: "2030-05-01") { stayExpiresOn } }`;
    expect(await code(EITHER, {})).toBe('ONE_PERSON_IDENTIFIER_REQUIRED');
    expect(await code(EITHER, { n: p.myNumber, c: p.residenceCardNumber })).toBe('ONE_PERSON_IDENTIFIER_REQUIRED');
    expect(await code(`mutation { issueSpecificResidenceCard { number } }`, {})).toBe('ONE_PERSON_IDENTIFIER_REQUIRED');
    expect(await code(`mutation { changeStatusOfResidence(status: PERMANENT_RESIDENT) { stayExpiresOn } }`, {})).toBe(
      'ONE_PERSON_IDENTIFIER_REQUIRED',
    );
    expect(await code(EITHER, { c: 'ZZ00000000ZZ' })).toBe('CARD_NOT_FOUND');
    expect(await code(EITHER, { c: 'not a card' })).toBe('INVALID_RESIDENCE_CARD_NUMBER');
  });
});

describe(`a new card carries the My Number function only where the old one did (${databaseKind})`, () => {
  test('a function the holder returned does not come back with a reissued card', async () => {
    const p = persona('specific_special_permanent_resident');
    const operator = await stack.token('jlis-operator');
    const returned = await stack.query(operator, `mutation ($n: ID!) { returnMyNumberFunction(myNumber: $n) { myNumber } }`, { n: p.myNumber });
    expect(returned.body.errors).toBeUndefined();
    await settled(p.myNumber!);
    const { reissueResidenceCard: card } = await ask<{ reissueResidenceCard: Card }>(REISSUE, { c: p.residenceCardNumber });
    expect(card.kind).toBe('SPECIFIC_SPECIAL_PERMANENT_RESIDENT_CERTIFICATE');
    const after = await settled(p.myNumber!);
    expect(after.myNumberCard).toMatchObject({ status: 'REVOKED', statusReason: 'FUNCTION_RETURNED' });
    expect(after.myNumberCard!.carrierCardNumber).toBe(p.residenceCardNumber);
  });
});
