import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { HeaderMap, type ApolloServer, type BaseContext } from '@apollo/server';
import type { Metrics } from './metrics';

export interface HttpOptions<TContext extends BaseContext> {
  apollo: ApolloServer<TContext>;
  /** Builds the per-request context before anything is parsed; throwing a `HttpError` answers with its status. */
  context: (req: IncomingMessage) => Promise<TContext>;
  metrics: Metrics;
  /** Extra routes (exact path match), e.g. internal endpoints. */
  routes?: Record<string, (req: IncomingMessage, body: string, res: ServerResponse) => Promise<void>>;
  /** Largest accepted request body in bytes. */
  maxBodyBytes?: number;
  /** Readiness: GET /health answers 200 only while this returns true. */
  ready?: () => boolean;
}

/** An error that becomes an HTTP status and a GraphQL-shaped error body with a stable code. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

/** Serves one Apollo Server on node:http, with GET /health and GET /metrics beside /graphql. */
export function createHttpServer<TContext extends BaseContext>(options: HttpOptions<TContext>): Server {
  const maxBody = options.maxBodyBytes ?? 1_000_000;
  const { metrics } = options;

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const route = url.pathname;
    const end = metrics.httpDuration.startTimer({ route: routeLabel(route) });
    res.on('finish', () => {
      end();
      metrics.httpRequests.inc({ route: routeLabel(route), status: String(res.statusCode) });
    });
    handle(req, res, url).catch((err: unknown) => {
      const e = err instanceof HttpError ? err : new HttpError(500, 'INTERNAL_SERVER_ERROR', 'Internal server error');
      if (!res.headersSent) sendError(res, e);
      else res.end();
    });
  });
  // Keep idle connections longer than clients keep them, so a client never reuses a socket the server is closing.
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
  return server;

  async function handle(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    if (url.pathname === '/health' && req.method === 'GET') {
      const ok = options.ready ? options.ready() : true;
      res.writeHead(ok ? 200 : 503, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ status: ok ? 'ok' : 'starting' }));
      return;
    }
    if (url.pathname === '/metrics' && req.method === 'GET') {
      res.writeHead(200, { 'content-type': metrics.registry.contentType });
      res.end(await metrics.registry.metrics());
      return;
    }
    const extra = options.routes?.[url.pathname];
    if (extra) {
      await extra(req, await readBody(req, maxBody), res);
      return;
    }
    if (url.pathname !== '/graphql' && url.pathname !== '/') {
      throw new HttpError(404, 'NOT_FOUND', 'Not found');
    }
    const contextValue = await options.context(req);
    const body = await readBody(req, maxBody);
    const headers = new HeaderMap();
    for (const [key, value] of Object.entries(req.headers)) {
      if (value !== undefined) headers.set(key, Array.isArray(value) ? value.join(', ') : value);
    }
    let parsed: unknown = undefined;
    if (body.length > 0) {
      if (!(headers.get('content-type') ?? '').startsWith('application/json')) {
        throw new HttpError(415, 'UNSUPPORTED_MEDIA_TYPE', 'Send GraphQL requests as application/json');
      }
      try {
        parsed = JSON.parse(body);
      } catch {
        throw new HttpError(400, 'BAD_REQUEST', 'The request body is not valid JSON');
      }
    }
    const response = await options.apollo.executeHTTPGraphQLRequest({
      httpGraphQLRequest: { method: req.method ?? 'GET', headers, search: url.search, body: parsed },
      context: async () => contextValue,
    });
    const outHeaders: Record<string, string> = {};
    for (const [key, value] of response.headers) outHeaders[key] = value;
    res.writeHead(response.status ?? 200, outHeaders);
    if (response.body.kind === 'complete') {
      res.end(response.body.string);
    } else {
      for await (const chunk of response.body.asyncIterator) res.write(chunk);
      res.end();
    }
  }
}

function routeLabel(path: string): string {
  return ['/graphql', '/', '/health', '/metrics'].includes(path) || path.startsWith('/internal/') ? path : 'other';
}

function sendError(res: ServerResponse, err: HttpError): void {
  res.writeHead(err.status, { 'content-type': 'application/json', ...err.headers });
  res.end(JSON.stringify({ errors: [{ message: err.message, extensions: { code: err.code } }] }));
}

async function readBody(req: IncomingMessage, limit: number): Promise<string> {
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > limit) throw new HttpError(413, 'PAYLOAD_TOO_LARGE', `Request bodies are limited to ${limit} bytes`);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit) throw new HttpError(413, 'PAYLOAD_TOO_LARGE', `Request bodies are limited to ${limit} bytes`);
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** Starts listening and resolves with the bound port (0 picks a free one). */
export async function listen(server: Server, port: number, host = '127.0.0.1'): Promise<number> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  return (server.address() as AddressInfo).port;
}

/** Stops accepting connections and closes idle keep-alive ones. */
export async function close(server: Server): Promise<void> {
  await new Promise<void>((resolve) => {
    server.close(() => resolve());
    server.closeIdleConnections();
  });
}
