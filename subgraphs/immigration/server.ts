import { join } from 'node:path';
import type { CryptoKey } from 'jose';
import type { DataSource } from 'typeorm';
import type { Metrics } from '../kit/metrics';
import { buildSubgraphServer } from '../kit/subgraph';
import { createLoaders } from './loaders';
import { resolvers, type ImmigrationContext } from './resolvers';

export { migrations } from './migrations';

/** Builds the ISA subgraph over its own database; the caller decides where it listens. */
export function buildImmigrationServer(deps: { db: DataSource; gatewayKey: CryptoKey; metrics: Metrics; clock?: () => string }) {
  return buildSubgraphServer<ImmigrationContext>({
    authority: 'immigration',
    schemaPath: join(__dirname, 'schema.graphql'),
    resolvers,
    ...deps,
    extendContext: (base) => ({ ...base, loaders: createLoaders(base.db) }),
  });
}
