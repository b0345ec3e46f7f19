/**
 * Every code list of the contract: stable English identifiers, never human text.
 * Labels live in schema/i18n, one file per language; CODE_TYPES names every labelled list.
 */

/** Statuses of residence (在留資格), 入管法 別表第一 and 別表第二, plus 育成就労 (2024 amendment). */
export const STATUSES_OF_RESIDENCE = [
  'DIPLOMAT',
  'OFFICIAL',
  'PROFESSOR',
  'ARTIST',
  'RELIGIOUS_ACTIVITIES',
  'JOURNALIST',
  'HIGHLY_SKILLED_PROFESSIONAL_1_A',
  'HIGHLY_SKILLED_PROFESSIONAL_1_B',
  'HIGHLY_SKILLED_PROFESSIONAL_1_C',
  'HIGHLY_SKILLED_PROFESSIONAL_2',
  'BUSINESS_MANAGER',
  'LEGAL_ACCOUNTING_SERVICES',
  'MEDICAL_SERVICES',
  'RESEARCHER',
  'INSTRUCTOR',
  'ENGINEER_HUMANITIES_INTERNATIONAL_SERVICES',
  'INTRA_COMPANY_TRANSFEREE',
  'NURSING_CARE',
  'ENTERTAINER',
  'SKILLED_LABOR',
  'SPECIFIED_SKILLED_WORKER_1',
  'SPECIFIED_SKILLED_WORKER_2',
  'TECHNICAL_INTERN_TRAINING_1',
  'TECHNICAL_INTERN_TRAINING_2',
  'TECHNICAL_INTERN_TRAINING_3',
  'EMPLOYMENT_FOR_SKILL_DEVELOPMENT',
  'CULTURAL_ACTIVITIES',
  'TEMPORARY_VISITOR',
  'STUDENT',
  'TRAINEE',
  'DEPENDENT',
  'DESIGNATED_ACTIVITIES',
  'PERMANENT_RESIDENT',
  'SPOUSE_OR_CHILD_OF_JAPANESE_NATIONAL',
  'SPOUSE_OR_CHILD_OF_PERMANENT_RESIDENT',
  'LONG_TERM_RESIDENT',
] as const;
export type StatusOfResidence = (typeof STATUSES_OF_RESIDENCE)[number];

/** Groups under which ISA's published statistics count several statuses as one. */
export const STATUS_GROUPS = [
  'HIGHLY_SKILLED_PROFESSIONAL',
  'TECHNICAL_INTERN_TRAINING',
  'SPECIFIED_SKILLED_WORKER',
] as const;
export type StatusGroup = (typeof STATUS_GROUPS)[number];

/**
 * The statistics group of each status. Only statuses that the statistics merge belong to a group;
 * every other status is counted on its own and maps to null (not to itself), so a group is never
 * mistaken for a status.
 */
export const STATUS_GROUP_OF: Readonly<Record<StatusOfResidence, StatusGroup | null>> = {
  DIPLOMAT: null,
  OFFICIAL: null,
  PROFESSOR: null,
  ARTIST: null,
  RELIGIOUS_ACTIVITIES: null,
  JOURNALIST: null,
  HIGHLY_SKILLED_PROFESSIONAL_1_A: 'HIGHLY_SKILLED_PROFESSIONAL',
  HIGHLY_SKILLED_PROFESSIONAL_1_B: 'HIGHLY_SKILLED_PROFESSIONAL',
  HIGHLY_SKILLED_PROFESSIONAL_1_C: 'HIGHLY_SKILLED_PROFESSIONAL',
  HIGHLY_SKILLED_PROFESSIONAL_2: 'HIGHLY_SKILLED_PROFESSIONAL',
  BUSINESS_MANAGER: null,
  LEGAL_ACCOUNTING_SERVICES: null,
  MEDICAL_SERVICES: null,
  RESEARCHER: null,
  INSTRUCTOR: null,
  ENGINEER_HUMANITIES_INTERNATIONAL_SERVICES: null,
  INTRA_COMPANY_TRANSFEREE: null,
  NURSING_CARE: null,
  ENTERTAINER: null,
  SKILLED_LABOR: null,
  SPECIFIED_SKILLED_WORKER_1: 'SPECIFIED_SKILLED_WORKER',
  SPECIFIED_SKILLED_WORKER_2: 'SPECIFIED_SKILLED_WORKER',
  TECHNICAL_INTERN_TRAINING_1: 'TECHNICAL_INTERN_TRAINING',
  TECHNICAL_INTERN_TRAINING_2: 'TECHNICAL_INTERN_TRAINING',
  TECHNICAL_INTERN_TRAINING_3: 'TECHNICAL_INTERN_TRAINING',
  EMPLOYMENT_FOR_SKILL_DEVELOPMENT: null,
  CULTURAL_ACTIVITIES: null,
  TEMPORARY_VISITOR: null,
  STUDENT: null,
  TRAINEE: null,
  DEPENDENT: null,
  DESIGNATED_ACTIVITIES: null,
  PERMANENT_RESIDENT: null,
  SPOUSE_OR_CHILD_OF_JAPANESE_NATIONAL: null,
  SPOUSE_OR_CHILD_OF_PERMANENT_RESIDENT: null,
  LONG_TERM_RESIDENT: null,
};

