import type { Counter } from 'prom-client';
import { ApiKeyStore, apiKeysFile } from '../../gateway/auth/apiKeys';
import { errorMessage } from '../../gateway/i18n';
import { preparedOperationsFromEnv } from '../../gateway/config';
import { loadManifest } from '../../gateway/persisted/safelist';
import { startStack, type Stack } from '../harness';
import { persona } from '../personas';

/**
 * A query operation seen once is answered from its cached plan without Apollo Server's request pipeline
 * (gateway/prepared/). Every answer must be byte for byte the one the full pipeline gives (a second gateway with
 * the prepared path off, over the same subgraphs), and whatever the pipeline would refuse is left to it.
 */
const operation = (name: string) => loadManifest().operations.find((op) => op.name === name)!;
const UNIFIED = operation('CounterUnifiedRecord');
const VERIFY = operation('PartnerVerifyResidenceCard');

let stack: Stack;
let fullPipelineUrl: string;
let partnerKey: string;
beforeAll(async () => {
  // The prepared path on, whatever GATEWAY_PREPARED says: this suite compares it with the full pipeline.
  stack = await startStack({ persons: 20, gateway: { preparedOperations: true } });
  fullPipelineUrl = await stack.startGateway({ preparedOperations: false });
  ({ key: partnerKey } = new ApiKeyStore(apiKeysFile({ DATA_DIR: stack.dataDir })).create({
    partner: 'Prepared path test',
    scopes: ['card:verify'],
    ratePerMinute: 1000,
    expiresOn: null,
  }));
});
afterAll(() => stack?.stop());

async function served(): Promise<number> {
  const metric = stack.metrics.gateway.registry.getSingleMetric('gateway_prepared_requests_total') as Counter | undefined;
  return ((await metric?.get())?.values ?? []).reduce((sum, v) => sum + v.value, 0);
}

interface Answer {
  status: number;
  contentType: string | null;
  cacheControl: string | null;
  body: string;
}

async function send(url: string, headers: Record<string, string>, body: unknown): Promise<Answer> {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
  return { status: res.status, contentType: res.headers.get('content-type'), cacheControl: res.headers.get('cache-control'), body: await res.text() };
}

/** Sends the request twice to the gateway (the first prepares it) and once through the full pipeline; returns both answers and whether the second was served prepared. */
async function compare(headers: Record<string, string>, body: unknown): Promise<{ prepared: Answer; full: Answer; servedPrepared: boolean }> {
  await send(stack.gatewayUrl, headers, body);
  const before = await served();
  const prepared = await send(stack.gatewayUrl, headers, body);
  const servedPrepared = (await served()) === before + 1;
  const full = await send(fullPipelineUrl, headers, body);
  return { prepared, full, servedPrepared };
}

/** Prepares the request, then, with `authority` stopped, checks it is served prepared exactly as the full pipeline answers; the prepared answer. */
async function compareWithout(authority: 'registry' | 'immigration', headers: Record<string, string>, body: unknown): Promise<Answer> {
  await send(stack.gatewayUrl, headers, body);
  await stack.stopSubgraph(authority);
  try {
    const { prepared, full, servedPrepared } = await compare(headers, body);
    expect(servedPrepared).toBe(true);
    expect(prepared).toEqual(full);
    return prepared;
  } finally {
    await stack.startSubgraph(authority);
  }
}

const bearer = async (...args: Parameters<Stack['token']>) => ({ authorization: `Bearer ${await stack.token(...args)}` });

