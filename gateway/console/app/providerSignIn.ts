import * as oauth from 'oauth4webapi';
import type { SignInProvider } from './api';

/**
 * Sign-in with the agencies' identity provider: OpenID Connect authorisation code with PKCE (S256), state and
 * nonce, the console a public client. oauth4webapi does the protocol steps; this module keeps what one sign-in
 * needs between leaving for the provider and coming back, for this tab only and for one use.
 */

const PENDING_KEY = 'console.signIn';

/**
 * How long ago, at most, the user may have authenticated at the provider for a sign-in to be taken (seconds, with
 * oauth4webapi's 30 s clock tolerance on top). Each sign-in asks for a fresh authentication (prompt=login,
 * max_age=0): on a counter PC the provider's session in the browser is the previous clerk's, whether they signed
 * out of the console or only closed it. This bound refuses an answer made from such a session anyway (a provider
 * that ignored the request, or an address edited to drop it), with room for the way back and for clocks that differ.
 */
const FRESH_AUTHENTICATION_SECONDS = 120;

interface Pending {
  state: string;
  nonce: string;
  verifier: string;
}

/** Why a sign-in ended without a token; the page words each for the person at the counter. */
export type SignInFailure =
  /** The answer carries no state this tab is waiting for: never started here, already used, or altered. */
  | { kind: 'state' }
  /** The provider said no (its `error` code: `access_denied`, `invalid_grant`, ...). */
  | { kind: 'refused'; error: string }
  /** Anything else: the provider unreachable, an answer that does not check out. */
  | { kind: 'failed'; message: string };

export class SignInError extends Error {
  constructor(readonly failure: SignInFailure) {
    super(failure.kind === 'state' ? 'state' : failure.kind === 'refused' ? failure.error : failure.message);
  }
}

/** Where the provider sends the browser back to: the console itself, on the origin that served it. */
function redirectUri(): string {
  return `${location.origin}/console`;
}

function server(provider: SignInProvider): oauth.AuthorizationServer {
  return { issuer: provider.issuer, authorization_endpoint: provider.authorizationEndpoint, token_endpoint: provider.tokenEndpoint };
}

/** The gateway publishes only https endpoints, or http on this machine (a provider run beside it for development). */
function requestOptions(provider: SignInProvider): oauth.TokenEndpointRequestOptions {
  return { [oauth.allowInsecureRequests]: new URL(provider.tokenEndpoint).protocol === 'http:' };
}

/** Leaves for the provider's sign-in, remembering the state, nonce and PKCE verifier for the way back. */
export async function redirectToProvider(provider: SignInProvider): Promise<void> {
  const pending: Pending = { state: oauth.generateRandomState(), nonce: oauth.generateRandomNonce(), verifier: oauth.generateRandomCodeVerifier() };
  const url = new URL(provider.authorizationEndpoint);
  url.searchParams.set('response_type', 'code');
  url.searchParams.set('client_id', provider.clientId);
  url.searchParams.set('redirect_uri', redirectUri());
  url.searchParams.set('scope', provider.scope);
  url.searchParams.set('state', pending.state);
  url.searchParams.set('nonce', pending.nonce);
  url.searchParams.set('prompt', 'login');
  url.searchParams.set('max_age', '0');
  url.searchParams.set('code_challenge', await oauth.calculatePKCECodeChallenge(pending.verifier));
  url.searchParams.set('code_challenge_method', 'S256');
  sessionStorage.setItem(PENDING_KEY, JSON.stringify(pending));
  location.assign(url.href);
}

/**
 * On the way back from the provider (a `code` or `error` in the address): the access token, after the state was
 * checked and the code exchanged with the verifier. The address is cleaned and the pending sign-in forgotten before
 * anything else, so neither the code nor the state can be used twice. Undefined when this is no way back.
 */
export async function finishProviderSignIn(provider: SignInProvider | undefined): Promise<string | undefined> {
  const current = new URL(location.href);
  if (!current.searchParams.has('code') && !current.searchParams.has('error')) return undefined;
  history.replaceState(null, '', current.pathname);
  const raw = sessionStorage.getItem(PENDING_KEY);
  sessionStorage.removeItem(PENDING_KEY);
  if (!raw || !provider) throw new SignInError({ kind: 'state' });
  const pending = JSON.parse(raw) as Pending;
  const as = server(provider);
  const client: oauth.Client = { client_id: provider.clientId };
  let parameters: URLSearchParams;
  try {
    parameters = oauth.validateAuthResponse(as, client, current, pending.state);
  } catch (err) {
    if (err instanceof oauth.AuthorizationResponseError) throw new SignInError({ kind: 'refused', error: err.error });
    throw new SignInError({ kind: 'state' });
  }
  try {
    const response = await oauth.authorizationCodeGrantRequest(as, client, oauth.None(), parameters, redirectUri(), pending.verifier, requestOptions(provider));
    const tokens = await oauth.processAuthorizationCodeResponse(as, client, response, {
      expectedNonce: pending.nonce,
      requireIdToken: true,
      maxAge: FRESH_AUTHENTICATION_SECONDS,
    });
    return tokens.access_token;
  } catch (err) {
    if (err instanceof oauth.ResponseBodyError) throw new SignInError({ kind: 'refused', error: err.error });
    throw new SignInError({ kind: 'failed', message: (err as Error).message });
  }
}
