/**
 * `npm run bench:statistics`: statistics through the gateway of a running system (`npm start`, on PostgreSQL
 * seeded at national scale: `npm run seed -- --persons 3768977 --without-personas`). Prints and writes
 * (test/bench/results/statistics-latest.{json,md}):
 * - the exhibit 1 counts (mid-to-long-term and special permanent residents) as the gateway answers them;
 * - latency of every distinct query the first time it is asked (a table not yet in memory), and of a mixed load
 *   of the same queries from several connections (p50/p95/p99);
 * - freshness: card conversions through the gateway, one at a time, each timed until the arrangement counts show
 *   it.
 *
 * Options: --gateway URL (default http://127.0.0.1:$GATEWAY_PORT/graphql), --requests N (mixed load, default
 * 2000), --connections C (default 8), --settle-ms MS (the client's pause after its own start, default 3000),
 * --conversions N (freshness samples, default 5).
 * Tokens come from the development keys under DATA_DIR.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { request } from 'undici';
import { issueDevToken } from '../../gateway/tokenCli';
import { DIMENSION_CODES, type StatisticsDimension } from '../../schema/statistics';
import { MAX_TABLE_CELLS, canonical } from '../../subgraphs/kit/statistics/cube';
import { IMMIGRATION_FACTS } from '../../subgraphs/immigration/statistics';
import { PUBLISHED } from '../../seeds/distributions';

/** The dimensions the ISA counts by, as its fact source declares them. */
const ISA_DIMENSIONS = Object.keys(IMMIGRATION_FACTS.dimensions) as StatisticsDimension[];
const FILTERS: Array<Record<string, string>> = [
  {},
  { prefecture: '13' },
  { sex: 'FEMALE' },
  { statusGroup: 'TECHNICAL_INTERN_TRAINING' },
  { nationality: 'VNM' },
  { residentClass: 'SPECIAL_PERMANENT' },
  { cardArrangement: 'SPECIFIC_CARD' },
];

const QUERY = `query ($groupBy: [StatisticsDimension!]!, $filter: StatisticsFilter) {
  foreignResidentStatistics(groupBy: $groupBy, filter: $filter) {
    total disclosureControl { suppressedCells maxPerturbation } cells { key { code label } count share suppressed } } }`;

/** Every one- and two-way table, a sample of three-way ones, each with a few filters (deterministic order). */
export function queryMix(): Array<{ groupBy: StatisticsDimension[]; filter: Record<string, string> }> {
  const out: Array<{ groupBy: StatisticsDimension[]; filter: Record<string, string> }> = [];
  const pairs: StatisticsDimension[][] = [];
  ISA_DIMENSIONS.forEach((a, i) => ISA_DIMENSIONS.slice(i + 1).forEach((b) => pairs.push([a, b])));
  const triples: StatisticsDimension[][] = [];
  ISA_DIMENSIONS.forEach((a, i) =>
    ISA_DIMENSIONS.slice(i + 1).forEach((b, j) => ISA_DIMENSIONS.slice(i + j + 2).forEach((c) => triples.push([a, b, c]))),
  );
  // Three-way tables within the size limit (the others are refused with STATISTICS_TABLE_TOO_LARGE).
  const fits = (dims: StatisticsDimension[]) => canonical(dims).reduce((p, d) => p * DIMENSION_CODES[d].length, 1) <= MAX_TABLE_CELLS;
  const tables = [...ISA_DIMENSIONS.map((d) => [d]), ...pairs, ...triples.filter(fits).filter((_, k) => k % 3 === 0)];
  tables.forEach((groupBy, k) => {
    const filter = FILTERS[k % FILTERS.length]!;
    // A filter on a dimension of the table itself is allowed but adds nothing here.
    const sliced = Object.keys(filter).some((f) => groupBy.some((d) => camel(d) === f)) ? {} : filter;
    const filterDims = Object.keys(sliced).map((f) => ISA_DIMENSIONS.find((d) => camel(d) === f) as StatisticsDimension);
    out.push({ groupBy, filter: fits([...groupBy, ...filterDims]) ? sliced : {} });
  });
  return out;
}

