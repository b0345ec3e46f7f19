/**
 * `stats:verify`: the counts an authority maintains incrementally, and the copy it serves from memory, against
 * a full recount of its records. Any difference is a defect (a write path the triggers missed, a lost change).
 * The counts compared are the true ones, before perturbation; each cell's key sum is compared the same way.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { STATS_VERIFY_PATH } from '../../../schema/internalPaths';
import type { Authority } from '../../../runtime/authority';
import { HttpError } from '../../../runtime/http';
import type { VerifyCaller } from '../internalSignature';
import { inBatches } from './batches';
import type { StatisticsCube } from './cube';

export interface StatisticsReport {
  authority: Authority;
  /** Persons in the full recount. */
  recounted: number;
  /** Persons in the maintained counts, and in the served copy. */
  maintained: number;
  served: number;
  /** Detailed cells compared. */
  cells: number;
  /** The first differences (key, recount, maintained, served; a key sum that differs is reported as `keySum`). */
  differences: Array<{ key: string; recount: number; maintained: number; served: number; keySum?: { recount: number; maintained: number; served: number } }>;
}

/** Compares the maintained table `cube.source.table` and the cube's copy with `GROUP BY` over `factView`. */
export async function verifyStatistics(authority: Authority, cube: StatisticsCube, factView: string): Promise<StatisticsReport> {
  const { table, columns, countColumn, keyColumn } = cube.source;
  const list = columns.join(', ');
  // One snapshot for the recount, the maintained counts and the served copy, so a change committed meanwhile (an
  // event arriving from another authority) cannot show up as a difference.
  // The cells (1.6 million at national scale) are compared a batch at a time, never all held at once.
  return cube.atSnapshot(async (m) => {
    const report: StatisticsReport = { authority, recounted: 0, maintained: 0, served: 0, cells: 0, differences: [] };
    await inBatches<RecountRow>(
      m,
      `SELECT ${columns.map((c) => `coalesce(r.${c}::text, m.${c}::text) AS ${c}`).join(', ')},
              coalesce(r.n, 0)::int AS recount, coalesce(m.${countColumn}, 0)::int AS maintained,
              coalesce(r.k, 0)::text AS recount_key, coalesce(m.${keyColumn}, 0)::text AS maintained_key
       FROM (SELECT ${list}, count(*) AS n, sum(record_key) % 4294967296 AS k FROM ${factView} GROUP BY ${list}) r
       FULL JOIN (SELECT * FROM ${table} WHERE ${countColumn} > 0) m USING (${list})`,
      (rows) => compareCells(report, cube, columns, rows),
    );
    return finish(report, cube);
  });
}

/** One cell of the recount beside the maintained count, as read in the snapshot. */
type RecountRow = Record<string, unknown> & { recount: number; maintained: number; recount_key: string; maintained_key: string };

/** Each cell's recount against its maintained count and the served copy, added to `report`. */
function compareCells(report: StatisticsReport, cube: StatisticsCube, columns: readonly string[], rows: RecountRow[]): void {
  report.cells += rows.length;
  for (const row of rows) {
    const values = columns.map((c) => String(row[c]));
    const served = cube.count(values);
    report.recounted += row.recount;
    report.maintained += row.maintained;
    report.served += served;
    // Key sums compared as unsigned 32-bit numbers (the served copy holds them as Int32).
    const keySum = { recount: Number(row.recount_key), maintained: Number(row.maintained_key), served: cube.keySum(values) >>> 0 };
    const keysDiffer = keySum.recount !== keySum.maintained || keySum.recount !== keySum.served;
    if (row.recount !== row.maintained || row.recount !== served || keysDiffer) {
      if (report.differences.length < 20) {
        report.differences.push({ key: values.join('/'), recount: row.recount, maintained: row.maintained, served, ...(keysDiffer ? { keySum } : {}) });
      }
    }
  }
}

/** What the cells alone cannot show: cells only in the served copy, and the summaries against their detail. */
function finish(report: StatisticsReport, cube: StatisticsCube): StatisticsReport {
  // Cells the copy holds that neither table has.
  const servedTotal = cube.total();
  if (servedTotal !== report.served && report.differences.length < 20) {
    report.differences.push({ key: '(cells only in the served copy)', recount: 0, maintained: 0, served: servedTotal - report.served });
  }
  report.served = servedTotal;
  // The coarser copies queries are added up from, against the detail they summarise.
  for (const d of cube.summaryDifferences(20 - report.differences.length)) {
    report.differences.push({ key: `(summary ${d.summary}) ${d.key}`, recount: d.detail, maintained: d.detail, served: d.summaryCount });
  }
  return report;
}

/** The internal endpoint `npm run stats:verify` calls, signed by the authority itself. */
export function statisticsVerifyRoute(
  authority: Authority,
  cube: StatisticsCube,
  factView: string,
  verify: VerifyCaller,
) {
  return {
    [STATS_VERIFY_PATH]: async (req: IncomingMessage, body: string, res: ServerResponse) => {
      if ((await verify(req, body)).caller !== authority) throw new HttpError(403, 'FORBIDDEN', 'Only the authority itself verifies its counts');
      const report = await verifyStatistics(authority, cube, factView);
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(report));
    },
  };
}
