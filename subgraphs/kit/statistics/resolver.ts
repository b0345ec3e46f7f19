/**
 * The GraphQL side of an authority's statistics: who may ask (analysts, for statistics), the arguments as the
 * contract spells them, and the table as the contract returns it.
 */
import { LANGUAGES, type Language } from '../../../schema/codes';
import { DISCLOSURE_THRESHOLD, dimensionLabel, type StatisticsDimension } from '../../../schema/statistics';
import { userError } from '../errors';
import type { Principal } from '../../../runtime/principal';
import { readForRequest, type StatisticsAnswer, type StatisticsCube } from './cube';
import { CELL_KEY_COLUMNS, MAX_PERTURBATION, PERTURBATION_TABLE } from './perturbation';
import type { StatisticsContext } from './responseCache';
import type { YearEnd } from './trend';

/** The filter's fields (camelCase of the dimension names), one code each. */
export type StatisticsFilterInput = Partial<Record<string, string | null>>;

const FILTER_FIELDS: Readonly<Record<string, StatisticsDimension>> = {
  statusOfResidence: 'STATUS_OF_RESIDENCE',
  statusGroup: 'STATUS_GROUP',
  nationality: 'NATIONALITY',
  prefecture: 'PREFECTURE',
  municipality: 'MUNICIPALITY',
  residentClass: 'RESIDENT_CLASS',
  residentCategory: 'RESIDENT_CATEGORY',
  sex: 'SEX',
  ageBand: 'AGE_BAND',
  residenceCardKind: 'RESIDENCE_CARD_KIND',
  cardArrangement: 'CARD_ARRANGEMENT',
};

export const DISCLOSURE_METHOD =
  'Cell key perturbation with suppression. Every person counted carries a fixed record key (a keyed hash of their ' +
  'My Number under a secret both authorities hold, so a person has the same key in the ISA and the resident registry); ' +
  "a cell's key is the sum of its persons' record keys modulo 1, and the published count is the true count plus the " +
  "perturbation table's value for (count, cell key). The same persons give the same published value in every query " +
  'and from either authority; a change of members draws the cell key anew. Cells of 1 to 9 persons are suppressed ' +
  '(primary), and in every line of a table (cells differing in one dimension, including municipalities within a ' +
  'prefecture and statuses within a status group) the suppressed cells are either none or at least two holding 10 or ' +
  'more persons together (secondary); the pattern depends on the true counts alone. Counts are live. Empty cells are omitted.';

/** What every answer states about its disclosure control, beside the suppressed cells it counts. */
const PERTURBATION = {
  maxPerturbation: MAX_PERTURBATION,
  cellKeyColumns: CELL_KEY_COLUMNS,
  perturbationTable: PERTURBATION_TABLE,
};

export interface StatisticsTableView {
  total: number;
  dimensions: StatisticsDimension[];
  authority: string;
  population: string;
  referenceYear: number;
  asOf: string;
  disclosureControl: { threshold: number; suppressedCells: number; method: string } & typeof PERTURBATION;
  trend: YearEnd[];
  cells: Array<{
    key: Coordinate[];
    count: number | null;
    share: number | null;
    suppressed: boolean;
  }>;
}

/** Only analysts, and only for statistics, read counts; nobody reads them with a person's purpose. */
export function isAnalyst(principal: Principal): boolean {
  return principal.role === 'analyst' && principal.purpose === 'statistics';
}

/** Refuses anyone but an analyst asking for statistics (FORBIDDEN). */
export function requireAnalyst(principal: Principal): void {
  if (!isAnalyst(principal)) {
    throw userError('FORBIDDEN', 'Statistics are for analysts, for the purpose of statistics');
  }
}

