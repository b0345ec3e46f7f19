import type { Counter } from 'prom-client';
import { startStack, TEST_TODAY, type Stack } from '../harness';
import { persona } from '../personas';
import { jsonHeaders, send, subgraphCalls } from './requests';

/**
 * Text no authority can store (a NUL character, half of a surrogate pair) written as a GraphQL escape sequence in
 * the query text: the JSON body holds only the six characters `\u0000`, the parsed document holds the NUL. It is
 * refused by the gateway before any subgraph is called, on the full pipeline and on the prepared path (each
 * request is sent twice to the default gateway: a query that reached planning would be answered prepared the
 * second time), and on a gateway with the prepared path off.
 */

let stack: Stack;
let fullPipelineUrl: string;
let clerk: string;
let officer: string;
let municipality: string;
const holder = persona('specific_card');

beforeAll(async () => {
  stack = await startStack({ persons: 20 });
  fullPipelineUrl = await stack.startGateway({ preparedOperations: false });
  [{ municipality }] = await stack.dbs.registry.query(`SELECT municipality_code AS municipality FROM resident WHERE my_number = $1`, [holder.myNumber]);
  clerk = await stack.token('municipal-clerk', { municipality });
  officer = await stack.token('isa-officer');
});
afterAll(() => stack?.stop());

/** The escape sequence `\u` + hex as it stands in the query text (a backslash, not the character it names). */
const escape = (hex: string) => `\\u${hex}`;
const NUL = escape('0000');

async function servedPrepared(): Promise<number> {
  const metric = stack.metrics.gateway.registry.getSingleMetric('gateway_prepared_requests_total') as Counter | undefined;
  return ((await metric?.get())?.values ?? []).reduce((sum, v) => sum + v.value, 0);
}

interface Case {
  name: string;
  token: () => string;
  query: () => string;
  variables?: () => Record<string, unknown>;
  code: string;
}

const CASES: Case[] = [
  {
    name: 'a mutation argument (changeAddress by a clerk of the holder\'s municipality)',
    token: () => clerk,
    query: () =>
      `mutation { changeAddress(myNumber: "${holder.myNumber}", municipalityCode: "${municipality}", addressLine: "x${NUL}y", movedOn: "${TEST_TODAY}") { myNumber } }`,
    code: 'BAD_USER_INPUT',
  },
  {
    name: 'a mutation argument beside variables that are clean',
    token: () => clerk,
    query: () =>
      `mutation ($n: ID!, $m: String!) { changeAddress(myNumber: $n, municipalityCode: $m, addressLine: "x${NUL}y", movedOn: "${TEST_TODAY}") { myNumber } }`,
    variables: () => ({ n: holder.myNumber, m: municipality }),
    code: 'BAD_USER_INPUT',
  },
  { name: 'a query argument', token: () => officer, query: () => `{ person(myNumber: "6214983${NUL}20257") { myNumber } }`, code: 'BAD_USER_INPUT' },
  { name: 'a query argument, braced escape', token: () => officer, query: () => `{ person(myNumber: "6214983\\u{0}20257") { myNumber } }`, code: 'BAD_USER_INPUT' },
  { name: 'an item of a list argument', token: () => officer, query: () => `{ persons(myNumbers: ["${holder.myNumber}", "${NUL}"]) { myNumber } }`, code: 'BAD_USER_INPUT' },
  {
    name: "a variable's default value",
    token: () => officer,
    query: () => `query ($n: ID! = "6214983${NUL}20257") { person(myNumber: $n) { myNumber } }`,
    code: 'BAD_USER_INPUT',
  },
  {
    name: 'a field of an input object',
    token: () => clerk,
    query: () => `mutation { registerResident(input: { familyName: "x${NUL}", givenName: "y", birthDate: "1990-01-01", sex: FEMALE,
      category: TEMPORARY_REFUGE, municipalityCode: "${municipality}", addressLine: "z" }) { myNumber } }`,
    code: 'BAD_USER_INPUT',
  },
  {
    name: 'a block string (which has no escapes: the NUL itself)',
    token: () => clerk,
    query: () =>
      `mutation { changeAddress(myNumber: "${holder.myNumber}", municipalityCode: "${municipality}", addressLine: """x\u0000y""", movedOn: "${TEST_TODAY}") { myNumber } }`,
    code: 'BAD_USER_INPUT',
  },
  // GraphQL itself allows no escape that names half of a surrogate pair: the parser refuses these.
  { name: 'an unpaired high surrogate', token: () => officer, query: () => `{ person(myNumber: "621498${escape('D800')}20257") { myNumber } }`, code: 'GRAPHQL_PARSE_FAILED' },
  { name: 'an unpaired low surrogate', token: () => officer, query: () => `{ person(myNumber: "621498${escape('DC00')}20257") { myNumber } }`, code: 'GRAPHQL_PARSE_FAILED' },
  { name: 'a surrogate, braced escape', token: () => officer, query: () => `{ person(myNumber: "621498\\u{D800}20257") { myNumber } }`, code: 'GRAPHQL_PARSE_FAILED' },
];

describe('escaped text no authority can store', () => {
  test('the JSON bodies carry no NUL: only the escape sequence', () => {
    const body = JSON.stringify({ query: CASES[0]!.query() });
    expect(body).not.toContain('\u0000');
    expect(JSON.parse(body).query).toContain('addressLine: "x\\u0000y"');
  });

  test('a clean change of address by the same clerk reaches the registry (the counters move)', async () => {
    const before = await stack.graphqlRequests('registry');
    const answer = await send(stack.gatewayUrl, {
      headers: jsonHeaders(clerk),
      body: JSON.stringify({
        query: `mutation { changeAddress(myNumber: "${holder.myNumber}", municipalityCode: "${municipality}", addressLine: "1-2-3", movedOn: "${TEST_TODAY}") { myNumber } }`,
      }),
    });
    expect({ status: answer.status, errors: answer.body?.errors }).toEqual({ status: 200, errors: undefined });
    expect(await stack.graphqlRequests('registry')).toBeGreaterThan(before);
  });

  test.each(CASES.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    const body = JSON.stringify({ query: c.query(), variables: c.variables?.() });
    const calls = await subgraphCalls(stack);
    const prepared = await servedPrepared();
    const answers = [];
    for (const url of [stack.gatewayUrl, stack.gatewayUrl, fullPipelineUrl]) {
      const answer = await send(url, { headers: jsonHeaders(c.token()), body });
      answers.push({ status: answer.status, code: answer.code, data: answer.body?.data });
    }
    const refused = { status: 400, code: c.code, data: undefined };
    expect(answers).toEqual([refused, refused, refused]);
    expect(await subgraphCalls(stack)).toBe(calls);
    expect(await servedPrepared()).toBe(prepared);
  });
});
