import { parse, type GraphQLSchema, type OperationDefinitionNode } from 'graphql';
import { AuditTrail } from '../audit';
import type { Authority } from '../../../runtime/authority';
import { systemDay, type SubgraphDeps } from '../subgraph';
import { resumeBulkLoadTriggers } from './bulkLoad';
import { StatisticsCube, type FactSource } from './cube';
import { installRecordKeySecret } from './recordKey';
import { PURE_TYPES } from './resolver';
import { writeAnswer } from './writeAnswer';
import { YearEndSnapshots } from './trend';

/**
 * Starts serving an authority's statistics: repairs a bulk load that stopped half-way (its triggers left
 * paused), gives the database the record key secret (recounting once if its key sums were made without it),
 * reads every count, follows the changes, and keeps the year-end snapshots. Ages are counted at the end of the
 * clock's year.
 */
export async function startStatistics(authority: Authority, deps: SubgraphDeps, facts: FactSource): Promise<StatisticsCube> {
  await resumeBulkLoadTriggers(authority, deps.db, false);
  if (!deps.statisticsKey) throw new Error(`${authority}: statistics need the record key secret (SubgraphDeps.statisticsKey)`);
  await installRecordKeySecret(deps.db, deps.statisticsKey, facts.columns);
  const clock = deps.clock ?? systemDay;
  const cube = new StatisticsCube(deps.db, facts, { referenceYear: () => Number(clock().slice(0, 4)) });
  await cube.start();
  cube.yearEnds = new YearEndSnapshots(deps.db, facts);
  await cube.yearEnds.start(clock);
  return cube;
}

/**
 * How often the warm-up writes its answers. The engine optimises the writing of a cell only after some thousands
 * of cells: written once, a large table's first real ask ran the writer half-optimised.
 */
const WARM_UP_ROUNDS = 4;

/**
 * Warms a built subgraph's statistics up before it serves: the cube answers a spread of tables
 * (StatisticsCube.warmUp), then a few answers are written through the subgraph's own schema (the field guard,
 * the resolver, labels and the answer writer, with the coordinates written once each as requests' answers are),
 * WARM_UP_ROUNDS times, and every table they made is forgotten, so the first queries do not run that code in the
 * interpreter. All in the process: no request, no plugin, nothing logged or kept.
 */
export async function warmUpStatistics(schema: GraphQLSchema, cube: StatisticsCube, field: string, deps: SubgraphDeps): Promise<void> {
  cube.warmUp();
  const today = (deps.clock ?? systemDay)();
  const operation = parse(
    `query ($g: [StatisticsDimension!]!, $f: StatisticsFilter) { ${field}(groupBy: $g, filter: $f) { total dimensions referenceYear asOf ` +
      'disclosureControl { threshold suppressedCells method } trend { year takenOn total } ' +
      'cells { key { dimension code label ja: label(language: "ja") } count share suppressed } } }',
  ).definitions[0] as OperationDefinitionNode;
  const held = cube.heldDimensions();
  const principal = { sub: 'statistics-warm-up', role: 'analyst', agency: 'none', purpose: 'statistics', requestId: 'statistics-warm-up' };
  for (let round = 0; round < WARM_UP_ROUNDS; round++) {
    for (let i = 0; i < held.length; i++) {
      const context = { principal, statistics: cube, today, audit: new AuditTrail(), statisticsUsed: [], keptResponse: undefined };
      const g = [held[i], held[(i + 1) % held.length]];
      await writeAnswer(schema, operation, { g, f: {} }, context, PURE_TYPES);
    }
  }
  cube.forgetTables();
}
