import type { DataSource } from 'typeorm';
import type { Role } from '../../schema/access';
import type { Authority } from '../../runtime/authority';
import { startStack, TEST_TODAY, type Stack } from '../harness';

/**
 * Who may act on which person, every mutation of the three authorities against every caller and three persons: one
 * of the caller's own municipality (for a resident: themselves), one of another municipality, and an unknown one.
 * The expected outcome of every cell is written here by hand from the law (the comments name it), not derived from
 * the policy tables the authorities enforce. Every refusal must change nothing at any authority and leave one
 * access-log row at the authority asked, with the truth the caller was not told; a person the caller may not act
 * on must read exactly like an unknown one.
 */

type Caller = 'isa' | 'clerkReg' | 'clerkCard' | 'jlis' | 'analyst' | 'auditor' | 'resident';
type Outcome = 'OK' | 'FORBIDDEN' | 'PERSON_NOT_FOUND' | 'CARD_NOT_FOUND';

const CALLERS: Record<Caller, { role: Role; purpose: string }> = {
  isa: { role: 'isa-officer', purpose: 'residence-management' },
  clerkReg: { role: 'municipal-clerk', purpose: 'resident-registration' },
  clerkCard: { role: 'municipal-clerk', purpose: 'my-number-card-issuance' },
  jlis: { role: 'jlis-operator', purpose: 'my-number-card-management' },
  analyst: { role: 'analyst', purpose: 'statistics' },
  auditor: { role: 'auditor', purpose: 'audit' },
  resident: { role: 'resident', purpose: 'own-record' },
};

const F: [Outcome, Outcome, Outcome] = ['FORBIDDEN', 'FORBIDDEN', 'FORBIDDEN'];
const NOBODY_ELSE = { clerkReg: F, clerkCard: F, jlis: F, analyst: F, auditor: F, resident: F };
const NF = 'PERSON_NOT_FOUND';

/**
 * [own person, another municipality's person, unknown person] per caller.
 * - ISA (入管法 19条の10-19条の13, 20条, 21条): cards and periods of stay are decided by the ISA alone, for anyone.
 * - J-LIS (番号法 17条, 公的個人認証法): My Number cards for anyone; the municipal counter hands cards over, takes back
 *   returned functions and suspends certificates for its own residents, acting for card issuance; revocation on the
 *   authority's own initiative is J-LIS's alone.
 * - Registry (住民基本台帳法 22-24条, 30条の46): a municipality records registrations, moves within it and removals of its
 *   own residents; a move between municipalities is a move-out at the former and a move-in at the destination.
 */
