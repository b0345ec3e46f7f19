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
