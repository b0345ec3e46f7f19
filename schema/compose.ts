import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { composeServices } from '@apollo/composition';
import { loadSubgraphSchema } from '../subgraphs/kit/subgraphSchema';

/** The subgraphs in the supergraph, with the URLs a default local start uses (the gateway overrides them). */
export const SUBGRAPHS = [
  { name: 'mynumber', url: 'http://localhost:4001/graphql' },
  { name: 'registry', url: 'http://localhost:4002/graphql' },
  { name: 'immigration', url: 'http://localhost:4003/graphql' },
];

export const SUPERGRAPH_PATH = join(__dirname, 'supergraph.graphql');

/** Composes the subgraph SDL files into the supergraph SDL, or throws with every composition error. */
export function composeSupergraph(root = join(__dirname, '..')): string {
  const result = composeServices(
    SUBGRAPHS.map((s) => ({
      name: s.name,
      url: s.url,
      typeDefs: loadSubgraphSchema(join(root, 'subgraphs', s.name, 'schema.graphql')),
    })),
  );
  if (result.errors) {
    throw new Error(`Composition failed:\n${result.errors.map((e) => `- ${e.message}`).join('\n')}`);
  }
  return result.supergraphSdl;
}

if (require.main === module) {
  const { values } = parseArgs({ options: { check: { type: 'boolean', default: false } } });
  const sdl = composeSupergraph();
  if (values.check) {
    const committed = readFileSync(SUPERGRAPH_PATH, 'utf8');
    if (committed !== sdl) {
      console.error('schema/supergraph.graphql is stale: run `npm run compose` and commit the result.');
      process.exit(1);
    }
    console.log('schema/supergraph.graphql is up to date.');
  } else {
    writeFileSync(SUPERGRAPH_PATH, sdl);
    console.log(`Wrote ${SUPERGRAPH_PATH}`);
  }
}