const EXPECTED: Record<string, { authority: Authority } & Record<Caller, [Outcome, Outcome, Outcome]>> = {
  issueSpecificResidenceCard: { authority: 'immigration', isa: ['OK', 'OK', NF], ...NOBODY_ELSE },
  reportResidenceCardLost: { authority: 'immigration', isa: ['OK', 'OK', 'CARD_NOT_FOUND'], ...NOBODY_ELSE },
  reissueResidenceCard: { authority: 'immigration', isa: ['OK', 'OK', 'CARD_NOT_FOUND'], ...NOBODY_ELSE },
  renewPeriodOfStay: { authority: 'immigration', isa: ['OK', 'OK', NF], ...NOBODY_ELSE },
  changeStatusOfResidence: { authority: 'immigration', isa: ['OK', 'OK', NF], ...NOBODY_ELSE },
  // The same ISA commands naming the person by the card in force: the same callers, cards' not-found answer.
  'issueSpecificResidenceCard byCard': { authority: 'immigration', isa: ['OK', 'OK', 'CARD_NOT_FOUND'], ...NOBODY_ELSE },
  'renewPeriodOfStay byCard': { authority: 'immigration', isa: ['OK', 'OK', 'CARD_NOT_FOUND'], ...NOBODY_ELSE },
  'changeStatusOfResidence byCard': { authority: 'immigration', isa: ['OK', 'OK', 'CARD_NOT_FOUND'], ...NOBODY_ELSE },
  // Applications for an extension or a change of status are filed with and decided by the ISA (入管法 20条, 21条).
  applyForExtension: { authority: 'immigration', isa: ['OK', 'OK', NF], ...NOBODY_ELSE },
  'applyForExtension byCard': { authority: 'immigration', isa: ['OK', 'OK', 'CARD_NOT_FOUND'], ...NOBODY_ELSE },
  refuseExtension: { authority: 'immigration', isa: ['OK', 'OK', NF], ...NOBODY_ELSE },
  'refuseExtension byCard': { authority: 'immigration', isa: ['OK', 'OK', 'CARD_NOT_FOUND'], ...NOBODY_ELSE },
  issueMyNumberCard: { authority: 'mynumber', ...NOBODY_ELSE, isa: F, jlis: ['OK', 'OK', NF], clerkCard: ['OK', NF, NF] },
  returnMyNumberFunction: { authority: 'mynumber', ...NOBODY_ELSE, isa: F, jlis: ['OK', 'OK', NF], clerkCard: ['OK', NF, NF] },
  revokeMyNumberFunction: { authority: 'mynumber', ...NOBODY_ELSE, isa: F, jlis: ['OK', 'OK', NF] },
  suspendCertificates: { authority: 'mynumber', ...NOBODY_ELSE, isa: F, jlis: ['OK', 'OK', NF], clerkCard: ['OK', NF, NF] },
  resumeCertificates: { authority: 'mynumber', ...NOBODY_ELSE, isa: F, jlis: ['OK', 'OK', NF], clerkCard: ['OK', NF, NF] },
  // own: a registration into the clerk's municipality; other: into another one (no person, no unknown case).
  registerResident: { authority: 'registry', ...NOBODY_ELSE, isa: F, clerkReg: ['OK', 'FORBIDDEN', 'FORBIDDEN'] },
  changeAddress: { authority: 'registry', ...NOBODY_ELSE, isa: F, clerkReg: ['OK', NF, NF] },
  recordMoveOut: { authority: 'registry', ...NOBODY_ELSE, isa: F, clerkReg: ['OK', NF, NF] },
  // own: a person whose move-out (recorded by their former municipality) names the clerk's municipality.
  recordMoveIn: { authority: 'registry', ...NOBODY_ELSE, isa: F, clerkReg: ['OK', NF, NF] },
  removeResident: { authority: 'registry', ...NOBODY_ELSE, isa: F, clerkReg: ['OK', NF, NF] },
};

/** The mutation a row of the table calls (a row may call it with another argument: "renewPeriodOfStay byCard"). */
function commandOf(row: string): string {
  return row.split(' ')[0]!;
}

