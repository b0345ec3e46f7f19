/**
 * The access-log rows one unified-record read leaves in each authority's log, as the subgraphs' audit plugin
 * writes them (subgraphs/kit/audit.ts): one row per person looked up, about the person's My Number, naming the
 * guarded `Type.field` items the query plan asked that authority for (sorted), action `read`; a card check leaves
 * one row in the ISA's. The honest floor and the access-log scenario write these same rows.
 */
import type { AuditRow } from '../../subgraphs/kit/audit';
import type { Authority } from '../../runtime/authority';

/** The guarded items of the unified record's fetch from each authority (the plan of subgraphDirect.ts). */
export const UNIFIED_ITEMS: Record<Authority, string[]> = {
  mynumber: ['MyNumberCard.kind', 'MyNumberCard.status', 'MyNumberCard.validUntil', 'Person.myNumber', 'Person.myNumberCard'],
  registry: ['Person.resident', 'ResidentRecord.address', 'ResidentRecord.birthDate', 'ResidentRecord.familyName', 'ResidentRecord.givenName'],
  immigration: [
    'ImmigrationRecord.nationality',
    'ImmigrationRecord.statusOfResidence',
    'ImmigrationRecord.stayExpiresOn',
    'ImmigrationRecord.workRestriction',
    'Person.cardArrangement',
    'Person.immigration',
    'Person.residenceCard',
    'ResidenceCard.kind',
    'ResidenceCard.lossReportedOn',
    'ResidenceCard.number',
    'ResidenceCard.status',
    'ResidenceCard.validUntil',
  ],
};

/** The guarded items of a card check (`verifyResidenceCard`), which only the ISA answers. */
export const CARD_CHECK_ITEMS = ['CardVerification.reason', 'CardVerification.valid', 'CardVerification.workPermission'];

/** The row an authority writes for one person of a unified-record read (`found`: whether it had the person). */
export function unifiedReadRow(authority: Authority, myNumber: string, found: boolean): AuditRow {
  return { subject: myNumber, items: UNIFIED_ITEMS[authority], action: 'read', outcome: found ? 'ok' : 'not_found' };
}

/** The ISA's row for a card check: about the holder, or the card number when no card has it. */
export function cardCheckRow(number: string, holderMyNumber: string | null): AuditRow {
  return { subject: holderMyNumber ?? `card:${number}`, items: CARD_CHECK_ITEMS, action: 'verify', outcome: holderMyNumber ? 'ok' : 'not_found' };
}
