/**
 * Each persona of issue 18 item 10 through the gateway: the unified record (ISA, registry, J-LIS) against a record
 * typed by hand from the law (test/personas.ts EXPECTED_RECORDS), so a mistake in a rule function shows here instead
 * of being repeated by the expectation. The seeded personas are current on TEST_TODAY (2026-11-28).
 */
import { databaseKind, startStack, type Stack } from '../harness';
import { EXPECTED_RECORDS, persona } from '../personas';

const RECORD = `query ($n: ID!) { person(myNumber: $n) {
  myNumberAssignedOn
  cardArrangement
  immigration {
    stayExpiresOn
    specialPeriodUntil
    residenceCards { kind status issuedOn validUntil lossReportedOn myNumberFunctionEndedOn }
  }
  residenceCard { number shows { item presence } }
  myNumberCard { kind status statusReason validUntil carrierCardNumber }
} }`;

interface Card {
  kind: string;
  status: string;
  issuedOn: string;
  validUntil: string;
  lossReportedOn: string | null;
  myNumberFunctionEndedOn: string | null;
}

let stack: Stack;
let officer: string;

beforeAll(async () => {
  stack = await startStack({ persons: 0 });
  officer = await stack.token('isa-officer');
});
afterAll(() => stack?.stop());

describe(`personas with hand-written records, through the gateway (${databaseKind})`, () => {
  test.each(Object.entries(EXPECTED_RECORDS))('%s', async (scenario, expected) => {
    const p = persona(scenario);
    const { status, body } = await stack.query(officer, RECORD, { n: p.myNumber });
    expect(status).toBe(200);
    expect(body.errors).toBeUndefined();
    const person = body.data?.person as {
      cardArrangement: string;
      immigration: { stayExpiresOn: string | null; specialPeriodUntil: string | null; residenceCards: Card[] };
      residenceCard: { number: string; shows: Array<{ item: string; presence: string }> };
      myNumberCard: { kind: string; status: string; statusReason: string | null; validUntil: string; carrierCardNumber: string | null } | null;
    };
    expect(person.cardArrangement).toBe(expected.cardArrangement);
    expect(person.immigration.stayExpiresOn).toBe(expected.stayExpiresOn);
    expect(person.immigration.specialPeriodUntil).toBe(expected.specialPeriodUntil ?? null);
    const cards = [...person.immigration.residenceCards].sort((a, b) => a.issuedOn.localeCompare(b.issuedOn));
    expect(cards).toEqual(
      expected.cards.map((c) => ({ lossReportedOn: null, myNumberFunctionEndedOn: null, ...c })),
    );
    expect(person.residenceCard.number).toBe(p.residenceCardNumber);
    expect(person.residenceCard.shows.find((s) => s.item === 'PHOTO')?.presence).toBe(expected.photo);
    if (expected.myNumberCard === null) expect(person.myNumberCard).toBeNull();
    else {
      const { carrierCardNumber, ...card } = person.myNumberCard ?? { carrierCardNumber: undefined };
      expect(card).toEqual(expected.myNumberCard);
      // a specific card's My Number part rides on the card in force; a standalone card on none
      expect(carrierCardNumber).toBe(expected.myNumberCard.kind === 'MY_NUMBER_CARD' ? null : p.residenceCardNumber);
    }
  });

  test('a former Japanese national keeps the My Number of the Japanese record (番号法: not changed with nationality)', async () => {
    const { body } = await stack.query(officer, RECORD, { n: persona('transitional_after_loss_of_nationality').myNumber });
    expect(body.errors).toBeUndefined();
    // born 1996-04-04, Japanese when numbers were first assigned on 2015-10-05; lost nationality within 60 days of asOf
    expect(body.data?.person).toMatchObject({ myNumberAssignedOn: '2015-10-05', cardArrangement: 'NONE', residenceCard: null });
  });
});
