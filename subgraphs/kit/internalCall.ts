import type { CryptoKey } from 'jose';
import { request } from 'undici';
import type { Authority } from '../../runtime/authority';
import { userError } from './errors';
import { INTERNAL_SIGNATURE_HEADER, signInternalRequest } from './internalSignature';

/** What an internal endpoint answered: its status and its body, parsed when it is JSON. */
export interface InternalAnswer<T> {
  status: number;
  /** The body parsed, when it is JSON; else undefined. */
  body: T | undefined;
  /** The body as it came. */
  text: string;
}

/**
 * One signed POST from `from` to `to`'s internal endpoint `path` (signed for this one request, so the callee
 * knows who asks and the signature serves nothing else), cut off after `timeoutMs`. Any status is returned; a
 * connection failure or a timeout throws.
 *
 * Every internal call of a process goes through here (the access log's witness rounds, one each second while rows
 * are added; event deliveries; the synchronous calls), on undici's kept-alive connections (its global dispatcher).
 * undici's `request`, not the global `fetch`: the same client without the WHATWG Request and Response objects,
 * whose making cost a writer more CPU than the rest of a witness round.
 */
export async function postInternal<T>(options: {
  from: Authority;
  to: Authority;
  baseUrl: string;
  path: string;
  body: string;
  signingKey: { kid: string; privateKey: CryptoKey };
  timeoutMs: number;
}): Promise<InternalAnswer<T>> {
  const { from, to, path, body } = options;
  const res = await request(options.baseUrl + path, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      [INTERNAL_SIGNATURE_HEADER]: await signInternalRequest({ method: 'POST', path, body }, from, to, options.signingKey),
    },
    body,
    signal: AbortSignal.timeout(options.timeoutMs),
  });
  const text = await res.body.text();
  const contentType = String(res.headers['content-type'] ?? '');
  if (contentType.startsWith('application/json')) {
    try {
      return { status: res.statusCode, body: JSON.parse(text) as T, text };
    } catch {
      // Cut off or empty: an answer all the same, not a failure to reach the callee.
    }
  }
  return { status: res.statusCode, body: undefined, text };
}

/**
 * A signed synchronous call from one authority to another's internal endpoint. Errors come back as the callee's
 * stable code.
 */
export async function callInternal<T>(
  from: Authority,
  to: Authority,
  baseUrl: string,
  path: string,
  payload: Record<string, unknown>,
  signingKey: { kid: string; privateKey: CryptoKey },
  timeoutMs = 5000,
): Promise<T> {
  let answer: InternalAnswer<T & { errors?: Array<{ extensions?: { code?: string }; message: string }> }>;
  try {
    answer = await postInternal({ from, to, baseUrl, path, body: JSON.stringify(payload), signingKey, timeoutMs });
  } catch {
    throw userError('AUTHORITY_UNAVAILABLE', `${to} could not be reached`, { authority: to });
  }
  if (answer.status < 200 || answer.status > 299 || !answer.body) {
    const error = answer.body?.errors?.[0];
    throw userError(error?.extensions?.code ?? 'AUTHORITY_ERROR', error?.message ?? `${to} refused`, { authority: to });
  }
  return answer.body;
}
