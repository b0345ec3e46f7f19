import type { Authority } from '../../runtime/authority';

/** A cross-authority event as it travels from the producer's outbox to the consumer's inbox. */
export interface EventEnvelope<P = Record<string, unknown>> {
  eventId: string;
  type: string;
  source: Authority;
  /** The person the event is about; delivery is in order per key. */
  key: string;
  occurredAt: string;
  payload: P;
}

/** The consumer's inbox; deliveries to it are signed like every internal call (internalSignature.ts). */
export const EVENTS_PATH = '/internal/events';
