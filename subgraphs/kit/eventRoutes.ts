import type { Authority } from '../../runtime/authority';
import { loadOrCreateKeyPair, publicKeyFile, signingKeyFile } from '../../runtime/keys';
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
 * `<PRODUCER>_PUBLIC_KEY_FILE` (its own too, `<AUTHORITY>_PUBLIC_KEY_FILE`, for the checkpoints signed with keys it
 * has retired), else from development key pairs under `keysDir` (created when missing). All follow a rotation.
 * `destinations` maps each consumer to its base URL (`<CONSUMER>_INTERNAL_URL`, default from its port).
 */
export async function eventsOptionsFor(
  authority: Authority,
  keysDir: string,
  destinations: Partial<Record<Authority, string>>,
  env: Env = process.env,
): Promise<Omit<EventsOptions, 'handlers'>> {
  const own = env[`${authority.toUpperCase()}_PRIVATE_KEY_FILE`];
  const ownPublic = env[`${authority.toUpperCase()}_PUBLIC_KEY_FILE`];
  const signingKey = own ? await signingKeyFile(own, ownPublic) : await loadOrCreateKeyPair(keysDir, authority);
  // Its own key too: operator tools of this authority (reconciliation) sign as the authority itself. Every other
  // authority's: besides the event producers, each is a witness of this authority's access log and a log this
  // authority witnesses (accessLog/witness.ts).
  const producerKeys: EventsOptions['producerKeys'] = { [authority]: signingKey.publicKeys };
  for (const producer of (Object.keys(EVENT_ROUTES) as Authority[]).filter((a) => a !== authority)) {
    const file = env[`${producer.toUpperCase()}_PUBLIC_KEY_FILE`];
    producerKeys[producer] = file ? publicKeyFile(file) : (await loadOrCreateKeyPair(keysDir, producer)).publicKeys;
  }
  return { signingKey, producerKeys, destinations };
}
