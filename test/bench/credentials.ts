/**
 * What the benchmark's callers present: a staff and an analyst token and a partner API key for this gateway,
 * and the pre-signed principals (principals.ts) the peers forward to the subgraphs in their place.
 */
import { join } from 'node:path';
import { ApiKeyStore, apiKeysFile } from '../../gateway/auth/apiKeys';
import { issueDevToken } from '../../gateway/tokenCli';
import { signBenchPrincipals, writePrincipals, type PrincipalTokens } from './principals';

export interface Credentials {
  staffToken: string;
  analystToken: string;
  apiKey: string;
  /** The pre-signed principals, for a peer to which the client sends them itself (grafbaseRust). */
  principals: PrincipalTokens;
}

/** Creates the callers' credentials in the subgraphs' data directory; the principals go to `principalsFile`. */
export async function benchCredentials(dataDir: string): Promise<{ credentials: Credentials; tokens: PrincipalTokens; principalsFile: string }> {
  const { key: apiKey, stored } = new ApiKeyStore(apiKeysFile({ DATA_DIR: dataDir })).create({
    partner: 'Benchmark partner',
    scopes: ['card:verify'],
    // The benchmark measures the check, not the limiter: far above anything it can send.
    ratePerMinute: 1_000_000_000,
    expiresOn: null,
  });
  const principalsFile = join(dataDir, 'bench-principals.json');
  const tokens = await signBenchPrincipals(dataDir, { id: stored.id, name: stored.partner });
  writePrincipals(principalsFile, tokens);
  // The development issuer's default lifetime (8 h): the gateway refuses staff tokens that live longer than 12 h.
  const credentials = {
    staffToken: await issueDevToken({ role: 'isa-officer', dataDir }),
    analystToken: await issueDevToken({ role: 'analyst', dataDir }),
    apiKey,
    principals: tokens,
  };
  return { credentials, tokens, principalsFile };
}
