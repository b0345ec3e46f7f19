/**
 * Do the ISA and J-LIS agree about a specific card? The ISA owns the card, J-LIS the My Number function it
 * carries; after every event has been applied, their views must match this table.
 */
import type { IsaCardView } from '../../../schema/internalPaths';

export interface JlisView {
  status: string;
  statusReason: string | null;
  validUntil: string;
}

export type Disagreement =
  | 'FUNCTION_MISSING' // card in force, not lost, function not ended: J-LIS shows no active function on it
  | 'VALIDITY_MISMATCH' // both active, different end dates
  | 'FUNCTION_NOT_REVOKED' // card reported lost, function still active at J-LIS
  | 'FUNCTION_ON_DEAD_CARD' // card superseded/expired/returned/revoked, function still active at J-LIS
  | 'UNKNOWN_CARRIER' // J-LIS shows an active function on a card the ISA does not know
  | 'FUNCTION_ENDED_NOT_RECORDED' // J-LIS ended the function, the ISA's card record does not show it
  | 'ENDED_FUNCTION_ACTIVE'; // the ISA's record shows the function ended, J-LIS shows it active

/** Which disagreements the ISA can repair by re-emitting its own fact as an event. */
export const REPAIRABLE: readonly Disagreement[] = ['FUNCTION_MISSING', 'VALIDITY_MISMATCH', 'FUNCTION_NOT_REVOKED'];

const ACTIVE = ['ACTIVE', 'SUSPENDED'];

/** Compares the two views of one card number; null when they agree. */
export function cardAgreement(isa: IsaCardView | null, jlis: JlisView | null): Disagreement | null {
  const jlisActive = jlis !== null && ACTIVE.includes(jlis.status);
  if (!isa) return jlisActive ? 'UNKNOWN_CARRIER' : null;
  const inForce = isa.status === 'VALID';
  if (!inForce) return jlisActive ? 'FUNCTION_ON_DEAD_CARD' : null;
  if (isa.lossReportedOn) return jlisActive ? 'FUNCTION_NOT_REVOKED' : null;
  if (isa.functionEndedOn) return jlisActive ? 'ENDED_FUNCTION_ACTIVE' : null;
  if (!isa.myNumber) return null;
  if (!jlisActive) {
    // The function was ended at J-LIS (returned, revoked) and that event has not reached the ISA.
    return jlis && jlis.statusReason && jlis.statusReason !== 'CARD_REPORTED_LOST' && jlis.statusReason !== 'CARD_REISSUED'
      ? 'FUNCTION_ENDED_NOT_RECORDED'
      : 'FUNCTION_MISSING';
  }
  return jlis.validUntil === isa.validUntil ? null : 'VALIDITY_MISMATCH';
}
