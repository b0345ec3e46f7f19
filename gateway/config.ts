import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { integersFromEnv, type Env } from '../runtime/env';
import { DEFAULT_GATEWAY_METRICS_PORT, DEFAULT_PORTS } from '../runtime/ports';
import { keysDir, loadOrCreateKeyPair, publicKeyFile, publicKeyPath, signingKeyFile } from '../runtime/keys';
import { transportFromEnv } from '../runtime/transport';
import type { Authority } from '../runtime/authority';
import { apiKeyStoreFromEnv } from './auth/sharedApiKeys';
import { consoleOptionsFromEnv } from './console/config';
import { sharedRateLimiterFromEnv } from './limits/sharedRateLimiter';
import { DEFAULT_MAX_TOKEN_LIFETIME_SECONDS, remoteKeys, type StaffTokenConfig } from './auth/staffTokens';
import { DEFAULT_LIMITS, type OperationLimits } from './limits/operationLimits';
import { loadManifest, type SafelistMode } from './persisted/safelist';
import { DEFAULT_RESILIENCE, type ResilienceOptions } from './resilience/subgraphGuard';
import { AUTHORITIES, type GatewayOptions } from './server';

export const DEFAULT_ISSUER = 'residence-card-dev-idp';
export const DEFAULT_AUDIENCE = 'residence-card-gateway';

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
    apiKeys: await apiKeyStoreFromEnv(env),
    limiter: sharedRateLimiterFromEnv(env),
    signingKey: env.GATEWAY_PRIVATE_KEY_FILE
      ? await signingKeyFile(env.GATEWAY_PRIVATE_KEY_FILE)
      : await loadOrCreateKeyPair(keysDir(dataDir(env)), 'gateway'),
    console: consoleOptionsFromEnv(env),
    ...hardeningFromEnv(env),
  };
}

const LIMIT_VARIABLES: Record<keyof OperationLimits, string> = {
  depth: 'LIMIT_DEPTH',
  aliases: 'LIMIT_ALIASES',
  rootFields: 'LIMIT_ROOT_FIELDS',
  tokens: 'LIMIT_TOKENS',
  directives: 'LIMIT_DIRECTIVES',
  selections: 'LIMIT_SELECTIONS',
  cost: 'LIMIT_COST',
  bodyBytes: 'LIMIT_BODY_BYTES',
};

const RESILIENCE_VARIABLES: Record<keyof ResilienceOptions, string> = {
  timeoutMs: 'SUBGRAPH_TIMEOUT_MS',
  breakAfter: 'CIRCUIT_BREAK_AFTER',
  halfOpenAfterMs: 'CIRCUIT_HALF_OPEN_AFTER_MS',
  retryDelayMs: 'SUBGRAPH_RETRY_DELAY_MS',
};

/**
 * Production mode, operation limits, subgraph call policy, the safelist and the transport limits from the
 * environment (README, "Hard to break"). SAFELIST is `enforce` or `off`; unset, it is `enforce` when
 * NODE_ENV=production.
 */
export function hardeningFromEnv(env: Env = process.env): Pick<GatewayOptions, 'production' | 'limits' | 'resilience' | 'safelist' | 'transport' | 'preparedOperations'> {
  const production = env.NODE_ENV === 'production';
  const mode = env.SAFELIST ?? (production ? 'enforce' : 'off');
  if (mode !== 'enforce' && mode !== 'off') throw new Error(`SAFELIST must be "enforce" or "off", not "${mode}"`);
  return {
    production,
    limits: integersFromEnv(DEFAULT_LIMITS, LIMIT_VARIABLES, env),
    resilience: integersFromEnv(DEFAULT_RESILIENCE, RESILIENCE_VARIABLES, env),
    safelist: { mode: mode satisfies SafelistMode, manifest: loadManifest(env.SAFELIST_MANIFEST) },
    transport: transportFromEnv(env),
    preparedOperations: preparedOperationsFromEnv(env),
  };
}

/**
 * GATEWAY_PREPARED: `on` (the default) serves query operations seen once from their cached plan
 * (gateway/prepared/); `off` sends every request through Apollo Server's pipeline alone. The switch is there so
 * the fast path can be ruled out when something looks wrong, and so CI runs the end-to-end and security suites
 * both ways.
 */
export function preparedOperationsFromEnv(env: Env = process.env): boolean {
  const value = env.GATEWAY_PREPARED ?? 'on';
  if (value !== 'on' && value !== 'off') throw new Error(`GATEWAY_PREPARED must be "on" or "off", not "${value}"`);
  return value === 'on';
}

/**
 * Where the gateway serves its metrics: GATEWAY_METRICS_PORT on METRICS_HOST, an address on the operator's
 * network (default loopback), never the public port.
 */
export function metricsListenerFromEnv(env: Env = process.env): { port: number; host: string } {
  const { port } = integersFromEnv({ port: DEFAULT_GATEWAY_METRICS_PORT }, { port: 'GATEWAY_METRICS_PORT' }, env);
  return { port, host: env.METRICS_HOST ?? '127.0.0.1' };
}

/** The longest lifetime (`exp - iat`) of an accepted staff token: AUTH_MAX_TOKEN_LIFETIME_SECONDS, default 12 h. */
export function maxStaffTokenLifetime(env: Env = process.env): number {
  return integersFromEnv({ seconds: DEFAULT_MAX_TOKEN_LIFETIME_SECONDS }, { seconds: 'AUTH_MAX_TOKEN_LIFETIME_SECONDS' }, env).seconds;
}

/**
 * How staff tokens are verified: a JWKS URL, a public key file (a JWK or a JWKS, followed as it changes), or the
 * development issuer's keys. Tokens name their key by `kid`, so the issuer can rotate its key with an overlap.
 */
export async function staffTokenConfig(env: Env = process.env): Promise<StaffTokenConfig> {
  let key: StaffTokenConfig['key'];
  if (env.AUTH_JWKS_URL) key = remoteKeys(env.AUTH_JWKS_URL);
  else if (env.AUTH_PUBLIC_KEY_FILE) key = publicKeyFile(env.AUTH_PUBLIC_KEY_FILE).getKey;
  else {
    const dir = keysDir(dataDir(env));
    await loadOrCreateKeyPair(dir, 'issuer');
    key = publicKeyFile(publicKeyPath(dir, 'issuer')).getKey;
  }
  return { issuer: env.AUTH_ISSUER ?? DEFAULT_ISSUER, audience: env.AUTH_AUDIENCE ?? DEFAULT_AUDIENCE, key, maxLifetimeSeconds: maxStaffTokenLifetime(env) };
}
