/**
 * `npm run bench [-- --quick]`: this gateway against its peers, side by side in one run over the same
 * subgraph processes and data, then the lifecycle propagation, then the access log's appends. Writes
 * test/bench/results/latest.json and latest.md, and prints the comparison table. See docs/performance.md.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { join } from 'node:path';
import { measureAccessLog } from './accessLog';
import { measureScenario } from './compare';
import { CONTENDER_TITLES, startContender, type RunningContender } from './contenders';
import { benchCredentials } from './credentials';
import { LoadGenerator } from './loadGenerator';
import { readOptions, subgraphWarmupSec } from './options';
import { ensurePeers, peerVersions } from './peers';
import { memoryMb } from './proc';
import { profileSubgraphs, profileThis, subgraphProfileArgs } from './profiling';
import { propagationScenario, startPropagationStack } from './propagation';
import { configuredServers, startPostgres } from './postgres';
import { writeReport } from './report';
import { RESULTS_DIR, round, type BenchResults } from './results';
import { buildScenarios, samplePopulation, type LoadScenario } from './scenarios';
import { AUTHORITIES, databaseKind, ROOT, startSubgraphs } from './stack';
import { SubgraphDirect } from './subgraphDirect';

async function main(): Promise<void> {
  const opts = readOptions();
  if (opts.postgres && databaseKind === 'pglite') return runOnOwnPostgres();
  const started = Date.now();
  // Only PostgreSQL whose commits wait for the disk, as in production: its settings go into the report.
  const postgres = databaseKind === 'postgresql' ? await configuredServers() : undefined;
  mkdirSync(RESULTS_DIR, { recursive: true });
  const logDir = join(RESULTS_DIR, 'logs');
  rmSync(logDir, { recursive: true, force: true });
  rmSync(join(RESULTS_DIR, 'profile'), { recursive: true, force: true });
  mkdirSync(logDir, { recursive: true });

  const floorKind = databaseKind === 'postgresql' ? 'sql' : 'subgraph-direct';
  const loadScenarios = opts.scenarios.filter(
    (s): s is LoadScenario['name'] => s === 'unified' || s === 'batch' || s === 'verify' || s === 'statistics',
  );
  // The peers' package holds the load generator (autocannon) too; installed before their versions are read.
  if (loadScenarios.length > 0) ensurePeers();

  const results: BenchResults = {
    meta: {
      startedAt: new Date().toISOString(),
      command: `npm run bench${process.argv.length > 2 ? ` -- ${process.argv.slice(2).join(' ')}` : ''}`,
      quick: opts.quick,
      database: databaseKind,
      persons: opts.persons,
      seed: opts.seed,
      connections: opts.connections,
      durationSec: opts.durationSec,
      warmupSec: opts.warmupSec,
      rounds: opts.rounds,
      subgraphWarmupSec: subgraphWarmupSec(opts),
      node: process.version,
      cpus: `${cpus().length} x ${cpus()[0]?.model ?? '?'}`,
      memoryGb: round(totalmem() / 2 ** 30, 1),
      loadAverageAtStart: loadavg().map((x) => round(x, 2)),
      floor: floorKind,
      postgres,
      versions: peerVersions(),
    },
    scenarios: {},
    contenders: {},
    processes: {},
  };

  // The lifecycle propagation is measured first, on an in-process stack of its own that seeds while the subgraph
  // processes start (each takes seconds), and is stopped before any contender starts: while it is measured, the
  // only other processes are the idle subgraphs.
  const propagationStack = opts.scenarios.includes('propagation') ? startPropagationStack(opts) : undefined;
  const measurePropagationNow = async () => {
    if (!propagationStack) return;
    const inProcess = await propagationStack;
    try {
      results.scenarios.propagation = await propagationScenario(opts, inProcess);
    } finally {
      await inProcess.stop();
    }
  };
  if (loadScenarios.length > 0) {
    console.log(`Starting the three subgraphs on ${databaseKind} with ${opts.persons} generated persons (separate processes)...`);
    const stack = await startSubgraphs({
      persons: opts.persons,
      seed: opts.seed,
      asOf: opts.asOf,
      logDir,
      cacheDir: join(RESULTS_DIR, '.cache'),
      nodeArgs: opts.profileSubgraphs ? subgraphProfileArgs() : undefined,
    }).catch(async (err: unknown) => {
      await propagationStack?.then((inProcess) => inProcess.stop()).catch(() => undefined);
      throw err;
    });
    const running: RunningContender[] = [];
    const load = new LoadGenerator();
    try {
      console.log(`Subgraphs ready after ${((Date.now() - started) / 1000).toFixed(0)} s.`);
      await measurePropagationNow();
      console.log(`Preparing credentials and expected answers, starting the contenders (after ${((Date.now() - started) / 1000).toFixed(0)} s)...`);
      const { credentials, tokens, principalsFile } = await benchCredentials(stack.dataDir);

      // The contenders start while the expected answers are computed (both take seconds; neither needs the other).
      const setup = { dataDir: stack.dataDir, subgraphUrls: stack.urls, principalsFile, logDir, floorKind, databaseUrls: stack.databaseUrls } as const;
      const starting = Promise.all(
        opts.contenders.map(async (name) => {
          results.contenders[name] = { title: CONTENDER_TITLES[name], available: false };
          try {
            running.push(await startContender(name, setup));
            results.contenders[name]!.available = true;
          } catch (err) {
            results.contenders[name]!.reason = (err as Error).message;
            console.log(`  ${name} did not start: ${(err as Error).message.split('\n')[0]}`);
          }
        }),
      );
      const direct = new SubgraphDirect(stack.urls, tokens);
      const persons = samplePopulation({ seed: opts.seed, persons: opts.persons, asOf: opts.asOf }, 2000);
      const scenarios = await buildScenarios(persons, direct)
        .then((all) => all.filter((s) => loadScenarios.includes(s.name)))
        .finally(() => direct.close())
        // Whatever started is stopped with the others below.
        .catch(async (err: unknown) => {
          await starting;
          throw err;
        });
      await starting;
      console.log(`Contenders up after ${((Date.now() - started) / 1000).toFixed(0)} s: ${running.map((c) => c.name).join(', ')}. Load: ${opts.connections} connections, ${opts.warmupSec} s warm-up + ${opts.durationSec} s per scenario and contender.`);

      const ctx = { stack, credentials, opts, load, floorKind };
      for (const scenario of scenarios) results.scenarios[scenario.name] = await measureScenario(scenario, ctx, running, results.contenders);

      // Evidence that the Rust planner is what Hive ran with: its native addon is mapped into the process.
      const rust = running.find((r) => r.name === 'hiveGatewayRust');
      if (rust) {
        const maps = readFileSync(`/proc/${rust.pid}/maps`, 'utf8');
        results.contenders.hiveGatewayRust!.rustPlannerLoaded = maps.includes('hive_router_query_planner');
      }
      for (const c of running) {
        results.contenders[c.name]!.peakRssMb = round(memoryMb(c.pid, 'VmHWM'), 1);
        results.processes[c.name] = { peakRssMb: round(memoryMb(c.pid, 'VmHWM'), 1) };
      }
      for (const a of AUTHORITIES) results.processes[`subgraph:${a}`] = { peakRssMb: round(memoryMb(stack.pids[a], 'VmHWM'), 1) };

      // The profiles are taken under one scenario's load (--profile-scenario), which must have been run.
      const profiled = scenarios.find((s) => s.name === opts.profileScenario);
      const thisGateway = running.find((c) => c.name === 'this');
      if ((opts.profile || opts.profileSubgraphs) && !profiled) console.log(`No profile: the ${opts.profileScenario} scenario (--profile-scenario) was not run.`);
      if (opts.profileSubgraphs && profiled && thisGateway) {
        console.log(`Profiling the subgraphs under the ${profiled.name} load through this gateway...`);
        results.subgraphProfiles = await profileSubgraphs(profiled, ctx, thisGateway);
      }
      for (const c of running.splice(0)) await c.stop();

      if (opts.profile && profiled && opts.contenders.includes('this')) {
        console.log(`Profiling this gateway (--cpu-prof) under the ${profiled.name} load...`);
        results.profile = await profileThis(profiled, { ...ctx, setup });
      }
    } finally {
      load.close();
      for (const c of running) await c.stop();
      await stack.stop();
    }
  } else {
    await measurePropagationNow();
  }

  // Last, with nothing else running: the access log's appends, on PostgreSQL (fsync on) and on PGlite.
  if (opts.scenarios.includes('access-log')) {
    const { results: cells, conditions } = await measureAccessLog({
      durationSec: opts.accessLogSec,
      warmupSec: opts.quick ? 0.5 : 1,
      resultsDir: RESULTS_DIR,
    });
    results.accessLog = cells;
    results.meta.accessLog = conditions;
  }

  results.meta.finishedAt = new Date().toISOString();
  results.meta.elapsedSec = round((Date.now() - started) / 1000, 0);
  results.meta.loadAverageAtEnd = loadavg().map((x) => round(x, 2));
  writeReport(results, opts.quick);
}

/**
 * `--postgres` with no *_DATABASE_URL: the whole run again in a child process, on a throwaway cluster with fsync
 * on (postgres.ts) that the three URLs name; the cluster is removed when the child exits.
 */
async function runOnOwnPostgres(): Promise<void> {
  console.log('Starting a throwaway PostgreSQL cluster (fsync on) under test/bench/results/.postgres/...');
  const pg = await startPostgres(join(RESULTS_DIR, '.postgres'));
  try {
    const env = { ...process.env, IMMIGRATION_DATABASE_URL: pg.url, REGISTRY_DATABASE_URL: pg.url, MYNUMBER_DATABASE_URL: pg.url };
    // --postgres stays in the arguments (so the report shows the command), and the URLs make the child run on them.
    const child = spawn(process.execPath, ['--import', 'tsx', __filename, ...process.argv.slice(2)], { cwd: ROOT, env, stdio: 'inherit' });
    // Stopped, the child stops first (and its subgraphs), then the cluster goes.
    const forward = (signal: NodeJS.Signals) => child.kill(signal);
    process.on('SIGINT', forward).on('SIGTERM', forward);
    process.exitCode = await new Promise<number>((resolve) => child.once('exit', (code) => resolve(code ?? 1)));
  } finally {
    await pg.stop();
  }
}

void main().catch((err: Error) => {
  console.error(err);
  process.exit(1);
});
