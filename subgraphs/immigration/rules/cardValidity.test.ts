import type { ResidenceCardKind, ResidenceCardStatus, StatusOfResidence } from '../../../schema/codes';
import { residenceCardStatusOn, residenceCardValidUntil, validityRuleFor, VALIDITY_RULES } from './cardValidity';

type Row = [
  description: string,
  kind: ResidenceCardKind,
  status: StatusOfResidence | null,
  birthDate: string,
  issuedOn: string,
  stayExpiresOn: string | null,
  extra: { sprBasisDate?: string | null; validityRenewal?: boolean },
  expected: string | null,
];

describe('residenceCardValidUntil', () => {
  test.each<Row>([
    // 永住者 / 高度専門職2号, 16 and over: 「交付の日から起算して七年を経過する日」, the issue day counted as day
    // one (民法 143条), so the day before the 7th anniversary; with no such day in the month, its last day.
    ['PR, issued 2024-04-01 (ISA\'s example)', 'RESIDENCE_CARD_OLD_FORMAT', 'PERMANENT_RESIDENT', '1980-05-10', '2024-04-01', null, {}, '2031-03-31'],
    ['PR, 16 and over', 'RESIDENCE_CARD_OLD_FORMAT', 'PERMANENT_RESIDENT', '1980-05-10', '2024-06-14', null, {}, '2031-06-13'],
    ['PR, specific card', 'SPECIFIC_RESIDENCE_CARD', 'PERMANENT_RESIDENT', '1980-05-10', '2026-06-14', null, {}, '2033-06-13'],
    ['PR, new-format card', 'RESIDENCE_CARD_NEW_FORMAT', 'PERMANENT_RESIDENT', '1980-05-10', '2026-07-01', null, {}, '2033-06-30'],
    ['PR, issued on New Year\'s Day', 'RESIDENCE_CARD_NEW_FORMAT', 'PERMANENT_RESIDENT', '1980-05-10', '2027-01-01', null, {}, '2033-12-31'],
    ['HSP (ii)', 'RESIDENCE_CARD_OLD_FORMAT', 'HIGHLY_SKILLED_PROFESSIONAL_2', '1985-11-30', '2025-01-15', null, {}, '2032-01-14'],
    ['PR issued on Feb 29', 'RESIDENCE_CARD_OLD_FORMAT', 'PERMANENT_RESIDENT', '1980-05-10', '2024-02-29', null, {}, '2031-02-28'],
    ['PR issued on Mar 1, no Feb 29 at the end', 'RESIDENCE_CARD_OLD_FORMAT', 'PERMANENT_RESIDENT', '1980-05-10', '2024-03-01', null, {}, '2031-02-28'],
    ['PR issued on Mar 1, Feb 29 at the end', 'RESIDENCE_CARD_OLD_FORMAT', 'PERMANENT_RESIDENT', '1980-05-10', '2021-03-01', null, {}, '2028-02-29'],
    ['PR, a period of stay given is ignored', 'RESIDENCE_CARD_OLD_FORMAT', 'PERMANENT_RESIDENT', '1980-05-10', '2024-06-14', '2025-01-01', {}, '2031-06-13'],
    ['PR, exactly 16 at issue', 'RESIDENCE_CARD_OLD_FORMAT', 'PERMANENT_RESIDENT', '2008-06-14', '2024-06-14', null, {}, '2031-06-13'],
    // 永住者 under 16: the day before the 16th birthday, even when that is more than 7 years away.
    ['PR, 15y364d at issue', 'RESIDENCE_CARD_OLD_FORMAT', 'PERMANENT_RESIDENT', '2008-06-15', '2024-06-14', null, {}, '2024-06-14'],
    ['PR, under 16', 'RESIDENCE_CARD_OLD_FORMAT', 'PERMANENT_RESIDENT', '2015-03-20', '2024-06-14', null, {}, '2031-03-19'],
    ['PR, age 4: beyond 7 years', 'SPECIFIC_RESIDENCE_CARD', 'PERMANENT_RESIDENT', '2022-01-10', '2026-06-14', null, {}, '2038-01-09'],
    ['PR, under 16, issued 2023-11-01', 'RESIDENCE_CARD_OLD_FORMAT', 'PERMANENT_RESIDENT', '2015-03-20', '2023-11-01', null, {}, '2031-03-19'],
    ['PR, under 16, issued 2023-10-31: the 16th birthday', 'RESIDENCE_CARD_OLD_FORMAT', 'PERMANENT_RESIDENT', '2015-03-20', '2023-10-31', null, {}, '2031-03-20'],
    ['PR, renewal before the 16th birthday', 'RESIDENCE_CARD_OLD_FORMAT', 'PERMANENT_RESIDENT', '2008-09-01', '2024-06-14', null, { validityRenewal: true }, '2031-06-13'],
    // Feb 29 births (a 16th birthday always falls in a leap year before 2100).
    ['PR, born Feb 29, under 16', 'RESIDENCE_CARD_OLD_FORMAT', 'PERMANENT_RESIDENT', '2012-02-29', '2025-02-28', null, {}, '2028-02-28'],
    ['PR, born Feb 29, under 16, issued 2023-02-28', 'RESIDENCE_CARD_OLD_FORMAT', 'PERMANENT_RESIDENT', '2008-02-29', '2023-02-28', null, {}, '2024-02-29'],
    ['PR, born Feb 29, exactly 16', 'RESIDENCE_CARD_OLD_FORMAT', 'PERMANENT_RESIDENT', '2008-02-29', '2024-02-29', null, {}, '2031-02-28'],
    ['PR, born Mar 1, exactly 16', 'RESIDENCE_CARD_OLD_FORMAT', 'PERMANENT_RESIDENT', '2005-03-01', '2021-03-01', null, {}, '2028-02-29'],
    // Everyone else: the end of the period of stay; under 16 the earlier of that and the day before the 16th birthday.
    ['engineer, 16 and over', 'RESIDENCE_CARD_OLD_FORMAT', 'ENGINEER_HUMANITIES_INTERNATIONAL_SERVICES', '1995-04-01', '2024-06-14', '2029-06-14', {}, '2029-06-14'],
    ['SSW (i), specific card', 'SPECIFIC_RESIDENCE_CARD', 'SPECIFIED_SKILLED_WORKER_1', '1999-01-01', '2026-06-20', '2027-06-20', {}, '2027-06-20'],
    ['dependent, new-format card', 'RESIDENCE_CARD_NEW_FORMAT', 'DEPENDENT', '1990-01-01', '2026-07-01', '2031-07-01', {}, '2031-07-01'],
    ['exactly 16 at issue', 'RESIDENCE_CARD_OLD_FORMAT', 'DEPENDENT', '2008-06-14', '2024-06-14', '2027-06-14', {}, '2027-06-14'],
    ['15y364d at issue', 'RESIDENCE_CARD_OLD_FORMAT', 'DEPENDENT', '2008-06-15', '2024-06-14', '2027-06-14', {}, '2024-06-14'],
    ['under 16, stay ends first', 'RESIDENCE_CARD_OLD_FORMAT', 'STUDENT', '2012-09-01', '2024-06-14', '2025-06-14', {}, '2025-06-14'],
    ['under 16, 16th birthday comes first', 'RESIDENCE_CARD_OLD_FORMAT', 'DEPENDENT', '2010-09-01', '2024-06-14', '2029-06-14', {}, '2026-08-31'],
    ['under 16, both on the same day', 'RESIDENCE_CARD_OLD_FORMAT', 'DEPENDENT', '2010-09-01', '2024-06-14', '2026-08-31', {}, '2026-08-31'],
    ['under 16, issued 2023-10-31: the 16th birthday', 'RESIDENCE_CARD_OLD_FORMAT', 'DEPENDENT', '2010-09-01', '2023-10-31', '2029-06-14', {}, '2026-09-01'],
    ['under 16, renewal before the 16th birthday', 'RESIDENCE_CARD_OLD_FORMAT', 'DEPENDENT', '2010-09-01', '2026-04-01', '2029-06-14', { validityRenewal: true }, '2029-06-14'],
    ['under 16, specific card', 'SPECIFIC_RESIDENCE_CARD', 'LONG_TERM_RESIDENT', '2018-12-24', '2026-06-14', '2031-06-14', {}, '2031-06-14'],
    ['fixed term without a period of stay', 'RESIDENCE_CARD_OLD_FORMAT', 'STUDENT', '2000-01-01', '2024-06-14', null, {}, null],
    ['residence card without a status', 'RESIDENCE_CARD_OLD_FORMAT', null, '2000-01-01', '2024-06-14', '2027-06-14', {}, null],
    // Special permanent resident certificates (入管特例法): 16 and over the 7th birthday after the basis date.
    ['SPR, basis defaults to issue', 'SPECIAL_PERMANENT_RESIDENT_CERTIFICATE', null, '1960-10-05', '2024-06-14', null, {}, '2030-10-05'],
    ['SPR, application before a birthday', 'SPECIAL_PERMANENT_RESIDENT_CERTIFICATE', null, '1960-06-01', '2024-06-14', null, { sprBasisDate: '2024-05-20' }, '2030-06-01'],
    ['SPR, issued after that birthday', 'SPECIAL_PERMANENT_RESIDENT_CERTIFICATE', null, '1960-06-01', '2024-06-14', null, {}, '2031-06-01'],
    ['SPR, renewal: after the old expiry (a birthday)', 'SPECIAL_PERMANENT_RESIDENT_CERTIFICATE', null, '1960-10-05', '2024-08-20', null, { sprBasisDate: '2024-10-05', validityRenewal: true }, '2031-10-05'],
    ['SPR, born Feb 29', 'SPECIAL_PERMANENT_RESIDENT_CERTIFICATE', null, '1980-02-29', '2024-03-01', null, {}, '2031-02-28'],
    ['SPR, exactly 16', 'SPECIAL_PERMANENT_RESIDENT_CERTIFICATE', null, '2008-06-14', '2024-06-14', null, {}, '2031-06-14'],
    ['SPR, a status given is ignored', 'SPECIAL_PERMANENT_RESIDENT_CERTIFICATE', 'PERMANENT_RESIDENT', '1960-10-05', '2024-06-14', null, {}, '2030-10-05'],
    ['specific SPR certificate', 'SPECIFIC_SPECIAL_PERMANENT_RESIDENT_CERTIFICATE', null, '1975-12-01', '2026-06-14', null, {}, '2032-12-01'],
    // Under 16: the day before the 16th birthday (the 16th birthday for certificates issued before 2023-11-01).
    ['SPR, 15y364d', 'SPECIAL_PERMANENT_RESIDENT_CERTIFICATE', null, '2008-06-15', '2024-06-14', null, {}, '2024-06-14'],
    ['SPR, under 16', 'SPECIAL_PERMANENT_RESIDENT_CERTIFICATE', null, '2012-04-01', '2024-06-14', null, {}, '2028-03-31'],
    ['SPR, under 16, issued 2023-10-31', 'SPECIAL_PERMANENT_RESIDENT_CERTIFICATE', null, '2012-04-01', '2023-10-31', null, {}, '2028-04-01'],
    ['specific SPR certificate, under 16', 'SPECIFIC_SPECIAL_PERMANENT_RESIDENT_CERTIFICATE', null, '2020-07-07', '2026-06-14', null, {}, '2036-07-06'],
    ['SPR, applied at 15, issued at 16', 'SPECIAL_PERMANENT_RESIDENT_CERTIFICATE', null, '2008-06-10', '2024-06-14', null, { sprBasisDate: '2024-06-01' }, '2030-06-10'],
    ['SPR, renewal at 15 before the 16th birthday', 'SPECIAL_PERMANENT_RESIDENT_CERTIFICATE', null, '2010-09-01', '2026-04-01', null, { sprBasisDate: '2026-08-31', validityRenewal: true }, '2032-09-01'],
  ])('%s', (_description, kind, statusOfResidence, birthDate, issuedOn, stayExpiresOn, extra, expected) => {
    expect(residenceCardValidUntil({ kind, statusOfResidence, birthDate, issuedOn, stayExpiresOn, ...extra })).toBe(expected);
  });
});

