import type { IncomingMessage, ServerResponse } from 'node:http';
import type { CryptoKey } from 'jose';
import type { DataSource } from 'typeorm';
import { AUDIT_VERIFY_PATH } from '../../schema/internalPaths';
import { originOf, parseCheckpoint, verifyText } from './accessLog/checkpoint';
import { DEFAULT_RETENTION_DAYS, verifyLog, type LogReport, type WitnessClaim, type WitnessedTree } from './accessLog/verify';
import { WITNESSED_PATH, type WitnessedAnswer, type WitnessedCheckpoint } from './accessLog/witnessed';
import type { Authority } from '../../runtime/authority';
import { HttpError } from '../../runtime/http';
import { callInternal } from './internalCall';
import type { VerifyingKey } from '../../runtime/keys';
import type { VerifyCaller } from './internalSignature';

/** What `npm run audit:verify` sends the log: the retention period to hold it to, and the witnesses' copies. */
export interface AuditVerifyRequest {
  retentionDays?: number;
  witnessed?: WitnessClaim[];
}

/** Internal endpoint for `npm run audit:verify`: the log's self-check (only the authority itself may ask). */
export function auditVerifyRoute(
  db: DataSource,
  authority: Authority,
  verify: VerifyCaller,
  keys: Partial<Record<Authority, VerifyingKey>>,
  checkpointEveryMs?: number,
) {
  return {
    [AUDIT_VERIFY_PATH]: async (req: IncomingMessage, body: string, res: ServerResponse) => {
      if ((await verify(req, body)).caller !== authority) throw new HttpError(403, 'FORBIDDEN', 'Only the authority itself verifies its log');
      const ask = JSON.parse(body || '{}') as AuditVerifyRequest;
      const retentionDays = ask.retentionDays ?? DEFAULT_RETENTION_DAYS;
      if (!Number.isSafeInteger(retentionDays) || retentionDays < 0) throw new HttpError(400, 'BAD_REQUEST', 'retentionDays must be a whole number of days');
      const report = await verifyLog(db, authority, { keys, retentionDays, checkpointEveryMs, witnessed: Array.isArray(ask.witnessed) ? ask.witnessed : [] });
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(report));
    },
  };
}

/** One authority's log as `audit:verify` found it. */
export interface LogAudit {
  authority: Authority;
  /** The log's self-check (null when the authority could not be asked). */
  report: LogReport | null;
  /** Everything wrong: the log's own findings, then the witnesses'. Empty when all is well. */
  problems: string[];
  /** The line `audit:verify` prints. */
  line: string;
}

export interface AuditOptions {
  authorities: Authority[];
  /** Each authority's internal base URL. */
  urls: Record<Authority, string>;
  /** Each audited authority's own key: it signs the calls made for its log. */
  signingKeys: Partial<Record<Authority, { kid: string; privateKey: CryptoKey }>>;
  /** Every authority's public key. */
  publicKeys: Partial<Record<Authority, VerifyingKey>>;
  retentionDays: number;
  /** Per call; a large log takes a while to check. */
  timeoutMs?: number;
}

/**
 * `npm run audit:verify`: for each authority, asks the other two (its witnesses) what they cosigned of its log and
 * what they refused, checks the log's signature on their copies, then has the log check itself and those copies.
 * A log rebuilt or rolled back with its own key passes its self-check; the witnesses' copies, kept in other
 * databases, are what catch it.
 */
export async function auditAccessLogs(options: AuditOptions): Promise<LogAudit[]> {
  const audits: LogAudit[] = [];
  for (const authority of options.authorities) {
    const signingKey = options.signingKeys[authority];
    const logKey = options.publicKeys[authority];
    if (!signingKey || !logKey) throw new Error(`No key for ${authority}`);
    const problems: string[] = [];
    const claims: WitnessClaim[] = [];
    const cosigned = (witness: Authority, c: WitnessedCheckpoint | null) => copyOf(witness, c, authority, logKey, problems);
    for (const witness of options.authorities.filter((a) => a !== authority)) {
      try {
        const answer = await callInternal<WitnessedAnswer>(
          authority,
          witness,
          options.urls[witness],
          WITNESSED_PATH,
          { origin: originOf(authority), retentionDays: options.retentionDays },
          signingKey,
          options.timeoutMs,
        );
        claims.push({ witness, latest: await cosigned(witness, answer.latest), beforeCut: await cosigned(witness, answer.beforeCut) });
        const { count, latest } = answer.refused;
        if (latest) problems.push(`${witness} refused ${count} checkpoint${count === 1 ? '' : 's'} of this log, the latest at ${latest.at}: ${latest.reason}`);
      } catch (err) {
        problems.push(`witness ${witness} could not be asked: ${(err as Error).message}`);
      }
    }
    let report: LogReport | null = null;
    try {
      const ask: AuditVerifyRequest = { retentionDays: options.retentionDays, witnessed: claims };
      report = await callInternal<LogReport>(authority, authority, options.urls[authority], AUDIT_VERIFY_PATH, { ...ask }, signingKey, options.timeoutMs);
      problems.unshift(...report.problems);
    } catch (err) {
      problems.unshift(`the log could not be checked: ${(err as Error).message}`);
    }
    audits.push({ authority, report, problems, line: lineOf(authority, report, problems) });
  }
  return audits;
}

/** A witness's copy of a checkpoint, once the log's signature on it verifies. */
async function copyOf(
  witness: Authority,
  copy: WitnessedCheckpoint | null,
  authority: Authority,
  logKey: VerifyingKey,
  problems: string[],
): Promise<WitnessedTree | null> {
  if (!copy) return null;
  try {
    const note = parseCheckpoint(copy.note);
    if (note.origin === originOf(authority) && (await verifyText(copy.note, copy.signature, logKey))) {
      return { size: note.size, root: note.root.toString('base64') };
    }
  } catch {
    // Not a note: reported below like a note the log did not sign.
  }
  problems.push(`${witness} holds a checkpoint of this log that the log did not sign`);
  return null;
}

function lineOf(authority: Authority, report: LogReport | null, problems: string[]): string {
  if (problems.length > 0 || !report) return `${authority}: WRONG: ${problems.join('; ')}`;
  const leaves = report.leaves === 0 ? 'no leaves' : `leaves ${report.first}..${report.first + report.leaves - 1}`;
  const latest = report.latest;
  const cosigned = latest ? `, latest (size ${latest.size}) cosigned by ${latest.cosignedBy.length > 0 ? latest.cosignedBy.join(' and ') : 'nobody yet'}` : '';
  return `${authority}: ok, size ${report.size}, ${leaves}, ${report.checkpoints} checkpoints${cosigned}`;
}
