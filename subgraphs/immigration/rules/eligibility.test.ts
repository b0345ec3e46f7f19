import type { Eligibility, EligibilityReason, ResidenceCardKind, ResidentClass } from '../../../schema/codes';
import { holdsResidenceCard, specificCardEligibility, specificCardKindFor } from './eligibility';

describe('specificCardEligibility', () => {
  test.each<[ResidentClass, boolean, Eligibility, EligibilityReason]>([
    ['MID_TO_LONG_TERM', true, 'ELIGIBLE', 'MID_TO_LONG_TERM_RESIDENT'],
    ['MID_TO_LONG_TERM', false, 'UNDETERMINED', 'NO_RESIDENT_RECORD_LAW_SILENT'],
    ['SPECIAL_PERMANENT', true, 'ELIGIBLE', 'SPECIAL_PERMANENT_RESIDENT'],
    ['SPECIAL_PERMANENT', false, 'NOT_ELIGIBLE', 'NO_RESIDENT_RECORD'],
    ['TEMPORARY_REFUGE', true, 'NOT_ELIGIBLE', 'TEMPORARY_REFUGE_PERMIT'],
    ['TEMPORARY_REFUGE', false, 'NOT_ELIGIBLE', 'TEMPORARY_REFUGE_PERMIT'],
    ['PROVISIONAL_STAY', true, 'NOT_ELIGIBLE', 'PROVISIONAL_STAY_PERMIT'],
    ['PROVISIONAL_STAY', false, 'NOT_ELIGIBLE', 'PROVISIONAL_STAY_PERMIT'],
    ['TRANSITIONAL_AFTER_BIRTH', true, 'NOT_ELIGIBLE', 'TRANSITIONAL_STAY'],
    ['TRANSITIONAL_AFTER_BIRTH', false, 'NOT_ELIGIBLE', 'TRANSITIONAL_STAY'],
    ['TRANSITIONAL_AFTER_LOSS_OF_NATIONALITY', true, 'NOT_ELIGIBLE', 'TRANSITIONAL_STAY'],
    ['TRANSITIONAL_AFTER_LOSS_OF_NATIONALITY', false, 'NOT_ELIGIBLE', 'TRANSITIONAL_STAY'],
  ])('%s, resident record %s → %s / %s', (residentClass, hasResidentRecord, eligibility, reason) => {
    expect(specificCardEligibility({ residentClass, hasResidentRecord })).toEqual({ eligibility, reason });
  });
});

describe('specificCardKindFor and holdsResidenceCard', () => {
  test.each<[ResidentClass, ResidenceCardKind | null, boolean]>([
    ['MID_TO_LONG_TERM', 'SPECIFIC_RESIDENCE_CARD', true],
    ['SPECIAL_PERMANENT', 'SPECIFIC_SPECIAL_PERMANENT_RESIDENT_CERTIFICATE', true],
    ['TEMPORARY_REFUGE', null, false],
    ['PROVISIONAL_STAY', null, false],
    ['TRANSITIONAL_AFTER_BIRTH', null, false],
    ['TRANSITIONAL_AFTER_LOSS_OF_NATIONALITY', null, false],
  ])('%s → %s, holds a card: %s', (residentClass, kind, holds) => {
    expect(specificCardKindFor(residentClass)).toBe(kind);
    expect(holdsResidenceCard(residentClass)).toBe(holds);
  });
});
