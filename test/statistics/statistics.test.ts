import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { STATS_VERIFY_PATH } from '../../schema/internalPaths';
import { DISCLOSURE_THRESHOLD, type StatisticsDimension } from '../../schema/statistics';
import { auditAccessLogs } from '../../subgraphs/kit/auditVerify';
import { eventsOptionsFor } from '../../subgraphs/kit/eventRoutes';
import { callInternal } from '../../subgraphs/kit/internalCall';
import { keysDir, loadOrCreateKeyPair } from '../../runtime/keys';
import { signPrincipal } from '../../runtime/principal';
import type { StatisticsReport } from '../../subgraphs/kit/statistics/verify';
import { YearEndSnapshots } from '../../subgraphs/kit/statistics/trend';
import { IMMIGRATION_FACTS } from '../../subgraphs/immigration/statistics';
import { startStack, type Stack } from '../harness';
import { eventually, persona } from '../personas';

let stack: Stack;
let analyst: string;

beforeAll(async () => {
  stack = await startStack({ persons: 2000 });
  analyst = await stack.token('analyst');
});
afterAll(() => stack?.stop());

const STATISTICS = `query ($groupBy: [StatisticsDimension!]!, $filter: StatisticsFilter, $language: String) {
  foreignResidentStatistics(groupBy: $groupBy, filter: $filter) {
    total authority referenceYear
    disclosureControl { threshold suppressedCells }
    cells { key { dimension code label(language: $language) } count share suppressed }
  } }`;

interface Table {
  total: number;
  disclosureControl: { threshold: number; suppressedCells: number };
  cells: Array<{ key: Array<{ dimension: string; code: string; label: string }>; count: number | null; share: number | null; suppressed: boolean }>;
}

async function statistics(groupBy: StatisticsDimension[], filter: Record<string, string> = {}, token = analyst, language?: string) {
  const { body } = await stack.query(token, STATISTICS, { groupBy, filter, language });
  return body as { data?: { foreignResidentStatistics: Table | null } | null; errors?: Array<{ extensions: { code: string } }> };
}

async function table(groupBy: StatisticsDimension[], filter: Record<string, string> = {}): Promise<Table> {
  const body = await statistics(groupBy, filter);
  expect(body.errors).toBeUndefined();
  return body.data!.foreignResidentStatistics!;
}

/** The true counts, recounted from the ISA's base tables (not from the statistics tables). */
const TRUE_COUNTS = `
  SELECT coalesce('my-number:' || f.my_number, 'isa:' || f.id) AS pseudonym,
         f.resident_class, coalesce(f.status_of_residence, 'NONE') AS status, f.nationality,
         coalesce(f.municipality_code::text, 'NONE') AS municipality, f.sex,
         coalesce(c.kind, 'NONE') AS card_kind,
         CASE WHEN c.status IS DISTINCT FROM 'VALID' THEN 'NONE'
              WHEN c.kind LIKE 'SPECIFIC_%' THEN 'SPECIFIC_CARD'
              WHEN f.my_number_card_held THEN 'SEPARATE_CARDS' ELSE 'RESIDENCE_CARD_ONLY' END AS arrangement
  FROM foreign_resident f LEFT JOIN residence_card c ON c.resident_id = f.id AND c.status <> 'SUPERSEDED'
  WHERE f.resident_class IN ('MID_TO_LONG_TERM', 'SPECIAL_PERMANENT') AND (c.status IS NULL OR c.status NOT IN ('RETURNED', 'REVOKED'))`;

const COLUMN: Partial<Record<StatisticsDimension, string>> = {
  RESIDENT_CLASS: 'resident_class',
  STATUS_OF_RESIDENCE: 'status',
  NATIONALITY: 'nationality',
  MUNICIPALITY: 'municipality',
  PREFECTURE: `CASE WHEN municipality = 'NONE' THEN 'NONE' ELSE left(municipality, 2) END`,
  SEX: 'sex',
  RESIDENCE_CARD_KIND: 'card_kind',
  CARD_ARRANGEMENT: 'arrangement',
};

async function trueCounts(groupBy: StatisticsDimension[]): Promise<Map<string, number>> {
  const columns = groupBy.map((d) => `${COLUMN[d]}`);
  const rows: Array<{ k: string; n: number }> = await stack.dbs.immigration.query(
    `SELECT concat_ws('/', ${columns.join(', ')}) AS k, count(*)::int AS n FROM (${TRUE_COUNTS}) t GROUP BY 1`,
  );
  return new Map(rows.map((r) => [r.k, r.n]));
}

const keyOf = (cell: Table['cells'][number]) => cell.key.map((k) => k.code).join('/');

/** A person's record key, computed here with Node's HMAC from the secret in the stack's keys directory. */
function recordKeyOf(pseudonym: string): number {
  const secret = Buffer.from(readFileSync(join(keysDir(stack.dataDir), 'statistics-record.key'), 'utf8').trim(), 'hex');
  return createHmac('sha256', secret).update(pseudonym).digest().readUInt32BE(0);
}

/** The perturbation table, written out again by hand (docs/disclosure-control.md): rows for 10, 11 and 12 on. */
const PERTURBATION: Record<number, number[]> = {
  10: [0, 0, 0, 0, 0, 1, 1, 1, 2, 2],
  11: [-1, -1, 0, 0, 0, 1, 1, 1, 2, 2],
  12: [-2, -2, -1, -1, 0, 0, 1, 1, 2, 2],
};

