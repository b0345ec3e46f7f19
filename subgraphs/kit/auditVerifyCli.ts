import { AUDIT_VERIFY_PATH } from '../../schema/internalPaths';
import type { Authority } from './database';
import { eventsOptionsFor } from './eventRoutes';
import { callInternal } from './internalCall';
import type { ChainReport } from './auditVerify';
import { keysDir } from './keys';
import { DEFAULT_PORTS } from './ports';

const AUTHORITIES: Authority[] = ['immigration', 'registry', 'mynumber'];

/** `npm run audit:verify`: asks each running authority to check its access-log chain; exit 1 when any is broken. */
async function main(): Promise<void> {
  const env = process.env;
  let broken = false;
  for (const authority of AUTHORITIES) {
    const upper = authority.toUpperCase();
    const base = env[`${upper}_INTERNAL_URL`] ?? `http://127.0.0.1:${env[`${upper}_PORT`] ?? DEFAULT_PORTS[authority]}`;
    const { signingKey } = await eventsOptionsFor(authority, keysDir(env.DATA_DIR ?? '.data'), {}, env);
    const report = await callInternal<ChainReport>(authority, authority, base, AUDIT_VERIFY_PATH, {}, signingKey);
    if (report.reason) {
      broken = true;
      const where = report.firstBrokenId === null ? 'at the end of the chain' : `at row ${report.firstBrokenId}`;
      console.log(`${authority}: BROKEN ${where}: ${report.reason} (${report.rows} rows verified before it)`);
    } else {
      console.log(`${authority}: ok, ${report.rows} rows, chain intact`);
    }
  }
  process.exitCode = broken ? 1 : 0;
}

void main().catch((err: Error) => {
  console.error(err.message);
  process.exit(2);
});
