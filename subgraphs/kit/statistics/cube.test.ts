import type { DataSource } from 'typeorm';
import { IMMIGRATION_FACTS } from '../../immigration/statistics';
import { DIMENSION_CODES, type StatisticsDimension } from '../../../schema/statistics';
import { canonical, MAX_TABLE_CELLS, StatisticsCube, type DimensionSource, type StatisticsAnswer } from './cube';

/** An answer's cells as objects: codes in the order asked, the published count (null when suppressed). */
function cellsOf(answer: StatisticsAnswer): Array<{ coords: string[]; count: number | null; suppressed: boolean }> {
  return Array.from({ length: answer.counts.length }, (_, k) => {
    const hidden = answer.suppressed[k] === 1;
    return { coords: answer.codes.map((codes, g) => codes[(answer.codeOf[g] as Int32Array)[k] as number] as string), count: hidden ? null : (answer.counts[k] as number), suppressed: hidden };
  });
}

/** Detailed counts with equal cells, so suppression has ties to break. */
function rows(): Array<[string[], number]> {
  const out: Array<[string[], number]> = [];
  for (const nationality of ['CHN', 'VNM', 'KOR', 'PHL', 'NPL', 'BRA']) {
    for (const sex of ['MALE', 'FEMALE', 'OTHER']) {
      for (const arrangement of ['SPECIFIC_CARD', 'SEPARATE_CARDS', 'RESIDENCE_CARD_ONLY']) {
        for (const year of ['1980', '1990', '2000']) {
          // Men and women equal per nationality (a tie to break), OTHER below 10 (primary suppression).
          const count = sex === 'OTHER' ? 1 : 15;
          out.push([['MID_TO_LONG_TERM', 'STUDENT', nationality, '131041', sex, year, 'RESIDENCE_CARD_NEW_FORMAT', arrangement], count]);
        }
      }
    }
  }
  return out;
}

const cube = () => new StatisticsCube({} as DataSource, IMMIGRATION_FACTS, { referenceYear: () => 2026 });

test('the suppression pattern does not depend on load order or on which tables were asked before', () => {
  const a = cube();
  for (const [values, count] of rows()) a.set(values, count);
  const b = cube();
  for (const [values, count] of rows().reverse()) b.set(values, count);
  // b first builds a finer table, so its two-way table is added up from that one instead of from the detail.
  b.answer({ groupBy: ['NATIONALITY', 'SEX', 'CARD_ARRANGEMENT'], filter: {} });
  b.answer({ groupBy: ['NATIONALITY', 'AGE_BAND'], filter: {} });
  const question = { groupBy: ['NATIONALITY', 'SEX'] as const, filter: {} };
  const fromA = a.answer({ ...question, groupBy: [...question.groupBy] });
  const fromB = b.answer({ ...question, groupBy: [...question.groupBy] });
  expect(fromA.suppressedCells).toBeGreaterThan(0);
  expect(fromB).toEqual(fromA);
  const arrangementA = a.answer({ groupBy: ['CARD_ARRANGEMENT', 'SEX'], filter: { NATIONALITY: 'VNM' } });
  const arrangementB = b.answer({ groupBy: ['CARD_ARRANGEMENT', 'SEX'], filter: { NATIONALITY: 'VNM' } });
  expect(arrangementB).toEqual(arrangementA);
});

test('every table within the size limit is added up from a summary, never from the detailed counts', () => {
  const held = Object.keys(IMMIGRATION_FACTS.dimensions) as StatisticsDimension[];
  const summaries = IMMIGRATION_FACTS.summaries ?? [];
  const uncovered: string[] = [];
  let answerable = 0;
  for (let mask = 1; mask < 1 << held.length; mask++) {
    const dims = canonical(held.filter((_, i) => mask & (1 << i)));
    if (dims.reduce((product, d) => product * DIMENSION_CODES[d].length, 1) > MAX_TABLE_CELLS) continue;
    answerable++;
    const columns = dims.map((d) => (IMMIGRATION_FACTS.dimensions[d] as DimensionSource).column);
    if (!summaries.some((summary) => columns.every((c) => summary.includes(c)))) uncovered.push(dims.join(' x '));
  }
  expect(answerable).toBeGreaterThan(100);
  expect(uncovered).toEqual([]);
});

