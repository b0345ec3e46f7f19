import type { GatewayExecutor, GatewayGraphQLRequestContext } from '@apollo/server-gateway-interface';
import { buildSchema, parse, type DocumentNode, type GraphQLObjectType } from 'graphql';
import { COMPILE_RULES, compiledExecution, subgraphExecutionFrom, type CompileRules, type SubgraphExecution } from './compiledExecution';

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

/** Compiling from a text's second run (the production rules wait longer; tested below). */
const SOON: CompileRules = { after: 1, maxFields: 100 };

async function start(rules: CompileRules = SOON): Promise<{ run: GatewayExecutor; ran: SubgraphExecution[] }> {
  const ran: SubgraphExecution[] = [];
  const gateway = compiledExecution(schema, (how) => ran.push(how), rules);
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

test('the production rules: a text is compiled only after it has run ten times', async () => {
  expect(COMPILE_RULES).toEqual({ after: 10, maxFields: 100 });
  const { run, ran } = await start(COMPILE_RULES);
  const document = parse(`query { person(id: "1") { name } }`);
  for (let i = 0; i < 12; i++) await run(request(document, {}, { role: 'officer' }));
  expect(ran).toEqual([...Array(10).fill('interpreted'), 'compiled', 'compiled']);
});

test('a flood of distinct texts, each sent a few times, makes nothing compile', async () => {
  const { run, ran } = await start(COMPILE_RULES);
  for (let text = 0; text < 200; text++) {
    // One document per text, as Apollo Server keeps it: the runs of a text add up.
    const document = parse(`query Q${text} { person(id: "${text}") { id name } }`);
    for (let i = 0; i < 3; i++) await run(request(document, {}, { role: 'officer' }));
  }
  expect(ran.filter((how) => how === 'compiled')).toEqual([]);
  // The same flood under rules that compile from a text's second run compiles every text.
  const eager = await start(SOON);
  for (let text = 0; text < 200; text++) {
    const document = parse(`query Q${text} { person(id: "${text}") { id name } }`);
    for (let i = 0; i < 3; i++) await eager.run(request(document, {}, { role: 'officer' }));
  }
  expect(eager.ran.filter((how) => how === 'compiled')).toHaveLength(400);
});

test('an operation with more fields than the limit is interpreted however often it runs', async () => {
  const { run, ran } = await start({ after: 1, maxFields: 20 });
  const aliases = (n: number) => Array.from({ length: n }, (_, i) => `a${i}: person(id: "1") { id name }`).join(' ');
  const large = parse(`query { ${aliases(7)} }`); // 21 fields
  const small = parse(`query { ${aliases(6)} }`); // 18 fields
  for (let i = 0; i < 5; i++) await run(request(large, {}, { role: 'officer' }));
  for (let i = 0; i < 2; i++) await run(request(small, {}, { role: 'officer' }));
  expect(ran).toEqual([...Array(5).fill('interpreted'), 'interpreted', 'compiled']);
});

test('SUBGRAPH_EXECUTION is compiled by default, interpreted on request, and anything else is refused', () => {
  expect(subgraphExecutionFrom({})).toBe('compiled');
  expect(subgraphExecutionFrom({ SUBGRAPH_EXECUTION: 'interpreted' })).toBe('interpreted');
  expect(() => subgraphExecutionFrom({ SUBGRAPH_EXECUTION: 'jit' })).toThrow(/SUBGRAPH_EXECUTION/);
});
