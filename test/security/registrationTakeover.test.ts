import { enqueue } from '../../subgraphs/kit/outbox';
import { startStack, type Stack } from '../harness';
import { eventually, persona } from '../personas';

/**
 * A clerk registers a "new resident" with the residence card number of someone already registered elsewhere: the
 * ISA would link that person's immigration record to the new My Number, and the clerk would read and change it. The
 * ISA is asked first and refuses every card that is not in force, already has a holder with a My Number, or does
 * not match the person, with one answer; and an event that tries the same (a forged or racing registration) is
 * refused by the ISA's inbox without touching the record.
 */

let stack: Stack;
const victim = persona('separate_cards');
const unregistered = persona('no_resident_record');
let clerk: string;
let holder: { birthDate: string; sex: string };

const REGISTER = `mutation ($i: RegisterResidentInput!) { registerResident(input: $i) { myNumber } }`;
const input = (card: string, birthDate: string, sex: string) => ({
  i: { residenceCardNumber: card, familyName: 'X', givenName: 'Y', birthDate, sex, category: 'MID_TO_LONG_TERM', municipalityCode: '131041', addressLine: '1-1' },
});

async function counts() {
  const [registry] = await stack.dbs.registry.query(`SELECT count(*)::int AS n FROM resident`);
  const [jlis] = await stack.dbs.mynumber.query(`SELECT count(*)::int AS n FROM my_number`);
  const [isa] = await stack.dbs.immigration.query(
    `SELECT r.my_number AS "myNumber", r.resident_registered AS registered, r.municipality_code AS municipality
     FROM foreign_resident r JOIN residence_card c ON c.resident_id = r.id WHERE c.number = $1`,
    [victim.residenceCardNumber],
  );
  return { registry: registry.n, jlis: jlis.n, isa };
}

beforeAll(async () => {
  stack = await startStack({ persons: 30 });
  clerk = await stack.token('municipal-clerk', { municipality: '131041' });
  [holder] = await stack.dbs.immigration.query(
    `SELECT r.birth_date::text AS "birthDate", r.sex FROM foreign_resident r JOIN residence_card c ON c.resident_id = r.id WHERE c.number = $1`,
    [victim.residenceCardNumber],
  );
});
afterAll(() => stack?.stop());

test("registering someone else's card is refused like an unknown card, and changes nothing anywhere", async () => {
  const before = await counts();
  expect(before.isa.myNumber).toBe(victim.myNumber);
  const taken = await stack.query(clerk, REGISTER, input(victim.residenceCardNumber!, holder.birthDate, holder.sex));
  const unknown = await stack.query(clerk, REGISTER, input('ZZ00000000ZZ', holder.birthDate, holder.sex));
  expect(taken.body.errors?.map((e) => e.extensions?.code)).toEqual(['RESIDENCE_CARD_MISMATCH']);
  expect(taken).toEqual(unknown);
  expect(await counts()).toEqual(before);
  // Each attempt is logged against the card it named, so the holder's history shows the try on their card.
  const rows: Array<{ subject: string; outcome: string; requestId: string }> = await stack.dbs.registry.query(
    `SELECT subject, outcome, request_id AS "requestId" FROM access_log WHERE action = 'registerResident' AND subject = ANY($1) ORDER BY id`,
    [[`card:${victim.residenceCardNumber}`, 'card:ZZ00000000ZZ']],
  );
  expect(rows.map(({ subject, outcome }) => ({ subject, outcome }))).toEqual([
    { subject: `card:${victim.residenceCardNumber}`, outcome: 'rejected:RESIDENCE_CARD_MISMATCH' },
    { subject: 'card:ZZ00000000ZZ', outcome: 'rejected:RESIDENCE_CARD_MISMATCH' },
  ]);
  // The ISA logs its check against the holder it looked at (the victim, by My Number), refused, under the clerk's
  // request id, with everything the check compared.
  const checks: Array<{ subject: string; outcome: string; requestId: string; items: string[]; role: string }> = await stack.dbs.immigration.query(
    `SELECT subject, outcome, split_part(request_id, '~', 1) AS "requestId", items, role FROM access_log
     WHERE purpose = 'resident-registration' AND split_part(request_id, '~', 1) = ANY($1) ORDER BY id`,
    [rows.map((r) => r.requestId)],
  );
  // Each under the clerk's request id and its own call's id: a client-chosen id cannot make two calls' rows one.
  const ids: Array<{ id: string }> = await stack.dbs.immigration.query(
    `SELECT request_id AS id FROM access_log WHERE purpose = 'resident-registration' AND split_part(request_id, '~', 1) = ANY($1)`,
    [rows.map((r) => r.requestId)],
  );
  expect(ids.map(({ id }) => id.split('~').length)).toEqual([2, 2]);
  expect(new Set(ids.map(({ id }) => id.split('~')[1])).size).toBe(2);
  const compared = [
    'ImmigrationRecord.birthDate',
    'ImmigrationRecord.residentClass',
    'ImmigrationRecord.sex',
    'Person.myNumber',
    'ResidenceCard.number',
    'ResidenceCard.status',
    'ResidenceCard.validUntil',
  ];
  expect(checks).toEqual([
    { subject: victim.myNumber, outcome: 'rejected:RESIDENCE_CARD_MISMATCH', requestId: rows[0]!.requestId, items: compared, role: 'authority' },
    { subject: 'card:ZZ00000000ZZ', outcome: 'rejected:RESIDENCE_CARD_MISMATCH', requestId: rows[1]!.requestId, items: compared, role: 'authority' },
  ]);
});

