import { createServer, type Server } from 'node:http';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pino } from 'pino';
import { ApiKeyStore, apiKeysFile } from '../../gateway/auth/apiKeys';
import { staffTokenConfig } from '../../gateway/config';
import { loadManifest } from '../../gateway/persisted/safelist';
import { buildGateway } from '../../gateway/server';
import type { Authority } from '../../runtime/authority';
import { close, listen } from '../../runtime/http';
import { keysDir, loadOrCreateKeyPair } from '../../runtime/keys';
import { createMetrics, type Metrics } from '../../runtime/metrics';
import { startStack, type Stack } from '../harness';
import { persona } from '../personas';
import { jsonHeaders, leaks, send } from './requests';

/**
 * Subgraph call policy for these tests: short, so an outage is seen within seconds. The timeout leaves room for a
 * subgraph's first answers after a restart on a loaded 2-core machine (400 ms was missed there).
 */
const RESILIENCE = { timeoutMs: 2000, breakAfter: 3, halfOpenAfterMs: 600, retryDelayMs: 10 };
const UNIFIED = loadManifest().operations.find((op) => op.name === 'CounterUnifiedRecord')!.body;

let stack: Stack;
let officer: string;
const stopped = new Set<Authority>();

beforeAll(async () => {
  stack = await startStack({ persons: 20, gateway: { resilience: RESILIENCE } });
  officer = await stack.token('isa-officer');
});
afterEach(async () => {
  if (stopped.size === 0) return;
  for (const authority of stopped) await stack.startSubgraph(authority);
  stopped.clear();
  // The gateway's circuit for it may be open: let it reach half-open, so the next test's first call probes it.
  await new Promise((r) => setTimeout(r, RESILIENCE.halfOpenAfterMs + 50));
});
afterAll(() => stack?.stop());

async function stop(authority: Authority): Promise<void> {
  await stack.stopSubgraph(authority);
  stopped.add(authority);
}

const unifiedRecord = (language: string, url = stack.gatewayUrl) =>
  send(url, {
    headers: jsonHeaders(officer, { 'accept-language': language }),
    body: JSON.stringify({ query: UNIFIED, variables: { myNumber: persona('specific_card').myNumber } }),
  });

async function metric(metrics: Metrics, name: string, labels: Record<string, string>): Promise<number> {
  const values = (await metrics.registry.getSingleMetric(name)?.get())?.values ?? [];
  return values.filter((v) => Object.entries(labels).every(([k, x]) => v.labels[k] === x)).reduce((sum, v) => sum + v.value, 0);
}

