/**
 * What a partner (employer, bank) learns from presenting a card: whether it is good today and whether its holder
 * may work, and nothing else (no name, no address, no My Number).
 */
import type { ActivityOutsideStatusPermission, ResidenceCardStatus, WorkRestriction } from '../../../schema/codes';

export type WorkPermission = 'UNRESTRICTED' | 'RESTRICTED_TO_STATUS' | 'NOT_PERMITTED' | 'PERMITTED_OUTSIDE_STATUS_WITH_LIMITS';
export type VerificationReason = 'NOT_FOUND_OR_MISMATCH' | 'SUPERSEDED' | 'EXPIRED' | 'RETURNED' | 'REVOKED' | 'REPORTED_LOST';

/** Work permission by the restriction printed on the card (and, when work is not permitted, by permission outside status). */
export const WORK_PERMISSION: Readonly<Record<WorkRestriction, WorkPermission>> = {
  NO_RESTRICTION: 'UNRESTRICTED',
  STATUS_ACTIVITIES_ONLY: 'RESTRICTED_TO_STATUS',
  DESIGNATED_ORGANIZATION_ONLY: 'RESTRICTED_TO_STATUS',
  DESIGNATED_ACTIVITIES_ONLY: 'RESTRICTED_TO_STATUS',
  NOT_PERMITTED: 'NOT_PERMITTED',
};

/** Whether the holder may work. */
export function workPermission(restriction: WorkRestriction, outsideStatus: ActivityOutsideStatusPermission | null): WorkPermission {
  const base = WORK_PERMISSION[restriction];
  return base === 'NOT_PERMITTED' && outsideStatus ? 'PERMITTED_OUTSIDE_STATUS_WITH_LIMITS' : base;
}

/** Why a presented card is not good today, from its status on that day (a card reported lost is not accepted). */
export const REFUSAL_BY_STATUS: Readonly<Record<Exclude<ResidenceCardStatus, 'VALID'>, VerificationReason>> = {
  SUPERSEDED: 'SUPERSEDED',
  EXPIRED: 'EXPIRED',
  RETURNED: 'RETURNED',
  REVOKED: 'REVOKED',
};

/**
 * The verdict on a presented card: unknown number and a printed expiry that differs from the record both read
 * NOT_FOUND_OR_MISMATCH, so the check cannot be used to learn which card numbers exist.
 */
export function verifyCard(
  card: { status: ResidenceCardStatus; validUntil: string | null; lossReportedOn: string | null } | null,
  presentedExpiry: string,
): { valid: true } | { valid: false; reason: VerificationReason } {
  if (!card || card.validUntil !== presentedExpiry) return { valid: false, reason: 'NOT_FOUND_OR_MISMATCH' };
  if (card.status !== 'VALID') return { valid: false, reason: REFUSAL_BY_STATUS[card.status] };
  if (card.lossReportedOn) return { valid: false, reason: 'REPORTED_LOST' };
  return { valid: true };
}
