import { SignJWT, jwtVerify, type CryptoKey } from 'jose';
import type { Authority } from './database';

import { ROLES, type Role } from '../../schema/access';

export { ROLES, type Role };

/** What the gateway vouches for about the caller of one request, as each subgraph receives it. */
export interface Principal {
  /** The authenticated caller: staff id, partner id or resident id. */
  sub: string;
  role: Role;
  agency: string;
  /** Local-government code the caller is scoped to (municipal clerks). */
  municipality?: string;
  /** The My Number a resident's token is bound to. */
  myNumber?: string;
  /** A partner's API-key scopes (e.g. card:verify). */
  scopes?: string[];
  purpose: string;
  requestId: string;
  /** When the gateway received the request (ms since epoch): events delivered after it may not show in parts read earlier. */
  requestStartedAt?: number;
}

export const PRINCIPAL_HEADER = 'x-principal';
export const PRINCIPAL_ISSUER = 'residence-card-gateway';
/** Principals live just long enough for one request's fan-out. */
export const PRINCIPAL_TTL_SECONDS = 60;

/** Signs a principal for one subgraph (the audience), so it cannot be replayed against another. */
export async function signPrincipal(principal: Principal, audience: Authority, key: CryptoKey, kid: string): Promise<string> {
  return new SignJWT({ ...principal })
    .setProtectedHeader({ alg: 'EdDSA', kid })
    .setIssuer(PRINCIPAL_ISSUER)
    .setAudience(audience)
    .setIssuedAt()
    .setExpirationTime(`${PRINCIPAL_TTL_SECONDS}s`)
    .sign(key);
}

/** Verifies a forwarded principal; throws when it is missing, forged, expired or meant for another subgraph. */
export async function verifyPrincipal(token: string, audience: Authority, key: CryptoKey): Promise<Principal> {
  const { payload } = await jwtVerify(token, key, {
    issuer: PRINCIPAL_ISSUER,
    audience,
    algorithms: ['EdDSA'],
  });
  const role = payload.role as Role;
  if (!ROLES.includes(role) || typeof payload.sub !== 'string') throw new Error('Malformed principal');
  return {
    sub: payload.sub,
    role,
    agency: String(payload.agency ?? ''),
    municipality: typeof payload.municipality === 'string' ? payload.municipality : undefined,
    myNumber: typeof payload.myNumber === 'string' ? payload.myNumber : undefined,
    purpose: String(payload.purpose ?? ''),
    requestId: String(payload.requestId ?? ''),
    requestStartedAt: typeof payload.requestStartedAt === 'number' ? payload.requestStartedAt : undefined,
    scopes: Array.isArray(payload.scopes) ? payload.scopes.map(String) : undefined,
  };
}
