import { DEFAULT_RETENTION_DAYS } from './accessLog/verify';
import { auditAccessLogs, type AuditOptions } from './auditVerify';
import type { Authority } from '../../runtime/authority';
import { eventsOptionsFor } from './eventRoutes';
import { keysDir } from '../../runtime/keys';
import { internalUrl, reachable, unreachable } from '../../runtime/runningSystem';

const AUTHORITIES: Authority[] = ['immigration', 'registry', 'mynumber'];

/**
 * `npm run audit:verify`: checks each running authority's access log against its own signed checkpoints and the
 * copies its witnesses cosigned; one line per authority, exit 1 when anything is wrong.
 */
async function main(): Promise<void> {
  const env = process.env;
  const options: AuditOptions = {
    authorities: AUTHORITIES,
    urls: {} as Record<Authority, string>,
    signingKeys: {},
    publicKeys: {},
    retentionDays: Number(env.ACCESS_LOG_RETENTION_DAYS ?? DEFAULT_RETENTION_DAYS),
    timeoutMs: 600_000,
  };
  for (const authority of AUTHORITIES) {
    options.urls[authority] = internalUrl(authority, env);
    // Said first and plainly; the audit below still reports what it could check.
    if (!(await reachable(options.urls[authority]))) console.error(unreachable(authority, options.urls[authority], env));
    const { signingKey, producerKeys } = await eventsOptionsFor(authority, keysDir(env.DATA_DIR ?? '.data'), {}, env);
    options.signingKeys[authority] = signingKey;
    options.publicKeys[authority] = producerKeys[authority];
  }
  const audits = await auditAccessLogs(options);
  for (const audit of audits) console.log(audit.line);
  process.exitCode = audits.some((a) => a.problems.length > 0) ? 1 : 0;
}

void main().catch((err: Error) => {
  console.error(err.message);
  process.exit(2);
});
