/**
 * `npm run seed -- --persons N [--seed S] [--as-of yyyy-mm-dd] [--authority A] [--reset]`: loads the personas and
 * N generated persons into each authority's database, found as the subgraphs find it (`<AUTHORITY>_DATABASE_URL`,
 * else the embedded database under `DATA_DIR`, default `.data`).
 */
import { parseArgs } from 'node:util';
import { MultiBar, Presets } from 'cli-progress';
import { isIsoDate } from '../schema/dates';
import type { Authority } from '../runtime/authority';
import { openDatabase, type DatabaseOptions } from '../subgraphs/kit/database';
import { createMetrics } from '../runtime/metrics';
import { databasesInUse } from '../runtime/runningSystem';
import { migrations as immigrationMigrations } from '../subgraphs/immigration/migrations';
import { migrations as myNumberMigrations } from '../subgraphs/mynumber/migrations';
import { migrations as registryMigrations } from '../subgraphs/registry/migrations';
import { populationSize } from './generate';
import { countPersons, loadAuthorities, seedPersons, truncateAuthority, type LoadTarget } from './load';
import { personas } from './personas';

const MIGRATIONS: Record<Authority, DatabaseOptions['migrations']> = {
  immigration: immigrationMigrations,
  registry: registryMigrations,
  mynumber: myNumberMigrations,
};
const AUTHORITIES = Object.keys(MIGRATIONS) as Authority[];

/** Exit code when the databases are in use by a running system and nothing was written. */
const IN_USE_EXIT = 3;

const USAGE =
  'usage: npm run seed -- --persons N [--seed S] [--as-of yyyy-mm-dd] [--authority immigration|registry|mynumber] [--reset] [--without-personas]';

/** The command line, checked. */
export function parseSeedArgs(args: string[]): {
  persons: number;
  seed: number;
  asOf: string;
  authorities: Authority[];
  reset: boolean;
  withPersonas: boolean;
} {
  const { values } = parseArgs({
    args,
    options: {
      persons: { type: 'string', default: '10000' },
      seed: { type: 'string', default: '1' },
      'as-of': { type: 'string', default: '2026-11-28' },
      authority: { type: 'string' },
      reset: { type: 'boolean', default: false },
      // The published population alone (e.g. 3,768,977 for the national statistics), without the demo persons.
      'without-personas': { type: 'boolean', default: false },
    },
    strict: true,
  });
  const persons = Number(values.persons);
  const seed = Number(values.seed);
  const asOf = values['as-of'];
  if (!Number.isSafeInteger(persons) || persons < 0) throw new Error(`--persons must be a whole number\n${USAGE}`);
  if (!Number.isSafeInteger(seed)) throw new Error(`--seed must be an integer\n${USAGE}`);
  if (!isIsoDate(asOf)) throw new Error(`--as-of must be a date yyyy-mm-dd\n${USAGE}`);
  const authority = values.authority;
  if (authority !== undefined && !AUTHORITIES.includes(authority as Authority)) throw new Error(`unknown authority ${authority}\n${USAGE}`);
  return { persons, seed, asOf, authorities: authority ? [authority as Authority] : AUTHORITIES, reset: values.reset, withPersonas: !values['without-personas'] };
}

async function main(): Promise<void> {
  const { persons, seed, asOf, authorities, reset, withPersonas } = parseSeedArgs(process.argv.slice(2));
  const env = process.env;
  const dataDir = env.DATA_DIR ?? '.data';
  const inUse = await databasesInUse(authorities, env);
  if (inUse) {
    console.error(inUse);
    process.exit(IN_USE_EXIT);
  }
  const statements = createMetrics('seed').dbStatements;
  const expected = (withPersonas ? personas().length : 0) + populationSize(persons);
  const started = performance.now();
  const targets: LoadTarget[] = [];
  try {
    for (const authority of authorities) {
      const url = env[`${authority.toUpperCase()}_DATABASE_URL`] || undefined;
      const dataSource = await openDatabase({ authority, url, dataDir, migrations: MIGRATIONS[authority], statements });
      targets.push({ authority, dataSource });
      if (reset) await truncateAuthority(authority, dataSource);
      const existing = await countPersons(authority, dataSource);
      if (existing > 0) throw new Error(`${authority} already holds ${existing} persons; add --reset to replace them`);
      console.log(`${authority}: ${url ? url.replace(/\/\/[^@/]*@/, '//***@') : `embedded database in ${dataDir}/${authority}`}`);
    }

    // Progress bars on a terminal; in logs (CI) only the summary.
    const bars = process.stdout.isTTY
      ? new MultiBar({ format: '{authority} {bar} {percentage}% {value}/{total} eta {eta_formatted}', barsize: 30, hideCursor: true }, Presets.shades_classic)
      : null;
    const bar = new Map(targets.map(({ authority }) => [authority, bars?.create(expected, 0, { authority: authority.padEnd(11) })]));
    const loadStarted = performance.now();
    await loadAuthorities(targets, seedPersons({ seed, persons, asOf }, { personas: withPersonas }), (authority, n) => bar.get(authority)?.update(n));
    bars?.stop();
    const loadSeconds = (performance.now() - loadStarted) / 1000;
    const seconds = (performance.now() - started) / 1000;
    console.log(
      `seeded ${expected} persons (${persons} generated + ${withPersonas ? 'personas and ' : ''}the other classes; seed ${seed}, as of ${asOf}) ` +
        `into ${authorities.join(', ')}: loaded in ${loadSeconds.toFixed(1)} s, ${Math.round(expected / loadSeconds)} persons/s ` +
        `(${seconds.toFixed(1)} s with opening the databases)`,
    );
  } finally {
    for (const { dataSource } of targets) await dataSource.destroy();
  }
}

if (require.main === module) {
  main().catch((err: unknown) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  });
}
