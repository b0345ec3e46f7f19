/**
 * My Number cards and functions expire by date (issue 18 item 6): as the date passes, with no one acting on the record,
 * the card reads EXPIRED, the arrangement follows, and J-LIS tells the ISA by an event (DESIGN.md §3). The suite's
 * clock is fixed (TEST_TODAY, 2026-11-28), so the passing of time is set up by moving the cards' last valid day to the
 * day before; J-LIS is then restarted, as a new day finds it running, and does the rest by itself.
 */
import { startStack, TEST_TODAY, type Stack } from '../harness';
import { eventually, persona } from '../personas';

const YESTERDAY = '2026-11-27';
const RECORD = `query ($n: ID!) { person(myNumber: $n) {
  cardArrangement
  residenceCard { number status validUntil myNumberFunctionEndedOn myNumberFunctionEndReason }
  myNumberCard { kind status statusReason validUntil functions { function status } }
  pendingChanges { event }
} }`;

interface Record {
  cardArrangement: string;
  residenceCard: { number: string; status: string; validUntil: string; myNumberFunctionEndedOn: string | null; myNumberFunctionEndReason: string | null };
  myNumberCard: { kind: string; status: string; statusReason: string | null; validUntil: string; functions: Array<{ function: string; status: string }> };
  pendingChanges: Array<{ event: string }>;
}

let stack: Stack;
let officer: string;

beforeAll(async () => {
  stack = await startStack({ persons: 0 });
  officer = await stack.token('isa-officer');
});
afterAll(() => stack?.stop());

async function record(myNumber: string): Promise<Record> {
  const { body } = await stack.query(officer, RECORD, { n: myNumber });
  expect(body.errors).toBeUndefined();
  return (body.data as unknown as { person: Record }).person;
}

/** The ISA's statistics: persons counted as (b) and as (c). */
async function arrangements(): Promise<{ [arrangement: string]: number }> {
  const rows: Array<{ arrangement: string; persons: string }> = await stack.dbs.immigration.query(
    `SELECT arrangement, sum(persons)::text AS persons FROM stats_count
     WHERE arrangement IN ('SEPARATE_CARDS', 'RESIDENCE_CARD_ONLY') GROUP BY 1`,
  );
  return Object.fromEntries(rows.map((r) => [r.arrangement, Number(r.persons)]));
}

/** The day passes for a person's My Number card: its last valid day (and its functions') becomes yesterday. */
async function validUntilYesterday(myNumber: string): Promise<void> {
  await stack.dbs.mynumber.query(
    `UPDATE card_function SET valid_until = $2 WHERE valid_until IS NOT NULL AND card_id IN (SELECT id FROM my_number_card WHERE my_number = $1)`,
    [myNumber, YESTERDAY],
  );
  await stack.dbs.mynumber.query(`UPDATE my_number_card SET valid_until = $2 WHERE my_number = $1`, [myNumber, YESTERDAY]);
}

test('a standalone My Number card past its date is EXPIRED, (b) becomes (c), and the ISA is told', async () => {
  const n = persona('separate_cards').myNumber!; // stay to 2028-02-10, My Number card to 2028-02-10
  const held = () => stack.dbs.immigration.query(`SELECT my_number_card_held AS held FROM foreign_resident WHERE my_number = $1`, [n]);
  expect(await held()).toEqual([{ held: true }]);
  const before = await arrangements();
  await validUntilYesterday(n);

  // Read at once: the date decides, before any process has acted.
  const now = await record(n);
  expect(now.myNumberCard).toMatchObject({ kind: 'MY_NUMBER_CARD', status: 'EXPIRED', statusReason: 'VALIDITY_ENDED', validUntil: YESTERDAY });
  expect(now.myNumberCard.functions.map((f) => f.status)).toEqual(['EXPIRED', 'EXPIRED', 'EXPIRED']);
  expect(now.cardArrangement).toBe('RESIDENCE_CARD_ONLY');

  // J-LIS records the expiry by itself and tells the ISA, whose statistics count the person as (c).
  await stack.stopSubgraph('mynumber');
  await stack.startSubgraph('mynumber');
  await eventually(async () => ((await held())[0]?.held === false ? true : undefined));
  const [stored] = await stack.dbs.mynumber.query(
    `SELECT status, status_reason AS reason FROM my_number_card WHERE my_number = $1 ORDER BY issued_on DESC, id DESC LIMIT 1`,
    [n],
  );
  expect(stored).toEqual({ status: 'EXPIRED', reason: 'VALIDITY_ENDED' });
  expect(await arrangements()).toEqual({ SEPARATE_CARDS: before.SEPARATE_CARDS! - 1, RESIDENCE_CARD_ONLY: before.RESIDENCE_CARD_ONLY! + 1 });
});

