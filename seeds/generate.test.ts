import { STATUS_GROUP_OF, type StatusOfResidence } from '../schema/codes';
import { ageOn } from '../schema/dates';
import { MTL_STATUS_COUNTS, NATIONALITY_COUNTS, PUBLISHED, SPECIFIC_CARD_START } from './distributions';
import { apportionmentAt, extraPersons, FIRST_GENERATED_KEY, generatePopulation, populationSize, type SyntheticPerson } from './generate';
import { violations } from './invariants';
import { PREFECTURES } from './municipalities';
import { specificCardShare } from './person';

const AS_OF = '2026-11-28';
const PERSONS = 20_000;
const population: SyntheticPerson[] = [...generatePopulation({ seed: 42, persons: PERSONS, asOf: AS_OF })];
const main = population.slice(0, PERSONS);
const mtl = main.filter((p) => p.immigration.resident.residentClass === 'MID_TO_LONG_TERM');
const share = (part: number, whole: number) => part / whole;
const count = <T>(items: T[], predicate: (item: T) => boolean) => items.filter(predicate).length;

describe('generatePopulation', () => {
  it('yields persons, then the extra classes, with consecutive keys from FIRST_GENERATED_KEY', () => {
    expect(population).toHaveLength(populationSize(PERSONS));
    expect(population.map((p) => p.key)).toEqual(population.map((_, i) => FIRST_GENERATED_KEY + i));
    const extras = population.slice(PERSONS);
    for (const [residentClass, n] of extraPersons(PERSONS)) {
      expect(count(extras, (p) => p.immigration.resident.residentClass === residentClass)).toBe(n);
    }
  });

  it('satisfies every domain rule for every person', () => {
    expect(population.flatMap((p) => violations(p, AS_OF))).toEqual([]);
  });

  it('gives unique identifiers across the population', () => {
    const unique = (values: Array<string | number | null | undefined>) => new Set(values).size === values.length;
    expect(unique(population.flatMap((p) => p.immigration.cards.map((c) => c.number)))).toBe(true);
    expect(unique(population.flatMap((p) => (p.registry ? [p.registry.resident.myNumber] : [])))).toBe(true);
    expect(unique(population.flatMap((p) => (p.registry ? [p.registry.resident.residentRecordCode] : [])))).toBe(true);
    expect(unique(population.flatMap((p) => p.registry?.addresses.map((a) => a.id) ?? []))).toBe(true);
    expect(unique(population.flatMap((p) => p.mynumber?.cards.map((c) => c.card.id) ?? []))).toBe(true);
  });

  it('is deterministic: the same seed gives identical output, another seed another population', () => {
    const again = [...generatePopulation({ seed: 42, persons: 5_000, asOf: AS_OF })];
    expect(JSON.stringify(again.slice(0, 5_000)) === JSON.stringify(population.slice(0, 5_000))).toBe(true);
    const other = [...generatePopulation({ seed: 43, persons: 2_000, asOf: AS_OF })];
    expect(JSON.stringify(other) === JSON.stringify(again.slice(0, other.length))).toBe(false);
    // Identifiers depend on the key alone, so they do not change with the seed.
    const myNumbers = (persons: SyntheticPerson[]) => persons.map((p) => p.registry?.resident.myNumber ?? null).filter(Boolean);
    expect(myNumbers(other.slice(0, 2_000))).toEqual(myNumbers(again.slice(0, 2_000)));
  });

  it('puts no resident with a resident record in the wrong place: the same municipality everywhere', () => {
    const tokyo = count(main, (p) => p.registry?.resident.municipalityCode.startsWith('13') ?? false);
    const withRecord = count(main, (p) => p.registry !== null);
    const tokyoShare = (PREFECTURES.find((p) => p.code === '13')?.foreignResidents ?? 0) / PUBLISHED.total;
    expect(share(tokyo, withRecord)).toBeCloseTo(tokyoShare, 1);
  });
});