/** What a cell of these persons must publish: null below 10, else the count plus the table's value for its cell key. */
function expectedPublished(pseudonyms: readonly string[]): number | null {
  const count = pseudonyms.length;
  if (count < DISCLOSURE_THRESHOLD) return null;
  const keySum = pseudonyms.reduce((sum, p) => (sum + recordKeyOf(p)) % 2 ** 32, 0);
  return count + (PERTURBATION[Math.min(count, 12)] as number[])[Math.floor((keySum / 2 ** 32) * 10)]!;
}

/** The persons of each cell by `groupBy` (ISA or registry), recounted from the base tables: their pseudonyms. */
async function trueMembers(groupBy: StatisticsDimension[], authority: 'immigration' | 'registry' = 'immigration'): Promise<Map<string, string[]>> {
  const source =
    authority === 'immigration'
      ? TRUE_COUNTS
      : `SELECT 'my-number:' || my_number AS pseudonym, resident_category AS category, municipality_code::text AS municipality FROM resident WHERE removed_on IS NULL`;
  const columns = groupBy.map((d) => (authority === 'registry' && d === 'RESIDENT_CATEGORY' ? 'category' : `${COLUMN[d]}`));
  const rows: Array<{ k: string; p: string }> = await stack.dbs[authority].query(
    `SELECT concat_ws('/', ${columns.length ? columns.join(', ') : "''"}) AS k, pseudonym AS p FROM (${source}) t`,
  );
  const members = new Map<string, string[]>();
  for (const row of rows) members.set(row.k, [...(members.get(row.k) ?? []), row.p]);
  return members;
}

/** Every cell of a published table is what its recounted members must publish (count or null, nothing else). */
async function expectPublishedAsRecounted(t: Pick<Table, 'cells'>, groupBy: StatisticsDimension[], authority: 'immigration' | 'registry' = 'immigration') {
  const members = await trueMembers(groupBy, authority);
  expect(t.cells.length).toBe(members.size);
  for (const cell of t.cells) {
    const expected = expectedPublished(members.get(keyOf(cell)) ?? []);
    // Suppressed: every cell of 1-9 (primary), and some larger ones (secondary, checked by expectNoLineGivesAway).
    if (expected === null) expect([keyOf(cell), cell.suppressed]).toEqual([keyOf(cell), true]);
    if (!cell.suppressed) expect([keyOf(cell), cell.count]).toEqual([keyOf(cell), expected]);
  }
}

/** The published total of everyone these cells hold. */
async function expectedTotal(groupBy: StatisticsDimension[], authority: 'immigration' | 'registry' = 'immigration'): Promise<number | null> {
  return expectedPublished([...(await trueMembers(groupBy, authority)).values()].flat());
}

test('only analysts read statistics; every other role gets FORBIDDEN', async () => {
  for (const role of ['isa-officer', 'jlis-operator', 'auditor'] as const) {
    const body = await statistics(['RESIDENT_CLASS'], {}, await stack.token(role));
    expect(body.errors?.[0]?.extensions.code).toBe('FORBIDDEN');
    expect(body.data?.foreignResidentStatistics ?? null).toBeNull();
  }
});

test('counts by class, sex, arrangement and more equal a recount of the base records; labels come with every code', async () => {
  const total = await expectedTotal(['RESIDENT_CLASS']);
  for (const groupBy of [
    ['RESIDENT_CLASS'],
    ['SEX'],
    ['CARD_ARRANGEMENT'],
    ['RESIDENCE_CARD_KIND', 'CARD_ARRANGEMENT'],
    ['PREFECTURE', 'RESIDENT_CLASS'],
    ['NATIONALITY', 'STATUS_OF_RESIDENCE'],
  ] as StatisticsDimension[][]) {
    const t = await table(groupBy);
    expect(t.total).toBe(total);
    await expectPublishedAsRecounted(t, groupBy);
    for (const cell of t.cells) for (const k of cell.key) expect(k.label.length).toBeGreaterThan(0);
  }
  const byClass = await table(['RESIDENT_CLASS']);
  expect(byClass.cells.map((c) => c.key[0]!.label)).toEqual(expect.arrayContaining(['中長期在留者']));
  const english = (await statistics(['SEX'], {}, analyst, 'en')).data!.foreignResidentStatistics!;
  expect(english.cells.map((c) => c.key[0]!.label)).toEqual(expect.arrayContaining(['Male', 'Female']));
});

test('status groups and prefectures add up from their parts', async () => {
  const byStatus = await table(['STATUS_OF_RESIDENCE']);
  const byGroup = await table(['STATUS_GROUP']);
  const members = await trueMembers(['STATUS_OF_RESIDENCE']);
  const titp = ['TECHNICAL_INTERN_TRAINING_1', 'TECHNICAL_INTERN_TRAINING_2', 'TECHNICAL_INTERN_TRAINING_3'].flatMap((c) => members.get(c) ?? []);
  const group = byGroup.cells.find((c) => c.key[0]!.code === 'TECHNICAL_INTERN_TRAINING');
  // The group's cell is perturbed as the cell of all its persons, not as the sum of its statuses' published cells.
  expect(titp.length).toBeGreaterThan(DISCLOSURE_THRESHOLD);
  expect(group?.count).toBe(expectedPublished(titp));
  expect(byStatus.total).toBe(byGroup.total);
  const tokyo = await table(['MUNICIPALITY'], { prefecture: '13' });
  const prefectures = await table(['PREFECTURE']);
  expect(tokyo.total).toBe(prefectures.cells.find((c) => c.key[0]!.code === '13')?.count);
});