describe('an authority that is down', () => {
  test('the registry down: the unified record keeps the other parts, and says so in easy Japanese', async () => {
    await stop('registry');
    const answer = await unifiedRecord('ja-x-easy');
    expect(answer.status).toBe(200);
    const data = answer.body?.data as { record: Record<string, unknown>; arrangement: unknown };
    expect(data.record).toMatchObject({
      myNumber: persona('specific_card').myNumber,
      resident: null,
      pendingChanges: null,
      immigration: { residentClass: 'MID_TO_LONG_TERM' },
      residenceCard: { number: persona('specific_card').residenceCardNumber, status: 'VALID' },
      myNumberCard: { kind: 'SPECIFIC_RESIDENCE_CARD', status: 'ACTIVE' },
    });
    expect(data.arrangement).toEqual({ cardArrangement: 'SPECIFIC_CARD' });
    expect(answer.body?.errors).toEqual([
      {
        message:
          'いま 市区町村（しくちょうそん）の システムに つながりません。ほかの 情報（じょうほう）は 見（み）る ことが できます。' +
          '何分（なんぷん）か 待（ま）って ください。それから もう一度（いちど） ためして ください。' +
          'それまでは、見（み）えない 情報（じょうほう）を 使（つか）って 決（き）めないで ください。',
        extensions: { code: 'AUTHORITY_UNAVAILABLE', authority: 'registry', messageKey: 'AUTHORITY_UNAVAILABLE' },
      },
    ]);
    expect(answer.headers.get('content-language')).toBe('ja-x-easy');
    expect(leaks(answer.text)).toEqual([]);
  });

  test('the ISA down: the registry and J-LIS parts stay, the card arrangement is missing, in Vietnamese', async () => {
    await stop('immigration');
    const answer = await unifiedRecord('vi');
    const data = answer.body?.data as { record: Record<string, unknown>; arrangement: unknown };
    expect(data.record).toMatchObject({
      resident: { familyName: expect.any(String) },
      myNumberCard: { status: 'ACTIVE' },
      immigration: null,
      residenceCard: null,
      pendingChanges: null,
    });
    expect(data.arrangement).toBeNull();
    expect(answer.body?.errors?.map((e) => e.extensions?.authority)).toEqual(['immigration']);
    expect(answer.body?.errors?.[0]?.message).toMatch(/^Cục Quản lý Xuất nhập cảnh và Lưu trú \(ISA\) hiện không phản hồi\./);
    expect(leaks(answer.text)).toEqual([]);
  });

  test('J-LIS down: a record is still found by residence card number', async () => {
    await stop('mynumber');
    const card = persona('specific_card').residenceCardNumber;
    const answer = await send(stack.gatewayUrl, {
      headers: jsonHeaders(officer),
      body: JSON.stringify({ query: `{ residenceCard(number: "${card}") { number status holder { residentClass } } }` }),
    });
    expect(answer.body).toEqual({ data: { residenceCard: { number: card, status: 'VALID', holder: { residentClass: 'MID_TO_LONG_TERM' } } } });
  });

  test('a subgraph that keeps failing is cut off, then probed back once it is up', async () => {
    await stop('registry');
    for (let i = 0; i < RESILIENCE.breakAfter; i++) await unifiedRecord('en');
    expect(await metric(stack.metrics.gateway, 'gateway_circuit_state', { subgraph: 'registry' })).toBe(1);
    const refusedBefore = await metric(stack.metrics.gateway, 'gateway_subgraph_requests_total', { subgraph: 'registry', outcome: 'circuit_open' });
    const answer = await unifiedRecord('en');
    expect(answer.body?.errors?.map((e) => e.extensions?.code)).toEqual(['AUTHORITY_UNAVAILABLE']);
    expect(await metric(stack.metrics.gateway, 'gateway_subgraph_requests_total', { subgraph: 'registry', outcome: 'circuit_open' })).toBeGreaterThan(
      refusedBefore,
    );

    await stack.startSubgraph('registry');
    stopped.delete('registry');
    await new Promise((r) => setTimeout(r, RESILIENCE.halfOpenAfterMs + 50));
    const recovered = await unifiedRecord('en');
    expect(recovered.body?.errors).toBeUndefined();
    expect(await metric(stack.metrics.gateway, 'gateway_circuit_state', { subgraph: 'registry' })).toBe(0);
  });

  test('the gateway starts and serves while a subgraph is down', async () => {
    await stop('registry');
    const fresh = await stack.startGateway({ resilience: RESILIENCE });
    const answer = await unifiedRecord('en', fresh);
    expect(answer.status).toBe(200);
    expect((answer.body?.data as { record: { myNumber: string } }).record.myNumber).toBe(persona('specific_card').myNumber);
    expect(answer.body?.errors?.map((e) => e.extensions?.authority)).toEqual(['registry']);
  });
});

describe('an authority that is slow or drops connections', () => {
  let fake: Server;
  let received: string[];
  let behaviour: 'hang' | 'reset' | 'refuse';
  let gateway: Server;
  let gatewayUrl: string;
  let metrics: Metrics;

  beforeAll(async () => {
    received = [];
    fake = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString()));
      req.on('end', () => {
        received.push(/^\{"query":"mutation/.test(body) ? 'mutation' : 'query');
        if (behaviour === 'reset') res.socket?.destroy();
        if (behaviour === 'refuse') {
          res.writeHead(503, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ errors: [{ message: 'The access log could not be written', extensions: { code: 'ACCESS_LOG_UNAVAILABLE' } }] }));
        }
      });
    });
    const port = await listen(fake, 0);
    metrics = createMetrics('gateway');
    ({ server: gateway } = await buildGateway({
      supergraphSdl: readFileSync(join(__dirname, '..', '..', 'schema', 'supergraph.graphql'), 'utf8'),
      subgraphUrls: { ...stack.subgraphUrls, registry: `http://127.0.0.1:${port}/graphql` },
      staffTokens: await staffTokenConfig({ DATA_DIR: stack.dataDir }),
      signingKey: await loadOrCreateKeyPair(keysDir(stack.dataDir), 'gateway'),
      apiKeys: new ApiKeyStore(apiKeysFile({ DATA_DIR: stack.dataDir })),
      metrics,
      resilience: { ...RESILIENCE, breakAfter: 100 },
    }));
    gatewayUrl = `http://127.0.0.1:${await listen(gateway, 0)}/graphql`;
  });
  afterAll(async () => {
    await close(gateway);
    fake.closeAllConnections();
    await close(fake);
  });
  beforeEach(() => {
    received.length = 0;
  });

  test('a slow authority is cut off at the timeout, not retried, and the rest is answered', async () => {
    behaviour = 'hang';
    const started = Date.now();
    const answer = await unifiedRecord('en', gatewayUrl);
    expect(Date.now() - started).toBeLessThan(RESILIENCE.timeoutMs * 2 + 1000);
    expect((answer.body?.data as { record: { myNumber: string } }).record.myNumber).toBe(persona('specific_card').myNumber);
    expect(answer.body?.errors?.map((e) => [e.extensions?.code, e.extensions?.authority])).toEqual([['AUTHORITY_UNAVAILABLE', 'registry']]);
    expect(received).toEqual(['query']);
    expect(await metric(metrics, 'gateway_subgraph_errors_total', { subgraph: 'registry', kind: 'timeout' })).toBe(1);
    expect(leaks(answer.text)).toEqual([]);
  });

  test("a 503 with the authority's own code: retried once, and that code reaches the client", async () => {
    behaviour = 'refuse';
    const answer = await unifiedRecord('ja', gatewayUrl);
    expect(received).toEqual(['query', 'query']);
    expect(answer.body?.errors).toEqual([
      {
        message: 'アクセスを記録できなかったため、何も表示していません。数分後にもう一度お試しください。',
        extensions: { code: 'ACCESS_LOG_UNAVAILABLE', authority: 'registry', messageKey: 'ACCESS_LOG_UNAVAILABLE' },
      },
    ]);
  });

  test('a dropped connection: a query is retried once, a mutation never', async () => {
    behaviour = 'reset';
    await unifiedRecord('en', gatewayUrl);
    expect(received).toEqual(['query', 'query']);

    received.length = 0;
    const clerk = await stack.token('municipal-clerk', { municipality: '131041' });
    const answer = await send(gatewayUrl, {
      headers: jsonHeaders(clerk),
      body: JSON.stringify({
        query: `mutation { removeResident(myNumber: "${persona('specific_card').myNumber}", reason: MOVED_OUT, removedOn: "2026-11-01") { myNumber } }`,
      }),
    });
    expect(received).toEqual(['mutation']);
    expect(answer.body?.errors?.map((e) => [e.extensions?.code, e.extensions?.authority])).toEqual([['AUTHORITY_UNAVAILABLE', 'registry']]);
    expect(leaks(answer.text)).toEqual([]);
  });
});

