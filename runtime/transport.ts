import { createServer, type RequestListener, type Server, type ServerResponse } from 'node:http';
import { integersFromEnv, type Env } from './env';

/**
 * How long a client may take to send a request, and how many connections one process holds: a client that sends
 * a byte every few seconds, or opens connections by the thousand, must not hold the process's sockets and memory.
 */
export interface TransportOptions {
  /** From a connection's first byte (or a kept-alive connection's next request) to the end of the headers, ms. */
  headersTimeoutMs: number;
  /** From the same start to the end of the body, ms: the whole request, never the time its answer takes. */
  requestTimeoutMs: number;
  /** How long an idle kept-alive connection waits for its next request, ms. */
  keepAliveTimeoutMs: number;
  /** Open connections one process holds; a connection over the cap is closed as soon as it is accepted. */
  maxConnections: number;
}

export const DEFAULT_TRANSPORT: Readonly<TransportOptions> = {
  headersTimeoutMs: 10_000,
  requestTimeoutMs: 30_000,
  // Longer than clients keep idle connections, so a client never reuses a socket the server is closing.
  keepAliveTimeoutMs: 65_000,
  maxConnections: 1024,
};

const TRANSPORT_VARIABLES: Record<keyof TransportOptions, string> = {
  headersTimeoutMs: 'HTTP_HEADERS_TIMEOUT_MS',
  requestTimeoutMs: 'HTTP_REQUEST_TIMEOUT_MS',
  keepAliveTimeoutMs: 'HTTP_KEEP_ALIVE_TIMEOUT_MS',
  maxConnections: 'HTTP_MAX_CONNECTIONS',
};

/** The transport limits of a process (gateway or subgraph) from the environment. */
export function transportFromEnv(env: Env): TransportOptions {
  return integersFromEnv(DEFAULT_TRANSPORT, TRANSPORT_VARIABLES, env);
}

/**
 * A node:http server held to the limits. A request cut off by a timeout is answered 408 and its connection closed
 * (node:http does both); the timeouts are checked every quarter of the headers timeout, at most every second
 * (node's default, 30 s, would let a 10 s timeout run to 40 s).
 */
export function createLimitedServer(transport: TransportOptions, handler: RequestListener): Server {
  const server = createServer(
    {
      headersTimeout: transport.headersTimeoutMs,
      requestTimeout: transport.requestTimeoutMs,
      connectionsCheckingInterval: Math.min(1000, Math.ceil(transport.headersTimeoutMs / 4)),
    },
    handler,
  );
  server.keepAliveTimeout = transport.keepAliveTimeoutMs;
  server.maxConnections = transport.maxConnections;
  return server;
}

/**
 * Writes a response's head; a refusal (any status from 400) says `connection: close`, and node:http closes the
 * connection once it is sent, so a refused client has to connect again to try again.
 */
export function writeHead(res: ServerResponse, status: number, headers: Record<string, string> = {}): void {
  res.writeHead(status, status >= 400 ? { ...headers, connection: 'close' } : headers);
}