/**
 * What a reader can derive: in every line of a table (cells that differ in one dimension; the line's total is
 * a published cell of another query), a single suppressed cell, or suppressed cells holding fewer than 10
 * persons together, would give them away by subtraction.
 */
async function expectNoLineGivesAway(t: Table, truth: Map<string, number>, groupBy: StatisticsDimension[]) {
  const dims = groupBy.length;
  for (const cell of t.cells) {
    const n = truth.get(keyOf(cell)) as number;
    if (n > 0 && n < DISCLOSURE_THRESHOLD) expect(cell.suppressed).toBe(true);
  }
  for (let d = 0; d < dims; d++) {
    // The line totals: the table without dimension d, as published (the grand total for a one-way table).
    const coarser = dims === 1 ? { cells: [] } : await table(groupBy.filter((_, i) => i !== d));
    const totals = new Map(coarser.cells.map((c) => [keyOf(c), c]));
    const lines = new Map<string, Table['cells']>();
    for (const cell of t.cells) {
      const line = cell.key.map((k, i) => (i === d ? '*' : k.code)).join('/');
      lines.set(line, [...(lines.get(line) ?? []), cell]);
    }
    for (const [lineKey, line] of lines) {
      const hidden = line.filter((c) => c.suppressed);
      if (hidden.length === 0) continue;
      // A line whose total is itself suppressed in the coarser table is not a known sum.
      const total = dims === 1 ? { suppressed: false } : totals.get(lineKey.split('/').filter((_, i) => i !== d).join('/'));
      if (total?.suppressed) continue;
      expect(hidden.length).toBeGreaterThanOrEqual(2);
      expect(hidden.reduce((s, c) => s + (truth.get(keyOf(c)) as number), 0)).toBeGreaterThanOrEqual(DISCLOSURE_THRESHOLD);
    }
  }
}

test('disclosure control: no cell below 10, and no line of a table gives a suppressed cell away', async () => {
  for (const groupBy of [
    ['NATIONALITY', 'SEX'],
    ['MUNICIPALITY', 'NATIONALITY'],
    ['STATUS_OF_RESIDENCE', 'CARD_ARRANGEMENT'],
    ['PREFECTURE', 'SEX', 'RESIDENT_CLASS'],
  ] as StatisticsDimension[][]) {
    const t = await table(groupBy);
    expect(t.disclosureControl.threshold).toBe(DISCLOSURE_THRESHOLD);
    expect(t.disclosureControl.suppressedCells).toBe(t.cells.filter((c) => c.suppressed).length);
    expect(t.cells.some((c) => c.suppressed)).toBe(true);
    expect(t.cells.every((c) => c.suppressed === (c.count === null))).toBe(true);
    await expectNoLineGivesAway(t, await trueCounts(groupBy), groupBy);
  }
});

test('differencing two queries gives nothing away: a filtered query shows the same cells, suppressed the same way', async () => {
  // Sex OTHER is about 1 in 125,000: every nationality's OTHER cell is below 10 (or empty).
  const whole = await table(['NATIONALITY']);
  const parts = await Promise.all(['MALE', 'FEMALE', 'OTHER'].map((sex) => table(['NATIONALITY'], { sex })));
  const crossed = await table(['NATIONALITY', 'SEX']);
  for (const nationality of whole.cells) {
    const code = nationality.key[0]!.code;
    const inParts = parts.map((p) => p.cells.find((c) => c.key[0]!.code === code));
    const inCrossed = ['MALE', 'FEMALE', 'OTHER'].map((sex) => crossed.cells.find((c) => c.key[0]!.code === code && c.key[1]!.code === sex));
    // The filtered query is a slice of the crossed table: same counts, same suppression.
    expect(inParts.map((c) => c?.count ?? null)).toEqual(inCrossed.map((c) => c?.count ?? null));
    expect(inParts.map((c) => c?.suppressed ?? false)).toEqual(inCrossed.map((c) => c?.suppressed ?? false));
    // Whole minus the published parts: no unknown, or at least two (what the difference is worth with the
    // perturbation: the attacker suite, differencing.test.ts).
    if (nationality.suppressed) continue;
    const unknown = inParts.filter((c) => c?.suppressed);
    expect(unknown.length === 0 || unknown.length >= 2).toBe(true);
  }
  // A filter that selects fewer than 10 persons publishes nothing, not even its total.
  const other = await statistics(['NATIONALITY'], { sex: 'OTHER', nationality: 'CHN' });
  if ((await trueCounts(['NATIONALITY', 'SEX'])).get('CHN/OTHER')) {
    expect(other.errors?.[0]?.extensions.code).toBe('STATISTICS_TOTAL_SUPPRESSED');
  }
});

