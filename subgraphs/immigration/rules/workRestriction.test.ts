import { STATUSES_OF_RESIDENCE, type StatusOfResidence, type WorkRestriction } from '../../../schema/codes';
import {
  isMidToLongTermPeriod,
  isMidToLongTermStatus,
  PERIODS_OF_STAY_BY_STATUS,
  WORK_RESTRICTION_BY_STATUS,
} from './workRestriction';

type Row = [StatusOfResidence, WorkRestriction, boolean, readonly string[] | null];

// status, work restriction, mid-to-long-term status, periods of stay
const STATUS_TABLE: Row[] = [
  ['DIPLOMAT', 'STATUS_ACTIVITIES_ONLY', false, null],
  ['OFFICIAL', 'STATUS_ACTIVITIES_ONLY', false, ['P5Y', 'P3Y', 'P1Y', 'P3M', 'P30D', 'P15D']],
  ['PROFESSOR', 'STATUS_ACTIVITIES_ONLY', true, ['P5Y', 'P3Y', 'P1Y', 'P3M']],
  ['ARTIST', 'STATUS_ACTIVITIES_ONLY', true, ['P5Y', 'P3Y', 'P1Y', 'P3M']],
  ['RELIGIOUS_ACTIVITIES', 'STATUS_ACTIVITIES_ONLY', true, ['P5Y', 'P3Y', 'P1Y', 'P3M']],
  ['JOURNALIST', 'STATUS_ACTIVITIES_ONLY', true, ['P5Y', 'P3Y', 'P1Y', 'P3M']],
  ['HIGHLY_SKILLED_PROFESSIONAL_1_A', 'DESIGNATED_ORGANIZATION_ONLY', true, ['P5Y']],
  ['HIGHLY_SKILLED_PROFESSIONAL_1_B', 'DESIGNATED_ORGANIZATION_ONLY', true, ['P5Y']],
  ['HIGHLY_SKILLED_PROFESSIONAL_1_C', 'DESIGNATED_ORGANIZATION_ONLY', true, ['P5Y']],
  ['HIGHLY_SKILLED_PROFESSIONAL_2', 'STATUS_ACTIVITIES_ONLY', true, null],
  ['BUSINESS_MANAGER', 'STATUS_ACTIVITIES_ONLY', true, ['P5Y', 'P3Y', 'P1Y', 'P6M', 'P4M', 'P3M']],
  ['LEGAL_ACCOUNTING_SERVICES', 'STATUS_ACTIVITIES_ONLY', true, ['P5Y', 'P3Y', 'P1Y', 'P3M']],
  ['MEDICAL_SERVICES', 'STATUS_ACTIVITIES_ONLY', true, ['P5Y', 'P3Y', 'P1Y', 'P3M']],
  ['RESEARCHER', 'STATUS_ACTIVITIES_ONLY', true, ['P5Y', 'P3Y', 'P1Y', 'P3M']],
  ['INSTRUCTOR', 'STATUS_ACTIVITIES_ONLY', true, ['P5Y', 'P3Y', 'P1Y', 'P3M']],
  ['ENGINEER_HUMANITIES_INTERNATIONAL_SERVICES', 'STATUS_ACTIVITIES_ONLY', true, ['P5Y', 'P3Y', 'P1Y', 'P3M']],
  ['INTRA_COMPANY_TRANSFEREE', 'STATUS_ACTIVITIES_ONLY', true, ['P5Y', 'P3Y', 'P1Y', 'P3M']],
  ['NURSING_CARE', 'STATUS_ACTIVITIES_ONLY', true, ['P5Y', 'P3Y', 'P1Y', 'P3M']],
  ['ENTERTAINER', 'STATUS_ACTIVITIES_ONLY', true, ['P3Y', 'P1Y', 'P6M', 'P3M', 'P30D']],
  ['SKILLED_LABOR', 'STATUS_ACTIVITIES_ONLY', true, ['P5Y', 'P3Y', 'P1Y', 'P3M']],
  ['SPECIFIED_SKILLED_WORKER_1', 'DESIGNATED_ORGANIZATION_ONLY', true, ['P3Y', 'P1Y', 'P6M', 'P4M']],
  ['SPECIFIED_SKILLED_WORKER_2', 'DESIGNATED_ORGANIZATION_ONLY', true, ['P3Y', 'P1Y', 'P6M']],
  ['TECHNICAL_INTERN_TRAINING_1', 'DESIGNATED_ORGANIZATION_ONLY', true, ['P1Y']],
  ['TECHNICAL_INTERN_TRAINING_2', 'DESIGNATED_ORGANIZATION_ONLY', true, ['P2Y']],
  ['TECHNICAL_INTERN_TRAINING_3', 'DESIGNATED_ORGANIZATION_ONLY', true, ['P2Y']],
  ['EMPLOYMENT_FOR_SKILL_DEVELOPMENT', 'DESIGNATED_ORGANIZATION_ONLY', true, ['P1Y']],
  ['CULTURAL_ACTIVITIES', 'NOT_PERMITTED', true, ['P3Y', 'P1Y', 'P6M', 'P3M']],
  ['TEMPORARY_VISITOR', 'NOT_PERMITTED', false, ['P90D', 'P30D', 'P15D']],
  ['STUDENT', 'NOT_PERMITTED', true, ['P4Y3M', 'P4Y', 'P3Y3M', 'P3Y', 'P2Y3M', 'P2Y', 'P1Y3M', 'P1Y', 'P6M', 'P3M']],
  ['TRAINEE', 'NOT_PERMITTED', true, ['P1Y', 'P6M', 'P3M']],
  ['DEPENDENT', 'NOT_PERMITTED', true, ['P5Y', 'P4Y3M', 'P4Y', 'P3Y3M', 'P3Y', 'P2Y3M', 'P2Y', 'P1Y3M', 'P1Y', 'P6M', 'P3M']],
  ['DESIGNATED_ACTIVITIES', 'DESIGNATED_ACTIVITIES_ONLY', true, ['P5Y', 'P3Y', 'P1Y', 'P6M', 'P3M']],
  ['PERMANENT_RESIDENT', 'NO_RESTRICTION', true, null],
  ['SPOUSE_OR_CHILD_OF_JAPANESE_NATIONAL', 'NO_RESTRICTION', true, ['P5Y', 'P3Y', 'P1Y', 'P6M']],
  ['SPOUSE_OR_CHILD_OF_PERMANENT_RESIDENT', 'NO_RESTRICTION', true, ['P5Y', 'P3Y', 'P1Y', 'P6M']],
  ['LONG_TERM_RESIDENT', 'NO_RESTRICTION', true, ['P5Y', 'P3Y', 'P1Y', 'P6M']],
];

