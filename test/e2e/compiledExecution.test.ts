import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Authority } from '../../runtime/authority';
import { databaseKind, startStack, type Stack } from '../harness';
import { personas } from '../personas';

/**
 * Compiled execution (graphql-jit, subgraphs/kit/compiledExecution.ts) must change nothing a caller or an auditor
 * can see. Two stacks over the same seeded data and the same statistics secret, one interpreting every operation,
 * one compiling, get the same requests, each three times (the compiled stack, told to compile from a text's second
 * run, interprets the first and runs the compiled function for the other two). Every answer must be the same,
 * refusals and errors included, and every access-log row the same, but for the one difference described at
 * `refusedFields`; and the compiled stack must really have run compiled functions, in every authority. The callers
 * are chosen to hit the rules: a clerk of another municipality, a resident asking for someone else, an auditor and
 * an analyst asking for records, a field policy refusal at every level, mutations used as probes, statistics with
 * suppression and perturbation.
 */

const AUTHORITIES: Authority[] = ['immigration', 'registry', 'mynumber'];

const PERSON = `query ($n: ID!) {
  person(myNumber: $n) {
    myNumber myNumberAssignedOn cardArrangement
    resident { familyName givenName category municipality { code name } address { line } }
    immigration { residentClass nationality { code kind } birthDate sex statusOfResidence stayExpiresOn periodOfStay
      specificCardEligibility { eligibility reason } residenceCards { number kind status } }
    residenceCard { number kind status issuedOn validUntil lossReportedOn shows { item presence } supersededBy }
    myNumberCard { kind status statusReason functions { function status } }
    counterGuidance(event: LOSS_OR_THEFT) { event arrangement stayKind eventLabel }
  }
}`;

const HISTORY = `query ($n: ID!) {
  person(myNumber: $n) {
    accessLog { authority role agency purpose items action outcome }
    immigrationAccessHistory { entries { authority role agency purpose items action outcome } }
  }
}`;

const BATCH = `query ($ns: [ID!]!) { persons(myNumbers: $ns) { myNumber residenceCard { number status } resident { category } } }`;

const CARD = `query ($c: String!) { residenceCard(number: $c) { number kind status holder { nationality { code } statusOfResidence } } }`;

const STATISTICS = `query ($g: [StatisticsDimension!]!, $f: StatisticsFilter) {
  foreignResidentStatistics(groupBy: $g, filter: $f) {
    total dimensions authority population referenceYear asOf
    cells { key { dimension code label(language: "en") } count share suppressed }
    disclosureControl { threshold suppressedCells method maxPerturbation cellKeyColumns perturbationTable { fromCount values } }
    trend { year total }
  }
}`;

const REGISTRY_STATISTICS = `query ($g: [StatisticsDimension!]!, $f: StatisticsFilter) {
  residentRegistryStatistics(groupBy: $g, filter: $f) { total cells { key { dimension code } count share suppressed } disclosureControl { method } }
}`;

const LOST = `mutation ($c: String!) { reportResidenceCardLost(number: $c) { number status } }`;
const REVOKE = `mutation ($n: ID!) { revokeMyNumberFunction(myNumber: $n) { myNumber } }`;

interface Ask {
  who: string;
  token: (s: Stack) => Promise<string>;
  query: string;
  variables: Record<string, unknown>;
}

let interpreted: Stack;
let compiled: Stack;
let keyDir: string;
const previousKeyFile = process.env.STATISTICS_RECORD_KEY_FILE;

beforeAll(async () => {
  // One statistics secret for both stacks, so their perturbations can be compared.
  keyDir = mkdtempSync(join(tmpdir(), 'rc-jit-'));
  process.env.STATISTICS_RECORD_KEY_FILE = join(keyDir, 'record-key');
  interpreted = await startStack({ execution: 'interpreted' });
  // Compiled from the second run on, so that each request below runs compiled in rounds 2 and 3.
  compiled = await startStack({ execution: 'compiled', compileRules: { after: 1, maxFields: 1000 } });
});
afterAll(async () => {
  if (previousKeyFile === undefined) delete process.env.STATISTICS_RECORD_KEY_FILE;
  else process.env.STATISTICS_RECORD_KEY_FILE = previousKeyFile;
  await interpreted?.stop();
  await compiled?.stop();
  rmSync(keyDir, { recursive: true, force: true });
});

/** The access log's rows as a caller or auditor sees them, without times, request ids or tree positions. */
async function accessRows(stack: Stack, authority: Authority): Promise<Array<Record<string, unknown>>> {
  return stack.dbs[authority].query(`SELECT role, agency, provider, subject, items, purpose, action, outcome FROM access_log ORDER BY id`);
}

/**
 * The one difference allowed, and why: graphql-js stops resolving an object's other fields once a non-null field
 * of it is refused, graphql-jit resolves them all. So where a caller asks for several refused fields beside a
 * refused non-null one (the object is null either way), the compiled answer carries a FORBIDDEN error for each of
 * them and the access-log row names each ("forbidden:A B C"), the interpreted one those it reached first. The data
 * is the same. Everything else must be equal: status, data, every error the interpreted stack gave, every row.
 */