/** Immigration's legal class of a foreign resident (who the resident registry records, and why). */
export const RESIDENT_CLASSES = [
  'MID_TO_LONG_TERM',
  'SPECIAL_PERMANENT',
  'TEMPORARY_REFUGE',
  'PROVISIONAL_STAY',
  'TRANSITIONAL_AFTER_BIRTH',
  'TRANSITIONAL_AFTER_LOSS_OF_NATIONALITY',
] as const;
export type ResidentClass = (typeof RESIDENT_CLASSES)[number];

/** The resident registry's six categories of foreign residents (住民基本台帳法 30条の45). */
export const RESIDENT_CATEGORIES = [
  'MID_TO_LONG_TERM',
  'SPECIAL_PERMANENT',
  'TEMPORARY_REFUGE',
  'PROVISIONAL_STAY',
  'TRANSITIONAL_AFTER_BIRTH',
  'TRANSITIONAL_AFTER_LOSS_OF_NATIONALITY',
] as const;
export type ResidentCategory = (typeof RESIDENT_CATEGORIES)[number];

/** Every kind of residence card and special permanent resident certificate ISA issues. */
export const RESIDENCE_CARD_KINDS = [
  'RESIDENCE_CARD_OLD_FORMAT',
  'RESIDENCE_CARD_NEW_FORMAT',
  'SPECIFIC_RESIDENCE_CARD',
  'SPECIAL_PERMANENT_RESIDENT_CERTIFICATE',
  'SPECIFIC_SPECIAL_PERMANENT_RESIDENT_CERTIFICATE',
] as const;
export type ResidenceCardKind = (typeof RESIDENCE_CARD_KINDS)[number];

/** Status of a residence card; a card reported lost stays VALID until reissue. */
export const RESIDENCE_CARD_STATUSES = ['VALID', 'SUPERSEDED', 'EXPIRED', 'RETURNED', 'REVOKED'] as const;
export type ResidenceCardStatus = (typeof RESIDENCE_CARD_STATUSES)[number];

/** What carries the My Number card function: a standalone card or the My Number part of a specific card. */
export const MY_NUMBER_CARD_KINDS = [
  'MY_NUMBER_CARD',
  'SPECIFIC_RESIDENCE_CARD',
  'SPECIFIC_SPECIAL_PERMANENT_RESIDENT_CERTIFICATE',
] as const;
export type MyNumberCardKind = (typeof MY_NUMBER_CARD_KINDS)[number];

/** Status of a My Number card (or of the My Number part of a specific card). */
export const MY_NUMBER_CARD_STATUSES = ['ACTIVE', 'SUSPENDED', 'REVOKED', 'EXPIRED'] as const;
export type MyNumberCardStatus = (typeof MY_NUMBER_CARD_STATUSES)[number];

/** The functions of a My Number card: the card function and the two JPKI certificates. */
export const CARD_FUNCTIONS = ['CARD_FUNCTION', 'SIGNATURE_CERTIFICATE', 'USER_AUTHENTICATION_CERTIFICATE'] as const;
export type CardFunction = (typeof CARD_FUNCTIONS)[number];

