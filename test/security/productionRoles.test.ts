import { ApiKeyStore, apiKeysFile } from '../../gateway/auth/apiKeys';
import { loadManifest, type PersistedOperation } from '../../gateway/persisted/safelist';
import { DISCLOSURE_THRESHOLD, type StatisticsDimension } from '../../schema/statistics';
import type { Role } from '../../runtime/principal';
import { startStack, type Stack } from '../harness';
import { persona } from '../personas';
import { jsonHeaders, leaks, send, subgraphCalls, type Answer } from './requests';

/**
 * Every role's work through a production gateway (NODE_ENV=production: introspection off, only approved operations,
 * each for its client kind): analysts, residents, auditors, counter staff and partners each run their front-end's
 * operations from gateway/persisted/manifest.json and get real answers, by hash and by the exact approved text; any
 * other text is refused before a subgraph is called.
 */

let stack: Stack;
let productionUrl: string;
let partnerKey: string;
const manifest = loadManifest();

beforeAll(async () => {
  stack = await startStack({ persons: 200 });
  productionUrl = await stack.startGateway({ production: true, safelist: { mode: 'enforce' } });
  ({ key: partnerKey } = new ApiKeyStore(apiKeysFile({ DATA_DIR: stack.dataDir })).create({
    partner: 'production-roles-bank',
    scopes: ['card:verify'],
    ratePerMinute: 1000,
    expiresOn: null,
  }));
});
afterAll(() => stack?.stop());

/** The approved operation of that name (fails the test when the manifest has none). */
function approved(name: string): PersistedOperation {
  const op = manifest.operations.find((o) => o.name === name);
  if (!op) throw new Error(`${name} is not an approved operation (gateway/persisted/manifest.json)`);
  return op;
}

type Caller = { token: string } | { apiKey: string };
const headersOf = (caller: Caller) =>
  'token' in caller ? jsonHeaders(caller.token) : { 'content-type': 'application/json', 'x-api-key': caller.apiKey };

/** As a production front-end sends an approved operation: its id only. */
const byHash = (caller: Caller, op: PersistedOperation, variables: Record<string, unknown>) =>
  send(productionUrl, {
    headers: headersOf(caller),
    body: JSON.stringify({ variables, extensions: { persistedQuery: { version: 1, sha256Hash: op.id } } }),
  });

/** The other way in: the exact approved text. */
const byText = (caller: Caller, query: string, variables: Record<string, unknown> = {}) =>
  send(productionUrl, { headers: headersOf(caller), body: JSON.stringify({ query, variables }) });

const staff = async (role: Role, options: { myNumber?: string } = {}): Promise<Caller> => ({ token: await stack.token(role, options) });

/** A 200 with data and no error at all, nothing leaked; its data. */
function answered<T>(answer: Answer): T {
  expect({ status: answer.status, errors: answer.body?.errors }).toEqual({ status: 200, errors: undefined });
  expect(leaks(answer.text)).toEqual([]);
  return answer.body!.data as T;
}

/** Refused up front with the safelist's code: no subgraph is called. */
async function refused(request: () => Promise<Answer>): Promise<void> {
  const before = await subgraphCalls(stack);
  const answer = await request();
  expect({ status: answer.status, code: answer.code }).toEqual({ status: 400, code: 'PERSISTED_QUERY_NOT_IN_LIST' });
  expect(leaks(answer.text)).toEqual([]);
  expect(await subgraphCalls(stack)).toBe(before);
}

interface Table {
  total: number;
  dimensions: StatisticsDimension[];
  authority: string;
  population: string;
  referenceYear: number;
  asOf: string;
  cells: Array<{ key: Array<{ dimension: StatisticsDimension; code: string; label: string }>; count: number | null; share: number | null; suppressed: boolean }>;
  disclosureControl: { threshold: number; suppressedCells: number; method: string; maxPerturbation: number };
  trend: Array<{ year: number; takenOn: string; total: number | null }>;
}