test('bad input gets stable codes', async () => {
  expect((await statistics(['SEX', 'SEX'])).errors?.[0]?.extensions.code).toBe('STATISTICS_DUPLICATE_DIMENSION');
  expect((await statistics(['SEX'], { prefecture: '99' })).errors?.[0]?.extensions.code).toBe('STATISTICS_UNKNOWN_CODE');
  expect((await statistics(['RESIDENT_CATEGORY'])).errors?.[0]?.extensions.code).toBe('STATISTICS_DIMENSION_NOT_HELD');
  expect((await statistics(['SEX'], {}, analyst, 'xx')).errors?.[0]?.extensions.code).toBe('UNKNOWN_LANGUAGE');
  // 44 nationalities x 53 places x 37 statuses: too large, even sliced by a filter.
  const large = await statistics(['NATIONALITY', 'MUNICIPALITY'], { statusOfResidence: 'STUDENT' });
  expect(large.errors?.[0]?.extensions.code).toBe('STATISTICS_TABLE_TOO_LARGE');
});

async function arrangementCounts(): Promise<Record<string, number | null>> {
  const t = await table(['CARD_ARRANGEMENT']);
  return Object.fromEntries(t.cells.map((c) => [c.key[0]!.code, c.count]));
}

/** The true counts by arrangement, recounted. */
async function arrangementTruth(): Promise<Record<string, number>> {
  return Object.fromEntries([...(await trueCounts(['CARD_ARRANGEMENT'])).entries()]);
}

test('a change shows in the statistics at once: a conversion (b) -> (a), and J-LIS issuing a card (c) -> (b) through its event', async () => {
  const officer = await stack.token('isa-officer');
  const before = await arrangementTruth();
  const separate = persona('separate_cards');
  const { body } = await stack.query(officer, `mutation ($n: ID!) { issueSpecificResidenceCard(myNumber: $n) { kind } }`, { n: separate.myNumber });
  expect(body.errors).toBeUndefined();
  const converted = await arrangementTruth();
  expect(converted).toEqual({ ...before, SPECIFIC_CARD: before.SPECIFIC_CARD! + 1, SEPARATE_CARDS: before.SEPARATE_CARDS! - 1 });
  // Published at once: the counts of the cells' new members, perturbed by their new cell keys.
  await expectPublishedAsRecounted(await table(['CARD_ARRANGEMENT']), ['CARD_ARRANGEMENT']);

  const only = persona('residence_card_only');
  const operator = await stack.token('jlis-operator');
  const issued = await stack.query(operator, `mutation ($n: ID!) { issueMyNumberCard(myNumber: $n) { myNumber } }`, { n: only.myNumber });
  expect(issued.body.errors).toBeUndefined();
  const published = await eventually(async () => {
    const truth = await arrangementTruth();
    return truth.RESIDENCE_CARD_ONLY === converted.RESIDENCE_CARD_ONLY! - 1 && truth;
  });
  expect(published).toEqual({ ...converted, SEPARATE_CARDS: converted.SEPARATE_CARDS! + 1, RESIDENCE_CARD_ONLY: converted.RESIDENCE_CARD_ONLY! - 1 });
  await eventually(async () => {
    const members = await trueMembers(['CARD_ARRANGEMENT']);
    expect(await arrangementCounts()).toEqual(Object.fromEntries([...members].map(([code, persons]) => [code, expectedPublished(persons)])));
    return true;
  });
});

test('a repeated query is sent from the kept result while its counts are unchanged; a change shows in the very next answer', async () => {
  const served = async () => {
    const values = (await stack.metrics.immigration.statisticsResponses.get()).values;
    const of = (how: string) => values.find((v) => v.labels.served === how)?.value ?? 0;
    return { kept: of('kept'), executed: of('executed') + of('written') };
  };

  const first = await table(['SEX']);
  const before = await served();
  expect(await table(['SEX'])).toEqual(first);
  expect(await served()).toEqual({ kept: before.kept + 1, executed: before.executed });

  // Another language is another answer; a non-analyst is refused whatever is kept.
  const english = await statistics(['SEX'], {}, analyst, 'en');
  expect(english.data?.foreignResidentStatistics?.cells.map((c) => c.key[0]?.label)).not.toEqual(first.cells.map((c) => c.key[0]?.label));
  const officer = await statistics(['SEX'], {}, await stack.token('isa-officer'));
  expect(officer.errors?.[0]?.extensions.code).toBe('FORBIDDEN');

  // One person's sex corrected in the ISA's records: the next answer has it, with no waiting.
  const [person]: Array<{ id: string }> = await stack.dbs.immigration.query(
    `SELECT id FROM foreign_resident WHERE sex = 'MALE' AND resident_class = 'MID_TO_LONG_TERM' ORDER BY id LIMIT 1`,
  );
  await stack.dbs.immigration.query(`UPDATE foreign_resident SET sex = 'FEMALE' WHERE id = $1`, [person!.id]);
  const kept = (await served()).kept;
  const after = await table(['SEX']);
  await expectPublishedAsRecounted(after, ['SEX']);
  expect((await served()).kept).toBe(kept);
  expect(await table(['SEX'])).toEqual(after);
  expect((await served()).kept).toBe(kept + 1);
});

