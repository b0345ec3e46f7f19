/**
 * The answer writer against graphql-js itself: for every value the writer takes, its bytes are exactly
 * JSON.stringify of what `execute` returns (as Apollo Server sends it); for every value it must not take (an
 * error, a null where none may be, a promise below the root), it gives up and leaves the answer to the executor.
 */
import { buildSchema, execute, parse, type GraphQLSchema, type OperationDefinitionNode } from 'graphql';
import { writeAnswer } from './writeAnswer';

const SDL = `
  type Query { table(size: Int): Table item(id: Int!): Item! items: [Item] matrix: [[Int!]] }
  type Table { name: String rows: [Row!]! total: Int share: Float complete: Boolean }
  type Row { key: [Coordinate!]! count: Int share: Float hidden: Boolean! note: String constructor: String kind: Kind id: ID }
  type Coordinate { code: String! label(language: String): String! }
  type Item { id: Int! name: String! }
  enum Kind { PLAIN SPECIAL }
`;

function schemaWith(root: Record<string, unknown>): GraphQLSchema {
  const schema = buildSchema(SDL);
  const label = schema.getType('Coordinate') as unknown as { getFields(): Record<string, { resolve?: unknown }> };
  label.getFields().label!.resolve = (c: { code: string }, args: { language?: string }) => `${c.code}:${args.language ?? 'ja'}`;
  const query = schema.getQueryType()!.getFields();
  for (const [name, value] of Object.entries(root)) query[name]!.resolve = typeof value === 'function' ? (value as never) : () => value;
  return schema;
}

async function both(root: Record<string, unknown>, text: string, variables: Record<string, unknown> = {}, pure: string[] = []) {
  const schema = schemaWith(root);
  const document = parse(text);
  const operation = document.definitions[0] as OperationDefinitionNode;
  const written = await writeAnswer(schema, operation, variables, {}, new Set(pure));
  const executed = await execute({ schema, document, variableValues: variables, contextValue: {} });
  return { written: written?.toString('utf8'), executed: `${JSON.stringify(executed)}\n`, errors: executed.errors };
}

const coordinates = [{ code: 'VNM' }, { code: '東京' }, { code: 'a"b\\c\u2028' }];
const rows = Array.from({ length: 60 }, (_, i) => ({
  key: [coordinates[i % 3], coordinates[(i + 1) % 3]],
  count: i % 7 === 0 ? null : i * 1000 - 30_000,
  share: [0.1, 1e21, 5e-7, -0, 1 / 3, 0][i % 6],
  hidden: i % 2 === 0,
  note: i % 5 === 0 ? null : `note ${i} ✓ "quoted"`,
  constructor: `own ${i}`,
  kind: i % 2 ? 'PLAIN' : 'SPECIAL',
  id: i % 3 ? i : `id-${i}`,
}));
const table = { name: '表', rows, total: 2_147_483_647, share: 0.5, complete: false };

test('every value the writer takes comes out as graphql-js executes it, byte for byte', async () => {
  const text = `query ($l: String) { t: table { __typename name total share complete
    rows { key { code label ja: label(language: "ja") l: label(language: $l) __typename } count share hidden note constructor kind id } }
    again: table { rows { count } } matrix }`;
  for (const pure of [[], ['Coordinate']]) {
    const { written, executed, errors } = await both({ table, matrix: [[1, 2], [], [3]] }, text, { l: 'vi' }, pure);
    expect(errors).toBeUndefined();
    expect(written).toBe(executed);
  }
});

test('a field named after an Object.prototype member is read from the object, as the executor reads it', async () => {
  const { written, executed } = await both({ table: { rows: [{ key: [], hidden: true, constructor: 'mine' }] } }, '{ table { rows { constructor hidden } } }');
  expect(written).toContain('"constructor":"mine"');
  expect(written).toBe(executed);
});

test('a property that is a function is called, as the default resolver calls it', async () => {
  const row = { key: [], hidden: true, count: () => 42, note: function (this: { hidden: boolean }) { return `hidden=${this.hidden}`; } };
  const { written, executed } = await both({ table: { rows: [row] } }, '{ table { rows { count note } } }');
  expect(written).toContain('"count":42');
  expect(written).toBe(executed);
});

test.each([
  ['an Int out of range', { table: { rows: [{ key: [], hidden: true, count: 2 ** 31 }] } }, '{ table { rows { count } } }'],
  ['an Int that is not whole', { table: { rows: [{ key: [], hidden: true, count: 1.5 }] } }, '{ table { rows { count } } }'],
  ['a Float that is not finite', { table: { share: Number.NaN, rows: [] } }, '{ table { share } }'],
  ['a null where the schema forbids one', { table: { rows: [{ key: [], hidden: null }] } }, '{ table { rows { hidden } } }'],
  ['a list that is not an array', { table: { rows: 'rows' } }, '{ table { rows { hidden } } }'],
  ['an unknown enum value', { table: { rows: [{ key: [], hidden: true, kind: 'OTHER' }] } }, '{ table { rows { kind } } }'],
  ['a resolver that throws', { table: () => { throw new Error('refused'); } }, '{ table { name } }'],
])('%s: the writer gives up and the executor answers, with its error', async (_, root, text) => {
  const { written, errors } = await both(root, text);
  expect(written).toBeUndefined();
  expect(errors?.length).toBeGreaterThan(0);
});

test('a promise below the root: the writer gives up and the executor waits for it', async () => {
  const { written, executed, errors } = await both({ table: { rows: Promise.resolve([{ key: [], hidden: true }]) } }, '{ table { rows { hidden } } }');
  expect(written).toBeUndefined();
  expect(errors).toBeUndefined();
  expect(executed).toBe('{"data":{"table":{"rows":[{"hidden":true}]}}}\n');
});

test('an Int given as a string or a boolean is written as graphql-js serializes it', async () => {
  const { written, executed, errors } = await both({ table: { rows: [{ key: [], hidden: true, count: '12' }, { key: [], hidden: false, count: true }] } }, '{ table { rows { count } } }');
  expect(errors).toBeUndefined();
  expect(written).toBe('{"data":{"table":{"rows":[{"count":12},{"count":1}]}}}\n');
  expect(written).toBe(executed);
});
