import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { importJWK, type CryptoKey, type JWK } from 'jose';
import { DEFAULT_PORTS } from '../subgraphs/kit/main';
import { keysDir, loadOrCreateKeyPair, loadPublicKey } from '../subgraphs/kit/keys';
import type { Authority } from '../subgraphs/kit/database';
import { ApiKeyStore, apiKeysFile } from './auth/apiKeys';
import { remoteKeys, type StaffTokenConfig } from './auth/staffTokens';
import { AUTHORITIES, type GatewayOptions } from './server';

export const DEFAULT_ISSUER = 'residence-card-dev-idp';
export const DEFAULT_AUDIENCE = 'residence-card-gateway';

type Env = Record<string, string | undefined>;

/** The data directory holding embedded databases and development keys. */
export function dataDir(env: Env = process.env): string {
  return env.DATA_DIR ?? '.data';
}

/** The gateway's configuration from the environment; development keys are created under DATA_DIR when none are given. */
export async function gatewayOptionsFromEnv(env: Env = process.env): Promise<Omit<GatewayOptions, 'metrics'>> {
  const subgraphUrls = Object.fromEntries(
    AUTHORITIES.map((a) => {
      const upper = a.toUpperCase();
      const port = env[`${upper}_PORT`] ?? String(DEFAULT_PORTS[a]);
      return [a, env[`${upper}_URL`] ?? `http://127.0.0.1:${port}/graphql`];
    }),
  ) as Record<Authority, string>;
  return {
    supergraphSdl: readFileSync(env.SUPERGRAPH_PATH ?? join(__dirname, '..', 'schema', 'supergraph.graphql'), 'utf8'),
    subgraphUrls,
    staffTokens: await staffTokenConfig(env),
    apiKeys: new ApiKeyStore(apiKeysFile(env)),
    signingKey: env.GATEWAY_PRIVATE_KEY_FILE
      ? await loadPrivateKey(env.GATEWAY_PRIVATE_KEY_FILE)
      : await loadOrCreateKeyPair(keysDir(dataDir(env)), 'gateway'),
  };
}

/** How staff tokens are verified: a JWKS URL, a public key file, or the development issuer's key. */
export async function staffTokenConfig(env: Env = process.env): Promise<StaffTokenConfig> {
  let key: StaffTokenConfig['key'];
  if (env.AUTH_JWKS_URL) key = remoteKeys(env.AUTH_JWKS_URL);
  else if (env.AUTH_PUBLIC_KEY_FILE) key = (await loadPublicKey(env.AUTH_PUBLIC_KEY_FILE)).key;
  else key = (await loadOrCreateKeyPair(keysDir(dataDir(env)), 'issuer')).publicKey;
  return { issuer: env.AUTH_ISSUER ?? DEFAULT_ISSUER, audience: env.AUTH_AUDIENCE ?? DEFAULT_AUDIENCE, key };
}

async function loadPrivateKey(path: string): Promise<{ kid: string; privateKey: CryptoKey }> {
  const jwk = JSON.parse(readFileSync(path, 'utf8')) as JWK;
  return { kid: jwk.kid ?? 'gateway', privateKey: (await importJWK(jwk, 'EdDSA')) as CryptoKey };
}
