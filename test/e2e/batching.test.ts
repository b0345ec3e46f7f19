import { startStack, type Stack } from '../harness';
import type { Authority } from '../../runtime/authority';

let stack: Stack;
let myNumbers: string[];
let token: string;

beforeAll(async () => {
  stack = await startStack({ persons: 300 });
  const rows: Array<{ my_number: string }> = await stack.dbs.mynumber.query(
    `SELECT my_number FROM my_number ORDER BY my_number LIMIT 100`,
  );
  myNumbers = rows.map((r) => r.my_number);
  token = await stack.token('isa-officer');
});
afterAll(() => stack?.stop());

const AUTHORITIES: Authority[] = ['mynumber', 'registry', 'immigration'];

/** SQL statements each subgraph ran for one gateway request, read from its /metrics before and after. */
async function statementsFor(query: string, ns: string[]): Promise<Record<Authority, number>> {
  const before = await Promise.all(AUTHORITIES.map((a) => stack.statements(a)));
  const { body } = await stack.query(token, query, { ns });
  expect(body.errors).toBeUndefined();
  const persons = (body.data as { persons: Array<{ myNumber: string; immigration: unknown } | null> }).persons;
  expect(persons.map((p) => p?.myNumber)).toEqual(ns);
  expect(persons.every((p) => p?.immigration !== null)).toBe(true);
  const after = await Promise.all(AUTHORITIES.map((a) => stack.statements(a)));
  return Object.fromEntries(AUTHORITIES.map((a, i) => [a, after[i]! - before[i]!])) as Record<Authority, number>;
}

const UNIFIED = `query ($ns: [ID!]!) { persons(myNumbers: $ns) {
  myNumber myNumberAssignedOn myNumberCard { kind status functions { function status } }
  resident { familyName category municipality { name } address { line } addressHistory { line } }
  immigration { residentClass statusOfResidence specificCardEligibility { eligibility } }
  residenceCard { number status validUntil } cardArrangement } }`;

test('persons with 100 My Numbers: one SQL statement per subgraph', async () => {
  expect(myNumbers).toHaveLength(100);
  expect(await statementsFor(UNIFIED, myNumbers)).toEqual({ mynumber: 1, registry: 1, immigration: 1 });
});

test('a list field (card history) adds one batched statement, the same for 10 persons as for 100', async () => {
  const withHistory = UNIFIED.replace('residentClass', 'residentClass residenceCards { number status }');
  const ten = await statementsFor(withHistory, myNumbers.slice(0, 10));
  const hundred = await statementsFor(withHistory, myNumbers);
  expect(ten).toEqual({ mynumber: 1, registry: 1, immigration: 2 });
  expect(hundred).toEqual(ten);
});
