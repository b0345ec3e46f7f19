import { KeyObject, sign, type webcrypto } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { jwtVerify, type CryptoKey } from 'jose';
import { jwtKey, type VerifyingKey } from './keys';
import type { Authority } from './authority';
import { TtlCache } from './ttlCache';
import { acceptedRequestId } from './requestId';

import { ROLES, type Role } from '../schema/access';

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

/**
 * What the gateway signs: who the caller is and what for, the same for every request of that caller. The request
 * id and the request's start travel beside the token (`x-request-id`, `x-request-started-at`): the caller chooses
 * its request id anyway, and a token without them can be reused for a while instead of signed per request.
 */
export type PrincipalClaims = Omit<Principal, 'requestId' | 'requestStartedAt'>;

export const PRINCIPAL_HEADER = 'x-principal';
export const REQUEST_ID_HEADER = 'x-request-id';
export const REQUEST_STARTED_HEADER = 'x-request-started-at';
export const PRINCIPAL_ISSUER = 'residence-card-gateway';
/** Principals live just long enough for one request's fan-out (and a few more of the same caller). */
export const PRINCIPAL_TTL_SECONDS = 60;
/** A signed principal is handed out for the first half of its life, so every one sent has 30 s or more left. */
const PRINCIPAL_REUSE_SECONDS = PRINCIPAL_TTL_SECONDS / 2;

const keyObjects = new WeakMap<object, KeyObject>();

/** node:crypto's view of a key (jose hands out WebCrypto keys): converted once per key. */
function keyObjectOf(key: CryptoKey | KeyObject): KeyObject {
  if (key instanceof KeyObject) return key;
  let converted = keyObjects.get(key);
  if (!converted) {
    converted = KeyObject.from(key as webcrypto.CryptoKey);
    keyObjects.set(key, converted);
  }
  return converted;
}

const base64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

/** A compact JWS (EdDSA, Ed25519) signed synchronously with node:crypto: the same token jose would make, at a fraction of the cost. */
function signJws(header: string, payload: object, key: KeyObject): string {
  const input = `${header}.${base64url(payload)}`;
  return `${input}.${sign(null, Buffer.from(input), key).toString('base64url')}`;
}

/** Signs a principal for one subgraph (the audience), so it cannot be replayed against another. */
export async function signPrincipal(principal: PrincipalClaims | Principal, audience: Authority, key: CryptoKey | KeyObject, kid: string): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  const claims = { ...principal, iss: PRINCIPAL_ISSUER, aud: audience, iat: now, exp: now + PRINCIPAL_TTL_SECONDS };
  return signJws(base64url({ alg: 'EdDSA', kid }), claims, keyObjectOf(key));
}

/**
 * The gateway's signer: one token per caller and subgraph, signed for PRINCIPAL_TTL_SECONDS and reused for the
 * first half of that (bounded; the least recently used callers go first).
 */
export class PrincipalSigner {
  private readonly tokens = new TtlCache<string>(10_000);
  private kid = '';
  private header = '';

  /** `key` may follow a rotation (keys.ts): each token is signed with the key current when it is made. */
  constructor(private readonly key: { readonly kid: string; readonly privateKey: CryptoKey | KeyObject }) {}

  /** The caller's token for `audience`. */
  tokenFor(principal: PrincipalClaims, audience: Authority): string {
    const { sub, role, agency, municipality, myNumber, scopes, purpose } = principal;
    const { kid, privateKey } = this.key;
    if (kid !== this.kid) {
      this.kid = kid;
      this.header = base64url({ alg: 'EdDSA', kid });
    }
    // After a rotation, no token signed with the old key is handed out again.
    const cacheKey = JSON.stringify([kid, audience, sub, role, agency, municipality ?? null, myNumber ?? null, scopes ?? null, purpose]);
    const nowMs = Date.now();
    const cached = this.tokens.get(cacheKey, nowMs);
    if (cached !== undefined) return cached;
    const now = Math.floor(nowMs / 1000);
    const claims = { sub, role, agency, municipality, myNumber, scopes, purpose, iss: PRINCIPAL_ISSUER, aud: audience, iat: now, exp: now + PRINCIPAL_TTL_SECONDS };
    const token = signJws(this.header, claims, keyObjectOf(privateKey));
    this.tokens.set(cacheKey, token, (now + PRINCIPAL_REUSE_SECONDS) * 1000);
    return token;
  }
}

/** Verifies a forwarded principal; throws when it is missing, forged, expired or meant for another subgraph. */
export async function verifyPrincipal(token: string, audience: Authority, key: VerifyingKey): Promise<Principal> {
  return (await verifyToken(token, audience, key)).principal;
}

async function verifyToken(token: string, audience: Authority, key: VerifyingKey): Promise<{ principal: Principal; expiresAt: number }> {
  const { payload } = await jwtVerify(token, jwtKey(key), {
    issuer: PRINCIPAL_ISSUER,
    audience,
    algorithms: ['EdDSA'],
    requiredClaims: ['exp'],
  });
  const role = payload.role as Role;
  if (!ROLES.includes(role) || typeof payload.sub !== 'string') throw new Error('Malformed principal');
  const principal: Principal = {
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
  return { principal, expiresAt: payload.exp! * 1000 };
}

/**
 * A subgraph's check of forwarded principals: signature, issuer, audience (this subgraph) and expiry by jose; the
 * result of a token already verified is reused until that token expires (bounded cache), so a caller's token
 * costs one signature check per subgraph, not one per request.
 */
export class PrincipalVerifier {
  private readonly verified = new TtlCache<Principal>(10_000);

  constructor(
    private readonly audience: Authority,
    private readonly key: VerifyingKey,
  ) {}

  /** The principal of a request: the verified token, with the request id and start sent beside it. */
  async principalOf(token: string, req: IncomingMessage): Promise<Principal> {
    let principal = this.verified.get(token);
    if (principal === undefined) {
      const result = await verifyToken(token, this.audience, this.key);
      principal = result.principal;
      this.verified.set(token, principal, result.expiresAt);
    }
    const started = Number(req.headers[REQUEST_STARTED_HEADER]);
    return {
      ...principal,
      // A token that names the request (older gateways, the benchmark's peers) says it with its signature.
      requestId: principal.requestId || (acceptedRequestId(req.headers[REQUEST_ID_HEADER]) ?? ''),
      requestStartedAt: principal.requestStartedAt ?? (Number.isSafeInteger(started) && started > 0 ? started : undefined),
    };
  }
}