describe('prepared operations answer exactly as the full pipeline', () => {
  test('the unified record, by text and by its approved hash', async () => {
    const headers = await bearer('isa-officer');
    const variables = { myNumber: persona('specific_card').myNumber };
    for (const body of [{ query: UNIFIED.body, variables }, { extensions: { persistedQuery: { version: 1, sha256Hash: UNIFIED.id } }, variables }]) {
      const { prepared, full, servedPrepared } = await compare(headers, body);
      expect(servedPrepared).toBe(true);
      expect(prepared).toEqual(full);
      expect(prepared).toMatchObject({ status: 200, contentType: 'application/json; charset=utf-8', cacheControl: 'no-store' });
      expect(JSON.parse(prepared.body).data.record.myNumber).toBe(variables.myNumber);
    }
  });

  test.each([
    ['a refused field (FORBIDDEN at its path)', 'clerk', 'query ($n: ID!) { person(myNumber: $n) { myNumber myNumberCard { status functions { status } } } }', 'specific_card', ['FORBIDDEN']],
    ['two refused parts', 'auditor', 'query ($n: ID!) { person(myNumber: $n) { resident { familyName } myNumberCard { status } } }', 'specific_card', ['FORBIDDEN', 'FORBIDDEN']],
    ['an unknown person (null)', 'isa-officer', 'query Look($n: ID!) { person(myNumber: $n) { myNumber resident { familyName } } }', '123456789018', []],
    ["a wrong check digit (the authority's error with its path)", 'isa-officer', 'query ($n: ID!) { person(myNumber: $n) { myNumber } }', '621498320258', ['INVALID_MY_NUMBER_CHECK_DIGIT']],
  ] as const)('%s', async (_name, caller, query, who, codes) => {
    const n = /^\d+$/.test(who) ? who : persona(who).myNumber!;
    let headers: Record<string, string>;
    if (caller === 'clerk') {
      // The person's own municipality, registering residents: the card's functions are refused to that purpose.
      const [{ m }] = await stack.dbs.registry.query(`SELECT municipality_code AS m FROM resident WHERE my_number = $1`, [n]);
      headers = await bearer('municipal-clerk', { municipality: m, purpose: 'resident-registration' });
    } else {
      headers = await bearer(caller);
    }
    const { prepared, full, servedPrepared } = await compare(headers, { query, variables: { n } });
    expect(servedPrepared).toBe(true);
    expect(prepared).toEqual(full);
    const answer = JSON.parse(prepared.body) as { errors?: Array<{ extensions: { code: string }; path?: unknown[] }> };
    expect((answer.errors ?? []).map((e) => e.extensions.code)).toEqual(codes);
    expect((answer.errors ?? []).every((e) => Array.isArray(e.path))).toBe(true);
  });

  test("errors in the caller's language, the same on both paths", async () => {
    const headers = { ...(await bearer('auditor')), 'accept-language': 'ja' };
    const query = 'query ($n: ID!) { person(myNumber: $n) { resident { familyName } myNumberCard { status } } }';
    const { prepared, full, servedPrepared } = await compare(headers, { query, variables: { n: persona('specific_card').myNumber } });
    expect(servedPrepared).toBe(true);
    expect(prepared).toEqual(full);
    const answer = JSON.parse(prepared.body) as { errors: Array<{ message: string; extensions: { code: string } }> };
    expect(answer.errors.map((e) => e.extensions.code)).toEqual(['FORBIDDEN', 'FORBIDDEN']);
    expect(answer.errors.map((e) => e.message)).toEqual([errorMessage('FORBIDDEN', 'ja'), errorMessage('FORBIDDEN', 'ja')]);
  });

  test('an authority down: its part null, one AUTHORITY_UNAVAILABLE, the rest of the record', async () => {
    const headers = await bearer('isa-officer');
    const body = { query: UNIFIED.body, variables: { myNumber: persona('specific_card').myNumber } };
    const prepared = await compareWithout('registry', headers, body);
    const answer = JSON.parse(prepared.body) as { data: { record: { resident: unknown; myNumber: string } }; errors: Array<{ extensions: Record<string, unknown> }> };
    expect(answer.errors.map((e) => [e.extensions.code, e.extensions.authority])).toEqual([['AUTHORITY_UNAVAILABLE', 'registry']]);
    expect(answer.data.record.resident).toBeNull();
    expect(answer.data.record.myNumber).toBe(body.variables.myNumber);
  });

  test('the media type the client accepts', async () => {
    const headers = { ...(await bearer('isa-officer')), accept: 'application/graphql-response+json' };
    const { prepared, full, servedPrepared } = await compare(headers, { query: UNIFIED.body, variables: { myNumber: persona('separate_cards').myNumber } });
    expect(servedPrepared).toBe(true);
    expect(prepared).toEqual(full);
    expect(prepared.contentType).toBe('application/graphql-response+json; charset=utf-8');
  });

  test('a partner\'s card check', async () => {
    const card = persona('specific_card').residenceCardNumber;
    const { prepared, full, servedPrepared } = await compare({ 'x-api-key': partnerKey }, { query: VERIFY.body, variables: { number: card, expiresOn: '2030-01-01' } });
    expect(servedPrepared).toBe(true);
    expect(prepared).toEqual(full);
  });
});

