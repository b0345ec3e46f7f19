import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildOperationContext, executeQueryPlan, type ServiceMap } from '@apollo/gateway';
import { operationFromDocument, Supergraph } from '@apollo/federation-internals';
import { QueryPlanner } from '@apollo/query-planner';
import { parse } from 'graphql';
import { OwnPlan } from './ownPlan';

/**
 * The own plan runner against @apollo/gateway's executeQueryPlan, over the same subgraph answers (fakes): when it
 * answers, its data must be the executor's, byte for byte; when it hands over, the executor's result over the
 * replayed answers must be the one it gives by itself; and no call may be made twice.
 */
const supergraph = Supergraph.build(readFileSync(join(__dirname, '..', '..', 'schema', 'supergraph.graphql'), 'utf8'));
const apiSchema = supergraph.apiSchema();
const schema = apiSchema.toGraphQLJSSchema();
const supergraphSchema = supergraph.schema.toGraphQLJSSchema();
const planner = new QueryPlanner(supergraph);

const UNIFIED = `query Unified($n: ID!) { person(myNumber: $n) { myNumber cardArrangement
  resident { familyName givenName address { line municipality { code name } } }
  immigration { nationality { code } statusOfResidence stayExpiresOn }
  residenceCard { number kind status validUntil }
  myNumberCard { kind status validUntil } } }`;
const BATCH = `query Batch($ns: [ID!]!) { persons(myNumbers: $ns) { myNumber resident { familyName } residenceCard { number } } }`;
// Names a plain object has from its prototype, as aliases: the runner's answer objects must hold them as its own.
const INHERITED = `query Inherited($n: ID!) { person(myNumber: $n) { constructor: myNumber toString: cardArrangement
  hasOwnProperty: resident { valueOf: familyName toJSON: givenName } } }`;
const SHAPES = `query Shapes($n: ID!) { who: person(myNumber: $n) { __typename kind: __typename ...Names ... on Person { card: residenceCard { number status } } } }
  fragment Names on Person { myNumber resident { family: familyName } }`;

type Answer = { data?: unknown; errors?: unknown[] } | Error;
type Subgraphs = Record<string, (variables: Record<string, unknown>) => Answer>;

const person = (n: string) => ({ __typename: 'Person', myNumber: n, myNumberCard: { kind: 'SPECIFIC_RESIDENCE_CARD', status: 'ACTIVE', validUntil: '2031-04-01' } });
const resident = (n: string) => ({ __typename: 'Person', resident: { familyName: `F${n.slice(-2)}`, givenName: 'G', address: { line: '1-2-3', municipality: { code: '131016', name: '千代田区' } } } });
const immigration = () => ({
  __typename: 'Person',
  cardArrangement: 'SPECIFIC_CARD',
  immigration: { nationality: { code: 'VNM' }, statusOfResidence: 'ENGINEER_HUMANITIES_INTERNATIONAL_SERVICES', stayExpiresOn: '2030-01-01' },
  residenceCard: { number: 'AB12345678CD', kind: 'SPECIFIC_RESIDENCE_CARD', status: 'VALID', validUntil: '2030-01-01' },
});
const entities = (variables: Record<string, unknown>, each: (n: string) => unknown) => ({
  data: { _entities: (variables.representations as Array<{ myNumber: string }>).map((r) => each(r.myNumber)) },
});

/** Clean answers from all three authorities. */
const CLEAN: Subgraphs = {
  mynumber: (v) => (v.ns ? { data: { persons: (v.ns as string[]).map((n) => (n.startsWith('0') ? null : person(n))) } } : { data: { person: person(v.n as string) } }),
  registry: (v) => entities(v, resident),
  immigration: (v) => entities(v, immigration),
};
const change = (service: string, answer: Subgraphs[string]): Subgraphs => ({ ...CLEAN, [service]: answer });

/** A service map over fake subgraphs, counting the calls. */
function fakes(subgraphs: Subgraphs): { serviceMap: ServiceMap; calls: Record<string, number> } {
  const calls: Record<string, number> = {};
  const serviceMap: ServiceMap = {};
  for (const [name, answer] of Object.entries(subgraphs)) {
    serviceMap[name] = {
      process: async (options) => {
        calls[name] = (calls[name] ?? 0) + 1;
        // A fresh copy: the executors merge into what they are given.
        const result = answer(JSON.parse(JSON.stringify(options.request.variables ?? {})) as Record<string, unknown>);
        if (result instanceof Error) throw result;
        return JSON.parse(JSON.stringify(result)) as never;
      },
    };
  }
  return { serviceMap, calls };
}

function prepare(query: string) {
  const document = parse(query);
  const operationContext = buildOperationContext({ schema, operationDocument: document });
  const queryPlan = planner.buildQueryPlan(operationFromDocument(apiSchema, document, { validate: true }));
  return { document, operationContext, queryPlan };
}

async function apollo(query: string, variables: Record<string, unknown>, serviceMap: ServiceMap) {
  const { document, operationContext, queryPlan } = prepare(query);
  const requestContext = { request: { query, variables }, context: {}, logger: console, metrics: {}, schema, document, operation: operationContext.operation } as never;
  const result = await executeQueryPlan(queryPlan, serviceMap, requestContext, operationContext, supergraphSchema, apiSchema);
  return JSON.stringify({ errors: result.errors?.map((e) => (e as { toJSON?: () => unknown }).toJSON?.() ?? e), data: result.data, extensions: result.extensions });
}

