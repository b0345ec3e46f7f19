import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { AUDIT_VERIFY_PATH } from '../../schema/internalPaths';
import { auditAccessLogs, type LogAudit } from '../../subgraphs/kit/auditVerify';
import type { Authority } from '../../runtime/authority';
import { eventsOptionsFor } from '../../subgraphs/kit/eventRoutes';
import { callInternal } from '../../subgraphs/kit/internalCall';
import { keysDir } from '../../runtime/keys';
import { startStack, type Stack } from '../harness';
import { eventually, persona } from '../personas';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack({ persons: 30 });
});
afterAll(() => stack?.stop());

const RECORD = `query ($n: ID!) { person(myNumber: $n) { myNumber resident { familyName } immigration { residentClass } } }`;
type Body = { data?: { person: unknown }; errors?: Array<{ extensions?: { code?: string }; path?: unknown[] }> };

const AUTHORITIES: Authority[] = ['immigration', 'registry', 'mynumber'];

/** What `npm run audit:verify` finds of each authority's access log. */
async function auditLogs(): Promise<Record<Authority, LogAudit>> {
  const keys = await Promise.all(AUTHORITIES.map((a) => eventsOptionsFor(a, keysDir(stack.dataDir), {}, {})));
  const audits = await auditAccessLogs({
    authorities: AUTHORITIES,
    urls: Object.fromEntries(AUTHORITIES.map((a) => [a, stack.subgraphUrls[a].replace('/graphql', '')])) as Record<Authority, string>,
    signingKeys: Object.fromEntries(AUTHORITIES.map((a, i) => [a, keys[i]!.signingKey])),
    publicKeys: keys[0]!.producerKeys,
    retentionDays: 2557,
  });
  return Object.fromEntries(audits.map((a) => [a.authority, a])) as Record<Authority, LogAudit>;
}

/** Resolves once every row of every authority has its leaf and a checkpoint covers the whole tree. */
async function sequenced(): Promise<void> {
  for (const a of AUTHORITIES) {
    await eventually(async () => {
      const [row] = await stack.dbs[a].query(
        `SELECT NOT EXISTS (SELECT FROM access_log WHERE leaf_index IS NULL) AND (SELECT size FROM access_log_tree) = (SELECT max(size) FROM access_log_checkpoint) AS done`,
      );
      return row.done;
    });
  }
}

describe('purposes', () => {
  test('a purpose the role may not act for is refused at the gateway', async () => {
    const token = await stack.token('isa-officer', { purpose: 'statistics' });
    const { status, body } = await stack.query(token, RECORD, { n: persona('specific_card').myNumber });
    expect(status).toBe(403);
    expect((body as Body).errors?.[0]?.extensions?.code).toBe('PURPOSE_NOT_ALLOWED');
  });

  test('the same clerk reads card functions for card issuance, not for registration', async () => {
    const p = persona('specific_card');
    const [{ m }] = await stack.dbs.registry.query(`SELECT municipality_code AS m FROM resident WHERE my_number = $1`, [p.myNumber]);
    const q = `query ($n: ID!) { person(myNumber: $n) { myNumberCard { status functions { status } } } }`;
    const issuing = await stack.query(await stack.token('municipal-clerk', { municipality: m, purpose: 'my-number-card-issuance' }), q, { n: p.myNumber });
    expect((issuing.body as Body).errors).toBeUndefined();
    const registering = await stack.query(await stack.token('municipal-clerk', { municipality: m, purpose: 'resident-registration' }), q, { n: p.myNumber });
    expect((registering.body as Body).errors?.map((e) => [e.extensions?.code, e.path])).toEqual([['FORBIDDEN', ['person', 'myNumberCard', 'functions']]]);
    expect((registering.body as Body).data).toEqual({ person: { myNumberCard: { status: 'ACTIVE', functions: null } } });
  });
});

