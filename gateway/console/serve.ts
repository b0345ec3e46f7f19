import { existsSync, readFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { join } from 'node:path';
import type { Role } from '../../schema/access';
import type { Authority } from '../../runtime/authority';
import { writeHead } from '../../runtime/transport';
import { connectSource, type SignInProvider } from './oidc';

/** Where `npm run build:console` (run by `npm install`) writes the bundle. */
export const CONSOLE_DIST = join(__dirname, 'dist');

/** The demo roles the development sign-in offers, and what each needs. */
export interface DemoTokenRequest {
  role: Role;
  municipality?: string;
  myNumber?: string;
}

/** The public part of an Ed25519 key. */
export interface PublicJwk {
  kty: string;
  crv: string;
  x: string;
}

export interface ConsoleOptions {
  /** Serve /console: default on outside production; in production only when set (CONSOLE=on). */
  enabled?: boolean;
  /**
   * Development only: signs a demo token for the sign-in page (POST /console/demo-token). Never routed in
   * production: buildGateway refuses to start with it there.
   */
  demoTokens?: (request: DemoTokenRequest) => Promise<string>;
  /** Each authority's public keys (all it published) the resident view checks checkpoint signatures with. */
  publicKeys?: () => Partial<Record<Authority, PublicJwk[]>>;
  /** The identity provider staff sign in with (oidc.ts): discovered when first asked for, kept once found. */
  signIn?: () => Promise<SignInProvider>;
}

/**
 * The console's policy: nothing but this origin, no inline script or style, no framing, no form posts, no
 * referrer. Every asset is built into the package, so nothing else is ever needed, but for the identity
 * provider's token endpoint when the console signs in with one: that one URL, no other of the provider's.
 */
export function contentSecurityPolicy(tokenEndpoint?: string): string {
  return [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    // GraphiQL's fonts are bundled into its style sheet as data: URLs.
    "font-src 'self' data:",
    tokenEndpoint ? `connect-src 'self' ${connectSource(tokenEndpoint)}` : "connect-src 'self'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}

/** The policy without an identity provider. */
export const CONTENT_SECURITY_POLICY = contentSecurityPolicy();

function securityHeaders(policy = CONTENT_SECURITY_POLICY): Record<string, string> {
  return {
    'content-security-policy': policy,
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
    'x-frame-options': 'DENY',
    'cross-origin-opener-policy': 'same-origin',
    'cross-origin-resource-policy': 'same-origin',
  };
}

const ASSETS: Record<string, string> = {
  'app.js': 'text/javascript; charset=utf-8',
  'app.css': 'text/css; charset=utf-8',
};

/**
 * The explorer's own bundle (GraphiQL, React), built when GraphiQL is installed: in development it runs any query
 * and reads the schema by introspection; in production it offers the approved operations only, with the schema
 * built in (production answers no introspection).
 */
const EXPLORER_ASSETS: Record<string, string> = {
  'explorer.js': 'text/javascript; charset=utf-8',
  'explorer.css': 'text/css; charset=utf-8',
};

const DEMO_ROLES: readonly Role[] = ['isa-officer', 'municipal-clerk', 'jlis-operator', 'analyst', 'auditor', 'resident'];

type Route = (req: IncomingMessage, body: string, res: ServerResponse) => Promise<void>;

/**
 * The console's routes for the gateway's HTTP server (exact paths): the page, its built assets, the explorer, the
 * public keys and, in development, the demo sign-in. Nothing at all when the console is off, so every /console path
 * answers 404 like any unknown path.
 */
export function consoleRoutes(options: ConsoleOptions, production: boolean): Record<string, Route> {
  if (production && options.demoTokens) throw new Error('The console never signs demo tokens in production');
  if (!(options.enabled ?? !production)) return {};
  const page = Buffer.from(PAGE);
  // The provider as far as it is known: a page served while it cannot be reached offers only the pasted token.
  const provider = async (): Promise<SignInProvider | 'unreachable' | undefined> => options.signIn?.().catch(() => 'unreachable' as const);
  const get = (body: Buffer | ((signIn: SignInProvider | 'unreachable' | undefined) => Buffer), type: string): Route => async (req, _body, res) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return send(res, 405, 'text/plain', 'Method not allowed');
    const signIn = await provider();
    const bytes = typeof body === 'function' ? body(signIn) : body;
    const policy = contentSecurityPolicy(typeof signIn === 'object' ? signIn.tokenEndpoint : undefined);
    writeHead(res, 200, { ...securityHeaders(policy), 'content-type': type, 'content-length': String(bytes.length), 'cache-control': 'no-cache' });
    res.end(req.method === 'HEAD' ? undefined : bytes);
  };
  const routes: Record<string, Route> = {
    '/console': get(page, 'text/html; charset=utf-8'),
    '/console/': get(page, 'text/html; charset=utf-8'),
    // Read per request: in development the authorities make their keys when they first start.
    '/console/setup.json': get(
      (signIn) => Buffer.from(JSON.stringify({ keys: options.publicKeys?.() ?? {}, demoSignIn: Boolean(options.demoTokens), explorer: explorer(production), ...(signIn ? { signIn } : {}) })),
      'application/json',
    ),
  };
  for (const [name, type] of Object.entries({ ...ASSETS, ...EXPLORER_ASSETS })) routes[`/console/${name}`] = get(asset(name), type);
  routes['/console/explorer'] = get(Buffer.from(EXPLORER_PAGE), 'text/html; charset=utf-8');
  const { demoTokens } = options;
  if (demoTokens) routes['/console/demo-token'] = (req, body, res) => demoToken(req, body, res, demoTokens);
  return routes;
}

async function demoToken(req: IncomingMessage, body: string, res: ServerResponse, sign: NonNullable<ConsoleOptions['demoTokens']>): Promise<void> {
  // A JSON body only: a cross-site form cannot send one without a preflight this server never answers.
  if (req.method !== 'POST' || !String(req.headers['content-type'] ?? '').startsWith('application/json')) {
    return send(res, 405, 'text/plain', 'POST application/json');
  }
  let request: DemoTokenRequest;
  try {
    request = JSON.parse(body) as DemoTokenRequest;
  } catch {
    return send(res, 400, 'text/plain', 'Not JSON');
  }
  const { role, municipality, myNumber } = request;
  const ok =
    DEMO_ROLES.includes(role) &&
    (role !== 'municipal-clerk' || /^[0-9]{6}$/.test(municipality ?? '')) &&
    (role !== 'resident' || /^[0-9]{12}$/.test(myNumber ?? ''));
  if (!ok) return send(res, 400, 'text/plain', 'A demo role (a clerk with a municipality code, a resident with a My Number)');
  const token = await sign({ role, ...(role === 'municipal-clerk' ? { municipality } : {}), ...(role === 'resident' ? { myNumber } : {}) });
  send(res, 200, 'application/json', JSON.stringify({ token }));
}

/**
 * Which explorer the console offers: ad-hoc queries in development, the approved operations in production (the
 * only ones the safelist lets through), none when the bundle was built without GraphiQL (`npm ci --omit=dev`).
 */
function explorer(production: boolean): 'free' | 'approved' | false {
  if (!existsSync(join(CONSOLE_DIST, 'explorer.js'))) return false;
  return production ? 'approved' : 'free';
}

function send(res: ServerResponse, status: number, type: string, body: string): void {
  writeHead(res, status, { ...securityHeaders(), 'content-type': `${type}; charset=utf-8`, 'cache-control': 'no-store' });
  res.end(body);
}

/** A built asset, read once when first asked for (a gateway whose console was not built still starts). */
function asset(name: string): () => Buffer {
  let bytes: Buffer | undefined;
  return () => {
    const path = join(CONSOLE_DIST, name);
    if (!bytes && !existsSync(path)) throw new Error(`The console is not built (${path} is missing): run npm run build:console`);
    return (bytes ??= readFileSync(path));
  };
}

const EXPLORER_PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Explorer</title>
<link rel="stylesheet" href="/console/explorer.css">
<link rel="stylesheet" href="/console/app.css">
<script src="/console/explorer.js" defer></script>
</head>
<body>
<main id="explorer" class="explorer"></main>
</body>
</html>
`;

const PAGE = `<!doctype html>
<html lang="ja">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>在留カード コンソール</title>
<link rel="stylesheet" href="/console/app.css">
<script src="/console/app.js" defer></script>
</head>
<body>
<div id="app"><noscript>JavaScript is needed for the console.</noscript></div>
</body>
</html>
`;
