import { randomUUID } from 'node:crypto';
import type { IncomingMessage, Server } from 'node:http';
import { ApolloGateway, RemoteGraphQLDataSource, type GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import type { CryptoKey } from 'jose';
import type { Authority } from '../subgraphs/kit/database';
import { createHttpServer, HttpError } from '../subgraphs/kit/http';
import type { Metrics } from '../subgraphs/kit/metrics';
import { PRINCIPAL_HEADER, signPrincipal, type Principal } from '../subgraphs/kit/principal';
import { agencyOf, DEFAULT_PURPOSE } from './auth/agency';
import { verifyStaffToken, type StaffTokenConfig } from './auth/staffTokens';

export const AUTHORITIES: Authority[] = ['mynumber', 'registry', 'immigration'];

/** Per-request state: the caller, and the principal signed once per subgraph. */
export interface GatewayContext {
  principal: Principal;
  principalFor(authority: Authority): Promise<string>;
}

export interface GatewayOptions {
  supergraphSdl: string;
  /** Where each subgraph listens (overrides the URLs composed into the supergraph). */
  subgraphUrls: Record<Authority, string>;
  staffTokens: StaffTokenConfig;
  /** The gateway's own signing key for forwarded principals. */
  signingKey: { kid: string; privateKey: CryptoKey };
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
    plugins: [ApolloServerPluginLandingPageDisabled()],
    includeStacktraceInErrorResponses: false,
  });
  await apollo.start();

  const server = createHttpServer<GatewayContext>({
    apollo,
    metrics: options.metrics,
    context: (req) => authenticate(req, options),
  });
  // Before the request handler, so the id is set before any response starts (health and metrics included).
  server.prependListener('request', (req: IncomingMessage, res) => {
    res.setHeader('x-request-id', requestId(req));
  });
  server.on('close', () => void apollo.stop());
  return { server, apollo };
}

const REQUEST_ID = /^[A-Za-z0-9._-]{8,64}$/;
const requestIds = new WeakMap<IncomingMessage, string>();

/** The caller's request id when it is a sane token, else a fresh one; the same for the whole request. */
function requestId(req: IncomingMessage): string {
  let id = requestIds.get(req);
  if (!id) {
    const given = req.headers['x-request-id'];
    id = typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
    requestIds.set(req, id);
  }
  return id;
}

async function authenticate(req: IncomingMessage, options: GatewayOptions): Promise<GatewayContext> {
  const header = req.headers.authorization;
  if (!header) {
    throw new HttpError(401, 'UNAUTHENTICATED', 'Send a bearer token (Authorization: Bearer <JWT>)', {
      'www-authenticate': 'Bearer',
    });
  }
  const match = /^Bearer ([A-Za-z0-9._~+/-]+=*)$/.exec(header);
  if (!match?.[1]) {
    throw new HttpError(401, 'INVALID_TOKEN', 'The Authorization header must be "Bearer <JWT>"', {
      'www-authenticate': 'Bearer error="invalid_request"',
    });
  }
  const identity = await verifyStaffToken(match[1], options.staffTokens);
  const principal: Principal = {
    sub: identity.sub,
    role: identity.role,
    agency: agencyOf(identity.role, identity.municipality),
    municipality: identity.municipality,
    myNumber: identity.myNumber,
    purpose: identity.purpose ?? DEFAULT_PURPOSE[identity.role],
    requestId: requestId(req),
    requestStartedAt: Date.now(),
  };
  const signed = new Map<Authority, Promise<string>>();
  return {
    principal,
    principalFor(authority) {
      let token = signed.get(authority);
      if (!token) {
        token = signPrincipal(principal, authority, options.signingKey.privateKey, options.signingKey.kid);
        signed.set(authority, token);
      }
      return token;
    },
  };
}
