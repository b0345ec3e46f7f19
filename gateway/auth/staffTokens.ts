import { createRemoteJWKSet, jwtVerify, type CryptoKey, type JWTVerifyGetKey } from 'jose';
import { HttpError } from '../../runtime/http';
import { ROLES, type Role } from '../../runtime/principal';
import { TtlCache } from '../../runtime/ttlCache';
import { isValidLocalGovernmentCode, parseMyNumber } from '../../schema/identifiers';
import { isStorableText } from '../limits/requestHygiene';

/** Algorithms accepted on staff tokens; `none` and symmetric algorithms are never among them. */
export const STAFF_TOKEN_ALGORITHMS = ['EdDSA', 'ES256', 'RS256'];

/** Roles a staff identity provider may vouch for: all but `partner`, which only API keys carry. */
export const STAFF_ROLES: readonly Role[] = ROLES.filter((r) => r !== 'partner');

/** The longest staff token lifetime accepted unless configured: a working day with overtime, 12 h. */
export const DEFAULT_MAX_TOKEN_LIFETIME_SECONDS = 12 * 3600;

/** How far in the future a token's issue time may lie: the identity provider's clock may run a little ahead. */
export const CLOCK_SKEW_SECONDS = 60;

export interface StaffTokenConfig {
  issuer: string;
  audience: string;
  /** A public key, or a JWKS resolver (e.g. the identity provider's JWKS URL). */
  key: CryptoKey | JWTVerifyGetKey;
  /**
   * The longest lifetime (`exp - iat`) a token may have been issued with, s: a token stolen or minted with a
   * leaked key stays useful for at most this long.
   */
  maxLifetimeSeconds: number;
}

/** The caller as the identity provider vouches for them. */
export interface StaffIdentity {
  sub: string;
  role: Role;
  municipality?: string;
  myNumber?: string;
  purpose?: string;
}

/**
 * Builds a JWKS resolver for `AUTH_JWKS_URL`. The JWKS is fetched again when a token names a key it does not hold,
 * at most once per JWKS_REFETCH_PAUSE_MS (so tokens with made-up key ids cannot flood the provider), and at least
 * every JWKS_MAX_AGE_MS: a key the provider publishes before signing with it is used within seconds, and one it
 * withdraws stops verifying new tokens within the maximum age.
 */
export function remoteKeys(url: string): JWTVerifyGetKey {
  return createRemoteJWKSet(new URL(url), { cooldownDuration: JWKS_REFETCH_PAUSE_MS, cacheMaxAge: JWKS_MAX_AGE_MS });
}

const JWKS_REFETCH_PAUSE_MS = 5_000;
const JWKS_MAX_AGE_MS = 10 * 60_000;

/**
 * How long a verified token is taken on trust without checking its signature again (never past its expiry): a
 * key the identity provider withdraws from its JWKS stops working within this time.
 */
const TRUSTED_FOR_MS = 5 * 60_000;

/** Identities of tokens already verified, per configuration (so two gateways in one process never share one). */
const verified = new WeakMap<StaffTokenConfig, TtlCache<StaffIdentity>>();

/**
 * Verifies a bearer token's signature, issuer, audience, expiry and lifetime, and reads the caller from it. A
 * token that passed is remembered until it expires (at most TRUSTED_FOR_MS; bounded), so a caller's next requests
 * skip the signature check; a refused token is checked again each time.
 */
export async function verifyStaffToken(token: string, config: StaffTokenConfig): Promise<StaffIdentity> {
  let cache = verified.get(config);
  if (!cache) verified.set(config, (cache = new TtlCache<StaffIdentity>(10_000)));
  const now = Date.now();
  const known = cache.get(token, now);
  if (known) return known;
  const { identity, expiresAt } = await verifyStaffTokenOnce(token, config);
  cache.set(token, identity, Math.min(expiresAt, now + TRUSTED_FOR_MS));
  return identity;
}

