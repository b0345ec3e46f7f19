/**
 * How long a residence card or special permanent resident certificate is valid: 入管法 19条の5 (residence
 * cards) and 入管特例法 9条 (special permanent resident certificates), as one table.
 *
 * Cards issued from 2023-11-01 to a holder under 16 end on the day before the 16th birthday; earlier cards
 * ended on the 16th birthday itself (and keep that date). The change applies to special permanent resident
 * certificates as well (ISA's 2023 notice covers both), so under-16 certificates issued from 2023-11-01 also
 * end on the day before the 16th birthday; DESIGN.md's "the 16th birthday" is the rule for earlier ones.
 * Birthdays follow schema/dates.ts: a Feb 29 birthday is Feb 28 in other years, as 19条の5 deems.
 */
import type { ResidenceCardKind, ResidenceCardStatus, StatusOfResidence } from '../../../schema/codes';
import { addDays, ageOn, compareDates, earliestDate, lastDayOfYearsCountedFrom, nthBirthday, nthBirthdayAfter } from '../../../schema/dates';

/** Whose card it is, as the validity table distinguishes holders. */
export type CardHolder = 'INDEFINITE_STAY' | 'FIXED_TERM_STAY' | 'SPECIAL_PERMANENT_RESIDENT';
/** Age on the day of issue; a card issued on renewal of its validity counts as 16_AND_OVER (see CardValidityInput). */
export type AgeBand = 'UNDER_16' | '16_AND_OVER';
/** Whether the card was issued before the 2023-11-01 amendment took effect. */
export type IssueEra = 'BEFORE_2023_11_01' | 'FROM_2023_11_01';

/**
 * One way a validity period ends; a rule with several ends ends at the earliest. YEARS_COUNTED_FROM_ISSUE is
 * 「交付の日から起算して n 年を経過する日」: the issue day is day one (民法 143条), so the period ends the day before
 * the n-th anniversary of issue. The birthday ends name a day, not a period, and are taken as named.
 */
export type ValidityEnd =
  | { kind: 'YEARS_COUNTED_FROM_ISSUE'; years: number }
  | { kind: 'END_OF_STAY' }
  | { kind: 'NTH_BIRTHDAY'; n: number }
  | { kind: 'DAY_BEFORE_NTH_BIRTHDAY'; n: number }
  | { kind: 'NTH_BIRTHDAY_AFTER_BASIS'; n: number };

/** A row of the validity table: when the card ends, and the provision that says so. */
export interface ValidityRule {
  ends: readonly ValidityEnd[];
  basis: string;
}

/** The day the 2023 amendment on under-16 validity took effect. */
export const UNDER_16_AMENDMENT_DATE = '2023-11-01';

/**
 * Statuses whose residence card runs 7 years counted from the issue day instead of to the end of a period of stay. The
 * statute's under-16 row names permanent residents only; no HSP (ii) holder is under 16 (the status
 * requires years of HSP (i) activity), so the table's INDEFINITE_STAY rows serve both, as DESIGN.md does.
 */
export const INDEFINITE_STAY_STATUSES: readonly StatusOfResidence[] = ['PERMANENT_RESIDENT', 'HIGHLY_SKILLED_PROFESSIONAL_2'];

const SPECIAL_PERMANENT_RESIDENT_KINDS: readonly ResidenceCardKind[] = [
  'SPECIAL_PERMANENT_RESIDENT_CERTIFICATE',
  'SPECIFIC_SPECIAL_PERMANENT_RESIDENT_CERTIFICATE',
];

const SEVEN_YEARS: ValidityEnd = { kind: 'YEARS_COUNTED_FROM_ISSUE', years: 7 };
const END_OF_STAY: ValidityEnd = { kind: 'END_OF_STAY' };
const SIXTEENTH_BIRTHDAY: ValidityEnd = { kind: 'NTH_BIRTHDAY', n: 16 };
const DAY_BEFORE_SIXTEENTH_BIRTHDAY: ValidityEnd = { kind: 'DAY_BEFORE_NTH_BIRTHDAY', n: 16 };
const SEVENTH_BIRTHDAY_AFTER_BASIS: ValidityEnd = { kind: 'NTH_BIRTHDAY_AFTER_BASIS', n: 7 };

/**
 * The validity table: holder × age on the day of issue × issue era. Age is taken on the day of issue for
 * certificates too (as 19条の5 does for cards): an applicant who turns 16 between application and issue gets
 * the 16-and-over row, never an end date before the issue date.
 */
