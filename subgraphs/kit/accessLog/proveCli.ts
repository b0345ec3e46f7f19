import { join } from 'node:path';
import { loadManifest } from '../../../gateway/persisted/safelist';
import { issueDevToken } from '../../../gateway/tokenCli';
import { parseMyNumber } from '../../../schema/identifiers';
import type { Authority } from '../../../runtime/authority';
import { keysDir, publicKeyFile, type VerifyingKey } from '../../../runtime/keys';
import { gatewayUrl, reachable, unreachable } from '../../../runtime/runningSystem';
import type { ProvidedEntry } from '../../../schema/accessProof';
import { verifyEntry } from './prove';

const AUTHORITIES: Authority[] = ['immigration', 'registry', 'mynumber'];
const FIELD: Record<Authority, string> = { immigration: 'immigrationAccessHistory', registry: 'registryAccessHistory', mynumber: 'jlisAccessHistory' };

function usage(message: string): never {
  console.error(`${message}\nUsage: npm run audit:prove -- --my-number N [--token RESIDENT_TOKEN]`);
  process.exit(2);
}

/**
 * `npm run audit:prove -- --my-number N`: fetches the person's whole access history through the gateway (the
 * approved AccessHistory operation, with the resident's token: `--token`, or a development token from DATA_DIR)
 * and checks every entry offline against the authorities' public keys (`<AUTHORITY>_PUBLIC_KEY_FILE`, or the
 * development keys in DATA_DIR): in a checkpoint of its authority's log, cosigned by the other two.
 */
async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const option = (name: string) => {
    const i = args.indexOf(name);
    return i >= 0 ? args[i + 1] : undefined;
  };
  for (const a of args) if (a.startsWith('--') && !['--my-number', '--token'].includes(a)) usage(`Unknown option ${a}`);
  const parsed = parseMyNumber(option('--my-number') ?? '');
  if (!parsed.ok) usage('--my-number must be a valid My Number');
  const myNumber = parsed.value;
  const env = process.env;
  const dataDir = env.DATA_DIR ?? '.data';
  const token = option('--token') ?? (await issueDevToken({ role: 'resident', myNumber, dataDir }));
  const keys: Partial<Record<Authority, VerifyingKey>> = {};
  for (const a of AUTHORITIES) {
    const file = env[`${a.toUpperCase()}_PUBLIC_KEY_FILE`] ?? join(keysDir(dataDir), `${a}.public.jwk`);
    // Every key the authority published: a history entry may be proven by a checkpoint signed before a rotation.
    keys[a] = publicKeyFile(file);
  }
  // The gateway of the system npm start runs on DATA_DIR, as the other commands find it.
  const url = gatewayUrl(env);
  if (!(await reachable(url))) {
    console.error(unreachable('the gateway', url, env));
    process.exit(1);
  }
  const op = loadManifest().operations.find((o) => o.name === 'AccessHistory')!;
  let failed = false;
  for (const authority of AUTHORITIES) {
    const counts = { proven: 0, 'not-yet-covered': 0, 'awaiting-cosignature': 0, invalid: 0 };
    let after: string | null = null;
    for (;;) {
      const only = Object.fromEntries(AUTHORITIES.map((a) => [a === 'mynumber' ? 'jlis' : a, a === authority]));
      const res = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify({
          variables: { myNumber, first: 200, ...only, [`${authority === 'mynumber' ? 'jlis' : authority}After`]: after },
          extensions: { persistedQuery: { version: 1, sha256Hash: op.id } },
        }),
      });
      const body = (await res.json()) as { data?: { person: Record<string, { entries: ProvidedEntry[]; endCursor: string | null; hasNextPage: boolean }> | null }; errors?: Array<{ message: string }> };
      if (!res.ok || body.errors || !body.data?.person) {
        console.error(`${authority}: could not read the history (${res.status}: ${body.errors?.[0]?.message ?? 'no such person'})`);
        process.exit(2);
      }
      const page = body.data.person[FIELD[authority]]!;
      for (const entry of page.entries) {
        const result = await verifyEntry(entry, myNumber, keys);
        counts[result.verdict]++;
        if (result.verdict === 'invalid') {
          failed = true;
          console.log(`${authority}: INVALID entry at ${entry.at} (${entry.role}, ${entry.action}): ${result.reason}`);
        }
      }
      if (!page.hasNextPage) break;
      after = page.endCursor;
    }
    console.log(
      `${authority}: ${counts.proven} entries proven in checkpoints cosigned by the other two authorities; ${counts['awaiting-cosignature']} awaiting a cosignature; ${counts['not-yet-covered']} not yet in a checkpoint; ${counts.invalid} invalid`,
    );
  }
  process.exitCode = failed ? 1 : 0;
}

void main().catch((err: Error) => {
  console.error(err.message);
  process.exit(2);
});
