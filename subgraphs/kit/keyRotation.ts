import { existsSync, readFileSync } from 'node:fs';
import type { JWK } from 'jose';
import { newKey, privateKeyPath, publicKeyPath, readKeys, replaceFile, type PublishedKey } from '../../runtime/keys';

/**
 * Key rotation with an overlap, on the files of keys.ts: `rotate` publishes a new public key beside the old ones,
 * then makes the new key the one that signs; `retire` marks an old public key retired once the tokens it signed
 * have expired (docs/operations.md, "Key rotation"). Verifiers and signers follow the files without a restart.
 */

/** The keys that sign: the development issuer, the gateway's principals, each authority's events and log. */
export const KEY_NAMES = ['issuer', 'gateway', 'immigration', 'registry', 'mynumber'] as const;
export type KeyName = (typeof KEY_NAMES)[number];

export interface KeyState {
  kid: string;
  /** The key that signs now. */
  current: boolean;
  /** When it was retired; absent while it is accepted. */
  retired?: string;
}

/** The published keys of `name` in `dir`, oldest first. */
export function listKeys(dir: string, name: KeyName): KeyState[] {
  const current = currentKid(dir, name);
  return published(dir, name).map((k) => ({ kid: String(k.kid), current: k.kid === current, ...(k.retired ? { retired: k.retired } : {}) }));
}

/**
 * Adds a key to `name` and makes it current: its public half is published first (verifiers accept it from their
 * next look-up), then the private key file is replaced, so no signature is ever made with a key not yet published.
 * Returns the new kid.
 */
export async function rotateKey(dir: string, name: KeyName): Promise<string> {
  const keys = published(dir, name);
  const { priv, pub } = await newKey(name);
  replaceFile(publicKeyPath(dir, name), JSON.stringify({ keys: [...keys, pub] }), 0o644);
  replaceFile(privateKeyPath(dir, name), JSON.stringify(priv), 0o600);
  return String(pub.kid);
}

/**
 * Marks an old key of `name` retired: no longer accepted for tokens, principals or internal calls, still kept for
 * the access-log checkpoints it signed. Refuses the current key, an unknown kid, and a key already retired.
 */
export function retireKey(dir: string, name: KeyName, kid: string, now = new Date()): void {
  const keys = published(dir, name);
  const key = keys.find((k) => k.kid === kid);
  if (!key) throw new Error(`${name} has no key ${kid}`);
  if (kid === currentKid(dir, name)) throw new Error(`${kid} is the key ${name} signs with now: rotate first`);
  if (key.retired) throw new Error(`${kid} was retired at ${key.retired}`);
  key.retired = now.toISOString();
  replaceFile(publicKeyPath(dir, name), JSON.stringify({ keys }), 0o644);
}

function published(dir: string, name: KeyName): PublishedKey[] {
  const path = publicKeyPath(dir, name);
  if (!existsSync(path)) throw new Error(`No keys for ${name} in ${dir}`);
  return readKeys(path);
}

function currentKid(dir: string, name: KeyName): string | undefined {
  return (JSON.parse(readFileSync(privateKeyPath(dir, name), 'utf8')) as JWK).kid;
}