describe('status table', () => {
  test('covers every status once', () => {
    expect(STATUS_TABLE.map(([status]) => status)).toEqual([...STATUSES_OF_RESIDENCE]);
  });

  test.each(STATUS_TABLE)('%s: %s, mid-to-long-term %s, periods %j', (status, work, midToLongTerm, periods) => {
    expect(WORK_RESTRICTION_BY_STATUS[status]).toBe(work);
    expect(isMidToLongTermStatus(status)).toBe(midToLongTerm);
    expect(PERIODS_OF_STAY_BY_STATUS[status]).toEqual(periods);
  });

  test('a status that makes mid-to-long-term residents can be granted such a period', () => {
    for (const status of STATUSES_OF_RESIDENCE.filter(isMidToLongTermStatus)) {
      const periods = PERIODS_OF_STAY_BY_STATUS[status];
      expect(periods === null || periods.some(isMidToLongTermPeriod)).toBe(true);
    }
  });
});

describe('isMidToLongTermPeriod', () => {
  test.each<[string | null, boolean]>([
    [null, true],
    ['P5Y', true],
    ['P4Y3M', true],
    ['P1Y', true],
    ['P6M', true],
    ['P4M', true],
    ['P3M1D', true],
    ['P3M', false],
    ['P90D', false],
    ['P92D', false],
    ['P93D', true],
    ['P30D', false],
    ['P15D', false],
  ])('%s → %s', (period, expected) => {
    expect(isMidToLongTermPeriod(period)).toBe(expected);
  });

  test.each([['P'], ['3M'], ['P1W'], ['PT3H'], ['']])('rejects %j', (period) => {
    expect(() => isMidToLongTermPeriod(period)).toThrow(RangeError);
  });
});