async function verifyStaffTokenOnce(token: string, config: StaffTokenConfig): Promise<{ identity: StaffIdentity; expiresAt: number }> {
  let payload;
  try {
    ({ payload } = await jwtVerify(token, config.key as CryptoKey, {
      issuer: config.issuer,
      audience: config.audience,
      algorithms: STAFF_TOKEN_ALGORITHMS,
      requiredClaims: ['exp', 'sub', 'iat'],
    }));
    // `iat` and `exp` are numbers here (required, and checked as such by jwtVerify); refused as INVALID_TOKEN.
    checkLifetime(payload.iat!, payload.exp!, config.maxLifetimeSeconds);
    checkClaimText(payload);
  } catch (err) {
    const code = (err as { code?: string }).code === 'ERR_JWT_EXPIRED' ? 'TOKEN_EXPIRED' : 'INVALID_TOKEN';
    throw new HttpError(401, code, code === 'TOKEN_EXPIRED' ? 'The token has expired' : 'The token is not valid', {
      'www-authenticate': `Bearer error="invalid_token"`,
    });
  }
  const role = payload.role as Role;
  if (!STAFF_ROLES.includes(role)) throw new HttpError(403, 'UNKNOWN_ROLE', 'The token carries no staff role');
  const municipality = typeof payload.municipality === 'string' ? payload.municipality : undefined;
  if (role === 'municipal-clerk' && !municipality) {
    throw new HttpError(403, 'MUNICIPALITY_REQUIRED', 'A municipal clerk token must name its municipality');
  }
  const myNumber = typeof payload.my_number === 'string' ? payload.my_number : undefined;
  if (role === 'resident' && !myNumber) {
    throw new HttpError(403, 'MY_NUMBER_REQUIRED', 'A resident token must be bound to a My Number');
  }
  const identity: StaffIdentity = {
    sub: payload.sub as string,
    role,
    municipality,
    myNumber,
    purpose: typeof payload.purpose === 'string' ? payload.purpose : undefined,
  };
  return { identity, expiresAt: payload.exp! * 1000 };
}

/** Printable text of a sane length: no control characters (C0, DEL, C1). */
const PRINTABLE = /^[^\u0000-\u001f\u007f-\u009f]{1,256}$/;

/**
 * Refuses a token whose claims could not be carried as they are: they travel in principals, log lines and the
 * authorities' access logs, where a control character, a lone surrogate (which no database text can hold) or a
 * municipality that is no code would be stored or fail as something else.
 */
function checkClaimText(payload: Record<string, unknown>): void {
  const text = (value: unknown) => typeof value === 'string' && isStorableText(value) && PRINTABLE.test(value);
  if (!text(payload.sub)) throw new Error('The subject is not printable text');
  if (typeof payload.purpose === 'string' && !text(payload.purpose)) throw new Error('The purpose claim is not printable text');
  // A My Number as records hold it: twelve ASCII digits, the last its check digit.
  if (typeof payload.my_number === 'string') {
    const parsed = parseMyNumber(payload.my_number);
    if (!parsed.ok || parsed.value !== payload.my_number) throw new Error('The my_number claim is no My Number');
  }
  // A local government code (全国地方公共団体コード): five digits and their check digit.
  if (typeof payload.municipality === 'string' && !isValidLocalGovernmentCode(payload.municipality)) throw new Error('The municipality claim is no code');
}

/**
 * Refuses a token issued for longer than the maximum, or issued in the future (beyond the clock skew): the expiry
 * alone would accept whatever lifetime the signer chose.
 */
function checkLifetime(iat: number, exp: number, maxLifetimeSeconds: number): void {
  if (exp - iat > maxLifetimeSeconds) throw new Error(`Token lifetime over ${maxLifetimeSeconds} s`);
  if (iat > Date.now() / 1000 + CLOCK_SKEW_SECONDS) throw new Error('Token issued in the future');
}
