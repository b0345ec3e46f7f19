/**
 * Pre-signed, long-lived principals for the peers: the same claims our gateway signs per request
 * (runtime/principal.ts), one token per subgraph because each subgraph checks the audience.
 * `signPrincipal` has a fixed 60-second lifetime, so the same token is built here with jose and a longer one.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { SignJWT } from 'jose';
import { agencyOf, purposeFor } from '../../gateway/auth/agency';
import type { Authority } from '../../runtime/authority';
import { keysDir, loadOrCreateKeyPair } from '../../runtime/keys';
import { PRINCIPAL_HEADER, PRINCIPAL_ISSUER, type Principal } from '../../runtime/principal';

export { PRINCIPAL_HEADER };

/** Who a benchmark request is made as: the client names it in this header to the peers (which do not authenticate). */
export const BENCH_CALLER_HEADER = 'x-bench-caller';
export type BenchCaller = 'officer' | 'partner' | 'analyst';
export type PrincipalTokens = Record<BenchCaller, Record<Authority, string>>;

/**
 * For a peer whose header rules cannot pick a token by the caller (grafbaseRust, contenders/grafbase.ts): the
 * client sends the caller's pre-signed principal for each subgraph in this header, which the peer renames.
 */
export const forwardedPrincipalHeader = (authority: Authority) => `x-principal-${authority}`;

const AUTHORITIES: Authority[] = ['mynumber', 'registry', 'immigration'];

/** Signs the officer's and the partner's principal for each subgraph with the gateway key under `dataDir`. */
export async function signBenchPrincipals(dataDir: string, partner: { id: string; name: string }, ttl = '24h'): Promise<PrincipalTokens> {
  const key = await loadOrCreateKeyPair(keysDir(dataDir), 'gateway');
  const callers: Record<BenchCaller, Principal> = {
    officer: { sub: 'bench-officer', role: 'isa-officer', agency: agencyOf('isa-officer'), purpose: purposeFor('isa-officer', undefined), requestId: 'bench-officer' },
    analyst: { sub: 'bench-analyst', role: 'analyst', agency: agencyOf('analyst'), purpose: purposeFor('analyst', undefined), requestId: 'bench-analyst' },
    partner: {
      sub: `partner:${partner.id}`,
      role: 'partner',
      agency: `partner:${partner.name}`,
      scopes: ['card:verify'],
      purpose: purposeFor('partner', undefined),
      requestId: 'bench-partner',
    },
  };
  const tokens = {} as PrincipalTokens;
  for (const [caller, principal] of Object.entries(callers) as Array<[BenchCaller, Principal]>) {
    tokens[caller] = {} as Record<Authority, string>;
    for (const audience of AUTHORITIES) {
      tokens[caller][audience] = await new SignJWT({ ...principal })
        .setProtectedHeader({ alg: 'EdDSA', kid: key.kid })
        .setIssuer(PRINCIPAL_ISSUER)
        .setAudience(audience)
        .setIssuedAt()
        .setExpirationTime(ttl)
        .sign(key.privateKey);
    }
  }
  return tokens;
}

export function writePrincipals(file: string, tokens: PrincipalTokens): void {
  writeFileSync(file, JSON.stringify(tokens), { mode: 0o600 });
}

/** In a contender process: the tokens the orchestrator wrote (BENCH_PRINCIPALS). */
export function readPrincipals(): PrincipalTokens {
  return JSON.parse(readFileSync(process.env.BENCH_PRINCIPALS!, 'utf8')) as PrincipalTokens;
}

/** The caller a request names (officer unless it says partner). */
export function callerOf(value: string | string[] | null | undefined): BenchCaller {
  return value === 'partner' || value === 'analyst' ? value : 'officer';
}
