import { ASSIGNMENT_PATH } from '../../schema/internalPaths';
import { keysDir } from '../../runtime/keys';
import { eventsOptionsFor } from '../../subgraphs/kit/eventRoutes';
import { callInternal } from '../../subgraphs/kit/internalCall';
import { databaseKind, startStack, TEST_TODAY, type Stack } from '../harness';
import { eventually, persona } from '../personas';
import { holding, refusingLogRows, waitingForLocks } from '../faults/holding';
import { errorCodes } from './requests';

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

/** The municipality J-LIS keeps a My Number under: whose clerks act for its holder. */
async function jlisMunicipality(myNumber: string): Promise<string | null> {
  const [row] = await stack.dbs.mynumber.query(`SELECT municipality_code AS m FROM my_number WHERE my_number = $1`, [myNumber]);
  return row.m;
}

const myNumberOf = (answer: { body: { data?: unknown } }) => (answer.body.data as { registerResident: { myNumber: string } }).registerResident.myNumber;

/**
 * A new arrival's registration by the first clerk that fails after J-LIS gave the number: the registry cannot write
 * its log, so its transaction rolls back. `pending`: the number J-LIS assigned, which no resident holds yet.
 */
async function failedAfterJlis(card: string) {
  const holder = await newArrival(card);
  const before = await counts();
  const numbersBefore = await jlisNumbers();
  const failed = await refusingLogRows(stack.dbs.registry, () => stack.query(clerk, REGISTER, input(holder)));
  expect(errorCodes(failed)).toEqual(['ACCESS_LOG_UNAVAILABLE']);
  expect(await counts()).toEqual({ residents: before.residents, numbers: before.numbers + 1 });
  const assigned = [...(await jlisNumbers())].filter((n) => !numbersBefore.has(n));
  expect(assigned).toHaveLength(1);
  return { holder, before, pending: assigned[0]! };
}

test('the same card registered three times at once: one resident, one My Number, the others refused', async () => {
  const holder = await newArrival('AB12345678CD');
  const before = await counts();
  const answers = await Promise.all([1, 2, 3].map(() => stack.query(clerk, REGISTER, input(holder))));
  const made = answers.filter((a) => a.body.errors === undefined);
  expect(made).toHaveLength(1);
  const myNumber = myNumberOf(made[0]!);
  // Every refused try gets the ISA's one answer for a card that may not be registered, whoever refused it.
  for (const refused of answers.filter((a) => a !== made[0])) expect(errorCodes(refused)).toEqual(['RESIDENCE_CARD_MISMATCH']);
  expect(await counts()).toEqual({ residents: before.residents + 1, numbers: before.numbers + 1 });
  const [recorded] = await stack.dbs.registry.query(`SELECT my_number AS n FROM resident WHERE registered_with_card = $1`, [holder.card]);
  expect(recorded.n).toBe(myNumber);
  await eventually(async () => (await isaNumber(holder.card)) === myNumber);
});

test('a registration that failed after J-LIS gave the number gets that number when tried again, and no other', async () => {
  const { holder, before, pending: kept } = await failedAfterJlis('EF23456789GH');

  const again = await stack.query(clerk, REGISTER, input(holder));
  expect(errorCodes(again)).toBeUndefined();
  expect(myNumberOf(again)).toBe(kept);
  expect(await counts()).toEqual({ residents: before.residents + 1, numbers: before.numbers + 1 });
  await eventually(async () => (await isaNumber(holder.card)) === kept);
});

