/** A synthetic person's stay as the ISA records it: period of stay, expiry, permission kind and date, arrival. */
import type { PermissionKind, ResidentClass, StatusOfResidence, WorkRestriction } from '../schema/codes';
import { addDays, addYears, ageOn, lastDayOfMonthsCountedFrom } from '../schema/dates';
import {
  isMidToLongTermPeriod,
  PERIODS_OF_STAY_BY_STATUS,
  WORK_RESTRICTION_BY_STATUS,
} from '../subgraphs/immigration/rules/workRestriction';
import { RESIDENCE_CARD_START } from './distributions';
import { Weighted, type Random } from './random';

/** The stay fields of foreign_resident, plus when the person first arrived (or was born, or became foreign). */
export interface Stay {
  periodOfStay: string | null;
  stayExpiresOn: string | null;
  permissionKind: PermissionKind | null;
  permissionDate: string | null;
  workRestriction: WorkRestriction;
  arrivedOn: string;
  /** An extension only: the last day of the period of stay it extended (the card before ran to it). */
  previousStayExpiresOn?: string;
}

const PERIOD = /^P(?:([0-9]+)Y)?(?:([0-9]+)M)?(?:([0-9]+)D)?$/;

/** The date a period (P1Y3M, P90D) after `date`; a month end that does not exist becomes the month's last day (民法 143条). */
export function addPeriod(date: string, period: string, sign: 1 | -1 = 1): string {
  const match = PERIOD.exec(period);
  if (!match) throw new RangeError(`not a period of years, months and days: ${period}`);
  const months = sign * (Number(match[1] ?? 0) * 12 + Number(match[2] ?? 0));
  const [year, month, day] = date.split('-').map(Number) as [number, number, number];
  const total = year * 12 + (month - 1) + months;
  const [y, m] = [Math.floor(total / 12), (total % 12) + 1];
  const leap = y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0);
  const monthDays = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][m - 1] as number;
  const shifted = `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(Math.min(day, monthDays)).padStart(2, '0')}`;
  return addDays(shifted, sign * Number(match[3] ?? 0));
}

// ISO dates (yyyy-mm-dd, four-digit years) order as strings, so plain comparison is exact and fast.

/** A date uniformly in [from, to]; `from` when the range is empty. */
export function dateBetween(random: Random, from: string, to: string): string {
  return from >= to ? from : random.date(from, to);
}

/** The later of two dates. */
export function later(a: string, b: string): string {
  return a >= b ? a : b;
}

/** The earlier of two dates. */
export function earlier(a: string, b: string): string {
  return a <= b ? a : b;
}

// How often each period is granted among those a status allows (chosen: 1 and 3 years most common, 5 years for settled holders).
const PERIOD_WEIGHT: Readonly<Record<string, number>> = {
  P5Y: 3, P4Y3M: 1.5, P4Y: 1, P3Y3M: 1.5, P3Y: 4, P2Y3M: 2.5, P2Y: 2, P1Y3M: 2.5, P1Y: 4, P6M: 1, P4M: 0.5,
};

/** The mid-to-long-term periods a status can be granted, weighted; null for indefinite statuses. */
const periodsByStatus = new Map<StatusOfResidence, Weighted<string> | null>(
  (Object.entries(PERIODS_OF_STAY_BY_STATUS) as Array<[StatusOfResidence, readonly string[] | null]>).map(([status, periods]) => {
    if (periods === null) return [status, null];
    const usable = periods.filter(isMidToLongTermPeriod).map((p) => [p, PERIOD_WEIGHT[p] ?? 1] as const);
    return [status, usable.length > 0 ? new Weighted(usable) : null];
  }),
);

// How the current permission came about, per status (chosen). Children born in Japan get ACQUISITION_OF_STATUS instead.
const PERMISSION_WEIGHTS: Readonly<Partial<Record<StatusOfResidence, Partial<Record<PermissionKind, number>>>>> = {
  TECHNICAL_INTERN_TRAINING_1: { LANDING_PERMISSION: 95, EXTENSION_OF_PERIOD_OF_STAY: 5 },
  TECHNICAL_INTERN_TRAINING_2: { CHANGE_OF_STATUS: 60, EXTENSION_OF_PERIOD_OF_STAY: 40 },
  TECHNICAL_INTERN_TRAINING_3: { CHANGE_OF_STATUS: 60, EXTENSION_OF_PERIOD_OF_STAY: 40 },
  SPECIFIED_SKILLED_WORKER_1: { CHANGE_OF_STATUS: 50, LANDING_PERMISSION: 25, EXTENSION_OF_PERIOD_OF_STAY: 25 },
  SPECIFIED_SKILLED_WORKER_2: { CHANGE_OF_STATUS: 90, EXTENSION_OF_PERIOD_OF_STAY: 10 },
  STUDENT: { LANDING_PERMISSION: 60, EXTENSION_OF_PERIOD_OF_STAY: 35, CHANGE_OF_STATUS: 5 },
  ENGINEER_HUMANITIES_INTERNATIONAL_SERVICES: { LANDING_PERMISSION: 30, CHANGE_OF_STATUS: 30, EXTENSION_OF_PERIOD_OF_STAY: 40 },
  DESIGNATED_ACTIVITIES: { CHANGE_OF_STATUS: 45, LANDING_PERMISSION: 25, EXTENSION_OF_PERIOD_OF_STAY: 25, SPECIAL_PERMISSION_TO_STAY: 5 },
  HIGHLY_SKILLED_PROFESSIONAL_2: { CHANGE_OF_STATUS: 100 },
  PERMANENT_RESIDENT: { PERMANENT_RESIDENCE: 100 },
};
const DEFAULT_PERMISSION_WEIGHTS: Partial<Record<PermissionKind, number>> = {
  LANDING_PERMISSION: 35,
  EXTENSION_OF_PERIOD_OF_STAY: 50,
  CHANGE_OF_STATUS: 14,
  SPECIAL_PERMISSION_TO_STAY: 1,
};
const permissionKinds = new Map<StatusOfResidence, Weighted<PermissionKind>>();
function permissionKindFor(status: StatusOfResidence): Weighted<PermissionKind> {
  let table = permissionKinds.get(status);
  if (!table) {
    table = Weighted.of<PermissionKind>(PERMISSION_WEIGHTS[status] ?? DEFAULT_PERMISSION_WEIGHTS);
    permissionKinds.set(status, table);
  }
  return table;
}

