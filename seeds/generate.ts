/**
 * The synthetic population, streamed person by person in constant memory: same seed, persons and asOf,
 * same rows, on any machine. Row types are in rows.ts.
 */
import type { ResidentClass } from '../schema/codes';
import { OTHER_CLASSES_PER_TOTAL, PUBLISHED, WITHOUT_RESIDENT_RECORD } from './distributions';
import { FIRST_GENERATED_KEY } from './keys';
import { buildPerson, drawProfile, type Apportioned } from './person';
import { mixSeed, Random } from './random';
import type { SyntheticPerson } from './rows';

export type * from './rows';
export { FIRST_GENERATED_KEY } from './keys';

/** What to generate. */
export interface PopulationOptions {
  /** Any 32-bit integer; each person's draws come from (seed, key) alone. */
  seed: number;
  /** Mid-to-long-term and special permanent residents; the other four classes come on top (see extraPersons). */
  persons: number;
  /** The day the population is current on (yyyy-mm-dd): every stay and card in force is valid that day. */
  asOf: string;
}

/** Whether position `i` of an exact apportionment of `part` in `whole` is one of the `part` (Bresenham). */
function apportioned(i: number, part: number, whole: number): boolean {
  return Math.floor(((i + 1) * part) / whole) > Math.floor((i * part) / whole);
}

/**
 * How many persons of each of the four other classes come on top of `persons`: the figure per 3,768,977
 * (OTHER_CLASSES_PER_TOTAL) scaled to `persons` and rounded up, so each class appears at least once.
 */
export function extraPersons(persons: number): Array<[ResidentClass, number]> {
  if (persons <= 0) return [];
  return (Object.entries(OTHER_CLASSES_PER_TOTAL) as Array<[ResidentClass, number]>).map(([residentClass, figure]) => [
    residentClass,
    Math.ceil((persons * figure) / PUBLISHED.total),
  ]);
}

/** The total number of persons `generatePopulation` yields for `persons`. */
export function populationSize(persons: number): number {
  return persons + extraPersons(persons).reduce((sum, [, count]) => sum + count, 0);
}

/**
 * The exactly apportioned facts of the person at index `i` (key FIRST_GENERATED_KEY + i): special permanent
 * residents are 274,023 of every 3,768,977; among mid-to-long-term residents, 91,514 of every 3,494,954 have
 * no resident record; sex OTHER is 30 of every 3,768,977. At persons = 3,768,977 the counts are exact.
 */
export function apportionmentAt(i: number): Apportioned {
  const special = apportioned(i, PUBLISHED.specialPermanent, PUBLISHED.total);
  const mtlIndex = i - Math.floor((i * PUBLISHED.specialPermanent) / PUBLISHED.total);
  return {
    key: FIRST_GENERATED_KEY + i,
    residentClass: special ? 'SPECIAL_PERMANENT' : 'MID_TO_LONG_TERM',
    hasResidentRecord: special || !apportioned(mtlIndex, WITHOUT_RESIDENT_RECORD, PUBLISHED.midToLongTerm),
    otherSex: apportioned(i, PUBLISHED.otherSex, PUBLISHED.total),
  };
}

/**
 * Generates `persons` mid-to-long-term and special permanent residents with keys FIRST_GENERATED_KEY + i,
 * then the extra persons of the other classes with the following keys. Class, resident record and sex
 * OTHER are apportioned exactly (apportionmentAt); everything else is drawn from the person's own
 * stream (seed, key), so a person does not depend on the others.
 */
export function* generatePopulation(options: PopulationOptions): Generator<SyntheticPerson> {
  const { seed, persons, asOf } = options;
  const person = (fixed: Apportioned) => {
    const random = new Random(mixSeed(seed, fixed.key));
    return buildPerson(random, drawProfile(random, fixed, asOf), asOf);
  };
  for (let i = 0; i < persons; i++) yield person(apportionmentAt(i));
  let key = FIRST_GENERATED_KEY + persons;
  for (const [residentClass, count] of extraPersons(persons)) {
    // Temporary refuge, provisional stay and transitional persons are in the resident registry (住基法 30条の45).
    for (let n = 0; n < count; n++) yield person({ key: key++, residentClass, hasResidentRecord: true, otherSex: false });
  }
}
