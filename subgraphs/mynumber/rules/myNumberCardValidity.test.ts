import type { ResidentClass, StatusOfResidence } from '../../../schema/codes';
import {
  adultAgeOn,
  certificateValidUntil,
  myNumberCardValidUntil,
  myNumberFunctionFollowsStay,
  signatureCertificateIssuable,
} from './myNumberCardValidity';

type ForeignResident = { stayExpiresOn: string | null; exempt: boolean } | null;

describe('myNumberCardValidUntil', () => {
  test.each<[string, string, string, ForeignResident, string]>([
    // 18 and over on the day of issue: the 10th birthday after issue.
    ['adult', '1990-05-10', '2024-06-14', null, '2034-05-10'],
    ['adult, issued on the birthday (not counted)', '1990-06-14', '2024-06-14', null, '2034-06-14'],
    ['adult, issued the day before the birthday', '1990-06-15', '2024-06-14', null, '2033-06-15'],
    ['exactly 18', '2006-06-14', '2024-06-14', null, '2034-06-14'],
    // Under 18: the 5th birthday after issue.
    ['17y364d', '2006-06-15', '2024-06-14', null, '2028-06-15'],
    ['child', '2020-01-10', '2024-06-14', null, '2029-01-10'],
    // Before 2022-04-01 the age was 20.
    ['19 in 2021: a minor then', '2002-01-01', '2021-06-01', null, '2026-01-01'],
    ['19 on 2022-04-01: an adult', '2003-01-01', '2022-04-01', null, '2032-01-01'],
    ['exactly 20 in 2021', '2001-06-01', '2021-06-01', null, '2031-06-01'],
    // Feb 29.
    ['born Feb 29', '1992-02-29', '2024-06-14', null, '2034-02-28'],
    ['born Feb 29, minor', '2012-02-29', '2025-03-01', null, '2030-02-28'],
    // Foreign residents.
    ['foreign resident, stay ends first', '1990-05-10', '2024-06-14', { stayExpiresOn: '2027-06-14', exempt: false }, '2027-06-14'],
    ['foreign resident, birthday comes first', '2020-01-10', '2024-06-14', { stayExpiresOn: '2029-06-14', exempt: false }, '2029-01-10'],
    ['foreign resident, exempt (PR, SPR, HSP (ii))', '1990-05-10', '2024-06-14', { stayExpiresOn: '2027-06-14', exempt: true }, '2034-05-10'],
    ['foreign resident, no end of stay', '1990-05-10', '2024-06-14', { stayExpiresOn: null, exempt: false }, '2034-05-10'],
    ['foreign resident, stay ends on the same day', '1990-05-10', '2024-06-14', { stayExpiresOn: '2034-05-10', exempt: false }, '2034-05-10'],
  ])('%s: born %s, issued %s, %j → %s', (_description, birthDate, issuedOn, foreignResident, expected) => {
    expect(myNumberCardValidUntil({ birthDate, issuedOn, foreignResident })).toBe(expected);
  });
});

describe('adultAgeOn', () => {
  test.each([
    ['2022-03-31', 20],
    ['2022-04-01', 18],
    ['2016-01-01', 20],
  ])('%s → %i', (issuedOn, expected) => {
    expect(adultAgeOn(issuedOn)).toBe(expected);
  });
});

describe('certificateValidUntil', () => {
  test.each([
    ['1990-05-10', '2024-06-14', '2034-05-10', '2029-05-10'],
    ['1990-06-14', '2024-06-14', '2034-06-14', '2029-06-14'],
    ['1990-05-10', '2024-06-14', '2027-06-14', '2027-06-14'],
    ['1990-05-10', '2024-06-14', '2029-05-10', '2029-05-10'],
    ['1992-02-29', '2024-06-14', '2034-02-28', '2029-02-28'],
  ])('born %s, issued %s, card until %s → %s', (birthDate, issuedOn, cardValidUntil, expected) => {
    expect(certificateValidUntil({ birthDate, issuedOn, cardValidUntil })).toBe(expected);
  });
});

describe('signatureCertificateIssuable', () => {
  test.each([
    [0, false],
    [14, false],
    [15, true],
    [16, true],
    [80, true],
  ])('age %i → %s', (age, expected) => {
    expect(signatureCertificateIssuable(age)).toBe(expected);
  });
});

describe('myNumberFunctionFollowsStay', () => {
  test.each<[ResidentClass, StatusOfResidence | null, boolean]>([
    ['MID_TO_LONG_TERM', 'PERMANENT_RESIDENT', false],
    ['MID_TO_LONG_TERM', 'HIGHLY_SKILLED_PROFESSIONAL_2', false],
    ['SPECIAL_PERMANENT', null, false],
    ['MID_TO_LONG_TERM', 'HIGHLY_SKILLED_PROFESSIONAL_1_B', true],
    ['MID_TO_LONG_TERM', 'ENGINEER_HUMANITIES_INTERNATIONAL_SERVICES', true],
    ['MID_TO_LONG_TERM', 'SPECIFIED_SKILLED_WORKER_2', true],
    ['MID_TO_LONG_TERM', 'SPOUSE_OR_CHILD_OF_PERMANENT_RESIDENT', true],
    ['MID_TO_LONG_TERM', 'LONG_TERM_RESIDENT', true],
    ['MID_TO_LONG_TERM', 'STUDENT', true],
    ['TEMPORARY_REFUGE', null, true],
    ['PROVISIONAL_STAY', null, true],
    ['TRANSITIONAL_AFTER_BIRTH', null, true],
    ['TRANSITIONAL_AFTER_LOSS_OF_NATIONALITY', null, true],
  ])('%s %s → %s', (residentClass, status, expected) => {
    expect(myNumberFunctionFollowsStay(residentClass, status)).toBe(expected);
  });
});
