/**
 * Per status of residence: the work restriction printed on the card (就労制限の有無), whether the status
 * makes its holder a mid-to-long-term resident (入管法 19条の3), and the periods of stay it can be granted
 * (入管法施行規則 別表第二), as ISO 8601 durations.
 */
import type { StatusOfResidence, WorkRestriction } from '../../../schema/codes';

/**
 * The card's work restriction by status.
 * - Statuses based on personal status or position (別表第二): no restriction.
 * - Statuses tied to the organization named in the designation (指定書): HSP (i) (a)-(c), SSW, TITP,
 *   employment for skill development. HSP (i) is on this row, not on "status activities only": its
 *   activities are with the organization the Minister designates, and ISA prints the designated-organization
 *   wording on its cards.
 * - Designated activities: what the designation says.
 * - Statuses without work (別表第一の三・四): not permitted; work then needs a permission for activity
 *   outside status, shown separately.
 * - Diplomat and official: their activities are their mission, so status activities only. They are issued
 *   no residence card (not mid-to-long-term); the row exists so that the table covers every status.
 * - All other working statuses: status activities only.
 */
export const WORK_RESTRICTION_BY_STATUS: Readonly<Record<StatusOfResidence, WorkRestriction>> = {
  DIPLOMAT: 'STATUS_ACTIVITIES_ONLY',
  OFFICIAL: 'STATUS_ACTIVITIES_ONLY',
  PROFESSOR: 'STATUS_ACTIVITIES_ONLY',
  ARTIST: 'STATUS_ACTIVITIES_ONLY',
  RELIGIOUS_ACTIVITIES: 'STATUS_ACTIVITIES_ONLY',
  JOURNALIST: 'STATUS_ACTIVITIES_ONLY',
  HIGHLY_SKILLED_PROFESSIONAL_1_A: 'DESIGNATED_ORGANIZATION_ONLY',
  HIGHLY_SKILLED_PROFESSIONAL_1_B: 'DESIGNATED_ORGANIZATION_ONLY',
  HIGHLY_SKILLED_PROFESSIONAL_1_C: 'DESIGNATED_ORGANIZATION_ONLY',
  HIGHLY_SKILLED_PROFESSIONAL_2: 'STATUS_ACTIVITIES_ONLY',
  BUSINESS_MANAGER: 'STATUS_ACTIVITIES_ONLY',
  LEGAL_ACCOUNTING_SERVICES: 'STATUS_ACTIVITIES_ONLY',
  MEDICAL_SERVICES: 'STATUS_ACTIVITIES_ONLY',
  RESEARCHER: 'STATUS_ACTIVITIES_ONLY',
  INSTRUCTOR: 'STATUS_ACTIVITIES_ONLY',
  ENGINEER_HUMANITIES_INTERNATIONAL_SERVICES: 'STATUS_ACTIVITIES_ONLY',
  INTRA_COMPANY_TRANSFEREE: 'STATUS_ACTIVITIES_ONLY',
  NURSING_CARE: 'STATUS_ACTIVITIES_ONLY',
  ENTERTAINER: 'STATUS_ACTIVITIES_ONLY',
  SKILLED_LABOR: 'STATUS_ACTIVITIES_ONLY',
  SPECIFIED_SKILLED_WORKER_1: 'DESIGNATED_ORGANIZATION_ONLY',
  SPECIFIED_SKILLED_WORKER_2: 'DESIGNATED_ORGANIZATION_ONLY',
  TECHNICAL_INTERN_TRAINING_1: 'DESIGNATED_ORGANIZATION_ONLY',
  TECHNICAL_INTERN_TRAINING_2: 'DESIGNATED_ORGANIZATION_ONLY',
  TECHNICAL_INTERN_TRAINING_3: 'DESIGNATED_ORGANIZATION_ONLY',
  EMPLOYMENT_FOR_SKILL_DEVELOPMENT: 'DESIGNATED_ORGANIZATION_ONLY',
  CULTURAL_ACTIVITIES: 'NOT_PERMITTED',
  TEMPORARY_VISITOR: 'NOT_PERMITTED',
  STUDENT: 'NOT_PERMITTED',
  TRAINEE: 'NOT_PERMITTED',
  DEPENDENT: 'NOT_PERMITTED',
  DESIGNATED_ACTIVITIES: 'DESIGNATED_ACTIVITIES_ONLY',
  PERMANENT_RESIDENT: 'NO_RESTRICTION',
  SPOUSE_OR_CHILD_OF_JAPANESE_NATIONAL: 'NO_RESTRICTION',
  SPOUSE_OR_CHILD_OF_PERMANENT_RESIDENT: 'NO_RESTRICTION',
  LONG_TERM_RESIDENT: 'NO_RESTRICTION',
};

/** Statuses whose holders are never mid-to-long-term residents (入管法 19条の3 第2号・第3号). */
export const NOT_MID_TO_LONG_TERM_STATUSES: readonly StatusOfResidence[] = ['TEMPORARY_VISITOR', 'DIPLOMAT', 'OFFICIAL'];

/** Whether a status can make its holder a mid-to-long-term resident (the period must also exceed 3 months). */
export function isMidToLongTermStatus(status: StatusOfResidence): boolean {
  return !NOT_MID_TO_LONG_TERM_STATUSES.includes(status);
}

