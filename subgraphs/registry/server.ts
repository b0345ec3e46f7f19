import { join } from 'node:path';
import { buildSubgraphServer, type SubgraphDeps } from '../kit/subgraph';
import { EVENT_HANDLERS } from './events';
import { FIELD_POLICY } from './policy';
import { callInternal } from '../kit/internalCall';
import { ASSIGNMENT_PATH, REGISTRATION_CARD_PATH } from '../../schema/internalPaths';
import { createLoaders } from './loaders';
import { resolvers, type RegistryContext } from './resolvers';
import { REGISTRY_FACTS } from './statistics';
import { startStatistics, warmUpStatistics } from '../kit/statistics/serve';
import { statisticsVerifyRoute } from '../kit/statistics/verify';

export { migrations } from './migrations';

/** Builds the resident-registry subgraph over its own database; the caller decides where it listens. */
export async function buildRegistryServer(deps: SubgraphDeps) {
  const statistics = await startStatistics('registry', deps, REGISTRY_FACTS);
  const built = await buildSubgraphServer<RegistryContext>({
    authority: 'registry',
    schemaPath: join(__dirname, 'schema.graphql'),
    resolvers,
    fieldPolicy: FIELD_POLICY,
    ...deps,
    events: { ...deps.events, handlers: EVENT_HANDLERS },
    extendContext: (base) => ({
      ...base,
      loaders: createLoaders(base.db, base.principal.requestStartedAt),
      assignMyNumber: async (request) => {
        const url = deps.events.destinations.mynumber;
        if (!url) throw new Error('No address for J-LIS');
        const answer = await callInternal<{ myNumber: string }>('registry', 'mynumber', url, ASSIGNMENT_PATH, request, deps.events.signingKey);
        return answer.myNumber;
      },
      checkResidenceCard: async (check) => {
        const url = deps.events.destinations.immigration;
        if (!url) throw new Error('No address for the ISA');
        await callInternal('registry', 'immigration', url, REGISTRATION_CARD_PATH, { ...check }, deps.events.signingKey);
      },
      statistics,
    }),
    internalRoutes: ({ verify }) => statisticsVerifyRoute('registry', statistics, 'stats_fact', verify),
  });
  built.server.on('close', () => statistics.stop());
  await warmUpStatistics(built.schema, statistics, 'residentRegistryStatistics', deps);
  return { ...built, statistics };
}
