import { parseArgs } from 'node:util';
import { SignJWT } from 'jose';
import { keysDir, loadOrCreateKeyPair } from '../subgraphs/kit/keys';
import { ROLES, type Role } from '../subgraphs/kit/principal';
import { dataDir, DEFAULT_AUDIENCE, DEFAULT_ISSUER } from './config';

/** Roles that sign in with a token (partners call with API keys instead). */
const STAFF_ROLES: readonly Role[] = ROLES.filter((r) => r !== 'partner');

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
    .setIssuedAt()
    .setExpirationTime(options.ttl ?? '8h')
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

if (require.main === module) void main();
