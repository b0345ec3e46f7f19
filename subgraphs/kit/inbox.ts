import type { IncomingMessage, ServerResponse } from 'node:http';
import type { DataSource, EntityManager } from 'typeorm';
import { sourced } from './database';
import { EVENT_PRODUCERS, type EventPayloads, type EventType } from '../../schema/events';
import type { EventEnvelope } from './events';
import { HttpError } from '../../runtime/http';
import type { VerifyCaller } from './internalSignature';

/** Applies one event's effect inside the inbox transaction; throw `RejectedEvent` for an event that can never apply. */
export type EventHandler = (manager: EntityManager, event: EventEnvelope) => Promise<void>;

/** What an authority does with one type of event, given its payload. */
export type PayloadHandler<T extends EventType> = (manager: EntityManager, payload: EventPayloads[T]) => Promise<void>;

/** An authority's handlers by event type, each given the payload of its own type. */
export function eventHandlers(handlers: { [T in EventType]?: PayloadHandler<T> }): Record<string, EventHandler> {
  return Object.fromEntries(
    Object.entries(handlers).map(([type, handler]) => [type, (manager: EntityManager, event: EventEnvelope) => (handler as PayloadHandler<EventType>)(manager, event.payload as unknown as EventPayloads[EventType])]),
  );
}

/** An event that is well-formed but cannot apply here (e.g. about a card this authority never saw): parked by the producer. */
export class RejectedEvent extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export interface InboxOptions {
  db: DataSource;
  /** The authority's check of internal calls (one memory of used signatures for all its internal endpoints). */
  verify: VerifyCaller;
  handlers: Record<string, EventHandler>;
  onApplied?: (event: EventEnvelope) => void;
}

/**
 * The internal endpoint events are delivered to. The event id is recorded in the inbox in the same
 * transaction as the effect, so a redelivered event changes nothing and is acknowledged again.
 */
export function inboxRoute(options: InboxOptions) {
  return async (req: IncomingMessage, body: string, res: ServerResponse): Promise<void> => {
    if (req.method !== 'POST') throw new HttpError(405, 'METHOD_NOT_ALLOWED', 'Events are delivered by POST');
    let event: EventEnvelope;
    try {
      const { caller } = await options.verify(req, body);
      event = JSON.parse(body) as EventEnvelope;
      if (event.source !== caller) throw new Error('signed by another authority than its source');
    } catch (err) {
      if (err instanceof HttpError) throw err;
      throw new HttpError(401, 'EVENT_SIGNATURE_INVALID', 'Events must be signed by their producing authority');
    }
    // Own properties only: a type such as `constructor` must not find what every object inherits.
    const handler = Object.hasOwn(options.handlers, event.type) ? options.handlers[event.type] : undefined;
    if (!handler || !Object.hasOwn(EVENT_PRODUCERS, event.type)) throw new HttpError(422, 'UNKNOWN_EVENT_TYPE', `No handler for ${String(event.type)}`);
    if (EVENT_PRODUCERS[event.type as EventType] !== event.source) {
      throw new HttpError(403, 'EVENT_SOURCE_NOT_ALLOWED', `${event.type} events come from ${EVENT_PRODUCERS[event.type as EventType]} only`);
    }

    let outcome: 'applied' | 'duplicate';
    try {
      outcome = await sourced(options.db, 'event').transaction(async (manager) => {
        const inserted: unknown[] = await manager.query(
          `INSERT INTO inbox (event_id, source, type, aggregate_key) VALUES ($1, $2, $3, $4)
           ON CONFLICT (event_id) DO NOTHING RETURNING event_id`,
          [event.eventId, event.source, event.type, event.key],
        );
        if (inserted.length === 0) return 'duplicate';
        await handler(manager, event);
        return 'applied' as const;
      });
    } catch (err) {
      if (err instanceof RejectedEvent) throw new HttpError(422, err.code, err.message);
      throw err;
    }
    if (outcome === 'applied') options.onApplied?.(event);
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ eventId: event.eventId, outcome }));
  };
}
