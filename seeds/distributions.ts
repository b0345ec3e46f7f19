/**
 * The figures synthetic persons follow: published ones from data/foreign-residents-2024.json, and the
 * splits the publications do not give, each chosen here and documented.
 */
import type { NationalityCode, ResidentClass, StatusOfResidence } from '../schema/codes';

/** Published end-2024 counts (data/foreign-residents-2024.json). */
export const PUBLISHED = {
  total: 3_768_977,
  midToLongTerm: 3_494_954,
  specialPermanent: 274_023,
  /** Foreign residents in the resident registry, 2025-01-01; the rest of the total are MTL residents without a record. */
  inResidentRegistry: 3_677_463,
  male: 1_913_516,
  female: 1_855_431,
  otherSex: 30,
  myNumberCardHoldingRate: 0.524,
} as const;

/** MTL residents without a resident record: 3,768,977 − 3,677,463 = 91,514 (all of them mid-to-long-term). */
export const WITHOUT_RESIDENT_RECORD = PUBLISHED.total - PUBLISHED.inResidentRegistry;

/**
 * Persons of the four other classes, as a number per 3,768,977 MTL + SPR persons; they come on top of
 * `persons` (ceil of the proportional count, so every class appears at least once in any population).
 * - TEMPORARY_REFUGE 5: temporary refuge landing permits are granted a handful of times a year.
 * - PROVISIONAL_STAY 70: 148 provisional stay permits in 2023 (data file), each for up to 6 months.
 * - TRANSITIONAL_AFTER_BIRTH 1,600: about 19,000 children a year are born in Japan to foreign parents and
 *   stay without status until they acquire one (applied for within 30 days): 19,000 × 30 / 365 ≈ 1,600.
 * - TRANSITIONAL_AFTER_LOSS_OF_NATIONALITY 40: a few hundred persons a year lose Japanese nationality
 *   and stay on; those inside their 60 days at any time are a few dozen.
 */
export const OTHER_CLASSES_PER_TOTAL: Readonly<Record<Exclude<ResidentClass, 'MID_TO_LONG_TERM' | 'SPECIAL_PERMANENT'>, number>> = {
  TEMPORARY_REFUGE: 5,
  PROVISIONAL_STAY: 70,
  TRANSITIONAL_AFTER_BIRTH: 1_600,
  TRANSITIONAL_AFTER_LOSS_OF_NATIONALITY: 40,
};

/**
 * MTL residents by status of residence; sums to 3,494,954.
 * The six largest are published (data file). Splits chosen here:
 * - TECHNICAL_INTERN_TRAINING 456,595 = (i) 105,000 + (ii) 320,000 + (iii) 31,595: ISA's end-2023 shares of
 *   1号 / 2号 / 3号 (about 23% / 70% / 7%).
 * - SPECIFIED_SKILLED_WORKER 284,466 = (i) 283,634 + (ii) 832 (ISA's end-2024 figure for (ii)).
 * - The other 709,339 follow ISA's end-2023 tables grown to end-2024 (spouses, long-term residents,
 *   designated activities, business managers, ...); HSP (i)(a)/(b)/(c)/(ii) split about 8/78/5/9.
 * Diplomat, official and temporary visitor are not mid-to-long-term statuses; employment for skill
 * development starts in 2027: all four are 0.
 */
