import { join } from 'node:path';
import { buildSubgraphServer, systemDay, type SubgraphDeps } from '../kit/subgraph';
import { sweepWhileListening } from '../kit/sweep';
import { expireCardsByDate } from './expiry';
import { EVENT_HANDLERS } from './events';
import { registrationCheckRoute } from './registrationCheck';
import { FIELD_POLICY } from './policy';
import { reconcileRoutes } from './reconcile';
import { createLoaders } from './loaders';
import { resolvers, type ImmigrationContext } from './resolvers';
import { IMMIGRATION_FACTS } from './statistics';
import { startStatistics, warmUpStatistics } from '../kit/statistics/serve';
import { statisticsVerifyRoute } from '../kit/statistics/verify';

export { migrations } from './migrations';

/** Builds the ISA subgraph over its own database; the caller decides where it listens. Cards expire by date while it listens. */
export async function buildImmigrationServer(deps: SubgraphDeps) {
  const statistics = await startStatistics('immigration', deps, IMMIGRATION_FACTS);
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
      ...registrationCheckRoute(deps.db, today, verify),
      ...statisticsVerifyRoute('immigration', statistics, 'stats_fact', verify),
    }),
  });
  built.server.on('close', () => statistics.stop());
  // Cards expire by date while it listens (expiry.ts).
  const today = deps.clock ?? systemDay;
  sweepWhileListening(built.server, () => expireCardsByDate(deps.db, today()));
  await warmUpStatistics(built.schema, statistics, 'foreignResidentStatistics', deps);
  return { ...built, statistics };
}
