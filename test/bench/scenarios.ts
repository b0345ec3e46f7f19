/**
 * The request-load scenarios: their operations, the requests made (drawn from the seeded population, which the
 * generator reproduces in memory from the same seed), and the expected answer of each request, computed once
 * before any load by asking the authorities directly (subgraphDirect.ts).
 */
import type { Authority } from '../../runtime/authority';
import { addDays } from '../../schema/dates';
import { generatePopulation, type SyntheticPerson } from '../../seeds/generate';
import { BENCH_CALLER_HEADER, forwardedPrincipalHeader, type BenchCaller, type PrincipalTokens } from './principals';
import { OPERATIONS } from './operations';
import type { SubgraphDirect } from './subgraphDirect';

export { OPERATIONS };

export type ScenarioName = 'unified' | 'batch' | 'statistics' | 'verify' | 'propagation' | 'access-log';

export const SCENARIO_TITLES: Record<ScenarioName, string> = {
  unified: 'unified record by My Number (person: 3 subgraphs, 3 fetches)',
  batch: 'batch of 100 (persons)',
  statistics: 'statistics query (foreignResidentStatistics)',
  verify: 'partner card check (verifyResidenceCard, API key)',
  propagation: 'lifecycle propagation (renewal -> J-LIS applied)',
  'access-log': 'access-log appends (one authority, 1/16/64 writers, PostgreSQL with fsync on and PGlite)',
};

export interface LoadScenario {
  name: 'unified' | 'batch' | 'verify' | 'statistics';
  caller: BenchCaller;
  bodies: string[];
  expected: string[];
}

/** The persons the requests are about: every k-th generated person with a My Number (spread over the population). */
export function samplePopulation(options: { seed: number; persons: number; asOf: string }, wanted: number): SyntheticPerson[] {
  const all: SyntheticPerson[] = [];
  for (const p of generatePopulation(options)) if (p.mynumber) all.push(p);
  const step = Math.max(1, Math.floor(all.length / wanted));
  const picked: SyntheticPerson[] = [];
  for (let i = 0; i < all.length && picked.length < wanted; i += step) picked.push(all[i]!);
  return picked;
}

/** Builds the three load scenarios and their expected answers (about 2,000 persons are asked for). */
export async function buildScenarios(persons: SyntheticPerson[], direct: SubgraphDirect): Promise<LoadScenario[]> {
  const myNumbers = persons.map((p) => p.mynumber!.myNumber.myNumber);

  // The expected unified records, 100 at a time (the same answers as one by one: checked for the first few).
  const records = new Map<string, unknown>();
  for (let i = 0; i < myNumbers.length; i += 100) {
    const chunk = myNumbers.slice(i, i + 100);
    (await direct.persons(chunk)).forEach((r, j) => records.set(chunk[j]!, r));
  }
  for (const n of myNumbers.slice(0, 5)) {
    const [one] = await direct.persons([n], true);
    if (JSON.stringify(one) !== JSON.stringify(records.get(n))) throw new Error(`Single and batch answers differ for ${n}`);
  }

  const unified = myNumbers.slice(0, 1000);
  const batches: string[][] = [];
  for (let i = 0; i + 100 <= myNumbers.length && batches.length < 20; i += 100) batches.push(myNumbers.slice(i, i + 100));

  // Card checks: the card each sampled person holds last, with the expiry printed on it; every 10th with a wrong one.
  const holders = persons.filter((p) => p.immigration.cards.length > 0).slice(0, 500);
  const checks = holders.map((p, i) => {
    const card = p.immigration.cards.at(-1)!;
    const printed = card.validUntil ?? '2099-12-31';
    return { number: card.number, expiresOn: i % 10 === 9 ? addDays(printed, 1) : printed };
  });
  const verdicts: unknown[] = [];
  for (let i = 0; i < checks.length; i += 16) {
    verdicts.push(...(await Promise.all(checks.slice(i, i + 16).map((c) => direct.verify(c.number, c.expiresOn)))));
  }

  // Statistics: the one- and two-way tables of the ISA's dimensions, some sliced by a filter (same text for everyone).
  const tables = statisticsQueries();
  const tablesExpected: unknown[] = [];
  for (const t of tables) tablesExpected.push(await direct.statistics(t.groupBy, t.filter));

  const body = (query: string, variables: Record<string, unknown>) => JSON.stringify({ query, variables });
  return [
    {
      name: 'unified',
      caller: 'officer',
      bodies: unified.map((n) => body(OPERATIONS.unified, { n })),
      expected: unified.map((n) => JSON.stringify({ data: { person: records.get(n) } })),
    },
    {
      name: 'batch',
      caller: 'officer',
      bodies: batches.map((ns) => body(OPERATIONS.batch, { ns })),
      expected: batches.map((ns) => JSON.stringify({ data: { persons: ns.map((n) => records.get(n)) } })),
    },
    {
      name: 'statistics',
      caller: 'analyst',
      bodies: tables.map((t) => body(OPERATIONS.statistics, t)),
      expected: tablesExpected.map((v) => JSON.stringify({ data: { foreignResidentStatistics: v } })),
    },
    {
      name: 'verify',
      caller: 'partner',
      bodies: checks.map((c) => body(OPERATIONS.verify, c)),
      expected: verdicts.map((v) => JSON.stringify({ data: { verifyResidenceCard: v } })),
    },
  ];
}

