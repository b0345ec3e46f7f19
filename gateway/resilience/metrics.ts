import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import type { Authority } from '../../runtime/authority';

/** How a subgraph call ended. */
export type CallOutcome = 'ok' | 'timeout' | 'unreachable' | 'http_error' | 'bad_response' | 'circuit_open';

/** The gateway's view of each subgraph: calls, latency, failures by kind, retries and circuit state. */
export interface SubgraphMetrics {
  call(authority: Authority, outcome: CallOutcome, seconds: number): void;
  retried(authority: Authority): void;
  /** 0 closed, 1 open, 2 half-open (probing). */
  circuit(authority: Authority, state: 0 | 1 | 2): void;
}

export function createSubgraphMetrics(registry: Registry): SubgraphMetrics {
  const calls = new Counter({
    name: 'gateway_subgraph_requests_total',
    help: 'Calls from the gateway to each subgraph, by outcome (ok, timeout, unreachable, http_error, bad_response, circuit_open)',
    labelNames: ['subgraph', 'outcome'],
    registers: [registry],
  });
  const errors = new Counter({
    name: 'gateway_subgraph_errors_total',
    help: 'Failed subgraph calls by kind; kind="timeout" counts the calls cut off by the timeout',
    labelNames: ['subgraph', 'kind'],
    registers: [registry],
  });
  const duration = new Histogram({
    name: 'gateway_subgraph_request_duration_seconds',
    help: 'Latency of subgraph calls as the gateway sees it (retries included)',
    labelNames: ['subgraph'],
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [registry],
  });
  const retries = new Counter({
    name: 'gateway_subgraph_retries_total',
    help: 'Query calls retried once after a transport failure',
    labelNames: ['subgraph'],
    registers: [registry],
  });
  const circuit = new Gauge({
    name: 'gateway_circuit_state',
    help: 'Circuit breaker per subgraph: 0 closed, 1 open (calls refused at once), 2 half-open (one probe call)',
    labelNames: ['subgraph'],
    registers: [registry],
  });
  return {
    call(authority, outcome, seconds) {
      calls.inc({ subgraph: authority, outcome });
      if (outcome !== 'ok') errors.inc({ subgraph: authority, kind: outcome });
      if (outcome !== 'circuit_open') duration.observe({ subgraph: authority }, seconds);
    },
    retried: (authority) => retries.inc({ subgraph: authority }),
    circuit: (authority, state) => circuit.set({ subgraph: authority }, state),
  };
}