test('an answer written without the executor is, byte for byte, the answer graphql-js gives', async () => {
  // Straight to the ISA's subgraph with a principal signed as the gateway signs it, to compare the bodies it sends.
  const keys = await loadOrCreateKeyPair(keysDir(stack.dataDir), 'gateway');
  const principal = await signPrincipal({ sub: 'analyst-7', role: 'analyst', agency: 'ISA', purpose: 'statistics' }, 'immigration', keys.privateKey, keys.kid);
  const ask = async (query: string, variables: Record<string, unknown>) => {
    const res = await fetch(stack.subgraphUrls.immigration, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-principal': principal, 'x-request-id': 'written-vs-executed' },
      body: JSON.stringify({ query, variables }),
    });
    return { status: res.status, text: await res.text() };
  };
  const served = async (how: string) =>
    (await stack.metrics.immigration.statisticsResponses.get()).values.find((v) => v.labels.served === how)?.value ?? 0;

  const shapes: Array<[string, Record<string, unknown>]> = [
    [`query ($g: [StatisticsDimension!]!, $l: String) { t: foreignResidentStatistics(groupBy: $g) ROOT { __typename total cells { key { dimension code label(language: $l) ja: label } count share suppressed __typename } } }`, { g: ['NATIONALITY', 'SEX'], l: 'vi' }],
    [`query { foreignResidentStatistics(groupBy: [STATUS_GROUP], filter: { prefecture: "13" }) ROOT { dimensions authority population referenceYear asOf trend { year takenOn total } disclosureControl { method threshold suppressedCells } cells { suppressed count key { code } } } __typename }`, {}],
    [`query ($f: StatisticsFilter) { a: foreignResidentStatistics(groupBy: [AGE_BAND], filter: $f) ROOT { total } b: foreignResidentStatistics(groupBy: [CARD_ARRANGEMENT, RESIDENT_CLASS]) { cells { share key { label(language: "en") } } } }`, { f: { sex: 'FEMALE' } }],
  ];
  for (const [shape, variables] of shapes) {
    const writtenBefore = await served('written');
    const executedBefore = await served('executed');
    // A directive keeps the writer out: the same answer, from the executor.
    const executed = await ask(shape.replace('ROOT', '@include(if: true)'), variables);
    expect(await served('executed')).toBe(executedBefore + 1);
    const written = await ask(shape.replace('ROOT', ''), variables);
    expect(await served('written')).toBe(writtenBefore + 1);
    expect(executed.status).toBe(200);
    expect(JSON.parse(written.text).errors).toBeUndefined();
    expect(written.text).toBe(executed.text);
  }

  // What the writer does not answer, the executor does, with its errors: an unknown language, an unknown code.
  const writtenBefore = await served('written');
  const badLanguage = await ask(`{ foreignResidentStatistics(groupBy: [SEX]) { cells { key { label(language: "xx") } } } }`, {});
  expect(JSON.parse(badLanguage.text).errors[0].extensions.code).toBe('UNKNOWN_LANGUAGE');
  const unknown = await ask(`{ foreignResidentStatistics(groupBy: [SEX], filter: { nationality: "XYZ" }) { total } }`, {});
  expect(JSON.parse(unknown.text).errors[0].extensions.code).toBe('STATISTICS_UNKNOWN_CODE');
  expect(await served('written')).toBe(writtenBefore);
});

test('stats:verify: maintained and served counts equal a full recount, and a tampered count is found', async () => {
  const { signingKey } = await eventsOptionsFor('immigration', keysDir(stack.dataDir), {}, {});
  const base = stack.subgraphUrls.immigration.replace('/graphql', '');
  const clean = await callInternal<StatisticsReport>('immigration', 'immigration', base, STATS_VERIFY_PATH, {}, signingKey);
  expect(clean.differences).toEqual([]);
  expect(clean.recounted).toBeGreaterThan(1900);
  expect(clean.maintained).toBe(clean.recounted);
  expect(clean.served).toBe(clean.recounted);

  await stack.dbs.immigration.query(
    `UPDATE stats_count SET persons = persons + 1, txid = pg_current_xact_id()::text::bigint
     WHERE ctid = (SELECT ctid FROM stats_count WHERE persons > 0 LIMIT 1)`,
  );
  const tampered = await callInternal<StatisticsReport>('immigration', 'immigration', base, STATS_VERIFY_PATH, {}, signingKey);
  expect(tampered.differences).toHaveLength(1);
  expect(tampered.differences[0]!.maintained).toBe(tampered.differences[0]!.recount + 1);
  await stack.dbs.immigration.query(`SELECT stats_rebuild()`);
  const repaired = await callInternal<StatisticsReport>('immigration', 'immigration', base, STATS_VERIFY_PATH, {}, signingKey);
  expect(repaired.differences).toEqual([]);
});

test('stats:verify finds no difference while changes keep arriving: recount, maintained and served are one moment', async () => {
  const { signingKey } = await eventsOptionsFor('immigration', keysDir(stack.dataDir), {}, {});
  const base = stack.subgraphUrls.immigration.replace('/graphql', '');
  // One resident flips sex again and again (as events from another authority keep changing cards), so commits
  // land before, during and after each recount; every flip moves a person between two cells.
  const [{ id, sex }]: Array<{ id: string; sex: string }> = await stack.dbs.immigration.query(
    `SELECT id, sex FROM foreign_resident WHERE resident_class = 'MID_TO_LONG_TERM' AND sex IN ('MALE', 'FEMALE') ORDER BY id LIMIT 1`,
  );
  let writing = true;
  let flips = 0;
  const writer = (async () => {
    while (writing) {
      await stack.dbs.immigration.query(`UPDATE foreign_resident SET sex = CASE sex WHEN 'MALE' THEN 'FEMALE' ELSE 'MALE' END WHERE id = $1`, [id]);
      flips++;
      await new Promise((r) => setTimeout(r, 2));
    }
  })();
  try {
    for (let i = 0; i < 4; i++) {
      const report = await callInternal<StatisticsReport>('immigration', 'immigration', base, STATS_VERIFY_PATH, {}, signingKey);
      expect(report.differences).toEqual([]);
      expect(report.served).toBe(report.recounted);
    }
  } finally {
    writing = false;
    await writer;
    await stack.dbs.immigration.query(`UPDATE foreign_resident SET sex = $2 WHERE id = $1`, [id, sex]);
  }
  expect(flips).toBeGreaterThan(4);
});

