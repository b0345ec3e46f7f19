import { createHash } from 'node:crypto';
import { SignJWT, jwtVerify, type CryptoKey } from 'jose';
import type { Authority } from './database';

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

export const EVENT_SIGNATURE_HEADER = 'x-event-signature';
export const EVENTS_PATH = '/internal/events';

/** Signs a delivery: the producer vouches for this exact body, for this consumer only. */
export async function signDelivery(body: string, source: Authority, destination: Authority, key: CryptoKey, kid: string): Promise<string> {
  return new SignJWT({ sha256: digest(body) })
    .setProtectedHeader({ alg: 'EdDSA', kid })
    .setIssuer(source)
    .setAudience(`${destination}:events`)
    .setIssuedAt()
    .setExpirationTime('5m')
    .sign(key);
}

/** Verifies a delivery's signature against the claimed producer's public key and the body's digest. */
export async function verifyDelivery(
  body: string,
  signature: string,
  destination: Authority,
  producerKeys: Partial<Record<Authority, CryptoKey>>,
): Promise<Authority> {
  const source = JSON.parse(body).source as Authority;
  const key = producerKeys[source];
  if (!key) throw new Error(`No key for producer ${source}`);
  const { payload } = await jwtVerify(signature, key, { issuer: source, audience: `${destination}:events`, algorithms: ['EdDSA'] });
  if (payload.sha256 !== digest(body)) throw new Error('Body does not match its signature');
  return source;
}

function digest(body: string): string {
  return createHash('sha256').update(body).digest('base64url');
}
