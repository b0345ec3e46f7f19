import { join } from 'node:path';
import { buildSubgraphServer, type SubgraphDeps } from '../kit/subgraph';
import { EVENT_HANDLERS } from './events';
import { FIELD_POLICY } from './policy';
import { reconcileRoutes } from './reconcile';
import { createLoaders } from './loaders';
import { resolvers, type ImmigrationContext } from './resolvers';

export { migrations } from './migrations';

/** Builds the ISA subgraph over its own database; the caller decides where it listens. */
export function buildImmigrationServer(deps: SubgraphDeps) {
  return buildSubgraphServer<ImmigrationContext>({
    authority: 'immigration',
    schemaPath: join(__dirname, 'schema.graphql'),
    resolvers,
    fieldPolicy: FIELD_POLICY,
    ...deps,
    events: { ...deps.events, handlers: EVENT_HANDLERS },
    extendContext: (base) => ({ ...base, loaders: createLoaders(base.db, base.principal.requestStartedAt) }),
    internalRoutes: ({ verify, relay, today }) => reconcileRoutes(deps.db, relay, today, verify),
  });
}