test('summaries follow every change of the detailed counts, and tables added up from them equal tables added up from the detail', () => {
  const withSummaries = cube();
  const detailOnly = new StatisticsCube({} as DataSource, { ...IMMIGRATION_FACTS, summaries: [] }, { referenceYear: () => 2026 });
  const all = rows();
  for (const [values, count] of all) {
    withSummaries.set(values, count);
    detailOnly.set(values, count);
  }
  // Changes: counts up, down, to zero, and a row the cube has not seen.
  const changes: Array<[string[], number]> = [
    [all[0]![0], 40],
    [all[5]![0], 0],
    [all[9]![0], 3],
    [['SPECIAL_PERMANENT', 'NONE', 'KOR', '271004', 'FEMALE', '1950', 'SPECIAL_PERMANENT_RESIDENT_CERTIFICATE', 'NOT_APPLICABLE'], 12],
  ];
  for (const [values, count] of changes) {
    withSummaries.set(values, count);
    detailOnly.set(values, count);
  }
  expect(withSummaries.summaryDifferences(20)).toEqual([]);
  for (const groupBy of [['NATIONALITY', 'SEX'], ['PREFECTURE', 'AGE_BAND'], ['MUNICIPALITY', 'CARD_ARRANGEMENT'], ['STATUS_GROUP', 'NATIONALITY', 'SEX']] as const) {
    expect(withSummaries.answer({ groupBy: [...groupBy], filter: {} })).toEqual(detailOnly.answer({ groupBy: [...groupBy], filter: {} }));
  }
  expect(withSummaries.total()).toBe(detailOnly.total());
});

test('a summary that missed a change is reported', () => {
  const c = cube();
  for (const [values, count] of rows()) c.set(values, count);
  // Change one summary behind the cube's back.
  const summary = (c as unknown as { store: { summaries: Array<{ add(codes: ArrayLike<number>, delta: number): void }> } }).store.summaries[0]!;
  summary.add(new Int32Array(8), 1);
  expect(c.summaryDifferences(20)).toHaveLength(1);
});

test('a change keeps the answers of tables it leaves as they were, and every answer equals a cube built afresh', () => {
  // No stale answers: on a busy machine a table of this test may take long enough to count as expensive, and an
  // expensive table may answer for up to STALE_MS after a change.
  const c = new StatisticsCube({} as DataSource, IMMIGRATION_FACTS, { referenceYear: () => 2026, staleMs: 0 });
  const all = rows();
  for (const [values, count] of all) c.set(values, count);
  const bySex = { groupBy: ['NATIONALITY', 'SEX'] as StatisticsDimension[], filter: {} };
  const byArrangement = { groupBy: ['NATIONALITY', 'CARD_ARRANGEMENT'] as StatisticsDimension[], filter: {} };
  const sexBefore = c.answer(bySex);
  const arrangementBefore = c.answer(byArrangement);

  // One person converts from separate cards to the specific card: the same nationality, sex and birth year.
  const from = all.find(([v]) => v[7] === 'SEPARATE_CARDS' && v[4] === 'MALE')!;
  const to = all.find(([v]) => v[7] === 'SPECIFIC_CARD' && v[2] === from[0][2] && v[4] === 'MALE' && v[5] === from[0][5])!;
  c.set(from[0], from[1] - 1);
  c.set(to[0], to[1] + 1);
  expect(c.answer(bySex)).toBe(sexBefore);
  const arrangementAfter = c.answer(byArrangement);
  expect(arrangementAfter).not.toBe(arrangementBefore);

  const fresh = cube();
  for (const [values, count] of all) fresh.set(values, values === from[0] ? count - 1 : values === to[0] ? count + 1 : count);
  expect(arrangementAfter).toEqual(fresh.answer(byArrangement));
  expect(c.answer(bySex)).toEqual(fresh.answer(bySex));

  // A change of sex shows in the sex table (the same persons would no longer be in the same cells).
  c.set(to[0], to[1]);
  const other = all.find(([v]) => v[4] === 'FEMALE' && v[2] === to[0][2])!;
  c.set(other[0], other[1] + 1);
  expect(c.answer(bySex)).not.toBe(sexBefore);
  expect(cellsOf(c.answer(bySex))).not.toEqual(cellsOf(sexBefore));
});

test('a code outside the code lists is counted, in its own cell after the listed codes, and rolls up into the totals', () => {
  const c = cube();
  for (const [values, count] of rows()) c.set(values, count);
  // A nationality the contract does not list (e.g. one recorded before the list changed).
  c.set(['MID_TO_LONG_TERM', 'STUDENT', 'ZZZ', '131041', 'FEMALE', '1990', 'RESIDENCE_CARD_NEW_FORMAT', 'SPECIFIC_CARD'], 40);
  const byNationality = c.answer({ groupBy: ['NATIONALITY'], filter: {} });
  // 40 persons with key sum 0: the perturbation table's first column, -2 (perturbation.ts).
  expect(cellsOf(byNationality).at(-1)).toEqual({ coords: ['ZZZ'], count: 38, suppressed: false });
  expect(byNationality.total).toBe(c.total() - 2); // every key sum 0 here: -2 again
  // Finer tables roll up into the same cell.
  c.answer({ groupBy: ['NATIONALITY', 'SEX', 'CARD_ARRANGEMENT'], filter: {} });
  const bySex = c.answer({ groupBy: ['NATIONALITY', 'SEX'], filter: {} });
  expect(cellsOf(bySex).filter((cell) => cell.coords[0] === 'ZZZ')).toEqual([{ coords: ['ZZZ', 'FEMALE'], count: 38, suppressed: false }]);
});

