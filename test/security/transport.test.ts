import { ApiKeyStore, apiKeysFile } from '../../gateway/auth/apiKeys';
import { loadManifest } from '../../gateway/persisted/safelist';
import { startStack, type Stack } from '../harness';
import { persona } from '../personas';
import { RawConnection } from './rawConnection';

/**
 * What a client can do to the gateway's connections: hold one open by sending slowly, open more than the process
 * can hold, or keep one open after it was refused. Observed on raw sockets, since an HTTP client hides all three.
 */

/** Short enough that a test sees the cut within a second. */
const QUICK = { headersTimeoutMs: 200, requestTimeoutMs: 300, keepAliveTimeoutMs: 65_000, maxConnections: 1024 };
const CAP = 2;

let stack: Stack;
let officer: string;
let partnerKey: string;
let quickUrl: string;
let cappedUrl: string;
const opened: RawConnection[] = [];

beforeAll(async () => {
  stack = await startStack({ persons: 20 });
  officer = await stack.token('isa-officer');
  ({ key: partnerKey } = new ApiKeyStore(apiKeysFile({ DATA_DIR: stack.dataDir })).create({
    partner: 'transport-suite-bank',
    scopes: ['card:verify'],
    ratePerMinute: 1,
    expiresOn: null,
  }));
  quickUrl = await stack.startGateway({ transport: QUICK });
  cappedUrl = await stack.startGateway({ transport: { ...QUICK, headersTimeoutMs: 10_000, requestTimeoutMs: 30_000, maxConnections: CAP } });
});
afterEach(() => {
  for (const connection of opened.splice(0)) connection.destroy();
});
afterAll(() => stack?.stop());

async function open(url: string): Promise<RawConnection> {
  const connection = await RawConnection.open(url);
  opened.push(connection);
  return connection;
}

const GRAPHQL = { 'content-type': 'application/json' };
const auth = () => ({ ...GRAPHQL, authorization: `Bearer ${officer}` });
const TYPENAME = JSON.stringify({ query: '{ __typename }' });

/** Writes `byte` every 50 ms until the connection closes (or the test ends). */
function trickle(connection: RawConnection, byte: string): () => void {
  const timer = setInterval(() => connection.write(byte), 50);
  return () => clearInterval(timer);
}

describe('slow clients are cut off', () => {
  test('a body sent a byte at a time: 408 and the connection closed at the request timeout', async () => {
    const connection = await open(quickUrl);
    connection.write(
      ['POST /graphql HTTP/1.1', 'host: 127.0.0.1', 'content-type: application/json', `authorization: Bearer ${officer}`, 'content-length: 1000'].join('\r\n') +
        '\r\n\r\n{',
    );
    const stop = trickle(connection, ' ');
    try {
      expect(await connection.closedWithin(3000)).toBe(true);
    } finally {
      stop();
    }
    // node:http answers 408 when it cuts the request before the handler has begun its response; on a busy machine
    // the handler may have begun (the gateway reads the body itself), and then the connection is closed unanswered.
    // Either way the client holds nothing.
    expect(connection.text === '' || /^HTTP\/1\.1 408 Request Timeout\r\n(?:[\s\S]*\r\n)?connection: close\r\n/i.test(connection.text)).toBe(true);
  });

  test('headers sent a byte at a time: 408 and the connection closed at the headers timeout', async () => {
    const connection = await open(quickUrl);
    connection.write('POST /graphql HTTP/1.1\r\nhost: 127.0.0.1\r\nx-slow: ');
    const stop = trickle(connection, 'a');
    try {
      expect(await connection.closedWithin(3000)).toBe(true);
    } finally {
      stop();
    }
    expect(connection.text).toMatch(/^HTTP\/1\.1 408 Request Timeout\r\n/);
  });

  test('a connection that sends nothing is closed at the headers timeout', async () => {
    const connection = await open(quickUrl);
    expect(await connection.closedWithin(3000)).toBe(true);
    expect(connection.text).toMatch(/^HTTP\/1\.1 408 Request Timeout\r\n/);
  });

  test('the timeouts count the request, not the answer or the pause between requests: a kept-alive connection serves again', async () => {
    const connection = await open(quickUrl);
    connection.send('POST', '/graphql', auth(), TYPENAME);
    expect((await connection.response())?.status).toBe(200);
    await new Promise((r) => setTimeout(r, QUICK.requestTimeoutMs + 200));
    expect(connection.closed).toBe(false);
    connection.send('POST', '/graphql', auth(), TYPENAME);
    const again = await connection.response();
    expect(again?.status).toBe(200);
    expect(JSON.parse(again!.body)).toEqual({ data: { __typename: 'Query' } });
  });
});

