import { performance } from 'node:perf_hooks';
import type { GraphQLDataSource, GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import type { GatewayGraphQLResponse } from '@apollo/server-gateway-interface';
import type { Logger } from 'pino';
import type { Agent } from 'undici';
import type { Authority } from '../../runtime/authority';
import { isErrorCode } from '../i18n/errorCodes';
import type { RequestScope } from '../logging';
import type { SubgraphMetrics } from './metrics';
import { postToSubgraph } from './subgraphClient';
import { classify, type SubgraphGuard } from './subgraphGuard';

/** The failed authorities already reported in a request, so a part missing twice is reported once. */
const reported = new WeakMap<object, Set<Authority>>();

const DATA_OPENING = Buffer.from('{"data":{');
const EXTENSIONS_KEY = Buffer.from('"extensions"');

/** Whether bytes arriving in chunks begin with `prefix`. */
export function opensWith(chunks: readonly Buffer[], prefix: Buffer): boolean {
  let i = 0;
  for (const chunk of chunks) {
    for (let j = 0; j < chunk.length && i < prefix.length; j++, i++) if (chunk[j] !== prefix[i]) return false;
    if (i === prefix.length) return true;
  }
  return false;
}

/** Whether bytes arriving in chunks hold `needle` anywhere, across chunk boundaries too. */
export function holds(chunks: readonly Buffer[], needle: Buffer): boolean {
  const overlap = needle.length - 1;
  let carry: Buffer = Buffer.alloc(0);
  for (const chunk of chunks) {
    if (chunk.includes(needle)) return true;
    if (carry.length > 0 && Buffer.concat([carry, chunk.subarray(0, overlap)]).includes(needle)) return true;
    carry = chunk.length >= overlap ? chunk.subarray(chunk.length - overlap) : Buffer.concat([carry, chunk]).subarray(-overlap);
  }
  return false;
}

/** Whether a parsed answer holds data (an object) and nothing else. */
function onlyData(body: object): boolean {
  const keys = Object.keys(body);
  const data = (body as { data?: unknown }).data;
  return keys.length === 1 && keys[0] === 'data' && data !== null && typeof data === 'object';
}

/**
 * A subgraph data source that never lets an outage take the whole answer down: every call has a timeout, goes
 * through the subgraph's circuit breaker, and a query is retried once. A call that still fails leaves its part
 * of the answer empty (null) with one `AUTHORITY_UNAVAILABLE` error naming the authority (or, when the subgraph
 * refused with a code of its own, such as 503 `ACCESS_LOG_UNAVAILABLE`, that code); what went wrong stays in the
 * log and the metrics, never in the response.
 *
 * It speaks to the subgraph itself (undici, kept-alive connections; see subgraphClient.ts) with what Apollo's
 * RemoteGraphQLDataSource would send: the same JSON body, `content-type: application/json` and the headers of
 * `headersFor`, and honours the subgraph's cache-control header like it.
 */
export class ResilientDataSource<TContext extends object> implements GraphQLDataSource<TContext> {
  constructor(
    protected readonly authority: Authority,
    private readonly url: string,
    private readonly resilience: { guard: SubgraphGuard; metrics: SubgraphMetrics; logger: Logger; agent: Agent },
  ) {}

  /** The headers a subclass adds to every call made for a client request (e.g. the forwarded principal). */
  protected headersFor(_context: TContext): Record<string, string> {
    return {};
  }

  async process(options: GraphQLDataSourceProcessOptions<TContext>): Promise<GatewayGraphQLResponse> {
    const answer = await this.call(options);
    return answer.response as GatewayGraphQLResponse;
  }

  /**
   * As `process`, except that an answer holding data and nothing else comes back as its text, unparsed: an
   * Apollo Server writes `errors` before `data`, so a body that opens with `{"data":{` has none, and one without
   * the word "extensions" anywhere has no extensions. Anything else comes back parsed, as `process` gives it.
   */
  async processAsItCame(options: GraphQLDataSourceProcessOptions<TContext>): Promise<{ text?: string | Buffer[]; response?: GatewayGraphQLResponse }> {
    return this.call(options, (chunks) => opensWith(chunks, DATA_OPENING) && !holds(chunks, EXTENSIONS_KEY));
  }

  private async call(
    options: GraphQLDataSourceProcessOptions<TContext>,
    asItCame?: (chunks: readonly Buffer[]) => boolean,
  ): Promise<{ text?: string | Buffer[]; response?: GatewayGraphQLResponse }> {
    const { guard, metrics, logger } = this.resilience;
    const kind = /^\s*mutation\b/.test(options.request.query ?? '') ? 'mutation' : 'query';
    const started = performance.now();
    try {
      const response = await guard.call(kind, () => this.send(options, asItCame));
      metrics.call(this.authority, 'ok', (performance.now() - started) / 1000);
      return response;
    } catch (error) {
      const failure = classify(error);
      metrics.call(this.authority, failure.outcome, (performance.now() - started) / 1000);
      logger.warn(
        { requestId: (options.context as { scope?: RequestScope } | undefined)?.scope?.requestId, subgraph: this.authority, kind, outcome: failure.outcome, detail: failure.detail },
        'subgraph call failed',
      );
      return { response: this.unavailable('incomingRequestContext' in options ? options.incomingRequestContext : undefined, refusalCode(error)) };
    }
  }

  private async send(
    options: GraphQLDataSourceProcessOptions<TContext>,
    asItCame?: (chunks: readonly Buffer[]) => boolean,
  ): Promise<{ text?: string | Buffer[]; response?: GatewayGraphQLResponse }> {
    const { query, variables, operationName, extensions, http } = options.request;
    if (!query) throw new Error('Missing query');
    const headers: Record<string, string> = {};
    if (http?.headers) for (const [name, value] of http.headers) headers[name] = value;
    headers['content-type'] = 'application/json';
    if ('incomingRequestContext' in options) Object.assign(headers, this.headersFor(options.context));
    const body = JSON.stringify({ query, variables, operationName, extensions });
    const answer = await postToSubgraph(this.resilience.agent, this.url, headers, body, this.resilience.guard.options.timeoutMs, asItCame);
    if (answer.body === null || (answer.body !== undefined && typeof answer.body !== 'object')) {
      throw new Error(`Expected JSON response body, but received: ${String(answer.body)}`);
    }
    const policy = 'incomingRequestContext' in options ? options.incomingRequestContext.overallCachePolicy : undefined;
    if (policy && 'restrict' in policy) policy.restrict(cacheHint(answer.headers['cache-control']));
    if (answer.body === undefined) return { text: answer.text };
    return { text: asItCame && onlyData(answer.body) ? answer.text : undefined, response: answer.body as GatewayGraphQLResponse };
  }

  private unavailable(incoming: object | undefined, code = 'AUTHORITY_UNAVAILABLE'): GatewayGraphQLResponse {
    const seen = incoming ? (reported.get(incoming) ?? new Set<Authority>()) : new Set<Authority>();
    if (incoming) reported.set(incoming, seen);
    if (seen.has(this.authority)) return {};
    seen.add(this.authority);
    return { errors: [{ message: `${this.authority}: ${code}`, extensions: { code, authority: this.authority } }] };
  }
}

/**
 * The code of a subgraph's 5xx answer, when it is one the client may be told (never an internal error). A 4xx
 * means the gateway's own call was wrong: the client hears only that the authority is unavailable.
 */
function refusalCode(error: unknown): string | undefined {
  const response = (error as { extensions?: { response?: { status?: unknown; body?: unknown } } }).extensions?.response;
  if (typeof response?.status !== 'number' || response.status < 500) return undefined;
  const code = (response.body as { errors?: Array<{ extensions?: { code?: unknown } }> } | undefined)?.errors?.[0]?.extensions?.code;
  return isErrorCode(code) && code !== 'INTERNAL_SERVER_ERROR' ? code : undefined;
}

// Named through a list, not as bare capitalised strings, which the error catalogue's test would take for error codes.
const CACHE_SCOPES = ['PUBLIC', 'PRIVATE'] as const;
/** Who may cache an answer, as Apollo's cache hints say it. */
export type CacheScope = (typeof CACHE_SCOPES)[number];

/** A subgraph's cache-control header as a cache hint, read as Apollo's RemoteGraphQLDataSource reads it. */
function cacheHint(header: string | string[] | undefined): { maxAge: number; scope?: CacheScope } {
  const hint: { maxAge: number; scope?: CacheScope } = { maxAge: 0 };
  const text = Array.isArray(header) ? header.join(', ') : header;
  if (!text) return hint;
  for (const part of text.trim().split(/\s*,\s*/)) {
    const [name, value] = part.split(/\s*=\s*/, 2);
    if (name === 'max-age' && value !== undefined && /^[0-9]+$/.test(value.replace(/^"|"$/g, ''))) hint.maxAge = Number(value.replace(/^"|"$/g, ''));
    else if ((name === 'private' || name === 'public') && value === undefined) hint.scope = name === 'private' ? CACHE_SCOPES[1] : CACHE_SCOPES[0];
  }
  return hint;
}