test('the My Number function of a specific card whose residence card expired expires with it, recorded on the card', async () => {
  const p = persona('specific_special_permanent_resident');
  const n = p.myNumber!;
  await stack.dbs.immigration.query(`UPDATE residence_card SET valid_until = $2 WHERE number = $1`, [p.residenceCardNumber, YESTERDAY]);
  await validUntilYesterday(n);

  const now = await record(n);
  expect(now.residenceCard).toMatchObject({ status: 'EXPIRED', myNumberFunctionEndedOn: null });
  expect(now.myNumberCard).toMatchObject({ kind: 'SPECIFIC_SPECIAL_PERMANENT_RESIDENT_CERTIFICATE', status: 'EXPIRED' });
  expect(now.cardArrangement).toBe('NONE');

  await stack.stopSubgraph('mynumber');
  await stack.startSubgraph('mynumber');
  const after = await eventually(async () => {
    const r = await record(n);
    return r.residenceCard.myNumberFunctionEndedOn ? r : undefined;
  });
  // The function ended at the start of the first day it was no longer valid.
  expect(after.residenceCard).toMatchObject({ myNumberFunctionEndedOn: TEST_TODAY, myNumberFunctionEndReason: 'VALIDITY_ENDED' });
});

/** The ISA's statistics: persons counted per card arrangement. */
async function byArrangement(): Promise<{ [arrangement: string]: number }> {
  const rows: Array<{ arrangement: string; persons: string }> = await stack.dbs.immigration.query(
    `SELECT arrangement, sum(persons)::text AS persons FROM stats_count GROUP BY 1`,
  );
  return Object.fromEntries(rows.map((r) => [r.arrangement, Number(r.persons)]));
}

/** The ISA's recorded status of a card. */
async function storedStatus(cardNumber: string): Promise<string> {
  const [card] = await stack.dbs.immigration.query(`SELECT status FROM residence_card WHERE number = $1`, [cardNumber]);
  return (card as { status: string }).status;
}

/** The cards still recorded VALID past their date, by number. */
async function validPastDate(): Promise<string[]> {
  const rows: Array<{ number: string }> = await stack.dbs.immigration.query(
    `SELECT number FROM residence_card WHERE status = 'VALID' AND valid_until < $1 ORDER BY number`,
    [TEST_TODAY],
  );
  return rows.map((r) => r.number);
}

/** A new day finds the ISA running: restarted, it sweeps at once; waits until only `kept` are left VALID past their date. */
async function sweepIsa(kept: string[]): Promise<void> {
  await stack.stopSubgraph('immigration');
  await stack.startSubgraph('immigration');
  await eventually(async () => (JSON.stringify(await validPastDate()) === JSON.stringify([...kept].sort()) ? true : undefined));
}

// The special period's persona: stay and card to 2026-11-20, an application filed in time and pending on TEST_TODAY.
const KEPT = persona('special_period');

test('a residence card past its date is recorded EXPIRED by the ISA, reads do not change, and its statistics follow', async () => {
  // Cards the tests before left past their date are recorded first, so that only this one moves below.
  await sweepIsa([KEPT.residenceCardNumber!]);
  const p = persona('residence_card_only');
  const n = p.myNumber!;
  await stack.dbs.immigration.query(`UPDATE residence_card SET valid_until = $2 WHERE number = $1`, [p.residenceCardNumber, YESTERDAY]);

  // Read at once: the date decides. The statistics still count the card recorded VALID: (c).
  const before = await record(n);
  expect(before.residenceCard).toMatchObject({ status: 'EXPIRED', validUntil: YESTERDAY });
  expect(before.cardArrangement).toBe('NONE');
  expect(await storedStatus(p.residenceCardNumber!)).toBe('VALID');
  const counted = await byArrangement();

  // The ISA records the expiry by itself, and counts the person with no card in force.
  await sweepIsa([KEPT.residenceCardNumber!]);
  expect(await storedStatus(p.residenceCardNumber!)).toBe('EXPIRED');
  expect(await record(n)).toEqual(before);
  expect(await byArrangement()).toEqual({ ...counted, RESIDENCE_CARD_ONLY: counted.RESIDENCE_CARD_ONLY! - 1, NONE: (counted.NONE ?? 0) + 1 });
});