export const MTL_STATUS_COUNTS: Readonly<Record<StatusOfResidence, number>> = {
  PERMANENT_RESIDENT: 918_116,
  TECHNICAL_INTERN_TRAINING_1: 105_000,
  TECHNICAL_INTERN_TRAINING_2: 320_000,
  TECHNICAL_INTERN_TRAINING_3: 31_595,
  ENGINEER_HUMANITIES_INTERNATIONAL_SERVICES: 418_706,
  STUDENT: 402_134,
  DEPENDENT: 305_598,
  SPECIFIED_SKILLED_WORKER_1: 283_634,
  SPECIFIED_SKILLED_WORKER_2: 832,
  LONG_TERM_RESIDENT: 236_000,
  SPOUSE_OR_CHILD_OF_JAPANESE_NATIONAL: 153_000,
  DESIGNATED_ACTIVITIES: 92_000,
  SPOUSE_OR_CHILD_OF_PERMANENT_RESIDENT: 53_400,
  BUSINESS_MANAGER: 44_000,
  SKILLED_LABOR: 38_500,
  HIGHLY_SKILLED_PROFESSIONAL_1_A: 2_200,
  HIGHLY_SKILLED_PROFESSIONAL_1_B: 21_100,
  HIGHLY_SKILLED_PROFESSIONAL_1_C: 1_300,
  HIGHLY_SKILLED_PROFESSIONAL_2: 2_500,
  INTRA_COMPANY_TRANSFEREE: 19_709,
  NURSING_CARE: 13_000,
  INSTRUCTOR: 11_000,
  PROFESSOR: 7_000,
  MEDICAL_SERVICES: 3_200,
  RELIGIOUS_ACTIVITIES: 3_200,
  CULTURAL_ACTIVITIES: 2_800,
  ENTERTAINER: 2_200,
  RESEARCHER: 1_300,
  TRAINEE: 1_200,
  ARTIST: 450,
  JOURNALIST: 200,
  LEGAL_ACCOUNTING_SERVICES: 80,
  EMPLOYMENT_FOR_SKILL_DEVELOPMENT: 0,
  DIPLOMAT: 0,
  OFFICIAL: 0,
  TEMPORARY_VISITOR: 0,
};

/**
 * All foreign residents (MTL + SPR) by nationality; sums to 3,768,977. The top ten are published (data file).
 * The other 594,968 are split by ISA's end-2023 tables, with the ~150 nationalities outside the code list
 * folded into the listed ones; every one stays below the tenth (USA, 66,111).
 */
export const NATIONALITY_COUNTS: Readonly<Partial<Record<NationalityCode, number>>> = {
  CHN: 873_286, VNM: 634_361, KOR: 409_238, PHL: 341_518, NPL: 233_043,
  BRA: 211_907, IDN: 199_824, MMR: 134_574, TWN: 70_147, USA: 66_111,
  THA: 65_000, LKA: 64_000, IND: 60_000, PER: 55_500, BGD: 40_000, KHM: 31_000, PAK: 31_000, MNG: 26_000,
  PRK: 23_800, GBR: 20_000, UZB: 18_000, FRA: 15_000, MYS: 14_000, CAN: 12_500, AUS: 12_500, TUR: 10_500,
  RUS: 10_000, DEU: 9_500, NGA: 8_000, BOL: 7_000, ITA: 6_000, MEX: 6_000, IRN: 5_500, SGP: 5_500,
  ESP: 5_000, ARG: 4_500, COL: 4_500, EGY: 4_500, GHA: 4_500, HKG: 4_500, UKR: 4_000, KEN: 3_568,
  UGA: 3_000, XXA: 600,
};

/**
 * Special permanent residents by nationality; sums to 274,023. Chosen: almost all are Korean (韓国) or
 * 朝鮮 (PRK, a region in the code list); a few hundred are Chinese or Taiwanese (former colonial subjects'
 * descendants), a handful American or stateless.
 */
export const SPR_NATIONALITY_COUNTS: Readonly<Partial<Record<NationalityCode, number>>> = {
  KOR: 250_100,
  PRK: 23_000,
  CHN: 600,
  TWN: 200,
  USA: 60,
  XXA: 63,
};

/**
 * Nationality affinities per status (percent of the status, roughly, from ISA's status × nationality
 * tables); any pair not named gets BASE_AFFINITY. They are a prior only: generate.ts fits them (iterative
 * proportional fitting) so that the MTL statuses and nationalities both sum to the counts above.
 */
