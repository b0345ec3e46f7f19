import type { IncomingMessage } from 'node:http';
import { executeQueryPlan } from '@apollo/gateway';
import type { Schema } from '@apollo/federation-internals';
import type { GatewayGraphQLRequestContext } from '@apollo/server-gateway-interface';
import { getVariableValues, GraphQLError, type GraphQLFormattedError, type GraphQLSchema } from 'graphql';
import Negotiator from 'negotiator';
import type { Logger } from 'pino';
import { loggableOperationName, type RequestScope } from '../logging';
import type { PersistedOperation } from '../persisted/safelist';
import { firstRefusal, type RequestCheck } from '../requestChecks';
import { ResilientDataSource, type CacheScope } from '../resilience/resilientDataSource';
import type { GatewayContext } from '../server';
import { OwnPlan } from './ownPlan';
import type { PassThroughFetch, PreparedOperation, PreparedOperations } from './preparedOperations';

/** A complete HTTP answer. */
export interface PreparedResponse {
  status: number;
  headers: Record<string, string>;
  /** Text, or the bytes of a subgraph's answer sent on as they came, in the chunks they came in. */
  body: string | Buffer | readonly Buffer[];
}

/** What the lean path needs: the prepared operations, the checks the request pipeline applies, and the supergraph. */
export interface PreparedServing {
  operations: PreparedOperations;
  /** The approved operations, by hash: a client may send the hash alone. */
  approved: ReadonlyMap<string, PersistedOperation>;
  /** The gateway's checks, as the pipeline applies them (gateway/requestChecks.ts). */
  checks: readonly RequestCheck[];
  /** The gateway's formatError: given the request's scope, it writes in the caller's language and logs the code. */
  formatError: (formatted: GraphQLFormattedError, error: unknown, scope?: RequestScope) => GraphQLFormattedError;
  /** The gateway's API schema (graphql-js) and the supergraph's schemas, as @apollo/gateway executes plans with them. */
  schema: GraphQLSchema;
  supergraphSchema: GraphQLSchema;
  apiSchema: Schema;
  logger: Logger;
  /** Called for each request answered here. */
  onServed: () => void;
  /** Called for each of those answered with a subgraph's answer as it came. */
  onPassedThrough?: () => void;
  /** Called for each run of the gateway's own plan runner: it answered, or handed over to executeQueryPlan. */
  onOwnPlan?: (outcome: 'answered' | 'handed_over') => void;
}

const JSON_TYPE = 'application/json; charset=utf-8';
const GRAPHQL_RESPONSE_TYPE = 'application/graphql-response+json; charset=utf-8';
const CALLBACK_TYPE = 'application/json; callbackSpec=1.0; charset=utf-8';

/**
 * Answers a request for a prepared query operation without Apollo Server's request pipeline: no parsing, no
 * validation, no planning, no plugin hooks. The cached query plan runs through the gateway's own runner
 * (ownPlan.ts) over the same data sources; whenever anything departs from the plain case it hands over to
 * @apollo/gateway's executeQueryPlan with the answers already received, so errors, their paths and extensions,
 * null propagation, partial answers and the subgraph call policy are the same. What the pipeline itself would
 * refuse (body shape, accepted media type, variable coercion) is looked at first, then the gateway's checks
 * (gateway/requestChecks.ts, the list the pipeline's plugin applies); when any would refuse the request, or the
 * request is anything but a plain POST of a prepared operation, this returns undefined before any subgraph is
 * called, and the full pipeline answers it.
 */
