import type { Authority } from '../../../runtime/authority';
import type { VerifyingKey } from '../../../runtime/keys';
import { leafHash, verifyInclusion } from '../merkle';
import { authorityOf, cosignedText, parseCheckpoint, verifyText } from './checkpoint';
import { leafData } from './leaf';
import type { EntryVerdict, ProvidedEntry } from '../../../schema/accessProof';

/** An access time as the API writes it: to the millisecond, in UTC. */
const EXACT_TIME = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;

/**
 * Checks one of a person's history entries offline, with the authorities' public keys only: the leaf rebuilt from
 * what the person was shown (and their own My Number) is included in the checkpoint; the checkpoint is the
 * entry's authority's, signed by its key; and each of the other two authorities cosigned it. A checkpoint needs
 * both cosignatures to count as proven (a single authority's own signature proves nothing against its own
 * administrator); with fewer it is awaiting them (a witness was down), not disproven.
 */
export async function verifyEntry(entry: ProvidedEntry, subject: string, keys: Partial<Record<Authority, VerifyingKey>>): Promise<EntryVerdict<Authority>> {
  const { proof } = entry;
  if (!proof) return { verdict: 'not-yet-covered' };
  let checkpoint;
  try {
    checkpoint = parseCheckpoint(proof.checkpoint.note);
  } catch {
    return { verdict: 'invalid', reason: 'not a checkpoint note' };
  }
  const log = authorityOf(checkpoint.origin);
  if (!log || log !== entry.authority) return { verdict: 'invalid', reason: `checkpoint of ${checkpoint.origin}, entry of ${entry.authority}` };
  // The time shown must be the logged one to the millisecond, in UTC: a shortened or zone-less time would still be
  // a prefix of the logged one and be shown as another moment.
  if (!EXACT_TIME.test(entry.at) || !proof.at.startsWith(entry.at.slice(0, 23))) return { verdict: 'invalid', reason: 'the proof is for another time' };
  const leaf = leafHash(
    leafData({ at: proof.at, authority: entry.authority, subject, role: entry.role, agency: entry.agency, purpose: entry.purpose, items: entry.items, action: entry.action, outcome: entry.outcome, ref: proof.ref }),
  );
  const path = proof.inclusion.map((p) => Buffer.from(p, 'base64'));
  if (!verifyInclusion(leaf, Number(proof.leafIndex), checkpoint.size, path, checkpoint.root)) {
    return { verdict: 'invalid', reason: 'the entry is not in the checkpoint' };
  }
  if (!keys[log] || !(await verifyText(proof.checkpoint.note, proof.checkpoint.signature, keys[log]!))) {
    return { verdict: 'invalid', reason: `the checkpoint is not signed by ${log}` };
  }
  const cosignedBy: Authority[] = [];
  for (const { witness, signature } of proof.checkpoint.cosignatures) {
    const key = keys[witness as Authority];
    // Each witness counts once: a cosignature listed twice must not stand in for the other witness's.
    if (witness !== log && !cosignedBy.includes(witness as Authority) && key && (await verifyText(cosignedText(witness as Authority, proof.checkpoint.note), signature, key))) {
      cosignedBy.push(witness as Authority);
    }
  }
  if (cosignedBy.length < 2) return { verdict: 'awaiting-cosignature', cosignedBy };
  return { verdict: 'proven', cosignedBy: cosignedBy.sort() };
}
