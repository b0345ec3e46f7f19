import type { Authority } from './authority';

/** Where each subgraph listens unless `<AUTHORITY>_PORT` says otherwise. */
export const DEFAULT_PORTS: Record<Authority, number> = { mynumber: 4001, registry: 4002, immigration: 4003 };

/** Where the gateway serves its metrics unless `GATEWAY_METRICS_PORT` says otherwise (never its public port). */
export const DEFAULT_GATEWAY_METRICS_PORT = 9400;