describe('a plan of one fetch asking what the client asked: the subgraph\'s answer is sent as it came', () => {
  const passedThrough = async () => {
    const metric = stack.metrics.gateway.registry.getSingleMetric('gateway_passed_through_total') as Counter | undefined;
    return ((await metric?.get())?.values ?? []).reduce((sum, v) => sum + v.value, 0);
  };
  const STATISTICS = `query Stats($groupBy: [StatisticsDimension!]!, $filter: StatisticsFilter) {
    foreignResidentStatistics(groupBy: $groupBy, filter: $filter) { total cells { key { dimension code label(language: "en") } count share suppressed } }
  }`;

  test.each([
    ['statistics', 'analyst', STATISTICS, { groupBy: ['NATIONALITY', 'SEX'] }, 1],
    ['a partner\'s card check', 'partner', VERIFY.body, { number: 'partner-card', expiresOn: '2030-01-01' }, 1],
    ['an error in the answer (its code, path and message as the plan gives them)', 'analyst', STATISTICS, { groupBy: ['NATIONALITY'], filter: { sex: 'NOT_A_SEX' } }, 0],
    ['a refused caller', 'isa-officer', STATISTICS, { groupBy: ['SEX'] }, 0],
    ['a plan of several fetches', 'isa-officer', UNIFIED.body, { myNumber: 'specific_card' }, 0],
  ] as const)('%s', async (_name, caller, query, given, sentAsItCame) => {
    const variables: Record<string, unknown> = { ...given };
    if (variables.number === 'partner-card') variables.number = persona('specific_card').residenceCardNumber;
    if (variables.myNumber === 'specific_card') variables.myNumber = persona('specific_card').myNumber;
    const headers = caller === 'partner' ? { 'x-api-key': partnerKey } : await bearer(caller);
    await send(stack.gatewayUrl, headers, { query, variables });
    const before = await passedThrough();
    const calls = await stack.graphqlRequests('immigration');
    const { prepared, full, servedPrepared } = await compare(headers, { query, variables });
    expect(servedPrepared).toBe(true);
    // Two requests here, one through the full pipeline: one call each to the ISA, none repeated to run the plan.
    if (caller !== 'isa-officer') expect((await stack.graphqlRequests('immigration')) - calls).toBe(3);
    // compare() sends it twice to this gateway: both prepared.
    expect((await passedThrough()) - before).toBe(2 * sentAsItCame);
    expect(prepared).toEqual(full);
    expect(prepared.body.endsWith('\n')).toBe(true);
  });

  test('an authority down: the same AUTHORITY_UNAVAILABLE as the plan gives', async () => {
    const headers = await bearer('analyst');
    const body = { query: STATISTICS, variables: { groupBy: ['SEX'] } };
    const prepared = await compareWithout('immigration', headers, body);
    const answer = JSON.parse(prepared.body) as { errors: Array<{ extensions: Record<string, unknown> }> };
    expect(answer.errors.map((e) => [e.extensions.code, e.extensions.authority])).toEqual([['AUTHORITY_UNAVAILABLE', 'immigration']]);
  });
});

describe("the gateway's own plan runner: what it answers, and what it hands to Apollo's executor", () => {
  const runs = async (): Promise<Record<string, number>> => {
    const metric = stack.metrics.gateway.registry.getSingleMetric('gateway_own_plan_runs_total') as Counter | undefined;
    return Object.fromEntries(((await metric?.get())?.values ?? []).map((v) => [String(v.labels.outcome), v.value]));
  };
  const AUTHORITIES = ['mynumber', 'registry', 'immigration'] as const;
  const callsNow = async () => Promise.all(AUTHORITIES.map((a) => stack.graphqlRequests(a)));
  const BATCH = 'query Batch($ns: [ID!]!) { persons(myNumbers: $ns) { myNumber resident { familyName } residenceCard { number status } myNumberCard { status } } }';
  const SHAPES = `query Shapes($n: ID!) { who: person(myNumber: $n) { __typename kind: __typename ...Names ... on Person { card: residenceCard { number } } } }
    fragment Names on Person { myNumber resident { family: familyName address { municipality { code name } } } }`;

  test.each([
    ['the unified record', 'isa-officer', UNIFIED.body, { myNumber: 'specific_card' }, 'answered'],
    ['a batch with an unknown person (null in the list)', 'isa-officer', BATCH, { ns: ['specific_card', '123456789018', 'separate_cards'] }, 'answered'],
    ['aliases, __typename, a named and an inline fragment', 'isa-officer', SHAPES, { n: 'separate_cards' }, 'answered'],
    ['two refused parts (errors with their paths)', 'auditor', 'query ($n: ID!) { person(myNumber: $n) { resident { familyName } myNumberCard { status } } }', { n: 'specific_card' }, 'handed_over'],
    ['a directive (not taken: the executor runs the plan)', 'isa-officer', 'query ($n: ID!, $f: Boolean!) { person(myNumber: $n) { myNumber resident @include(if: $f) { familyName } } }', { n: 'specific_card', f: true }, 'none'],
  ] as const)('%s', async (_name, caller, query, given, outcome) => {
    const mine = (who: string) => (/^\d+$/.test(who) ? who : persona(who).myNumber!);
    const variables = Object.fromEntries(Object.entries(given).map(([k, v]) => [k, typeof v === 'boolean' ? v : Array.isArray(v) ? v.map(mine) : mine(v as string)]));
    const headers = await bearer(caller);
    await send(stack.gatewayUrl, headers, { query, variables });
    const before = await runs();
    const callsBefore = await callsNow();
    const prepared = await send(stack.gatewayUrl, headers, { query, variables });
    const callsBetween = await callsNow();
    const after = await runs();
    const full = await send(fullPipelineUrl, headers, { query, variables });
    const callsAfter = await callsNow();
    expect(prepared).toEqual(full);
    const delta = (o: string) => (after[o] ?? 0) - (before[o] ?? 0);
    expect({ answered: delta('answered'), handed_over: delta('handed_over') }).toEqual({
      answered: outcome === 'answered' ? 1 : 0,
      handed_over: outcome === 'handed_over' ? 1 : 0,
    });
    // Each authority is called as often as for the full pipeline: handing over makes no second call.
    expect(callsBetween.map((n, i) => n - callsBefore[i]!)).toEqual(callsAfter.map((n, i) => n - callsBetween[i]!));
  });

  test('an authority down: handed over, with the answers already received', async () => {
    const headers = await bearer('isa-officer');
    const body = { query: UNIFIED.body, variables: { myNumber: persona('specific_card').myNumber } };
    const before = await runs();
    await compareWithout('immigration', headers, body);
    expect(((await runs()).handed_over ?? 0) - (before.handed_over ?? 0)).toBeGreaterThanOrEqual(1);
  });
});