export const BASE_AFFINITY = 0.2;
const TRAINING = { VNM: 45, IDN: 20, PHL: 9, MMR: 9, CHN: 7, KHM: 3, THA: 3, MNG: 1.5, UZB: 0.5, LKA: 0.5, NPL: 0.5 };
const SKILLED_WORKER = { VNM: 45, IDN: 20, PHL: 9, MMR: 9, CHN: 5, NPL: 4, THA: 2, KHM: 2, LKA: 1.5, MNG: 1, UZB: 0.5 };
const SCHOLAR = { CHN: 35, KOR: 12, USA: 10, IND: 4, TWN: 3, VNM: 3, GBR: 2, FRA: 2, DEU: 2, BGD: 2 };
const HSP = { CHN: 65, IND: 6, KOR: 5, USA: 4, VNM: 3, TWN: 3, TUR: 1, FRA: 1, RUS: 1 };
export const NATIONALITY_AFFINITY: Readonly<Partial<Record<StatusOfResidence, Partial<Record<NationalityCode, number>>>>> = {
  TECHNICAL_INTERN_TRAINING_1: TRAINING,
  TECHNICAL_INTERN_TRAINING_2: TRAINING,
  TECHNICAL_INTERN_TRAINING_3: TRAINING,
  TRAINEE: TRAINING,
  SPECIFIED_SKILLED_WORKER_1: SKILLED_WORKER,
  SPECIFIED_SKILLED_WORKER_2: SKILLED_WORKER,
  STUDENT: { CHN: 35, NPL: 17, VNM: 11, MMR: 7, KOR: 4, LKA: 4, BGD: 3, UZB: 3, TWN: 3, IDN: 2.5, MNG: 2, THA: 1.5, USA: 1, IND: 1, MYS: 1 },
  ENGINEER_HUMANITIES_INTERNATIONAL_SERVICES: {
    CHN: 25, VNM: 23, NPL: 11, KOR: 8, MMR: 4, PHL: 3, IND: 3, TWN: 3, LKA: 3, USA: 2.5, BGD: 2, IDN: 2, THA: 1.5, GBR: 1, FRA: 1, UZB: 1,
  },
  PERMANENT_RESIDENT: { CHN: 36, PHL: 15, BRA: 12, KOR: 7, VNM: 5, PER: 4, TWN: 3, THA: 2, USA: 2, NPL: 2, LKA: 1, BGD: 1, IDN: 0.8, PAK: 0.8 },
  DEPENDENT: { CHN: 28, NPL: 24, VNM: 16, KOR: 5, IND: 4, LKA: 4, MMR: 3, BGD: 3, PAK: 2, PHL: 2, IDN: 1.5, USA: 1.5, TWN: 1, UZB: 1, MNG: 1 },
  SPOUSE_OR_CHILD_OF_JAPANESE_NATIONAL: { CHN: 24, PHL: 20, KOR: 9, VNM: 6, USA: 6, BRA: 5, THA: 5, TWN: 3, GBR: 1.5, PER: 1 },
  SPOUSE_OR_CHILD_OF_PERMANENT_RESIDENT: { CHN: 30, PHL: 15, BRA: 10, VNM: 8, NPL: 6, KOR: 5, PER: 4, THA: 2 },
  LONG_TERM_RESIDENT: { BRA: 40, PHL: 28, CHN: 9, PER: 6, VNM: 5, BOL: 2, NPL: 1, THA: 1, KOR: 1 },
  DESIGNATED_ACTIVITIES: { VNM: 20, PHL: 10, IDN: 10, CHN: 10, MMR: 8, NPL: 6, LKA: 6, TUR: 4, UKR: 3, KHM: 3 },
  BUSINESS_MANAGER: { CHN: 55, KOR: 8, VNM: 5, NPL: 5, PAK: 4, LKA: 3, BGD: 3, TWN: 3, IND: 2, USA: 1.5 },
  INTRA_COMPANY_TRANSFEREE: { CHN: 25, IND: 10, VNM: 8, USA: 8, KOR: 7, PHL: 6, THA: 5, TWN: 5 },
  SKILLED_LABOR: { CHN: 30, NPL: 25, IND: 10, THA: 5, VNM: 5, PAK: 4, LKA: 3, KOR: 3, PHL: 3 },
  NURSING_CARE: { VNM: 35, IDN: 15, PHL: 15, NPL: 10, CHN: 10, MMR: 8 },
  HIGHLY_SKILLED_PROFESSIONAL_1_A: HSP,
  HIGHLY_SKILLED_PROFESSIONAL_1_B: HSP,
  HIGHLY_SKILLED_PROFESSIONAL_1_C: HSP,
  HIGHLY_SKILLED_PROFESSIONAL_2: HSP,
  PROFESSOR: SCHOLAR,
  RESEARCHER: SCHOLAR,
  INSTRUCTOR: { USA: 35, GBR: 12, CAN: 10, AUS: 8, PHL: 10, CHN: 3, KOR: 3, FRA: 2 },
  RELIGIOUS_ACTIVITIES: { USA: 40, KOR: 20, BRA: 5, PHL: 5, GBR: 3 },
  ENTERTAINER: { PHL: 20, USA: 15, KOR: 15, CHN: 8, GBR: 4, RUS: 4 },
  MEDICAL_SERVICES: { CHN: 60, KOR: 10, VNM: 10, TWN: 5 },
  CULTURAL_ACTIVITIES: { CHN: 20, USA: 10, KOR: 8, FRA: 6, VNM: 5 },
};

