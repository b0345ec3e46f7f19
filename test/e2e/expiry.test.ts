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