test('two tries under one client-chosen request id stay two rows at the ISA, each its own call', async () => {
  const chosen = 'counter-0001';
  const tryCard = async (card: string) => {
    const res = await fetch(stack.gatewayUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${clerk}`, 'x-request-id': chosen },
      body: JSON.stringify({ query: REGISTER, variables: input(card, holder.birthDate, holder.sex) }),
    });
    expect(res.headers.get('x-request-id')).toBe(chosen);
    expect(((await res.json()) as { errors?: Array<{ extensions?: { code?: string } }> }).errors?.map((e) => e.extensions?.code)).toEqual(['RESIDENCE_CARD_MISMATCH']);
  };
  await tryCard(victim.residenceCardNumber!);
  await tryCard(victim.residenceCardNumber!);
  const ids: Array<{ id: string; subject: string }> = await stack.dbs.immigration.query(
    `SELECT request_id AS id, subject FROM access_log WHERE purpose = 'resident-registration' AND request_id LIKE $1 ORDER BY id`,
    [`${chosen}~%`],
  );
  expect(ids.map((r) => r.subject)).toEqual([victim.myNumber, victim.myNumber]);
  expect(new Set(ids.map((r) => r.id)).size).toBe(2);
});

test('a card whose holder has no record yet registers only with matching birth date and sex', async () => {
  const [real] = await stack.dbs.immigration.query(
    `SELECT r.birth_date::text AS "birthDate", r.sex FROM foreign_resident r JOIN residence_card c ON c.resident_id = r.id WHERE c.number = $1`,
    [unregistered.residenceCardNumber],
  );
  const wrongBirth = await stack.query(clerk, REGISTER, input(unregistered.residenceCardNumber!, '1901-01-01', real.sex));
  expect(wrongBirth.body.errors?.map((e) => e.extensions?.code)).toEqual(['RESIDENCE_CARD_MISMATCH']);
  const right = await stack.query(clerk, REGISTER, input(unregistered.residenceCardNumber!, real.birthDate, real.sex));
  expect(right.body.errors).toBeUndefined();
  const myNumber = (right.body.data as { registerResident: { myNumber: string } }).registerResident.myNumber;
  await eventually(async () => {
    const [row] = await stack.dbs.immigration.query(
      `SELECT r.my_number AS n FROM foreign_resident r JOIN residence_card c ON c.resident_id = r.id WHERE c.number = $1`,
      [unregistered.residenceCardNumber],
    );
    return row.n === myNumber;
  });
  // The same card again: its holder now has a My Number.
  const again = await stack.query(clerk, REGISTER, input(unregistered.residenceCardNumber!, real.birthDate, real.sex));
  expect(again.body.errors?.map((e) => e.extensions?.code)).toEqual(['RESIDENCE_CARD_MISMATCH']);
});

test("a registration event naming a card whose holder has a My Number is refused by the ISA's inbox", async () => {
  const before = await counts();
  const eventId = await stack.dbs.registry.transaction((m) =>
    enqueue(m, {
      type: 'ResidentRegistered',
      key: '123456789018',
      destination: 'immigration',
      payload: { myNumber: '123456789018', residenceCardNumber: victim.residenceCardNumber!, municipalityCode: '131041', category: 'MID_TO_LONG_TERM', registeredOn: '2026-11-28' },
    }),
  );
  stack.relays.registry.kick();
  await eventually(async () => {
    const [row] = await stack.dbs.registry.query(`SELECT parked_at FROM outbox WHERE event_id = $1`, [eventId]);
    return row.parked_at !== null;
  });
  expect((await counts()).isa).toEqual(before.isa);
});
