import { startStack, type Stack } from '../harness';
import { persona } from '../personas';

/**
 * A resident's access history cannot be flooded: a clerk of another municipality looks the resident up 120 times
 * (each lookup is logged by J-LIS against the resident, as guessing must show), and still the resident and the auditor page
 * through every entry of each authority's log, newest first, down to the officer's read before the flood.
 */

let stack: Stack;
const me = persona('separate_cards');
let officerRequest: string;

const PAGE = `query ($n: ID!, $first: Int, $after: String, $since: Date, $until: Date) {
  person(myNumber: $n) {
    jlisAccessHistory(first: $first, after: $after, since: $since, until: $until) {
      entries { at authority role agency purpose items action outcome } endCursor hasNextPage
    }
  }
}`;

interface Page {
  entries: Array<{ at: string; role: string; outcome: string }>;
  endCursor: string | null;
  hasNextPage: boolean;
}

async function page(token: string, variables: Record<string, unknown>) {
  const { body } = await stack.query<{ person: { jlisAccessHistory: Page } | null }>(token, PAGE, { n: me.myNumber, ...variables });
  return body;
}

beforeAll(async () => {
  stack = await startStack({ persons: 30 });
  const res = await fetch(stack.gatewayUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${await stack.token('isa-officer')}` },
    body: JSON.stringify({ query: `query ($n: ID!) { person(myNumber: $n) { resident { familyName } } }`, variables: { n: me.myNumber } }),
  });
  officerRequest = res.headers.get('x-request-id')!;
  const [{ m }] = await stack.dbs.registry.query(`SELECT municipality_code AS m FROM resident WHERE my_number = $1`, [me.myNumber]);
  const stranger = await stack.token('municipal-clerk', { municipality: m === '131041' ? '271004' : '131041' });
  for (let i = 0; i < 120; i++) {
    const { body } = await stack.query(stranger, `query ($n: ID!) { person(myNumber: $n) { resident { familyName } } }`, { n: me.myNumber });
    expect(body).toEqual({ data: { person: null } });
  }
});
afterAll(() => stack?.stop());

async function everyPage(token: string, first: number): Promise<{ all: Page['entries']; pages: number }> {
  const all: Page['entries'] = [];
  let after: string | null = null;
  for (let pages = 0; pages < 100; pages++) {
    const body = await page(token, { first, after });
    expect(body.errors).toBeUndefined();
    const p = body.data!.person!.jlisAccessHistory;
    expect(p.entries.length).toBe(p.hasNextPage ? first : p.entries.length);
    all.push(...p.entries);
    if (!p.hasNextPage) {
      expect(p.endCursor).toBeNull();
      return { all, pages: pages + 1 };
    }
    after = p.endCursor;
  }
  throw new Error('more than 100 pages');
}

test('the resident pages through the whole history, newest first, down to the entry before the flood', async () => {
  const resident = await stack.token('resident', { myNumber: me.myNumber! });
  const { all, pages } = await everyPage(resident, 50);
  // A full recount of the registry's log for this person, taken after the last page (which logged itself too).
  const [{ count }] = await stack.dbs.mynumber.query(`SELECT count(*)::int AS count FROM access_log WHERE subject = $1`, [me.myNumber]);
  expect(all.length).toBeGreaterThanOrEqual(121);
  // Each page read is itself logged after its answer, newer than every entry the next pages show.
  expect(pages).toBe(3);
  expect(all.length).toBe(count - pages);
  expect(all.filter((e) => e.role === 'municipal-clerk' && e.outcome === 'not_visible').length).toBe(120);
  expect(all.at(-1)).toMatchObject({ role: 'isa-officer', outcome: 'ok' });
  const times = all.map((e) => e.at);
  expect([...times].sort().reverse()).toEqual(times);
  const [officerRow] = await stack.dbs.mynumber.query(`SELECT role FROM access_log WHERE request_id = $1`, [officerRequest]);
  expect(officerRow).toEqual({ role: 'isa-officer' });
});

test('the latest-100 list was flooded; the paged history is not', async () => {
  const resident = await stack.token('resident', { myNumber: me.myNumber! });
  const { body } = await stack.query<{ person: { accessLog: Array<{ authority: string; role: string }> } }>(
    resident,
    `query ($n: ID!) { person(myNumber: $n) { accessLog { authority role } } }`,
    { n: me.myNumber },
  );
  const jlis = body.data!.person.accessLog.filter((e) => e.authority === 'mynumber');
  expect(jlis.length).toBe(100);
  expect(jlis.some((e) => e.role === 'isa-officer')).toBe(false);
});

test('the auditor reads the same history; other roles and other residents do not', async () => {
  const auditor = await stack.token('auditor');
  const first = await page(auditor, { first: 5 });
  expect(first.errors).toBeUndefined();
  expect(first.data!.person!.jlisAccessHistory.entries.length).toBe(5);
  const officer = await page(await stack.token('isa-officer'), { first: 5 });
  expect(officer.errors?.map((e) => e.extensions?.code)).toEqual(['FORBIDDEN']);
  const someoneElse = await page(await stack.token('resident', { myNumber: persona('specific_card').myNumber! }), { first: 5 });
  expect(someoneElse).toEqual({ data: { person: null } });
});

test('a period selects the days in Japan, both ends included', async () => {
  const auditor = await stack.token('auditor');
  const [{ today }] = await stack.dbs.mynumber.query(`SELECT (now() AT TIME ZONE 'Asia/Tokyo')::date::text AS today`);
  const [{ count }] = await stack.dbs.mynumber.query(
    `SELECT count(*)::int AS count FROM access_log WHERE subject = $1 AND (at AT TIME ZONE 'Asia/Tokyo')::date = $2::date`,
    [me.myNumber, today],
  );
  const day = await page(auditor, { first: 200, since: today, until: today });
  expect(day.data!.person!.jlisAccessHistory.entries.length).toBe(Math.min(count, 200));
  const tomorrow = new Date(Date.parse(today) + 86_400_000).toISOString().slice(0, 10);
  const yesterday = new Date(Date.parse(today) - 86_400_000).toISOString().slice(0, 10);
  expect((await page(auditor, { since: tomorrow })).data!.person!.jlisAccessHistory).toEqual({ entries: [], endCursor: null, hasNextPage: false });
  expect((await page(auditor, { until: yesterday })).data!.person!.jlisAccessHistory).toEqual({ entries: [], endCursor: null, hasNextPage: false });
});

test('every authority pages its own log the same way', async () => {
  const resident = await stack.token('resident', { myNumber: me.myNumber! });
  const { body } = await stack.query<{ person: Record<string, { entries: Array<{ authority: string }> }> }>(
    resident,
    `query ($n: ID!) { person(myNumber: $n) {
       immigrationAccessHistory(first: 2) { entries { authority role } hasNextPage }
       registryAccessHistory(first: 2) { entries { authority role } hasNextPage } } }`,
    { n: me.myNumber },
  );
  expect(body.errors).toBeUndefined();
  for (const [field, authority] of [['immigrationAccessHistory', 'immigration'], ['registryAccessHistory', 'registry']] as const) {
    const entries = body.data!.person[field]!.entries;
    expect(entries.length).toBeGreaterThan(0);
    expect(new Set(entries.map((e) => e.authority))).toEqual(new Set([authority]));
  }
});

test('bad page requests are refused with stable codes', async () => {
  const resident = await stack.token('resident', { myNumber: me.myNumber! });
  const code = async (v: Record<string, unknown>) => (await page(resident, v)).errors?.[0]?.extensions?.code;
  expect(await code({ first: 0 })).toBe('INVALID_PAGE_SIZE');
  expect(await code({ first: 201 })).toBe('INVALID_PAGE_SIZE');
  expect(await code({ after: 'bm90LWEtY3Vyc29y' })).toBe('INVALID_CURSOR');
  expect(await code({ after: Buffer.from('log:1 OR 1=1').toString('base64url') })).toBe('INVALID_CURSOR');
  expect(await code({ since: '2026-13-01' })).toBe('INVALID_DATE');
  expect(await code({ since: '2026-12-02', until: '2026-12-01' })).toBe('INVALID_DATE');
});
