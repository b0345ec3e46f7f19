import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** The Prometheus metrics of one process role (a subgraph or the gateway), in a registry of its own. */
export interface Metrics {
  registry: Registry;
  dbStatements: Counter<'subgraph'>;
  httpRequests: Counter<'route' | 'status'>;
  httpDuration: Histogram<'route'>;
}

/** Creates the registry; `service` labels everything so several roles can share one process in tests. */
export function createMetrics(service: string, options: { defaultMetrics?: boolean } = {}): Metrics {
  const registry = new Registry();
  registry.setDefaultLabels({ service });
  if (options.defaultMetrics) collectDefaultMetrics({ register: registry });
  return {
    registry,
    dbStatements: new Counter({
      name: 'subgraph_db_statements_total',
      help: 'SQL statements sent to this authority database',
      labelNames: ['subgraph'],
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
  };
}
