import { startStack, type Stack } from '../harness';

/**
 * Outside production a refused request says why, for its author (`extensions.detail`): the JSON parse error and
 * where it is, the text that is not UTF-8, the unknown field. In production only the stable code and its message.
 */
let stack: Stack;
let productionUrl: string;
let officer: string;

beforeAll(async () => {
  stack = await startStack({ persons: 0 });
  productionUrl = await stack.startGateway({ production: true });
  officer = await stack.token('isa-officer');
});
afterAll(() => stack?.stop());

async function post(url: string, body: string | Buffer): Promise<{ status: number; errors: Array<{ message: string; extensions: Record<string, unknown> }> }> {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${officer}` }, body });
  return { status: res.status, errors: ((await res.json()) as { errors: Array<{ message: string; extensions: Record<string, unknown> }> }).errors };
}

// V8's wording of a JSON error differs between Node versions; where it is and the gateway's frame around it do not.
const refusals: Array<[string, string | Buffer, string, string | RegExp]> = [
  // The README's old first query: a raw newline inside the JSON string, at offset 11 of the body.
  ['a raw newline inside a JSON string', '{"query":"{\n __typename }"}', 'BAD_REQUEST', jsonError(11, 1, 12)],
  ['a body cut short', '{"query":"{ __typename }"', 'BAD_REQUEST', jsonError(25, 1, 26)],
  ['a trailing comma, the brace on the next line', '{"query":"{ __typename }",\n}', 'BAD_REQUEST', jsonError(27, 2, 1)],
  ['bytes that are not UTF-8', Buffer.concat([Buffer.from('{"query":"'), Buffer.from([0xff]), Buffer.from('"}')]), 'BAD_REQUEST', 'The request body is not valid UTF-8'],
  ['an unknown field', JSON.stringify({ query: '{ persn }' }), 'GRAPHQL_VALIDATION_FAILED', 'Cannot query field "persn" on type "Query".'],
];

function jsonError(position: number, line: number, column: number): RegExp {
  return new RegExp(`^The request body is not valid JSON: [A-Z][^()]+ in JSON at position ${position} \\(line ${line}, column ${column}\\)$`);
}

test.each(refusals)('%s: the stable code, and outside production the detail', async (_, body, code, detail) => {
  const development = await post(stack.gatewayUrl, body);
  expect(development.status).toBe(400);
  expect(development.errors).toHaveLength(1);
  expect(development.errors[0]!.extensions).toEqual({ code, messageKey: code, detail: typeof detail === 'string' ? detail : expect.stringMatching(detail) });

  const production = await post(productionUrl, body);
  expect(production.status).toBe(400);
  expect(production.errors.map((e) => e.extensions)).toEqual([{ code, messageKey: code }]);
});
