import {
  CircuitState,
  ConsecutiveBreaker,
  ConstantBackoff,
  circuitBreaker,
  handleWhen,
  isBrokenCircuitError,
  retry,
  type CircuitBreakerPolicy,
  type RetryPolicy,
} from 'cockatiel';
import type { Logger } from 'pino';
import type { Authority } from '../../runtime/authority';
import type { CallOutcome, SubgraphMetrics } from './metrics';

/** How the gateway calls each subgraph. */
export interface ResilienceOptions {
  /** Each call (one attempt) is cut off after this long (SUBGRAPH_TIMEOUT_MS). */
  timeoutMs: number;
  /** Consecutive failed calls that open a subgraph's circuit (CIRCUIT_BREAK_AFTER). */
  breakAfter: number;
  /** How long an open circuit refuses calls before one probe is let through (CIRCUIT_HALF_OPEN_AFTER_MS). */
  halfOpenAfterMs: number;
  /** Pause before the one retry of a query. */
  retryDelayMs: number;
}

export const DEFAULT_RESILIENCE: Readonly<ResilienceOptions> = {
  timeoutMs: 3000,
  breakAfter: 5,
  halfOpenAfterMs: 5000,
  retryDelayMs: 50,
};

/** A failed call, as far as the gateway can tell what happened. */
export interface Failure {
  outcome: Exclude<CallOutcome, 'ok'>;
  /** Worth a second try for a query: the request never reached the subgraph, or it said "try again". */
  retryable: boolean;
  /** Counts towards opening the circuit: the subgraph is down, overloaded or broken (not a 4xx). */
  counts: boolean;
  /** A system error code or HTTP status, for the log (no message: it may hold an internal URL). */
  detail?: string;
}

const TRANSIENT_ERRNO = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN', 'ENOTFOUND']);

/** Reads what went wrong from the error a subgraph call threw (fetch errors, aborts, non-2xx answers, breaker). */
export function classify(error: unknown): Failure {
  if (isBrokenCircuitError(error)) return { outcome: 'circuit_open', retryable: false, counts: false };
  const e = (error ?? {}) as { name?: string; type?: string; code?: unknown; extensions?: { response?: { status?: unknown } } };
  if (e.name === 'AbortError' || e.name === 'TimeoutError' || e.type === 'aborted') {
    // Not retried: a subgraph that is slow now is slow a moment later too, and a retry doubles its load.
    return { outcome: 'timeout', retryable: false, counts: true };
  }
  const status = e.extensions?.response?.status;
  if (typeof status === 'number') {
    return { outcome: 'http_error', retryable: [502, 503, 504].includes(status), counts: status >= 500, detail: String(status) };
  }
  if (typeof e.code === 'string' && /^E[A-Z_]+$/.test(e.code)) {
    return { outcome: 'unreachable', retryable: TRANSIENT_ERRNO.has(e.code), counts: true, detail: e.code };
  }
  return { outcome: 'bad_response', retryable: false, counts: true };
}

const STATE_VALUE = { [CircuitState.Closed]: 0, [CircuitState.Open]: 1, [CircuitState.HalfOpen]: 2, [CircuitState.Isolated]: 1 } as const;

/**
 * One subgraph's circuit breaker and retry policy (cockatiel). Queries are retried once after a transient
 * failure; mutations never, since the first attempt may have been applied.
 */
export class SubgraphGuard {
  private readonly breaker: CircuitBreakerPolicy;
  private readonly retryOnce: RetryPolicy;

  constructor(
    readonly authority: Authority,
    readonly options: ResilienceOptions,
    metrics: SubgraphMetrics,
    logger: Logger,
  ) {
    this.breaker = circuitBreaker(
      handleWhen((err) => classify(err).counts),
      { halfOpenAfter: options.halfOpenAfterMs, breaker: new ConsecutiveBreaker(options.breakAfter) },
    );
    this.breaker.onStateChange((state) => {
      metrics.circuit(authority, STATE_VALUE[state]);
      logger.warn({ subgraph: authority, circuit: CircuitState[state] }, 'circuit state changed');
    });
    metrics.circuit(authority, 0);
    this.retryOnce = retry(
      handleWhen((err) => classify(err).retryable),
      { maxAttempts: 1, backoff: new ConstantBackoff(options.retryDelayMs) },
    );
    this.retryOnce.onRetry(() => metrics.retried(authority));
  }

  /** Runs one call through the breaker, retrying a query once. */
  call<T>(kind: 'query' | 'mutation', fn: () => Promise<T>): Promise<T> {
    return kind === 'query' ? this.retryOnce.execute(() => this.breaker.execute(fn)) : this.breaker.execute(fn);
  }
}
