import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { ApolloGateway } from '@apollo/gateway';
import { Supergraph } from '@apollo/federation-internals';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import type { CryptoKey } from 'jose';
import type { Logger } from 'pino';
import { Counter } from 'prom-client';
import type { Language } from '../schema/codes';
import type { Authority } from '../runtime/authority';
import { createHttpServer, createMetricsServer, processLogger } from '../runtime/http';
import type { Metrics } from '../runtime/metrics';
import { PRINCIPAL_HEADER, PrincipalSigner, REQUEST_ID_HEADER, REQUEST_STARTED_HEADER, type Principal } from '../runtime/principal';
import { DEFAULT_TRANSPORT, type TransportOptions } from '../runtime/transport';
import { RateLimiter, type KeyRateLimiter, type PartnerKeyStore, type StoredKey } from './auth/apiKeys';
import { PreparedOperations } from './prepared/preparedOperations';
import { servePrepared, type PreparedServing } from './prepared/servePrepared';
import { authenticate, requestId } from './auth/authenticate';
import type { StaffTokenConfig } from './auth/staffTokens';
import { createFormatError, httpErrorBody, translateErrorsPlugin, translateOutsidePipeline } from './errors/formatError';
import { negotiateLanguage } from './i18n';
import { DEFAULT_LIMITS, limitOptions, type OperationLimits } from './limits/operationLimits';
import { consoleRoutes, type ConsoleOptions } from './console/serve';
import { accessLog, openScope, scopeOf, type RequestScope } from './logging';
import { loadManifest, manifestQueryStore, type PersistedManifest, type SafelistMode } from './persisted/safelist';
import { requestChecks, requestChecksPlugin } from './requestChecks';
import { createSubgraphMetrics } from './resilience/metrics';
import { ResilientDataSource } from './resilience/resilientDataSource';
import { createSubgraphAgent } from './resilience/subgraphClient';
import { DEFAULT_RESILIENCE, SubgraphGuard, type ResilienceOptions } from './resilience/subgraphGuard';

export const AUTHORITIES: Authority[] = ['mynumber', 'registry', 'immigration'];

/** Per-request state: the caller, and the principal's token for each subgraph. */
export interface GatewayContext {
  principal: Principal;
  principalFor(authority: Authority): string;
  /** The partner's key, when the caller used one. */
  partnerKey?: StoredKey;
  /** The request's id, language and log line (absent only for contexts made outside a request). */
  scope?: RequestScope;
}

export interface GatewayOptions {
  supergraphSdl: string;
  /** Where each subgraph listens (overrides the URLs composed into the supergraph). */
  subgraphUrls: Record<Authority, string>;
  staffTokens: StaffTokenConfig;
  /** The gateway's own signing key for forwarded principals. */
  signingKey: { kid: string; privateKey: CryptoKey };
  /** Partners' API keys (hashed): a file, or with replicas the gateway's PostgreSQL (auth/sharedApiKeys.ts). */
  apiKeys: PartnerKeyStore;
  /** Per-key rate limits (default: counted in this process; with replicas, limits/sharedRateLimiter.ts). */
  limiter?: KeyRateLimiter;
  metrics: Metrics;
  /** Production mode: no introspection, no error details for developers (NODE_ENV=production). */
  production?: boolean;
  /** What one operation may ask for (default: DEFAULT_LIMITS). */
  limits?: OperationLimits;
  /** Timeouts, retry and circuit breaker for subgraph calls (default: DEFAULT_RESILIENCE). */
  resilience?: ResilienceOptions;
  /** Request timeouts and the connection cap of the gateway's listeners (default: DEFAULT_TRANSPORT). */
  transport?: TransportOptions;
  /** Approved operations (default: gateway/persisted/manifest.json) and whether only they run (default: off). */
  safelist?: { mode: SafelistMode; manifest?: PersistedManifest };
  /**
   * Query operations seen once run from their cached plan without Apollo Server's request pipeline (default: on;
   * see gateway/prepared/). Off: every request takes the full pipeline.
   */
  preparedOperations?: boolean;
  /** The web console at /console (gateway/console/): default on outside production only. */
  console?: ConsoleOptions;
  logger?: Logger;
}

/** Forwards every subgraph call with the principal signed for that subgraph alone (and the request's id and start). */
class PrincipalForwardingDataSource extends ResilientDataSource<GatewayContext> {
  protected override headersFor(context: GatewayContext): Record<string, string> {
    if (!('principalFor' in context)) return {};
    const headers: Record<string, string> = {
      [PRINCIPAL_HEADER]: context.principalFor(this.authority),
      [REQUEST_ID_HEADER]: context.principal.requestId,
    };
    if (context.principal.requestStartedAt !== undefined) headers[REQUEST_STARTED_HEADER] = String(context.principal.requestStartedAt);
    return headers;
  }
}

/**
 * Builds the gateway's HTTP server over the static supergraph, and the server of its metrics (GET /metrics, which
 * the public server does not serve); the caller decides where each listens.
 */
