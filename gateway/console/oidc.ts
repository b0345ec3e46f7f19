import type { Env } from '../../runtime/env';

/**
 * The identity provider the console signs staff in with (OpenID Connect, authorisation code with PKCE, the console
 * a public client), as the page receives it in /console/setup.json.
 */
export interface SignInProvider {
  issuer: string;
  authorizationEndpoint: string;
  tokenEndpoint: string;
  clientId: string;
  scope: string;
}

/** What the environment says; the endpoints come from the provider's discovery document. */
export interface SignInSettings {
  issuer: string;
  clientId: string;
  scope: string;
}

/**
 * CONSOLE_OIDC_CLIENT_ID turns the provider sign-in on; CONSOLE_OIDC_SCOPE is what the console asks for (default
 * `openid`). The provider is the one staff tokens are verified against (AUTH_ISSUER, AUTH_JWKS_URL), so a token it
 * issues is one the API accepts; a setting without them is refused at start.
 */
export function signInSettingsFromEnv(env: Env): SignInSettings | undefined {
  const clientId = env.CONSOLE_OIDC_CLIENT_ID;
  if (!clientId) return undefined;
  if (!env.AUTH_ISSUER || !env.AUTH_JWKS_URL) {
    throw new Error('CONSOLE_OIDC_CLIENT_ID needs AUTH_ISSUER and AUTH_JWKS_URL: the console signs in with the provider whose tokens the gateway verifies');
  }
  const scope = env.CONSOLE_OIDC_SCOPE ?? 'openid';
  if (!scope.split(' ').includes('openid')) throw new Error(`CONSOLE_OIDC_SCOPE must include "openid", not "${scope}"`);
  secureUrl(env.AUTH_ISSUER, 'AUTH_ISSUER');
  return { issuer: env.AUTH_ISSUER, clientId, scope };
}

/**
 * The provider's endpoints from its discovery document (`<issuer>/.well-known/openid-configuration`), fetched when
 * the console first needs them and kept once found: the gateway starts while the provider is down. A failed
 * discovery answers every page load for `retryAfterMs` before it is tried again, so a hung provider holds up one
 * page load in that time, not each.
 */
export function discoveredProvider(settings: SignInSettings, timeoutMs = 5_000, retryAfterMs = 10_000): () => Promise<SignInProvider> {
  let found: Promise<SignInProvider> | undefined;
  return () => {
    found ??= discover(settings, timeoutMs).catch((err: unknown) => {
      setTimeout(() => (found = undefined), retryAfterMs).unref();
      throw err;
    });
    return found;
  };
}

async function discover({ issuer, clientId, scope }: SignInSettings, timeoutMs: number): Promise<SignInProvider> {
  const url = `${issuer.replace(/\/$/, '')}/.well-known/openid-configuration`;
  const response = await fetch(url, { headers: { accept: 'application/json' }, signal: AbortSignal.timeout(timeoutMs), redirect: 'error' });
  if (!response.ok) throw new Error(`OpenID Connect discovery at ${url} answered ${response.status}`);
  const doc = (await response.json()) as Record<string, unknown>;
  // The document must be the issuer's own (OpenID Connect Discovery 1.0, section 4.3).
  if (doc.issuer !== issuer) throw new Error(`OpenID Connect discovery at ${url} names the issuer ${String(doc.issuer)}, not ${issuer}`);
  const methods = doc.code_challenge_methods_supported;
  if (Array.isArray(methods) && !methods.includes('S256')) throw new Error(`The identity provider ${issuer} does not support PKCE with S256`);
  return {
    issuer,
    authorizationEndpoint: secureUrl(doc.authorization_endpoint, 'authorization_endpoint'),
    tokenEndpoint: tokenEndpointOf(doc.token_endpoint),
    clientId,
    scope,
  };
}

/**
 * An https URL, or http on this machine only (a provider run beside the gateway for development and tests). No
 * `;` or `,`, which would end a CSP source expression, and no fragment.
 */
function secureUrl(value: unknown, name: string): string {
  if (typeof value !== 'string') throw new Error(`${name} is missing`);
  const url = new URL(value);
  const loopback = ['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname);
  if (!(url.protocol === 'https:' || (url.protocol === 'http:' && loopback))) throw new Error(`${name} must be an https URL, not ${value}`);
  if (/[;,]/.test(url.href) || url.hash || url.username || url.password) throw new Error(`${name} is not a plain URL: ${value}`);
  return url.href;
}

/** The token endpoint, which the CSP names exactly: a path ending in `/` would allow every URL below it. */
function tokenEndpointOf(value: unknown): string {
  const url = secureUrl(value, 'token_endpoint');
  if (new URL(url).pathname.endsWith('/')) throw new Error(`token_endpoint must not end in /, which the console's CSP would read as a prefix: ${url}`);
  return url;
}

/**
 * The CSP source for the token endpoint: its exact URL without the query (CSP matches paths exactly when they do
 * not end in `/`), so the page may call that one endpoint and nothing else of the provider's.
 */
export function connectSource(tokenEndpoint: string): string {
  const url = new URL(tokenEndpoint);
  return `${url.origin}${url.pathname}`;
}
