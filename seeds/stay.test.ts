import { addPeriod, extendedStayExpiresOn } from './stay';

describe('extendedStayExpiresOn: an extension counts from the day after the old end (ISA practice)', () => {
  it.each([
    // [old end, period, new end, why]
    ['2026-07-01', 'P3Y', '2029-07-01', 'from 2026-07-02, 3 years end the day before 2029-07-02'],
    ['2026-12-15', 'P1Y', '2027-12-15', 'from 2026-12-16 to the day before 2027-12-16'],
    ['2027-02-28', 'P1Y', '2028-02-29', 'from 2027-03-01 to the day before 2028-03-01 (a leap year)'],
    ['2026-04-30', 'P6M', '2026-10-31', 'from 2026-05-01 to the day before 2026-11-01'],
    ['2026-08-30', 'P6M', '2027-02-28', 'from 2026-08-31: 2027-02 has no 31st, so its last day (民法 143条2項 ただし書)'],
    ['2026-01-31', 'P1Y3M', '2027-04-30', 'from 2026-02-01 to the day before 2027-05-01'],
  ])('old end %s + %s → %s (%s)', (oldEnd, period, expected) => {
    expect(extendedStayExpiresOn(oldEnd, period)).toBe(expected);
  });

  it('is not counted from the day of the grant: an early grant loses nothing', () => {
    // Granted 2026-05-10 for a stay ending 2026-07-01: counted from the grant it would end 2029-05-10.
    expect(addPeriod('2026-05-10', 'P3Y')).toBe('2029-05-10');
    expect(extendedStayExpiresOn('2026-07-01', 'P3Y')).toBe('2029-07-01');
  });

  it('refuses a period in days (not a mid-to-long-term period)', () => {
    expect(() => extendedStayExpiresOn('2026-07-01', 'P90D')).toThrow(RangeError);
  });
});
