import {
  addDays,
  addYears,
  ageOn,
  compareDates,
  earliestDate,
  isIsoDate,
  lastDayOfYearsCountedFrom,
  nthBirthday,
  nthBirthdayAfter,
} from './dates';

describe('isIsoDate', () => {
  test.each([
    ['2024-02-29', true],
    ['2023-02-29', false],
    ['2000-02-29', true],
    ['1900-02-29', false],
    ['2024-04-31', false],
    ['2024-12-31', true],
    ['2024-13-01', false],
    ['2024-00-10', false],
    ['2024-01-00', false],
    ['2024-1-01', false],
    ['24-01-01', false],
    ['2024/01/01', false],
    ['2024-01-01T00:00:00Z', false],
    [' 2024-01-01', false],
    ['2024-01-01\n', false],
    ['', false],
    // Characters on either side of the digits, full-width digits, signs and other separators.
    ['2024-01-0/', false],
    ['2024-01-0:', false],
    ['2024-0a-01', false],
    ['+024-01-01', false],
    ['\uff12\uff10\uff12\uff14-01-01', false],
    ['2024_01_01', false],
    ['2024-01/01', false],
    ['2024/01-01', false],
    ['0000-02-29', true],
    ['9999-12-31', true],
  ])('%j → %s', (input, expected) => {
    expect(isIsoDate(input)).toBe(expected);
  });
});

describe('addDays', () => {
  test.each([
    ['2024-02-28', 1, '2024-02-29'],
    ['2023-02-28', 1, '2023-03-01'],
    ['2024-03-01', -1, '2024-02-29'],
    ['2024-12-31', 1, '2025-01-01'],
    ['2025-01-01', -1, '2024-12-31'],
    ['2024-01-01', 366, '2025-01-01'],
    ['2024-06-14', 0, '2024-06-14'],
    ['0050-01-01', -1, '0049-12-31'],
  ])('%s + %i days = %s', (date, days, expected) => {
    expect(addDays(date, days)).toBe(expected);
  });

  test('rejects a date that is not ISO', () => {
    expect(() => addDays('2023-02-29', 1)).toThrow(RangeError);
  });
});

describe('addYears', () => {
  test.each([
    ['2024-06-14', 7, '2031-06-14'],
    ['2024-02-29', 1, '2025-02-28'],
    ['2024-02-29', 4, '2028-02-29'],
    ['2024-02-29', 7, '2031-02-28'],
    ['2023-02-28', 1, '2024-02-28'],
    ['2024-03-01', -1, '2023-03-01'],
    ['2024-12-31', 10, '2034-12-31'],
  ])('%s + %i years = %s', (date, years, expected) => {
    expect(addYears(date, years)).toBe(expected);
  });
});

// 民法 143条: a period of years counted from a day that is itself day one (「…の日から起算して n 年を経過する日」)
// ends on the day before that day's anniversary; when the last month has no such day, on that month's last day.
describe('lastDayOfYearsCountedFrom', () => {
  test.each([
    ['2024-04-01', 7, '2031-03-31'], // ISA: a permanent resident's card issued 2024-04-01
    ['2012-07-09', 3, '2015-07-08'], // the 2012 transition: 施行日から起算して三年を経過する日
    ['2024-06-14', 7, '2031-06-13'],
    ['2025-01-01', 7, '2031-12-31'],
    ['2024-02-29', 7, '2031-02-28'], // no Feb 29 in 2031: the last day of February (143条2項ただし書)
    ['2024-03-01', 7, '2031-02-28'],
    ['2021-03-01', 7, '2028-02-29'],
    ['2020-02-29', 8, '2028-02-28'],
  ])('%s, %i years → %s', (start, years, expected) => {
    expect(lastDayOfYearsCountedFrom(start, years)).toBe(expected);
  });
});

describe('compareDates', () => {
  test.each([
    ['2024-01-01', '2024-01-02', -1],
    ['2024-01-02', '2024-01-01', 1],
    ['2024-01-01', '2024-01-01', 0],
    ['1999-12-31', '2000-01-01', -1],
    ['0999-12-31', '1000-01-01', -1],
    ['2024-02-29', '2024-03-01', -1],
  ] as const)('%s vs %s = %i', (a, b, expected) => {
    expect(compareDates(a, b)).toBe(expected);
  });

  test.each([
    ['2023-02-29', '2024-01-01'],
    ['2024-01-01', '2024-1-1'],
    ['2024-01-01', '2024-01-01 '],
  ])('refuses %j vs %j: not both real dates written as yyyy-mm-dd', (a, b) => {
    expect(() => compareDates(a, b)).toThrow(RangeError);
  });
});

describe('earliestDate', () => {
  test.each([
    [['2030-01-01'], '2030-01-01'],
    [['2030-01-01', '2029-12-31'], '2029-12-31'],
    [['2029-12-31', '2030-01-01', '2029-06-01'], '2029-06-01'],
  ])('%j → %s', (dates, expected) => {
    const [first, ...rest] = dates;
    expect(earliestDate(first, ...rest)).toBe(expected);
  });
});

describe('nthBirthday', () => {
  test.each([
    ['2010-05-10', 0, '2010-05-10'],
    ['2010-05-10', 16, '2026-05-10'],
    ['2008-02-29', 16, '2024-02-29'],
    ['2008-02-29', 15, '2023-02-28'],
    ['2008-02-29', 17, '2025-02-28'],
  ])('born %s, birthday %i is %s', (birth, n, expected) => {
    expect(nthBirthday(birth, n)).toBe(expected);
  });
});

describe('ageOn', () => {
  test.each([
    ['2010-05-10', '2026-05-09', 15],
    ['2010-05-10', '2026-05-10', 16],
    ['2010-05-10', '2026-05-11', 16],
    ['2010-05-10', '2010-05-10', 0],
    ['2010-05-10', '2011-05-09', 0],
    ['2010-05-10', '2010-05-09', -1],
    ['2008-02-29', '2023-02-27', 14],
    ['2008-02-29', '2023-02-28', 15],
    ['2008-02-29', '2024-02-28', 15],
    ['2008-02-29', '2024-02-29', 16],
    ['2007-12-31', '2024-01-01', 16],
  ])('born %s, on %s aged %i', (birth, date, expected) => {
    expect(ageOn(birth, date)).toBe(expected);
  });
});

describe('nthBirthdayAfter', () => {
  test.each([
    ['1980-05-10', '2024-06-14', 7, '2031-05-10'],
    ['1980-05-10', '2024-05-09', 7, '2030-05-10'],
    // A birthday on the date itself is not "after" it.
    ['1980-05-10', '2024-05-10', 7, '2031-05-10'],
    ['1980-05-10', '2024-05-10', 1, '2025-05-10'],
    ['1980-02-29', '2024-03-01', 7, '2031-02-28'],
    ['1980-02-29', '2023-02-28', 1, '2024-02-29'],
    ['2010-05-10', '2009-01-01', 1, '2011-05-10'],
  ])('born %s, after %s birthday #%i is %s', (birth, date, n, expected) => {
    expect(nthBirthdayAfter(birth, date, n)).toBe(expected);
  });

  test('n must be at least 1', () => {
    expect(() => nthBirthdayAfter('1980-05-10', '2024-06-14', 0)).toThrow(RangeError);
  });
});
