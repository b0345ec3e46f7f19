import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { ApolloGateway, RemoteGraphQLDataSource, type GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import type { CryptoKey } from 'jose';
import type { Authority } from '../subgraphs/kit/database';
import { createHttpServer } from '../subgraphs/kit/http';
import type { Metrics } from '../subgraphs/kit/metrics';
import { PRINCIPAL_HEADER, type Principal } from '../subgraphs/kit/principal';
import { ApiKeyStore, RateLimiter, type StoredKey } from './auth/apiKeys';
import { authenticate, requestId } from './auth/authenticate';
import { partnerPlugin } from './auth/partnerPlugin';
import type { StaffTokenConfig } from './auth/staffTokens';

export const AUTHORITIES: Authority[] = ['mynumber', 'registry', 'immigration'];

/** Per-request state: the caller, and the principal signed once per subgraph. */
export interface GatewayContext {
  principal: Principal;
  principalFor(authority: Authority): Promise<string>;
  /** The partner's key, when the caller used one. */
  partnerKey?: StoredKey;
}

export interface GatewayOptions {
  supergraphSdl: string;
  /** Where each subgraph listens (overrides the URLs composed into the supergraph). */
  subgraphUrls: Record<Authority, string>;
  staffTokens: StaffTokenConfig;
  /** The gateway's own signing key for forwarded principals. */
  signingKey: { kid: string; privateKey: CryptoKey };
  /** Partners' API keys (hashed). */
  apiKeys: ApiKeyStore;
  metrics: Metrics;
}

/** Forwards every subgraph call with the principal signed for that subgraph alone. */
class PrincipalForwardingDataSource extends RemoteGraphQLDataSource<GatewayContext> {
  constructor(
    private readonly authority: Authority,
    url: string,
  ) {
    super({ url });
  }
  override async willSendRequest({ request, context }: GraphQLDataSourceProcessOptions<GatewayContext>): Promise<void> {
    if (!('principalFor' in context)) return;
    request.http?.headers.set(PRINCIPAL_HEADER, await context.principalFor(this.authority));
  }
}

/** Builds the gateway's HTTP server over the static supergraph; the caller decides where it listens. */
export async function buildGateway(options: GatewayOptions): Promise<{ server: Server; apollo: ApolloServer<GatewayContext> }> {
  const gateway = new ApolloGateway({
    supergraphSdl: options.supergraphSdl,
    buildService: ({ name }) => {
      const authority = name as Authority;
      if (!options.subgraphUrls[authority]) throw new Error(`No URL configured for subgraph ${name}`);
      return new PrincipalForwardingDataSource(authority, options.subgraphUrls[authority]);
    },
  });
  const apollo = new ApolloServer<GatewayContext>({
    gateway,
    plugins: [ApolloServerPluginLandingPageDisabled(), partnerPlugin(new RateLimiter())],
    includeStacktraceInErrorResponses: false,
  });
  await apollo.start();

  const server = createHttpServer<GatewayContext>({
    apollo,
    metrics: options.metrics,
    context: (req) => authenticate(req, { staffTokens: options.staffTokens, signingKey: options.signingKey, apiKeys: options.apiKeys }),
  });
  // Before the request handler, so the id is set before any response starts (health and metrics included).
  server.prependListener('request', (req: IncomingMessage, res: ServerResponse) => {
    res.setHeader('x-request-id', requestId(req));
  });
  server.on('close', () => void apollo.stop());
  return { server, apollo };
}

