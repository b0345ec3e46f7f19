import type { Authority } from './database';

/** Where each subgraph listens unless `<AUTHORITY>_PORT` says otherwise. */
export const DEFAULT_PORTS: Record<Authority, number> = { mynumber: 4001, registry: 4002, immigration: 4003 };
