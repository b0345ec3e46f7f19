import { resumeBulkLoadTriggers } from '../../../seeds/load';
import type { Authority } from '../database';
import type { SubgraphDeps } from '../subgraph';
import { StatisticsCube, type FactSource } from './cube';
import { YearEndSnapshots } from './trend';

/**
 * Starts serving an authority's statistics: repairs a bulk load that stopped half-way (its triggers left
 * paused), reads every count, follows the changes, and keeps the year-end snapshots. Ages are counted at the end of the clock's year.
 */
export async function startStatistics(authority: Authority, deps: SubgraphDeps, facts: FactSource): Promise<StatisticsCube> {
  await resumeBulkLoadTriggers(authority, deps.db, false);
  const clock = deps.clock ?? (() => new Date().toISOString().slice(0, 10));
  const cube = new StatisticsCube(deps.db, facts, { referenceYear: () => Number(clock().slice(0, 4)) });
  await cube.start();
  cube.warmUp();
  cube.yearEnds = new YearEndSnapshots(deps.db, facts);
  await cube.yearEnds.start(clock);
  return cube;
}
