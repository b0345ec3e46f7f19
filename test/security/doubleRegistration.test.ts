import { databaseKind, startStack, type Stack } from '../harness';
import { eventually, persona } from '../personas';
import { holding, refusingLogRows } from '../faults/holding';

const onPostgres = databaseKind === 'postgresql' ? test : test.skip;

/**
 * One person, one My Number (番号法 7条, 8条). A card holder's registration sent twice (a double click, a counter
 * application that retries after a timeout, a replayed request) must not record the holder twice under two
 * numbers. The ISA's check cannot stop the second by itself: it learns of the first registration from its event,
 * after the first has committed, so two registrations of one card close together both pass it.
 */

let stack: Stack;
let clerk: string;
let otherClerk: string;

const REGISTER = `mutation ($i: RegisterResidentInput!) { registerResident(input: $i) { myNumber } }`;

/**
 * A newly landed mid-to-long-term resident with a valid card and no resident record yet, as the ISA records one:
 * the unregistered persona's immigration record again, under a card number of its own.
 */
async function newArrival(card: string): Promise<{ card: string; birthDate: string; sex: string }> {
  const template = persona('no_resident_record').residenceCardNumber!;
  return stack.dbs.immigration.transaction(async (m) => {
    const [{ id, birthDate, sex }] = await m.query(
      `INSERT INTO foreign_resident (resident_class, nationality, birth_date, sex, status_of_residence, period_of_stay, stay_expires_on,
                                     permission_kind, permission_date, work_restriction, activity_outside_status, resident_registered)
       SELECT r.resident_class, r.nationality, r.birth_date, r.sex, r.status_of_residence, r.period_of_stay, r.stay_expires_on,
              r.permission_kind, r.permission_date, r.work_restriction, r.activity_outside_status, false
       FROM foreign_resident r JOIN residence_card c ON c.resident_id = r.id WHERE c.number = $1
       RETURNING id, birth_date::text AS "birthDate", sex`,
      [template],
    );
    await m.query(
      `INSERT INTO residence_card (number, resident_id, kind, status, issued_on, valid_until)
       SELECT $2, $3, kind, 'VALID', issued_on, valid_until FROM residence_card WHERE number = $1`,
      [template, card, id],
    );
    return { card, birthDate, sex };
  });
}

const input = (h: { card: string; birthDate: string; sex: string }, municipalityCode = '131041') => ({
  i: { residenceCardNumber: h.card, familyName: 'X', givenName: 'Y', birthDate: h.birthDate, sex: h.sex, category: 'MID_TO_LONG_TERM', municipalityCode, addressLine: '1-1' },
});

async function counts() {
  const [registry] = await stack.dbs.registry.query(`SELECT count(*)::int AS n FROM resident`);
  const [jlis] = await stack.dbs.mynumber.query(`SELECT count(*)::int AS n FROM my_number`);
  return { residents: registry.n as number, numbers: jlis.n as number };
}

async function jlisNumbers(): Promise<Set<string>> {
  return new Set((await stack.dbs.mynumber.query(`SELECT my_number AS n FROM my_number`)).map((r: { n: string }) => r.n));
}

/** The My Number the ISA linked to the card's holder (from the registry's event), or null. */
async function isaNumber(card: string): Promise<string | null> {
  const [row] = await stack.dbs.immigration.query(
    `SELECT r.my_number AS n FROM foreign_resident r JOIN residence_card c ON c.resident_id = r.id WHERE c.number = $1`,
    [card],
  );
  return row.n;
}

beforeAll(async () => {
  stack = await startStack({ persons: 30 });
  clerk = await stack.token('municipal-clerk', { municipality: '131041' });
  otherClerk = await stack.token('municipal-clerk', { municipality: '131016' });
});
afterAll(() => stack?.stop());

