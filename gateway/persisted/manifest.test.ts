import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ApolloGateway } from '@apollo/gateway';
import { getOperationAST, parse, specifiedRules, validate, type GraphQLSchema } from 'graphql';
import { DEFAULT_LIMITS, limitOptions } from '../limits/operationLimits';
import { clientKindOf, loadManifest, manifestQueryStore } from './safelist';

const manifest = loadManifest();
let schema: GraphQLSchema;
let gateway: ApolloGateway;

beforeAll(async () => {
  gateway = new ApolloGateway({ supergraphSdl: readFileSync(join(__dirname, '..', '..', 'schema', 'supergraph.graphql'), 'utf8') });
  ({ schema } = await gateway.load());
});
afterAll(() => gateway.stop());

describe('the persisted-operation manifest', () => {
  test('names are unique and every client kind has operations', () => {
    const names = manifest.operations.map((op) => op.name);
    expect(new Set(names).size).toBe(names.length);
    expect(new Set(manifest.operations.flatMap((op) => op.clients))).toEqual(new Set(['staff', 'partner']));
  });

  test.each(manifest.operations.map((op) => [op.name, op] as const))(
    '%s: its id is the SHA-256 of its body, it is valid against the supergraph and within the default limits',
    (name, op) => {
      expect(op.id).toBe(createHash('sha256').update(op.body).digest('hex'));
      const document = parse(op.body, limitOptions(DEFAULT_LIMITS).parseOptions);
      const operation = getOperationAST(document);
      expect(operation?.name?.value).toBe(name);
      expect(operation?.operation).toBe(op.type);
      expect(validate(schema, document, [...specifiedRules, ...limitOptions(DEFAULT_LIMITS).validationRules]).map((e) => e.message)).toEqual([]);
    },
  );

  test('the store answers a known hash with its body (Apollo Server prefixes keys) and registers nothing', async () => {
    const store = manifestQueryStore(manifest);
    const [first] = manifest.operations;
    expect(await store.get(`apq:${first!.id}`)).toBe(first!.body);
    await store.set(`apq:${'0'.repeat(64)}`, '{ __typename }');
    expect(await store.get(`apq:${'0'.repeat(64)}`)).toBeUndefined();
  });

  test('partners are the role partner; every other role is a staff front-end', () => {
    expect(clientKindOf('partner')).toBe('partner');
    expect(['isa-officer', 'municipal-clerk', 'jlis-operator', 'analyst', 'auditor', 'resident'].map(clientKindOf)).toEqual(
      Array(6).fill('staff'),
    );
  });
});