describe('what the pipeline would refuse is left to it', () => {
  test.each([
    ['a missing variable', {}],
    ['a variable of the wrong type', { myNumber: ['x'] }],
    ['a variable no authority could store', { myNumber: 'a\u0000b' }],
  ])('%s', async (_name, variables) => {
    const { prepared, full, servedPrepared } = await compare(await bearer('isa-officer'), { query: UNIFIED.body, variables });
    expect(servedPrepared).toBe(false);
    expect(prepared).toEqual(full);
    expect(prepared.status).toBe(400);
  });

  test('a partner asking for a person', async () => {
    await send(stack.gatewayUrl, await bearer('isa-officer'), { query: UNIFIED.body, variables: { myNumber: persona('specific_card').myNumber } });
    const { prepared, full, servedPrepared } = await compare({ 'x-api-key': partnerKey }, { query: UNIFIED.body, variables: { myNumber: persona('specific_card').myNumber } });
    expect(servedPrepared).toBe(false);
    expect(prepared).toEqual(full);
    expect(prepared.status).toBe(403);
  });

  test('an operation name the document does not have', async () => {
    const { prepared, full, servedPrepared } = await compare(await bearer('isa-officer'), {
      query: UNIFIED.body,
      operationName: 'Other',
      variables: { myNumber: persona('specific_card').myNumber },
    });
    expect(servedPrepared).toBe(false);
    expect(prepared).toEqual(full);
  });
});

describe('GATEWAY_PREPARED switches the prepared path', () => {
  test('on by default, off when asked, and any other value refused at start', () => {
    expect(preparedOperationsFromEnv({})).toBe(true);
    expect(preparedOperationsFromEnv({ GATEWAY_PREPARED: 'on' })).toBe(true);
    expect(preparedOperationsFromEnv({ GATEWAY_PREPARED: 'off' })).toBe(false);
    for (const value of ['false', 'OFF', '0', '']) expect(() => preparedOperationsFromEnv({ GATEWAY_PREPARED: value })).toThrow(/GATEWAY_PREPARED/);
  });

  test('with GATEWAY_PREPARED=off a repeated operation never leaves the pipeline, and answers the same', async () => {
    const headers = await bearer('isa-officer');
    const body = { query: UNIFIED.body, variables: { myNumber: persona('specific_card').myNumber } };
    const servedBy = async (env: Record<string, string>) => {
      const url = await stack.startGateway({ preparedOperations: preparedOperationsFromEnv(env) });
      const answers = [await send(url, headers, body), await send(url, headers, body), await send(url, headers, body)];
      const metrics = await (await fetch(stack.gatewayMetricsUrl(url))).text();
      const line = metrics.split('\n').find((l) => l.startsWith('gateway_prepared_requests_total{'));
      return { answers, prepared: Number(line?.split(' ')[1]) };
    };
    const off = await servedBy({ GATEWAY_PREPARED: 'off' });
    const on = await servedBy({ GATEWAY_PREPARED: 'on' });
    expect(off.prepared).toBe(0);
    expect(on.prepared).toBe(2);
    expect(off.answers[0]!.status).toBe(200);
    for (const answer of [...off.answers, ...on.answers]) expect(answer).toEqual(off.answers[0]);
  });
});
