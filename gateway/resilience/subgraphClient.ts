import { EventEmitter } from 'node:events';
import { STATUS_CODES } from 'node:http';
import { performance } from 'node:perf_hooks';
import { GraphQLError } from 'graphql';
import { Agent, request } from 'undici';

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
  agent: Agent,
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
  const call = deadlines.add(timeoutMs);
  try {
    const res = await request(url, { method: 'POST', headers, body, dispatcher: agent, signal: call.signal });
    const contentType = res.headers['content-type'];
    const json = typeof contentType === 'string' && (contentType.startsWith('application/json') || contentType.startsWith('application/graphql-response+json'));
    const ok = res.statusCode >= 200 && res.statusCode <= 299;
    let text: string;
    if (ok && json && asItCame) {
      const chunks = await chunksOf(res.body);
      if (asItCame(chunks)) return { status: res.statusCode, headers: res.headers, body: undefined, text: chunks };
      text = Buffer.concat(chunks).toString('utf8');
    } else {
      text = await res.body.text();
    }
    const parsed: unknown = json ? JSON.parse(text) : text;
    if (!ok) throw errorFromAnswer(url, res.statusCode, parsed);
    return { status: res.statusCode, headers: res.headers, body: parsed, text };
  } catch (err) {
    if (call.timedOut) throw timeoutError(timeoutMs);
    const code = (err as { code?: unknown }).code;
    if (typeof code === 'string' && UNDICI_ERRNO[code]) throw Object.assign(new Error(`request to ${url} failed`), { code: UNDICI_ERRNO[code] });
    throw err;
  } finally {
    deadlines.done(call);
  }
}

/** A call under way: undici aborts it when its signal emits `abort` (an EventEmitter, which undici takes as a signal). */
interface Call {
  due: number;
  signal: EventEmitter;
  timedOut: boolean;
}

/**
 * The deadlines of the calls under way, checked by one timer every `tickMs` while there are any (a call is cut
 * off at most `tickMs` late), instead of a timer and an AbortController (an EventTarget) made and cleared per call.
 */
class Deadlines {
  private readonly calls = new Set<Call>();
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly tickMs: number) {}

  add(timeoutMs: number): Call {
    const call: Call = { due: performance.now() + timeoutMs, signal: new EventEmitter(), timedOut: false };
    this.calls.add(call);
    if (!this.timer) this.timer = setInterval(() => this.check(), this.tickMs).unref();
    return call;
  }

  done(call: Call): void {
    this.calls.delete(call);
    if (this.calls.size === 0 && this.timer) {
      clearInterval(this.timer);
      this.timer = undefined;
    }
  }

  private check(): void {
    const now = performance.now();
    for (const call of this.calls) {
      if (call.due > now) continue;
      call.timedOut = true;
      this.calls.delete(call);
      call.signal.emit('abort');
    }
  }
}

const deadlines = new Deadlines(20);

/** A body's bytes in the chunks they came in (by events: an async iterator costs a promise per chunk). */
function chunksOf(body: NodeJS.ReadableStream): Promise<Buffer[]> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    body.on('data', (chunk: Buffer) => chunks.push(chunk));
    body.on('end', () => resolve(chunks));
    body.on('error', reject);
  });
}

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