describe('connections per process are capped', () => {
  test(`with a cap of ${CAP}, ${CAP} connections are served and the next one is closed unanswered`, async () => {
    const held: RawConnection[] = [];
    for (let i = 0; i < CAP; i++) {
      const connection = await open(cappedUrl);
      connection.send('GET', '/health');
      expect((await connection.response())?.status).toBe(200);
      held.push(connection);
    }
    const over = await open(cappedUrl);
    over.send('GET', '/health');
    expect(await over.closedWithin(2000)).toBe(true);
    expect(over.text).toBe('');

    // The ones within the cap still work.
    for (const connection of held) {
      connection.send('POST', '/graphql', auth(), TYPENAME);
      expect((await connection.response())?.status).toBe(200);
    }

    // One closed, a new one is served (once the server has seen the close).
    held[0]!.destroy();
    let status: number | undefined;
    for (let attempt = 0; attempt < 50 && status !== 200; attempt++) {
      const next = await open(cappedUrl);
      next.send('GET', '/health');
      status = (await next.response(1000))?.status;
      if (status !== 200) await new Promise((r) => setTimeout(r, 20));
    }
    expect(status).toBe(200);
  });
});

describe('a refused request closes its connection', () => {
  const partner = loadManifest().operations.find((op) => op.name === 'PartnerVerifyResidenceCard')!;
  const LOST = `mutation { reportResidenceCardLost(number: "${persona('specific_card').residenceCardNumber}") { number } }`;
  const partnerCheck = JSON.stringify({ query: partner.body, variables: { number: persona('specific_card').residenceCardNumber, expiresOn: '2030-01-01' } });
  const REFUSALS: Array<[string, number, () => [string, string, Record<string, string>, string]]> = [
    ['no credentials (401)', 401, () => ['POST', '/graphql', GRAPHQL, TYPENAME]],
    ['a token that is not one (401)', 401, () => ['POST', '/graphql', { ...GRAPHQL, authorization: 'Bearer x.y.z' }, TYPENAME]],
    ['a purpose the role may not declare (403)', 403, () => ['POST', '/graphql', { ...auth(), 'x-purpose': 'statistics' }, TYPENAME]],
    ['a declared body over the limit (413)', 413, () => ['POST', '/graphql', { ...auth(), 'content-length': '100000' }, '']],
    ['a body that is not JSON (400)', 400, () => ['POST', '/graphql', auth(), '{"query"']],
    ['a document that fails validation (400)', 400, () => ['POST', '/graphql', auth(), JSON.stringify({ query: '{ nope }' })]],
    ['a mutation over GET (405)', 405, () => ['GET', `/graphql?query=${encodeURIComponent(LOST)}`, { ...auth(), 'apollo-require-preflight': 'true' }, '']],
    ['a path that is not served (404)', 404, () => ['GET', '/admin', {}, '']],
  ];

  test.each(REFUSALS)('%s: answered with connection: close, then closed', async (_name, status, request) => {
    const connection = await open(stack.gatewayUrl);
    connection.send(...request());
    const answer = await connection.response();
    expect({ status: answer?.status, connection: answer?.headers.connection }).toEqual({ status, connection: 'close' });
    expect(await connection.closedWithin(2000)).toBe(true);
  });

  test('a partner over its rate (429): answered with connection: close, then closed', async () => {
    const headers = { ...GRAPHQL, 'x-api-key': partnerKey };
    const first = await open(stack.gatewayUrl);
    first.send('POST', '/graphql', headers, partnerCheck);
    expect((await first.response())?.status).toBe(200);
    const connection = await open(stack.gatewayUrl);
    connection.send('POST', '/graphql', headers, partnerCheck);
    const answer = await connection.response();
    expect({ status: answer?.status, connection: answer?.headers.connection }).toEqual({ status: 429, connection: 'close' });
    expect(await connection.closedWithin(2000)).toBe(true);
  });

  test('an answered request keeps its connection for the next', async () => {
    const connection = await open(stack.gatewayUrl);
    connection.send('POST', '/graphql', auth(), TYPENAME);
    const answer = await connection.response();
    expect({ status: answer?.status, connection: answer?.headers.connection }).toEqual({ status: 200, connection: 'keep-alive' });
    connection.send('POST', '/graphql', auth(), TYPENAME);
    expect((await connection.response())?.status).toBe(200);
  });
});
