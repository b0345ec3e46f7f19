import { STATUS_CODES } from 'node:http';
import { performance } from 'node:perf_hooks';
import { GraphQLError } from 'graphql';
import { Agent, type Dispatcher } from 'undici';

/** What a subgraph answered: status, headers and the body (parsed when it says it is JSON). */
export interface SubgraphAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  /** Parsed, unless `asItCame` accepted the bytes. */
  body: unknown;
  /** The body as it came: its bytes, in the chunks they came in, when `asItCame` accepted them (never decoded), else its text. */
  text: string | Buffer[];
}

/**
 * Connections to the subgraphs: keep-alive, one request at a time per connection (no pipelining, so a slow answer
 * never holds up another), as many connections as requests in flight.
 */
export function createSubgraphAgent(): Agent {
  return new Agent({ pipelining: 1, keepAliveTimeout: 30_000, keepAliveMaxTimeout: 60_000 });
}

/** A connection failure as the gateway's failure classification knows it (Node's errno codes). */
const UNDICI_ERRNO: Record<string, string> = {
  // The subgraph closed a kept-alive connection, or went away mid-answer: the request may never have arrived.
  UND_ERR_SOCKET: 'ECONNRESET',
  UND_ERR_CLOSED: 'ECONNRESET',
  UND_ERR_CONNECT_TIMEOUT: 'ETIMEDOUT',
};

/**
 * POSTs one GraphQL request body to a subgraph through `agent`, cut off after `timeoutMs` (the whole exchange,
 * body included; checked every 20 ms). A non-2xx answer throws a GraphQLError shaped like Apollo's
 * RemoteGraphQLDataSource's (message `<status>: <text>`, `extensions.response` with url, status, statusText and
 * body; UNAUTHENTICATED for 401, FORBIDDEN for 403); a timeout throws an error named TimeoutError; a failed
 * connection an error with its errno code.
 */
export async function postToSubgraph(
  agent: Dispatcher,
  url: string,
  headers: Record<string, string>,
  body: string,
  timeoutMs: number,
  /**
   * A successful JSON answer whose bytes this accepts is returned as they came, undecoded (body undefined), in
   * the chunks they came in: no large buffer to allocate and copy them into, only to send them on.
   */
  asItCame?: (chunks: readonly Buffer[]) => boolean,
): Promise<SubgraphAnswer> {
  const exchange = new Exchange();
  deadlines.add(exchange, timeoutMs);
  try {
    const { origin, path } = target(url);
    agent.dispatch({ origin, path, method: 'POST', headers, body }, exchange);
    await exchange.done;
    const { status, headers: answerHeaders, chunks } = exchange;
    const contentType = answerHeaders['content-type'];
    const json = typeof contentType === 'string' && (contentType.startsWith('application/json') || contentType.startsWith('application/graphql-response+json'));
    const ok = status >= 200 && status <= 299;
    if (ok && json && asItCame?.(chunks)) return { status, headers: answerHeaders, body: undefined, text: chunks };
    const text = chunks.length === 1 ? chunks[0]!.toString('utf8') : Buffer.concat(chunks).toString('utf8');
    const parsed: unknown = json ? JSON.parse(text) : text;
    if (!ok) throw errorFromAnswer(url, status, parsed);
    return { status, headers: answerHeaders, body: parsed, text };
  } catch (err) {
    if (exchange.timedOut) throw timeoutError(timeoutMs);
    const code = (err as { code?: unknown }).code;
    if (typeof code === 'string' && UNDICI_ERRNO[code]) throw Object.assign(new Error(`request to ${url} failed`), { code: UNDICI_ERRNO[code] });
    throw err;
  } finally {
    deadlines.done(exchange);
  }
}

