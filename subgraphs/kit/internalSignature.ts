import { createHash, randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { SignJWT, decodeJwt, jwtVerify, type CryptoKey } from 'jose';
import type { Authority } from '../../runtime/authority';
import { HttpError } from '../../runtime/http';
import { jwtKey, type VerifyingKey } from '../../runtime/keys';
import { SeenSignatures } from './seenSignatures';

/**
 * Signatures on the calls one authority makes to another's internal endpoints (`/internal/...`: event deliveries,
 * My Number assignment, reconciliation, verification tools). A signature vouches for one request only: its method,
 * its path, a digest of its body, for one callee (the audience), once (a unique id the callee remembers until the
 * signature expires), for a short life. Captured, it cannot be sent to another endpoint or authority, altered, or
 * sent again.
 */

export const INTERNAL_SIGNATURE_HEADER = 'x-internal-signature';
/** Long enough for one request to arrive; a relay signs each delivery attempt afresh. */
export const INTERNAL_SIGNATURE_LIFE_SECONDS = 60;
/** Allowance for clock differences between the authorities' machines. */
const CLOCK_TOLERANCE_SECONDS = 5;
/** Explicitly typed, so no other token signed by an authority's key passes for an internal signature. */
const TOKEN_TYPE = 'internal-call+jwt';
const CLAIMS = ['iat', 'exp', 'jti', 'htm', 'htu', 'sha256'];

/** The parts of an HTTP request a signature covers. */
export interface SignedRequest {
  method: string;
  /** The request target as sent: path and query string. */
  path: string;
  body: string;
}

/** A verified internal call: the authority that made it, and its signature's unique id (the call's id in logs). */
export interface InternalCall {
  caller: Authority;
  id: string;
}

/** How an internal endpoint learns who calls it; throws when the call is not one a known authority signed for it. */
export type VerifyCaller = (req: IncomingMessage, body: string) => Promise<InternalCall>;

/** Signs one request from `caller` to `callee`. */
export async function signInternalRequest(
  request: SignedRequest,
  caller: Authority,
  callee: Authority,
  key: { kid: string; privateKey: CryptoKey },
): Promise<string> {
  return new SignJWT({ htm: request.method, htu: request.path, sha256: digest(request.body) })
    .setProtectedHeader({ alg: 'EdDSA', kid: key.kid, typ: TOKEN_TYPE })
    .setIssuer(caller)
    .setAudience(callee)
    .setJti(randomUUID())
    .setIssuedAt()
    .setExpirationTime(`${INTERNAL_SIGNATURE_LIFE_SECONDS}s`)
    .sign(key.privateKey);
}

/**
 * A callee's check of the internal calls it receives, against the public keys of the authorities it accepts calls
 * from. The ids of accepted signatures are remembered in this process until they expire (SeenSignatures).
 */
export class InternalCallVerifier {
  private readonly seen = new SeenSignatures();

  constructor(
    private readonly callee: Authority,
    private readonly callerKeys: Partial<Record<Authority, VerifyingKey>>,
  ) {}

  /**
   * The call a request makes: throws when its signature is missing, forged, by an unknown authority, for another
   * callee, method, path or body, older than its life, or already used; HttpError 429 when too many calls are
   * remembered to take one more.
   */
  async verify(req: IncomingMessage, body: string): Promise<InternalCall> {
    const signature = req.headers[INTERNAL_SIGNATURE_HEADER];
    if (typeof signature !== 'string') throw new Error('unsigned');
    // The claimed caller only chooses the key; the signature then proves it.
    const claimed = decodeJwt(signature).iss;
    const key = typeof claimed === 'string' && Object.hasOwn(this.callerKeys, claimed) ? this.callerKeys[claimed as Authority] : undefined;
    if (!key) throw new Error('unknown caller');
    const { payload } = await jwtVerify(signature, jwtKey(key), {
      issuer: claimed,
      audience: this.callee,
      algorithms: ['EdDSA'],
      typ: TOKEN_TYPE,
      maxTokenAge: INTERNAL_SIGNATURE_LIFE_SECONDS,
      clockTolerance: CLOCK_TOLERANCE_SECONDS,
      requiredClaims: CLAIMS,
    });
    if (payload.htm !== req.method || payload.htu !== req.url || payload.sha256 !== digest(body)) throw new Error('signed for another request');
    if (typeof payload.jti !== 'string') throw new Error('no id');
    // Remembered as long as jose would accept the signature: until its expiry or the end of its life, whichever is first.
    const acceptedUntil = (Math.min(payload.exp!, payload.iat! + INTERNAL_SIGNATURE_LIFE_SECONDS) + CLOCK_TOLERANCE_SECONDS + 1) * 1000;
    const use = this.seen.use(`${claimed}:${payload.jti}`, acceptedUntil);
    if (use === 'replay') throw new Error('already used');
    if (use === 'full') throw new HttpError(429, 'RATE_LIMITED', 'Too many internal calls at once', { 'retry-after': String(INTERNAL_SIGNATURE_LIFE_SECONDS) });
    return { caller: claimed as Authority, id: payload.jti };
  }
}

function digest(body: string): string {
  return createHash('sha256').update(body).digest('base64url');
}