/** Status of one card function. */
export const CARD_FUNCTION_STATUSES = ['ACTIVE', 'SUSPENDED', 'REVOKED', 'EXPIRED', 'NOT_ISSUED'] as const;
export type CardFunctionStatus = (typeof CARD_FUNCTION_STATUSES)[number];

/** The resident's choice: (a) specific card, (b) two cards, (c) residence card only; or no card in force. */
export const CARD_ARRANGEMENTS = ['SPECIFIC_CARD', 'SEPARATE_CARDS', 'RESIDENCE_CARD_ONLY', 'NONE'] as const;
export type CardArrangement = (typeof CARD_ARRANGEMENTS)[number];

/** May a person apply for a specific card? UNDETERMINED where the law is silent. */
export const ELIGIBILITIES = ['ELIGIBLE', 'NOT_ELIGIBLE', 'UNDETERMINED'] as const;
export type Eligibility = (typeof ELIGIBILITIES)[number];

/** Why an eligibility answer is what it is. */
export const ELIGIBILITY_REASONS = [
  'MID_TO_LONG_TERM_RESIDENT',
  'SPECIAL_PERMANENT_RESIDENT',
  'TEMPORARY_REFUGE_PERMIT',
  'PROVISIONAL_STAY_PERMIT',
  'TRANSITIONAL_STAY',
  'NO_RESIDENT_RECORD',
  'NO_RESIDENT_RECORD_LAW_SILENT',
] as const;
export type EligibilityReason = (typeof ELIGIBILITY_REASONS)[number];

/** 就労制限の有無, as printed on the residence card. */
export const WORK_RESTRICTIONS = [
  'NO_RESTRICTION',
  'STATUS_ACTIVITIES_ONLY',
  'DESIGNATED_ORGANIZATION_ONLY',
  'DESIGNATED_ACTIVITIES_ONLY',
  'NOT_PERMITTED',
] as const;
export type WorkRestriction = (typeof WORK_RESTRICTIONS)[number];

/** 資格外活動許可: comprehensive (原則週28時間以内) or individual (as written on the permit). */
export const ACTIVITY_OUTSIDE_STATUS_PERMISSIONS = ['COMPREHENSIVE', 'INDIVIDUAL'] as const;
export type ActivityOutsideStatusPermission = (typeof ACTIVITY_OUTSIDE_STATUS_PERMISSIONS)[number];

/** 許可の種類, printed (or, on a specific card, recorded) with the permission date. */
export const PERMISSION_KINDS = [
  'LANDING_PERMISSION',
  'CHANGE_OF_STATUS',
  'EXTENSION_OF_PERIOD_OF_STAY',
  'ACQUISITION_OF_STATUS',
  'PERMANENT_RESIDENCE',
  'SPECIAL_PERMISSION_TO_STAY',
  'SPECIAL_PERMANENT_RESIDENCE',
] as const;
export type PermissionKind = (typeof PERMISSION_KINDS)[number];

/** Where an application for an extension of the period of stay or a change of status stands (its special period). */
export const STAY_APPLICATION_STATUSES = ['PENDING', 'GRANTED', 'REFUSED'] as const;
export type StayApplicationStatus = (typeof STAY_APPLICATION_STATUSES)[number];

/** Sex as recorded. */
export const SEXES = ['MALE', 'FEMALE', 'OTHER'] as const;
export type Sex = (typeof SEXES)[number];

/** Whether a nationality code names a country, a region (国籍・地域) or statelessness. */
export const NATIONALITY_KINDS = ['COUNTRY', 'REGION', 'STATELESS'] as const;
export type NationalityKind = (typeof NATIONALITY_KINDS)[number];

/**
 * Nationalities and regions (ISO 3166-1 alpha-3), the ones most common among Japan's foreign residents.
 * Regions stay distinct from countries: TWN (台湾) and HKG (香港) are regions; PRK is the region
 * 朝鮮 that ISA prints for residents (mostly special permanent residents) who are not recorded as
 * nationals of any state, not the DPRK as a state, so it is a REGION here. XXA (ICAO Doc 9303) is
 * stateless (無国籍).
 */
