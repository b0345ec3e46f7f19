import type { DataSource } from 'typeorm';

/**
 * Removes the access log's oldest leaves once they are past the retention period (default 7 years): whole leaves,
 * below the size of the newest checkpoint signed before the cut-off that a witness cosigned, so every leaf removed
 * was appended before it, no leaf is removed early, and a witness holds a tree that covers what was removed. The
 * cut-off is computed here from the retention period; the tree's node hashes stay, so every later checkpoint and
 * proof can still be checked.
 */
export async function purgeAccessLog(db: DataSource, retentionDays: number): Promise<number> {
  const [cut] = (await db.query(
    `SELECT size::bigint AS size FROM access_log_checkpoint
     WHERE at < now() - make_interval(days => $1) AND cosignatures <> '{}' ORDER BY size DESC LIMIT 1`,
    [retentionDays],
  )) as Array<{ size: string }>;
  if (!cut) return 0;
  const [{ removed }] = (await db.query(`SELECT purge_access_log_below($1) AS removed`, [cut.size])) as [{ removed: string }];
  return Number(removed);
}

/** `ACCESS_LOG_CHECKPOINTS_DENSE_HOURS` when unset: every checkpoint of the last day is kept. */
export const DEFAULT_DENSE_HOURS = 24;

/**
 * Checkpoints come every second while rows are added: 86,400 a day in the log, twice that in each witness. Past
 * `denseHours`, an hour's checkpoints are thinned to the newest one, and in the log also to the newest one a witness
 * cosigned (the one a retention purge and a witness's next consistency proof start from). A thinned checkpoint
 * proves nothing the kept newer one does not: each tree contains the earlier ones, and the witnesses checked the
 * consistency of every step when they cosigned. Leaves and nodes are never touched here.
 */
export async function thinCheckpoints(db: DataSource, denseHours: number): Promise<{ log: number; witnessed: number }> {
  const [log] = (await db.query(
    `WITH gone AS (DELETE FROM access_log_checkpoint WHERE size IN (
       SELECT size FROM (
         SELECT size, at, max(size) OVER hour AS newest, max(size) FILTER (WHERE cosignatures <> '{}') OVER hour AS newest_cosigned
         FROM access_log_checkpoint WINDOW hour AS (PARTITION BY date_trunc('hour', at))
       ) c
       WHERE at < now() - make_interval(hours => $1) AND size <> newest AND size IS DISTINCT FROM newest_cosigned)
     RETURNING 1) SELECT count(*)::int AS n FROM gone`,
    [denseHours],
  )) as Array<{ n: number }>;
  const [witnessed] = (await db.query(
    `WITH gone AS (DELETE FROM access_log_witnessed WHERE (origin, size) IN (
       SELECT origin, size FROM (
         SELECT origin, size, at, max(size) OVER (PARTITION BY origin, date_trunc('hour', at)) AS newest FROM access_log_witnessed
       ) w
       WHERE at < now() - make_interval(hours => $1) AND size <> newest)
     RETURNING 1) SELECT count(*)::int AS n FROM gone`,
    [denseHours],
  )) as Array<{ n: number }>;
  return { log: log!.n, witnessed: witnessed!.n };
}