describe('resident transparency', () => {
  test("a resident reads their own record and who looked at it; nobody else's", async () => {
    const me = persona('separate_cards');
    const officer = await stack.token('isa-officer');
    await stack.query(officer, RECORD, { n: me.myNumber });
    const resident = await stack.token('resident', { myNumber: me.myNumber! });
    const { body } = await stack.query(
      resident,
      `query ($n: ID!) { person(myNumber: $n) { myNumber resident { familyName } accessLog { authority role agency purpose items action outcome } } }`,
      { n: me.myNumber },
    );
    const person = (body as { data: { person: { myNumber: string; accessLog: Array<Record<string, unknown>> } } }).data.person;
    expect(person.myNumber).toBe(me.myNumber);
    const byOfficer = person.accessLog.filter((a) => a.role === 'isa-officer');
    expect(new Set(byOfficer.map((a) => a.authority))).toEqual(new Set(['immigration', 'registry', 'mynumber']));
    expect(byOfficer.find((a) => a.authority === 'registry')).toMatchObject({
      agency: 'ISA',
      purpose: 'residence-management',
      items: ['Person.resident', 'ResidentRecord.familyName'],
      action: 'read',
      outcome: 'ok',
    });
    const other = await stack.query(resident, RECORD, { n: persona('specific_card').myNumber });
    expect(other.body).toEqual({ data: { person: null } });
  });

  test('an auditor reads access logs and nothing else', async () => {
    const auditor = await stack.token('auditor');
    const n = persona('specific_card').myNumber;
    const log = await stack.query(auditor, `query ($n: ID!) { person(myNumber: $n) { accessLog { authority } } }`, { n });
    expect((log.body as Body).errors).toBeUndefined();
    const record = await stack.query(auditor, `query ($n: ID!) { person(myNumber: $n) { resident { familyName } myNumberCard { status } } }`, { n });
    expect((record.body as Body).errors?.map((e) => e.extensions?.code)).toEqual(['FORBIDDEN', 'FORBIDDEN']);
    expect((record.body as Body).data).toEqual({ person: { resident: null, myNumberCard: null } });
  });
});

