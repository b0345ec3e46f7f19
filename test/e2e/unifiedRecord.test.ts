import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { databaseKind, startStack, type Stack } from '../harness';

interface Persona {
  key: number;
  myNumber: string | null;
  residenceCardNumber: string | null;
  scenario: string;
  expected: { cardArrangement: string; eligibility: string; eligibilityReason: string };
}

const personas: Persona[] = JSON.parse(readFileSync(join(__dirname, '..', '..', 'seeds', 'personas.json'), 'utf8'));
const withMyNumber = personas.filter((p) => p.myNumber !== null);
const persona = (scenario: string) => {
  const found = personas.find((p) => p.scenario === scenario);
  if (!found) throw new Error(`no persona ${scenario}`);
  return found;
};

const PERSON_QUERY = `query ($n: ID!) {
  person(myNumber: $n) {
    myNumber
    myNumberAssignedOn
    resident { familyName category municipality { code name } address { line } }
    immigration { residentClass statusOfResidence specificCardEligibility { eligibility reason } }
    residenceCard { number kind status lossReportedOn validUntil shows { item presence } }
    myNumberCard { kind status statusReason functions { function status } }
    cardArrangement
  }
}`;

let stack: Stack;
let officer: string;

beforeAll(async () => {
  stack = await startStack();
  officer = await stack.token('isa-officer');
});
afterAll(() => stack?.stop());

describe(`unified record through the gateway (${databaseKind})`, () => {
  test('there are at least 14 personas, each with a distinct scenario', () => {
    expect(personas.length).toBeGreaterThanOrEqual(14);
    expect(new Set(personas.map((p) => p.scenario)).size).toBe(personas.length);
  });

  test.each(withMyNumber.map((p) => [p.scenario, p] as const))(
    '%s: data from all three authorities, expected arrangement and eligibility',
    async (_scenario, p) => {
      const { status, body } = await stack.query(officer, PERSON_QUERY, { n: p.myNumber });
      expect(status).toBe(200);
      expect(body.errors).toBeUndefined();
      const person = body.data?.person as Record<string, any>;
      expect(person.myNumber).toBe(p.myNumber);
      expect(person.myNumberAssignedOn).toMatch(/^\d{4}-\d{2}-\d{2}$/); // mynumber
      expect(person.resident?.familyName).toEqual(expect.any(String)); // registry
      expect(person.immigration?.residentClass).toEqual(expect.any(String)); // immigration
      expect(person.cardArrangement).toBe(p.expected.cardArrangement);
      expect(person.immigration.specificCardEligibility).toEqual({
        eligibility: p.expected.eligibility,
        reason: p.expected.eligibilityReason,
      });
      if (p.residenceCardNumber) expect(person.residenceCard.number).toBe(p.residenceCardNumber);
      else expect(person.residenceCard).toBeNull();
    },
  );

  test('a resident without a resident record is reached by card number, with eligibility undetermined', async () => {
    const p = personas.find((x) => x.myNumber === null);
    expect(p).toBeDefined();
    const { body } = await stack.query(
      officer,
      `query ($c: String!) { residenceCard(number: $c) { number status holder { residentClass person { myNumber }
         specificCardEligibility { eligibility reason } } } }`,
      { c: p!.residenceCardNumber },
    );
    expect(body.errors).toBeUndefined();
    expect(body.data).toEqual({
      residenceCard: {
        number: p!.residenceCardNumber,
        status: 'VALID',
        holder: {
          residentClass: 'MID_TO_LONG_TERM',
          person: null,
          specificCardEligibility: { eligibility: 'UNDETERMINED', reason: 'NO_RESIDENT_RECORD_LAW_SILENT' },
        },
      },
    });
  });

  test('a lost specific card: residence card still valid with the loss recorded, My Number function revoked', async () => {
    const p = persona('lost_specific_card');
    const { body } = await stack.query(officer, PERSON_QUERY, { n: p.myNumber });
    const person = body.data?.person as Record<string, any>;
    expect(person.residenceCard.kind).toBe('SPECIFIC_RESIDENCE_CARD');
    expect(person.residenceCard.status).toBe('VALID');
    expect(person.residenceCard.lossReportedOn).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(person.myNumberCard.status).toBe('REVOKED');
    expect(person.myNumberCard.statusReason).toBe('CARD_REPORTED_LOST');
    expect(person.myNumberCard.functions.every((f: { status: string }) => f.status === 'REVOKED')).toBe(true);
    expect(person.cardArrangement).toBe('SPECIFIC_CARD');
  });

  test('what a specific card shows comes with the card, as data', async () => {
    const { body } = await stack.query(officer, PERSON_QUERY, { n: persona('specific_card').myNumber });
    const shows = (body.data?.person as any).residenceCard.shows as Array<{ item: string; presence: string }>;
    const presence = Object.fromEntries(shows.map((s) => [s.item, s.presence]));
    expect(presence.MY_NUMBER).toBe('PRINTED_BACK');
    expect(presence.PERIOD_OF_STAY).toBe('CHIP_ONLY');
    expect(presence.NAME).toBe('PRINTED');
  });

  test('the photo follows the card kind and the holder\'s age at issue', async () => {
    const photo = async (scenario: string) => {
      const { body } = await stack.query(officer, PERSON_QUERY, { n: persona(scenario).myNumber });
      const shows = (body.data?.person as any).residenceCard.shows as Array<{ item: string; presence: string }>;
      return shows.find((s) => s.item === 'PHOTO')?.presence;
    };
    // Born 2011-03-10, residence card issued 2026-05-01 at 15, valid to 2027-03-09: no photo (資料4: from 16).
    expect(await photo('child_under_16')).toBe('ABSENT');
    // Born 1994-05-12, specific card issued 2026-07-21: the photo (from 1).
    expect(await photo('specific_card')).toBe('PRINTED');
  });

  test('persons keeps the order asked and answers null for unknown My Numbers', async () => {
    const [a, b] = withMyNumber;
    const unknown = '123456789018';
    const { body } = await stack.query(officer, `query ($ns: [ID!]!) { persons(myNumbers: $ns) { myNumber cardArrangement } }`, {
      ns: [b!.myNumber, unknown, a!.myNumber],
    });
    expect(body.errors).toBeUndefined();
    expect(body.data).toEqual({
      persons: [
        { myNumber: b!.myNumber, cardArrangement: b!.expected.cardArrangement },
        null,
        { myNumber: a!.myNumber, cardArrangement: a!.expected.cardArrangement },
      ],
    });
  });
});

