import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { Agent } from 'undici';
import { createSubgraphAgent, postToSubgraph } from './subgraphClient';

/** A subgraph stand-in whose answer each test sets; it records what it was sent and which sockets closed. */
let server: Server;
let url: string;
let agent: Agent;
let answer: (req: IncomingMessage, res: ServerResponse, body: string) => void;
const received: Array<{ method?: string; path?: string; headers: IncomingMessage['headers']; body: string }> = [];
const sockets = new Set<Socket>();

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
    req.on('end', () => {
      received.push({ method: req.method, path: req.url, headers: req.headers, body });
      answer(req, res, body);
    });
  });
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql?v=1`;
  agent = createSubgraphAgent();
});
beforeEach(() => (received.length = 0));
afterAll(async () => {
  await agent.close();
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

const json = (status: number, body: string, headers: Record<string, string> = {}) => (_req: IncomingMessage, res: ServerResponse) => {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
  res.end(body);
};

test('posts the body with its headers to the path, and parses a JSON answer', async () => {
  answer = json(200, '{"data":{"n":1}}', { 'cache-control': 'max-age=5' });
  const out = await postToSubgraph(agent, url, { 'content-type': 'application/json', 'x-principal': 'p' }, '{"query":"{ n }"}', 1000);
  expect(out).toMatchObject({ status: 200, body: { data: { n: 1 } }, text: '{"data":{"n":1}}' });
  expect(out.headers['cache-control']).toBe('max-age=5');
  expect(received).toEqual([
    expect.objectContaining({ method: 'POST', path: '/graphql?v=1', body: '{"query":"{ n }"}', headers: expect.objectContaining({ 'x-principal': 'p' }) }),
  ]);
});

test('an answer in several chunks: whole, as text or as the chunks that came when asItCame accepts them', async () => {
  const big = JSON.stringify({ data: { names: Array.from({ length: 5000 }, (_, i) => `名前${i}`) } });
  answer = (_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    const bytes = Buffer.from(big);
    // Cut inside a multi-byte character: the parts must be joined before they are decoded.
    res.write(bytes.subarray(0, 1001));
    setTimeout(() => res.end(bytes.subarray(1001)), 5);
  };
  const parsed = await postToSubgraph(agent, url, {}, '{}', 1000);
  expect(parsed.body).toEqual(JSON.parse(big));
  let offered = 0;
  const raw = await postToSubgraph(agent, url, {}, '{}', 1000, (chunks) => ((offered = chunks.length), true));
  expect(raw.body).toBeUndefined();
  expect(offered).toBeGreaterThan(1);
  expect(Buffer.concat(raw.text as Buffer[]).toString('utf8')).toBe(big);
  // Refused by asItCame: parsed after all.
  const refused = await postToSubgraph(agent, url, {}, '{}', 1000, () => false);
  expect(refused.body).toEqual(JSON.parse(big));
});

test.each([
  [401, 'UNAUTHENTICATED'],
  [403, 'FORBIDDEN'],
  [503, undefined],
])('a %i answer throws as Apollo would, with the parsed body', async (status, code) => {
  answer = json(status, '{"errors":[{"message":"no","extensions":{"code":"X"}}]}');
  const error = await postToSubgraph(agent, url, {}, '{}', 1000).catch((e: unknown) => e);
  expect(error).toMatchObject({
    message: `${status}: ${status === 401 ? 'Unauthorized' : status === 403 ? 'Forbidden' : 'Service Unavailable'}`,
    extensions: { response: { url, status, body: { errors: [{ message: 'no', extensions: { code: 'X' } }] } }, ...(code ? { code } : {}) },
  });
});

test('a body that is not JSON comes back as text', async () => {
  answer = (_req, res) => {
    res.writeHead(200, { 'content-type': 'text/plain' });
    res.end('plain');
  };
  expect(await postToSubgraph(agent, url, {}, '{}', 1000)).toMatchObject({ status: 200, body: 'plain', text: 'plain' });
});

test('a subgraph that does not answer in time: TimeoutError near the deadline, and the connection is cut', async () => {
  let hung: Socket | undefined;
  answer = (req) => (hung = req.socket); // never answers
  const started = performance.now();
  const error = await postToSubgraph(agent, url, {}, '{}', 150).catch((e: unknown) => e);
  const took = performance.now() - started;
  expect(error).toMatchObject({ name: 'TimeoutError', message: 'The subgraph did not answer within 150 ms' });
  expect(took).toBeGreaterThanOrEqual(145);
  // The deadline is checked every 20 ms: cut off soon after it, not when the server gives up.
  expect(took).toBeLessThan(1000);
  for (let i = 0; i < 50 && sockets.has(hung!); i++) await new Promise((r) => setTimeout(r, 10));
  expect(hung).toBeDefined();
  expect(sockets.has(hung!)).toBe(false);
});

test('a subgraph that goes away mid-answer: ECONNRESET, as the failure classification knows it', async () => {
  answer = (_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': '100' });
    res.write('{"data":');
    setTimeout(() => res.socket?.destroy(), 5);
  };
  await expect(postToSubgraph(agent, url, {}, '{}', 1000)).rejects.toMatchObject({ code: 'ECONNRESET', message: `request to ${url} failed` });
});

test('nobody listening: the connection error code', async () => {
  const closed = createServer();
  await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
  const port = (closed.address() as AddressInfo).port;
  await new Promise((resolve) => closed.close(resolve));
  await expect(postToSubgraph(agent, `http://127.0.0.1:${port}/graphql`, {}, '{}', 1000)).rejects.toMatchObject({ code: 'ECONNREFUSED' });
});