describe('the logs', () => {
  test('one JSON line per request with its request id, and never a personal datum', async () => {
    const lines: string[] = [];
    const logger = pino({ level: 'info', timestamp: pino.stdTimeFunctions.isoTime }, { write: (line: string) => void lines.push(line) });
    const url = await stack.startGateway({ resilience: RESILIENCE, logger });
    const specific = persona('specific_card');

    const full = await unifiedRecord('en', url);
    const familyName = (full.body?.data as { record: { resident: { familyName: string } } }).record.resident.familyName;
    await stop('registry');
    await unifiedRecord('ja', url);
    await send(url, {
      headers: jsonHeaders(officer, { 'x-request-id': 'counter-0042-renewal' }),
      body: JSON.stringify({
        query: 'mutation ($n: ID!, $d: Date!) { renewPeriodOfStay(myNumber: $n, newExpiry: $d) { stayExpiresOn } }',
        variables: { n: specific.myNumber, d: '2031-03-31' },
      }),
    });
    // A front-end that names its requests after the record at hand: the id is not taken, the datum not logged.
    const named = await send(url, {
      headers: jsonHeaders(officer, { 'x-request-id': `counter-${specific.myNumber}` }),
      body: JSON.stringify({ query: `{ person(myNumber: "621498320258") { myNumber } }` }),
    });
    expect(named.headers.get('x-request-id')).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    await send(url, {
      headers: jsonHeaders(null, { 'x-request-id': `card.${specific.residenceCardNumber}` }),
      body: JSON.stringify({ query: `{ residenceCard(number: "${specific.residenceCardNumber}") { number } }` }),
    });

    const entries = lines.map((line) => JSON.parse(line) as { msg: string; requestId?: string; status?: number });
    expect(entries.filter((e) => e.msg === 'request').map((e) => e.status)).toEqual([200, 200, 200, 200, 401]);
    expect(entries.every((e) => typeof e.requestId === 'string')).toBe(true);
    expect(entries.some((e) => e.requestId === 'counter-0042-renewal' && e.msg === 'request')).toBe(true);
    expect(entries.some((e) => e.msg === 'subgraph call failed')).toBe(true);
    const text = lines.join('');
    for (const datum of [specific.myNumber!, '621498320258', specific.residenceCardNumber!, familyName, '2031-03-31']) {
      expect(text).not.toContain(datum);
    }
    // A generated request id is a UUID, whose last group is twelve hex digits: all of them decimal about once in
    // 280 ids. Those ids are taken out before looking for anything shaped like a My Number.
    const generated = /"requestId":"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"/g;
    expect(text.replace(generated, '"requestId":"uuid"').match(/\d{12}|[A-Z]{2}\d{8}[A-Z]{2}|"(query|variables|authorization)":/g)).toBeNull();
  });
});