export const NATIONALITIES = [
  { code: 'CHN', kind: 'COUNTRY' },
  { code: 'VNM', kind: 'COUNTRY' },
  { code: 'KOR', kind: 'COUNTRY' },
  { code: 'PHL', kind: 'COUNTRY' },
  { code: 'NPL', kind: 'COUNTRY' },
  { code: 'BRA', kind: 'COUNTRY' },
  { code: 'IDN', kind: 'COUNTRY' },
  { code: 'MMR', kind: 'COUNTRY' },
  { code: 'TWN', kind: 'REGION' },
  { code: 'USA', kind: 'COUNTRY' },
  { code: 'THA', kind: 'COUNTRY' },
  { code: 'LKA', kind: 'COUNTRY' },
  { code: 'IND', kind: 'COUNTRY' },
  { code: 'PER', kind: 'COUNTRY' },
  { code: 'BGD', kind: 'COUNTRY' },
  { code: 'PRK', kind: 'REGION' },
  { code: 'GBR', kind: 'COUNTRY' },
  { code: 'PAK', kind: 'COUNTRY' },
  { code: 'KHM', kind: 'COUNTRY' },
  { code: 'FRA', kind: 'COUNTRY' },
  { code: 'MNG', kind: 'COUNTRY' },
  { code: 'UZB', kind: 'COUNTRY' },
  { code: 'MYS', kind: 'COUNTRY' },
  { code: 'CAN', kind: 'COUNTRY' },
  { code: 'AUS', kind: 'COUNTRY' },
  { code: 'DEU', kind: 'COUNTRY' },
  { code: 'RUS', kind: 'COUNTRY' },
  { code: 'ITA', kind: 'COUNTRY' },
  { code: 'ESP', kind: 'COUNTRY' },
  { code: 'MEX', kind: 'COUNTRY' },
  { code: 'BOL', kind: 'COUNTRY' },
  { code: 'ARG', kind: 'COUNTRY' },
  { code: 'COL', kind: 'COUNTRY' },
  { code: 'UKR', kind: 'COUNTRY' },
  { code: 'TUR', kind: 'COUNTRY' },
  { code: 'IRN', kind: 'COUNTRY' },
  { code: 'EGY', kind: 'COUNTRY' },
  { code: 'NGA', kind: 'COUNTRY' },
  { code: 'GHA', kind: 'COUNTRY' },
  { code: 'KEN', kind: 'COUNTRY' },
  { code: 'UGA', kind: 'COUNTRY' },
  { code: 'SGP', kind: 'COUNTRY' },
  { code: 'HKG', kind: 'REGION' },
  { code: 'XXA', kind: 'STATELESS' },
] as const satisfies ReadonlyArray<{ code: string; kind: NationalityKind }>;
export type Nationality = (typeof NATIONALITIES)[number];
export type NationalityCode = Nationality['code'];

/** The nationality codes alone, in NATIONALITIES order. */
export const NATIONALITY_CODES: readonly NationalityCode[] = NATIONALITIES.map((n) => n.code);

/** The rows of the 資料4 table: what a card can show. */
export const CARD_ITEMS = [
  'NAME',
  'BIRTH_DATE',
  'SEX',
  'NATIONALITY_REGION',
  'ADDRESS',
  'STATUS_OF_RESIDENCE',
  'PERIOD_OF_STAY',
  'PERMISSION_KIND_AND_DATE',
  'CARD_NUMBER',
  'CARD_ISSUE_DATE',
  'CARD_EXPIRY',
  'WORK_RESTRICTION',
  'ACTIVITY_OUTSIDE_STATUS',
  'PHOTO',
  'MY_NUMBER',
  'ELECTRONIC_CERTIFICATES',
] as const;
export type CardItem = (typeof CARD_ITEMS)[number];

/**
 * Where a card shows an item (資料4 legend): ○ printed (PRINTED when the table names no side),
 * △ recorded in the IC chip only, × neither printed nor recorded.
 */
export const ITEM_PRESENCES = [
  'PRINTED',
  'PRINTED_FRONT',
  'PRINTED_BACK',
  'PRINTED_FRONT_AND_BACK',
  'CHIP_ONLY',
  'ABSENT',
] as const;
export type ItemPresence = (typeof ITEM_PRESENCES)[number];

