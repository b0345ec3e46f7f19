import { createHash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { DataSource } from 'typeorm';
import { AUDIT_VERIFY_PATH } from '../../schema/internalPaths';
import type { Authority } from './database';
import { HttpError } from './http';
import type { VerifyCaller } from './internalSignature';

export interface ChainReport {
  authority: Authority;
  rows: number;
  /** The id of the first row whose hash or link does not hold, or null when the chain is whole. */
  firstBrokenId: number | null;
  reason: string | null;
}

interface LogRow {
  id: number;
  canonical: string;
  prevHash: string;
  hash: string;
}

const PAGE = 10_000;

/**
 * Recomputes every row's hash outside the database (sha256 of the previous hash and the row's canonical text)
 * and checks each row links to the one before it, and the chain head to the last row.
 */
export async function verifyChain(db: DataSource, authority: Authority): Promise<ChainReport> {
  let previous: string | null = null;
  let after = 0;
  let rows = 0;
  for (;;) {
    const page: LogRow[] = await db.query(
      `SELECT id, concat_ws('|', id::text, to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
                            request_id, principal, role, agency, provider, coalesce(subject, ''),
                            array_to_string(items, ','), purpose, action, outcome) AS canonical,
              prev_hash AS "prevHash", hash
       FROM access_log WHERE id > $1 ORDER BY id LIMIT ${PAGE}`,
      [after],
    );
    for (const row of page) {
      // The oldest remaining row anchors the chain (older rows may have been purged after their retention).
      if (previous !== null && row.prevHash !== previous) {
        return { authority, rows, firstBrokenId: row.id, reason: 'does not link to the row before it' };
      }
      const expected = createHash('sha256').update(`${row.prevHash}|${row.canonical}`, 'utf8').digest('hex');
      if (expected !== row.hash) return { authority, rows, firstBrokenId: row.id, reason: 'content does not match its hash' };
      previous = row.hash;
      rows++;
    }
    if (page.length < PAGE) break;
    after = page.at(-1)!.id;
  }
  const [{ head }] = (await db.query(`SELECT hash AS head FROM access_log_head WHERE id = 1`)) as [{ head: string }];
  if (previous !== null && head !== previous) {
    return { authority, rows, firstBrokenId: null, reason: 'rows after the last one present were removed' };
  }
  return { authority, rows, firstBrokenId: null, reason: null };
}

/** Internal endpoint for `npm run audit:verify` (signed by the authority's own key). */
export function auditVerifyRoute(db: DataSource, authority: Authority, verify: VerifyCaller) {
  return {
    [AUDIT_VERIFY_PATH]: async (req: IncomingMessage, body: string, res: ServerResponse) => {
      if ((await verify(req, body)).caller !== authority) throw new HttpError(403, 'FORBIDDEN', 'Only the authority itself verifies its log');
      const report = await verifyChain(db, authority);
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(report));
    },
  };
}

/** Removes access-log rows older than the retention period (default 7 years), oldest first. */
export async function purgeAccessLog(db: DataSource, retentionDays: number): Promise<number> {
  const [{ removed }] = (await db.query(`SELECT purge_access_log(now() - ($1 || ' days')::interval) AS removed`, [
    String(retentionDays),
  ])) as [{ removed: number }];
  return removed;
}