test('warming up computes nothing a query would find: every answer after it equals one from a cold cube', () => {
  const warm = cube();
  const cold = cube();
  for (const [values, count] of rows()) {
    warm.set(values, count);
    cold.set(values, count);
  }
  warm.warmUp();
  expect((warm as unknown as { tables: { cuboids: Map<string, unknown> } }).tables.cuboids.size).toBe(0);
  for (const groupBy of [['SEX'], ['NATIONALITY', 'SEX'], ['MUNICIPALITY', 'AGE_BAND'], ['STATUS_GROUP', 'SEX', 'CARD_ARRANGEMENT']] as const) {
    const query = { groupBy: [...groupBy] as StatisticsDimension[], filter: { RESIDENT_CLASS: 'MID_TO_LONG_TERM' } };
    expect(warm.answer(query)).toEqual(cold.answer(query));
  }
});

test('cells come in the order of the dimensions asked, each by its code list; the same cells whatever the order', () => {
  const c = cube();
  for (const [values, count] of rows()) c.set(values, count);
  const rank = (d: StatisticsDimension, code: string) => DIMENSION_CODES[d].indexOf(code);
  for (const groupBy of [['SEX', 'NATIONALITY'], ['NATIONALITY', 'SEX'], ['CARD_ARRANGEMENT', 'PREFECTURE', 'MUNICIPALITY']] as StatisticsDimension[][]) {
    const cells = cellsOf(c.answer({ groupBy, filter: {} }));
    expect(cells.length).toBeGreaterThan(1);
    const keys = cells.map((cell) => cell.coords.map((code, i) => rank(groupBy[i]!, code)));
    const sorted = [...keys].sort((a, b) => a.reduce((diff, x, i) => diff || x - b[i]!, 0));
    expect(keys).toEqual(sorted);
  }
  const bySexFirst = cellsOf(c.answer({ groupBy: ['SEX', 'NATIONALITY'], filter: {} })).map((cell) => `${cell.coords[1]}/${cell.coords[0]}=${cell.count}`);
  const byNationalityFirst = cellsOf(c.answer({ groupBy: ['NATIONALITY', 'SEX'], filter: {} })).map((cell) => `${cell.coords[0]}/${cell.coords[1]}=${cell.count}`);
  expect([...bySexFirst].sort()).toEqual([...byNationalityFirst].sort());
});

test('a cell is published as its count plus the table value of its key sum, rolled up from the detailed counts', () => {
  const c = cube();
  const row = (sex: string, year: string) => ['MID_TO_LONG_TERM', 'STUDENT', 'VNM', '131041', sex, year, 'RESIDENCE_CARD_NEW_FORMAT', 'SPECIFIC_CARD'];
  // Key sums as fractions of 2^32: 0.30 and 0.36 for 6 women each year, 0.50 and 0.95 for 7 and 8 men.
  const key = (fraction: number) => Math.round(fraction * 2 ** 32) | 0;
  c.set(row('FEMALE', '1990'), 6, key(0.3));
  c.set(row('FEMALE', '2000'), 6, key(0.36));
  c.set(row('MALE', '1990'), 7, key(0.5));
  c.set(row('MALE', '2000'), 8, key(0.95));
  const bySex = c.answer({ groupBy: ['SEX'], filter: {} });
  // Women: 12 persons, cell key 0.66 (column 6): +1. Men: 15, cell key 1.45 mod 1 = 0.45 (column 4): 0.
  expect(cellsOf(bySex)).toEqual([
    { coords: ['MALE'], count: 15, suppressed: false },
    { coords: ['FEMALE'], count: 13, suppressed: false },
  ]);
  // Everyone: 27 persons, cell key 2.11 mod 1 = 0.11 (column 1): -2. The same from the finer table rolled up.
  c.answer({ groupBy: ['SEX', 'AGE_BAND'], filter: {} });
  expect(c.answer({ groupBy: [], filter: {} }).total).toBe(25);
  // A person moving from one cell to another moves their key with them: the women's cell drawn again.
  c.set(row('FEMALE', '1990'), 7, key(0.3 + 0.2));
  expect(cellsOf(c.answer({ groupBy: ['SEX'], filter: {} }))[1]).toEqual({ coords: ['FEMALE'], count: 15, suppressed: false }); // 13 persons, 0.86 (column 8): +2
});
