/**
 * A person's access-history entry as the gateway gives it (AccessHistoryEntry with its proof), and what checking
 * it concludes. One shape for the two checkers: `npm run audit:prove` (subgraphs/kit/accessLog/prove.ts) and the
 * console's resident view in the browser (gateway/console/app/proof.ts).
 */
export interface ProvidedEntry {
  at: string;
  authority: string;
  role: string;
  agency: string;
  purpose: string;
  items: string[];
  action: string;
  outcome: string;
  proof: {
    leafIndex: string;
    at: string;
    ref: string;
    inclusion: string[];
    checkpoint: { note: string; signature: string; cosignatures: Array<{ witness: string; signature: string }> };
  } | null;
}

/** `Witness`: how a cosigning authority is named (the authority type on the server, its name in the browser). */
export type EntryVerdict<Witness extends string = string> =
  | { verdict: 'proven'; cosignedBy: Witness[] }
  | { verdict: 'not-yet-covered' }
  | { verdict: 'awaiting-cosignature'; cosignedBy: Witness[] }
  | { verdict: 'invalid'; reason: string };
