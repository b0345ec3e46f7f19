import type { GatewayExecutor, GatewayGraphQLRequestContext } from '@apollo/server-gateway-interface';
import { buildSchema, parse, type DocumentNode, type GraphQLObjectType } from 'graphql';
import { compiledExecution, subgraphExecutionFrom, type SubgraphExecution } from './compiledExecution';

/**
 * When an operation is compiled, and what runs otherwise. The answers themselves are compared with graphql-js over
 * the whole system in test/e2e/compiledExecution.test.ts; here, the executor's own rules on a small schema.
 */

const schema = buildSchema(`
  type Query { person(id: ID!): Person }
  type Person { id: ID! name: String! secret: String! }
`);
const people: Record<string, { id: string; name: string }> = { '1': { id: '1', name: 'A' } };
const fields = (type: string) => (schema.getType(type) as GraphQLObjectType).getFields();
fields('Query').person!.resolve = (_root, args: { id: string }) => people[args.id] ?? null;
// A guarded field, as guardFields makes one: refused unless the context's role may read it.
fields('Person').secret!.resolve = (_person, _args, ctx: { role: string }) => {
  if (ctx.role !== 'officer') throw new Error('FORBIDDEN');
  return 'S';
};

async function start(): Promise<{ run: GatewayExecutor; ran: SubgraphExecution[] }> {
  const ran: SubgraphExecution[] = [];
  const gateway = compiledExecution(schema, (how) => ran.push(how));
  let loaded = false;
  gateway.onSchemaLoadOrUpdate(({ apiSchema }) => (loaded = apiSchema === schema));
  expect(loaded).toBe(true);
  const { executor } = await gateway.load({ apollo: {} });
  return { run: executor!, ran };
}

const request = (document: DocumentNode, variables: Record<string, unknown>, context: object, operationName: string | null = null) =>
  ({ document, operationName, context, request: { variables } }) as unknown as GatewayGraphQLRequestContext;

test('a text is interpreted the first time and compiled from the second, per operation name', async () => {
  const { run, ran } = await start();
  const document = parse(`query One($id: ID!) { person(id: $id) { name } } query Two { person(id: "1") { id } }`);
  const answers = [];
  for (const name of ['One', 'One', 'One', 'Two', 'Two']) answers.push(await run(request(document, { id: '1' }, { role: 'officer' }, name)));
  expect(ran).toEqual(['interpreted', 'compiled', 'compiled', 'interpreted', 'compiled']);
  expect(answers.map((a) => JSON.stringify(a))).toEqual([
    '{"data":{"person":{"name":"A"}}}',
    '{"data":{"person":{"name":"A"}}}',
    '{"data":{"person":{"name":"A"}}}',
    '{"data":{"person":{"id":"1"}}}',
    '{"data":{"person":{"id":"1"}}}',
  ]);
});

test('the compiled function reads each request\'s own variables and context: a refusal stays a refusal', async () => {
  const { run, ran } = await start();
  const document = parse(`query ($id: ID!) { person(id: $id) { name secret } }`);
  await run(request(document, { id: '1' }, { role: 'officer' }));
  const officer = await run(request(document, { id: '1' }, { role: 'officer' }));
  const clerk = await run(request(document, { id: '1' }, { role: 'clerk' }));
  const unknown = await run(request(document, { id: '2' }, { role: 'officer' }));
  expect(ran).toEqual(['interpreted', 'compiled', 'compiled', 'compiled']);
  expect(officer).toEqual({ data: { person: { name: 'A', secret: 'S' } } });
  // secret is non-null: the refusal nulls the person, with the error at the refused field's path.
  expect(clerk.data).toEqual({ person: null });
  expect(clerk.errors?.map((e) => [e.message, e.path])).toEqual([['FORBIDDEN', ['person', 'secret']]]);
  expect(unknown).toEqual({ data: { person: null } });
});

test('what graphql-jit declines to compile is interpreted, every time', async () => {
  const { run, ran } = await start();
  // An operation name the document does not have: graphql-jit returns errors instead of a function.
  const document = parse(`query One { person(id: "1") { name } }`);
  const answers = [];
  for (let i = 0; i < 3; i++) answers.push(await run(request(document, {}, { role: 'officer' }, 'Missing')));
  expect(ran).toEqual(['interpreted', 'interpreted', 'interpreted']);
  for (const answer of answers) expect(answer.errors?.[0]?.message).toMatch(/Unknown operation named "Missing"/);
});

test('SUBGRAPH_EXECUTION is compiled by default, interpreted on request, and anything else is refused', () => {
  expect(subgraphExecutionFrom({})).toBe('compiled');
  expect(subgraphExecutionFrom({ SUBGRAPH_EXECUTION: 'interpreted' })).toBe('interpreted');
  expect(() => subgraphExecutionFrom({ SUBGRAPH_EXECUTION: 'jit' })).toThrow(/SUBGRAPH_EXECUTION/);
});