export async function servePrepared(
  serving: PreparedServing,
  req: IncomingMessage,
  body: unknown,
  contextValue: GatewayContext,
): Promise<PreparedResponse | undefined> {
  if (req.method !== 'POST' || !isRecord(body)) return undefined;
  const prepared = preparedFor(serving, body);
  if (!prepared) return undefined;
  const { operationName, variables } = body;
  if (operationName !== undefined && operationName !== null && operationName !== prepared.name) return undefined;
  if (variables !== undefined && variables !== null && !isRecord(variables)) return undefined;
  const mediaType = negotiate(req.headers.accept);
  if (mediaType === undefined) return undefined;

  const variableDefinitions = prepared.operationContext.operation.variableDefinitions ?? [];
  if (variableDefinitions.length > 0 && getVariableValues(serving.schema, variableDefinitions, variables ?? {}).errors) return undefined;
  // The gateway's checks (gateway/requestChecks.ts), the same list the pipeline applies; last, because a check may
  // take from a partner's rate limit, and nothing after it declines.
  const checked = { document: prepared.document, operation: prepared.operationContext.operation, operationName: prepared.name, queryHash: prepared.queryHash, variables: variables ?? undefined, context: contextValue };
  if (await firstRefusal(serving.checks, checked)) return undefined;

  serving.onServed();
  const request = { operationName: prepared.name !== null && operationName === prepared.name ? prepared.name : undefined, variables: variables ?? undefined };
  return execute(serving, prepared, request, contextValue, mediaType);
}

function preparedFor(serving: PreparedServing, body: Record<string, unknown>): PreparedOperation | undefined {
  const { query, extensions } = body;
  if (extensions === undefined || extensions === null) return typeof query === 'string' ? serving.operations.withText(query) : undefined;
  // An approved operation by its hash alone (Apollo's persisted-query protocol); the text with a hash is left to the pipeline.
  if (query !== undefined || !isRecord(extensions) || Object.keys(extensions).length !== 1) return undefined;
  const persisted = extensions.persistedQuery;
  if (!isRecord(persisted) || persisted.version !== 1 || typeof persisted.sha256Hash !== 'string') return undefined;
  if (!serving.approved.has(persisted.sha256Hash)) return undefined;
  return serving.operations.withHash(persisted.sha256Hash);
}

async function execute(
  serving: PreparedServing,
  prepared: PreparedOperation,
  request: { operationName?: string; variables?: Record<string, unknown> },
  contextValue: GatewayContext,
  mediaType: string,
): Promise<PreparedResponse> {
  const cachePolicy = new CachePolicy();
  const requestContext = {
    request: { query: prepared.text, ...request },
    context: contextValue,
    logger: serving.logger,
    metrics: {},
    overallCachePolicy: cachePolicy,
    schema: serving.schema,
    queryHash: prepared.queryHash,
    document: prepared.document,
    source: prepared.text,
    operationName: prepared.name,
    operation: prepared.operationContext.operation,
  } as unknown as GatewayGraphQLRequestContext;
  const head = new ResponseHead(contextValue.scope);
  let serviceMap = prepared.serviceMap;
  const fetch = prepared.passThrough;
  if (fetch && serviceMap[fetch.serviceName] instanceof ResilientDataSource) {
    // The plan is this one fetch, asking what the client asked: an answer of data alone goes out as it came.
    const answer = await fetchOnce(serviceMap, fetch, request.variables, requestContext, contextValue);
    if (answer.text !== undefined) {
      serving.onPassedThrough?.();
      return { status: 200, headers: { 'cache-control': cachePolicy.header(false), 'content-type': mediaType }, body: answer.text };
    }
    // Errors, or anything else: the plan runs as always, over the answer already received (no second call).
    serviceMap = { ...serviceMap, [fetch.serviceName]: { process: answer.replay } };
  } else {
    // Once per operation: null (declined) is kept too, where `??=` would compile again on every request.
    if (prepared.ownPlan === undefined) prepared.ownPlan = ownPlanFor(serving, prepared);
    if (prepared.ownPlan) {
      const outcome = await prepared.ownPlan.run(serviceMap, request, requestContext);
      if ('data' in outcome) {
        serving.onOwnPlan?.('answered');
        return respond(200, head, mediaType, cachePolicy.header(false), { data: outcome.data });
      }
      // Anything but the plain case: Apollo's executor over the answers already received (no second call).
      serving.onOwnPlan?.('handed_over');
      serviceMap = outcome.replay;
    }
  }
  let result: { data?: unknown; errors?: readonly unknown[]; extensions?: unknown };
  try {
    result = await executeQueryPlan(
      prepared.queryPlan,
      serviceMap,
      requestContext,
      prepared.operationContext,
      serving.supergraphSchema,
      serving.apiSchema,
    );
  } catch (error) {
    // As Apollo Server answers an executor that throws: the error alone, status 500.
    const errors = head.format(serving, [error]);
    return respond(head.status ?? 500, head, mediaType, 'no-store', { errors });
  }
  const errors = result.errors?.length ? head.format(serving, result.errors) : undefined;
  // Apollo Server's status400ForVariableCoercionErrors: errors and no data at all.
  const status = head.status ?? (errors && result.data === undefined ? 400 : 200);
  return respond(status, head, mediaType, cachePolicy.header(errors !== undefined), { errors, data: result.data, extensions: result.extensions });
}

