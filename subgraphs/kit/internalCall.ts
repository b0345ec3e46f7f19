import type { CryptoKey } from 'jose';
import type { Authority } from './database';
import { EVENT_SIGNATURE_HEADER, signDelivery } from './events';
import { userError } from './errors';

/**
 * A signed synchronous call from one authority to another's internal endpoint (signed like event deliveries,
 * so the callee knows who asks). Errors come back as the callee's stable code.
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
  const body = JSON.stringify({ ...payload, source: from });
  let res: Response;
  try {
    res = await fetch(baseUrl + path, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        [EVENT_SIGNATURE_HEADER]: await signDelivery(body, from, to, signingKey.privateKey, signingKey.kid),
      },
      body,
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch {
    throw userError('AUTHORITY_UNAVAILABLE', `${to} could not be reached`, { authority: to });
  }
  const answer = (await res.json()) as T & { errors?: Array<{ extensions?: { code?: string }; message: string }> };
  if (!res.ok) {
    const error = answer.errors?.[0];
    throw userError(error?.extensions?.code ?? 'AUTHORITY_ERROR', error?.message ?? `${to} refused`, { authority: to });
  }
  return answer;
}