test('a card the special period keeps stays VALID in the record until the period ends; the next sweep records it EXPIRED', async () => {
  const n = KEPT.myNumber!;
  const kept = await record(n);
  expect(kept.residenceCard).toMatchObject({ status: 'VALID', validUntil: '2026-11-20' });
  // Another card past its date, after this one in the sweep's order: once it is recorded, this one was looked at.
  const other = persona('technical_intern');
  await stack.dbs.immigration.query(`UPDATE residence_card SET valid_until = $2 WHERE number = $1`, [other.residenceCardNumber, YESTERDAY]);
  await sweepIsa([KEPT.residenceCardNumber!]);
  expect(await storedStatus(other.residenceCardNumber!)).toBe('EXPIRED');
  expect(await storedStatus(KEPT.residenceCardNumber!)).toBe('VALID');
  expect(await record(n)).toEqual(kept);

  // Refused today: the special period ends, the card reads EXPIRED at once and is recorded so by the next sweep.
  const { body } = await stack.query(officer, `mutation ($n: ID!) { refuseExtension(myNumber: $n) { specialPeriodUntil } }`, { n });
  expect(body).toEqual({ data: { refuseExtension: { specialPeriodUntil: null } } });
  const ended = await record(n);
  expect(ended.residenceCard.status).toBe('EXPIRED');
  expect(await storedStatus(KEPT.residenceCardNumber!)).toBe('VALID');
  await sweepIsa([]);
  expect(await storedStatus(KEPT.residenceCardNumber!)).toBe('EXPIRED');
  expect(await record(n)).toEqual(ended);
});

test('a card recorded EXPIRED by a sweep whose day had turned still reads by its date, and an application in time keeps it', async () => {
  // The stay and the card end today; a sweep past midnight, or on a replica whose clock runs ahead, recorded the card
  // EXPIRED before this request's application committed.
  const p = persona('separate_cards');
  const n = p.myNumber!;
  await stack.dbs.immigration.query(`UPDATE foreign_resident SET stay_expires_on = $2 WHERE my_number = $1`, [n, TEST_TODAY]);
  await stack.dbs.immigration.query(`UPDATE residence_card SET valid_until = $2, status = 'EXPIRED' WHERE number = $1`, [p.residenceCardNumber, TEST_TODAY]);
  const today = await record(n);
  expect(today.residenceCard).toMatchObject({ status: 'VALID', validUntil: TEST_TODAY });
  const counted = await byArrangement();

  const { body } = await stack.query(officer, `mutation ($n: ID!) { applyForExtension(myNumber: $n) { specialPeriodUntil } }`, { n });
  expect(body.errors).toBeUndefined();
  // Recorded VALID again, as if the application had come first: counted with its card again.
  expect(await storedStatus(p.residenceCardNumber!)).toBe('VALID');
  expect(await record(n)).toMatchObject({ residenceCard: { status: 'VALID' }, cardArrangement: today.cardArrangement });
  const arrangement = today.cardArrangement;
  expect(await byArrangement()).toEqual({ ...counted, NONE: counted.NONE! - 1, [arrangement]: counted[arrangement]! + 1 });
});

test('a card past its date is not converted to a specific card, whether recorded VALID or EXPIRED', async () => {
  // A student whose stay (and card) ended yesterday with no application: arrangement (b) or (c) until then.
  const p = persona('student_activity_outside_status');
  const n = p.myNumber!;
  await stack.dbs.immigration.query(`UPDATE foreign_resident SET stay_expires_on = $2 WHERE my_number = $1`, [n, YESTERDAY]);
  await stack.dbs.immigration.query(`UPDATE residence_card SET valid_until = $2 WHERE number = $1`, [p.residenceCardNumber, YESTERDAY]);
  const cards = () =>
    stack.dbs.immigration.query(
      `SELECT c.number, c.kind, c.status FROM residence_card c JOIN foreign_resident f ON f.id = c.resident_id WHERE f.my_number = $1 ORDER BY c.number`,
      [n],
    );
  const issued = () => stack.dbs.immigration.query(`SELECT count(*)::int AS n FROM outbox WHERE type = 'SpecificCardIssued' AND aggregate_key = $1`, [n]);
  const issue = async () => (await stack.query(officer, `mutation ($n: ID!) { issueSpecificResidenceCard(myNumber: $n) { number } }`, { n })).body;
  const before = { cards: await cards(), issued: await issued() };
  expect(before.issued).toEqual([{ n: 0 }]);

  // Recorded VALID, past its date: the date decides.
  expect(await storedStatus(p.residenceCardNumber!)).toBe('VALID');
  const refused = await issue();
  expect(refused.data).toBeNull();
  expect(refused.errors?.[0]?.extensions).toMatchObject({ code: 'CARD_NOT_IN_FORCE', cardStatus: 'EXPIRED' });
  expect({ cards: await cards(), issued: await issued() }).toEqual(before);

  // Recorded EXPIRED by the sweep: the same.
  await sweepIsa([]);
  expect(await storedStatus(p.residenceCardNumber!)).toBe('EXPIRED');
  expect((await issue()).errors?.[0]?.extensions).toMatchObject({ code: 'CARD_NOT_IN_FORCE', cardStatus: 'EXPIRED' });
  expect(await issued()).toEqual([{ n: 0 }]);
  expect((await cards()).map((c: { status: string }) => c.status)).toEqual(before.cards.map((c: { status: string }) => (c.status === 'VALID' ? 'EXPIRED' : c.status)));
});