/** The plan's own runner, or null when the plan or the operation has anything it leaves to executeQueryPlan. */
function ownPlanFor(serving: PreparedServing, prepared: PreparedOperation): OwnPlan | null {
  const { queryPlan, operationContext } = prepared;
  try {
    return OwnPlan.compile(queryPlan, operationContext.operation.selectionSet, operationContext.fragments, serving.schema, serving.supergraphSchema) ?? null;
  } catch (error) {
    // A plan or operation this runner did not foresee: executeQueryPlan runs it, as before.
    serving.logger.warn({ operation: loggableOperationName(prepared.name), where: (error as Error).stack?.split('\n')[1]?.trim() }, 'own plan runner declined an operation');
    return null;
  }
}

type ServiceMap = PreparedOperation['serviceMap'];
type SubgraphResponse = Awaited<ReturnType<ServiceMap[string]['process']>>;

/**
 * Sends a pass-through plan's one fetch as @apollo/gateway would (same data source, request and context). `text`:
 * the answer's body, when it holds data and nothing else, ready to send; `replay` gives the answer (or the
 * failure) again, for the plan to run over.
 */
async function fetchOnce(
  serviceMap: ServiceMap,
  fetch: PassThroughFetch,
  variables: Record<string, unknown> | undefined,
  requestContext: GatewayGraphQLRequestContext,
  contextValue: GatewayContext,
): Promise<{ text?: string | Buffer[]; replay: () => Promise<SubgraphResponse> }> {
  let answer: { text?: string | Buffer[]; response?: SubgraphResponse };
  try {
    const dataSource = serviceMap[fetch.serviceName] as ResilientDataSource<GatewayContext>;
    answer = await dataSource.processAsItCame({
      kind: 'incoming operation',
      request: { query: fetch.operation, variables: usedVariables(fetch.variableUsages, variables), operationName: fetch.operationName },
      incomingRequestContext: requestContext,
      context: contextValue,
      document: fetch.operationDocumentNode,
      pathInIncomingRequest: [],
    } as unknown as Parameters<ResilientDataSource<GatewayContext>['process']>[0]);
  } catch (error) {
    return { replay: () => Promise.reject(error) };
  }
  const { text, response } = answer;
  // Unparsed text has been sent on by then; a parsed answer is there whenever the plan may need it.
  const replay = async () => response as SubgraphResponse;
  return { text: text === undefined ? undefined : withNewline(text), replay };
}

/** Apollo Server ends every body with a newline. */
function withNewline(text: string | Buffer[]): string | Buffer[] {
  if (typeof text === 'string') return text.endsWith('\n') ? text : `${text}\n`;
  return text.findLast((chunk) => chunk.length > 0)?.at(-1) === 0x0a ? text : [...text, NEWLINE];
}
const NEWLINE = Buffer.from('\n');

/** The client's variables the fetch uses, as @apollo/gateway picks them for a fetch. */
function usedVariables(usages: readonly string[] | undefined, variables: Record<string, unknown> | undefined): Record<string, unknown> {
  const used: Record<string, unknown> = Object.create(null);
  for (const name of usages ?? []) if (variables && Object.hasOwn(variables, name) && variables[name] !== undefined) used[name] = variables[name];
  return used;
}

