import type { Authority } from '../../runtime/authority';
import { startStack, type Stack } from '../harness';
import { cardCheckRow, unifiedReadRow } from './accessRows';
import { OPERATIONS } from './operations';

// The honest floor and the access-log scenario write the rows accessRows.ts describes: they must be the rows the
// subgraphs write for the same requests, or the comparison is not fair.
let stack: Stack;
let token: string;
let person: { myNumber: string; card: string };

beforeAll(async () => {
  stack = await startStack({ persons: 20 });
  token = await stack.token('isa-officer');
  // A foreign resident known to all three authorities, with a card in force.
  const [row] = (await stack.dbs.immigration.query(
    `SELECT r.my_number AS "myNumber", c.number AS card FROM foreign_resident r JOIN residence_card c ON c.resident_id = r.id
     WHERE r.resident_registered AND c.status <> 'SUPERSEDED' ORDER BY r.id LIMIT 1`,
  )) as Array<{ myNumber: string; card: string }>;
  person = row!;
});
afterAll(() => stack?.stop());

const AUTHORITIES: Authority[] = ['mynumber', 'registry', 'immigration'];

async function lastRow(authority: Authority): Promise<unknown> {
  const [row] = await stack.dbs[authority].query(`SELECT subject, items, action, outcome FROM access_log ORDER BY id DESC LIMIT 1`);
  return row;
}

test('a unified-record read: one row per authority, as unifiedReadRow says', async () => {
  const { body } = await stack.query(token, OPERATIONS.unified, { n: person.myNumber });
  expect(body.errors).toBeUndefined();
  for (const a of AUTHORITIES) expect(await lastRow(a)).toEqual(unifiedReadRow(a, person.myNumber, true));
});

test("a card check: one row in the ISA's log, as cardCheckRow says", async () => {
  const { body } = await stack.query(token, OPERATIONS.verify, { number: person.card, expiresOn: '2099-12-31' });
  expect(body.errors).toBeUndefined();
  expect(await lastRow('immigration')).toEqual(cardCheckRow(person.card, person.myNumber));
});
