import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { HttpError } from '../../runtime/http';
import { todayInJapan } from '../../runtime/japanDay';
import type { Principal, PrincipalSigner } from '../../runtime/principal';
import { acceptedRequestId } from '../../runtime/requestId';
import type { GatewayContext } from '../server';
import { agencyOf, purposeFor } from './agency';
import type { KeyVerdict, PartnerKeyStore } from './apiKeys';
import { KeyStoreUnavailable } from './sharedApiKeys';
import { verifyStaffToken, type StaffTokenConfig } from './staffTokens';

const requestIds = new WeakMap<IncomingMessage, string>();

/** The caller's request id when it is accepted (runtime/requestId.ts), else a fresh one; the same for the whole request. */
export function requestId(req: IncomingMessage): string {
  let id = requestIds.get(req);
  if (!id) {
    id = acceptedRequestId(req.headers['x-request-id']) ?? randomUUID();
    requestIds.set(req, id);
  }
  return id;
}

/** Identifies the caller of one request and prepares the principal the subgraphs will receive. */
export async function authenticate(
  req: IncomingMessage,
  options: { staffTokens: StaffTokenConfig; signer: PrincipalSigner; apiKeys: PartnerKeyStore },
): Promise<GatewayContext> {
  const apiKey = headerValue(req, 'x-api-key');
  if (apiKey !== undefined) return partnerContext(req, apiKey, options);
  const header = req.headers.authorization;
  if (!header) {
    throw new HttpError(401, 'UNAUTHENTICATED', 'Send a bearer token (Authorization: Bearer <JWT>)', {
      'www-authenticate': 'Bearer',
    });
  }
  const match = /^Bearer ([A-Za-z0-9._~+/-]+=*)$/.exec(header);
  if (!match?.[1]) {
    throw new HttpError(401, 'INVALID_TOKEN', 'The Authorization header must be "Bearer <JWT>"', {
      'www-authenticate': 'Bearer error="invalid_request"',
    });
  }
  const identity = await verifyStaffToken(match[1], options.staffTokens);
  const principal: Principal = {
    sub: identity.sub,
    role: identity.role,
    agency: agencyOf(identity.role, identity.municipality),
    municipality: identity.municipality,
    myNumber: identity.myNumber,
    purpose: purposeFor(identity.role, headerValue(req, 'x-purpose') ?? identity.purpose),
    requestId: requestId(req),
    requestStartedAt: Date.now(),
  };
  return withSigner(principal, options.signer);
}

/** A partner calling with an API key: role `partner`, its scopes, purpose card verification only. */
async function partnerContext(
  req: IncomingMessage,
  presented: string,
  options: { signer: PrincipalSigner; apiKeys: PartnerKeyStore },
): Promise<GatewayContext> {
  const stored = await verifyKey(options.apiKeys, presented);
  if (typeof stored === 'string') {
    const messages = { INVALID_API_KEY: 'The API key is not valid', API_KEY_REVOKED: 'The API key was revoked', API_KEY_EXPIRED: 'The API key has expired' };
    throw new HttpError(401, stored, messages[stored]);
  }
  const principal: Principal = {
    sub: `partner:${stored.id}`,
    role: 'partner',
    agency: `partner:${stored.partner}`,
    scopes: stored.scopes,
    purpose: purposeFor('partner', headerValue(req, 'x-purpose')),
    requestId: requestId(req),
    requestStartedAt: Date.now(),
  };
  return { ...withSigner(principal, options.signer), partnerKey: stored };
}

/** A presented key's verdict; a store that cannot answer makes it 503 (retry shortly), never a pass. */
async function verifyKey(store: PartnerKeyStore, presented: string): Promise<KeyVerdict> {
  try {
    return await store.verify(presented, todayInJapan());
  } catch (err) {
    if (err instanceof KeyStoreUnavailable) throw new HttpError(503, 'INTERNAL_SERVER_ERROR', err.message, { 'retry-after': '1' });
    throw err;
  }
}

/** The context for a principal: its token for each subgraph comes from the signer (signed or reused). */
function withSigner(principal: Principal, signer: PrincipalSigner): GatewayContext {
  return { principal, principalFor: (authority) => signer.tokenFor(principal, authority) };
}

function headerValue(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return typeof value === 'string' && value.length > 0 ? value : undefined;
}
