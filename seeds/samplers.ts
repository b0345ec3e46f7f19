/** Sampling tables built once from seeds/distributions.ts: fitted status × nationality, calibrated sex, places, ages. */
import { NATIONALITY_CODES, STATUSES_OF_RESIDENCE, type NationalityCode, type StatusOfResidence } from '../schema/codes';
import {
  AGE_BANDS,
  BASE_AFFINITY,
  DEFAULT_AGE_BANDS,
  DEFAULT_MALE_SHARE,
  MALE_SHARE,
  MTL_STATUS_COUNTS,
  NATIONALITY_AFFINITY,
  NATIONALITY_COUNTS,
  PUBLISHED,
  SPR_AGE_BANDS,
  SPR_MALE_SHARE,
  SPR_NATIONALITY_COUNTS,
  type AgeBand,
} from './distributions';
import { MUNICIPALITIES, PREFECTURES, type Municipality } from './municipalities';
import { Weighted, type Random } from './random';

const MTL_STATUSES = STATUSES_OF_RESIDENCE.filter((s) => MTL_STATUS_COUNTS[s] > 0);

/** MTL status, weighted by the published and chosen counts. */
export const mtlStatus = new Weighted(MTL_STATUSES.map((s) => [s, MTL_STATUS_COUNTS[s]] as const));

/**
 * The status × nationality table of MTL residents: the affinity prior fitted by iterative proportional
 * fitting to the status counts (rows) and the nationality counts minus special permanent residents (columns).
 */
function fitStatusNationality(iterations = 200): Map<StatusOfResidence, Map<NationalityCode, number>> {
  const columns = NATIONALITY_CODES;
  const columnTargets = columns.map((n) => (NATIONALITY_COUNTS[n] ?? 0) - (SPR_NATIONALITY_COUNTS[n] ?? 0));
  const matrix = MTL_STATUSES.map((s) => columns.map((n) => BASE_AFFINITY + (NATIONALITY_AFFINITY[s]?.[n] ?? 0)));
  for (let iteration = 0; iteration < iterations; iteration++) {
    matrix.forEach((row, i) => {
      const factor = MTL_STATUS_COUNTS[MTL_STATUSES[i] as StatusOfResidence] / row.reduce((a, b) => a + b, 0);
      row.forEach((_, j) => (row[j] = (row[j] as number) * factor));
    });
    columns.forEach((_, j) => {
      const sum = matrix.reduce((a, row) => a + (row[j] as number), 0);
      const factor = sum > 0 ? (columnTargets[j] as number) / sum : 0;
      matrix.forEach((row) => (row[j] = (row[j] as number) * factor));
    });
  }
  return new Map(MTL_STATUSES.map((s, i) => [s, new Map(columns.map((n, j) => [n, matrix[i]?.[j] as number]))]));
}

const fitted = fitStatusNationality();

/** Nationality of an MTL resident of a status. */
export const nationalityByStatus: ReadonlyMap<StatusOfResidence, Weighted<NationalityCode>> = new Map(
  [...fitted].map(([status, row]) => [status, new Weighted([...row].filter(([, w]) => w > 0))]),
);
/** Nationality of a special permanent resident. */
export const sprNationality = Weighted.of(SPR_NATIONALITY_COUNTS as Record<NationalityCode, number>);
/** Nationality of anyone, for the classes without a status (refuge, provisional stay, transitional). */
export const anyNationality = Weighted.of(NATIONALITY_COUNTS as Record<NationalityCode, number>);

function oddsScaled(share: number, factor: number): number {
  return (factor * share) / (factor * share + 1 - share);
}

/** The odds factor that brings the expected number of men to the published figure (bisection on a monotone sum). */
function calibrateMaleOdds(): number {
  const target = PUBLISHED.male / (PUBLISHED.male + PUBLISHED.female);
  const expected = (factor: number) =>
    (MTL_STATUSES.reduce((sum, s) => sum + MTL_STATUS_COUNTS[s] * oddsScaled(MALE_SHARE[s] ?? DEFAULT_MALE_SHARE, factor), 0) +
      PUBLISHED.specialPermanent * oddsScaled(SPR_MALE_SHARE, factor)) /
    PUBLISHED.total;
  let [lo, hi] = [0.01, 100];
  for (let i = 0; i < 100; i++) {
    const mid = Math.sqrt(lo * hi);
    if (expected(mid) < target) lo = mid;
    else hi = mid;
  }
  return Math.sqrt(lo * hi);
}

const MALE_ODDS = calibrateMaleOdds();

/** Probability that a person of this status (null: special permanent resident) is a man, calibrated. */
export function maleProbability(status: StatusOfResidence | null): number {
  return oddsScaled(status === null ? SPR_MALE_SHARE : (MALE_SHARE[status] ?? DEFAULT_MALE_SHARE), MALE_ODDS);
}

const prefecture = new Weighted(PREFECTURES.map((p) => [p.code, p.foreignResidents] as const));
const municipalityInPrefecture = new Map(
  PREFECTURES.map((p) => [p.code, new Weighted(MUNICIPALITIES.filter((m) => m.prefectureCode === p.code).map((m) => [m, m.weight] as const))]),
);

/** A municipality: prefecture by its foreign residents, then a listed municipality by weight. */
export function pickMunicipality(random: Random): Municipality {
  return (municipalityInPrefecture.get(prefecture.sample(random)) as Weighted<Municipality>).sample(random);
}

/** A municipality in the same prefecture as `near` (for earlier addresses: most moves stay in the prefecture). */
export function pickMunicipalityNear(random: Random, near: Municipality): Municipality {
  return (municipalityInPrefecture.get(near.prefectureCode) as Weighted<Municipality>).sample(random);
}

const ageBands = new Map<StatusOfResidence | null, Weighted<AgeBand>>([
  [null, new Weighted(SPR_AGE_BANDS.map((b) => [b, b[2]] as const))],
  ...MTL_STATUSES.map((s) => [s, new Weighted((AGE_BANDS[s] ?? DEFAULT_AGE_BANDS).map((b) => [b, b[2]] as const))] as const),
]);

/** An age band for a status (null: special permanent resident). */
export function pickAgeBand(random: Random, status: StatusOfResidence | null): AgeBand {
  return (ageBands.get(status) ?? (ageBands.get('DESIGNATED_ACTIVITIES') as Weighted<AgeBand>)).sample(random);
}
