/**
 * Calendar arithmetic on ISO dates ('yyyy-mm-dd', proleptic Gregorian), without time zones.
 *
 * Feb 29: in a year without Feb 29, an anniversary of Feb 29 falls on Feb 28. The card statutes say so
 * in words (入管法 19条の5第1項第2号: 「誕生日が二月二十九日であるときは、…うるう年以外の年における誕生日は
 * 二月二十八日であるものとみなす」), and 民法 143条2項 ends a period of years on the last day of the month
 * when the month has no corresponding day; addYears, nthBirthday and ageOn all follow that one rule.
 * So a child born on 2008-02-29 turns 15 on 2023-02-28: the day the card statutes deem the birthday
 * (年齢計算ニ関スル法律 completes the year at the end of that same day).
 */

const DAY_MS = 86_400_000;
const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31] as const;
const HYPHEN = 0x2d;

interface CalendarDate {
  year: number;
  month: number;
  day: number;
}

function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

function daysInMonth(year: number, month: number): number {
  return month === 2 ? (isLeapYear(year) ? 29 : 28) : DAYS_IN_MONTH[month - 1]!;
}

/** The number written by the ASCII digits from `start` to `end` of `text`, or -1 if any of them is not one. */
function digits(text: string, start: number, end: number): number {
  let value = 0;
  for (let i = start; i < end; i++) {
    const digit = text.charCodeAt(i) - 0x30;
    if (digit < 0 || digit > 9) return -1;
    value = value * 10 + digit;
  }
  return value;
}

/**
 * The year, month and day of a real calendar date written as yyyy-mm-dd, or null. Read character by character:
 * the immigration rules compare a card's dates for every person of every answer.
 */
function split(date: string): CalendarDate | null {
  if (typeof date !== 'string' || date.length !== 10 || date.charCodeAt(4) !== HYPHEN || date.charCodeAt(7) !== HYPHEN) return null;
  const year = digits(date, 0, 4);
  const month = digits(date, 5, 7);
  const day = digits(date, 8, 10);
  if (year < 0 || month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return null;
  return { year, month, day };
}

function parts(date: string): CalendarDate {
  const parsed = split(date);
  if (!parsed) throw new RangeError(`not an ISO date (yyyy-mm-dd): ${JSON.stringify(date)}`);
  return parsed;
}

function format({ year, month, day }: CalendarDate): string {
  if (year < 0 || year > 9999) throw new RangeError(`year out of range: ${year}`);
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

/** True when the input is a real calendar date written as yyyy-mm-dd. */
export function isIsoDate(input: string): boolean {
  return split(input) !== null;
}

/** The date `days` days later (earlier when negative). */
export function addDays(date: string, days: number): string {
  if (!Number.isInteger(days)) throw new RangeError(`days must be an integer: ${days}`);
  const { year, month, day } = parts(date);
  // setUTCFullYear, not Date.UTC, which would read years 0-99 as 1900-1999.
  const base = new Date(0);
  base.setUTCFullYear(year, month - 1, day);
  const result = new Date(base.getTime() + days * DAY_MS);
  return format({ year: result.getUTCFullYear(), month: result.getUTCMonth() + 1, day: result.getUTCDate() });
}

/** The same calendar day `years` years later (earlier when negative); Feb 29 becomes Feb 28 in other years. */
export function addYears(date: string, years: number): string {
  if (!Number.isInteger(years)) throw new RangeError(`years must be an integer: ${years}`);
  const { year, month, day } = parts(date);
  const target = year + years;
  return format({ year: target, month, day: Math.min(day, daysInMonth(target, month)) });
}

/**
 * The last day of a period of `years` years counted from `start`, `start` being day one (「…の日から起算して n 年を
 * 経過する日」, 民法 143条2項): the day before the anniversary of `start`, or the last day of the anniversary's month
 * when that month has no such day (a Feb 29 start in a year without one).
 */
export function lastDayOfYearsCountedFrom(start: string, years: number): string {
  if (!Number.isInteger(years)) throw new RangeError(`years must be an integer: ${years}`);
  const { year, month, day } = parts(start);
  const target = year + years;
  if (day > daysInMonth(target, month)) return format({ year: target, month, day: daysInMonth(target, month) });
  return addDays(format({ year: target, month, day }), -1);
}

/**
 * The last day of a period of `months` months counted from `start`, `start` being day one (民法 143条2項): the day
 * before the day of the final month that corresponds to `start`, or that month's last day when it has no such day.
 */
export function lastDayOfMonthsCountedFrom(start: string, months: number): string {
  if (!Number.isInteger(months)) throw new RangeError(`months must be an integer: ${months}`);
  const { year, month, day } = parts(start);
  const index = year * 12 + (month - 1) + months;
  const [targetYear, targetMonth] = [Math.floor(index / 12), (index % 12) + 1];
  if (day > daysInMonth(targetYear, targetMonth)) return format({ year: targetYear, month: targetMonth, day: daysInMonth(targetYear, targetMonth) });
  return addDays(format({ year: targetYear, month: targetMonth, day }), -1);
}

/** -1, 0 or 1 as `a` is before, the same as, or after `b`. */
export function compareDates(a: string, b: string): -1 | 0 | 1 {
  // Two dates written as yyyy-mm-dd (each checked to be one) are in the order of their text.
  parts(a);
  parts(b);
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The earliest of the given dates. */
export function earliestDate(first: string, ...rest: string[]): string {
  return rest.reduce((min, d) => (compareDates(d, min) < 0 ? d : min), first);
}

/** The n-th birthday (n = 0 is the birth date); a Feb 29 birthday is Feb 28 in other years. */
export function nthBirthday(birthDate: string, n: number): string {
  return addYears(birthDate, n);
}

/** Completed years of age on `date`: the birthday itself counts as reached (negative before birth). */
export function ageOn(birthDate: string, date: string): number {
  const years = parts(date).year - parts(birthDate).year;
  return compareDates(nthBirthday(birthDate, years), date) > 0 ? years - 1 : years;
}

/** The n-th birthday strictly after `date` (「…の日後のn回目の誕生日」); n >= 1. */
export function nthBirthdayAfter(birthDate: string, date: string, n: number): string {
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`n must be a positive integer: ${n}`);
  const first = Math.max(ageOn(birthDate, date) + 1, 1);
  return nthBirthday(birthDate, first + n - 1);
}