describe('validityRuleFor', () => {
  test.each([
    ['RESIDENCE_CARD_OLD_FORMAT', 'PERMANENT_RESIDENT', '1980-01-01', '2024-06-14', '入管法19条の5第1項第1号'],
    ['RESIDENCE_CARD_OLD_FORMAT', 'PERMANENT_RESIDENT', '2015-01-01', '2024-06-14', '入管法19条の5第1項第2号'],
    ['RESIDENCE_CARD_OLD_FORMAT', 'STUDENT', '2000-01-01', '2024-06-14', '入管法19条の5第1項第3号'],
    ['RESIDENCE_CARD_OLD_FORMAT', 'STUDENT', '2015-01-01', '2024-06-14', '入管法19条の5第1項第4号'],
    ['SPECIAL_PERMANENT_RESIDENT_CERTIFICATE', null, '1980-01-01', '2024-06-14', '入管特例法9条（16歳以上）'],
    ['SPECIAL_PERMANENT_RESIDENT_CERTIFICATE', null, '2015-01-01', '2024-06-14', '入管特例法9条（16歳未満）'],
  ] as const)('%s %s born %s issued %s → %s', (kind, statusOfResidence, birthDate, issuedOn, basis) => {
    expect(validityRuleFor({ kind, statusOfResidence, birthDate, issuedOn, stayExpiresOn: null })?.basis).toBe(basis);
  });

  test('the 16-and-over rows do not change with the 2023 amendment', () => {
    for (const byAge of Object.values(VALIDITY_RULES)) {
      expect(byAge['16_AND_OVER'].BEFORE_2023_11_01).toEqual(byAge['16_AND_OVER'].FROM_2023_11_01);
    }
  });
});

