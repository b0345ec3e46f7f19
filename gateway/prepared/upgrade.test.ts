import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ApolloGateway } from '@apollo/gateway';
// The deep import ownPlan.ts makes: if it moves, this suite fails to load.
import { deepMerge } from '@apollo/gateway/dist/utilities/deepMerge';
import { ApolloServer } from '@apollo/server';

/**
 * The Apollo internals the prepared path leans on (gateway/prepared/UPGRADING.md). Fails loudly when a package
 * moves from the version the list was checked against, or when a hook stops doing what the path relies on.
 */
const CHECKED: Record<string, string> = {
  '@apollo/gateway': '2.14.4',
  '@apollo/federation-internals': '2.14.4',
  '@apollo/query-planner': '2.14.4',
  '@apollo/server': '5.5.1',
};

/** The version npm installed (read from the file: some of these packages do not export their package.json). */
const installed = (name: string): string =>
  (JSON.parse(readFileSync(join(__dirname, '..', '..', 'node_modules', name, 'package.json'), 'utf8')) as { version: string }).version;

test('the Apollo packages are the versions gateway/prepared/UPGRADING.md was checked against', () => {
  const moved = Object.entries(CHECKED)
    .filter(([name, version]) => installed(name) !== version)
    .map(([name, version]) => `${name} is ${installed(name)}, checked against ${version}: go through gateway/prepared/UPGRADING.md`);
  expect(moved).toEqual([]);
});

test('deepMerge is still at its deep path and merges entity answers in place', () => {
  const target = { a: { b: 1, list: [{ x: 1 }] }, kept: true };
  deepMerge(target, { a: { c: 2, list: [{ y: 2 }] } });
  expect(target).toEqual({ a: { b: 1, c: 2, list: [{ x: 1, y: 2 }] }, kept: true });
});

test('experimental_didResolveQueryPlan is called with the plan, the services and the request it prepares from', async () => {
  const seen: Array<Record<string, unknown>> = [];
  const gateway = new ApolloGateway({
    supergraphSdl: readFileSync(join(__dirname, '..', '..', 'schema', 'supergraph.graphql'), 'utf8'),
    // No subgraph is reached: the query below asks the gateway itself for its type name.
    experimental_didResolveQueryPlan: ({ queryPlan, serviceMap, operationContext, requestContext }) => {
      seen.push({
        plan: queryPlan.kind,
        services: Object.keys(serviceMap).sort(),
        operation: operationContext.operation.operation,
        source: requestContext.source,
        queryHash: typeof requestContext.queryHash,
        document: requestContext.document?.kind,
        operationName: requestContext.request.operationName,
      });
    },
  });
  const server = new ApolloServer({ gateway });
  await server.start();
  try {
    const query = 'query Probe { __typename }';
    const result = await server.executeOperation({ query, operationName: 'Probe' });
    expect(result.body.kind === 'single' && result.body.singleResult.data).toEqual({ __typename: 'Query' });
  } finally {
    await server.stop();
  }
  expect(seen).toEqual([
    { plan: 'QueryPlan', services: ['immigration', 'mynumber', 'registry'], operation: 'query', source: 'query Probe { __typename }', queryHash: 'string', document: 'Document', operationName: 'Probe' },
  ]);
});
