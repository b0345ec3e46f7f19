import manifest from '../../persisted/manifest.json';
import type { Language } from '../../../schema/codes';
import type { Session } from './session';

/** An operation of the approved list (gateway/persisted/manifest.json): the console sends only its hash. */
export type OperationName = (typeof manifest.operations)[number]['name'];

const IDS = new Map(manifest.operations.map((op) => [op.name, op.id]));

export interface ApiError {
  message: string;
  path?: Array<string | number>;
  extensions?: { code?: string; authority?: string };
}

export interface ApiResult<T> {
  data?: T | null;
  errors?: ApiError[];
}

/**
 * Runs an approved operation by its hash, as the production safelist requires, with the caller's token, language
 * and purpose. HTTP refusals (401, 403, 400) come back as errors like any other, with the gateway's translated text.
 */
export async function run<T>(session: Session, language: Language, name: OperationName, variables: Record<string, unknown>): Promise<ApiResult<T>> {
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    authorization: `Bearer ${session.token}`,
    'accept-language': language,
  };
  if (session.purpose) headers['x-purpose'] = session.purpose;
  const response = await fetch('/graphql', {
    method: 'POST',
    headers,
    body: JSON.stringify({ operationName: name, variables, extensions: { persistedQuery: { version: 1, sha256Hash: IDS.get(name) } } }),
  });
  try {
    return (await response.json()) as ApiResult<T>;
  } catch {
    return { errors: [{ message: `HTTP ${response.status}`, extensions: { code: `HTTP_${response.status}` } }] };
  }
}

/** The identity provider staff sign in with, as the gateway found it (gateway/console/oidc.ts). */
export interface SignInProvider {
  issuer: string;
  authorizationEndpoint: string;
  tokenEndpoint: string;
  clientId: string;
  scope: string;
}

/** The console's settings from the gateway: the authorities' public keys and which sign-ins exist. */
export interface Setup {
  keys: Record<string, JsonWebKey[]>;
  demoSignIn: boolean;
  /** What /console/explorer offers: any query (development), the approved operations (production), or nothing. */
  explorer: 'free' | 'approved' | false;
  /** The identity provider when one is configured; `unreachable` when its discovery failed just now. */
  signIn?: SignInProvider | 'unreachable';
}

export async function setup(): Promise<Setup> {
  return (await (await fetch('/console/setup.json')).json()) as Setup;
}

/** Development only: a demo token from the gateway (the route does not exist in production). */
export async function demoToken(request: { role: string; municipality?: string; myNumber?: string }): Promise<string> {
  const response = await fetch('/console/demo-token', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(request) });
  if (!response.ok) throw new Error(await response.text());
  return ((await response.json()) as { token: string }).token;
}
