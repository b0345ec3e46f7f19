import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** The Prometheus metrics of one process role (a subgraph or the gateway), in a registry of its own. */
export interface Metrics {
  /** The process role the registry belongs to (labels its metrics and its log lines). */
  service: string;
  registry: Registry;
  dbStatements: Counter<'subgraph' | 'source'>;
  httpRequests: Counter<'route' | 'status'>;
  httpDuration: Histogram<'route'>;
  /** Statistics operations answered, by whether a kept result was sent (statistics/responseCache.ts). */
  statisticsResponses: Counter<'served'>;
  /** Operations executed, by how (kit/compiledExecution.ts). */
  executions: Counter<'how'>;
  /** Checkpoints of another authority's access log this authority refused to cosign (accessLog/witness.ts). */
  witnessRefusals: Counter<'origin'>;
}

/** Counters of the events an authority delivers and applies. */
export interface EventMetrics {
  delivered(event: { type: string }, ms: number): void;
  failed(event: { type: string }, parked: boolean): void;
  applied(event: { type: string; occurredAt: string }): void;
  /** Whether this replica's relay is the one delivering (one per authority at a time, outbox.ts). */
  leading(leading: boolean): void;
}

/** Registers the event counters (and the delivery latency histogram) in a process's registry. */
export function createEventMetrics(registry: Registry): EventMetrics {
  const delivered = new Counter({ name: 'events_delivered_total', help: 'Events delivered to their consumer', labelNames: ['type'], registers: [registry] });
  const failures = new Counter({ name: 'events_delivery_failures_total', help: 'Failed delivery attempts', labelNames: ['type', 'parked'], registers: [registry] });
  const applied = new Counter({ name: 'events_applied_total', help: 'Events applied from the inbox', labelNames: ['type'], registers: [registry] });
  const lag = new Histogram({
    name: 'events_apply_lag_seconds',
    help: 'Time from an event being recorded to its effect being applied by the consumer',
    labelNames: ['type'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
    registers: [registry],
  });
  const deliveryTime = new Histogram({
    name: 'events_delivery_seconds',
    help: 'Time to deliver one event over HTTP',
    labelNames: ['type'],
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
    registers: [registry],
  });
  const leader = new Gauge({ name: 'events_relay_leading', help: '1 while this replica relays the outbox (one replica per authority at a time)', registers: [registry] });
  return {
    leading(leading) {
      leader.set(leading ? 1 : 0);
    },
    delivered(event, ms) {
      delivered.inc({ type: event.type });
      deliveryTime.observe({ type: event.type }, ms / 1000);
    },
    failed(event, parked) {
      failures.inc({ type: event.type, parked: String(parked) });
    },
    applied(event) {
      applied.inc({ type: event.type });
      lag.observe({ type: event.type }, Math.max(0, Date.now() - Date.parse(event.occurredAt)) / 1000);
    },
  };
}

/** Creates the registry; `service` labels everything so several roles can share one process in tests. */
export function createMetrics(service: string, options: { defaultMetrics?: boolean } = {}): Metrics {
  const registry = new Registry();
  registry.setDefaultLabels({ service });
  if (options.defaultMetrics) collectDefaultMetrics({ register: registry });
  return {
    service,
    registry,
    dbStatements: new Counter({
      name: 'subgraph_db_statements_total',
      help: 'SQL statements sent to this authority database, by what sent them (request, relay)',
      labelNames: ['subgraph', 'source'],
      registers: [registry],
    }),
    httpRequests: new Counter({
      name: 'http_requests_total',
      help: 'HTTP requests served',
      labelNames: ['route', 'status'],
      registers: [registry],
    }),
    httpDuration: new Histogram({
      name: 'http_request_duration_seconds',
      help: 'HTTP request latency',
      labelNames: ['route'],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers: [registry],
    }),
    statisticsResponses: new Counter({
      name: 'subgraph_statistics_responses_total',
      help:
        'Statistics operations answered: served="kept" sent a kept result still current, served="written" wrote the answer without ' +
        'the executor (kit/statistics/writeAnswer.ts), served="executed" ran graphql-js',
      labelNames: ['served'],
      registers: [registry],
    }),
    executions: new Counter({
      name: 'subgraph_operations_executed_total',
      help: 'Operations executed under SUBGRAPH_EXECUTION=compiled: how="compiled" by the function graphql-jit made of it, how="interpreted" by graphql-js (its first runs, or too large to compile)',
      labelNames: ['how'],
      registers: [registry],
    }),
    witnessRefusals: new Counter({
      name: 'access_log_witness_refusals_total',
      help: "Checkpoints of another authority's access log refused as a witness (not signed by it, or not extending what was cosigned)",
      labelNames: ['origin'],
      registers: [registry],
    }),
  };
}