test('the same card registered three times at once: one resident, one My Number, the others refused', async () => {
  const holder = await newArrival('AB12345678CD');
  const before = await counts();
  const answers = await Promise.all([1, 2, 3].map(() => stack.query(clerk, REGISTER, input(holder))));
  const made = answers.filter((a) => a.body.errors === undefined);
  expect(made).toHaveLength(1);
  const myNumber = (made[0]!.body.data as { registerResident: { myNumber: string } }).registerResident.myNumber;
  // A refused try is told that the holder is recorded already: by the registry while the ISA has not yet heard of
  // the first, by the ISA's one refusal once it has.
  for (const refused of answers.filter((a) => a !== made[0])) {
    expect(refused.body.errors?.map((e) => e.extensions?.code)).toEqual([expect.stringMatching(/^(RESIDENT_ALREADY_REGISTERED|RESIDENCE_CARD_MISMATCH)$/)]);
  }
  expect(await counts()).toEqual({ residents: before.residents + 1, numbers: before.numbers + 1 });
  const [recorded] = await stack.dbs.registry.query(`SELECT my_number AS n FROM resident WHERE my_number = $1`, [myNumber]);
  expect(recorded.n).toBe(myNumber);
  // The ISA links the holder to that number, and no second registration event waits parked for an operator.
  await eventually(async () => (await isaNumber(holder.card)) === myNumber);
  const [{ parked }] = await stack.dbs.registry.query(`SELECT count(*)::int AS parked FROM outbox WHERE parked_at IS NOT NULL`);
  expect(parked).toBe(0);
});

test('a registration that failed after J-LIS gave the number gets that number when tried again, and no other', async () => {
  const holder = await newArrival('EF23456789GH');
  const before = await counts();
  const numbersBefore = await jlisNumbers();
  // The registry cannot write its log: J-LIS has assigned the number, the registry's transaction rolls back.
  const failed = await refusingLogRows(stack.dbs.registry, () => stack.query(clerk, REGISTER, input(holder)));
  expect(failed.body.errors?.map((e) => e.extensions?.code)).toEqual(['ACCESS_LOG_UNAVAILABLE']);
  expect(await counts()).toEqual({ residents: before.residents, numbers: before.numbers + 1 });
  const assigned = [...(await jlisNumbers())].filter((n) => !numbersBefore.has(n));
  expect(assigned).toHaveLength(1);
  const kept = assigned[0];

  const again = await stack.query(clerk, REGISTER, input(holder));
  expect(again.body.errors).toBeUndefined();
  expect((again.body.data as { registerResident: { myNumber: string } }).registerResident.myNumber).toBe(kept);
  expect(await counts()).toEqual({ residents: before.residents + 1, numbers: before.numbers + 1 });
  await eventually(async () => (await isaNumber(holder.card)) === kept);
});

onPostgres('a card recorded in one municipality is refused in another while the ISA has not yet heard of it', async () => {
  const holder = await newArrival('JK34567890LM');
  const before = await counts();
  // The ISA cannot apply the registration's event while another session holds its record of the holder: its
  // check keeps finding the holder unregistered, as it does whenever the event is late (the ISA was down, a backlog).
  const [{ id }] = await stack.dbs.immigration.query(`SELECT resident_id AS id FROM residence_card WHERE number = $1`, [holder.card]);
  const { first, second } = await holding(stack.dbs.immigration, `SELECT 1 FROM foreign_resident WHERE id = $1 FOR UPDATE`, [id], async () => {
    const first = await stack.query(clerk, REGISTER, input(holder));
    const second = await stack.query(otherClerk, REGISTER, input(holder, '131016'));
    return { first, second };
  });
  expect(first.body.errors).toBeUndefined();
  expect(second.body.errors?.map((e) => e.extensions?.code)).toEqual(['RESIDENT_ALREADY_REGISTERED']);
  // The second municipality's try stopped before J-LIS: no number was assigned for it.
  expect(await counts()).toEqual({ residents: before.residents + 1, numbers: before.numbers + 1 });
  const myNumber = (first.body.data as { registerResident: { myNumber: string } }).registerResident.myNumber;
  await eventually(async () => (await isaNumber(holder.card)) === myNumber, 30_000);
});