/** Each mutation's text and the variables for a target (a My Number, or for card commands the card's number). */
const LATER = '2031-03-31';
const OPERATIONS: Record<string, { query: string; variables: (t: TargetRow, municipality: string) => Record<string, unknown> }> = {
  issueSpecificResidenceCard: { query: `mutation ($n: ID!) { issueSpecificResidenceCard(myNumber: $n) { number } }`, variables: (t) => ({ n: t.myNumber }) },
  reportResidenceCardLost: { query: `mutation ($c: String!) { reportResidenceCardLost(number: $c) { number } }`, variables: (t) => ({ c: t.card }) },
  reissueResidenceCard: { query: `mutation ($c: String!) { reissueResidenceCard(number: $c) { number } }`, variables: (t) => ({ c: t.card }) },
  renewPeriodOfStay: {
    query: `mutation ($n: ID!, $e: Date!) { renewPeriodOfStay(myNumber: $n, newExpiry: $e) { stayExpiresOn } }`,
    variables: (t) => ({ n: t.myNumber, e: LATER }),
  },
  changeStatusOfResidence: {
    query: `mutation ($n: ID!) { changeStatusOfResidence(myNumber: $n, status: PERMANENT_RESIDENT) { statusOfResidence } }`,
    variables: (t) => ({ n: t.myNumber }),
  },
  'issueSpecificResidenceCard byCard': {
    query: `mutation ($c: String!) { issueSpecificResidenceCard(residenceCardNumber: $c) { number } }`,
    variables: (t) => ({ c: t.card }),
  },
  'renewPeriodOfStay byCard': {
    query: `mutation ($c: String!, $e: Date!) { renewPeriodOfStay(residenceCardNumber: $c, newExpiry: $e) { stayExpiresOn } }`,
    variables: (t) => ({ c: t.card, e: LATER }),
  },
  'changeStatusOfResidence byCard': {
    query: `mutation ($c: String!) { changeStatusOfResidence(residenceCardNumber: $c, status: PERMANENT_RESIDENT) { statusOfResidence } }`,
    variables: (t) => ({ c: t.card }),
  },
  applyForExtension: { query: `mutation ($n: ID!) { applyForExtension(myNumber: $n) { stayExpiresOn } }`, variables: (t) => ({ n: t.myNumber }) },
  'applyForExtension byCard': {
    query: `mutation ($c: String!) { applyForExtension(residenceCardNumber: $c) { stayExpiresOn } }`,
    variables: (t) => ({ c: t.card }),
  },
  refuseExtension: { query: `mutation ($n: ID!) { refuseExtension(myNumber: $n) { stayExpiresOn } }`, variables: (t) => ({ n: t.myNumber }) },
  'refuseExtension byCard': {
    query: `mutation ($c: String!) { refuseExtension(residenceCardNumber: $c) { stayExpiresOn } }`,
    variables: (t) => ({ c: t.card }),
  },
  issueMyNumberCard: { query: `mutation ($n: ID!) { issueMyNumberCard(myNumber: $n) { myNumber } }`, variables: (t) => ({ n: t.myNumber }) },
  returnMyNumberFunction: { query: `mutation ($n: ID!) { returnMyNumberFunction(myNumber: $n) { myNumber } }`, variables: (t) => ({ n: t.myNumber }) },
  revokeMyNumberFunction: { query: `mutation ($n: ID!) { revokeMyNumberFunction(myNumber: $n) { myNumber } }`, variables: (t) => ({ n: t.myNumber }) },
  suspendCertificates: { query: `mutation ($n: ID!) { suspendCertificates(myNumber: $n) { myNumber } }`, variables: (t) => ({ n: t.myNumber }) },
  resumeCertificates: { query: `mutation ($n: ID!) { resumeCertificates(myNumber: $n) { myNumber } }`, variables: (t) => ({ n: t.myNumber }) },
  registerResident: {
    query: `mutation ($i: RegisterResidentInput!) { registerResident(input: $i) { myNumber } }`,
    variables: (_t, municipality) => ({
      i: { familyName: 'TEST', givenName: 'MATRIX', birthDate: '1990-01-01', sex: 'FEMALE', category: 'TEMPORARY_REFUGE', municipalityCode: municipality, addressLine: '1-1' },
    }),
  },
  changeAddress: {
    query: `mutation ($n: ID!, $m: String!) { changeAddress(myNumber: $n, municipalityCode: $m, addressLine: "2-2", movedOn: "${TEST_TODAY}") { myNumber } }`,
    variables: (t, municipality) => ({ n: t.myNumber, m: municipality }),
  },
  recordMoveOut: {
    query: `mutation ($n: ID!, $m: String!) { recordMoveOut(myNumber: $n, destinationMunicipalityCode: $m, movedOutOn: "${TEST_TODAY}") { myNumber } }`,
    variables: (t) => ({ n: t.myNumber, m: t.elsewhere }),
  },
  recordMoveIn: {
    query: `mutation ($n: ID!, $m: String!) { recordMoveIn(myNumber: $n, municipalityCode: $m, addressLine: "3-3", movedInOn: "${TEST_TODAY}") { myNumber } }`,
    variables: (t, municipality) => ({ n: t.myNumber, m: municipality }),
  },
  removeResident: {
    query: `mutation ($n: ID!) { removeResident(myNumber: $n, reason: LEFT_JAPAN, removedOn: "${TEST_TODAY}") { myNumber } }`,
    variables: (t) => ({ n: t.myNumber }),
  },
};