/** The qualifications 資料4 attaches to a cell (address layout, photo age, certificate location). */
export const ITEM_NOTES = [
  'ADDRESS_FRONT_CURRENT_BACK_HISTORY',
  'ADDRESS_FRONT_CURRENT_AND_FORMER',
  'PHOTO_16_AND_OVER',
  'PHOTO_1_AND_OVER',
  'IN_MY_NUMBER_PART',
] as const;
export type ItemNote = (typeof ITEM_NOTES)[number];

/**
 * Counter guidance (issue 18): what happens to the cards and who does what. LOSS_OR_THEFT and DAMAGE concern the
 * residence card or certificate (for (a) also the My Number card); RENEWAL is the extension of the period of stay;
 * CHANGE_OF_ADDRESS a move within one municipality (転居届); MOVE_TO_ANOTHER_MUNICIPALITY a move to another one (転出届,
 * then 転入届 at the new office);
 * CARD_EXPIRY the card's own validity (有効期間更新); MY_NUMBER_FUNCTION_EXPIRY the electronic certificates of the
 * My Number card or of the My Number part of a specific card; RETURN_OF_FUNCTION giving the My Number function back.
 */
export const COUNTER_EVENTS = [
  'LOSS_OR_THEFT',
  'RENEWAL',
  'CHANGE_OF_STATUS',
  'CHANGE_OF_ADDRESS',
  'MOVE_TO_ANOTHER_MUNICIPALITY',
  'CARD_EXPIRY',
  'MY_NUMBER_FUNCTION_EXPIRY',
  'DAMAGE',
  'RETURN_OF_FUNCTION',
] as const;
export type CounterEvent = (typeof COUNTER_EVENTS)[number];

/** The authority that owns a step of a procedure (and the row of the guidance table that says so). */
export const COUNTER_AUTHORITIES = ['IMMIGRATION', 'REGISTRY', 'MYNUMBER'] as const;
export type CounterAuthority = (typeof COUNTER_AUTHORITIES)[number];

/** Where a step is done: not always at the owning authority (an ISA certificate is applied for at the municipal office). */
export const COUNTER_KINDS = ['REGIONAL_IMMIGRATION_BUREAU', 'MUNICIPAL_OFFICE', 'POLICE', 'MY_NUMBER_FREE_DIAL'] as const;
export type CounterKind = (typeof COUNTER_KINDS)[number];

/** What the resident does at a step. */
export const COUNTER_ACTIONS = [
  'SUSPEND_MY_NUMBER_FUNCTION',
  'REPORT_LOSS_TO_POLICE',
  'APPLY_FOR_CARD_REISSUE',
  'APPLY_FOR_EXTENSION_OF_STAY',
  'APPLY_FOR_CHANGE_OF_STATUS',
  'APPLY_FOR_CARD_RENEWAL',
  'CHANGE_MY_NUMBER_CARD_VALIDITY',
  'NOTIFY_MOVE',
  'NOTIFY_MOVING_OUT',
  'NOTIFY_MOVING_OUT_WITH_MY_NUMBER_CARD',
  'NOTIFY_MOVING_IN',
  'CONTINUE_MY_NUMBER_CARD_USE',
  'UPDATE_MY_NUMBER_CARD_ADDRESS',
  'REISSUE_SIGNATURE_CERTIFICATE',
  'RENEW_ELECTRONIC_CERTIFICATES',
  'RETURN_MY_NUMBER_FUNCTION',
] as const;
export type CounterAction = (typeof COUNTER_ACTIONS)[number];

/** What to bring to a step. */
export const COUNTER_DOCUMENTS = [
  'APPLICATION_FORM',
  'PHOTO',
  'PASSPORT',
  'RESIDENCE_CARD',
  'SPECIAL_PERMANENT_RESIDENT_CERTIFICATE',
  'SPECIFIC_CARD',
  'MY_NUMBER_CARD',
  'POLICE_REPORT_NUMBER',
  'PIN_CODES',
  'MOVING_OUT_CERTIFICATE',
] as const;
export type CounterDocument = (typeof COUNTER_DOCUMENTS)[number];