test('a registration that failed in one municipality and is made in another: one number, kept under the second', async () => {
  const { holder, before, pending } = await failedAfterJlis('NP45678901QR');
  // The number is under no municipality: the first one's card counter cannot act for it, though its clerk asked.
  expect(await jlisMunicipality(pending)).toBeNull();
  const cardCounter = await stack.token('municipal-clerk', { municipality: '131041', purpose: 'my-number-card-issuance' });
  const issued = await stack.query(cardCounter, `mutation ($n: ID!) { issueMyNumberCard(myNumber: $n) { myNumber } }`, { n: pending });
  expect(errorCodes(issued)).toEqual(['PERSON_NOT_FOUND']);
  const made = await stack.query(otherClerk, REGISTER, input(holder, '131016'));
  expect(errorCodes(made)).toBeUndefined();
  expect(await counts()).toEqual({ residents: before.residents + 1, numbers: before.numbers + 1 });
  // J-LIS keeps the number under the municipality that recorded the resident (from the registry's event): its
  // clerks act for them, the first's do not.
  await eventually(async () => (await jlisMunicipality(myNumberOf(made))) === '131016');
  const assignedOn = async (municipality: string) => {
    const counter = await stack.token('municipal-clerk', { municipality, purpose: 'my-number-card-issuance' });
    const { body } = await stack.query(counter, `query ($n: ID!) { person(myNumber: $n) { myNumberAssignedOn } }`, { n: myNumberOf(made) });
    return (body.data as { person: { myNumberAssignedOn: string | null } | null }).person?.myNumberAssignedOn ?? null;
  };
  expect(await assignedOn('131016')).toBe(TEST_TODAY);
  expect(await assignedOn('131041')).toBeNull();
  // A request for the number that arrives late (the first try's, given up on by the registry) changes nothing.
  const [{ code }] = await stack.dbs.registry.query(`SELECT resident_record_code AS code FROM registration_claim WHERE claim = $1`, [`card:${holder.card}`]);
  const { signingKey } = await eventsOptionsFor('registry', keysDir(stack.dataDir), {}, {});
  const late = await callInternal<{ myNumber: string }>('registry', 'mynumber', stack.subgraphUrls.mynumber.replace('/graphql', ''), ASSIGNMENT_PATH, {
    residentRecordCode: code, birthDate: holder.birthDate, municipalityCode: '131041', assignedOn: TEST_TODAY,
  }, signingKey);
  expect(late.myNumber).toBe(myNumberOf(made));
  expect(await jlisMunicipality(myNumberOf(made))).toBe('131016');
});

onPostgres('two municipalities register one card at once: one resident, one number, under the one that recorded it', async () => {
  const holder = await newArrival('ST56789012UV');
  const before = await counts();
  const [a, b] = await Promise.all([stack.query(clerk, REGISTER, input(holder)), stack.query(otherClerk, REGISTER, input(holder, '131016'))]);
  const made = [a, b].filter((x) => errorCodes(x) === undefined);
  expect(made).toHaveLength(1);
  expect(errorCodes(made[0] === a ? b : a)).toEqual(['RESIDENCE_CARD_MISMATCH']);
  expect(await counts()).toEqual({ residents: before.residents + 1, numbers: before.numbers + 1 });
  const [{ municipality }] = await stack.dbs.registry.query(`SELECT municipality_code AS municipality FROM resident WHERE my_number = $1`, [myNumberOf(made[0]!)]);
  await eventually(async () => (await jlisMunicipality(myNumberOf(made[0]!))) === municipality);
});

onPostgres('a card recorded in one municipality is refused in another while the ISA has not yet heard of it', async () => {
  const holder = await newArrival('JK34567890LM');
  const before = await counts();
  // The ISA cannot apply the registration's event while another session holds its record of the holder: its
  // check keeps finding the holder unregistered, as it does whenever the event is late (the ISA was down, a backlog).
  const [{ id }] = await stack.dbs.immigration.query(`SELECT resident_id AS id FROM residence_card WHERE number = $1`, [holder.card]);
  const { first, second, unknown } = await holding(stack.dbs.immigration, `SELECT 1 FROM foreign_resident WHERE id = $1 FOR UPDATE`, [id], async () => {
    const first = await stack.query(otherClerk, REGISTER, input(holder, '131016'));
    const second = await stack.query(clerk, REGISTER, input(holder));
    const unknown = await stack.query(clerk, REGISTER, input({ ...holder, card: 'ZZ99999999ZZ' }));
    return { first, second, unknown };
  });
  expect(errorCodes(first)).toBeUndefined();
  // The same answer as for a card the ISA refuses: the try tells the clerk nothing the ISA's answer would not.
  expect(errorCodes(second)).toEqual(['RESIDENCE_CARD_MISMATCH']);
  expect(second).toEqual(unknown);
  // It stopped before J-LIS: no number was assigned for it, and J-LIS keeps the first municipality's.
  expect(await counts()).toEqual({ residents: before.residents + 1, numbers: before.numbers + 1 });
  const myNumber = myNumberOf(first);
  // J-LIS was asked once, by the first: the second was refused before it.
  const [{ asked }] = await stack.dbs.mynumber.query(`SELECT count(*)::int AS asked FROM access_log WHERE action = 'assignMyNumber' AND subject = $1`, [myNumber]);
  expect(asked).toBe(1);
  await eventually(async () => (await jlisMunicipality(myNumber)) === '131016');
  // The refused try is in the holder's history: logged against their My Number, under the clerk's request.
  const rows: Array<{ subject: string; outcome: string; agency: string }> = await stack.dbs.registry.query(
    `SELECT subject, outcome, agency FROM access_log WHERE action = 'registerResident' AND subject = $1 ORDER BY id`,
    [myNumber],
  );
  expect(rows.map((r) => r.outcome)).toEqual(['ok', 'rejected:RESIDENCE_CARD_MISMATCH']);
  await eventually(async () => (await isaNumber(holder.card)) === myNumber, 30_000);
});