describe('the access log', () => {
  test('records guessing: lookups of unknown My Numbers by aliases are logged as not found', async () => {
    const officer = await stack.token('isa-officer');
    const guesses = ['123456789018', '621498320257'];
    await stack.query(officer, `{ a: person(myNumber: "${guesses[0]}") { myNumber } b: person(myNumber: "${guesses[1]}") { myNumber } }`);
    const rows: Array<{ subject: string; outcome: string }> = await stack.dbs.mynumber.query(
      `SELECT subject, outcome FROM access_log WHERE subject = ANY($1) ORDER BY id`,
      [guesses],
    );
    expect(rows).toEqual(guesses.map((subject) => ({ subject, outcome: 'not_found' })));
  });

  test('a change names the fields its answer gave, as a read would: a mutation is no unlogged read', async () => {
    const n = persona('student_activity_outside_status').myNumber!;
    const officer = await stack.token('isa-officer');
    // The ISA's own record and card come back in the mutation's answer, with the person's name from the registry.
    const { body } = await stack.query<Body>(
      officer,
      `mutation ($n: ID!, $d: Date!) { renewPeriodOfStay(myNumber: $n, newExpiry: $d) { statusOfResidence stayExpiresOn residenceCard { number validUntil } person { resident { familyName } } } }`,
      { n, d: '2031-03-31' },
    );
    expect(body.errors).toBeUndefined();
    const rows: Array<{ action: string; items: string[]; outcome: string }> = await stack.dbs.immigration.query(
      `SELECT action, items, outcome FROM access_log WHERE subject = $1 AND action = 'renewPeriodOfStay' ORDER BY id`,
      [n],
    );
    // One row for the change, inside its transaction, naming the ISA's fields the answer held (sorted), with the
    // person's My Number, which the gateway asks the ISA for to find the person in the registry.
    expect(rows).toEqual([
      {
        action: 'renewPeriodOfStay',
        items: [
          'ImmigrationRecord.person',
          'ImmigrationRecord.residenceCard',
          'ImmigrationRecord.statusOfResidence',
          'ImmigrationRecord.stayExpiresOn',
          'Person.myNumber',
          'ResidenceCard.number',
          'ResidenceCard.validUntil',
        ],
        outcome: 'ok',
      },
    ]);
    // The registry's part of the answer is that authority's read, logged there.
    const read: Array<{ action: string; items: string[] }> = await stack.dbs.registry.query(
      `SELECT action, items FROM access_log WHERE subject = $1 AND role = 'isa-officer' ORDER BY id DESC LIMIT 1`,
      [n],
    );
    expect(read).toEqual([{ action: 'read', items: ['Person.resident', 'ResidentRecord.familyName'] }]);
  });

  test("a refusal that shows the person's data names it in its row: the eligibility a refused issue gives away", async () => {
    const n = persona('temporary_refuge').myNumber!;
    const officer = await stack.token('isa-officer');
    const { body } = await stack.query<Body>(officer, `mutation ($n: ID!) { issueSpecificResidenceCard(myNumber: $n) { number } }`, { n });
    // The refusal carries the person's eligibility and its reason, as the field specificCardEligibility would.
    expect(body.errors?.map((e) => e.extensions)).toEqual([expect.objectContaining({ code: 'NOT_ELIGIBLE', eligibility: 'NOT_ELIGIBLE', reason: 'TEMPORARY_REFUGE_PERMIT' })]);
    const rows: Array<{ items: string[]; outcome: string }> = await stack.dbs.immigration.query(
      `SELECT items, outcome FROM access_log WHERE subject = $1 AND action = 'issueSpecificResidenceCard' ORDER BY id`,
      [n],
    );
    expect(rows).toEqual([{ items: ['ImmigrationRecord.specificCardEligibility'], outcome: 'rejected:NOT_ELIGIBLE' }]);
    // A refusal that shows nothing of the person names nothing: the caller's role may not issue cards.
    const clerk = await stack.token('municipal-clerk', { municipality: '131041' });
    await stack.query<Body>(clerk, `mutation ($n: ID!) { issueSpecificResidenceCard(myNumber: $n) { number } }`, { n });
    const refused: Array<{ items: string[]; outcome: string }> = await stack.dbs.immigration.query(
      `SELECT items, outcome FROM access_log WHERE subject = $1 AND action = 'issueSpecificResidenceCard' AND role = 'municipal-clerk' ORDER BY id`,
      [n],
    );
    expect(refused).toEqual([{ items: [], outcome: 'refused' }]);
  });

  test('an idle log costs one small read per poll, and still finds new rows at once', async () => {
    await sequenced();
    await new Promise((resolve) => setTimeout(resolve, 500)); // the witnesses' cosigning of the last checkpoint
    const audit = async () => (await stack.metrics.registry.dbStatements.get()).values.find((v) => v.labels.source === 'audit')?.value ?? 0;
    const before = await audit();
    const started = performance.now();
    await new Promise((resolve) => setTimeout(resolve, 2000));
    const statements = (await audit()) - before;
    const polls = Math.ceil((performance.now() - started) / 200);
    // A look is one read per 200 ms poll, where a sequencing run on every poll was four or five statements. The
    // margin (two per poll) is for statements of the same source that are not the sequencer's: another authority's
    // checkpoint cosigned by this one, a poll under way at either end.
    expect(statements).toBeGreaterThan(0);
    expect(statements).toBeLessThanOrEqual(2 * polls);
    // A new row is still found by the next poll: it gets its leaf, and a checkpoint covers it.
    const officer = await stack.token('isa-officer');
    const { body } = await stack.query<Body>(officer, RECORD, { n: persona('permanent_resident').myNumber });
    expect(body.errors).toBeUndefined();
    await sequenced();
  });

  test('is append-only', async () => {
    await expect(stack.dbs.registry.query(`UPDATE access_log SET outcome = 'ok'`)).rejects.toThrow(/append-only/);
    await expect(stack.dbs.registry.query(`DELETE FROM access_log`)).rejects.toThrow(/append-only/);
  });

  test('audit:verify passes on a clean log and names the first leaf altered by hand', async () => {
    await sequenced();
    for (const [a, audit] of Object.entries(await auditLogs())) {
      expect(audit.problems).toEqual([]);
      expect(audit.report).toMatchObject({ authority: a, first: 0, problems: [] });
      expect(audit.report!.leaves).toBeGreaterThan(0);
      expect(audit.report!.leaves).toBe(audit.report!.size);
    }
    const [{ leaf }] = await stack.dbs.registry.query(`SELECT leaf_index AS leaf FROM access_log WHERE leaf_index IS NOT NULL ORDER BY leaf_index LIMIT 1 OFFSET 2`);
    // A DBA with enough rights can switch the guard off; the tree still tells.
    await stack.dbs.registry.query(`ALTER TABLE access_log DISABLE TRIGGER access_log_append_only`);
    await stack.dbs.registry.query(`UPDATE access_log SET purpose = 'statistics' WHERE leaf_index = $1`, [leaf]);
    await stack.dbs.registry.query(`ALTER TABLE access_log ENABLE TRIGGER access_log_append_only`);
    const audits = await auditLogs();
    expect(audits.registry.problems).toEqual([`leaf ${leaf} altered`]);
    expect(audits.registry.line).toBe(`registry: WRONG: leaf ${leaf} altered`);
    expect(audits.immigration.problems).toEqual([]);
  });

  test('audit:verify fails loudly when the log table is missing', async () => {
    // The sequencer says so too, on every turn while the table is away.
    const logged = jest.spyOn(console, 'error').mockImplementation(() => undefined);
    await stack.dbs.immigration.query(`ALTER TABLE access_log RENAME TO access_log_away`);
    try {
      const base = stack.subgraphUrls.immigration.replace('/graphql', '');
      const { signingKey } = await eventsOptionsFor('immigration', keysDir(stack.dataDir), {}, {});
      await expect(callInternal('immigration', 'immigration', base, AUDIT_VERIFY_PATH, {}, signingKey)).rejects.toMatchObject({
        extensions: { code: 'INTERNAL_SERVER_ERROR' },
      });
      const audit = (await auditLogs()).immigration;
      expect(audit.report).toBeNull();
      expect(audit.line).toMatch(/^immigration: WRONG: the log could not be checked: /);
    } finally {
      await stack.dbs.immigration.query(`ALTER TABLE access_log_away RENAME TO access_log`);
      logged.mockRestore();
    }
  });

  test('a request whose log cannot be written fails, and returns no data', async () => {
    await stack.dbs.mynumber.query(`ALTER TABLE access_log RENAME TO access_log_away`);
    try {
      const { body } = await stack.query(await stack.token('isa-officer'), RECORD, { n: persona('specific_card').myNumber });
      expect(JSON.stringify(body)).not.toContain(persona('specific_card').myNumber!);
      expect((body as Body).data?.person ?? null).toBeNull();
      expect((body as Body).errors?.length).toBeGreaterThan(0);
    } finally {
      await stack.dbs.mynumber.query(`ALTER TABLE access_log_away RENAME TO access_log`);
    }
  });
});