export const VALIDITY_RULES: Readonly<Record<CardHolder, Record<AgeBand, Record<IssueEra, ValidityRule>>>> = {
  INDEFINITE_STAY: {
    '16_AND_OVER': {
      BEFORE_2023_11_01: { ends: [SEVEN_YEARS], basis: '入管法19条の5第1項第1号' },
      FROM_2023_11_01: { ends: [SEVEN_YEARS], basis: '入管法19条の5第1項第1号' },
    },
    UNDER_16: {
      BEFORE_2023_11_01: { ends: [SIXTEENTH_BIRTHDAY], basis: '入管法19条の5第1項第2号（2023年11月1日前）' },
      FROM_2023_11_01: { ends: [DAY_BEFORE_SIXTEENTH_BIRTHDAY], basis: '入管法19条の5第1項第2号' },
    },
  },
  FIXED_TERM_STAY: {
    '16_AND_OVER': {
      BEFORE_2023_11_01: { ends: [END_OF_STAY], basis: '入管法19条の5第1項第3号' },
      FROM_2023_11_01: { ends: [END_OF_STAY], basis: '入管法19条の5第1項第3号' },
    },
    UNDER_16: {
      BEFORE_2023_11_01: { ends: [END_OF_STAY, SIXTEENTH_BIRTHDAY], basis: '入管法19条の5第1項第4号（2023年11月1日前）' },
      FROM_2023_11_01: { ends: [END_OF_STAY, DAY_BEFORE_SIXTEENTH_BIRTHDAY], basis: '入管法19条の5第1項第4号' },
    },
  },
  SPECIAL_PERMANENT_RESIDENT: {
    '16_AND_OVER': {
      BEFORE_2023_11_01: { ends: [SEVENTH_BIRTHDAY_AFTER_BASIS], basis: '入管特例法9条（16歳以上）' },
      FROM_2023_11_01: { ends: [SEVENTH_BIRTHDAY_AFTER_BASIS], basis: '入管特例法9条（16歳以上）' },
    },
    UNDER_16: {
      BEFORE_2023_11_01: { ends: [SIXTEENTH_BIRTHDAY], basis: '入管特例法9条（16歳未満、2023年11月1日前）' },
      FROM_2023_11_01: { ends: [DAY_BEFORE_SIXTEENTH_BIRTHDAY], basis: '入管特例法9条（16歳未満）' },
    },
  },
};

/** What the validity of one card depends on. */
export interface CardValidityInput {
  kind: ResidenceCardKind;
  statusOfResidence: StatusOfResidence | null;
  birthDate: string;
  issuedOn: string;
  stayExpiresOn: string | null;
  /** Certificates only: the application or notification date, or the old expiry after a renewal; default issuedOn. */
  sprBasisDate?: string | null;
  /**
   * True when the card was issued on renewal of its validity (有効期間の更新: 入管法19条の11, 入管特例法12条),
   * as a holder about to turn 16 does. The under-16 rows exclude such cards (19条の5第1項第2号の括弧書), so
   * the renewed card follows the 16-and-over row. Default false.
   */
  validityRenewal?: boolean;
}

/** Whose card it is; null for a residence card without a status of residence (nothing to decide by). */
export function cardHolder(kind: ResidenceCardKind, statusOfResidence: StatusOfResidence | null): CardHolder | null {
  if (SPECIAL_PERMANENT_RESIDENT_KINDS.includes(kind)) return 'SPECIAL_PERMANENT_RESIDENT';
  if (statusOfResidence === null) return null;
  return INDEFINITE_STAY_STATUSES.includes(statusOfResidence) ? 'INDEFINITE_STAY' : 'FIXED_TERM_STAY';
}

/** The rule of the validity table that applies to a card. null when the holder cannot be told. */
export function validityRuleFor(input: CardValidityInput): ValidityRule | null {
  const holder = cardHolder(input.kind, input.statusOfResidence);
  if (holder === null) return null;
  const age: AgeBand = !input.validityRenewal && ageOn(input.birthDate, input.issuedOn) < 16 ? 'UNDER_16' : '16_AND_OVER';
  const era: IssueEra = compareDates(input.issuedOn, UNDER_16_AMENDMENT_DATE) < 0 ? 'BEFORE_2023_11_01' : 'FROM_2023_11_01';
  return VALIDITY_RULES[holder][age][era];
}

function endDate(end: ValidityEnd, input: CardValidityInput): string | null {
  switch (end.kind) {
    case 'YEARS_COUNTED_FROM_ISSUE':
      return lastDayOfYearsCountedFrom(input.issuedOn, end.years);
    case 'END_OF_STAY':
      return input.stayExpiresOn;
    case 'NTH_BIRTHDAY':
      return nthBirthday(input.birthDate, end.n);
    case 'DAY_BEFORE_NTH_BIRTHDAY':
      return addDays(nthBirthday(input.birthDate, end.n), -1);
    case 'NTH_BIRTHDAY_AFTER_BASIS':
      return nthBirthdayAfter(input.birthDate, input.sprBasisDate ?? input.issuedOn, end.n);
  }
}

/**
 * The last day a residence card or certificate is valid. null when the input cannot decide it: a residence
 * card without a status of residence, or one whose rule needs the end of the period of stay when none is given.
 */
export function residenceCardValidUntil(input: CardValidityInput): string | null {
  const rule = validityRuleFor(input);
  if (rule === null) return null;
  const dates = rule.ends.map((end) => endDate(end, input));
  if (dates.some((d) => d === null)) return null;
  const [first, ...rest] = dates as string[];
  return earliestDate(first, ...rest);
}

/**
 * The card's status on `today`: a card recorded VALID or EXPIRED is EXPIRED the day after its validUntil and VALID up
 * to it; other statuses stand. EXPIRED is recorded by the expiry sweep from the date alone (expiry.ts), so it is read
 * by the date as VALID is: when the sweep ran never changes a read.
 */
export function residenceCardStatusOn(
  card: { status: ResidenceCardStatus; validUntil: string | null },
  today: string,
): ResidenceCardStatus {
  if (card.status !== 'VALID' && card.status !== 'EXPIRED') return card.status;
  return card.validUntil !== null && compareDates(today, card.validUntil) > 0 ? 'EXPIRED' : 'VALID';
}
