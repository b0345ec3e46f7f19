import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Env } from '../../runtime/env';
import type { Authority } from '../../runtime/authority';
import { keysDir } from '../../runtime/keys';
import { issueDevToken } from '../tokenCli';
import { discoveredProvider, signInSettingsFromEnv } from './oidc';
import type { ConsoleOptions, PublicJwk } from './serve';

const AUTHORITIES: readonly Authority[] = ['immigration', 'registry', 'mynumber'];

/**
 * The console's settings from the environment. CONSOLE=on|off (default: on outside production, off in it). The
 * demo sign-in exists only outside production and only while staff tokens are the development issuer's (no
 * AUTH_JWKS_URL, no AUTH_PUBLIC_KEY_FILE). The authorities' public keys: `<AUTHORITY>_PUBLIC_KEY_FILE`, else the
 * development keys under DATA_DIR, as `npm run audit:prove` reads them. Staff sign in with the identity provider
 * when CONSOLE_OIDC_CLIENT_ID is set (oidc.ts).
 */
export function consoleOptionsFromEnv(env: Env = process.env): ConsoleOptions {
  const production = env.NODE_ENV === 'production';
  const setting = env.CONSOLE;
  if (setting !== undefined && setting !== 'on' && setting !== 'off') throw new Error(`CONSOLE must be "on" or "off", not "${setting}"`);
  const dataDir = env.DATA_DIR ?? '.data';
  const devIssuer = !production && !env.AUTH_JWKS_URL && !env.AUTH_PUBLIC_KEY_FILE;
  const signIn = signInSettingsFromEnv(env);
  return {
    enabled: setting === undefined ? !production : setting === 'on',
    ...(devIssuer ? { demoTokens: (request) => issueDevToken({ ...request, dataDir }) } : {}),
    publicKeys: () => publicKeys(env, dataDir),
    ...(signIn ? { signIn: discoveredProvider(signIn) } : {}),
  };
}

/** Every key each authority published (a JWK, or a JWKS with retired keys after a rotation): public parts only. */
function publicKeys(env: Env, dataDir: string): Record<string, PublicJwk[]> {
  const keys: Record<string, PublicJwk[]> = {};
  for (const a of AUTHORITIES) {
    const file = env[`${a.toUpperCase()}_PUBLIC_KEY_FILE`] ?? join(keysDir(dataDir), `${a}.public.jwk`);
    if (!existsSync(file)) continue;
    const raw = JSON.parse(readFileSync(file, 'utf8')) as PublicJwk | { keys: PublicJwk[] };
    keys[a] = ('keys' in raw ? raw.keys : [raw]).map((jwk) => ({ kty: jwk.kty, crv: jwk.crv, x: jwk.x }));
  }
  return keys;
}
