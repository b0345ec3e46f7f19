import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { ApolloServer, type BaseContext } from '@apollo/server';
import {
  ApolloServerPluginCacheControlDisabled,
  ApolloServerPluginInlineTraceDisabled,
  ApolloServerPluginLandingPageDisabled,
} from '@apollo/server/plugin/disabled';
import { buildSubgraphSchema } from '@apollo/subgraph';
import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper';
import type { GraphQLSchema } from 'graphql';
import type { CryptoKey } from 'jose';
import type { DataSource } from 'typeorm';
import type { Authority } from '../../runtime/authority';
import { AuditTrail, auditPlugin } from './audit';
import { LogSequencer, type SequencerOptions } from './accessLog/sequencer';
import { WitnessClient, witnessRoute } from './accessLog/witness';
import { witnessedRoute } from './accessLog/witnessed';
import { AccessLogWriter } from './accessLog/writer';
import type { StatisticsCube } from './statistics/cube';
import { DEFAULT_STATISTICS_DAILY_QUERIES, type StatisticsBudgetOptions } from './statistics/budget';
import { statisticsQueryLog } from './statistics/queryLog';
import { statisticsResponseCache, type StatisticsUse } from './statistics/responseCache';
import { auditVerifyRoute } from './auditVerify';
import { maskError } from './errors';
import { guardFields, type FieldPolicy } from './fieldPolicy';
import { createHttpServer, HttpError, processLogger, type KeptResponse } from '../../runtime/http';
import type { Kickable } from './commands';
import { EVENTS_PATH } from './events';
import { inboxRoute, type EventHandler } from './inbox';
import { InternalCallVerifier, type VerifyCaller } from './internalSignature';
import type { VerifyingKey } from '../../runtime/keys';
import type { EventMetrics, Metrics } from '../../runtime/metrics';
import { OutboxRelay, type RelayOptions } from './outbox';
import { PRINCIPAL_HEADER, PrincipalVerifier, type Principal } from '../../runtime/principal';
import { loadSubgraphSchema } from './subgraphSchema';
import { compiledExecution, subgraphExecutionFrom, type CompileRules, type SubgraphExecution } from './compiledExecution';
import type { TransportOptions } from '../../runtime/transport';
import { todayInJapan } from '../../runtime/japanDay';

/** What every subgraph's resolvers receive: the verified caller and the authority's own database. */
export interface SubgraphContext extends BaseContext {
  principal: Principal;
  db: DataSource;
  /** The day the request is answered for (card validity, ages). */
  today: string;
  /** When a change of this request may no longer commit (ms since epoch; commands.ts). */
  changeDeadline: number;
  /** Woken after a command's transaction commits, so its events leave at once. */
  relay: Kickable;
  authority: Authority;
  /** What this request did with personal data, for the access log. */
  audit: AuditTrail;
  /** Appends to the authority's access log (group commit). */
  accessLog: AccessLogWriter;
  /** The authority's statistics, where it keeps them. */
  statistics?: StatisticsCube;
  /** The request's one read of the counts (statistics/cube.ts, readForRequest). */
  statisticsRead?: Promise<void>;
  /** The statistics answers this request used (statistics/responseCache.ts). */
  statisticsUsed?: StatisticsUse[];
  /** Lets a plugin keep the body sent, or send a kept one (runtime/http.ts). */
  keptResponse?: KeptResponse;
}

/**
 * How long after a request arrives a change of it may still commit (`CHANGE_DEADLINE_MS`): below the gateway's
 * subgraph timeout (3 s), so a change is either made and answered, or not made.
 */
export const DEFAULT_CHANGE_DEADLINE_MS = 2500;

/** How an authority exchanges events with the others. */
export interface EventsOptions {
  /** This authority's signing key for the deliveries it makes. */
  signingKey: { kid: string; privateKey: CryptoKey };
  /** Public keys of the authorities it accepts events and internal calls from. */
  producerKeys: Partial<Record<Authority, VerifyingKey>>;
  /** Base URLs of the authorities it delivers to. */
  destinations: Partial<Record<Authority, string>>;
  handlers: Record<string, EventHandler>;
  metrics?: EventMetrics;
  /** Relay tuning (tests shorten the backoff). */
  relay?: Partial<Pick<RelayOptions, 'maxAttempts' | 'maxBackoffMs' | 'pollMs'>>;
}

/** The day in Japan by the machine's clock, when a subgraph is not given a clock. */
export const systemDay = todayInJapan;