function respond(status: number, head: ResponseHead, mediaType: string, cacheControl: string, result: Record<string, unknown>): PreparedResponse {
  // Apollo Server's field order and trailing newline.
  const body = `${JSON.stringify({ errors: result.errors, data: result.data, extensions: result.extensions })}\n`;
  return { status, headers: { ...head.headers, 'cache-control': cacheControl, 'content-type': mediaType }, body };
}

/** Status and headers that errors ask for (`extensions.http`), gathered as the errors are formatted like Apollo Server does. */
class ResponseHead {
  status?: number;
  headers: Record<string, string> = {};

  constructor(private readonly scope: RequestScope | undefined) {}

  format(serving: PreparedServing, errors: readonly unknown[]): GraphQLFormattedError[] {
    return errors.map((error) => {
      try {
        return serving.formatError(this.enrich(error), error, this.scope);
      } catch {
        return { message: 'Internal server error', extensions: { code: 'INTERNAL_SERVER_ERROR' } };
      }
    });
  }

  private enrich(error: unknown): GraphQLFormattedError {
    const graphqlError =
      error instanceof GraphQLError
        ? error
        : error instanceof Error
          ? new GraphQLError(error.message, { originalError: error })
          : new GraphQLError(`Unexpected error value: ${String(error)}`);
    const extensions: Record<string, unknown> = { ...graphqlError.extensions, code: graphqlError.extensions.code ?? 'INTERNAL_SERVER_ERROR' };
    const http = extensions.http as { status?: unknown; headers?: unknown } | undefined;
    if (http && typeof http === 'object' && (http.status === undefined || typeof http.status === 'number') && (http.headers === undefined || http.headers instanceof Map)) {
      if (typeof http.status === 'number') this.status = http.status;
      if (http.headers instanceof Map) for (const [name, value] of http.headers as Map<string, string>) this.headers[name] = value;
      delete extensions.http;
    }
    return { ...graphqlError.toJSON(), extensions };
  }
}

/** The overall cache policy as Apollo Server keeps it: the shortest max-age and the most private scope of every part. */
class CachePolicy {
  private maxAge?: number;
  private scope?: CacheScope;

  restrict(hint: { maxAge?: number; scope?: CacheScope }): void {
    if (hint.maxAge !== undefined && (this.maxAge === undefined || hint.maxAge < this.maxAge)) this.maxAge = hint.maxAge;
    if (hint.scope !== undefined && this.scope !== 'PRIVATE') this.scope = hint.scope;
  }

  ifCacheable(): { maxAge: number; scope: CacheScope } | null {
    return this.maxAge === undefined || this.maxAge === 0 ? null : { maxAge: this.maxAge, scope: this.scope ?? 'PUBLIC' };
  }

  /** The cache-control header of an answer (never cacheable with errors). */
  header(withErrors: boolean): string {
    const policy = this.ifCacheable();
    return policy && !withErrors ? `max-age=${policy.maxAge}, ${policy.scope.toLowerCase()}` : 'no-store';
  }
}

const negotiated = new Map<string, string | undefined>();

/** The response's media type for an Accept header, as Apollo Server chooses it; undefined when the pipeline should answer. */
function negotiate(accept: string | undefined): string | undefined {
  if (!accept) return JSON_TYPE;
  if (negotiated.has(accept)) return negotiated.get(accept);
  const preferred = new Negotiator({ headers: { accept } }).mediaType([JSON_TYPE, GRAPHQL_RESPONSE_TYPE, CALLBACK_TYPE]);
  const type = preferred === JSON_TYPE || preferred === GRAPHQL_RESPONSE_TYPE ? preferred : undefined;
  // Bounded: a client sending endless distinct headers only misses the memo.
  if (negotiated.size < 100) negotiated.set(accept, type);
  return type;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value) && !Buffer.isBuffer(value);
}