describe('partner API keys', () => {
  const cli = (...args: string[]) =>
    execFileSync(process.execPath, ['--import', 'tsx', join(__dirname, '..', '..', 'gateway', 'apiKeyCli.ts'), ...args], {
      env: { ...process.env, DATA_DIR: stack.dataDir },
      encoding: 'utf8',
    });
  const check = (key: string, number: string, expiresOn: string) =>
    fetch(stack.gatewayUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': key },
      body: JSON.stringify({
        query: `query ($c: String!, $e: Date!) { verifyResidenceCard(number: $c, expiresOn: $e) { valid reason workPermission } }`,
        variables: { c: number, e: expiresOn },
      }),
    });

  test('a key created by the CLI verifies cards, is rate limited across aliases, and is refused at once after revoke', async () => {
    const out = cli('create', '--partner', 'Example Bank', '--scopes', 'card:verify', '--rate', '5/min');
    const key = /key \(shown once[^:]*\): (\S+)/.exec(out)![1]!;
    const id = /^id (\w+)/m.exec(out)![1]!;
    expect(cli('list')).toContain(`${id}  Example Bank  card:verify  5/min  active`);
    // The secret is all after `<prefix>_<id>_`: base64url, so it may hold underscores itself.
    const secret = key.slice(key.indexOf(`_${id}_`) + id.length + 2);
    expect(secret).toHaveLength(32);
    expect(JSON.stringify(JSON.parse(require('node:fs').readFileSync(join(stack.dataDir, 'apikeys.json'), 'utf8')))).not.toContain(secret);

    const p = persona('technical_intern');
    const [card] = await stack.dbs.immigration.query(`SELECT valid_until AS v FROM residence_card WHERE number = $1`, [p.residenceCardNumber]);
    const good = await check(key, p.residenceCardNumber!, card.v);
    expect(good.status).toBe(200);
    expect(await good.json()).toEqual({ data: { verifyResidenceCard: { valid: true, reason: null, workPermission: 'RESTRICTED_TO_STATUS' } } });
    const wrongExpiry = await (await check(key, p.residenceCardNumber!, '2099-01-01')).json();
    expect(wrongExpiry).toEqual({ data: { verifyResidenceCard: { valid: false, reason: 'NOT_FOUND_OR_MISMATCH', workPermission: null } } });

    // Two checks used; four aliases in one request would make six: refused as a whole.
    const aliases = await fetch(stack.gatewayUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': key },
      body: JSON.stringify({ query: `{ ${[1, 2, 3, 4].map((i) => `a${i}: verifyResidenceCard(number: "AB12345678CD", expiresOn: "2030-01-01") { valid }`).join(' ')} }` }),
    });
    expect(aliases.status).toBe(429);
    expect(Number(aliases.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(((await aliases.json()) as Body).errors?.[0]?.extensions?.code).toBe('RATE_LIMITED');

    const person = await fetch(stack.gatewayUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': key },
      body: JSON.stringify({ query: `{ person(myNumber: "${p.myNumber}") { myNumber } }` }),
    });
    expect(person.status).toBe(403);

    cli('revoke', '--id', id);
    const revoked = await check(key, p.residenceCardNumber!, card.v);
    expect(revoked.status).toBe(401);
    expect(((await revoked.json()) as Body).errors?.[0]?.extensions?.code).toBe('API_KEY_REVOKED');
  });

  test('an expired key and a made-up key get 401', async () => {
    const out = cli('create', '--partner', 'Old Employer', '--scopes', 'card:verify', '--expires', '2020-01-01');
    const key = /key \(shown once[^:]*\): (\S+)/.exec(out)![1]!;
    const expired = await check(key, 'AB12345678CD', '2030-01-01');
    expect(expired.status).toBe(401);
    expect(((await expired.json()) as Body).errors?.[0]?.extensions?.code).toBe('API_KEY_EXPIRED');
    const madeUp = await check('rck_000000000000_' + 'x'.repeat(32), 'AB12345678CD', '2030-01-01');
    expect(madeUp.status).toBe(401);
  });
});
