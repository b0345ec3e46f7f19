import { STATS_VERIFY_PATH } from '../../../schema/internalPaths';
import { eventsOptionsFor } from '../eventRoutes';
import { callInternal } from '../internalCall';
import { keysDir } from '../../../runtime/keys';
import { internalUrl, unreachable } from '../../../runtime/runningSystem';
import { STATISTICS_AUTHORITIES } from './recordKey';
import type { StatisticsReport } from './verify';

/**
 * `npm run stats:verify`: asks each running authority to recount its records in full and compare the recount with
 * the counts it maintains and the copy it serves; exit 1 on any difference.
 */
async function main(): Promise<void> {
  const env = process.env;
  let differs = false;
  for (const authority of STATISTICS_AUTHORITIES) {
    const base = internalUrl(authority, env);
    const { signingKey } = await eventsOptionsFor(authority, keysDir(env.DATA_DIR ?? '.data'), {}, env);
    const started = performance.now();
    // A full recount at national scale takes a while: up to STATS_VERIFY_TIMEOUT_S (default 600 s).
    const timeoutMs = Number(env.STATS_VERIFY_TIMEOUT_S ?? 600) * 1000;
    const report = await callInternal<StatisticsReport>(authority, authority, base, STATS_VERIFY_PATH, {}, signingKey, timeoutMs).catch(
      (err: Error & { extensions?: { code?: string } }) => {
        throw err.extensions?.code === 'AUTHORITY_UNAVAILABLE' ? new Error(unreachable(authority, base, env)) : err;
      },
    );
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    if (report.differences.length > 0) {
      differs = true;
      console.log(`${authority}: DIFFERS in ${report.differences.length}+ cells (recount ${report.recounted}, maintained ${report.maintained}, served ${report.served})`);
      for (const d of report.differences) console.log(`  ${d.key}: recount ${d.recount}, maintained ${d.maintained}, served ${d.served}`);
    } else {
      console.log(`${authority}: ok, ${report.recounted} persons in ${report.cells} cells, maintained and served counts equal a full recount (${seconds} s)`);
    }
  }
  process.exitCode = differs ? 1 : 0;
}

void main().catch((err: Error) => {
  console.error(err.message);
  process.exit(2);
});