/** A real table: a positive total, non-empty cells keyed by exactly the dimensions asked, counts that add up. */
function expectTable(table: Table, groupBy: StatisticsDimension[]): void {
  expect(Number.isInteger(table.total) && table.total > 0).toBe(true);
  expect(table.dimensions).toEqual(groupBy);
  expect(table).toMatchObject({ authority: expect.any(String), population: expect.any(String), asOf: expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/) });
  expect(Number.isInteger(table.referenceYear)).toBe(true);
  expect(table.disclosureControl.threshold).toBe(DISCLOSURE_THRESHOLD);
  expect(Array.isArray(table.trend)).toBe(true);
  expect(table.cells.length).toBeGreaterThan(0);
  for (const cell of table.cells) {
    expect(cell.key.map((k) => k.dimension)).toEqual(groupBy);
    for (const k of cell.key) expect(k.label.length).toBeGreaterThan(0);
    if (cell.suppressed) expect(cell.count).toBeNull();
    else expect(Number.isInteger(cell.count) && cell.count! >= DISCLOSURE_THRESHOLD).toBe(true);
  }
  const published = table.cells.filter((c) => !c.suppressed);
  expect(published.length).toBeGreaterThan(0);
  // Each published figure is within maxPerturbation of its true count (cell key perturbation), the total too.
  expect(table.disclosureControl.maxPerturbation).toBe(2);
  expect(published.reduce((sum, c) => sum + c.count!, 0)).toBeLessThanOrEqual(table.total + 2 * (published.length + 1));
  expect(table.cells.filter((c) => c.suppressed).length).toBe(table.disclosureControl.suppressedCells);
}

const specificCard = () => persona('specific_card');

describe('analysts: both statistics tables, groupBy and filter as variables', () => {
  test.each([
    ['AnalystForeignResidentStatistics', 'foreignResidentStatistics', 'STATUS_GROUP'],
    ['AnalystResidentRegistryStatistics', 'residentRegistryStatistics', 'RESIDENT_CATEGORY'],
  ] as const)('%s', async (name, field, other) => {
    const analyst = await staff('analyst');
    const op = approved(name);

    const sexes = answered<Record<string, Table>>(await byHash(analyst, op, { groupBy: ['SEX'], language: 'en' }))[field]!;
    expectTable(sexes, ['SEX']);
    expect(sexes.cells.find((c) => c.key[0]!.code === 'FEMALE')?.key[0]?.label).toBe('Female');
    const women = sexes.cells.find((c) => c.key[0]!.code === 'FEMALE' && !c.suppressed)!;
    expect(women).toBeDefined();

    // The filter, as a variable, selects exactly the women the unfiltered table counts, now by another dimension.
    const groupBy: StatisticsDimension[] = [other, 'SEX'];
    const filtered = answered<Record<string, Table>>(await byHash(analyst, op, { groupBy, filter: { sex: 'FEMALE' } }))[field]!;
    expectTable(filtered, groupBy);
    expect(filtered.total).toBe(women.count);
    expect(new Set(filtered.cells.map((c) => c.key[1]!.code))).toEqual(new Set(['FEMALE']));

    // The same operation sent as its exact text gives the same table.
    const again = answered<Record<string, Table>>(await byText(analyst, op.body, { groupBy, filter: { sex: 'FEMALE' } }))[field]!;
    expect(again).toEqual(filtered);

    await refused(() => byText(analyst, `query ($g: [StatisticsDimension!]!) { ${field}(groupBy: $g) { total } }`, { g: ['SEX'] }));
  });
});