describe('a registration without a card, known by the key its counter chose', () => {
  const birth = (key: string, requestKey?: string) => ({
    i: { familyName: 'Z', givenName: key, birthDate: '2026-11-01', sex: 'FEMALE', category: 'TRANSITIONAL_AFTER_BIRTH', municipalityCode: '131041', addressLine: '2-2', requestKey },
  });

  test('sent again, and three times at once, it records one resident and answers each send with them', async () => {
    const before = await counts();
    const first = await stack.query(clerk, REGISTER, birth('a', 'counter-7f3a'));
    const again = await stack.query(clerk, REGISTER, birth('a', 'counter-7f3a'));
    expect(errorCodes(first)).toBeUndefined();
    expect(again).toEqual(first);
    const atOnce = await Promise.all([1, 2, 3].map(() => stack.query(clerk, REGISTER, birth('b', 'counter-9b1c'))));
    expect(atOnce.map(errorCodes)).toEqual([undefined, undefined, undefined]);
    expect(new Set(atOnce.map(myNumberOf)).size).toBe(1);
    expect(await counts()).toEqual({ residents: before.residents + 2, numbers: before.numbers + 2 });
  });

  test('a key is letters, digits, - or _, at most 64', async () => {
    for (const key of ['', 'a b', 'x'.repeat(65), 'キー']) {
      expect(errorCodes(await stack.query(clerk, REGISTER, birth('c', key)))).toEqual(['BAD_USER_INPUT']);
    }
    // Another municipality's registration is refused for that first, whatever its key.
    const elsewhere = { i: { ...birth('c', 'a b').i, municipalityCode: '131016' } };
    expect(errorCodes(await stack.query(clerk, REGISTER, elsewhere))).toEqual(['FORBIDDEN']);
  });

  test('sent again after the resident moved to another municipality, or was removed, it shows them no longer', async () => {
    const first = await stack.query(clerk, REGISTER, birth('d', 'counter-2c4e'));
    await stack.dbs.registry.query(`UPDATE resident SET municipality_code = '131016' WHERE my_number = $1`, [myNumberOf(first)]);
    const again = await stack.query(clerk, REGISTER, birth('d', 'counter-2c4e'));
    expect(errorCodes(again)).toEqual(['RESIDENT_ALREADY_REGISTERED']);
    expect(again.body.data).toBeNull();
    const made = await stack.query(clerk, REGISTER, birth('e', 'counter-6d0a'));
    await stack.dbs.registry.query(`UPDATE resident SET removed_on = $2, removal_reason = 'DEATH' WHERE my_number = $1`, [myNumberOf(made), TEST_TODAY]);
    const afterRemoval = await stack.query(clerk, REGISTER, birth('e', 'counter-6d0a'));
    expect(errorCodes(afterRemoval)).toEqual(['RESIDENT_ALREADY_REGISTERED']);
    expect(afterRemoval.body.data).toBeNull();
  });

  test("a send answered again is in the resident's history, as the first is", async () => {
    const first = await stack.query(clerk, REGISTER, birth('f', 'counter-1e5b'));
    expect(await stack.query(clerk, REGISTER, birth('f', 'counter-1e5b'))).toEqual(first);
    const rows = await stack.dbs.registry.query(`SELECT outcome FROM access_log WHERE action = 'registerResident' AND subject = $1 ORDER BY id`, [myNumberOf(first)]);
    expect(rows.map((r: { outcome: string }) => r.outcome)).toEqual(['ok', 'ok']);
  });
});