/**
 * Share of men among men and women per status (chosen from ISA's status × sex tables); generate.ts
 * calibrates them with one odds factor so that the whole population has the published 1,913,516 men.
 */
export const MALE_SHARE: Readonly<Partial<Record<StatusOfResidence, number>>> = {
  PERMANENT_RESIDENT: 0.4,
  TECHNICAL_INTERN_TRAINING_1: 0.6,
  TECHNICAL_INTERN_TRAINING_2: 0.6,
  TECHNICAL_INTERN_TRAINING_3: 0.58,
  ENGINEER_HUMANITIES_INTERNATIONAL_SERVICES: 0.65,
  STUDENT: 0.55,
  DEPENDENT: 0.25,
  SPECIFIED_SKILLED_WORKER_1: 0.62,
  SPECIFIED_SKILLED_WORKER_2: 0.8,
  LONG_TERM_RESIDENT: 0.5,
  SPOUSE_OR_CHILD_OF_JAPANESE_NATIONAL: 0.3,
  SPOUSE_OR_CHILD_OF_PERMANENT_RESIDENT: 0.45,
  DESIGNATED_ACTIVITIES: 0.55,
  BUSINESS_MANAGER: 0.8,
  SKILLED_LABOR: 0.9,
  NURSING_CARE: 0.35,
};
/** Male share for statuses not listed and for special permanent residents. */
export const DEFAULT_MALE_SHARE = 0.6;
export const SPR_MALE_SHARE = 0.48;

/** An age band: [youngest, oldest] completed years at `asOf`, and its weight. */
export type AgeBand = readonly [number, number, number];