const REGISTRY_STATISTICS = `query ($groupBy: [StatisticsDimension!]!, $filter: StatisticsFilter) {
  residentRegistryStatistics(groupBy: $groupBy, filter: $filter) {
    total authority population cells { key { dimension code label } count suppressed } } }`;

async function registryTable(groupBy: StatisticsDimension[], filter: Record<string, string> = {}) {
  const { body } = await stack.query(analyst, REGISTRY_STATISTICS, { groupBy, filter });
  return body as { data?: { residentRegistryStatistics: Table & { authority: string } } | null; errors?: Array<{ extensions: { code: string } }> };
}

test('the resident registry counts its own records: by category, equal to a recount; the ISA dimensions are not its own', async () => {
  const body = await registryTable(['RESIDENT_CATEGORY']);
  expect(body.errors).toBeUndefined();
  const t = body.data!.residentRegistryStatistics;
  expect(t.authority).toBe('registry');
  const rows: Array<{ category: string; n: number }> = await stack.dbs.registry.query(
    `SELECT resident_category AS category, count(*)::int AS n FROM resident WHERE removed_on IS NULL GROUP BY 1`,
  );
  expect(t.total).toBe(await expectedTotal(['RESIDENT_CATEGORY'], 'registry'));
  const truth = new Map(rows.map((r) => [r.category, r.n]));
  await expectPublishedAsRecounted(t, ['RESIDENT_CATEGORY'], 'registry');
  await expectNoLineGivesAway(t, truth, ['RESIDENT_CATEGORY']);
  // Categories with one persona each (temporary refuge, provisional stay, transitional stays) are below 10.
  expect(t.cells.filter((c) => c.suppressed).length).toBeGreaterThanOrEqual(2);
  const notHeld = await registryTable(['NATIONALITY']);
  expect(notHeld.errors?.[0]?.extensions.code).toBe('STATISTICS_DIMENSION_NOT_HELD');
  expect((await statistics(['RESIDENT_CLASS'], {}, await stack.token('municipal-clerk', { municipality: '131041' }))).errors?.[0]?.extensions.code).toBe('FORBIDDEN');
});

test('a move shows in the registry at once and in the ISA through its event', async () => {
  const top: Array<{ municipality: string }> = await stack.dbs.registry.query(
    `SELECT municipality_code AS municipality FROM resident WHERE removed_on IS NULL GROUP BY 1 ORDER BY count(*) DESC LIMIT 2`,
  );
  const [to, from] = [top[0]!.municipality, top[1]!.municipality];
  const [mover]: Array<{ my_number: string }> = await stack.dbs.registry.query(
    `SELECT my_number FROM resident WHERE municipality_code = $1 AND removed_on IS NULL AND resident_category = 'MID_TO_LONG_TERM' ORDER BY id LIMIT 1`,
    [from],
  );
  const cell = (t: Table, code: string) => t.cells.find((c) => c.key[0]!.code === code)?.count;
  const registryBefore = await trueMembers(['MUNICIPALITY'], 'registry');
  const movedOut = await stack.query(
    await stack.token('municipal-clerk', { municipality: from }),
    `mutation ($n: ID!, $m: String!) { recordMoveOut(myNumber: $n, destinationMunicipalityCode: $m, movedOutOn: "2026-11-28") { myNumber } }`,
    { n: mover!.my_number, m: to },
  );
  expect(movedOut.body.errors).toBeUndefined();
  const moved = await stack.query(
    await stack.token('municipal-clerk', { municipality: to }),
    `mutation ($n: ID!, $m: String!) { recordMoveIn(myNumber: $n, municipalityCode: $m, addressLine: "1-1-1", movedInOn: "2026-11-28") { myNumber } }`,
    { n: mover!.my_number, m: to },
  );
  expect(moved.body.errors).toBeUndefined();
  // The registry's own change: in the very next answer, each moved cell as its new members publish it.
  const registryMembers = await trueMembers(['MUNICIPALITY'], 'registry');
  const registryAfter = (await registryTable(['MUNICIPALITY'])).data!.residentRegistryStatistics;
  const moverPseudonym = `my-number:${mover!.my_number}`;
  expect(registryMembers.get(to)).toContain(moverPseudonym);
  expect(registryMembers.get(to)!.length).toBe(registryBefore.get(to)!.length + 1);
  expect(registryMembers.get(from)!.length).toBe(registryBefore.get(from)!.length - 1);
  for (const code of [to, from]) expect(cell(registryAfter, code)).toBe(expectedPublished(registryMembers.get(code)!));
  // The ISA, once its event has arrived: the mover is counted in the new municipality, published as its members are.
  await eventually(async () => {
    const isaMembers = await trueMembers(['MUNICIPALITY']);
    if (!isaMembers.get(to)?.includes(moverPseudonym)) return false;
    const isaAfter = await table(['MUNICIPALITY']);
    for (const code of [to, from]) expect(cell(isaAfter, code)).toBe(expectedPublished(isaMembers.get(code)!));
    return true;
  });
});

