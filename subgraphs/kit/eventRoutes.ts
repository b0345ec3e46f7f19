import { readFileSync } from 'node:fs';
import { importJWK, type CryptoKey, type JWK } from 'jose';
import type { Authority } from './database';
import { loadOrCreateKeyPair, loadPublicKey } from './keys';
import type { EventsOptions } from './subgraph';

/** Who delivers events to whom (DESIGN.md §3 flows table). */
export const EVENT_ROUTES: Record<Authority, Authority[]> = {
  immigration: ['mynumber'],
  mynumber: ['immigration'],
  // The registry also asks J-LIS for My Numbers and tells it where residents live.
  registry: ['immigration', 'mynumber'],
};

type Env = Record<string, string | undefined>;

/**
 * An authority's event keys and peers. Keys come from `<AUTHORITY>_PRIVATE_KEY_FILE` and
 * `<PRODUCER>_PUBLIC_KEY_FILE`, else from development key pairs under `keysDir` (created when missing).
 * `destinations` maps each consumer to its base URL (`<CONSUMER>_INTERNAL_URL`, default from its port).
 */
export async function eventsOptionsFor(
  authority: Authority,
  keysDir: string,
  destinations: Partial<Record<Authority, string>>,
  env: Env = process.env,
): Promise<Omit<EventsOptions, 'handlers'>> {
  const own = env[`${authority.toUpperCase()}_PRIVATE_KEY_FILE`];
  const signingKey = own ? await loadPrivate(own, authority) : await loadOrCreateKeyPair(keysDir, authority);
  // Its own key too: operator tools of this authority (reconciliation) sign as the authority itself. Every other
  // authority's: besides the event producers, each is a witness of this authority's access log and a log this
  // authority witnesses (accessLog/witness.ts).
  const producerKeys: EventsOptions['producerKeys'] = { [authority]: signingKey.publicKey };
  for (const producer of (Object.keys(EVENT_ROUTES) as Authority[]).filter((a) => a !== authority)) {
    const file = env[`${producer.toUpperCase()}_PUBLIC_KEY_FILE`];
    producerKeys[producer] = file ? (await loadPublicKey(file)).key : (await loadOrCreateKeyPair(keysDir, producer)).publicKey;
  }
  return { signingKey, producerKeys, destinations };
}

async function loadPrivate(path: string, authority: Authority): Promise<{ kid: string; privateKey: CryptoKey; publicKey: CryptoKey }> {
  const jwk = JSON.parse(readFileSync(path, 'utf8')) as JWK;
  const { d: _d, ...pub } = jwk;
  return {
    kid: jwk.kid ?? authority,
    privateKey: (await importJWK(jwk, 'EdDSA')) as CryptoKey,
    publicKey: (await importJWK(pub, 'EdDSA')) as CryptoKey,
  };
}