describe("a card holder's registration sent again with the key its counter chose", () => {
  const keyed = (h: { card: string; birthDate: string; sex: string }, requestKey: string, municipalityCode = '131041') => ({
    i: { ...input(h, municipalityCode).i, requestKey },
  });
  /** The registry's rows of the command against the holder, oldest first. */
  const commandRows = async (myNumber: string) =>
    ((await stack.dbs.registry.query(`SELECT outcome FROM access_log WHERE action = 'registerResident' AND subject = $1 ORDER BY id`, [myNumber])) as Array<{
      outcome: string;
    }>).map((r) => r.outcome);

  test('after its answer was lost it answers with the resident; every other send of the card is refused as before', async () => {
    const holder = await newArrival('CK12121212AA');
    const before = await counts();
    const first = await stack.query(clerk, REGISTER, keyed(holder, 'counter-5d1e'));
    expect(errorCodes(first)).toBeUndefined();
    const myNumber = myNumberOf(first);
    // The ISA has heard of the registration, so it refuses the card from now on: the answer must not depend on it.
    await eventually(async () => (await isaNumber(holder.card)) === myNumber);
    const again = await stack.query(clerk, REGISTER, keyed(holder, 'counter-5d1e'));
    expect(again).toEqual(first);
    // The answer shows the resident: the holder's history shows it, as it shows the first send.
    expect(await commandRows(myNumber)).toEqual(['ok', 'ok']);
    // Without the key, with another, from another municipality with the same key, or naming the person otherwise:
    // the ISA's one refusal, the same answer as for a card the ISA has never seen.
    const unknown = await stack.query(clerk, REGISTER, keyed({ ...holder, card: 'ZZ88888888ZZ' }, 'counter-5d1e'));
    expect(errorCodes(unknown)).toEqual(['RESIDENCE_CARD_MISMATCH']);
    const otherBirthDate = holder.birthDate === '1990-01-01' ? '1990-01-02' : '1990-01-01';
    const refused = [
      await stack.query(clerk, REGISTER, input(holder)),
      await stack.query(clerk, REGISTER, keyed(holder, 'counter-0000')),
      await stack.query(otherClerk, REGISTER, keyed(holder, 'counter-5d1e', '131016')),
      await stack.query(clerk, REGISTER, keyed({ ...holder, birthDate: otherBirthDate }, 'counter-5d1e')),
      await stack.query(clerk, REGISTER, { i: { ...keyed(holder, 'counter-5d1e').i, familyName: 'W' } }),
      await stack.query(clerk, REGISTER, { i: { ...keyed(holder, 'counter-5d1e').i, givenName: 'V' } }),
      await stack.query(clerk, REGISTER, keyed({ ...holder, sex: holder.sex === 'MALE' ? 'FEMALE' : 'MALE' }, 'counter-5d1e')),
      await stack.query(clerk, REGISTER, { i: { ...keyed(holder, 'counter-5d1e').i, category: 'SPECIAL_PERMANENT' } }),
    ];
    for (const answer of refused) expect(answer).toEqual(unknown);
    expect(await counts()).toEqual({ residents: before.residents + 1, numbers: before.numbers + 1 });
    expect(await commandRows(myNumber)).toEqual(['ok', 'ok']);
  });

  test('three sends at once with one key: one resident, and every send answered with them', async () => {
    const holder = await newArrival('CK34343434BB');
    const before = await counts();
    const answers = await Promise.all([1, 2, 3].map(() => stack.query(clerk, REGISTER, keyed(holder, 'counter-8e2f'))));
    expect(answers.map(errorCodes)).toEqual([undefined, undefined, undefined]);
    expect(new Set(answers.map(myNumberOf)).size).toBe(1);
    expect(await counts()).toEqual({ residents: before.residents + 1, numbers: before.numbers + 1 });
  });

  onPostgres('three sends at once with one key, all past the first check before one records: each answered with the resident', async () => {
    const holder = await newArrival('CK78787878DD');
    const before = await counts();
    // Another session keeps residents from being inserted, so all three sends pass the check before the ISA and
    // queue at the insert; then one records the holder, and the other two, refused there, are answered again.
    const answers = await holding(stack.dbs.registry, `LOCK TABLE resident IN SHARE MODE`, [], async () => {
      const pending = [1, 2, 3].map(() => stack.query(clerk, REGISTER, keyed(holder, 'counter-1f6d')));
      await waitingForLocks(stack.dbs.registry, 3);
      return pending;
    }).then((pending) => Promise.all(pending));
    expect(answers.map(errorCodes)).toEqual([undefined, undefined, undefined]);
    expect(new Set(answers.map(myNumberOf)).size).toBe(1);
    expect(await counts()).toEqual({ residents: before.residents + 1, numbers: before.numbers + 1 });
    expect(await commandRows(myNumberOf(answers[0]!))).toEqual(['ok', 'ok', 'ok']);
  });

  onPostgres('a replay checked while the resident moves away is refused, not shown', async () => {
    const holder = await newArrival('CK13131313FF');
    const first = await stack.query(clerk, REGISTER, keyed(holder, 'counter-7c2d'));
    const myNumber = myNumberOf(first);
    const unknown = await stack.query(clerk, REGISTER, keyed({ ...holder, card: 'ZZ66666666ZZ' }, 'counter-7c2d'));
    // A move-in elsewhere, under way in another session: the replay's first check still sees the resident here, and
    // its check in the transaction that would answer waits for the move, then sees it.
    const move = stack.dbs.registry.createQueryRunner();
    await move.connect();
    let replay: ReturnType<typeof stack.query>;
    try {
      await move.query('BEGIN');
      await move.query(`UPDATE resident SET municipality_code = '131016' WHERE my_number = $1`, [myNumber]);
      replay = stack.query(clerk, REGISTER, keyed(holder, 'counter-7c2d'));
      await waitingForLocks(stack.dbs.registry, 1);
      await move.query('COMMIT');
    } finally {
      await move.release();
    }
    expect(await replay).toEqual(unknown);
    expect(await commandRows(myNumber)).toEqual(['ok', 'rejected:RESIDENCE_CARD_MISMATCH']);
  });

  test('sent again once the resident moved away, or was removed, it is refused as any recorded card is', async () => {
    const moved = await newArrival('CK56565656CC');
    const first = await stack.query(clerk, REGISTER, keyed(moved, 'counter-3a9b'));
    expect(errorCodes(first)).toBeUndefined();
    // A move-in to the other municipality: neither the first municipality nor the new one may replay the key.
    await stack.dbs.registry.query(`UPDATE resident SET municipality_code = '131016' WHERE my_number = $1`, [myNumberOf(first)]);
    const unknownHere = await stack.query(clerk, REGISTER, keyed({ ...moved, card: 'ZZ77777777ZZ' }, 'counter-3a9b'));
    const unknownThere = await stack.query(otherClerk, REGISTER, keyed({ ...moved, card: 'ZZ77777777ZZ' }, 'counter-3a9b', '131016'));
    expect(errorCodes(unknownHere)).toEqual(['RESIDENCE_CARD_MISMATCH']);
    expect(await stack.query(clerk, REGISTER, keyed(moved, 'counter-3a9b'))).toEqual(unknownHere);
    expect(await stack.query(otherClerk, REGISTER, keyed(moved, 'counter-3a9b', '131016'))).toEqual(unknownThere);

    const removed = await newArrival('CK90909090EE');
    const made = await stack.query(clerk, REGISTER, keyed(removed, 'counter-4b8c'));
    expect(errorCodes(made)).toBeUndefined();
    await stack.dbs.registry.query(`UPDATE resident SET removed_on = $2, removal_reason = 'DEPARTURE' WHERE my_number = $1`, [myNumberOf(made), TEST_TODAY]);
    expect(await stack.query(clerk, REGISTER, keyed(removed, 'counter-4b8c'))).toEqual(unknownHere);
  });
});
