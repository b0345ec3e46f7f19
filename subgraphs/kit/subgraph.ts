import { readFileSync } from 'node:fs';
import type { IncomingMessage, Server } from 'node:http';
import { ApolloServer, type BaseContext } from '@apollo/server';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { buildSubgraphSchema } from '@apollo/subgraph';
import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper';
import { parse } from 'graphql';
import type { CryptoKey } from 'jose';
import type { DataSource } from 'typeorm';
import type { Authority } from './database';
import { maskError } from './errors';
import { createHttpServer, HttpError } from './http';
import type { Metrics } from './metrics';
import { PRINCIPAL_HEADER, verifyPrincipal, type Principal } from './principal';

/** What every subgraph's resolvers receive: the verified caller and the authority's own database. */
export interface SubgraphContext extends BaseContext {
  principal: Principal;
  db: DataSource;
  /** The day the request is answered for (card validity, ages). */
  today: string;
}

export interface SubgraphOptions<TContext extends SubgraphContext> {
  authority: Authority;
  schemaPath: string;
  resolvers: GraphQLResolverMap<TContext>;
  db: DataSource;
  /** The gateway's public key: nothing is answered without a principal it signed. */
  gatewayKey: CryptoKey;
  metrics: Metrics;
  /** Adds the per-request parts (DataLoaders) to the base context. */
  extendContext: (base: SubgraphContext) => TContext;
  clock?: () => string;
}

/** Builds an authority's subgraph server (not yet listening). */
export async function buildSubgraphServer<TContext extends SubgraphContext>(
  options: SubgraphOptions<TContext>,
): Promise<{ server: Server; apollo: ApolloServer<TContext> }> {
  const typeDefs = parse(readFileSync(options.schemaPath, 'utf8'));
  const apollo = new ApolloServer<TContext>({
    schema: buildSubgraphSchema({ typeDefs, resolvers: options.resolvers as GraphQLResolverMap<unknown> }),
    plugins: [ApolloServerPluginLandingPageDisabled()],
    includeStacktraceInErrorResponses: false,
    formatError: maskError,
  });
  await apollo.start();
  const clock = options.clock ?? (() => new Date().toISOString().slice(0, 10));

  const server = createHttpServer<TContext>({
    apollo,
    metrics: options.metrics,
    context: async (req: IncomingMessage) => {
      const principal = await authenticate(req, options);
      return options.extendContext({ principal, db: options.db, today: clock() });
    },
  });
  server.on('close', () => void apollo.stop());
  return { server, apollo };
}

async function authenticate(req: IncomingMessage, options: { authority: Authority; gatewayKey: CryptoKey }): Promise<Principal> {
  const token = req.headers[PRINCIPAL_HEADER];
  if (typeof token !== 'string' || token.length === 0) {
    throw new HttpError(401, 'PRINCIPAL_REQUIRED', 'Requests must come through the gateway');
  }
  try {
    return await verifyPrincipal(token, options.authority, options.gatewayKey);
  } catch {
    throw new HttpError(401, 'PRINCIPAL_INVALID', 'The forwarded principal is not valid');
  }
}