test('trend: a year-end snapshot is taken once, in the January after, and stays as it was', async () => {
  const snapshots = new YearEndSnapshots(stack.dbs.immigration, IMMIGRATION_FACTS);
  expect(await snapshots.takeDue('2026-11-28')).toBe(false); // not January: nothing is due
  expect(await snapshots.takeDue('2027-01-03')).toBe(true); // 2026 closed: taken now
  expect(await snapshots.takeDue('2027-01-20')).toBe(false); // taken once
  const TREND = `query ($f: StatisticsFilter) { foreignResidentStatistics(groupBy: [SEX], filter: $f) { total trend { year takenOn total } } }`;
  const first = (await stack.query(analyst, TREND, { f: { residentClass: 'MID_TO_LONG_TERM' } })).body as {
    data: { foreignResidentStatistics: { total: number; trend: Array<{ year: number; takenOn: string; total: number }> } };
  };
  const snapshot = first.data.foreignResidentStatistics.trend.find((y) => y.year === 2026)!;
  const beforeCount = (await trueMembers(['RESIDENT_CLASS'])).get('MID_TO_LONG_TERM')!.length;
  expect(snapshot).toEqual({ year: 2026, takenOn: '2027-01-03', total: first.data.foreignResidentStatistics.total });
  // A later change moves the current figure, not the year end.
  const spr = persona('special_permanent_resident');
  const [row]: Array<{ n: number }> = await stack.dbs.immigration.query(
    `SELECT count(*)::int AS n FROM foreign_resident WHERE my_number = $1 AND resident_class = 'SPECIAL_PERMANENT'`,
    [spr.myNumber],
  );
  expect(row!.n).toBe(1);
  // Any write path counts: here a direct correction of the record, caught by the same triggers.
  await stack.dbs.immigration.query(
    `UPDATE foreign_resident SET resident_class = 'MID_TO_LONG_TERM', status_of_residence = 'PERMANENT_RESIDENT' WHERE my_number = $1`,
    [spr.myNumber],
  );
  const second = (await stack.query(analyst, TREND, { f: { residentClass: 'MID_TO_LONG_TERM' } })).body as typeof first;
  const midToLong = async () => (await trueMembers(['RESIDENT_CLASS'])).get('MID_TO_LONG_TERM')!;
  expect(second.data.foreignResidentStatistics.total).toBe(expectedPublished(await midToLong()));
  expect((await midToLong()).length).toBe(beforeCount + 1);
  expect(second.data.foreignResidentStatistics.trend.find((y) => y.year === 2026)!.total).toBe(snapshot.total);
});

test("every statistics query is in the answering authority's access log: who, which table, which filter, how it ended", async () => {
  const rowsOf = async (authority: 'immigration' | 'registry', after: number) =>
    (await stack.dbs[authority].query(
      `SELECT principal, role, purpose, subject, items, outcome FROM access_log WHERE action = 'statistics' AND id > $1 ORDER BY id`,
      [after],
    )) as Array<{ principal: string; role: string; purpose: string; subject: string | null; items: string[]; outcome: string }>;
  const lastId = async (authority: 'immigration' | 'registry') =>
    Number(((await stack.dbs[authority].query(`SELECT coalesce(max(id), 0) AS id FROM access_log`)) as Array<{ id: string }>)[0]!.id);
  const [isaFrom, registryFrom] = [await lastId('immigration'), await lastId('registry')];
  const sub = JSON.parse(Buffer.from(analyst.split('.')[1]!, 'base64url').toString()).sub as string;

  // Executed, then the same again (sent from the kept answer), then refused: three rows, one each.
  await table(['AGE_BAND'], { prefecture: '13', sex: 'FEMALE' });
  await table(['AGE_BAND'], { prefecture: '13', sex: 'FEMALE' });
  const suppressed = await statistics(['SEX'], { sex: 'OTHER', nationality: 'CHN' });
  const registry = await registryTable(['RESIDENT_CATEGORY'], { municipality: '131041' });
  expect(registry.errors).toBeUndefined();

  const table1 = ['foreignResidentStatistics', 'groupBy:AGE_BAND', 'filter.prefecture=13', 'filter.sex=FEMALE'];
  await eventually(async () => (await rowsOf('immigration', isaFrom)).length >= 3);
  expect(await rowsOf('immigration', isaFrom)).toEqual([
    { principal: sub, role: 'analyst', purpose: 'statistics', subject: null, items: table1, outcome: 'ok' },
    { principal: sub, role: 'analyst', purpose: 'statistics', subject: null, items: table1, outcome: 'ok' },
    {
      principal: sub,
      role: 'analyst',
      purpose: 'statistics',
      subject: null,
      items: ['foreignResidentStatistics', 'groupBy:SEX', 'filter.nationality=CHN', 'filter.sex=OTHER'],
      outcome: suppressed.errors ? suppressed.errors[0]!.extensions.code : 'ok',
    },
  ]);
  expect(await rowsOf('registry', registryFrom)).toEqual([
    {
      principal: sub,
      role: 'analyst',
      purpose: 'statistics',
      subject: null,
      items: ['residentRegistryStatistics', 'groupBy:RESIDENT_CATEGORY', 'filter.municipality=131041'],
      outcome: 'ok',
    },
  ]);
  // Rows without a subject are leaves of the log like any other: sequenced, and audit:verify finds nothing wrong.
  const authorities = ['immigration', 'registry', 'mynumber'] as const;
  const keys = await Promise.all(authorities.map((a) => eventsOptionsFor(a, keysDir(stack.dataDir), {}, {})));
  await eventually(async () => {
    const [{ n }] = (await stack.dbs.immigration.query(
      `SELECT count(*)::int AS n FROM access_log WHERE action = 'statistics' AND id > $1 AND leaf_index IS NULL`,
      [isaFrom],
    )) as Array<{ n: number }>;
    return n === 0;
  });
  const audits = await auditAccessLogs({
    authorities: [...authorities],
    urls: Object.fromEntries(authorities.map((a) => [a, stack.subgraphUrls[a].replace('/graphql', '')])) as Record<(typeof authorities)[number], string>,
    signingKeys: Object.fromEntries(authorities.map((a, i) => [a, keys[i]!.signingKey])),
    publicKeys: keys[0]!.producerKeys,
    retentionDays: 2557,
  });
  for (const audit of audits) expect([audit.authority, audit.problems]).toEqual([audit.authority, []]);
});