describe('bad input gets a clear error with a stable code', () => {
  test.each([
    ['wrong check digit', '621498320258', 'INVALID_MY_NUMBER_CHECK_DIGIT'],
    ['too short', '62149832025', 'INVALID_MY_NUMBER_FORMAT'],
    ['letters', '62149832025X', 'INVALID_MY_NUMBER_FORMAT'],
  ])('My Number with %s', async (_name, n, code) => {
    const { status, body } = await stack.query(officer, `query ($n: ID!) { person(myNumber: $n) { myNumber } }`, { n });
    expect(status).toBe(200);
    expect(body.data).toEqual({ person: null });
    expect(body.errors?.map((e) => e.extensions?.code)).toEqual([code]);
  });

  test('full-width digits are normalised', async () => {
    const p = withMyNumber[0]!;
    const wide = p.myNumber!.replace(/[0-9]/g, (d) => String.fromCharCode(d.charCodeAt(0) + 0xfee0));
    const { body } = await stack.query(officer, `query ($n: ID!) { person(myNumber: $n) { myNumber } }`, { n: wide });
    expect(body.data).toEqual({ person: { myNumber: p.myNumber } });
  });

  test('a malformed residence card number', async () => {
    const { body } = await stack.query(officer, `{ residenceCard(number: "AB1234567CD") { number } }`);
    expect(body.data).toEqual({ residenceCard: null });
    expect(body.errors?.map((e) => e.extensions?.code)).toEqual(['INVALID_RESIDENCE_CARD_NUMBER']);
  });

  test('more than 100 persons at once', async () => {
    const ns = Array.from({ length: 101 }, () => '621498320257');
    const { body } = await stack.query(officer, `query ($ns: [ID!]!) { persons(myNumbers: $ns) { myNumber } }`, { ns });
    expect(body.errors?.map((e) => e.extensions?.code)).toEqual(['TOO_MANY_PERSONS']);
  });
});

describe('who may see whom (baseline)', () => {
  test('an analyst reads no person at all', async () => {
    const analyst = await stack.token('analyst');
    const { body } = await stack.query(analyst, `query ($n: ID!) { person(myNumber: $n) { myNumber } }`, {
      n: withMyNumber[0]!.myNumber,
    });
    expect(body.data).toEqual({ person: null });
  });

  test('a municipal clerk sees residents of their own municipality only', async () => {
    const p = persona('separate_cards');
    const { body: own } = await stack.query(officer, `query ($n: ID!) { person(myNumber: $n) { resident { municipality { code } } } }`, {
      n: p.myNumber,
    });
    const code = (own.data?.person as any).resident.municipality.code as string;
    const clerk = await stack.token('municipal-clerk', { municipality: code });
    const other = await stack.token('municipal-clerk', { municipality: code === '131041' ? '271004' : '131041' });
    const q = `query ($n: ID!) { person(myNumber: $n) { myNumber resident { familyName } immigration { residentClass } } }`;
    const seen = await stack.query(clerk, q, { n: p.myNumber });
    expect((seen.body.data?.person as any).resident.familyName).toEqual(expect.any(String));
    expect((seen.body.data?.person as any).immigration.residentClass).toEqual(expect.any(String));
    const unseen = await stack.query(other, q, { n: p.myNumber });
    expect(unseen.body).toEqual({ data: { person: null } });
  });
});