/**
 * Whether the person has a period of stay, coarsely (part of the CounterGuidance key, so no personal data): WITH_PERIOD
 * a status with a period of stay, the card ending with it (入管法19条の5第1項3号); WITH_PERIOD_CARD_ENDS_FIRST a status
 * with a period of stay whose card ends before it, the day before the 16th birthday (4号); WITHOUT_PERIOD a permanent
 * resident, a Highly Skilled Professional (ii) (no period of stay, the card runs 7 years, or to the day before the
 * 16th birthday for a permanent resident under 16: 19条の5第1項1号・2号) or a special permanent resident (no status of residence).
 */
export const STAY_KINDS = ['WITH_PERIOD', 'WITH_PERIOD_CARD_ENDS_FIRST', 'WITHOUT_PERIOD'] as const;
export type StayKind = (typeof STAY_KINDS)[number];

/**
 * Why an event has no steps for a procedure: NO_PERIOD_OF_STAY nothing to extend (permanent resident, Highly Skilled
 * Professional (ii), special permanent resident); NO_STATUS_OF_RESIDENCE a special permanent resident has none to
 * change; CARD_ENDS_WITH_PERIOD_OF_STAY the card is renewed by the extension, not by a validity renewal (入管法19条の11
 * 第1項); NO_MY_NUMBER_FUNCTION no My Number card or function (residence card only); NO_CARD_IN_FORCE no card at all.
 */
export const NOT_APPLICABLE_REASONS = [
  'NO_PERIOD_OF_STAY',
  'NO_STATUS_OF_RESIDENCE',
  'CARD_ENDS_WITH_PERIOD_OF_STAY',
  'NO_MY_NUMBER_FUNCTION',
  'NO_CARD_IN_FORCE',
] as const;
export type NotApplicableReason = (typeof NOT_APPLICABLE_REASONS)[number];

/** Language tags of Accept-Language (ja-x-easy: やさしい日本語). */
export const LANGUAGES = ['ja', 'ja-x-easy', 'en', 'zh-Hans', 'zh-Hant', 'ko', 'vi', 'tl', 'ne', 'pt', 'id', 'my'] as const;
export type Language = (typeof LANGUAGES)[number];

/** Every labelled code list by type name; each language file must label every code of every list. */
export const CODE_TYPES = {
  StatusOfResidence: STATUSES_OF_RESIDENCE,
  StatusGroup: STATUS_GROUPS,
  ResidentClass: RESIDENT_CLASSES,
  ResidentCategory: RESIDENT_CATEGORIES,
  ResidenceCardKind: RESIDENCE_CARD_KINDS,
  ResidenceCardStatus: RESIDENCE_CARD_STATUSES,
  MyNumberCardKind: MY_NUMBER_CARD_KINDS,
  MyNumberCardStatus: MY_NUMBER_CARD_STATUSES,
  CardFunction: CARD_FUNCTIONS,
  CardFunctionStatus: CARD_FUNCTION_STATUSES,
  CardArrangement: CARD_ARRANGEMENTS,
  Eligibility: ELIGIBILITIES,
  EligibilityReason: ELIGIBILITY_REASONS,
  WorkRestriction: WORK_RESTRICTIONS,
  ActivityOutsideStatusPermission: ACTIVITY_OUTSIDE_STATUS_PERMISSIONS,
  PermissionKind: PERMISSION_KINDS,
  StayApplicationStatus: STAY_APPLICATION_STATUSES,
  Sex: SEXES,
  NationalityKind: NATIONALITY_KINDS,
  Nationality: NATIONALITY_CODES,
  CardItem: CARD_ITEMS,
  ItemPresence: ITEM_PRESENCES,
  ItemNote: ITEM_NOTES,
  CounterEvent: COUNTER_EVENTS,
  CounterAuthority: COUNTER_AUTHORITIES,
  CounterKind: COUNTER_KINDS,
  CounterAction: COUNTER_ACTIONS,
  CounterDocument: COUNTER_DOCUMENTS,
  StayKind: STAY_KINDS,
  NotApplicableReason: NOT_APPLICABLE_REASONS,
  Language: LANGUAGES,
} as const;
export type CodeType = keyof typeof CODE_TYPES;
