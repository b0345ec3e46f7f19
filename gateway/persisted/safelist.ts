import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ApolloServerOptions } from '@apollo/server';

/** Who the front-end is: counter staff (a role from the staff JWT) or a partner system (an API key). */
export type ClientKind = 'staff' | 'partner';

/** One approved operation; `id` is the SHA-256 (hex) of `body`, as clients send it in `extensions.persistedQuery`. */
export interface PersistedOperation {
  id: string;
  name: string;
  type: 'query' | 'mutation';
  clients: ClientKind[];
  body: string;
}

/** Apollo's persisted-query manifest format, each operation marked with the client kinds that may run it. */
export interface PersistedManifest {
  format: 'apollo-persisted-query-manifest';
  version: 1;
  operations: PersistedOperation[];
}

/** `enforce`: only manifest operations run, each for its client kinds. `off`: anything valid runs. */
export type SafelistMode = 'enforce' | 'off';

const MANIFEST_PATH = join(__dirname, 'manifest.json');

export function loadManifest(path = MANIFEST_PATH): PersistedManifest {
  const manifest = JSON.parse(readFileSync(path, 'utf8')) as PersistedManifest;
  if (manifest.format !== 'apollo-persisted-query-manifest' || manifest.version !== 1) {
    throw new Error(`${path} is not an Apollo persisted-query manifest (version 1)`);
  }
  return manifest;
}

/** The client kind of a caller, from its role (partners come with an API key and the role `partner`). */
export function clientKindOf(role: string): ClientKind {
  return role === 'partner' ? 'partner' : 'staff';
}

type PersistedQueryCache = NonNullable<Exclude<ApolloServerOptions<never>['persistedQueries'], false | undefined>['cache']>;

/**
 * Apollo Server's persisted-query store, read-only over the manifest: a client may send only the hash of an
 * approved operation, and nothing a client sends is ever registered.
 */
export function manifestQueryStore(manifest: PersistedManifest): PersistedQueryCache {
  const bodies = new Map(manifest.operations.map((op) => [op.id, op.body]));
  return {
    // Apollo Server prefixes its keys ("apq:<sha256>").
    get: async (key: string) => bodies.get(key.slice(key.lastIndexOf(':') + 1)),
    set: async () => undefined,
    delete: async () => true,
  };
}
