/**
 * Expiry by date: a My Number card (standalone, or the My Number part of a specific card) and each of its functions
 * are valid through their validUntil and have expired from the next day, whether or not anyone acted on the record.
 * Reads apply statusOnDay; the expiry sweep (../expiry.ts) records the same in the database and tells the ISA.
 */
import { compareDates } from '../../../schema/dates';

/** Statuses a card or function leaves by date: it still carries the function (ACTIVE) or can be resumed (SUSPENDED). */
export const EXPIRES_BY_DATE: readonly string[] = ['ACTIVE', 'SUSPENDED'];

/** The status of a card or function on `today`: ACTIVE or SUSPENDED past validUntil reads EXPIRED; others stand. */
export function statusOnDay<S extends string>(row: { status: S; validUntil: string | null }, today: string): S | 'EXPIRED' {
  return EXPIRES_BY_DATE.includes(row.status) && row.validUntil !== null && compareDates(today, row.validUntil) > 0 ? 'EXPIRED' : row.status;
}

/**
 * Why a card expired by date: a standalone card that ran to the end of the holder's period of stay ended with the
 * stay (PERIOD_OF_STAY_ENDED); any other card, a specific card's My Number part included, reached its own validity.
 */
export function expiryReason(card: { kind: string; validUntil: string | null }, stayExpiresOn: string | null): 'PERIOD_OF_STAY_ENDED' | 'VALIDITY_ENDED' {
  return card.kind === 'MY_NUMBER_CARD' && stayExpiresOn !== null && card.validUntil === stayExpiresOn ? 'PERIOD_OF_STAY_ENDED' : 'VALIDITY_ENDED';
}