const STATISTICS_DIMENSIONS = [
  'STATUS_OF_RESIDENCE',
  'STATUS_GROUP',
  'NATIONALITY',
  'PREFECTURE',
  'RESIDENT_CLASS',
  'SEX',
  'AGE_BAND',
  'RESIDENCE_CARD_KIND',
  'CARD_ARRANGEMENT',
];
/**
 * Filters by large cells only: a filter selecting a cell its margin suppresses is refused whole, and in the small
 * populations benchmarked SPECIFIC_CARD is such a cell beside the few cards recorded EXPIRED (NONE).
 */
const STATISTICS_FILTERS: Array<Record<string, string>> = [{}, { cardArrangement: 'SEPARATE_CARDS' }, { sex: 'FEMALE' }, {}];

/** Every one-way table and every two-way table of the ISA's dimensions, each with one of a few filters. */
export function statisticsQueries(): Array<{ groupBy: string[]; filter: Record<string, string> }> {
  const tables: string[][] = STATISTICS_DIMENSIONS.map((d) => [d]);
  STATISTICS_DIMENSIONS.forEach((a, i) => STATISTICS_DIMENSIONS.slice(i + 1).forEach((b) => tables.push([a, b])));
  return tables.map((groupBy, k) => {
    const filter = STATISTICS_FILTERS[k % STATISTICS_FILTERS.length]!;
    const clashes = groupBy.some((d) => (d === 'CARD_ARRANGEMENT' && filter.cardArrangement) || (d === 'SEX' && filter.sex));
    return { groupBy, filter: clashes ? {} : filter };
  });
}

/** What a contender is sent: our gateway authenticates for real; the peers and the floor are told the caller. */
export function headersFor(
  contender: string,
  caller: BenchCaller,
  credentials: { staffToken: string; analystToken: string; apiKey: string; principals?: PrincipalTokens },
): Record<string, string> {
  if (contender === 'this') {
    if (caller === 'partner') return { 'x-api-key': credentials.apiKey };
    return { authorization: `Bearer ${caller === 'analyst' ? credentials.analystToken : credentials.staffToken}` };
  }
  // Grafbase's header rules are static: it sends the officer's principals unless the client sends others, one
  // header per subgraph (contenders/grafbase.ts).
  if (contender === 'grafbaseRust' && caller !== 'officer') {
    const tokens = credentials.principals?.[caller];
    if (!tokens) throw new Error(`grafbaseRust needs the ${caller}'s pre-signed principals`);
    return { [BENCH_CALLER_HEADER]: caller, ...Object.fromEntries(Object.entries(tokens).map(([a, t]) => [forwardedPrincipalHeader(a as Authority), t])) };
  }
  return { [BENCH_CALLER_HEADER]: caller };
}
