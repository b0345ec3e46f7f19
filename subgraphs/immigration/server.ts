import { join } from 'node:path';
import { buildSubgraphServer, type SubgraphDeps } from '../kit/subgraph';
import { EVENT_HANDLERS } from './events';
import { FIELD_POLICY } from './policy';
import { reconcileRoutes } from './reconcile';
import { createLoaders } from './loaders';
import { resolvers, type ImmigrationContext } from './resolvers';
import { immigrationCube } from './statistics';
import { statisticsVerifyRoute } from '../kit/statistics/verify';
import { resumeBulkLoadTriggers } from '../../seeds/load';

export { migrations } from './migrations';

/** Builds the ISA subgraph over its own database; the caller decides where it listens. */
export async function buildImmigrationServer(deps: SubgraphDeps) {
  // A bulk load that stopped half-way leaves the statistics triggers paused: turn them on and recount.
  await resumeBulkLoadTriggers('immigration', deps.db, false);
  const clock = deps.clock ?? (() => new Date().toISOString().slice(0, 10));
  const statistics = immigrationCube(deps.db, clock);
  await statistics.start();
  const built = await buildSubgraphServer<ImmigrationContext>({
    authority: 'immigration',
    schemaPath: join(__dirname, 'schema.graphql'),
    resolvers,
    fieldPolicy: FIELD_POLICY,
    ...deps,
    events: { ...deps.events, handlers: EVENT_HANDLERS },
    extendContext: (base) => ({ ...base, loaders: createLoaders(base.db, base.principal.requestStartedAt), statistics }),
    internalRoutes: ({ verify, relay, today }) => ({
      ...reconcileRoutes(deps.db, relay, today, verify),
      ...statisticsVerifyRoute(deps.db, 'immigration', statistics, 'stats_fact', verify),
    }),
  });
  built.server.on('close', () => statistics.stop());
  return { ...built, statistics };
}
