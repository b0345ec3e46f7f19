/**
 * The special period (特例期間, 入管法 20条6項, 21条4項 applying it): a mid-to-long-term resident who applies for an
 * extension of the period of stay or a change of status before the stay ends stays lawfully in Japan, with the old
 * status, until the decision or until two months after the old end, whichever comes first. The card whose validity
 * ran to the old end stays good for as long (and with it the My Number function of a foreign resident, DESIGN.md §3).
 *
 * 「従前の在留期間の満了の日から二月が経過する日」: the old end day itself is not counted (民法 140条), so the two
 * months are counted from the next day as day one and end the day before the corresponding day of the second month
 * after (民法 143条2項): stay ending 2026-12-10 → counted from 2026-12-11 → last day 2027-02-10; where that month
 * has no corresponding day, its last day (stay ending 2026-12-30 → from 2026-12-31 → 2027-02-28).
 */
import type { ResidenceCardStatus } from '../../../schema/codes';
import { addDays, compareDates, lastDayOfMonthsCountedFrom } from '../../../schema/dates';
import { residenceCardStatusOn } from './cardValidity';

/** What an application asks for; the bureau grants it by renewPeriodOfStay or changeStatusOfResidence. */
export type StayApplicationKind = 'EXTENSION_OF_PERIOD_OF_STAY' | 'CHANGE_OF_STATUS';
export type StayApplicationStatus = 'PENDING' | 'GRANTED' | 'REFUSED';

/** An application as the special period needs it. */
export interface StayApplication {
  status: StayApplicationStatus;
  filedOn: string;
  /** The last day of the period of stay when the application was filed. */
  oldStayExpiresOn: string;
  /** The day of the decision; null while pending. */
  decidedOn: string | null;
}

/** Per application kind, the provision that gives the special period. */
export const SPECIAL_PERIOD_BASIS: Readonly<Record<StayApplicationKind, string>> = {
  EXTENSION_OF_PERIOD_OF_STAY: '入管法21条4項（20条6項の準用）',
  CHANGE_OF_STATUS: '入管法20条6項',
};

/** The last day the special period can last: two months counted from the day after the old end. */
export function specialPeriodLastDay(oldStayExpiresOn: string): string {
  return lastDayOfMonthsCountedFrom(addDays(oldStayExpiresOn, 1), 2);
}

/** Only an application filed by the last day of the stay gives a special period (and is accepted as one). */
export function filedInTime(stayExpiresOn: string, filedOn: string): boolean {
  return compareDates(filedOn, stayExpiresOn) <= 0;
}

/**
 * The last day of the special period if it applies on `today`, else null: after the old end, up to its last day, and
 * before the decision (the decision ends it on its day: a grant with the new card and stay, a refusal with nothing).
 */
export function specialPeriodUntil(application: StayApplication | null, today: string): string | null {
  if (!application || !filedInTime(application.oldStayExpiresOn, application.filedOn)) return null;
  const lastDay = specialPeriodLastDay(application.oldStayExpiresOn);
  const started = compareDates(today, application.oldStayExpiresOn) > 0;
  const notOver = compareDates(today, lastDay) <= 0;
  const undecided = application.decidedOn === null || compareDates(today, application.decidedOn) < 0;
  return started && notOver && undecided ? lastDay : null;
}

/**
 * Whether a VALID card read EXPIRED by date is still good on `today` under the special period: the card ran to the old
 * end of stay (a card that ended earlier, e.g. the day before the 16th birthday, ended for its own reason).
 */
export function cardKeptBySpecialPeriod(card: { validUntil: string | null }, application: StayApplication | null, today: string): boolean {
  return application !== null && card.validUntil === application.oldStayExpiresOn && specialPeriodUntil(application, today) !== null;
}

/** The card's status on `today` with the holder's last application: a card kept by the special period reads VALID (recorded VALID, or EXPIRED by a sweep). */
export function cardStatusWithApplication(
  card: { status: ResidenceCardStatus; validUntil: string | null },
  application: StayApplication | null,
  today: string,
): ResidenceCardStatus {
  const status = residenceCardStatusOn(card, today);
  const dated = card.status === 'VALID' || card.status === 'EXPIRED'; // read by the date (cardValidity.ts)
  return status === 'EXPIRED' && dated && cardKeptBySpecialPeriod(card, application, today) ? 'VALID' : status;
}
