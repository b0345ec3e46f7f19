import { request, type Server } from 'node:http';
import type { ApolloServer } from '@apollo/server';
import { close, createHttpServer, listen, type AccessLogEntry } from './http';
import { createMetrics } from './metrics';

/** The HTTP kit every process serves on: routes by path, request bodies read whole within their limit. */
let server: Server;
let port: number;
const LIMIT = 100;
const metrics = createMetrics('http-kit-test');
const logged: AccessLogEntry[] = [];

beforeAll(async () => {
  server = createHttpServer({
    // Only /graphql reaches Apollo Server; these tests use the kit's own routes.
    apollo: undefined as unknown as ApolloServer,
    context: async () => ({}),
    metrics,
    maxBodyBytes: LIMIT,
    accessLog: (_req, entry) => void logged.push(entry),
    routes: {
      '/echo': async (req, body, res) => {
        res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8', 'x-search': req.url ?? '' });
        res.end(body);
      },
    },
  });
  port = await listen(server, 0);
});
afterAll(() => close(server));

/** Sends a body in the given chunks (chunked transfer unless `length` is declared). */
function send(path: string, chunks: Buffer[], length?: number, headers: Record<string, string> = {}): Promise<{ status: number; text: string; search?: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ port, path, method: 'POST', headers: { ...headers, ...(length === undefined ? {} : { 'content-length': String(length) }) } }, (res) => {
      const parts: Buffer[] = [];
      res.on('data', (c: Buffer) => parts.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(parts).toString('utf8'), search: res.headers['x-search'] as string | undefined }));
    });
    req.on('error', reject);
    const write = (i: number) => {
      if (i === chunks.length) return void req.end();
      req.write(chunks[i]);
      setTimeout(() => write(i + 1), 5);
    };
    write(0);
  });
}

test('a body in chunks, a character split between two of them, is read whole', async () => {
  const bytes = Buffer.from('{"name":"山田 太郎"}');
  const cut = bytes.indexOf(Buffer.from('田')) + 1;
  const answer = await send('/echo?x=1', [bytes.subarray(0, cut), bytes.subarray(cut)]);
  expect(answer).toEqual({ status: 200, text: '{"name":"山田 太郎"}', search: '/echo?x=1' });
});

test('a declared length over the limit is refused before the body is read', async () => {
  const answer = await send('/echo', [Buffer.alloc(LIMIT + 1, 'a')], LIMIT + 1);
  expect(answer.status).toBe(413);
  expect(JSON.parse(answer.text)).toMatchObject({ errors: [{ extensions: { code: 'PAYLOAD_TOO_LARGE' } }] });
});

test('a chunked body that grows over the limit is refused with 413, not a dropped connection', async () => {
  const answer = await send('/echo', [Buffer.alloc(60, 'a'), Buffer.alloc(60, 'b'), Buffer.alloc(60, 'c')]);
  expect(answer.status).toBe(413);
  expect(JSON.parse(answer.text)).toMatchObject({ errors: [{ extensions: { code: 'PAYLOAD_TOO_LARGE' } }] });
});

test('a body that is not UTF-8 is a bad request', async () => {
  const answer = await send('/echo', [Buffer.from([0x7b, 0xff, 0xfe, 0x7d])]);
  expect(answer.status).toBe(400);
  expect(JSON.parse(answer.text)).toMatchObject({ errors: [{ extensions: { code: 'BAD_REQUEST' } }] });
});

test('routes match the path alone; an unknown path is 404', async () => {
  expect((await send('/echo?', [Buffer.from('x')])).text).toBe('x');
  const missing = await send('/echo/more', [Buffer.from('x')]);
  expect(missing.status).toBe(404);
  expect(JSON.parse(missing.text)).toMatchObject({ errors: [{ extensions: { code: 'NOT_FOUND' } }] });
});

test('a path or request id holding a My Number never reaches the log line or a metrics label', async () => {
  logged.length = 0;
  await send('/internal/123456789018', [Buffer.from('x')], undefined, { 'x-request-id': 'counter-0042-renewal' });
  await send('/internal/', [Buffer.from('x')]);
  await send('/echo', [Buffer.from('x')], undefined, { 'x-request-id': 'mn-1234-5678-9018' });
  // The line is written when the response has finished; the client may see the answer a moment before.
  while (logged.length < 3) await new Promise((resolve) => setTimeout(resolve, 5));
  expect(logged.map((e) => [e.route, e.status, e.requestId])).toEqual([
    ['other', 404, 'counter-0042-renewal'],
    ['other', 404, undefined],
    ['/echo', 200, undefined],
  ]);
  const text = await metrics.registry.metrics();
  expect(text).toContain('route="other"');
  expect(text).not.toMatch(/1234|internal\//);
});
