import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { HeaderMap, type ApolloServer, type BaseContext } from '@apollo/server';
import { pino, type Logger } from 'pino';
import type { Metrics } from './metrics';
import { acceptedRequestId } from './requestId';
import { createLimitedServer, DEFAULT_TRANSPORT, writeHead, type TransportOptions } from './transport';

export interface HttpOptions<TContext extends BaseContext> {
  apollo: ApolloServer<TContext>;
  /** Builds the per-request context before anything is parsed; throwing a `HttpError` answers with its status. */
  context: (req: IncomingMessage) => Promise<TContext>;
  metrics: Metrics;
  /** Extra routes (exact path match), e.g. internal endpoints. */
  routes?: Record<string, (req: IncomingMessage, body: string, res: ServerResponse) => Promise<void>>;
  /** Largest accepted request body in bytes. */
  maxBodyBytes?: number;
  /** Request timeouts and the connection cap (default: DEFAULT_TRANSPORT). */
  transport?: TransportOptions;
  /**
   * Whether GET /metrics is served here (default: yes). The gateway serves its metrics on a listener of their own
   * (`createMetricsServer`), not on its public port.
   */
  serveMetrics?: boolean;
  /** Readiness: GET /health answers 200 only while this returns true. */
  ready?: () => boolean;
  /**
   * Has the last word on each body Apollo Server wrote (not on bodies kept by a context's KeptResponse): the
   * gateway translates the errors of a request refused before Apollo's request pipeline started.
   */
  apolloBody?: (req: IncomingMessage, body: string) => string;
  /** Writes the body of an HTTP-level error (the gateway translates the message); default: code and English text. */
  errorBody?: (req: IncomingMessage, error: HttpError) => { message: string; extensions: Record<string, unknown> };
  /** Called once per request when its response is finished; default: one JSON line on the process's logger. */
  accessLog?: (req: IncomingMessage, entry: AccessLogEntry) => void;
  /**
   * Answers a parsed GraphQL request before Apollo Server sees it (the gateway's prepared operations); when it
   * resolves to undefined, Apollo Server answers.
   */
  shortcut?: (
    req: IncomingMessage,
    body: unknown,
    context: TContext,
  ) => Promise<{ status: number; headers: Record<string, string>; body: string | Buffer | readonly Buffer[] } | undefined>;
}

/** What the access log says of a request: no query string, no body, no header but the request id. */
export interface AccessLogEntry {
  method: string;
  route: string;
  status: number;
  ms: number;
  requestId?: string;
  /** The code of an HTTP-level error. */
  code?: string;
  /** Where an unexpected error was thrown (its first stack frame; never its message, which may hold data). */
  where?: string;
}

/** How long a logged line may wait in memory for others to go out with it, ms. */
export const LOG_FLUSH_MS = 1000;

/** The process's one logger for a service, made on first use: every line a process writes has the same format. */
export function processLogger(service: string): Logger {
  let logger = processLoggers.get(service);
  if (!logger) processLoggers.set(service, (logger = createLogger(service)));
  return logger;
}
const processLoggers = new Map<string, Logger>();

/**
 * The JSON logger of a process (pino): LOG_LEVEL, default info, silent under jest unless LOG_LEVEL is set. Lines
 * go to stdout asynchronously and in batches: they gather in memory until 4 KB are waiting (about a dozen access
 * lines) or `LOG_FLUSH_MS` has passed, then go out in one write, instead of one write (a system call and a
 * thread-pool hand-off) per request. pino writes what is left synchronously when the process exits.
 */
export function createLogger(service: string, { level = defaultLevel(), dest = 1 }: { level?: string; dest?: number | string } = {}): Logger {
  const options = { level, base: { service }, timestamp: pino.stdTimeFunctions.isoTime };
  if (level === 'silent') return pino(options);
  const destination = pino.destination({ dest, sync: false, minLength: 4096 });
  const flush = setInterval(() => {
    try {
      destination.flush();
    } catch {
      clearInterval(flush); // ended: the process is exiting
    }
  }, LOG_FLUSH_MS);
  flush.unref();
  return pino(options, destination);
}

function defaultLevel(): string {
  return process.env.LOG_LEVEL ?? (process.env.NODE_ENV === 'test' ? 'silent' : 'info');
}

/** An error that becomes an HTTP status and a GraphQL-shaped error body with a stable code. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly headers: Record<string, string> = {},
    /** What exactly is wrong with the request, for its author (outside production only; see the gateway's errorBody). */
    readonly detail?: string,
  ) {
    super(message);
  }
}