/** A person a cell acts on: the My Number, the residence card in force, and a municipality neither theirs nor the clerks'. */
interface TargetRow {
  myNumber: string;
  card: string | null;
  elsewhere: string;
}

let UNKNOWN: TargetRow;

/** Mid-to-long-term residents whose stay has not ended: an application is in time. */
const STAY_NOT_ENDED: { authority: Authority; sql: string } = {
  authority: 'immigration',
  sql: `SELECT r.my_number FROM foreign_resident r JOIN residence_card c ON c.resident_id = r.id AND c.status = 'VALID'
        WHERE r.my_number IS NOT NULL AND r.resident_class = 'MID_TO_LONG_TERM' AND r.stay_expires_on >= '${TEST_TODAY}'
          AND coalesce(c.valid_until, 'infinity') >= '${TEST_TODAY}'`,
};

/** Persons on whom each mutation can succeed, by SQL on the owning authority (the state a success needs). */
const CANDIDATES: Record<string, { authority: Authority; sql: string }> = {
  issueSpecificResidenceCard: {
    authority: 'immigration',
    sql: `SELECT r.my_number FROM foreign_resident r JOIN residence_card c ON c.resident_id = r.id AND c.status = 'VALID'
          WHERE r.resident_registered AND r.resident_class = 'MID_TO_LONG_TERM' AND r.my_number IS NOT NULL
            AND c.kind IN ('RESIDENCE_CARD_OLD_FORMAT', 'RESIDENCE_CARD_NEW_FORMAT') AND coalesce(c.valid_until, 'infinity') > '${TEST_TODAY}'`,
  },
  reportResidenceCardLost: {
    authority: 'immigration',
    sql: `SELECT r.my_number FROM foreign_resident r JOIN residence_card c ON c.resident_id = r.id AND c.status = 'VALID'
          WHERE r.my_number IS NOT NULL AND c.loss_reported_on IS NULL AND coalesce(c.valid_until, 'infinity') > '${TEST_TODAY}'`,
  },
  reissueResidenceCard: {
    authority: 'immigration',
    sql: `SELECT r.my_number FROM foreign_resident r JOIN residence_card c ON c.resident_id = r.id AND c.status = 'VALID'
          WHERE r.my_number IS NOT NULL AND coalesce(c.valid_until, 'infinity') > '${TEST_TODAY}'`,
  },
  renewPeriodOfStay: {
    authority: 'immigration',
    sql: `SELECT r.my_number FROM foreign_resident r JOIN residence_card c ON c.resident_id = r.id AND c.status = 'VALID'
          WHERE r.my_number IS NOT NULL AND r.stay_expires_on > '${TEST_TODAY}' AND r.stay_expires_on < '${LATER}'
            AND coalesce(c.valid_until, 'infinity') > '${TEST_TODAY}'`,
  },
  changeStatusOfResidence: {
    authority: 'immigration',
    sql: `SELECT r.my_number FROM foreign_resident r JOIN residence_card c ON c.resident_id = r.id AND c.status = 'VALID'
          WHERE r.my_number IS NOT NULL AND r.resident_class = 'MID_TO_LONG_TERM' AND r.status_of_residence <> 'PERMANENT_RESIDENT'
            AND coalesce(c.valid_until, 'infinity') > '${TEST_TODAY}'`,
  },
  applyForExtension: STAY_NOT_ENDED,
  // The same persons, with an application filed in the setup.
  refuseExtension: STAY_NOT_ENDED,
  issueMyNumberCard: {
    authority: 'mynumber',
    sql: `SELECT n.my_number FROM my_number n WHERE coalesce((SELECT c.status FROM my_number_card c WHERE c.my_number = n.my_number
            ORDER BY c.issued_on DESC, c.id DESC LIMIT 1), 'NONE') NOT IN ('ACTIVE', 'SUSPENDED')`,
  },
  returnMyNumberFunction: { authority: 'mynumber', sql: LATEST_ACTIVE_CARD('') },
  revokeMyNumberFunction: { authority: 'mynumber', sql: LATEST_ACTIVE_CARD('') },
  suspendCertificates: {
    authority: 'mynumber',
    sql: LATEST_ACTIVE_CARD(`AND EXISTS (SELECT 1 FROM card_function f WHERE f.card_id = c.id AND f.function <> 'CARD_FUNCTION' AND f.status = 'ACTIVE')`),
  },
  // Certificates suspended by the test's setup, on persons who had active ones.
  resumeCertificates: {
    authority: 'mynumber',
    sql: LATEST_ACTIVE_CARD(`AND EXISTS (SELECT 1 FROM card_function f WHERE f.card_id = c.id AND f.function <> 'CARD_FUNCTION' AND f.status = 'ACTIVE')`),
  },
  registerResident: { authority: 'registry', sql: `SELECT my_number FROM resident WHERE removed_on IS NULL` },
  changeAddress: { authority: 'registry', sql: `SELECT my_number FROM resident WHERE removed_on IS NULL` },
  recordMoveOut: { authority: 'registry', sql: `SELECT my_number FROM resident WHERE removed_on IS NULL` },
  recordMoveIn: { authority: 'registry', sql: `SELECT my_number FROM resident WHERE removed_on IS NULL` },
  removeResident: { authority: 'registry', sql: `SELECT my_number FROM resident WHERE removed_on IS NULL` },
};

