import type { Authority } from '../../runtime/authority';
import type { Stack } from '../harness';

const AUTHORITIES: Authority[] = ['mynumber', 'registry', 'immigration'];

export interface Answer {
  status: number;
  headers: Headers;
  text: string;
  body: { data?: unknown; errors?: Array<{ message: string; path?: unknown[]; extensions?: Record<string, unknown> }> } | undefined;
  /** The first error's code. */
  code: string | undefined;
}

/** Sends one raw HTTP request and reads the answer as text and, when it is JSON, as a GraphQL body. */
export async function send(
  url: string,
  init: { method?: string; headers?: Record<string, string>; body?: string | Uint8Array; search?: string } = {},
): Promise<Answer> {
  const res = await fetch(url + (init.search ?? ''), { method: init.method ?? 'POST', headers: init.headers, body: init.body });
  const text = await res.text();
  let body: Answer['body'];
  try {
    body = JSON.parse(text) as Answer['body'];
  } catch {
    body = undefined;
  }
  const code = body?.errors?.[0]?.extensions?.code;
  return { status: res.status, headers: res.headers, text, body, code: typeof code === 'string' ? code : undefined };
}

/** JSON POST headers with a bearer token. */
export function jsonHeaders(token: string | null, extra: Record<string, string> = {}): Record<string, string> {
  return { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}), ...extra };
}

/** GraphQL requests all subgraphs have served so far (their own /metrics). */
export async function subgraphCalls(stack: Stack): Promise<number> {
  const counts = await Promise.all(AUTHORITIES.map((a) => stack.graphqlRequests(a)));
  return counts.reduce((sum, n) => sum + n, 0);
}

/**
 * What must never leave a process: stack frames, source paths, internal addresses, system error codes, SQL, and
 * driver messages.
 */
const LEAKS: ReadonlyArray<[string, RegExp]> = [
  ['a stack trace', /stacktrace|\bat [\w$.<>]+ \(|node_modules|\.[jt]s:\d+/],
  ['an internal address', /127\.0\.0\.1|localhost|:\d{4,5}\/graphql|\/internal\//],
  ['a system error', /\bE(CONNREFUSED|CONNRESET|PIPE|TIMEDOUT|NOTFOUND)\b|socket hang up/],
  ['SQL', /\b(SELECT|INSERT INTO|UPDATE \w+ SET|DELETE FROM)\b|syntax error at or near|violates|relation "|pg_|QueryFailedError/],
  ['a subgraph name in an extension', /"serviceName"/],
];

/** The leaks found in a response text (empty when clean). */
export function leaks(text: string): string[] {
  return LEAKS.filter(([, pattern]) => pattern.test(text)).map(([what]) => what);
}

/** Every error's code in an answer, in order; undefined when it has no errors. */
export function errorCodes(answer: { body?: { errors?: Array<{ extensions?: { code?: unknown } }> } }): unknown[] | undefined {
  return answer.body?.errors?.map((e) => e.extensions?.code);
}