/**
 * The periods of stay each status can be granted, longest first. null: no fixed period (PR and HSP (ii):
 * indefinite; diplomat: the duration of the diplomatic mission). Where the rules say "a period the Minister
 * designates, not exceeding N", the list gives the periods granted in practice, N first.
 * - SSW (i): since 2025-09-30, up to 3 years per grant on change or extension (5 years in total); before,
 *   up to 1 year (1 year, 6 months or 4 months in practice). The list follows the current rules.
 * - TITP (i) up to 1 year; (ii) and (iii) up to 2 years.
 * - Employment for skill development: up to 1 year per grant (3 years in total). The status starts with the
 *   2024 amendment's entry into force; revisit when its ordinance is final.
 */
export const PERIODS_OF_STAY_BY_STATUS: Readonly<Record<StatusOfResidence, readonly string[] | null>> = {
  DIPLOMAT: null,
  OFFICIAL: ['P5Y', 'P3Y', 'P1Y', 'P3M', 'P30D', 'P15D'],
  PROFESSOR: ['P5Y', 'P3Y', 'P1Y', 'P3M'],
  ARTIST: ['P5Y', 'P3Y', 'P1Y', 'P3M'],
  RELIGIOUS_ACTIVITIES: ['P5Y', 'P3Y', 'P1Y', 'P3M'],
  JOURNALIST: ['P5Y', 'P3Y', 'P1Y', 'P3M'],
  HIGHLY_SKILLED_PROFESSIONAL_1_A: ['P5Y'],
  HIGHLY_SKILLED_PROFESSIONAL_1_B: ['P5Y'],
  HIGHLY_SKILLED_PROFESSIONAL_1_C: ['P5Y'],
  HIGHLY_SKILLED_PROFESSIONAL_2: null,
  BUSINESS_MANAGER: ['P5Y', 'P3Y', 'P1Y', 'P6M', 'P4M', 'P3M'],
  LEGAL_ACCOUNTING_SERVICES: ['P5Y', 'P3Y', 'P1Y', 'P3M'],
  MEDICAL_SERVICES: ['P5Y', 'P3Y', 'P1Y', 'P3M'],
  RESEARCHER: ['P5Y', 'P3Y', 'P1Y', 'P3M'],
  INSTRUCTOR: ['P5Y', 'P3Y', 'P1Y', 'P3M'],
  ENGINEER_HUMANITIES_INTERNATIONAL_SERVICES: ['P5Y', 'P3Y', 'P1Y', 'P3M'],
  INTRA_COMPANY_TRANSFEREE: ['P5Y', 'P3Y', 'P1Y', 'P3M'],
  NURSING_CARE: ['P5Y', 'P3Y', 'P1Y', 'P3M'],
  ENTERTAINER: ['P3Y', 'P1Y', 'P6M', 'P3M', 'P30D'],
  SKILLED_LABOR: ['P5Y', 'P3Y', 'P1Y', 'P3M'],
  SPECIFIED_SKILLED_WORKER_1: ['P3Y', 'P1Y', 'P6M', 'P4M'],
  SPECIFIED_SKILLED_WORKER_2: ['P3Y', 'P1Y', 'P6M'],
  TECHNICAL_INTERN_TRAINING_1: ['P1Y'],
  TECHNICAL_INTERN_TRAINING_2: ['P2Y'],
  TECHNICAL_INTERN_TRAINING_3: ['P2Y'],
  EMPLOYMENT_FOR_SKILL_DEVELOPMENT: ['P1Y'],
  CULTURAL_ACTIVITIES: ['P3Y', 'P1Y', 'P6M', 'P3M'],
  TEMPORARY_VISITOR: ['P90D', 'P30D', 'P15D'],
  STUDENT: ['P4Y3M', 'P4Y', 'P3Y3M', 'P3Y', 'P2Y3M', 'P2Y', 'P1Y3M', 'P1Y', 'P6M', 'P3M'],
  TRAINEE: ['P1Y', 'P6M', 'P3M'],
  DEPENDENT: ['P5Y', 'P4Y3M', 'P4Y', 'P3Y3M', 'P3Y', 'P2Y3M', 'P2Y', 'P1Y3M', 'P1Y', 'P6M', 'P3M'],
  DESIGNATED_ACTIVITIES: ['P5Y', 'P3Y', 'P1Y', 'P6M', 'P3M'],
  PERMANENT_RESIDENT: null,
  SPOUSE_OR_CHILD_OF_JAPANESE_NATIONAL: ['P5Y', 'P3Y', 'P1Y', 'P6M'],
  SPOUSE_OR_CHILD_OF_PERMANENT_RESIDENT: ['P5Y', 'P3Y', 'P1Y', 'P6M'],
  LONG_TERM_RESIDENT: ['P5Y', 'P3Y', 'P1Y', 'P6M'],
};

const PERIOD = /^P(?:([0-9]+)Y)?(?:([0-9]+)M)?(?:([0-9]+)D)?$/;

/**
 * Whether a period of stay is long enough for a mid-to-long-term resident: more than 3 months (入管法 19条の3
 * 第1号 excludes 3 months or less). null (indefinite) is. A period in days exceeds 3 months only beyond 92
 * days (the longest three calendar months), so the 90-day periods of the rules are 3 months or less.
 */
export function isMidToLongTermPeriod(period: string | null): boolean {
  if (period === null) return true;
  const match = PERIOD.exec(period);
  if (!match || period === 'P') throw new RangeError(`not an ISO 8601 period of years, months and days: ${period}`);
  const months = Number(match[1] ?? 0) * 12 + Number(match[2] ?? 0);
  const days = Number(match[3] ?? 0);
  return months > 3 || (months === 3 && days > 0) || (months < 3 && days > 92);
}