function LATEST_ACTIVE_CARD(extra: string): string {
  return `SELECT c.my_number FROM my_number_card c
          WHERE c.status = 'ACTIVE' AND c.id = (SELECT l.id FROM my_number_card l WHERE l.my_number = c.my_number ORDER BY l.issued_on DESC, l.id DESC LIMIT 1) ${extra}`;
}

let stack: Stack;
let A: string; // the clerks' municipality
let B: string; // another municipality
let C: string; // a third, where move-outs go
/** Per mutation and target kind, the persons for its cells: the first for every refused caller, then one per allowed caller. */
const targets = new Map<string, TargetRow[]>();

interface Answer {
  status: number;
  requestId: string;
  body: { data?: Record<string, unknown> | null; errors?: Array<{ message: string; extensions?: Record<string, unknown> }> };
}

async function send(token: string, query: string, variables: Record<string, unknown>): Promise<Answer> {
  const res = await fetch(stack.gatewayUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query, variables }),
  });
  return { status: res.status, requestId: res.headers.get('x-request-id') ?? '', body: (await res.json()) as Answer['body'] };
}

async function tokenFor(caller: Caller, subject: TargetRow): Promise<string> {
  const { role, purpose } = CALLERS[caller];
  return stack.token(role, { purpose, municipality: role === 'municipal-clerk' ? A : undefined, myNumber: role === 'resident' ? subject.myNumber : undefined });
}

/** Everything an authority keeps except its access log, as one digest: what a refusal must leave as it was. */
async function fingerprint(db: DataSource): Promise<string> {
  const tables: Array<{ name: string }> = await db.query(
    `SELECT table_name AS name FROM information_schema.tables
     WHERE table_schema = 'public' AND table_type = 'BASE TABLE' AND table_name NOT LIKE 'access_log%' ORDER BY 1`,
  );
  const parts: string[] = [];
  for (const { name } of tables) {
    const [{ digest }] = await db.query(`SELECT md5(coalesce(string_agg(t::text, ',' ORDER BY t::text), '')) AS digest FROM "${name}" t`);
    parts.push(`${name}:${digest}`);
  }
  return parts.join(' ');
}

async function everything(): Promise<string[]> {
  return Promise.all((['immigration', 'registry', 'mynumber'] as const).map((a) => fingerprint(stack.dbs[a])));
}

const cells = Object.entries(EXPECTED).flatMap(([mutation, row]) =>
  (Object.keys(CALLERS) as Caller[]).flatMap((caller) =>
    (['own', 'other', 'unknown'] as const).map((target, i) => ({ mutation, caller, target, expected: row[caller][i]! })),
  ),
).filter((c) => !(c.mutation === 'registerResident' && c.target === 'unknown'));

