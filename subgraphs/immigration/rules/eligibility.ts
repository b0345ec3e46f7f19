/**
 * Who may apply for a specific residence card (or a specific special permanent resident certificate), and who
 * holds any residence card at all, by resident class (資料1; 住民基本台帳法 30条の45).
 */
import type { Eligibility, EligibilityReason, ResidenceCardKind, ResidentClass } from '../../../schema/codes';

/** An eligibility answer with the reason it is given. */
export interface EligibilityOutcome {
  eligibility: Eligibility;
  reason: EligibilityReason;
}

/** What the law says about one resident class. */
export interface ResidentClassRule {
  /** The answer for a resident recorded in the resident registry. */
  withResidentRecord: EligibilityOutcome;
  /** The answer without a resident record. For mid-to-long-term residents the law is silent: never guess. */
  withoutResidentRecord: EligibilityOutcome;
  /** The specific card this class is issued, when eligible. */
  specificCardKind: ResidenceCardKind | null;
  /** Whether this class holds a residence card or special permanent resident certificate at all. */
  holdsResidenceCard: boolean;
}

/** The table by resident class. */
export const RESIDENT_CLASS_RULES: Readonly<Record<ResidentClass, ResidentClassRule>> = {
  MID_TO_LONG_TERM: {
    withResidentRecord: { eligibility: 'ELIGIBLE', reason: 'MID_TO_LONG_TERM_RESIDENT' },
    withoutResidentRecord: { eligibility: 'UNDETERMINED', reason: 'NO_RESIDENT_RECORD_LAW_SILENT' },
    specificCardKind: 'SPECIFIC_RESIDENCE_CARD',
    holdsResidenceCard: true,
  },
  SPECIAL_PERMANENT: {
    withResidentRecord: { eligibility: 'ELIGIBLE', reason: 'SPECIAL_PERMANENT_RESIDENT' },
    withoutResidentRecord: { eligibility: 'NOT_ELIGIBLE', reason: 'NO_RESIDENT_RECORD' },
    specificCardKind: 'SPECIFIC_SPECIAL_PERMANENT_RESIDENT_CERTIFICATE',
    holdsResidenceCard: true,
  },
  TEMPORARY_REFUGE: {
    withResidentRecord: { eligibility: 'NOT_ELIGIBLE', reason: 'TEMPORARY_REFUGE_PERMIT' },
    withoutResidentRecord: { eligibility: 'NOT_ELIGIBLE', reason: 'TEMPORARY_REFUGE_PERMIT' },
    specificCardKind: null,
    holdsResidenceCard: false,
  },
  PROVISIONAL_STAY: {
    withResidentRecord: { eligibility: 'NOT_ELIGIBLE', reason: 'PROVISIONAL_STAY_PERMIT' },
    withoutResidentRecord: { eligibility: 'NOT_ELIGIBLE', reason: 'PROVISIONAL_STAY_PERMIT' },
    specificCardKind: null,
    holdsResidenceCard: false,
  },
  TRANSITIONAL_AFTER_BIRTH: {
    withResidentRecord: { eligibility: 'NOT_ELIGIBLE', reason: 'TRANSITIONAL_STAY' },
    withoutResidentRecord: { eligibility: 'NOT_ELIGIBLE', reason: 'TRANSITIONAL_STAY' },
    specificCardKind: null,
    holdsResidenceCard: false,
  },
  TRANSITIONAL_AFTER_LOSS_OF_NATIONALITY: {
    withResidentRecord: { eligibility: 'NOT_ELIGIBLE', reason: 'TRANSITIONAL_STAY' },
    withoutResidentRecord: { eligibility: 'NOT_ELIGIBLE', reason: 'TRANSITIONAL_STAY' },
    specificCardKind: null,
    holdsResidenceCard: false,
  },
};

/** May this person apply for a specific card, and why. */
export function specificCardEligibility(input: { residentClass: ResidentClass; hasResidentRecord: boolean }): EligibilityOutcome {
  const rule = RESIDENT_CLASS_RULES[input.residentClass];
  return input.hasResidentRecord ? rule.withResidentRecord : rule.withoutResidentRecord;
}

/** The kind of specific card a resident class is issued; null for classes that cannot have one. */
export function specificCardKindFor(residentClass: ResidentClass): ResidenceCardKind | null {
  return RESIDENT_CLASS_RULES[residentClass].specificCardKind;
}

/** Whether a resident class holds a residence card or special permanent resident certificate at all. */
export function holdsResidenceCard(residentClass: ResidentClass): boolean {
  return RESIDENT_CLASS_RULES[residentClass].holdsResidenceCard;
}