/** What a subgraph is built from (its `server.ts` adds schema, resolvers, loaders and event handlers). */
export interface SubgraphDeps {
  db: DataSource;
  gatewayKey: VerifyingKey;
  metrics: Metrics;
  clock?: () => string;
  events: Omit<EventsOptions, 'handlers'>;
  /** Request timeouts and the connection cap (default: DEFAULT_TRANSPORT). */
  transport?: TransportOptions;
  /** Access-log sequencing and checkpoint intervals (tests shorten them). */
  accessLog?: Pick<SequencerOptions, 'pollMs' | 'checkpointEveryMs'>;
  /** How long after a request arrives a change of it may still commit (default DEFAULT_CHANGE_DEADLINE_MS). */
  changeDeadlineMs?: number;
  /** The secret behind the statistics' record keys, the same in every authority that counts (statistics/recordKey.ts). */
  statisticsKey?: Buffer;
  /** Statistics tables per analyst per day (default: DEFAULT_STATISTICS_DAILY_QUERIES; statistics/budget.ts). */
  statisticsBudget?: StatisticsBudgetOptions;
  /** How operations are executed (default: SUBGRAPH_EXECUTION, else compiled; compiledExecution.ts). */
  execution?: SubgraphExecution;
  /** When compiled execution compiles (default: COMPILE_RULES; tests compile sooner). */
  compileRules?: CompileRules;
}

export interface SubgraphOptions<TContext extends SubgraphContext> {
  authority: Authority;
  /** The subgraph's schema.graphql; the shared SDL files it includes are served with it (subgraphSchema.ts). */
  schemaPath: string;
  resolvers: GraphQLResolverMap<TContext>;
  /** Who may read which field for which purpose; enforced on every field of the guarded types. */
  fieldPolicy: FieldPolicy;
  db: DataSource;
  /** The gateway's public key: nothing is answered without a principal it signed. */
  gatewayKey: VerifyingKey;
  metrics: Metrics;
  /** Adds the per-request parts (DataLoaders) to the base context. */
  extendContext: (base: SubgraphContext) => TContext;
  clock?: () => string;
  events: EventsOptions;
  /** Internal endpoints beside the event inbox (signed by the calling authority, never routed by the gateway). */
  internalRoutes?: (tools: InternalRouteTools) => Record<string, Route>;
  /** Request timeouts and the connection cap (default: DEFAULT_TRANSPORT). */
  transport?: TransportOptions;
  /** Access-log sequencing and checkpoint intervals (tests shorten them). */
  accessLog?: Pick<SequencerOptions, 'pollMs' | 'checkpointEveryMs'>;
  /** How long after a request arrives a change of it may still commit (default DEFAULT_CHANGE_DEADLINE_MS). */
  changeDeadlineMs?: number;
  /** Statistics tables per analyst per day (default: DEFAULT_STATISTICS_DAILY_QUERIES; statistics/budget.ts). */
  statisticsBudget?: StatisticsBudgetOptions;
  /** How operations are executed (default: SUBGRAPH_EXECUTION, else compiled; compiledExecution.ts). */
  execution?: SubgraphExecution;
  /** When compiled execution compiles (default: COMPILE_RULES; tests compile sooner). */
  compileRules?: CompileRules;
}

/** What internal endpoints get: caller verification, the relay to wake, and the clock. */
export interface InternalRouteTools {
  verify: VerifyCaller;
  relay: Kickable;
  today: () => string;
}

type Route = (req: IncomingMessage, body: string, res: ServerResponse) => Promise<void>;