beforeAll(async () => {
  stack = await startStack({ persons: 1500 });
  const top: Array<{ m: string }> = await stack.dbs.registry.query(
    `SELECT municipality_code AS m FROM resident WHERE removed_on IS NULL GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 3`,
  );
  [A, B, C] = [top[0]!.m, top[1]!.m, top[2]!.m];
  UNKNOWN = { myNumber: '123456789018', card: 'ZZ00000000ZZ', elsewhere: C };
  const residents: Array<{ n: string; m: string }> = await stack.dbs.registry.query(
    `SELECT my_number AS n, municipality_code AS m FROM resident WHERE removed_on IS NULL`,
  );
  const municipalityOf = new Map(residents.map((r) => [r.n, r.m]));
  const cards: Array<{ n: string; c: string }> = await stack.dbs.immigration.query(
    `SELECT r.my_number AS n, c.number AS c FROM foreign_resident r JOIN residence_card c ON c.resident_id = r.id AND c.status = 'VALID' WHERE r.my_number IS NOT NULL`,
  );
  const cardOf = new Map(cards.map((r) => [r.n, r.c]));
  const used = new Set<string>();
  for (const [mutation, row] of Object.entries(EXPECTED)) {
    const { authority, sql } = CANDIDATES[commandOf(mutation)]!;
    const candidates: Array<{ my_number: string }> = await stack.dbs[authority].query(`${sql} ORDER BY 1`);
    for (const [i, kind] of (['own', 'other'] as const).entries()) {
      const allowed = (Object.keys(CALLERS) as Caller[]).filter((c) => row[c][i] === 'OK').length;
      // A move-in's own person lives in B and is moving to A; its other person lives in B and is not.
      const home = mutation === 'recordMoveIn' ? B : kind === 'own' ? A : B;
      const picked = candidates
        .map((c) => c.my_number)
        .filter((n) => municipalityOf.get(n) === home && !used.has(n))
        .slice(0, Math.max(1, allowed));
      expect({ mutation, kind, found: picked.length }).toEqual({ mutation, kind, found: Math.max(1, allowed) });
      picked.forEach((n) => used.add(n));
      targets.set(`${mutation}:${kind}`, picked.map((n) => ({ myNumber: n, card: cardOf.get(n) ?? null, elsewhere: C })));
    }
    targets.set(`${mutation}:unknown`, [UNKNOWN]);
  }
  // Setup the matrix needs: certificates to resume, applications to refuse, and move-outs naming A for the move-ins.
  const operator = await stack.token('jlis-operator');
  for (const t of [...targets.get('resumeCertificates:own')!, ...targets.get('resumeCertificates:other')!]) {
    expect((await send(operator, OPERATIONS.suspendCertificates!.query, { n: t.myNumber })).body.errors).toBeUndefined();
  }
  const officer = await tokenFor('isa', UNKNOWN);
  for (const t of ['refuseExtension', 'refuseExtension byCard'].flatMap((m) => [...targets.get(`${m}:own`)!, ...targets.get(`${m}:other`)!])) {
    expect((await send(officer, OPERATIONS.applyForExtension!.query, { n: t.myNumber })).body.errors).toBeUndefined();
  }
  const clerkOfB = await stack.token('municipal-clerk', { municipality: B });
  for (const t of targets.get('recordMoveIn:own')!) {
    const movedOut = await send(clerkOfB, OPERATIONS.recordMoveOut!.query, { n: t.myNumber, m: A });
    expect(movedOut.body.errors).toBeUndefined();
  }
});
afterAll(() => stack?.stop());