/** HSP (ii) exists since the 2014 amendment took effect on 2015-04-01. */
const HSP_2_START = '2015-04-01';
/** 入管特例法 took effect on 1991-11-01; special permanent residents then alive hold that date. */
const SPR_LAW_START = '1991-11-01';

/** The arrival of someone already in Japan before the current permission: 1 to 10 years earlier, not before birth. */
function arrivalBefore(random: Random, birthDate: string, permissionDate: string, years: [number, number]): string {
  const from = later(birthDate, addYears(permissionDate, -years[1]));
  const to = later(birthDate, addYears(permissionDate, -years[0]));
  return dateBetween(random, from, to);
}

/** A mid-to-long-term resident's stay with a status of residence, current on `asOf`. */
export function midToLongTermStay(
  random: Random,
  status: StatusOfResidence,
  birthDate: string,
  asOf: string,
  fixed: { periodOfStay?: string; permissionDate?: string; permissionKind?: PermissionKind; previousStayExpiresOn?: string } = {},
): Stay {
  const workRestriction = WORK_RESTRICTION_BY_STATUS[status];
  const periods = periodsByStatus.get(status) ?? null;
  if (periods === null) {
    // Indefinite: adults got PR as adults after years in Japan, children at or after birth; HSP (ii) after HSP (i).
    const adultFrom = ageOn(birthDate, asOf) >= 18 ? addYears(birthDate, 18) : birthDate;
    const earliest = status === 'PERMANENT_RESIDENT' ? later(adultFrom, addYears(asOf, -30)) : later(addYears(birthDate, 25), HSP_2_START);
    const permissionDate = fixed.permissionDate ?? dateBetween(random, earliest, asOf);
    const bornHere = permissionDate <= addDays(birthDate, 60);
    const permissionKind = bornHere ? 'ACQUISITION_OF_STATUS' : permissionKindFor(status).sample(random);
    const arrivedOn = bornHere ? birthDate : arrivalBefore(random, birthDate, permissionDate, status === 'PERMANENT_RESIDENT' ? [5, 20] : [3, 8]);
    return { periodOfStay: null, stayExpiresOn: null, permissionKind, permissionDate, workRestriction, arrivedOn };
  }
  const periodOfStay = fixed.periodOfStay ?? periods.sample(random);
  // The permission falls within the last period, so the stay has not ended on asOf.
  const permissionDate = fixed.permissionDate ?? dateBetween(random, later(birthDate, addDays(addPeriod(asOf, periodOfStay, -1), 1)), asOf);
  const bornHere = permissionDate <= addDays(birthDate, 60);
  const permissionKind = fixed.permissionKind ?? (bornHere ? 'ACQUISITION_OF_STATUS' : permissionKindFor(status).sample(random));
  const arrivedOn = bornHere
    ? birthDate
    : permissionKind === 'LANDING_PERMISSION'
      ? permissionDate
      : arrivalBefore(random, birthDate, permissionDate, [1, 10]);
  if (permissionKind !== 'EXTENSION_OF_PERIOD_OF_STAY') {
    return { periodOfStay, stayExpiresOn: addPeriod(permissionDate, periodOfStay), permissionKind, permissionDate, workRestriction, arrivedOn };
  }
  // Granted on or before the old end, within the window the bureau takes applications in (about 3 months before it).
  const previousStayExpiresOn = fixed.previousStayExpiresOn ?? dateBetween(random, permissionDate, addPeriod(permissionDate, EXTENSION_APPLICATION_WINDOW));
  const stayExpiresOn = extendedStayExpiresOn(previousStayExpiresOn, periodOfStay);
  return { periodOfStay, stayExpiresOn, permissionKind, permissionDate, workRestriction, arrivedOn, previousStayExpiresOn };
}