/** Age distributions (chosen): plausible shapes per status, children only where a status admits them. */
export const AGE_BANDS: Readonly<Partial<Record<StatusOfResidence, readonly AgeBand[]>>> = {
  STUDENT: [[18, 21, 35], [22, 25, 45], [26, 30, 20]],
  TECHNICAL_INTERN_TRAINING_1: [[18, 24, 55], [25, 32, 35], [33, 40, 10]],
  TECHNICAL_INTERN_TRAINING_2: [[19, 24, 45], [25, 32, 42], [33, 40, 13]],
  TECHNICAL_INTERN_TRAINING_3: [[21, 26, 45], [27, 34, 45], [35, 40, 10]],
  SPECIFIED_SKILLED_WORKER_1: [[19, 25, 35], [26, 33, 45], [34, 45, 20]],
  SPECIFIED_SKILLED_WORKER_2: [[24, 30, 30], [31, 40, 50], [41, 50, 20]],
  ENGINEER_HUMANITIES_INTERNATIONAL_SERVICES: [[22, 29, 45], [30, 39, 40], [40, 60, 15]],
  PERMANENT_RESIDENT: [[1, 15, 6], [16, 29, 8], [30, 44, 36], [45, 64, 38], [65, 90, 12]],
  DEPENDENT: [[0, 5, 16], [6, 15, 18], [16, 19, 4], [20, 34, 40], [35, 55, 22]],
  SPOUSE_OR_CHILD_OF_JAPANESE_NATIONAL: [[0, 15, 8], [16, 29, 12], [30, 49, 50], [50, 75, 30]],
  SPOUSE_OR_CHILD_OF_PERMANENT_RESIDENT: [[0, 5, 22], [6, 15, 30], [16, 29, 23], [30, 60, 25]],
  LONG_TERM_RESIDENT: [[0, 15, 15], [16, 29, 20], [30, 49, 40], [50, 75, 25]],
  DESIGNATED_ACTIVITIES: [[0, 15, 5], [18, 29, 55], [30, 49, 32], [50, 70, 8]],
  BUSINESS_MANAGER: [[28, 39, 35], [40, 54, 45], [55, 75, 20]],
  HIGHLY_SKILLED_PROFESSIONAL_1_A: [[28, 39, 55], [40, 60, 45]],
  HIGHLY_SKILLED_PROFESSIONAL_1_B: [[25, 34, 50], [35, 49, 42], [50, 60, 8]],
  HIGHLY_SKILLED_PROFESSIONAL_1_C: [[30, 44, 50], [45, 65, 50]],
  HIGHLY_SKILLED_PROFESSIONAL_2: [[30, 44, 55], [45, 65, 45]],
  PROFESSOR: [[30, 44, 40], [45, 70, 60]],
  NURSING_CARE: [[21, 29, 55], [30, 45, 45]],
};
/** Ages for statuses not listed. */
export const DEFAULT_AGE_BANDS: readonly AgeBand[] = [[20, 29, 30], [30, 44, 45], [45, 65, 25]];
/** Special permanent residents: all ages, an older population (most are third and fourth generation). */
export const SPR_AGE_BANDS: readonly AgeBand[] = [[0, 15, 6], [16, 29, 10], [30, 49, 22], [50, 69, 32], [70, 100, 30]];

/** Share of each status holding a comprehensive permission for activity outside status (16 and over; chosen). */
export const COMPREHENSIVE_ACTIVITY_OUTSIDE_STATUS: Readonly<Partial<Record<StatusOfResidence, number>>> = {
  STUDENT: 0.75,
  DEPENDENT: 0.35,
  DESIGNATED_ACTIVITIES: 0.15,
  CULTURAL_ACTIVITIES: 0.2,
};
/** Share of other working statuses with an individual permission (e.g. a lecture outside the employer). */
export const INDIVIDUAL_ACTIVITY_OUTSIDE_STATUS = 0.01;

/** Issuance of specific cards started on this day. */
export const SPECIFIC_CARD_START = '2026-06-14';
/**
 * Share of My Number card holders who hold a specific card instead (chosen): 3% on 2026-11-28, five and a half
 * months after issuance started, growing linearly from 0 on 2026-06-14 (capped at 30%); only cards issued
 * (at a landing, renewal, change or reissue) since 2026-06-14 can be specific.
 */
export const SPECIFIC_CARD_SHARE = { at: '2026-11-28', share: 0.03, cap: 0.3 } as const;
/** Residence cards began on 2012-07-09; foreign residents entered the resident registry the same day. */
export const RESIDENCE_CARD_START = '2012-07-09';
/** My Numbers were first assigned (notified) on 2015-10-05, to everyone then in the resident registry. */
export const MY_NUMBER_START = '2015-10-05';
/** My Number cards were first issued on 2016-01-01. */
export const MY_NUMBER_CARD_START = '2016-01-01';
