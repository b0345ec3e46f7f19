import type { CryptoKey } from 'jose';
import type { Authority } from '../../runtime/authority';
import { userError } from './errors';
import { INTERNAL_SIGNATURE_HEADER, signInternalRequest } from './internalSignature';

/**
 * A signed synchronous call from one authority to another's internal endpoint (signed for this one request, so
 * the callee knows who asks and the signature serves nothing else). Errors come back as the callee's stable code.
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
  const body = JSON.stringify(payload);
  let res: Response;
  try {
    res = await fetch(baseUrl + path, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        [INTERNAL_SIGNATURE_HEADER]: await signInternalRequest({ method: 'POST', path, body }, from, to, signingKey),
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