describe('apportionment over the index', () => {
  it('is exact at the published total: 3,494,954 MTL, 274,023 SPR, 91,514 without a record, 30 OTHER', () => {
    const counts = { spr: 0, withoutRecord: 0, other: 0 };
    for (let i = 0; i < PUBLISHED.total; i++) {
      const a = apportionmentAt(i);
      if (a.residentClass === 'SPECIAL_PERMANENT') counts.spr++;
      if (!a.hasResidentRecord) counts.withoutRecord++;
      if (a.otherSex) counts.other++;
    }
    expect(counts).toEqual({ spr: 274_023, withoutRecord: 91_514, other: 30 });
    expect(PUBLISHED.total - counts.spr).toBe(3_494_954);
    expect(PUBLISHED.total - counts.withoutRecord).toBe(PUBLISHED.inResidentRegistry);
  });

  it('is proportional at any size', () => {
    expect(count(main, (p) => p.immigration.resident.residentClass === 'SPECIAL_PERMANENT')).toBe(
      Math.floor((PERSONS * PUBLISHED.specialPermanent) / PUBLISHED.total),
    );
    expect(count(main, (p) => p.registry === null)).toBe(Math.floor((mtl.length * 91_514) / PUBLISHED.midToLongTerm));
  });

  it('adds the other classes in proportion, at least one each', () => {
    expect(extraPersons(PUBLISHED.total)).toEqual([
      ['TEMPORARY_REFUGE', 5],
      ['PROVISIONAL_STAY', 70],
      ['TRANSITIONAL_AFTER_BIRTH', 1_600],
      ['TRANSITIONAL_AFTER_LOSS_OF_NATIONALITY', 40],
    ]);
    expect(extraPersons(100).map(([, n]) => n)).toEqual([1, 1, 1, 1]);
  });
});

