import type { DataSource } from 'typeorm';

/**
 * Removes the access log's oldest leaves once they are past the retention period (default 7 years): whole leaves,
 * below the size of the newest checkpoint signed before the cut-off, so every leaf removed was appended before it
 * and no leaf is removed early. The cut-off is computed here from the retention period; the tree's node hashes stay,
 * so every later checkpoint and proof can still be checked.
 */
export async function purgeAccessLog(db: DataSource, retentionDays: number): Promise<number> {
  const [cut] = (await db.query(
    `SELECT size::bigint AS size FROM access_log_checkpoint WHERE at < now() - make_interval(days => $1) ORDER BY size DESC LIMIT 1`,
    [retentionDays],
  )) as Array<{ size: string }>;
  if (!cut) return 0;
  const [{ removed }] = (await db.query(`SELECT purge_access_log_below($1) AS removed`, [cut.size])) as [{ removed: string }];
  return Number(removed);
}