const camel = (d: string) => d.toLowerCase().replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] as number;
}
const stats = (ms: number[]) => {
  const s = [...ms].sort((a, b) => a - b);
  return { n: s.length, p50: round(percentile(s, 50)), p95: round(percentile(s, 95)), p99: round(percentile(s, 99)), max: round(s.at(-1) ?? 0) };
};
const round = (x: number) => Math.round(x * 100) / 100;

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      gateway: { type: 'string', default: `http://127.0.0.1:${process.env.GATEWAY_PORT ?? 4000}/graphql` },
      requests: { type: 'string', default: '2000' },
      connections: { type: 'string', default: '8' },
      'settle-ms': { type: 'string', default: '3000' },
      conversions: { type: 'string', default: '5' },
    },
  });
  const conversions = Number(values.conversions);
  if (!Number.isSafeInteger(conversions) || conversions < 1) throw new Error(`--conversions must be a whole number of at least 1, not "${values.conversions}"`);
  const dataDir = process.env.DATA_DIR ?? '.data';
  // An analyst of its own per run: a run asks thousands of tables, a good part of one analyst's daily budget.
  const analyst = await issueDevToken({ role: 'analyst', dataDir, sub: `bench-analyst-${Date.now()}` });
  const officer = await issueDevToken({ role: 'isa-officer', dataDir });
  const url = values.gateway;
  const ask = async (token: string, query: string, variables: Record<string, unknown>) => {
    const started = performance.now();
    const res = await request(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ query, variables }),
    });
    // Latency is the server's: from sending the request to the last byte of the answer, read as it comes (undici's
    // plain request: fetch's web streams cost the client about as much again for a large answer). Joining,
    // decoding and parsing the answer is the client's own work and is done after the clock stops.
    const chunks: Buffer[] = [];
    for await (const chunk of res.body) chunks.push(chunk as Buffer);
    const ms = performance.now() - started;
    const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { data?: Record<string, unknown>; errors?: Array<{ message: string; extensions?: { code?: string } }> };
    return { ms, body };
  };

  const report: Record<string, unknown> = {
    startedAt: new Date().toISOString(),
    machine: `${cpus().length} x ${cpus()[0]?.model ?? 'cpu'}`,
    latency: 'from sending the request to the last byte of the answer; the client decodes and parses it after the clock stops',
    loadAverageAtStart: loadavg().map(round),
  };

  // This client was started a moment ago, TypeScript transpiled and modules loaded (over a core's worth of CPU in
  // its first second, on a machine of two); the first asks are timed once that has settled, so they measure the
  // system and not the client's own start.
  const settleMs = Number(values['settle-ms']);
  report.clientSettledMs = settleMs;
  await new Promise((resolve) => setTimeout(resolve, settleMs));

  // Exhibit 1.
  const classes = await ask(analyst, QUERY, { groupBy: ['RESIDENT_CLASS'] });
  if (classes.body.errors) throw new Error(JSON.stringify(classes.body.errors));
  const table = classes.body.data!.foreignResidentStatistics as {
    total: number;
    disclosureControl: { maxPerturbation: number };
    cells: Array<{ key: Array<{ code: string }>; count: number }>;
  };
  // Published (perturbed) figures against exhibit 1, within the tolerance the answer states.
  const published: Record<string, number> = { total: table.total, ...Object.fromEntries(table.cells.map((c) => [c.key[0]!.code, c.count])) };
  const reference: Record<string, number> = {
    total: PUBLISHED.total,
    MID_TO_LONG_TERM: PUBLISHED.midToLongTerm,
    SPECIAL_PERMANENT: PUBLISHED.specialPermanent,
  };
  const tolerance = table.disclosureControl.maxPerturbation;
  report.exhibit1 = {
    ...published,
    tolerance,
    offFromExhibit1: Object.fromEntries(Object.entries(reference).map(([k, v]) => [k, (published[k] ?? 0) - v])),
    withinTolerance: Object.entries(reference).every(([k, v]) => Math.abs((published[k] ?? 0) - v) <= tolerance),
  };
  console.log('exhibit 1 through the gateway:', report.exhibit1);

  // Every distinct query once: the first time a table is asked for, it is added up from the detailed counts.
  const mix = queryMix();
  const cold: number[] = [];
  const slowest: Array<{ ms: number; groupBy: string; filter: string; cells: number }> = [];
  let errors = 0;
  for (const q of mix) {
    const { ms, body } = await ask(analyst, QUERY, q);
    if (body.errors && body.errors[0]?.extensions?.code !== 'STATISTICS_TOTAL_SUPPRESSED') errors++;
    cold.push(ms);
    const cells = ((body.data?.foreignResidentStatistics as { cells?: unknown[] } | undefined)?.cells ?? []).length;
    slowest.push({ ms: round(ms), groupBy: q.groupBy.join(' x '), filter: JSON.stringify(q.filter), cells });
  }
  // The slowest first asks, to tell a large answer from a table that is slow to decide.
  slowest.sort((a, b) => b.ms - a.ms).splice(5);
  report.firstAsk = { queries: mix.length, errors, ...stats(cold), slowest };
  console.log('first ask of each distinct query (ms):', report.firstAsk);

  // Mixed load: the same queries in a shuffled order from several connections.
  const total = Number(values.requests);
  const connections = Number(values.connections);
  const warm: number[] = [];
  // Latency by the size of the answer: the work per request grows with the cells it carries.
  const bySize: Record<string, number[]> = { 'up to 100 cells': [], '101-1000 cells': [], 'over 1000 cells': [] };
  const sizeOf = (body: { data?: Record<string, unknown> }) =>
    ((body.data?.foreignResidentStatistics as { cells?: unknown[] } | undefined)?.cells ?? []).length;
  const bucket = (cells: number) => (cells <= 100 ? 'up to 100 cells' : cells <= 1000 ? '101-1000 cells' : 'over 1000 cells');
  let next = 0;
  let loadErrors = 0;
  const errorCodes: Record<string, number> = {};
  const loadStarted = performance.now();
  await Promise.all(
    Array.from({ length: connections }, async () => {
      for (;;) {
        const i = next++;
        if (i >= total) return;
        const q = mix[(i * 7919) % mix.length]!;
        const { ms, body } = await ask(analyst, QUERY, q);
        if (body.errors && body.errors[0]?.extensions?.code !== 'STATISTICS_TOTAL_SUPPRESSED') {
          loadErrors++;
          const code = body.errors[0]?.extensions?.code ?? 'unknown';
          errorCodes[code] = (errorCodes[code] ?? 0) + 1;
        }
        warm.push(ms);
        bySize[bucket(sizeOf(body))]!.push(ms);
      }
    }),
  );
  const seconds = (performance.now() - loadStarted) / 1000;
  report.mixedLoad = {
    connections,
    errors: loadErrors,
    errorCodes,
    rps: round(total / seconds),
    ...stats(warm),
    bySize: Object.fromEntries(Object.entries(bySize).filter(([, ms]) => ms.length > 0).map(([k, ms]) => [k, stats(ms)])),
  };
  console.log('mixed load (ms):', report.mixedLoad);

  // Freshness: convert residents from (b) to (a) through the gateway; time until the counts show it. The
  // published counts are perturbed, so "shows it" is: any published cell of the watched tables differs from before
  // (nothing else writes while this runs). A cell the person left or joined comes out the same as before about one
  // time in six, and the cells of one conversion are not independent in this: they are all drawn again with the
  // same record key added or taken away, and for some keys most of them come out unchanged (docs/disclosure-
  // control.md, Time). So the watch is wide: the card arrangement and the card kind, each alone and by every other
  // dimension the ISA counts: eighteen tables and about thirty-six moved cells. The first answer in which
  // one differs is timed, which can only overstate the delay.
  // An analyst of its own: a conversion never seen costs ROUNDS x 18 tables (the budget is 10,000 a day),
  // beside the run's thousands.
  const watcher = await issueDevToken({ role: 'analyst', dataDir, sub: `bench-freshness-${Date.now()}` });
  const ROUNDS = 100;
  const WATCHED: StatisticsDimension[][] = (['CARD_ARRANGEMENT', 'RESIDENCE_CARD_KIND'] as const).flatMap((card) => [
    [card],
    ...ISA_DIMENSIONS.filter((d) => d !== card && d !== 'CARD_ARRANGEMENT' && d !== 'RESIDENCE_CARD_KIND').map((d) => canonical([d, card])),
  ]);
  // An operation selects at most five root fields (docs/request-limits.md): the tables go in requests of five, sent
  // together.
  const watchRequests = Array.from({ length: Math.ceil(WATCHED.length / 5) }, (_, r) => WATCHED.slice(r * 5, r * 5 + 5)).map((tables) => ({
    tables,
    query: `query { ${tables.map((groupBy, i) => `t${i}: foreignResidentStatistics(groupBy: [${groupBy.join(', ')}]) { cells { key { code } count } }`).join(' ')} }`,
  }));
  const arrangement = async () => {
    const published: Record<string, number | null> = {};
    const answers = await Promise.all(watchRequests.map(({ query }) => ask(watcher, query, {})));
    answers.forEach(({ body }, r) => {
      if (body.errors) throw new Error(JSON.stringify(body.errors));
      (watchRequests[r] as { tables: StatisticsDimension[][] }).tables.forEach((groupBy, i) => {
        const t = body.data![`t${i}`] as { cells: Array<{ key: Array<{ code: string }>; count: number | null }> };
        for (const c of t.cells) published[`${groupBy.join('x')}:${c.key.map((k) => k.code).join('/')}`] = c.count;
      });
    });
    return published;
  };
  const differs = (a: Record<string, number | null>, b: Record<string, number | null>) =>
    Object.keys(a).length !== Object.keys(b).length || Object.entries(a).some(([cell, count]) => b[cell] !== count);
  const candidates = await findConvertible(ask, officer, conversions);
  if (candidates.length > 0) {
    // One conversion at a time, each timed from its own commit: a distribution, not one sample.
    const samples: Array<Record<string, unknown>> = [];
    for (const candidate of candidates) {
      const before = await arrangement();
      const mutated = await ask(officer, `mutation ($n: ID!) { issueSpecificResidenceCard(myNumber: $n) { kind } }`, { n: candidate });
      if (mutated.body.errors) throw new Error(JSON.stringify(mutated.body.errors));
      const committed = performance.now();
      let seen = -1;
      let rounds = 0;
      for (; rounds < ROUNDS; rounds++) {
        const now = await arrangement();
        if (differs(now, before)) {
          seen = performance.now() - committed;
          break;
        }
      }
      if (seen >= 0) {
        samples.push({ msUntilVisible: round(seen), rounds: rounds + 1 });
        continue;
      }
      const after = await arrangement();
      samples.push({
        msUntilVisible: null,
        note: `no watched cell was published anew in ${ROUNDS} rounds of asks`,
        // Whether the person's own record shows the conversion: a conversion that did not happen, or counts
        // that did not follow it.
        personsArrangementAfter: await cardArrangementOf(ask, officer, candidate),
        publishedAnewAfterAnother2s: await new Promise((resolve) => setTimeout(resolve, 2000)).then(async () => differs(await arrangement(), before)),
        // Which watched cells, if any, the published tables show apart from before (normally none here).
        cellsChanged: Object.keys(after).filter((cell) => after[cell] !== before[cell]),
        watchedCells: Object.keys(before).length,
      });
    }
    const visible = samples.map((s) => s.msUntilVisible).filter((ms): ms is number => typeof ms === 'number');
    report.freshness = {
      change: 'issueSpecificResidenceCard (b) -> (a)',
      conversions: samples.length,
      notSeen: samples.length - visible.length,
      msUntilVisible: visible.length > 0 ? stats(visible) : null,
      samples,
    };
    console.log('freshness:', JSON.stringify(report.freshness, null, 2));
  } else {
    report.freshness = {
      note: process.env.IMMIGRATION_DATABASE_URL
        ? 'no resident with separate cards found among the first 200 with a My Number'
        : 'not measured: IMMIGRATION_DATABASE_URL is not set (the candidate is looked up in the ISA database)',
    };
    console.log('freshness:', report.freshness);
  }

  report.finishedAt = new Date().toISOString();
  report.loadAverageAtEnd = loadavg().map(round);
  const dir = join(__dirname, 'results');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'statistics-latest.json'), `${JSON.stringify(report, null, 2)}\n`);
  writeFileSync(join(dir, 'statistics-latest.md'), markdown(report));
  console.log('Wrote test/bench/results/statistics-latest.json and .md');
}

