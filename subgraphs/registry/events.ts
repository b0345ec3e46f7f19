import type { EventHandler } from '../kit/inbox';

/** The registry consumes no events: it is the source of the resident facts the others follow. */
export const EVENT_HANDLERS: Record<string, EventHandler> = {};