const refusedFields = (row: Record<string, unknown>): string[] =>
  typeof row.outcome === 'string' && row.outcome.startsWith('forbidden:') ? row.outcome.slice('forbidden:'.length).split(' ') : [];
const withoutRefusedFields = (row: Record<string, unknown>) => ({ ...row, outcome: refusedFields(row).length ? 'forbidden' : row.outcome });

/**
 * Access-log entries as a set: the latest accesses across the three authorities are merged by time, and rows of one
 * request written in the same millisecond by different authorities come in either order.
 */
function entriesAsSets(_key: string, value: unknown): unknown {
  if (!Array.isArray(value) || !value.every((v) => v && typeof v === 'object' && 'authority' in v && 'outcome' in v)) return value;
  return value.map((v) => JSON.stringify(v)).sort();
}

type Answer = Awaited<ReturnType<Stack['query']>>;
const allowed: string[] = [];

/** What differs between the two answers beyond the allowance above (the gateway merges the subgraphs' errors in the order they arrive, so errors are compared as sets). */
function compare(a: Answer, b: Answer): string | null {
  const plain = (answer: Answer) =>
    JSON.stringify({ status: answer.status, data: answer.body.data ?? null }, entriesAsSets).replace(/"forbidden:[^"]*"/g, '"forbidden"');
  if (plain(a) !== plain(b)) return `interpreted ${plain(a).slice(0, 800)}\n  compiled ${plain(b).slice(0, 800)}`;
  const errors = (answer: Answer) => new Set((answer.body.errors ?? []).map((e) => JSON.stringify(e)));
  const [left, right] = [errors(a), errors(b)];
  const missing = [...left].filter((e) => !right.has(e));
  const extra = [...right].filter((e) => !left.has(e));
  if (missing.length) return `errors only interpreted: ${missing.join(', ')}`;
  const unexplained = extra.filter((e) => (JSON.parse(e) as { extensions?: { code?: string } }).extensions?.code !== 'FORBIDDEN');
  if (unexplained.length) return `errors only compiled: ${unexplained.join(', ')}`;
  allowed.push(...extra);
  // The refusals named in the access-log outcomes the answer shows (row by row, the tables are compared below).
  const named = (answer: Answer) => new Set([...JSON.stringify(answer.body.data ?? null).matchAll(/"forbidden:([^"]*)"/g)].flatMap((m) => m[1].split(' ')));
  const compiledNamed = named(b);
  const short = [...named(a)].filter((f) => !compiledNamed.has(f));
  return short.length ? `refusals named only interpreted: ${short.join(' ')}` : null;
}

const executions = async (stack: Stack, authority: Authority, how: 'compiled' | 'interpreted') =>
  (await stack.metrics[authority].executions.get()).values.find((v) => v.labels.how === how)?.value ?? 0;

describe(`compiled execution answers as interpreted execution does (${databaseKind})`, () => {
  test('the same answers and the same access-log rows, refusals and probes included', async () => {
    const withNumber = personas.filter((p) => p.myNumber !== null);
    const withCard = personas.filter((p) => p.residenceCardNumber !== null);
    const me = withNumber[0];
    const someoneElse = withNumber[1];
    const [{ m }] = await interpreted.dbs.registry.query(`SELECT municipality_code AS m FROM resident WHERE my_number = $1`, [me.myNumber]);
    const otherMunicipality = m === '131041' ? '271004' : '131041';

    const asks: Ask[] = [];
    const add = (who: string, token: Ask['token'], query: string, variables: Record<string, unknown>) => asks.push({ who, token, query, variables });
    const officer = (s: Stack) => s.token('isa-officer');
    for (const p of withNumber) add(`officer reads ${p.scenario}`, officer, PERSON, { n: p.myNumber });
    add('clerk of the municipality', (s) => s.token('municipal-clerk', { municipality: m }), PERSON, { n: me.myNumber });
    add('card counter of the municipality', (s) => s.token('municipal-clerk', { municipality: m, purpose: 'my-number-card-issuance' }), PERSON, { n: me.myNumber });
    add('clerk of another municipality', (s) => s.token('municipal-clerk', { municipality: otherMunicipality }), PERSON, { n: me.myNumber });
    add('J-LIS operator', (s) => s.token('jlis-operator'), PERSON, { n: me.myNumber });
    add('the resident', (s) => s.token('resident', { myNumber: me.myNumber! }), PERSON, { n: me.myNumber });
    add('a resident asking for someone else', (s) => s.token('resident', { myNumber: me.myNumber! }), PERSON, { n: someoneElse.myNumber });
    add('an auditor asking for a record', (s) => s.token('auditor'), PERSON, { n: me.myNumber });
    add('an analyst asking for a record', (s) => s.token('analyst'), PERSON, { n: me.myNumber });
    add('the resident reads who looked', (s) => s.token('resident', { myNumber: me.myNumber! }), HISTORY, { n: me.myNumber });
    add('an officer asks who looked', officer, HISTORY, { n: me.myNumber });
    add('officer batch', officer, BATCH, { ns: [...withNumber.map((p) => p.myNumber), '000000000000'] });
    add('clerk batch across municipalities', (s) => s.token('municipal-clerk', { municipality: m }), BATCH, { ns: withNumber.map((p) => p.myNumber) });
    for (const p of withCard.slice(0, 4)) add(`officer reads card of ${p.scenario}`, officer, CARD, { c: p.residenceCardNumber });
    add('clerk of another municipality reads a card', (s) => s.token('municipal-clerk', { municipality: otherMunicipality }), CARD, { c: withCard[0].residenceCardNumber });
    const analyst = (s: Stack) => s.token('analyst');
    add('analyst: national total', analyst, STATISTICS, { g: [] });
    add('analyst: by status and sex', analyst, STATISTICS, { g: ['STATUS_OF_RESIDENCE', 'SEX'] });
    add('analyst: one municipality by age band', analyst, STATISTICS, { g: ['AGE_BAND'], f: { municipality: m } });
    add('analyst: women by age band', analyst, STATISTICS, { g: ['AGE_BAND'], f: { sex: 'FEMALE' } });
    add('analyst: a filter with no one in it', analyst, STATISTICS, { g: ['SEX'], f: { municipality: otherMunicipality, sex: 'MALE' } });
    add('analyst: registry by sex and age band', analyst, REGISTRY_STATISTICS, { g: ['SEX', 'AGE_BAND'] });
    add('analyst: registry, one municipality by age band', analyst, REGISTRY_STATISTICS, { g: ['AGE_BAND'], f: { municipality: m } });
    add('officer asks for statistics', officer, STATISTICS, { g: [] });
    // Mutations as probes: refused to callers without the right, the same refusal both ways, nothing changed.
    add('clerk of another municipality reports a card lost', (s) => s.token('municipal-clerk', { municipality: otherMunicipality }), LOST, { c: withCard[0].residenceCardNumber });
    add('analyst revokes a My Number function', analyst, REVOKE, { n: me.myNumber });
    add('resident revokes someone else\'s function', (s) => s.token('resident', { myNumber: me.myNumber! }), REVOKE, { n: someoneElse.myNumber });

    const differences: string[] = [];
    const answers = new Map<string, Answer>();
    for (const ask of asks) {
      const tokens = { interpreted: await ask.token(interpreted), compiled: await ask.token(compiled) };
      for (let round = 0; round < 3; round++) {
        const a = await interpreted.query(tokens.interpreted, ask.query, ask.variables);
        const b = await compiled.query(tokens.compiled, ask.query, ask.variables);
        answers.set(ask.who, b);
        const difference = compare(a, b);
        if (difference) differences.push(`${ask.who}, round ${round + 1}: ${difference}`);
      }
    }
    expect(differences).toEqual([]);

    // The corpus is valid and reaches what it is meant to: records in full, refusals of fields, refused mutations.
    const codes = new Set<string>();
    for (const { body } of answers.values()) for (const e of body.errors ?? []) codes.add(e.extensions?.code ?? '');
    expect(codes.has('GRAPHQL_VALIDATION_FAILED')).toBe(false);
    expect([...codes]).toEqual(expect.arrayContaining(['FORBIDDEN']));
    expect(codes.size).toBeGreaterThan(1);
    for (const p of withNumber) {
      const { body } = answers.get(`officer reads ${p.scenario}`)!;
      expect(body.errors).toBeUndefined();
      expect((body.data as { person: { myNumber: string } }).person.myNumber).toBe(p.myNumber);
    }
    for (const who of ['analyst: by status and sex', 'analyst: women by age band', 'analyst: registry by sex and age band']) {
      const { body } = answers.get(who)!;
      expect(body.errors).toBeUndefined();
      const table = Object.values(body.data as Record<string, { cells: Array<{ suppressed: boolean }> }>)[0];
      expect(table.cells.length).toBeGreaterThan(1);
    }
    // Suppression is reached: cells of a table, and a whole table whose filter selects a handful.
    expect(JSON.stringify(answers.get('analyst: women by age band')!.body.data)).toContain('"suppressed":true');
    expect(codes.has('STATISTICS_TOTAL_SUPPRESSED')).toBe(true);

    for (const authority of AUTHORITIES) {
      const [left, right] = [await accessRows(interpreted, authority), await accessRows(compiled, authority)];
      expect(right.length).toBeGreaterThan(0);
      expect(right.map(withoutRefusedFields)).toEqual(left.map(withoutRefusedFields));
      // Each refusal the interpreted stack logged, the compiled one logged too.
      left.forEach((row, i) => expect(refusedFields(right[i])).toEqual(expect.arrayContaining(refusedFields(row))));
    }
    // The corpus does reach the difference below, so the comparison's allowance is exercised, not idle.
    expect(allowed.length).toBeGreaterThan(0);
  });

  test('the compiled stack ran compiled functions in every authority, and the interpreted one none', async () => {
    for (const authority of AUTHORITIES) {
      expect(await executions(compiled, authority, 'compiled')).toBeGreaterThan(0);
      expect(await executions(interpreted, authority, 'compiled')).toBe(0);
    }
  });
});