/** A resident in arrangement (b) whom an officer may convert: read through the gateway, by card number order. */
async function findConvertible(
  ask: (token: string, query: string, variables: Record<string, unknown>) => Promise<{ body: { data?: Record<string, unknown> } }>,
  officer: string,
  wanted: number,
): Promise<string[]> {
  const url = process.env.IMMIGRATION_DATABASE_URL;
  if (!url) return [];
  const { Client } = await import('pg');
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ my_number: string }>(
      `SELECT f.my_number FROM foreign_resident f JOIN residence_card c ON c.resident_id = f.id AND c.status = 'VALID'
       WHERE f.my_number_card_held AND c.kind = 'RESIDENCE_CARD_NEW_FORMAT' AND f.resident_class = 'MID_TO_LONG_TERM' LIMIT 200`,
    );
    const found: string[] = [];
    for (const { my_number } of rows) {
      if (found.length >= wanted) break;
      if ((await cardArrangementOf(ask, officer, my_number)) === 'SEPARATE_CARDS') found.push(my_number);
    }
    return found;
  } finally {
    await client.end();
  }
}

/** A person's card arrangement as an officer reads it through the gateway (null when not shown). */
async function cardArrangementOf(
  ask: (token: string, query: string, variables: Record<string, unknown>) => Promise<{ body: { data?: Record<string, unknown> } }>,
  officer: string,
  myNumber: string,
): Promise<string | null> {
  const { body } = await ask(officer, `query ($n: ID!) { person(myNumber: $n) { cardArrangement } }`, { n: myNumber });
  return (body.data?.person as { cardArrangement?: string } | null)?.cardArrangement ?? null;
}

function markdown(r: Record<string, unknown>): string {
  const lines = ['# Statistics through the gateway', '', '`npm run bench:statistics`', '', '```json', JSON.stringify(r, null, 2), '```', ''];
  return lines.join('\n');
}

if (require.main === module) void main().catch((err: Error) => {
  console.error(err.message);
  process.exit(1);
});
