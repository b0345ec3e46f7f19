import {
  CODE_TYPES,
  NATIONALITIES,
  NATIONALITY_CODES,
  RESIDENT_CATEGORIES,
  RESIDENT_CLASSES,
  STATUSES_OF_RESIDENCE,
  STATUS_GROUP_OF,
  type StatusGroup,
  type StatusOfResidence,
} from './codes';

describe('code lists', () => {
  test.each(Object.entries(CODE_TYPES))('%s has no duplicate codes', (_type, codes) => {
    expect(new Set(codes).size).toBe(codes.length);
  });

  test.each(Object.entries(CODE_TYPES))('%s codes are stable identifiers', (type, codes) => {
    const pattern = type === 'Language' ? /^[a-z]{2}(-[A-Za-z]+)*(-x-[a-z]+)?$/ : /^[A-Z][A-Z0-9_]*$/;
    for (const code of codes) expect(code).toMatch(pattern);
  });

  test('36 statuses of residence', () => {
    expect(STATUSES_OF_RESIDENCE).toHaveLength(36);
  });

  test("the registry's categories are immigration's classes", () => {
    expect([...RESIDENT_CATEGORIES]).toEqual([...RESIDENT_CLASSES]);
  });
});

describe('STATUS_GROUP_OF', () => {
  const grouped: Array<[StatusOfResidence, StatusGroup]> = [
    ['HIGHLY_SKILLED_PROFESSIONAL_1_A', 'HIGHLY_SKILLED_PROFESSIONAL'],
    ['HIGHLY_SKILLED_PROFESSIONAL_1_B', 'HIGHLY_SKILLED_PROFESSIONAL'],
    ['HIGHLY_SKILLED_PROFESSIONAL_1_C', 'HIGHLY_SKILLED_PROFESSIONAL'],
    ['HIGHLY_SKILLED_PROFESSIONAL_2', 'HIGHLY_SKILLED_PROFESSIONAL'],
    ['TECHNICAL_INTERN_TRAINING_1', 'TECHNICAL_INTERN_TRAINING'],
    ['TECHNICAL_INTERN_TRAINING_2', 'TECHNICAL_INTERN_TRAINING'],
    ['TECHNICAL_INTERN_TRAINING_3', 'TECHNICAL_INTERN_TRAINING'],
    ['SPECIFIED_SKILLED_WORKER_1', 'SPECIFIED_SKILLED_WORKER'],
    ['SPECIFIED_SKILLED_WORKER_2', 'SPECIFIED_SKILLED_WORKER'],
  ];
  const groupedStatuses = new Set<StatusOfResidence>(grouped.map(([status]) => status));

  test.each(grouped)('%s → %s', (status, group) => {
    expect(STATUS_GROUP_OF[status]).toBe(group);
  });

  test.each(STATUSES_OF_RESIDENCE.filter((s) => !groupedStatuses.has(s)))('%s → null', (status) => {
    expect(STATUS_GROUP_OF[status]).toBeNull();
  });
});

describe('NATIONALITIES', () => {
  test.each([
    ['CHN', 'COUNTRY'],
    ['VNM', 'COUNTRY'],
    ['KOR', 'COUNTRY'],
    ['TWN', 'REGION'],
    ['HKG', 'REGION'],
    ['PRK', 'REGION'],
    ['XXA', 'STATELESS'],
    ['USA', 'COUNTRY'],
  ])('%s is a %s', (code, kind) => {
    expect(NATIONALITIES.find((n) => n.code === code)?.kind).toBe(kind);
  });

  test('at least the 40 most common nationalities, each an ISO alpha-3 code', () => {
    expect(NATIONALITIES.length).toBeGreaterThanOrEqual(41);
    for (const { code } of NATIONALITIES) expect(code).toMatch(/^[A-Z]{3}$/);
  });

  test('the ten largest nationalities of the published figures come first, in order', () => {
    expect(NATIONALITY_CODES.slice(0, 10)).toEqual(['CHN', 'VNM', 'KOR', 'PHL', 'NPL', 'BRA', 'IDN', 'MMR', 'TWN', 'USA']);
  });
});