test('each table logged with its own outcome and its filter, however asked, every item short', async () => {
  const after = Number(((await stack.dbs.immigration.query(`SELECT coalesce(max(id), 0) AS id FROM access_log`)) as Array<{ id: string }>)[0]!.id);
  const beside = await stack.query(analyst, `{ a: foreignResidentStatistics(groupBy: [SEX]) { total } c: residenceCard(number: "bad") { number } }`);
  expect((beside.body.data as { a: { total: number } }).a.total).toEqual(expect.any(Number));
  expect(beside.body.errors?.map((e) => (e as { path?: string[] }).path?.[0])).toEqual(['c']);
  const long = await stack.query(analyst, `query ($v: String) { b: foreignResidentStatistics(groupBy: [SEX], filter: { nationality: $v }) { total } }`, {
    v: 'X'.repeat(300),
  });
  expect(long.body.errors?.map((e) => e.extensions?.code)).toEqual(['STATISTICS_UNKNOWN_CODE']);
  // Two tables, one refused: every table is non-null, so the answer carries none, and both rows say so.
  const none = await stack.query(analyst, `{ a: foreignResidentStatistics(groupBy: [SEX]) { total } b: foreignResidentStatistics(groupBy: [SEX], filter: { nationality: "ZZ" }) { total } }`);
  expect(none.body.data ?? null).toBeNull();
  // A filter given only as the operation's default value is a filter.
  const byDefault = await stack.query(analyst, `query ($f: StatisticsFilter = { nationality: "CHN" }) { foreignResidentStatistics(groupBy: [SEX], filter: $f) { total } }`);
  expect(byDefault.body.errors).toBeUndefined();
  const rows = (await stack.dbs.immigration.query(`SELECT items, outcome FROM access_log WHERE action = 'statistics' AND id > $1 ORDER BY id`, [
    after,
  ])) as Array<{ items: string[]; outcome: string }>;
  // Before, the answered table took the refused field's code. By hand: "filter.nationality=" is 19 characters and
  // the value 300, 319 in all; the first 96 are kept.
  expect(rows).toEqual([
    { items: ['foreignResidentStatistics', 'groupBy:SEX'], outcome: 'ok' },
    { items: ['foreignResidentStatistics', 'groupBy:SEX', `filter.nationality=${'X'.repeat(77)}…(319 characters)`], outcome: 'STATISTICS_UNKNOWN_CODE' },
    { items: ['foreignResidentStatistics', 'groupBy:SEX'], outcome: 'STATISTICS_UNKNOWN_CODE' },
    { items: ['foreignResidentStatistics', 'groupBy:SEX', 'filter.nationality=ZZ'], outcome: 'STATISTICS_UNKNOWN_CODE' },
    { items: ['foreignResidentStatistics', 'groupBy:SEX', 'filter.nationality=CHN'], outcome: 'ok' },
  ]);
});

test('every answer, from either authority, states its method and parameters', async () => {
  const CONTROL = `disclosureControl { threshold method maxPerturbation cellKeyColumns perturbationTable { fromCount values } }`;
  const { body } = await stack.query(
    analyst,
    `{ a: foreignResidentStatistics(groupBy: [SEX]) { ${CONTROL} } b: residentRegistryStatistics(groupBy: [SEX]) { ${CONTROL} } }`,
  );
  const { data } = body as { data: Record<'a' | 'b', { disclosureControl: Record<string, unknown> }> };
  for (const answer of [data.a, data.b]) {
    expect(answer.disclosureControl).toEqual({
      threshold: 10,
      method: expect.stringContaining('Cell key perturbation'),
      maxPerturbation: 2,
      cellKeyColumns: 10,
      perturbationTable: Object.entries(PERTURBATION).map(([fromCount, values]) => ({ fromCount: Number(fromCount), values })),
    });
  }
});
