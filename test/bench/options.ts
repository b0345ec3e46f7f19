/** The command line of `npm run bench`: its options, their defaults in the full run and in --quick, and --help. */
import { parseArgs } from 'node:util';
import { CONTENDERS, type ContenderName } from './contenders';
import type { ScenarioName } from './scenarios';

export function readOptions(args: string[] = process.argv.slice(2)) {
  const { values } = parseArgs({
    args,
    options: {
      quick: { type: 'boolean', default: false },
      persons: { type: 'string' },
      duration: { type: 'string' },
      warmup: { type: 'string' },
      connections: { type: 'string' },
      contenders: { type: 'string' },
      scenarios: { type: 'string' },
      changes: { type: 'string' },
      rounds: { type: 'string' },
      'fixed-rate': { type: 'boolean' },
      'no-fixed-rate': { type: 'boolean', default: false },
      profile: { type: 'boolean' },
      'no-profile': { type: 'boolean', default: false },
      'profile-subgraphs': { type: 'boolean', default: false },
      'profile-scenario': { type: 'string', default: 'unified' },
      'profile-rate': { type: 'string' },
      'access-log-duration': { type: 'string' },
      postgres: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    console.log(`Usage: npm run bench [-- --quick] [--persons N] [--duration S] [--warmup S] [--connections C]
       [--contenders this,apolloGateway,hiveGateway,hiveGatewayRust,grafbaseRust,floor,floorAudited,floorSubgraphs]
       [--scenarios unified,batch,statistics,verify,propagation,access-log] [--access-log-duration S]
       [--changes N] [--rounds R] [--fixed-rate | --no-fixed-rate] [--profile | --no-profile] [--profile-subgraphs]
       [--profile-scenario unified|batch] [--profile-rate RPS]
       [--postgres]   (a throwaway PostgreSQL cluster with fsync on, when no *_DATABASE_URL is set)`);
    process.exit(0);
  }
  const quick = values.quick!;
  const unknown = values.contenders?.split(',').filter((name) => !(CONTENDERS as readonly string[]).includes(name));
  if (unknown?.length) throw new Error(`--contenders: no contender ${unknown.map((name) => JSON.stringify(name)).join(', ')} (known: ${CONTENDERS.join(', ')})`);
  const profileScenario = values['profile-scenario']!;
  if (profileScenario !== 'unified' && profileScenario !== 'batch') throw new Error(`--profile-scenario must be unified or batch, not ${JSON.stringify(profileScenario)}`);
  const profileRate = values['profile-rate'] === undefined ? undefined : Number(values['profile-rate']);
  if (profileRate !== undefined && !(Number.isInteger(profileRate) && profileRate > 0)) throw new Error(`--profile-rate must be a whole number of requests per second, not ${JSON.stringify(values['profile-rate'])}`);
  return {
    quick,
    // --quick must stay under two minutes, seeding its snapshot included (the first run, and after a change to
    // what is seeded): seeding time grows with the persons, so --quick seeds few.
    persons: Number(values.persons ?? process.env.SEED_PERSONS ?? (quick ? 1000 : 20_000)),
    durationSec: Number(values.duration ?? (quick ? 2 : 15)),
    // This gateway reaches its steady state only after some seconds of load (JIT): the full run warms each
    // contender before its first round, so it compares running gateways rather than fresh ones.
    warmupSec: Number(values.warmup ?? (quick ? 0.5 : 15)),
    connections: Number(values.connections ?? 16),
    // Each cell's measured time split into rounds, the contenders taking turns (in reverse order every other round), so
    // a slow spell of this shared machine falls on every contender instead of on whichever was measured then.
    rounds: Math.max(1, Number(values.rounds ?? (quick ? 1 : 3))),
    // CPU per request also at one request rate for every contender (measureAtFixedRate): in the full run by default.
    fixedRate: values['no-fixed-rate'] ? false : (values['fixed-rate'] ?? !quick),
    contenders: (values.contenders?.split(',') ?? [...CONTENDERS]) as ContenderName[],
    scenarios: (values.scenarios?.split(',') ?? ['unified', 'batch', 'statistics', 'verify', 'propagation', 'access-log']) as ScenarioName[],
    // Per store and writer count, after one warm-up per store.
    accessLogSec: Number(values['access-log-duration'] ?? (quick ? 2 : 5)),
    postgres: values.postgres!,
    changes: Number(values.changes ?? (quick ? 20 : 1000)),
    // The gateway profile is a separate run with its own warm-up: in the full run by default, in --quick on request.
    profile: values['no-profile'] ? false : (values.profile ?? !quick),
    profileSubgraphs: values['profile-subgraphs']!,
    /** The load the profiles (this gateway's and the subgraphs') are taken under; it must be among --scenarios. */
    profileScenario: profileScenario as 'unified' | 'batch',
    /**
     * The request rate the gateway's profile is taken at (default: full load). At a fixed rate a request pays for
     * wake-ups and timers that full load shares between requests, which the fixed-rate comparison measures.
     */
    profileRate,
    seed: 1,
    asOf: new Date().toISOString().slice(0, 10),
  };
}
export type Options = ReturnType<typeof readOptions>;

/** How long the shared subgraphs are loaded before a scenario's first contender is measured. */
// None in --quick, which must stay under two minutes.
export const subgraphWarmupSec = (opts: Options) => (opts.quick ? 0 : 20);