/** Each subgraph URL's origin and path, parsed once. */
const targets = new Map<string, { origin: string; path: string }>();
function target(url: string): { origin: string; path: string } {
  let found = targets.get(url);
  if (!found) {
    const parsed = new URL(url);
    found = { origin: parsed.origin, path: `${parsed.pathname}${parsed.search}` };
    targets.set(url, found);
  }
  return found;
}

/**
 * One exchange with a subgraph, as undici's dispatcher reports it: the status, the headers and the body's
 * chunks, gathered by callbacks (undici's `request` would wrap the body in a stream and settle a promise per
 * step). `done` settles when the body has come whole, or with the error that ended the exchange.
 */
class Exchange implements Dispatcher.DispatchHandler {
  status = 0;
  headers: Record<string, string | string[] | undefined> = {};
  readonly chunks: Buffer[] = [];
  readonly done: Promise<void>;
  /** When the deadline passes (performance.now() time). */
  due = 0;
  private settle!: (error?: Error) => void;
  private controller: Dispatcher.DispatchController | undefined;
  private cutOff: Error | undefined;

  constructor() {
    this.done = new Promise<void>((resolve, reject) => {
      this.settle = (error) => (error ? reject(error) : resolve());
    });
  }

  /** Whether the deadline passed and cut the exchange off. */
  get timedOut(): boolean {
    return this.cutOff !== undefined;
  }

  /** Ends the exchange (its deadline passed): the connection at once if the request is on it, else as soon as it is. */
  abort(reason: Error): void {
    this.cutOff = reason;
    this.controller?.abort(reason);
    this.settle(reason);
  }

  onRequestStart(controller: Dispatcher.DispatchController): void {
    this.controller = controller;
    if (this.cutOff) controller.abort(this.cutOff);
  }

  onResponseStart(_controller: Dispatcher.DispatchController, statusCode: number, headers: Record<string, string | string[] | undefined>): void {
    // A 1xx informational answer comes before the answer.
    if (statusCode < 200) return;
    this.status = statusCode;
    this.headers = headers;
  }

  onResponseData(_controller: Dispatcher.DispatchController, chunk: Buffer): void {
    this.chunks.push(chunk);
  }

  onResponseEnd(): void {
    this.settle();
  }

  onResponseError(_controller: Dispatcher.DispatchController, error: Error): void {
    this.settle(error);
  }
}

/**
 * The deadlines of the calls under way, checked by one timer every `tickMs` while there are any (a call is cut
 * off at most `tickMs` late), instead of a timer and an AbortController (an EventTarget) made and cleared per call.
 */
class Deadlines {
  private readonly calls = new Set<Exchange>();
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly tickMs: number) {}

  add(exchange: Exchange, timeoutMs: number): void {
    exchange.due = performance.now() + timeoutMs;
    this.calls.add(exchange);
    if (!this.timer) this.timer = setInterval(() => this.check(), this.tickMs).unref();
  }

  done(exchange: Exchange): void {
    this.calls.delete(exchange);
    if (this.calls.size === 0 && this.timer) {
      clearInterval(this.timer);
      this.timer = undefined;
    }
  }

  private check(): void {
    const now = performance.now();
    for (const exchange of this.calls) {
      if (exchange.due > now) continue;
      this.calls.delete(exchange);
      exchange.abort(Object.assign(new Error('The deadline of the call passed'), { name: 'AbortError' }));
    }
  }
}

const deadlines = new Deadlines(20);

function timeoutError(ms: number): Error {
  return Object.assign(new Error(`The subgraph did not answer within ${ms} ms`), { name: 'TimeoutError' });
}

function errorFromAnswer(url: string, status: number, body: unknown): GraphQLError {
  const statusText = STATUS_CODES[status] ?? '';
  const extensions: Record<string, unknown> = { response: { url, status, statusText, body } };
  if (status === 401) extensions.code = 'UNAUTHENTICATED';
  else if (status === 403) extensions.code = 'FORBIDDEN';
  return new GraphQLError(`${status}: ${statusText}`, { extensions });
}