test('the hand-written table covers every mutation of the supergraph', async () => {
  const { readFileSync } = await import('node:fs');
  const { join } = await import('node:path');
  const sdl = readFileSync(join(__dirname, '..', '..', 'schema', 'supergraph.graphql'), 'utf8');
  const mutationType = /type Mutation\s*(?:@[^{]*)?\{([^}]*)\}/.exec(sdl)![1]!;
  const names = [...mutationType.matchAll(/^\s+(\w+)\(/gm)].map((m) => m[1]).sort();
  expect(names).toEqual([...new Set(Object.keys(EXPECTED).map(commandOf))].sort());
});

describe('refusals change nothing, are logged, and read like an unknown person', () => {
  let before: string[];
  const answers = new Map<string, Answer>();
  beforeAll(async () => {
    before = await everything();
    for (const cell of cells.filter((c) => c.expected !== 'OK')) {
      const target = targets.get(`${cell.mutation}:${cell.target}`)![0]!;
      const municipality = cell.mutation === 'registerResident' && cell.target === 'other' ? B : A;
      const op = OPERATIONS[cell.mutation]!;
      answers.set(`${cell.mutation}:${cell.caller}:${cell.target}`, await send(await tokenFor(cell.caller, target), op.query, op.variables(target, municipality)));
    }
  });

  test.each(cells.filter((c) => c.expected !== 'OK'))('$mutation by $caller on $target person: $expected', async (cell) => {
    const answer = answers.get(`${cell.mutation}:${cell.caller}:${cell.target}`)!;
    expect({ status: answer.status, data: answer.body.data, code: answer.body.errors?.[0]?.extensions?.code }).toEqual({
      status: 200,
      data: null,
      code: cell.expected,
    });
    // One attempt row at the authority asked, with what the caller was not told.
    const rows: Array<{ action: string; outcome: string; subject: string | null }> = await stack.dbs[EXPECTED[cell.mutation]!.authority].query(
      `SELECT action, outcome, subject FROM access_log WHERE request_id = $1`,
      [answer.requestId],
    );
    const outcome = cell.expected === 'FORBIDDEN' ? 'refused' : cell.target === 'unknown' ? 'not_found' : 'not_visible';
    expect(rows.map((r) => [r.action, r.outcome])).toEqual([[commandOf(cell.mutation), outcome]]);
  });

  test('a person the caller may not act on answers exactly like an unknown one', () => {
    const pairs = cells.filter((c) => c.target === 'other' && (c.expected === NF || c.expected === 'CARD_NOT_FOUND'));
    expect(pairs.length).toBe(8); // the municipal counter's four card commands and four registry commands
    for (const cell of pairs) {
      const other = answers.get(`${cell.mutation}:${cell.caller}:other`)!;
      const unknown = answers.get(`${cell.mutation}:${cell.caller}:unknown`)!;
      expect({ cell, status: other.status, body: other.body }).toEqual({ cell, status: unknown.status, body: unknown.body });
    }
  });

  test('no authority changed anything', async () => {
    expect(await everything()).toEqual(before);
  });
});

describe('allowed callers act', () => {
  const allowed = cells.filter((c) => c.expected === 'OK');
  const next = new Map<string, number>();
  test.each(allowed)('$mutation by $caller on $target person', async (cell) => {
    const key = `${cell.mutation}:${cell.target}`;
    const i = next.get(key) ?? 0;
    next.set(key, i + 1);
    const target = targets.get(key)![i]!;
    const municipality = cell.mutation === 'registerResident' && cell.target === 'other' ? B : A;
    const op = OPERATIONS[cell.mutation]!;
    const answer = await send(await tokenFor(cell.caller, target), op.query, op.variables(target, municipality));
    expect({ status: answer.status, errors: answer.body.errors }).toEqual({ status: 200, errors: undefined });
    const rows: Array<{ outcome: string; subject: string }> = await stack.dbs[EXPECTED[cell.mutation]!.authority].query(
      `SELECT outcome, subject FROM access_log WHERE request_id = $1 AND action = $2`,
      [answer.requestId, commandOf(cell.mutation)],
    );
    const subject = cell.mutation === 'registerResident' ? (answer.body.data!.registerResident as { myNumber: string }).myNumber : target.myNumber;
    expect(rows).toEqual([{ outcome: 'ok', subject }]);
  });
});
