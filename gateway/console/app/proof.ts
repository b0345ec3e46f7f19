/**
 * The resident view's check of an access-history entry, in the browser with WebCrypto only: the same rule as
 * subgraphs/kit/accessLog/prove.ts (what `npm run audit:prove` runs). The leaf is rebuilt from what the person is
 * shown and their own My Number, its RFC 9162 inclusion proof is checked against the checkpoint's root, the
 * checkpoint's signature against the entry's authority's key, and the cosignatures against the other two.
 */
import type { EntryVerdict, ProvidedEntry } from '../../../schema/accessProof';

/** Must equal subgraphs/kit/accessLog/leaf.ts (test/console/residentAnalyst.test.ts proves real entries with it). */
const LEAF_VERSION = 'residence-card/access-log-leaf/v1';
const CHECKPOINT = /^residence-card\.example\/access-log\/(immigration|registry|mynumber)\n(0|[1-9][0-9]{0,15})\n([A-Za-z0-9+/]{43}=)\ntime (\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z)\n$/;

const bytes = (text: string): Uint8Array<ArrayBuffer> => new TextEncoder().encode(text);
const base64 = (text: string): Uint8Array<ArrayBuffer> => Uint8Array.from(atob(text), (c) => c.charCodeAt(0));

async function sha256(...parts: Uint8Array[]): Promise<Uint8Array<ArrayBuffer>> {
  const all = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    all.set(p, at);
    at += p.length;
  }
  return new Uint8Array(await crypto.subtle.digest('SHA-256', all));
}

const leafHash = (data: string) => sha256(Uint8Array.of(0), bytes(data));
const nodeHash = (left: Uint8Array, right: Uint8Array) => sha256(Uint8Array.of(1), left, right);
const equal = (a: Uint8Array, b: Uint8Array) => a.length === b.length && a.every((x, i) => x === b[i]);

/** RFC 9162 2.1.3.2: whether `leaf` at `index` is in the tree of `size` leaves whose root is `root`. */
export async function verifyInclusion(leaf: Uint8Array, index: number, size: number, path: Uint8Array[], root: Uint8Array): Promise<boolean> {
  if (!Number.isSafeInteger(index) || !Number.isSafeInteger(size) || index < 0 || index >= size) return false;
  let fn = index;
  let sn = size - 1;
  let r = leaf;
  for (const p of path) {
    if (p.length !== 32 || sn === 0) return false;
    if (fn % 2 === 1 || fn === sn) {
      r = await nodeHash(p, r);
      while (fn % 2 === 0 && fn !== 0) [fn, sn] = [Math.floor(fn / 2), Math.floor(sn / 2)];
    } else {
      r = await nodeHash(r, p);
    }
    [fn, sn] = [Math.floor(fn / 2), Math.floor(sn / 2)];
  }
  return sn === 0 && equal(r, root);
}

/** Whether any of the signer's published keys (retired ones too, after a rotation) signed `text`. */
async function verifySignature(text: string, signature: string, jwks: JsonWebKey[] | undefined): Promise<boolean> {
  for (const jwk of jwks ?? []) {
    try {
      const key = await crypto.subtle.importKey('jwk', jwk, { name: 'Ed25519' }, false, ['verify']);
      if (await crypto.subtle.verify('Ed25519', key, base64(signature), bytes(text))) return true;
    } catch {
      // Not this key.
    }
  }
  return false;
}

/** An access time as the API writes it: to the millisecond, in UTC. */
const EXACT_TIME = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;

/** Checks one entry of the person `subject`'s history with the authorities' public keys. */
export async function verifyEntry(entry: ProvidedEntry, subject: string, keys: Record<string, JsonWebKey[]>): Promise<EntryVerdict> {
  const { proof } = entry;
  if (!proof) return { verdict: 'not-yet-covered' };
  const match = CHECKPOINT.exec(proof.checkpoint.note);
  if (!match) return { verdict: 'invalid', reason: 'not a checkpoint note' };
  const [, log, size, root] = match as unknown as [string, string, string, string];
  if (log !== entry.authority) return { verdict: 'invalid', reason: `checkpoint of ${log}, entry of ${entry.authority}` };
  // The time shown must be the logged one to the millisecond, in UTC: a shortened or zone-less time would still be
  // a prefix of the logged one and be shown as another moment.
  if (!EXACT_TIME.test(entry.at) || !proof.at.startsWith(entry.at.slice(0, 23))) return { verdict: 'invalid', reason: 'the proof is for another time' };
  const leaf = await leafHash(
    JSON.stringify([LEAF_VERSION, proof.at, entry.authority, subject, entry.role, entry.agency, entry.purpose, entry.items, entry.action, entry.outcome, proof.ref]),
  );
  let path: Uint8Array[];
  try {
    path = proof.inclusion.map(base64);
  } catch {
    return { verdict: 'invalid', reason: 'the entry is not in the checkpoint' };
  }
  if (!(await verifyInclusion(leaf, Number(proof.leafIndex), Number(size), path, base64(root)))) {
    return { verdict: 'invalid', reason: 'the entry is not in the checkpoint' };
  }
  if (!(await verifySignature(proof.checkpoint.note, proof.checkpoint.signature, keys[log]))) {
    return { verdict: 'invalid', reason: `the checkpoint is not signed by ${log}` };
  }
  const cosignedBy: string[] = [];
  for (const { witness, signature } of proof.checkpoint.cosignatures) {
    if (witness !== log && (await verifySignature(`cosignature/v1\nwitness ${witness}\n${proof.checkpoint.note}`, signature, keys[witness]))) cosignedBy.push(witness);
  }
  if (new Set(cosignedBy).size < 2) return { verdict: 'awaiting-cosignature', cosignedBy };
  return { verdict: 'proven', cosignedBy: [...new Set(cosignedBy)].sort() };
}