describe('residenceCardStatusOn', () => {
  test.each<[ResidenceCardStatus, string | null, string, ResidenceCardStatus]>([
    ['VALID', '2030-06-14', '2030-06-13', 'VALID'],
    ['VALID', '2030-06-14', '2030-06-14', 'VALID'],
    ['VALID', '2030-06-14', '2030-06-15', 'EXPIRED'],
    ['VALID', null, '2099-01-01', 'VALID'],
    ['SUPERSEDED', '2030-06-14', '2030-06-15', 'SUPERSEDED'],
    ['RETURNED', '2030-06-14', '2030-06-15', 'RETURNED'],
    ['REVOKED', '2030-06-14', '2030-06-13', 'REVOKED'],
    // EXPIRED is recorded by the expiry sweep from the date alone, so it is read by the date: a sweep whose clock ran
    // ahead changes no read.
    ['EXPIRED', '2030-06-14', '2030-06-13', 'VALID'],
    ['EXPIRED', '2030-06-14', '2030-06-14', 'VALID'],
    ['EXPIRED', '2030-06-14', '2030-06-15', 'EXPIRED'],
  ])('%s until %s, on %s → %s', (status, validUntil, today, expected) => {
    expect(residenceCardStatusOn({ status, validUntil }, today)).toBe(expected);
  });
});