/** A JSON.parse error with where it is as line and column (V8 says only the offset, or words it otherwise by version). */
export function jsonSyntaxDetail(text: string, err: Error): string {
  const message = err.message.replace(/\s*\(line \d+ column \d+\)$/, '');
  const at = / at position (\d+)$/.exec(message);
  if (!at) return message;
  const before = text.slice(0, Number(at[1]));
  const line = before.split('\n').length;
  const column = before.length - before.lastIndexOf('\n');
  return `${message} (line ${line}, column ${column})`;
}

/** Serves one Apollo Server on node:http, with GET /health and (unless told not to) GET /metrics beside /graphql. */
export function createHttpServer<TContext extends BaseContext>(options: HttpOptions<TContext>): Server {
  const maxBody = options.maxBodyBytes ?? 1_000_000;
  const { metrics } = options;
  const serveMetrics = options.serveMetrics ?? true;
  const accessLog = options.accessLog ?? defaultAccessLog(processLogger(metrics.service));

  return createLimitedServer(options.transport ?? DEFAULT_TRANSPORT, (req, res) => {
    const url = target(req.url);
    const route = routeLabel(url.pathname, options.routes);
    const end = metrics.httpDuration.startTimer({ route });
    const entry: AccessLogEntry = { method: req.method ?? '', route, status: 0, ms: 0 };
    res.on('finish', () => {
      entry.ms = Math.round(end() * 1000);
      entry.status = res.statusCode;
      metrics.httpRequests.inc({ route, status: String(res.statusCode) });
      const id = acceptedRequestId(req.headers['x-request-id']);
      if (id) entry.requestId = id;
      accessLog(req, entry);
    });
    void handle(req, res, url).catch((err: unknown) => {
      const e = err instanceof HttpError ? err : new HttpError(500, 'INTERNAL_SERVER_ERROR', 'Internal server error');
      entry.code = e.code;
      if (!(err instanceof HttpError)) entry.where = firstFrame(err);
      if (!res.headersSent) sendError(res, e, options.errorBody?.(req, e));
      else res.end();
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse, url: Target): Promise<void> {
    if (url.pathname === '/health' && req.method === 'GET') {
      const ok = options.ready ? options.ready() : true;
      writeHead(res, ok ? 200 : 503, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ status: ok ? 'ok' : 'starting' }));
      return;
    }
    if (serveMetrics && url.pathname === '/metrics' && req.method === 'GET') {
      await sendMetrics(res, metrics);
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
    let parsed: unknown = undefined;
    if (body.length > 0) {
      const contentType = req.headers['content-type'];
      if (!(typeof contentType === 'string' ? contentType : '').startsWith('application/json')) {
        throw new HttpError(415, 'UNSUPPORTED_MEDIA_TYPE', 'Send GraphQL requests as application/json');
      }
      try {
        parsed = JSON.parse(body);
      } catch (err) {
        throw new HttpError(400, 'BAD_REQUEST', 'The request body is not valid JSON', {}, jsonSyntaxDetail(body, err as Error));
      }
    }
    const quick = options.shortcut ? await options.shortcut(req, parsed, contextValue) : undefined;
    if (quick) {
      const { body } = quick;
      if (typeof body === 'string' || Buffer.isBuffer(body)) {
        writeHead(res, quick.status, quick.headers);
        res.end(body);
        return;
      }
      // Chunks as they came from a subgraph: sent on one by one, in one write where the socket allows.
      writeHead(res, quick.status, { ...quick.headers, 'content-length': String(body.reduce((n, chunk) => n + chunk.length, 0)) });
      res.cork();
      for (const chunk of body) res.write(chunk);
      res.end();
      return;
    }
    const headers = new HeaderMap();
    for (const [key, value] of Object.entries(req.headers)) {
      if (value !== undefined) headers.set(key, Array.isArray(value) ? value.join(', ') : value);
    }
    const response = await options.apollo.executeHTTPGraphQLRequest({
      httpGraphQLRequest: { method: req.method ?? 'GET', headers, search: url.search, body: parsed },
      context: async () => contextValue,
    });
    const outHeaders: Record<string, string> = {};
    for (const [key, value] of response.headers) outHeaders[key] = value;
    writeHead(res, response.status ?? 200, outHeaders);
    if (response.body.kind === 'complete') {
      // Only a plain success is kept or replaced (a plugin may still have turned the answer into a refusal).
      const kept = (response.status ?? 200) === 200 ? (contextValue as { keptResponse?: KeptResponse }).keptResponse : undefined;
      kept?.keep?.(response.body.string);
      res.end(kept?.text ?? (options.apolloBody ? options.apolloBody(req, response.body.string) : response.body.string));
    } else {
      for await (const chunk of response.body.asyncIterator) res.write(chunk);
      res.end();
    }
  }
}

/**
 * A context may carry this to have a response body kept or replaced: `keep` receives the body as sent; `text`,
 * when set, is sent instead of the body Apollo Server made (statistics/responseCache.ts sends a kept answer so).
 */
export interface KeptResponse {
  text?: string | Buffer;
  keep?: (text: string) => void;
}

interface Target {
  pathname: string;
  /** The query string, with its `?` (empty when there is none), as Apollo Server takes it. */
  search: string;
}

/** A request's path and query string, as sent (routes are matched exactly, so nothing needs resolving). */
function target(url = '/'): Target {
  const q = url.indexOf('?');
  return q < 0 ? { pathname: url, search: '' } : { pathname: url.slice(0, q), search: q === url.length - 1 ? '' : url.slice(q) };
}

/**
 * A path as logs and metrics name it: one of the server's routes, else `other`. A path is the caller's choice
 * (`/internal/<a My Number>`), so one that is not a route never reaches a log line or becomes a metrics label.
 */
function routeLabel(path: string, routes: HttpOptions<BaseContext>['routes']): string {
  return ['/graphql', '/', '/health', '/metrics'].includes(path) || (routes !== undefined && Object.hasOwn(routes, path)) ? path : 'other';
}

function sendError(
  res: ServerResponse,
  err: HttpError,
  body: { message: string; extensions: Record<string, unknown> } = { message: err.message, extensions: { code: err.code } },
): void {
  writeHead(res, err.status, { 'content-type': 'application/json', ...err.headers });
  res.end(JSON.stringify({ errors: [body] }));
}

async function sendMetrics(res: ServerResponse, metrics: Metrics): Promise<void> {
  const text = await metrics.registry.metrics();
  writeHead(res, 200, { 'content-type': metrics.registry.contentType });
  res.end(text);
}

/**
 * Serves GET /metrics alone (404 for anything else), under the same transport limits: the listener a process
 * puts on the operator's network when its public port must not tell callers what it counts.
 */
export function createMetricsServer(metrics: Metrics, transport: TransportOptions = DEFAULT_TRANSPORT): Server {
  return createLimitedServer(transport, (req, res) => {
    if (target(req.url).pathname !== '/metrics' || req.method !== 'GET') return sendError(res, new HttpError(404, 'NOT_FOUND', 'Not found'));
    sendMetrics(res, metrics).catch(() => sendError(res, new HttpError(500, 'INTERNAL_SERVER_ERROR', 'Internal server error')));
  });
}

function defaultAccessLog(logger: Logger): (req: IncomingMessage, entry: AccessLogEntry) => void {
  return (_req, entry) => logger.info(entry, 'request');
}

function firstFrame(err: unknown): string | undefined {
  const stack = err instanceof Error ? err.stack : undefined;
  return stack?.split('\n').find((line) => line.trimStart().startsWith('at '))?.trim();
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Reads a request body whole, up to `limit` bytes, as UTF-8 (by events: an async iterator costs a promise per chunk). */
function readBody(req: IncomingMessage, limit: number): Promise<string> {
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > limit) return Promise.reject(new HttpError(413, 'PAYLOAD_TOO_LARGE', `Request bodies are limited to ${limit} bytes`));
  return new Promise<string>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size <= limit) return void chunks.push(chunk);
      req.off('data', onData);
      // The rest is read and dropped, so the refusal can still be sent on this connection.
      req.resume();
      reject(new HttpError(413, 'PAYLOAD_TOO_LARGE', `Request bodies are limited to ${limit} bytes`));
    };
    req.on('data', onData);
    req.once('error', reject);
    req.once('end', () => {
      if (size > limit) return;
      try {
        resolve(utf8.decode(chunks.length === 1 ? chunks[0] : Buffer.concat(chunks)));
      } catch {
        reject(new HttpError(400, 'BAD_REQUEST', 'The request body is not valid UTF-8'));
      }
    });
  });
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