describe('distributions match the data file', () => {
  const statusShare = (statuses: StatusOfResidence[]) =>
    share(count(mtl, (p) => statuses.includes(p.immigration.resident.statusOfResidence as StatusOfResidence)), mtl.length);
  const published = (statuses: StatusOfResidence[]) =>
    share(statuses.reduce((sum, s) => sum + MTL_STATUS_COUNTS[s], 0), PUBLISHED.midToLongTerm);
  const groups: Array<[string, StatusOfResidence[]]> = [
    ['PERMANENT_RESIDENT', ['PERMANENT_RESIDENT']],
    ['TECHNICAL_INTERN_TRAINING', ['TECHNICAL_INTERN_TRAINING_1', 'TECHNICAL_INTERN_TRAINING_2', 'TECHNICAL_INTERN_TRAINING_3']],
    ['ENGINEER_HUMANITIES_INTERNATIONAL_SERVICES', ['ENGINEER_HUMANITIES_INTERNATIONAL_SERVICES']],
    ['STUDENT', ['STUDENT']],
    ['DEPENDENT', ['DEPENDENT']],
    ['SPECIFIED_SKILLED_WORKER', ['SPECIFIED_SKILLED_WORKER_1', 'SPECIFIED_SKILLED_WORKER_2']],
  ];

  it('uses the six published status figures and sums to the MTL total', () => {
    expect(Object.values(MTL_STATUS_COUNTS).reduce((a, b) => a + b, 0)).toBe(PUBLISHED.midToLongTerm);
    const sum = (group: string) =>
      (Object.keys(MTL_STATUS_COUNTS) as StatusOfResidence[])
        .filter((s) => s === group || STATUS_GROUP_OF[s] === group)
        .reduce((total, s) => total + MTL_STATUS_COUNTS[s], 0);
    expect(groups.map(([group]) => sum(group))).toEqual([918_116, 456_595, 418_706, 402_134, 305_598, 284_466]);
  });

  it.each(groups)('status %s within 1 percentage point', (_name, statuses) => {
    expect(Math.abs(statusShare(statuses) - published(statuses))).toBeLessThan(0.01);
  });

  it('nationalities: the top ten within 1 percentage point, summing to the total', () => {
    expect(Object.values(NATIONALITY_COUNTS).reduce((a, b) => a + b, 0)).toBe(PUBLISHED.total);
    for (const code of ['CHN', 'VNM', 'KOR', 'PHL', 'NPL', 'BRA', 'IDN', 'MMR', 'TWN', 'USA'] as const) {
      const actual = share(count(main, (p) => p.immigration.resident.nationality === code), main.length);
      expect([code, Math.abs(actual - (NATIONALITY_COUNTS[code] ?? 0) / PUBLISHED.total) < 0.01]).toEqual([code, true]);
    }
    const spr = main.filter((p) => p.immigration.resident.residentClass === 'SPECIAL_PERMANENT');
    expect(share(count(spr, (p) => ['KOR', 'PRK'].includes(p.immigration.resident.nationality)), spr.length)).toBeGreaterThan(0.99);
  });

  it('prefectures add up to the total, the top five as published', () => {
    expect(PREFECTURES.reduce((sum, p) => sum + p.foreignResidents, 0)).toBe(PUBLISHED.total);
    const byCode = Object.fromEntries(PREFECTURES.map((p) => [p.code, p.foreignResidents]));
    expect([byCode['13'], byCode['27'], byCode['23'], byCode['14'], byCode['11']]).toEqual([738_946, 333_564, 331_733, 292_450, 262_382]);
  });

  it('sex: men within 1.5 percentage points of the published share', () => {
    const men = share(count(main, (p) => p.immigration.resident.sex === 'MALE'), main.length);
    expect(Math.abs(men - PUBLISHED.male / PUBLISHED.total)).toBeLessThan(0.015);
  });

  it('ages fit the status: students 18-30, interns 18-40, dependants include children, SPR of all ages', () => {
    const ages = (status: StatusOfResidence) =>
      mtl.filter((p) => p.immigration.resident.statusOfResidence === status).map((p) => ageOn(p.immigration.resident.birthDate, AS_OF));
    expect(Math.min(...ages('STUDENT'))).toBeGreaterThanOrEqual(18);
    expect(Math.max(...ages('STUDENT'))).toBeLessThanOrEqual(30);
    expect(Math.min(...ages('TECHNICAL_INTERN_TRAINING_1'))).toBeGreaterThanOrEqual(18);
    expect(Math.max(...ages('TECHNICAL_INTERN_TRAINING_2'))).toBeLessThanOrEqual(40);
    expect(ages('DEPENDENT').some((age) => age < 16)).toBe(true);
    const spr = main.filter((p) => p.immigration.resident.residentClass === 'SPECIAL_PERMANENT').map((p) => ageOn(p.immigration.resident.birthDate, AS_OF));
    expect(Math.min(...spr)).toBeLessThan(10);
    expect(Math.max(...spr)).toBeGreaterThan(85);
  });

  it('My Number cards: 52.4% of holders of a My Number, about 3% of them a specific card', () => {
    const eligible = main.filter((p) => p.mynumber !== null);
    const holders = eligible.filter((p) => p.mynumber?.cards.length);
    expect(Math.abs(share(holders.length, eligible.length) - PUBLISHED.myNumberCardHoldingRate)).toBeLessThan(0.015);
    const specific = count(holders, (p) => p.mynumber?.cards.at(-1)?.card.kind !== 'MY_NUMBER_CARD');
    expect(specificCardShare(AS_OF)).toBeCloseTo(0.03, 10);
    expect(Math.abs(share(specific, holders.length) - 0.03)).toBeLessThan(0.008);
    expect(specificCardShare('2026-06-13')).toBe(0);
    expect(count(population.slice(PERSONS), (p) => (p.mynumber?.cards.length ?? 0) > 0)).toBe(0);
  });

  it('card formats follow the 2026-06-14 switch; some students and dependants may work part-time', () => {
    const inForce = mtl.flatMap((p) => p.immigration.cards.slice(-1));
    expect(inForce.filter((c) => c.kind === 'RESIDENCE_CARD_NEW_FORMAT').every((c) => c.issuedOn >= SPECIFIC_CARD_START)).toBe(true);
    expect(count(inForce, (c) => c.kind === 'RESIDENCE_CARD_OLD_FORMAT')).toBeGreaterThan(inForce.length / 2);
    const students = mtl.filter((p) => p.immigration.resident.statusOfResidence === 'STUDENT');
    expect(share(count(students, (p) => p.immigration.resident.activityOutsideStatus === 'COMPREHENSIVE'), students.length)).toBeGreaterThan(0.6);
  });
});
