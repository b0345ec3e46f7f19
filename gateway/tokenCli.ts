import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { SignJWT } from 'jose';
import { keysDir, loadOrCreateKeyPair } from '../runtime/keys';
import { gatewayUrl, reachable, runningSystem } from '../runtime/runningSystem';
import type { Role } from '../runtime/principal';
import { STAFF_ROLES } from './auth/staffTokens';
import { dataDir, DEFAULT_AUDIENCE, DEFAULT_ISSUER, maxStaffTokenLifetime } from './config';

/** A development token lasts a shift, 8 h (never longer than the gateway accepts, AUTH_MAX_TOKEN_LIFETIME_SECONDS). */
const DEFAULT_TTL_SECONDS = 8 * 3600;

const USAGE = `Usage: npm run --silent token -- --role ROLE [--municipality CODE] [--my-number N] [--purpose P] [--sub ID] [--ttl 8h]
Prints a development staff token signed with the key under $DATA_DIR/keys (default .data/keys).
Roles: ${STAFF_ROLES.join(', ')} (partners use API keys: npm run apikey)`;

/** Signs a development token for the embedded default's issuer key. */
export async function issueDevToken(options: {
  role: Role;
  municipality?: string;
  myNumber?: string;
  purpose?: string;
  sub?: string;
  ttl?: string;
  dataDir?: string;
}): Promise<string> {
  const issuer = await loadOrCreateKeyPair(keysDir(options.dataDir ?? dataDir()), 'issuer');
  const claims: Record<string, string> = { role: options.role };
  if (options.municipality) claims.municipality = options.municipality;
  if (options.myNumber) claims.my_number = options.myNumber;
  if (options.purpose) claims.purpose = options.purpose;
  return new SignJWT(claims)
    .setProtectedHeader({ alg: 'EdDSA', kid: issuer.kid })
    .setIssuer(process.env.AUTH_ISSUER ?? DEFAULT_ISSUER)
    .setAudience(process.env.AUTH_AUDIENCE ?? DEFAULT_AUDIENCE)
    .setSubject(options.sub ?? `dev-${options.role}`)
    .setExpirationTime(options.ttl ?? `${Math.min(DEFAULT_TTL_SECONDS, maxStaffTokenLifetime())}s`)
    // After the expiry, from a clock read no earlier: `exp - iat` never exceeds the ttl (the gateway refuses more).
    .setIssuedAt()
    .sign(issuer.privateKey);
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      role: { type: 'string' },
      municipality: { type: 'string' },
      'my-number': { type: 'string' },
      purpose: { type: 'string' },
      sub: { type: 'string' },
      ttl: { type: 'string' },
      help: { type: 'boolean' },
    },
  });
  const role = values.role as Role | undefined;
  if (values.help || !role || !STAFF_ROLES.includes(role)) {
    console.error(USAGE);
    process.exit(values.help ? 0 : 2);
  }
  if (role === 'municipal-clerk' && !values.municipality) {
    console.error('A municipal-clerk token needs --municipality CODE (e.g. 131041 for Shinjuku)');
    process.exit(2);
  }
  if (role === 'resident' && !values['my-number']) {
    console.error('A resident token needs --my-number N');
    process.exit(2);
  }
  const refusal = await newIssuerKeyRefusal();
  if (refusal) {
    console.error(refusal);
    process.exit(3);
  }
  process.stdout.write(
    (await issueDevToken({
      role,
      municipality: values.municipality,
      myNumber: values['my-number'],
      purpose: values.purpose,
      sub: values.sub,
      ttl: values.ttl,
    })) + '\n',
  );
}

/**
 * Why a new issuer key must not be made here, if it must not: DATA_DIR has none, and a gateway that is not this
 * DATA_DIR's answers, so it was started with another key and would refuse the token (401 INVALID_TOKEN).
 */
async function newIssuerKeyRefusal(env = process.env): Promise<string | undefined> {
  const dir = dataDir();
  if (existsSync(join(keysDir(dir), 'issuer.private.jwk')) || runningSystem(env)) return undefined;
  const url = gatewayUrl(env);
  if (!(await reachable(url))) return undefined;
  return (
    `No issuer key in ${keysDir(dir)}, and a gateway started with another DATA_DIR answers at ${url}: ` +
    'a token signed with a new key would be refused (401 INVALID_TOKEN). Set DATA_DIR to the one npm start uses ' +
    '(or GATEWAY_PORT to a gateway started on this DATA_DIR). No key was made.'
  );
}

if (require.main === module) void main();
