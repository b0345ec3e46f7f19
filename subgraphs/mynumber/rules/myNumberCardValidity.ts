/**
 * How long a standalone My Number card and its JPKI certificates are valid (番号法施行令・施行規則,
 * 公的個人認証法施行規則), and when a foreign resident's My Number function follows the period of stay.
 * Birthdays follow schema/dates.ts: a Feb 29 birthday is Feb 28 in other years.
 */
import type { ResidentClass, StatusOfResidence } from '../../../schema/codes';
import { ageOn, compareDates, earliestDate, nthBirthdayAfter } from '../../../schema/dates';

/** The day the age of majority for the card term changed from 20 to 18 (民法 amendment). */
export const ADULT_AGE_CHANGE_DATE = '2022-04-01';

/**
 * Valid until the n-th birthday after the day of issue, by whether the holder was an adult that day: 18 and
 * over from 2022-04-01, 20 and over before. (The ordinance keys the change on J-LIS's receipt of the
 * application; with only the issue date known, cards issued from 2022-04-01 take the new age.)
 */
export const BIRTHDAYS_AFTER_ISSUE: Readonly<Record<'ADULT' | 'MINOR', number>> = { ADULT: 10, MINOR: 5 };

/** The signature and user-authentication certificates: until the 5th birthday after issue, never after the card. */
export const CERTIFICATE_BIRTHDAYS_AFTER_ISSUE = 5;

/** The youngest age at which a signature certificate is issued. */
export const SIGNATURE_CERTIFICATE_MIN_AGE = 15;

/** Resident classes whose My Number function does not end with a period of stay. */
export const STAY_EXEMPT_CLASSES: readonly ResidentClass[] = ['SPECIAL_PERMANENT'];
/** Statuses of residence whose My Number function does not end with a period of stay (no period to end). */
export const STAY_EXEMPT_STATUSES: readonly StatusOfResidence[] = ['PERMANENT_RESIDENT', 'HIGHLY_SKILLED_PROFESSIONAL_2'];

/** The age of majority for the card term on a given issue date. */
export function adultAgeOn(issuedOn: string): number {
  return compareDates(issuedOn, ADULT_AGE_CHANGE_DATE) < 0 ? 20 : 18;
}

/**
 * The last day a standalone My Number card is valid: the 10th birthday after issue for adults, the 5th for
 * minors; for a foreign resident whose function follows the period of stay (exempt false), no later than the
 * end of that period. A foreign resident without a known end of stay gets the birthday rule alone.
 */
export function myNumberCardValidUntil(input: {
  birthDate: string;
  issuedOn: string;
  foreignResident: { stayExpiresOn: string | null; exempt: boolean } | null;
}): string {
  const adult = ageOn(input.birthDate, input.issuedOn) >= adultAgeOn(input.issuedOn);
  const byBirthday = nthBirthdayAfter(input.birthDate, input.issuedOn, BIRTHDAYS_AFTER_ISSUE[adult ? 'ADULT' : 'MINOR']);
  const stayEnd = input.foreignResident && !input.foreignResident.exempt ? input.foreignResident.stayExpiresOn : null;
  return stayEnd === null ? byBirthday : earliestDate(byBirthday, stayEnd);
}

/** The last day of a signature or user-authentication certificate: the 5th birthday after issue, never after the card. */
export function certificateValidUntil(input: { birthDate: string; issuedOn: string; cardValidUntil: string }): string {
  return earliestDate(nthBirthdayAfter(input.birthDate, input.issuedOn, CERTIFICATE_BIRTHDAYS_AFTER_ISSUE), input.cardValidUntil);
}

/** Whether a signature certificate is issued to someone of this age on the day of issue (15 and over). */
export function signatureCertificateIssuable(ageAtIssue: number): boolean {
  return ageAtIssue >= SIGNATURE_CERTIFICATE_MIN_AGE;
}

/** Whether a foreign resident's My Number function ends with their period of stay (not for PR, SPR, HSP (ii)). */
export function myNumberFunctionFollowsStay(residentClass: ResidentClass, status: StatusOfResidence | null): boolean {
  return !STAY_EXEMPT_CLASSES.includes(residentClass) && !(status !== null && STAY_EXEMPT_STATUSES.includes(status));
}
