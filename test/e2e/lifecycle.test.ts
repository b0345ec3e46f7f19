import { databaseKind, startStack, type Stack } from '../harness';
import { eventually, persona } from '../personas';

const RECORD = `query ($n: ID!) { person(myNumber: $n) {
  myNumber cardArrangement
  residenceCard { number kind status lossReportedOn validUntil supersededBy myNumberFunctionEndedOn myNumberFunctionEndReason }
  immigration { stayExpiresOn statusOfResidence residenceCards { number status } specificCardEligibility { eligibility reason } }
  myNumberCard { kind status statusReason validUntil carrierCardNumber functions { function status validUntil } }
  resident { municipality { code } address { line } addressHistory { line } removedOn }
  pendingChanges { event from to parked }
} }`;

type Card = { number: string; kind: string; status: string; lossReportedOn: string | null; validUntil: string | null; supersededBy: string | null; myNumberFunctionEndedOn: string | null; myNumberFunctionEndReason: string | null };
type MyNumberCard = { kind: string; status: string; statusReason: string | null; validUntil: string; carrierCardNumber: string | null; functions: Array<{ function: string; status: string; validUntil: string | null }> };
interface Record {
  myNumber: string;
  cardArrangement: string;
  residenceCard: Card | null;
  immigration: { stayExpiresOn: string | null; statusOfResidence: string | null; residenceCards: Array<{ number: string; status: string }>; specificCardEligibility: { eligibility: string; reason: string } } | null;
  myNumberCard: MyNumberCard | null;
  resident: { municipality: { code: string }; address: { line: string } | null; addressHistory: Array<{ line: string }>; removedOn: string | null } | null;
  pendingChanges: Array<{ event: string; from: string; to: string; parked: boolean }>;
}

let stack: Stack;
let officer: string;
let operator: string;

beforeAll(async () => {
  stack = await startStack({ persons: 50 });
  officer = await stack.token('isa-officer');
  operator = await stack.token('jlis-operator');
});
afterAll(() => stack?.stop());

async function record(myNumber: string): Promise<Record> {
  const { body } = await stack.query(officer, RECORD, { n: myNumber });
  expect(body.errors).toBeUndefined();
  return (body.data as unknown as { person: Record }).person;
}

/** The record once no change to the person is in flight any more. */
function settled(myNumber: string): Promise<Record> {
  return eventually(async () => {
    const r = await record(myNumber);
    return r.pendingChanges.length === 0 ? r : undefined;
  });
}

async function mutate(token: string, query: string, variables: { [k: string]: unknown }) {
  const { body } = await stack.query(token, query, variables);
  return body as { data?: { [k: string]: unknown } | null; errors?: Array<{ message: string; extensions?: { code?: string; reason?: string } }> };
}

const ISSUE_SPECIFIC = `mutation ($n: ID!) { issueSpecificResidenceCard(myNumber: $n) { number kind status } }`;
const REPORT_LOST = `mutation ($c: String!) { reportResidenceCardLost(number: $c) { number status lossReportedOn } }`;
const REISSUE = `mutation ($c: String!) { reissueResidenceCard(number: $c) { number kind status } }`;
const RENEW = `mutation ($n: ID!, $d: Date!) { renewPeriodOfStay(myNumber: $n, newExpiry: $d) { stayExpiresOn } }`;
const RETURN_FUNCTION = `mutation ($n: ID!) { returnMyNumberFunction(myNumber: $n) { myNumber } }`;
const ISSUE_MY_NUMBER_CARD = `mutation ($n: ID!) { issueMyNumberCard(myNumber: $n) { myNumber } }`;