/** The runner's answer; when it hands over, executeQueryPlan's over its replaying service map. */
async function own(query: string, variables: Record<string, unknown>, serviceMap: ServiceMap) {
  const { operationContext, queryPlan } = prepare(query);
  const runner = OwnPlan.compile(queryPlan, operationContext.operation.selectionSet, operationContext.fragments, schema, supergraphSchema);
  if (!runner) throw new Error('the runner declined the plan');
  const outcome = await runner.run(serviceMap, { variables }, { context: {} });
  if ('data' in outcome) return { outcome: 'answered', json: JSON.stringify({ data: outcome.data }) };
  return { outcome: 'handed over', json: await apollo(query, variables, outcome.replay) };
}

const N = { n: '123456789018' };
const cases: Array<[string, string, Record<string, unknown>, Subgraphs, 'answered' | 'handed over']> = [
  ['the unified record', UNIFIED, N, CLEAN, 'answered'],
  ['an unknown person (null, no further call)', UNIFIED, N, change('mynumber', () => ({ data: { person: null } })), 'answered'],
  ['a batch with unknown persons (nulls in the list)', BATCH, { ns: ['123456789018', '012345678901', '234567890123'] }, CLEAN, 'answered'],
  ['aliases, __typename, a named and an inline fragment', SHAPES, N, CLEAN, 'answered'],
  [
    'aliases named like what a plain object inherits',
    INHERITED,
    N,
    {
      // The subgraphs answer under the aliases the plan's fetches keep.
      mynumber: (v) => ({ data: { person: { ...person(v.n as string), constructor: v.n } } }),
      registry: (v) => entities(v, () => ({ __typename: 'Person', hasOwnProperty: { valueOf: 'F18', toJSON: 'G' } })),
      immigration: (v) => entities(v, () => ({ __typename: 'Person', toString: 'SPECIFIC_CARD' })),
    },
    'answered',
  ],
  ['fields a subgraph leaves out (null) and fields nobody asked for (dropped)', UNIFIED, N, change('immigration', (v) => entities(v, () => ({ ...immigration(), immigration: { nationality: { code: 'VNM', extra: 1 }, statusOfResidence: 'DIPLOMAT' } }))), 'answered'],
  ["a subgraph's error, with data", UNIFIED, N, change('registry', (v) => ({ ...entities(v, () => ({ resident: null })), errors: [{ message: 'refused', path: ['_entities', 0, 'resident'], extensions: { code: 'FORBIDDEN' } }] })), 'handed over'],
  ['a failed call', UNIFIED, N, change('immigration', () => new Error('connection reset')), 'handed over'],
  ['null where the schema says non-null', UNIFIED, N, change('immigration', (v) => entities(v, () => ({ ...immigration(), cardArrangement: null }))), 'handed over'],
  ['a value outside its enum', UNIFIED, N, change('immigration', (v) => entities(v, () => ({ ...immigration(), cardArrangement: 'NOT_AN_ARRANGEMENT' }))), 'handed over'],
  ['a number where a string is due', UNIFIED, N, change('registry', (v) => entities(v, () => ({ resident: { familyName: 7 } }))), 'handed over'],
  ['too few entities', UNIFIED, N, change('registry', () => ({ data: { _entities: [] } })), 'handed over'],
  ['another __typename', UNIFIED, N, change('immigration', (v) => entities(v, () => ({ ...immigration(), residenceCard: { __typename: 'MyNumberCard', number: 'X' } }))), 'handed over'],
  ['the root fetch failing', UNIFIED, N, change('mynumber', () => ({ errors: [{ message: 'down', extensions: { code: 'AUTHORITY_UNAVAILABLE' } }] })), 'handed over'],
];

describe('the own plan runner gives what executeQueryPlan gives', () => {
  test.each(cases)('%s', async (_name, query, variables, subgraphs, expected) => {
    const theirs = fakes(subgraphs);
    const mine = fakes(subgraphs);
    const want = await apollo(query, variables, theirs.serviceMap);
    const got = await own(query, variables, mine.serviceMap);
    expect(got.outcome).toBe(expected);
    expect(got.json).toBe(want);
    // Handing over replays the answers received: every authority is called as often as by the executor alone.
    expect(mine.calls).toEqual(theirs.calls);
  });
});

describe('what the runner leaves to executeQueryPlan', () => {
  test.each([
    ['a directive', 'query ($n: ID!, $f: Boolean!) { person(myNumber: $n) { myNumber resident @include(if: $f) { familyName } } }'],
    ['a field selected twice', 'query ($n: ID!) { person(myNumber: $n) { resident { familyName } resident { givenName } } }'],
    ['introspection', 'query { __schema { queryType { name } } }'],
    // The runner builds plain objects, where this key would set the prototype and the field would vanish.
    ['the alias __proto__', 'query ($n: ID!) { person(myNumber: $n) { __proto__: myNumber } }'],
    ['the alias __proto__, deeper down', 'query ($n: ID!) { person(myNumber: $n) { myNumber resident { __proto__: familyName } } }'],
  ])('%s', (_name, query) => {
    const { operationContext, queryPlan } = prepare(query);
    expect(OwnPlan.compile(queryPlan, operationContext.operation.selectionSet, operationContext.fragments, schema, supergraphSchema)).toBeUndefined();
  });

  test('the plans and operations the gateway serves are taken', () => {
    for (const query of [UNIFIED, BATCH, SHAPES]) {
      const { operationContext, queryPlan } = prepare(query);
      expect(OwnPlan.compile(queryPlan, operationContext.operation.selectionSet, operationContext.fragments, schema, supergraphSchema)).toBeInstanceOf(OwnPlan);
    }
  });
});