export async function buildGateway(
  options: GatewayOptions,
): Promise<{ server: Server; metricsServer: Server; apollo: ApolloServer<GatewayContext> }> {
  const production = options.production ?? false;
  const operationLimits = options.limits ?? DEFAULT_LIMITS;
  const limits = limitOptions(operationLimits);
  const logger = options.logger ?? processLogger('gateway');
  const manifest = options.safelist?.manifest ?? loadManifest();
  const subgraphMetrics = createSubgraphMetrics(options.metrics.registry);
  const agent = createSubgraphAgent();
  const prepared = new PreparedOperations();
  const usePrepared = options.preparedOperations ?? true;
  const gateway = new ApolloGateway({
    supergraphSdl: options.supergraphSdl,
    ...(usePrepared ? { experimental_didResolveQueryPlan: prepared.capture } : {}),
    buildService: ({ name }) => {
      const authority = name as Authority;
      if (!options.subgraphUrls[authority]) throw new Error(`No URL configured for subgraph ${name}`);
      const guard = new SubgraphGuard(authority, options.resilience ?? DEFAULT_RESILIENCE, subgraphMetrics, logger);
      return new PrincipalForwardingDataSource(authority, options.subgraphUrls[authority], { guard, metrics: subgraphMetrics, logger, agent });
    },
  });
  const limiter = options.limiter ?? new RateLimiter();
  const formatError = createFormatError({ production, registry: options.metrics.registry });
  const safelistMode = options.safelist?.mode ?? 'off';
  // Defined once, applied by the pipeline's plugin and by the prepared path alike (gateway/requestChecks.ts).
  const checks = requestChecks({ manifest, safelist: safelistMode, limiter });
  const apollo = new ApolloServer<GatewayContext>({
    gateway,
    plugins: [ApolloServerPluginLandingPageDisabled(), translateErrorsPlugin(), requestChecksPlugin(checks)],
    // Everything refused here is refused before the query plan runs, so before any subgraph is called.
    introspection: !production,
    csrfPrevention: true,
    allowBatchedHttpRequests: false,
    hideSchemaDetailsFromClientErrors: true,
    includeStacktraceInErrorResponses: false,
    persistedQueries: { cache: manifestQueryStore(manifest), ttl: null },
    validationRules: limits.validationRules,
    parseOptions: limits.parseOptions,
    maxRecursiveSelections: limits.maxRecursiveSelections,
    formatError,
  });
  await apollo.start();
  const servedPrepared = new Counter({
    name: 'gateway_prepared_requests_total',
    help: "Requests answered from a prepared operation's cached plan, without Apollo Server's request pipeline",
    registers: [options.metrics.registry],
  });
  const passedThrough = new Counter({
    name: 'gateway_passed_through_total',
    help: "Prepared requests whose plan is one fetch asking what the client asked, answered with the subgraph's answer as it came",
    registers: [options.metrics.registry],
  });
  const ownPlan = new Counter({
    name: 'gateway_own_plan_runs_total',
    help: "Prepared requests run by the gateway's own plan runner: answered by it, or handed over to @apollo/gateway's executor (errors, nulls, anything but the plain case)",
    labelNames: ['outcome'],
    registers: [options.metrics.registry],
  });
  let serving: PreparedServing | undefined;
  if (usePrepared) {
    const supergraph = Supergraph.build(options.supergraphSdl);
    serving = {
      operations: prepared,
      approved: new Map(manifest.operations.map((op) => [op.id, op])),
      checks,
      formatError,
      schema: gateway.schema!,
      supergraphSchema: supergraph.schema.toGraphQLJSSchema(),
      apiSchema: supergraph.apiSchema(),
      logger,
      onServed: () => servedPrepared.inc(),
      onPassedThrough: () => passedThrough.inc(),
      onOwnPlan: (outcome) => ownPlan.inc({ outcome }),
    };
  }

  const signer = new PrincipalSigner(options.signingKey);
  const transport = options.transport ?? DEFAULT_TRANSPORT;
  const server = createHttpServer<GatewayContext>({
    apollo,
    metrics: options.metrics,
    serveMetrics: false,
    transport,
    context: async (req) => {
      const context = await authenticate(req, { staffTokens: options.staffTokens, signer, apiKeys: options.apiKeys });
      context.scope = scopeOf(req);
      return context;
    },
    maxBodyBytes: operationLimits.bodyBytes,
    routes: consoleRoutes(options.console ?? {}, production),
    errorBody: (req, error) => httpErrorBody(req, error, { production }),
    apolloBody: translateOutsidePipeline,
    accessLog: accessLog(logger),
    shortcut: serving ? (req, body, context) => servePrepared(serving, req, body, context) : undefined,
  });
  // Before the request handler, so the headers are set before any response starts (health included).
  server.prependListener('request', (req: IncomingMessage, res: ServerResponse) => {
    openScope(req, { requestId: requestId(req), language: languageOf(req), log: { codes: [] } });
    res.setHeader('x-request-id', requestId(req));
    res.setHeader('content-language', languageOf(req));
  });
  server.on('close', () => {
    void apollo.stop();
    void agent.close();
  });
  return { server, metricsServer: createMetricsServer(options.metrics, transport), apollo };
}

/** The caller's language for error messages, from Accept-Language (English when none of ours is named). */
function languageOf(req: IncomingMessage): Language {
  const header = req.headers['accept-language'];
  return negotiateLanguage(Array.isArray(header) ? header.join(',') : header);
}