/** How long before the end of the stay the bureau takes an extension application (ISA: about 3 months for stays of 6 months or more). */
export const EXTENSION_APPLICATION_WINDOW = 'P3M';

/**
 * The end of a stay extended by `period` (在留期間更新許可). ISA counts the new period from the day after the
 * old end (在留期間の満了日の翌日から起算), however early the extension is granted, so an early grant loses nothing;
 * a landing permission or a change of status counts from the day after the permission instead (初日不算入,
 * 民法 140条), which is addPeriod(permissionDate, period). Counted from old end + 1 as day one, the period ends the
 * day before the corresponding day (民法 143条2項), or that month's last day when it has none: old end 2026-07-01,
 * P3Y → from 2026-07-02 → 2029-07-01; old end 2027-02-28, P1Y → from 2027-03-01 → 2028-02-29. Source: the practice
 * as immigration lawyers publish it (kabashima-gs.com, 「在留期間のカウントは初日不算入の原則」: an extension granted
 * before the old end is still 「更新前の在留期間満了日の翌日からカウントされます」, a change of status counts from the
 * day after its permission); the statute (入管法 21条) and 施行規則 do not state the start day in words.
 */
export function extendedStayExpiresOn(previousStayExpiresOn: string, period: string): string {
  const match = PERIOD.exec(period);
  if (!match || match[3] !== undefined) throw new RangeError(`not a period of years and months: ${period}`);
  return lastDayOfMonthsCountedFrom(addDays(previousStayExpiresOn, 1), Number(match[1] ?? 0) * 12 + Number(match[2] ?? 0));
}

/** A special permanent resident: permission at birth (applied for within 60 days), or by law on 1991-11-01. */
export function specialPermanentStay(random: Random, birthDate: string, asOf: string): Stay {
  const permissionDate =
    birthDate < SPR_LAW_START ? SPR_LAW_START : earlier(addDays(birthDate, random.int(7, 60)), asOf);
  return {
    periodOfStay: null,
    stayExpiresOn: null,
    permissionKind: 'SPECIAL_PERMANENT_RESIDENCE',
    permissionDate,
    workRestriction: 'NO_RESTRICTION',
    arrivedOn: birthDate,
  };
}

/**
 * The classes without a status of residence (chosen, documented):
 * - TEMPORARY_REFUGE: landing permission for temporary refuge within the last 6 months, for 6 months; no work.
 * - PROVISIONAL_STAY: a provisional stay permit (no permission kind in the code list fits) for 6 months; no work.
 * - TRANSITIONAL_AFTER_BIRTH: born in Japan within the last 60 days, may stay 60 days from birth.
 * - TRANSITIONAL_AFTER_LOSS_OF_NATIONALITY: lost Japanese nationality within the last 60 days, may stay 60
 *   days from then; no status, so no status-based work restriction. `arrivedOn` is the day of the loss.
 */
export function statuslessStay(random: Random, residentClass: ResidentClass, birthDate: string, asOf: string): Stay {
  switch (residentClass) {
    case 'TEMPORARY_REFUGE': {
      const permissionDate = random.date(addDays(addPeriod(asOf, 'P6M', -1), 1), asOf);
      return {
        periodOfStay: 'P6M',
        stayExpiresOn: addPeriod(permissionDate, 'P6M'),
        permissionKind: 'LANDING_PERMISSION',
        permissionDate,
        workRestriction: 'NOT_PERMITTED',
        arrivedOn: permissionDate,
      };
    }
    case 'PROVISIONAL_STAY': {
      const start = random.date(addDays(addPeriod(asOf, 'P6M', -1), 1), asOf);
      return {
        periodOfStay: 'P6M',
        stayExpiresOn: addPeriod(start, 'P6M'),
        permissionKind: null,
        permissionDate: null,
        workRestriction: 'NOT_PERMITTED',
        arrivedOn: dateBetween(random, later(birthDate, addYears(start, -5)), start),
      };
    }
    case 'TRANSITIONAL_AFTER_BIRTH':
      return { periodOfStay: null, stayExpiresOn: addDays(birthDate, 60), permissionKind: null, permissionDate: null, workRestriction: 'NOT_PERMITTED', arrivedOn: birthDate };
    case 'TRANSITIONAL_AFTER_LOSS_OF_NATIONALITY': {
      const lostOn = random.date(addDays(asOf, -59), asOf);
      return { periodOfStay: null, stayExpiresOn: addDays(lostOn, 60), permissionKind: null, permissionDate: null, workRestriction: 'NO_RESTRICTION', arrivedOn: lostOn };
    }
    default:
      throw new Error(`${residentClass} has a status of residence`);
  }
}

/** When the person entered the resident registry: within 14 days of arrival, not before foreign residents joined it (2012-07-09). */
export function registeredOn(random: Random, residentClass: ResidentClass, arrivedOn: string, asOf: string): string {
  if (residentClass === 'TRANSITIONAL_AFTER_LOSS_OF_NATIONALITY') return arrivedOn;
  return earlier(later(addDays(arrivedOn, random.int(0, 14)), RESIDENCE_CARD_START), asOf);
}