describe('residents: their own record and who looked at it', () => {
  test('an officer reads the resident at the counter; the resident then reads their own record and access log', async () => {
    const me = specificCard();
    const officer = await staff('isa-officer');
    answered(await byHash(officer, approved('CounterUnifiedRecord'), { myNumber: me.myNumber }));

    const resident = await staff('resident', { myNumber: me.myNumber! });
    type Own = {
      person: {
        myNumber: string;
        cardArrangement: string;
        resident: { familyName: string; givenName: string; residentRecordCode: string | null; addressHistory: unknown[] };
        immigration: { residentClass: string; residenceCards: Array<{ number: string }> };
        residenceCard: { number: string };
        myNumberCard: { kind: string; functions: unknown[] };
      };
    };
    const own = answered<Own>(await byHash(resident, approved('ResidentOwnRecord'), { myNumber: me.myNumber })).person;
    const [registry] = (await stack.dbs.registry.query(
      `SELECT family_name AS "familyName", given_name AS "givenName", resident_record_code AS "code" FROM resident WHERE my_number = $1`,
      [me.myNumber],
    )) as Array<{ familyName: string; givenName: string; code: string }>;
    expect(own).toMatchObject({
      myNumber: me.myNumber,
      cardArrangement: me.expected.cardArrangement,
      resident: { familyName: registry!.familyName, givenName: registry!.givenName, residentRecordCode: registry!.code },
      residenceCard: { number: me.residenceCardNumber },
    });
    expect(own.resident.addressHistory.length).toBeGreaterThan(0);
    expect(own.immigration.residenceCards.map((c) => c.number)).toContain(me.residenceCardNumber);
    expect(own.myNumberCard.functions.length).toBeGreaterThan(0);

    type Log = { person: { accessLog: Array<{ at: string; authority: string; role: string; agency: string; purpose: string; items: string[]; action: string; outcome: string }> } };
    const log = answered<Log>(await byHash(resident, approved('ResidentAccessLog'), { myNumber: me.myNumber })).person.accessLog;
    expect(log.length).toBeGreaterThan(0);
    const byOfficer = log.filter((a) => a.role === 'isa-officer');
    expect(new Set(byOfficer.map((a) => a.authority))).toEqual(new Set(['immigration', 'registry', 'mynumber']));
    expect(byOfficer[0]).toMatchObject({ agency: 'ISA', purpose: 'residence-management', action: 'read', outcome: 'ok' });

    // The exact text works too.
    expect(answered<Log>(await byText(resident, approved('ResidentAccessLog').body, { myNumber: me.myNumber })).person.accessLog.length).toBeGreaterThan(0);
  });

  test('the resident pages through the whole history of each authority, filtered by authority', async () => {
    const me = persona('permanent_resident');
    const officer = await staff('isa-officer');
    for (let i = 0; i < 3; i++) answered(await byHash(officer, approved('CounterUnifiedRecord'), { myNumber: me.myNumber }));
    const resident = await staff('resident', { myNumber: me.myNumber! });
    type Page = { entries: Array<{ authority: string; role: string }>; endCursor: string | null; hasNextPage: boolean };
    type History = { person: { immigrationAccessHistory?: Page; registryAccessHistory?: Page; jlisAccessHistory?: Page } };
    const op = approved('AccessHistory');
    const seen: Array<{ authority: string; role: string }> = [];
    let after: string | null = null;
    for (;;) {
      const { person }: History = answered<History>(await byHash(resident, op, { myNumber: me.myNumber, first: 1, immigration: false, jlis: false, registryAfter: after }));
      expect(Object.keys(person).sort()).toEqual(['myNumber', 'registryAccessHistory']);
      seen.push(...person.registryAccessHistory!.entries);
      if (!person.registryAccessHistory!.hasNextPage) break;
      after = person.registryAccessHistory!.endCursor;
    }
    // A recount of the registry's log up to the resident's first page (each page read is logged after it).
    const [{ count }] = await stack.dbs.registry.query(
      `SELECT count(*)::int AS count FROM access_log WHERE subject = $1 AND id < (SELECT min(id) FROM access_log WHERE subject = $1 AND role = 'resident')`,
      [me.myNumber],
    );
    expect(seen.filter((e) => e.role === 'isa-officer').length).toBe(3);
    expect(seen.every((e) => e.authority === 'registry')).toBe(true);
    expect(seen.length).toBe(count);
    const auditor = await staff('auditor');
    const all = answered<History>(await byHash(auditor, op, { myNumber: me.myNumber })).person;
    for (const [field, authority] of [['immigrationAccessHistory', 'immigration'], ['registryAccessHistory', 'registry'], ['jlisAccessHistory', 'mynumber']] as const) {
      const [{ officer }] = await stack.dbs[authority].query(
        `SELECT count(*)::int AS officer FROM access_log WHERE subject = $1 AND role = 'isa-officer'`,
        [me.myNumber],
      );
      expect(officer).toBeGreaterThanOrEqual(3);
      expect(all[field]!.entries.filter((e) => e.role === 'isa-officer').length).toBe(officer);
    }
  });

  test("another person's number reads like an unknown one", async () => {
    const resident = await staff('resident', { myNumber: specificCard().myNumber! });
    const other = { myNumber: persona('separate_cards').myNumber };
    expect(answered(await byHash(resident, approved('ResidentOwnRecord'), other))).toEqual({ person: null });
    expect(answered(await byHash(resident, approved('ResidentAccessLog'), other))).toEqual({ person: null });
  });

  test('an unapproved text is refused', async () => {
    const me = specificCard().myNumber!;
    const resident = await staff('resident', { myNumber: me });
    await refused(() => byText(resident, 'query ($n: ID!) { person(myNumber: $n) { resident { familyName } } }', { n: me }));
    // Exactly the approved text: one more space is another operation.
    await refused(() => byText(resident, `${approved('ResidentOwnRecord').body} `, { myNumber: me }));
  });
});

