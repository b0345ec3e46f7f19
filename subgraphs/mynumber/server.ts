import { join } from 'node:path';
import { buildSubgraphServer, systemDay, type SubgraphDeps } from '../kit/subgraph';
import { RECONCILE_CARDS_PATH } from '../../schema/internalPaths';
import { ASSIGNMENT_PATH, assignmentRoute } from './assignment';
import { reconcileCardsRoute } from './reconcile';
import { EVENT_HANDLERS } from './events';
import { expireByDate } from './expiry';
import { sweepWhileListening } from '../kit/sweep';
import { FIELD_POLICY } from './policy';
import { createLoaders } from './loaders';
import { resolvers, type MyNumberContext } from './resolvers';

export { migrations } from './migrations';

/** Builds the J-LIS subgraph over its own database; the caller decides where it listens. Cards expire by date while it listens. */
export async function buildMyNumberServer(deps: SubgraphDeps) {
  const built = await buildSubgraphServer<MyNumberContext>({
    authority: 'mynumber',
    schemaPath: join(__dirname, 'schema.graphql'),
    resolvers,
    fieldPolicy: FIELD_POLICY,
    ...deps,
    events: { ...deps.events, handlers: EVENT_HANDLERS },
    extendContext: (base) => ({ ...base, loaders: createLoaders(base.db, base.principal.requestStartedAt) }),
    internalRoutes: ({ verify }) => ({
      [ASSIGNMENT_PATH]: assignmentRoute(deps.db, verify),
      [RECONCILE_CARDS_PATH]: reconcileCardsRoute(deps.db, verify),
    }),
  });
  const today = deps.clock ?? systemDay;
  sweepWhileListening(built.server, () => expireByDate(deps.db, today(), built.relay));
  return built;
}
