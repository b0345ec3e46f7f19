/**
 * A person's access-history entry as the gateway gives it (AccessHistoryEntry with its proof), and what checking
 * it concludes. One shape for the two checkers: `npm run audit:prove` (subgraphs/kit/accessLog/prove.ts) and the
 * console's resident view in the browser (gateway/console/app/proof.ts).
 */
/** One access to a person's data, as shown to the person (and to auditors). */
export interface AccessRecord {
  at: string;
  authority: string;
  role: string;
  agency: string;
  purpose: string;
  items: string[];
  action: string;
  outcome: string;
}

export interface ProvidedEntry extends AccessRecord {
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
