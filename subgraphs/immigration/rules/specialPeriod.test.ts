import { lastDayOfMonthsCountedFrom } from '../../../schema/dates';
import { cardKeptBySpecialPeriod, cardStatusWithApplication, filedInTime, specialPeriodLastDay, specialPeriodUntil, type StayApplication } from './specialPeriod';

// Hand-written from 入管法 20条6項 and 民法 140条, 143条: the old end day is not counted, the two months run from the
// next day and end the day before its corresponding day two months on (or that month's last day).
describe('the last day of the special period', () => {
  test.each([
    ['2026-12-10', '2027-02-10'], // counted from 12-11; 02-11 corresponds; the day before
    ['2026-11-30', '2027-01-31'], // counted from 12-01; 02-01 corresponds: not 01-30 (naive "same day + 2 months")
    ['2026-12-30', '2027-02-28'], // counted from 12-31; February has no 31st: its last day
    ['2026-12-31', '2027-02-28'], // counted from 01-01; 03-01 corresponds
    ['2027-12-29', '2028-02-29'], // counted from 12-30; a leap February has no 30th: its last day
    ['2027-01-31', '2027-03-31'], // counted from 02-01; 04-01 corresponds
  ])('stay ending %s: lawful through %s', (oldEnd, lastDay) => {
    expect(specialPeriodLastDay(oldEnd)).toBe(lastDay);
  });

  test('months counted from a start day, across a year end', () => {
    expect(lastDayOfMonthsCountedFrom('2026-11-15', 3)).toBe('2027-02-14');
    expect(lastDayOfMonthsCountedFrom('2026-01-31', 1)).toBe('2026-02-28');
  });
});

describe('whether the special period applies on a day', () => {
  const pending: StayApplication = { status: 'PENDING', filedOn: '2026-12-01', oldStayExpiresOn: '2026-12-10', decidedOn: null };
  test.each([
    ['2026-12-10', null], // the stay itself still runs
    ['2026-12-11', '2027-02-10'],
    ['2027-01-15', '2027-02-10'],
    ['2027-02-10', '2027-02-10'],
    ['2027-02-11', null], // two months after the old end have passed
  ])('pending, filed 2026-12-01, stay to 2026-12-10: on %s until %s', (today, until) => {
    expect(specialPeriodUntil(pending, today)).toBe(until);
  });

  test.each([
    ['GRANTED', '2027-01-04', '2027-02-10'],
    ['GRANTED', '2027-01-05', null], // the grant's new stay and card take over on its day
    ['REFUSED', '2027-01-04', '2027-02-10'],
    ['REFUSED', '2027-01-05', null], // a refusal ends it that day
    ['REFUSED', '2027-01-20', null],
  ] as const)('%s on 2027-01-05: on %s until %s', (status, today, until) => {
    expect(specialPeriodUntil({ ...pending, status, decidedOn: '2027-01-05' }, today)).toBe(until);
  });

  test('an application filed after the stay ended gives none', () => {
    expect(filedInTime('2026-12-10', '2026-12-10')).toBe(true);
    expect(filedInTime('2026-12-10', '2026-12-11')).toBe(false);
    expect(specialPeriodUntil({ ...pending, filedOn: '2026-12-11' }, '2027-01-15')).toBeNull();
    expect(specialPeriodUntil(null, '2027-01-15')).toBeNull();
  });

  test('the card that ran to the old end is kept; one that ended earlier is not', () => {
    expect(cardKeptBySpecialPeriod({ validUntil: '2026-12-10' }, pending, '2027-01-15')).toBe(true);
    expect(cardKeptBySpecialPeriod({ validUntil: '2026-11-20' }, pending, '2027-01-15')).toBe(false);
    expect(cardKeptBySpecialPeriod({ validUntil: '2026-12-10' }, pending, '2027-02-11')).toBe(false);
  });

  test('the card reads VALID in the special period, EXPIRED after it; other statuses stand', () => {
    const card = { status: 'VALID' as const, validUntil: '2026-12-10' };
    expect(cardStatusWithApplication(card, pending, '2027-02-10')).toBe('VALID');
    expect(cardStatusWithApplication(card, pending, '2027-02-11')).toBe('EXPIRED');
    expect(cardStatusWithApplication(card, null, '2027-01-15')).toBe('EXPIRED');
    expect(cardStatusWithApplication({ ...card, status: 'REVOKED' }, pending, '2027-01-15')).toBe('REVOKED');
  });

  test('a card the expiry sweep recorded EXPIRED reads as one recorded VALID: by the date and the application', () => {
    const recorded = { status: 'EXPIRED' as const, validUntil: '2026-12-10' };
    expect(cardStatusWithApplication(recorded, pending, '2027-02-10')).toBe('VALID');
    expect(cardStatusWithApplication(recorded, pending, '2027-02-11')).toBe('EXPIRED');
    expect(cardStatusWithApplication(recorded, null, '2027-01-15')).toBe('EXPIRED');
    expect(cardStatusWithApplication(recorded, null, '2026-12-10')).toBe('VALID');
  });
});
