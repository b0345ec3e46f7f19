import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, type DocumentNode } from 'graphql';
import { includedSchemaFiles, loadSubgraphSchema } from '../../subgraphs/kit/subgraphSchema';
import { composeSupergraph, SUBGRAPHS, SUPERGRAPH_PATH } from '../compose';

const names = (doc: DocumentNode): string[] => doc.definitions.flatMap((d) => ('name' in d && d.name ? [d.name.value] : []));

const SHARED = readdirSync(__dirname)
  .filter((file) => file.endsWith('.graphql'))
  .map((file) => join(__dirname, file));
const SHARED_TYPES = new Set(SHARED.flatMap((path) => names(parse(readFileSync(path, 'utf8')))));
const schemaPath = (subgraph: string) => join(__dirname, '..', '..', 'subgraphs', subgraph, 'schema.graphql');

test.each(SUBGRAPHS.map((s) => s.name))('%s defines no shared type again in its own schema.graphql', (subgraph) => {
  const own = names(parse(readFileSync(schemaPath(subgraph), 'utf8')));
  expect(own.filter((name) => SHARED_TYPES.has(name))).toEqual([]);
});

test.each(SUBGRAPHS.map((s) => s.name))('%s declares each type once, its own and the shared ones it includes', (subgraph) => {
  const all = names(loadSubgraphSchema(schemaPath(subgraph)));
  expect(all.filter((name, i) => all.indexOf(name) !== i)).toEqual([]);
});

test('every shared file is included by some subgraph', () => {
  const included = new Set(SUBGRAPHS.flatMap((s) => includedSchemaFiles(schemaPath(s.name))));
  expect(SHARED.filter((path) => !included.has(path))).toEqual([]);
});

test('the subgraphs as the loader builds them compose to the committed supergraph', () => {
  expect(composeSupergraph()).toBe(readFileSync(SUPERGRAPH_PATH, 'utf8'));
});
