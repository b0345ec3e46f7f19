import type { CryptoKey } from 'jose';
import { PublicKeyFile, type VerifyingKey } from '../../../runtime/keys';
import type { Authority } from '../../../runtime/authority';

/**
 * Signed checkpoints of an authority's access log, in the text form of the C2SP tlog-checkpoint note: the log's
 * origin, the tree size, the root hash (base64), then one extension line with the time of signing. The log signs
 * the note with its authority's Ed25519 key; each witness (one of the other two authorities) cosigns it once it has
 * checked that the tree only grew since the last checkpoint it cosigned.
 */
export interface Checkpoint {
  origin: string;
  size: number;
  root: Buffer;
  /** ISO 8601, UTC. */
  time: string;
}

/** The log name of an authority's access log. */
export const originOf = (authority: Authority): string => `residence-card.example/access-log/${authority}`;

/** The authority whose log an origin names, or null. */
export function authorityOf(origin: string): Authority | null {
  const match = /^residence-card\.example\/access-log\/(immigration|registry|mynumber)$/.exec(origin);
  return match ? (match[1] as Authority) : null;
}

export function checkpointNote(c: Checkpoint): string {
  return `${c.origin}\n${c.size}\n${c.root.toString('base64')}\ntime ${c.time}\n`;
}

/** Reads a note back; throws on anything that is not exactly a checkpoint note. */
export function parseCheckpoint(note: string): Checkpoint {
  const match = /^([^\n]+)\n(0|[1-9][0-9]{0,15})\n([A-Za-z0-9+/]{43}=)\ntime (\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z)\n$/.exec(note);
  if (!match) throw new Error('Not a checkpoint note');
  return { origin: match[1]!, size: Number(match[2]), root: Buffer.from(match[3]!, 'base64'), time: match[4]! };
}

/** What a witness signs: its name and the note it vouches for. */
export function cosignedText(witness: Authority, note: string): string {
  return `cosignature/v1\nwitness ${witness}\n${note}`;
}

export async function signText(text: string, key: CryptoKey): Promise<string> {
  return Buffer.from(await crypto.subtle.sign('Ed25519', key, Buffer.from(text, 'utf8'))).toString('base64');
}

/**
 * Whether one of the signer's keys signed `text`. A note names no key, so each is tried: by default every key the
 * signer ever published, retired ones too (a checkpoint stays verifiable for as long as it is kept); `accepted`
 * for what is being signed now (a witness asked to cosign a new checkpoint). Never throws: a malformed signature
 * is simply not valid.
 */
export async function verifyText(text: string, signature: string, key: VerifyingKey, which: 'ever' | 'accepted' = 'ever'): Promise<boolean> {
  const keys = key instanceof PublicKeyFile ? await (which === 'ever' ? key.ever() : key.accepted()).catch(() => []) : [key];
  for (const k of keys) {
    try {
      if (await crypto.subtle.verify('Ed25519', k, Buffer.from(signature, 'base64'), Buffer.from(text, 'utf8'))) return true;
    } catch {
      // Not valid with this key.
    }
  }
  return false;
}