describe(`card lifecycle across authorities (${databaseKind})`, () => {
  test('(b) to (a): the standalone card ends, the function moves to the new specific card', async () => {
    const n = persona('separate_cards').myNumber!;
    const before = await record(n);
    expect(before.cardArrangement).toBe('SEPARATE_CARDS');
    const oldCard = before.residenceCard!.number;

    // With the relay held, the unified record says a change is in flight.
    await stack.relays.immigration.stop();
    const issued = await mutate(officer, ISSUE_SPECIFIC, { n });
    expect(issued.errors).toBeUndefined();
    const newCard = (issued.data!.issueSpecificResidenceCard as { number: string }).number;
    const inFlight = await record(n);
    expect(inFlight.pendingChanges).toEqual([{ event: 'SpecificCardIssued', from: 'immigration', to: 'mynumber', parked: false }]);
    expect(inFlight.myNumberCard!.kind).toBe('MY_NUMBER_CARD');
    stack.relays.immigration.start();

    const after = await settled(n);
    expect(after.residenceCard).toMatchObject({ number: newCard, kind: 'SPECIFIC_RESIDENCE_CARD', status: 'VALID' });
    expect(after.immigration!.residenceCards).toEqual(
      expect.arrayContaining([{ number: oldCard, status: 'SUPERSEDED' }, { number: newCard, status: 'VALID' }]),
    );
    expect(after.myNumberCard).toMatchObject({ kind: 'SPECIFIC_RESIDENCE_CARD', status: 'ACTIVE', carrierCardNumber: newCard });
    expect(after.myNumberCard!.validUntil).toBe(after.residenceCard!.validUntil);
    expect(after.cardArrangement).toBe('SPECIFIC_CARD');

    const again = await mutate(officer, ISSUE_SPECIFIC, { n });
    expect(again.errors?.[0]?.extensions?.code).toBe('ALREADY_HOLDS_SPECIFIC_CARD');
    const standalone = await mutate(operator, ISSUE_MY_NUMBER_CARD, { n });
    expect(standalone.errors?.[0]?.extensions?.code).toBe('SPECIFIC_CARD_CARRIES_FUNCTION');
  });

  test('loss of a specific card: partial invalidation, then reissue restores the function on the new card', async () => {
    const p = persona('specific_card');
    const n = p.myNumber!;
    const card = (await record(n)).residenceCard!.number;

    const lost = await mutate(officer, REPORT_LOST, { c: card });
    expect(lost.errors).toBeUndefined();
    const partial = await settled(n);
    expect(partial.residenceCard).toMatchObject({ number: card, status: 'VALID', lossReportedOn: expect.any(String) });
    expect(partial.myNumberCard).toMatchObject({ status: 'REVOKED', statusReason: 'CARD_REPORTED_LOST', carrierCardNumber: card });
    expect(partial.myNumberCard!.functions.map((f) => f.status)).toEqual(
      partial.myNumberCard!.functions.map((f) => (f.status === 'NOT_ISSUED' ? 'NOT_ISSUED' : 'REVOKED')),
    );
    expect(partial.cardArrangement).toBe('SPECIFIC_CARD');

    const lostAgain = await mutate(officer, REPORT_LOST, { c: card });
    expect(lostAgain.errors?.[0]?.extensions?.code).toBe('CARD_ALREADY_REPORTED_LOST');

    const reissued = await mutate(officer, REISSUE, { c: card });
    expect(reissued.errors).toBeUndefined();
    const newCard = (reissued.data!.reissueResidenceCard as { number: string }).number;
    expect(newCard).not.toBe(card);
    const after = await settled(n);
    expect(after.residenceCard).toMatchObject({ number: newCard, kind: 'SPECIFIC_RESIDENCE_CARD', status: 'VALID', lossReportedOn: null });
    expect(after.myNumberCard).toMatchObject({ status: 'ACTIVE', carrierCardNumber: newCard });

    const superseded = await mutate(officer, REISSUE, { c: card });
    expect(superseded.errors?.[0]?.extensions?.code).toBe('CARD_NOT_IN_FORCE');
    const lostSuperseded = await mutate(officer, REPORT_LOST, { c: card });
    expect(lostSuperseded.errors?.[0]?.extensions?.code).toBe('CARD_NOT_IN_FORCE');
  });

  test('one renewal extends the residence card and the My Number function together', async () => {
    const n = persona('lost_specific_card').myNumber!;
    // Reissue first, so the person holds a specific card with an active function.
    const lostCard = (await record(n)).residenceCard!.number;
    await mutate(officer, REISSUE, { c: lostCard });
    const before = await settled(n);
    expect(before.myNumberCard!.status).toBe('ACTIVE');
    const newExpiry = '2031-03-31';
    const renewed = await mutate(officer, RENEW, { n, d: newExpiry });
    expect(renewed.errors).toBeUndefined();
    const after = await settled(n);
    expect(after.immigration!.stayExpiresOn).toBe(newExpiry);
    expect(after.residenceCard!.validUntil).toBe(after.myNumberCard!.validUntil);
    expect(after.myNumberCard!.functions.find((f) => f.function === 'CARD_FUNCTION')!.validUntil).toBe(after.residenceCard!.validUntil);

    const backwards = await mutate(officer, RENEW, { n, d: '2027-01-01' });
    expect(backwards.errors?.[0]?.extensions?.code).toBe('INVALID_NEW_EXPIRY');
  });

  test('a returned My Number function leaves the residence card valid and recorded as such', async () => {
    const n = persona('specific_special_permanent_resident').myNumber!;
    const before = await record(n);
    const returned = await mutate(operator, RETURN_FUNCTION, { n });
    expect(returned.errors).toBeUndefined();
    const after = await settled(n);
    expect(after.myNumberCard).toMatchObject({ status: 'REVOKED', statusReason: 'FUNCTION_RETURNED' });
    expect(after.residenceCard).toMatchObject({
      number: before.residenceCard!.number,
      status: 'VALID',
      validUntil: before.residenceCard!.validUntil,
      myNumberFunctionEndReason: 'FUNCTION_RETURNED',
    });
    expect(after.residenceCard!.myNumberFunctionEndedOn).toMatch(/^\d{4}-\d{2}-\d{2}$/);
  });

  test('commands are refused to roles that do not do that work, and for ineligible persons', async () => {
    const n = persona('residence_card_only').myNumber!;
    const clerk = await stack.token('municipal-clerk', { municipality: '131041' });
    expect((await mutate(clerk, ISSUE_SPECIFIC, { n })).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect((await mutate(officer, ISSUE_MY_NUMBER_CARD, { n })).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const refuge = persona('temporary_refuge').myNumber!;
    const refused = await mutate(officer, ISSUE_SPECIFIC, { n: refuge });
    expect(refused.errors?.[0]?.extensions).toMatchObject({ code: 'NOT_ELIGIBLE', reason: 'TEMPORARY_REFUGE_PERMIT' });
  });

  test('registry: registering the resident without a record gives a My Number and makes them eligible; a removed resident cannot move', async () => {
    const p = persona('no_resident_record');
    const card = p.residenceCardNumber!;
    const { body: cardBody } = await stack.query(officer, `query ($c: String!) { residenceCard(number: $c) { holder { birthDate sex } } }`, { c: card });
    const holder = (cardBody.data as unknown as { residenceCard: { holder: { birthDate: string; sex: string } } }).residenceCard.holder;
    const clerk = await stack.token('municipal-clerk', { municipality: '131041' });
    const registered = await mutate(
      clerk,
      `mutation ($i: RegisterResidentInput!) { registerResident(input: $i) { myNumber resident { category } } }`,
      {
        i: {
          residenceCardNumber: card,
          familyName: 'NGUYEN',
          givenName: 'VAN AN',
          birthDate: holder.birthDate,
          sex: holder.sex,
          category: 'MID_TO_LONG_TERM',
          municipalityCode: '131041',
          addressLine: '西新宿2-8-1',
        },
      },
    );
    expect(registered.errors).toBeUndefined();
    const myNumber = (registered.data!.registerResident as { myNumber: string }).myNumber;
    expect(myNumber).toMatch(/^\d{12}$/);
    const linked = await eventually(async () => {
      const r = await record(myNumber);
      return r.immigration ? r : undefined;
    });
    expect(linked.residenceCard!.number).toBe(card);
    expect(linked.immigration!.specificCardEligibility).toEqual({ eligibility: 'ELIGIBLE', reason: 'MID_TO_LONG_TERM_RESIDENT' });

    const removed = await mutate(clerk, `mutation ($n: ID!) { removeResident(myNumber: $n, reason: LEFT_JAPAN, removedOn: "2026-11-28") { myNumber } }`, { n: myNumber });
    expect(removed.errors).toBeUndefined();
    const moved = await mutate(
      clerk,
      `mutation ($n: ID!) { changeAddress(myNumber: $n, municipalityCode: "131041", addressLine: "西新宿1-1-1", movedOn: "2026-11-28") { myNumber } }`,
      { n: myNumber },
    );
    expect(moved.errors?.[0]?.extensions?.code).toBe('RESIDENT_REMOVED');
    const after = await settled(myNumber);
    expect(after.immigration!.specificCardEligibility.eligibility).toBe('UNDETERMINED');
  });
});
