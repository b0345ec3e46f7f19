import { databaseKind, startStack, TEST_TODAY, type Stack } from '../harness';
import { persona } from '../personas';
import { addressChange } from '../faults/addressChange';
import { holding, waitingForLocks } from '../faults/holding';
import { errorCodes } from './requests';

/**
 * A change sent twice (a double click, a counter application that retries after a timeout, a replayed request), or
 * two changes of one person at once, each take effect once and in order, or are refused with a stable code: the
 * record never shows a move that did not happen, a move-out dated before the move it follows, or an internal error.
 */

const onPostgres = databaseKind === 'postgresql' ? test : test.skip;

let stack: Stack;
let officer: string;

const MOVE_OUT = `mutation ($n: ID!, $d: String!, $on: Date!) { recordMoveOut(myNumber: $n, destinationMunicipalityCode: $d, movedOutOn: $on) { myNumber } }`;
const REPORT_LOST = `mutation ($c: String!) { reportResidenceCardLost(number: $c) { number } }`;
const RENEW = `mutation ($n: ID!, $d: Date!) { renewPeriodOfStay(myNumber: $n, newExpiry: $d) { stayExpiresOn } }`;

beforeAll(async () => {
  stack = await startStack({ persons: 20 });
  officer = await stack.token('isa-officer');
});
afterAll(() => stack?.stop());

test('a move within the municipality sent again is refused as made already, and recorded once', async () => {
  const person = await addressChange(stack, persona('specific_card').myNumber!);
  const before = await person.addresses();
  expect(errorCodes(await person.move('本町1-2-3'))).toBeUndefined();
  expect(errorCodes(await person.move(' 本町1-2-3 '))).toEqual(['SAME_ADDRESS']);
  expect(await person.addresses()).toBe(before + 1);
});

test('a move within the municipality sent twice at once is recorded once', async () => {
  const person = await addressChange(stack, persona('separate_cards').myNumber!);
  const before = await person.addresses();
  const answers = await Promise.all([person.move('栄町4-5-6'), person.move('栄町4-5-6')]);
  expect(answers.map(errorCodes).sort()).toEqual([['SAME_ADDRESS'], undefined]);
  expect(await person.addresses()).toBe(before + 1);
});

onPostgres('a move-out waiting behind a move is checked against that move, not the address before it', async () => {
  const myNumber = persona('residence_card_only').myNumber!;
  const person = await addressChange(stack, myNumber);
  const [{ id, municipality }] = await stack.dbs.registry.query(`SELECT id, municipality_code AS municipality FROM resident WHERE my_number = $1`, [myNumber]);
  const clerk = await stack.token('municipal-clerk', { municipality });
  const dayBefore = new Date(Date.parse(TEST_TODAY) - 86_400_000).toISOString().slice(0, 10);
  // Another session holds the resident, so both changes queue for it: the move (dated today) first, then a move-out
  // dated the day before, which predates the move once the move has been made.
  const [moved, movedOut] = await holding(stack.dbs.registry, `SELECT 1 FROM resident WHERE id = $1 FOR UPDATE`, [id], async () => {
    const move = person.move('緑町7-8-9');
    await waitingForLocks(stack.dbs.registry, 1);
    const moveOut = stack.query(clerk, MOVE_OUT, { n: myNumber, d: municipality === '131016' ? '131041' : '131016', on: dayBefore });
    await waitingForLocks(stack.dbs.registry, 2);
    return [move, moveOut];
  }).then((pending) => Promise.all(pending));
  expect(errorCodes(moved)).toBeUndefined();
  expect(errorCodes(movedOut)).toEqual(['INVALID_DATE']);
  const [{ moveOut }] = await stack.dbs.registry.query(`SELECT move_out_on AS "moveOut" FROM resident WHERE id = $1`, [id]);
  expect(moveOut).toBeNull();
});

onPostgres('a command naming the card and one naming the My Number of one person, at once, both take effect', async () => {
  const myNumber = persona('separate_cards_new_format').myNumber!;
  const [{ card }] = await stack.dbs.immigration.query(
    `SELECT c.number AS card FROM residence_card c JOIN foreign_resident r ON r.id = c.resident_id WHERE r.my_number = $1 AND c.status <> 'SUPERSEDED'`,
    [myNumber],
  );
  // Another session holds the card: the loss report (by card) queues first, the renewal (by My Number) after it.
  // Locking the card before its holder, the report would wait for the holder the renewal holds while the renewal
  // waits for the card, and PostgreSQL would end one of them with a deadlock error.
  const [lost, renewed] = await holding(stack.dbs.immigration, `SELECT 1 FROM residence_card WHERE number = $1 FOR UPDATE`, [card], async () => {
    const report = stack.query(officer, REPORT_LOST, { c: card });
    await waitingForLocks(stack.dbs.immigration, 1);
    const renewal = stack.query(officer, RENEW, { n: myNumber, d: '2031-03-31' });
    await waitingForLocks(stack.dbs.immigration, 2);
    return [report, renewal];
  }).then((pending) => Promise.all(pending));
  expect(errorCodes(lost)).toBeUndefined();
  expect(errorCodes(renewed)).toBeUndefined();
  const [{ stay }] = await stack.dbs.immigration.query(`SELECT stay_expires_on::text AS stay FROM foreign_resident WHERE my_number = $1`, [myNumber]);
  expect(stay).toBe('2031-03-31');
});
