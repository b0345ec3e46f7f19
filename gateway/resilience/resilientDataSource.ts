import { performance } from 'node:perf_hooks';
import { RemoteGraphQLDataSource, type GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import type { GatewayGraphQLResponse } from '@apollo/server-gateway-interface';
import type { Logger } from 'pino';
import type { Authority } from '../../subgraphs/kit/database';
import { isErrorCode } from '../i18n/errorCodes';
import { currentScope } from '../logging';
import type { SubgraphMetrics } from './metrics';
import { classify, type SubgraphGuard } from './subgraphGuard';

/** The failed authorities already reported in a request, so a part missing twice is reported once. */
const reported = new WeakMap<object, Set<Authority>>();

/**
 * A subgraph data source that never lets an outage take the whole answer down: every call has a timeout, goes
 * through the subgraph's circuit breaker, and a query is retried once. A call that still fails leaves its part
 * of the answer empty (null) with one `AUTHORITY_UNAVAILABLE` error naming the authority (or, when the subgraph
 * refused with a code of its own, such as 503 `ACCESS_LOG_UNAVAILABLE`, that code); what went wrong stays in the
 * log and the metrics, never in the response.
 */
export class ResilientDataSource<TContext extends object> extends RemoteGraphQLDataSource<TContext> {
  constructor(
    protected readonly authority: Authority,
    url: string,
    private readonly resilience: { guard: SubgraphGuard; metrics: SubgraphMetrics; logger: Logger },
  ) {
    super({ url });
    const fetchOnce = this.fetcher;
    const { timeoutMs } = resilience.guard.options;
    this.fetcher = (input, init) => fetchOnce(input, { ...init, signal: AbortSignal.timeout(timeoutMs) });
  }

  override async process(options: GraphQLDataSourceProcessOptions<TContext>): Promise<GatewayGraphQLResponse> {
    const { guard, metrics, logger } = this.resilience;
    const kind = /^\s*mutation\b/.test(options.request.query ?? '') ? 'mutation' : 'query';
    const started = performance.now();
    try {
      const response = await guard.call(kind, () => super.process(options));
      metrics.call(this.authority, 'ok', (performance.now() - started) / 1000);
      return response;
    } catch (error) {
      const failure = classify(error);
      metrics.call(this.authority, failure.outcome, (performance.now() - started) / 1000);
      logger.warn(
        { requestId: currentScope()?.requestId, subgraph: this.authority, kind, outcome: failure.outcome, detail: failure.detail },
        'subgraph call failed',
      );
      return this.unavailable('incomingRequestContext' in options ? options.incomingRequestContext : undefined, refusalCode(error));
    }
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