describe('auditors: a person’s access log', () => {
  test('the log across the three authorities, and nothing unapproved', async () => {
    const n = persona('separate_cards').myNumber!;
    const officer = await staff('isa-officer');
    answered(await byHash(officer, approved('CounterUnifiedRecord'), { myNumber: n }));

    const auditor = await staff('auditor');
    type Log = { person: { myNumber: string; accessLog: Array<{ authority: string; role: string }> } };
    const { person } = answered<Log>(await byHash(auditor, approved('AuditorAccessLog'), { myNumber: n }));
    expect(person.myNumber).toBe(n);
    expect(person.accessLog.length).toBeGreaterThan(0);
    expect(new Set(person.accessLog.filter((a) => a.role === 'isa-officer').map((a) => a.authority))).toEqual(
      new Set(['immigration', 'registry', 'mynumber']),
    );

    await refused(() => byText(auditor, 'query ($n: ID!) { person(myNumber: $n) { accessLog { at role } } }', { n }));
  });
});

describe('counter staff and partners keep their operations', () => {
  test('clerks record a move between municipalities: move-out at the former, move-in at the destination', async () => {
    const [row] = await stack.dbs.registry.query(
      `SELECT my_number AS n, municipality_code AS m FROM resident WHERE removed_on IS NULL AND municipality_code <> '131041' ORDER BY id LIMIT 1`,
    );
    const former = { token: await stack.token('municipal-clerk', { municipality: row.m }) };
    const destination = { token: await stack.token('municipal-clerk', { municipality: '131041' }) };
    const out = answered<{ recordMoveOut: { resident: { moveOut: { destination: { code: string }; movedOutOn: string } } } }>(
      await byHash(former, approved('RecordMoveOut'), { myNumber: row.n, destinationMunicipalityCode: '131041', movedOutOn: '2026-11-28' }),
    );
    expect(out.recordMoveOut.resident.moveOut).toEqual({ destination: { code: '131041', name: expect.any(String) }, movedOutOn: '2026-11-28' });
    const moved = answered<{ recordMoveIn: { resident: { municipality: { code: string }; address: { line: string } } } }>(
      await byHash(destination, approved('RecordMoveIn'), { myNumber: row.n, municipalityCode: '131041', addressLine: '西新宿2-8-1', movedInOn: '2026-11-29' }),
    );
    expect(moved.recordMoveIn.resident).toMatchObject({ municipality: { code: '131041' }, address: { line: '西新宿2-8-1' } });
  });

  test('an ISA officer runs the unified record', async () => {
    const me = specificCard();
    const officer = await staff('isa-officer');
    const data = answered(await byHash(officer, approved('CounterUnifiedRecord'), { myNumber: me.myNumber }));
    expect(data).toMatchObject({ record: { myNumber: me.myNumber, residenceCard: { number: me.residenceCardNumber } }, arrangement: { cardArrangement: 'SPECIFIC_CARD' } });
    await refused(() => byText(officer, 'query ($n: ID!) { person(myNumber: $n) { myNumber } }', { n: me.myNumber }));
  });

  test('a partner key verifies a card, and runs nothing else', async () => {
    const me = specificCard();
    // The expiry printed on the card, as the officer's counter shows it.
    const { record } = answered<{ record: { residenceCard: { validUntil: string } } }>(
      await byHash(await staff('isa-officer'), approved('CounterUnifiedRecord'), { myNumber: me.myNumber }),
    );
    const printed = { number: me.residenceCardNumber, expiresOn: record.residenceCard.validUntil };
    const partner = { apiKey: partnerKey };
    const data = answered<{ verifyResidenceCard: { valid: boolean; workPermission: string | null } }>(
      await byHash(partner, approved('PartnerVerifyResidenceCard'), printed),
    );
    expect(data.verifyResidenceCard).toMatchObject({ valid: true, workPermission: expect.any(String) });
    await refused(() => byText(partner, `{ verifyResidenceCard(number: "${printed.number}", expiresOn: "${printed.expiresOn}") { valid } }`));
    // Staff operations are not the partner's, the new ones included.
    await refused(() => byHash(partner, approved('AnalystForeignResidentStatistics'), { groupBy: ['SEX'] }));
    await refused(() => byHash(partner, approved('ResidentOwnRecord'), { myNumber: me.myNumber }));
  });
});