/** Answers `foreignResidentStatistics(groupBy, filter)` from the authority's cube. */
export async function statisticsTable(
  /** The request's context; `statisticsUsed` records the answer for the response cache. */
  request: StatisticsContext & { statistics: StatisticsCube },
  args: { groupBy: StatisticsDimension[]; filter?: StatisticsFilterInput | null },
  meta: { authority: string; population: string },
): Promise<StatisticsTableView> {
  const { statistics: cube, principal, statisticsUsed: used } = request;
  requireAnalyst(principal);
  const filter: Partial<Record<StatisticsDimension, string>> = {};
  for (const [field, code] of Object.entries(args.filter ?? {})) {
    if (code === null || code === undefined) continue;
    filter[FILTER_FIELDS[field] as StatisticsDimension] = code;
  }
  const query = { groupBy: args.groupBy, filter };
  // Every change committed before the request is in the answer.
  await readForRequest(request);
  const answer = cube.answer(query);
  used?.push({ query, answer });
  if (answer.total === null) {
    throw userError('STATISTICS_TOTAL_SUPPRESSED', 'The filter selects too few persons to publish anything about them', {
      threshold: DISCLOSURE_THRESHOLD,
    });
  }
  const total = answer.total;
  return {
    total,
    dimensions: args.groupBy,
    authority: meta.authority,
    population: meta.population,
    referenceYear: answer.referenceYear,
    asOf: request.today,
    disclosureControl: { threshold: cube.threshold, suppressedCells: answer.suppressedCells, method: DISCLOSURE_METHOD, ...PERTURBATION },
    trend: cube.yearEnds?.trend(filter) ?? [],
    cells: viewCells(answer, args.groupBy, total),
  };
}

/** The answer's cells as the contract returns them, each key a list of shared coordinate objects. */
function viewCells(answer: StatisticsAnswer, groupBy: readonly StatisticsDimension[], total: number): StatisticsTableView['cells'] {
  // Per asked dimension, the coordinate of each code number the answer's cells refer to.
  const byNumber = answer.codes.map((codes, g) => codes.map((code) => coordinate(groupBy[g] as StatisticsDimension, code)));
  const cells: StatisticsTableView['cells'] = new Array(answer.counts.length);
  for (let k = 0; k < cells.length; k++) {
    const key = new Array<Coordinate>(byNumber.length);
    for (let g = 0; g < byNumber.length; g++) key[g] = (byNumber[g] as Coordinate[])[(answer.codeOf[g] as Int32Array)[k] as number] as Coordinate;
    const count = answer.suppressed[k] === 1 ? null : (answer.counts[k] as number);
    cells[k] = { key, count, share: count === null || total === 0 ? null : count / total, suppressed: count === null };
  }
  return cells;
}

type Coordinate = Readonly<{ dimension: StatisticsDimension; code: string }>;
const coordinates = new Map<StatisticsDimension, Map<string, Coordinate>>();

/**
 * The types an answer's writer may write once per object (writeAnswer.ts): a coordinate's fields (code, label)
 * depend on the coordinate alone, and coordinate() gives one object per code.
 */
export const PURE_TYPES: ReadonlySet<string> = new Set(['StatisticsCoordinate']);

/** One object per dimension and code, shared by every cell (so an answer's writer can write each once). */
function coordinate(dimension: StatisticsDimension, code: string): Coordinate {
  let byCode = coordinates.get(dimension);
  if (!byCode) coordinates.set(dimension, (byCode = new Map()));
  let found = byCode.get(code);
  if (!found) byCode.set(code, (found = Object.freeze({ dimension, code })));
  return found;
}

/** `StatisticsCoordinate.label(language)`: every code comes with its label. */
export const coordinateResolvers = {
  label: (coordinate: { dimension: StatisticsDimension; code: string }, args: { language?: string | null }): string => {
    const language = args.language ?? 'ja';
    if (!(LANGUAGES as readonly string[]).includes(language)) {
      throw userError('UNKNOWN_LANGUAGE', `No labels in ${language}; use one of ${LANGUAGES.join(', ')}`);
    }
    return dimensionLabel(coordinate.dimension, coordinate.code, language as Language);
  },
};