/** Builds an authority's subgraph server (not yet listening). */
export async function buildSubgraphServer<TContext extends SubgraphContext>(
  options: SubgraphOptions<TContext>,
): Promise<{ server: Server; apollo: ApolloServer<TContext>; relay: OutboxRelay; schema: GraphQLSchema }> {
  const typeDefs = loadSubgraphSchema(options.schemaPath);
  const schema = buildSubgraphSchema({
    typeDefs,
    resolvers: guardFields(options.resolvers as Record<string, Record<string, unknown>>, typeDefs, options.fieldPolicy) as GraphQLResolverMap<unknown>,
  });
  const execution = options.execution ?? subgraphExecutionFrom(process.env);
  const apollo = new ApolloServer<TContext>({
    ...(execution === 'compiled' ? { gateway: compiledExecution(schema, (how) => options.metrics.executions.inc({ how }), options.compileRules) } : { schema }),
    // No inline traces: they would send resolver timings to whoever holds a principal, and cost time. No cache
    // hints either: nothing reads them, and their plugin wraps every field resolver (a large statistics table
    // resolves tens of thousands of fields).
    plugins: [
      ApolloServerPluginLandingPageDisabled(),
      ApolloServerPluginInlineTraceDisabled(),
      ApolloServerPluginCacheControlDisabled(),
      statisticsResponseCache<TContext>({ served: (how) => options.metrics.statisticsResponses.inc({ served: how }) }),
      auditPlugin<TContext>(Object.keys(options.fieldPolicy)),
      statisticsQueryLog<TContext>(options.statisticsBudget ?? { daily: DEFAULT_STATISTICS_DAILY_QUERIES }),
    ],
    includeStacktraceInErrorResponses: false,
    formatError: maskError,
  });
  await apollo.start();
  const clock = options.clock ?? systemDay;

  const { events } = options;
  const relay = new OutboxRelay({
    db: options.db,
    source: options.authority,
    destinations: events.destinations,
    signingKey: events.signingKey,
    ...events.relay,
    onDelivered: (e, ms) => events.metrics?.delivered(e, ms),
    onFailed: (e, _err, parked) => events.metrics?.failed(e, parked),
    onLeading: (leading) => events.metrics?.leading(leading),
  });

  // The access log: rows appended with group commit, made leaves of the Merkle tree by the sequencer, whose signed
  // checkpoints the other two authorities cosign as witnesses.
  const witnesses = new WitnessClient({
    db: options.db,
    authority: options.authority,
    signingKey: events.signingKey,
    // The map itself, not a copy: it may be filled in after this server is built (the test harness does), as the
    // relay's is; the client never asks its own authority.
    witnesses: events.destinations,
  });
  const sequencer = new LogSequencer({
    db: options.db,
    authority: options.authority,
    signingKey: events.signingKey,
    ...options.accessLog,
    onCheckpoint: () => void witnesses.send().catch(() => undefined),
    onError: (err) => processLogger(options.authority).error({ err: String(err) }, 'access log sequencing failed'),
  });
  const accessLog = new AccessLogWriter(options.db, options.authority);

  // One verifier for every internal endpoint of this server, so a signature used on one is used on all.
  const callers = new InternalCallVerifier(options.authority, events.producerKeys);
  const verifyCaller: VerifyCaller = async (req, body) => {
    try {
      return await callers.verify(req, body);
    } catch (err) {
      if (err instanceof HttpError) throw err;
      throw new HttpError(401, 'CALLER_SIGNATURE_INVALID', 'Internal calls must be signed by a known authority');
    }
  };

  const principals = new PrincipalVerifier(options.authority, options.gatewayKey);
  const server = createHttpServer<TContext>({
    apollo,
    metrics: options.metrics,
    transport: options.transport,
    context: async (req: IncomingMessage) => {
      const principal = await authenticate(req, principals);
      return options.extendContext({
        principal,
        db: options.db,
        today: clock(),
        changeDeadline: Date.now() + (options.changeDeadlineMs ?? DEFAULT_CHANGE_DEADLINE_MS),
        relay,
        authority: options.authority,
        audit: new AuditTrail(),
        accessLog,
        keptResponse: {},
      });
    },
    routes: {
      ...auditVerifyRoute(options.db, options.authority, verifyCaller, events.producerKeys, options.accessLog?.checkpointEveryMs),
      ...witnessRoute({ db: options.db, authority: options.authority, signingKey: events.signingKey, logKeys: events.producerKeys, verify: verifyCaller, refusals: options.metrics.witnessRefusals }),
      ...witnessedRoute({ db: options.db, authority: options.authority, verify: verifyCaller }),
      ...options.internalRoutes?.({
        verify: verifyCaller,
        relay,
        today: clock,
      }),
      [EVENTS_PATH]: inboxRoute({
        db: options.db,
        verify: (req, body) => callers.verify(req, body),
        handlers: events.handlers,
        onApplied: (e) => events.metrics?.applied(e),
      }),
    },
  });
  // A witness that was down gets the latest checkpoint again, also when no new rows bring a new checkpoint.
  let witnessRetry: NodeJS.Timeout | undefined;
  server.on('listening', () => {
    relay.start();
    sequencer.start();
    witnessRetry = setInterval(() => void witnesses.send().catch(() => undefined), 5000);
    witnessRetry.unref();
  });
  server.on('close', () => {
    void relay.stop();
    void sequencer.stop();
    witnesses.stop();
    clearInterval(witnessRetry);
    void apollo.stop();
  });
  return { server, apollo, relay, schema };
}

async function authenticate(req: IncomingMessage, principals: PrincipalVerifier): Promise<Principal> {
  const token = req.headers[PRINCIPAL_HEADER];
  if (typeof token !== 'string' || token.length === 0) {
    throw new HttpError(401, 'PRINCIPAL_REQUIRED', 'Requests must come through the gateway');
  }
  try {
    return await principals.principalOf(token, req);
  } catch {
    throw new HttpError(401, 'PRINCIPAL_INVALID', 'The forwarded principal is not valid');
  }
}
