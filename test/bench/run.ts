/**
 * `npm run bench [-- --quick]`: this gateway against its peers, side by side in one run over the same
 * subgraph processes and data, then the lifecycle propagation, then the access log's appends. Writes
 * test/bench/results/latest.json and latest.md, and prints the comparison table. See docs/performance.md.
 */
import { fork, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { ApiKeyStore, apiKeysFile } from '../../gateway/auth/apiKeys';
import { issueDevToken } from '../../gateway/tokenCli';
import { startStack, type Stack } from '../harness';
import { measureAccessLog, type AccessLogResults } from './accessLog';
import { CONTENDER_TITLES, CONTENDERS, startContender, tail, type ContenderName, type RunningContender } from './contenders';
import type { LoadConfig, LoadResult } from './load';
import { cpuMs, cpuTimes, memoryMb, sampleRss } from './proc';
import { summarizeProfile, type ProfileSummary } from './profile';
import { measurePropagation, type PropagationResult } from './propagation';
import { configuredServers, startPostgres } from './postgres';
import { signBenchPrincipals, writePrincipals } from './principals';
import { printTables, writeMarkdown } from './report';
import { combineRounds } from './rounds';
import { buildScenarios, headersFor, samplePopulation, SCENARIO_TITLES, type LoadScenario, type ScenarioName } from './scenarios';
import { AUTHORITIES, databaseKind, ROOT, startSubgraphs, type SubgraphStack } from './stack';
import type { Authority } from '../../subgraphs/kit/database';
import { SubgraphDirect } from './subgraphDirect';
import { sampleWaitEvents, type WaitEventCounts } from './waitEvents';

const BENCH_DIR = __dirname;
const RESULTS = join(BENCH_DIR, 'results');
const PEERS = join(BENCH_DIR, 'peers');

/** One contender's figures in one scenario (the fields every consumer of latest.json may rely on come first). */
export interface Figures {
  rps: number | null;
  p50Ms: number | null;
  p99Ms: number | null;
  errors: number | null;
  incorrect: number | null;
  gatewayCpuMsPerRequest: number | null;
  requests?: number;
  sqlStatementsPerRequest?: number | null;
  /** Peak resident memory during the measurement, MiB, per process (the contender and each subgraph). */
  peakRssMb?: Record<string, number>;
  /** This contender's figure divided by each other contender's (rps: > 1 is faster; p99 and CPU: < 1 is better). */
  ratios?: Record<string, { rps: number | null; p99Ms: number | null; gatewayCpuMsPerRequest: number | null; gatewayCpuMsPerRequestAtFixedRate?: number | null }>;
  /** Why there are no figures, when there are none. */
  note?: string;
  sampleIncorrect?: string;
  [extra: string]: unknown;
}

export type ScenarioResult = { title: string; note?: string } & Partial<Record<ContenderName, Figures>>;

export interface BenchResults {
  meta: Record<string, unknown>;
  scenarios: Partial<Record<ScenarioName, ScenarioResult>>;
  contenders: Record<string, { title: string; available: boolean; reason?: string; peakRssMb?: number; [k: string]: unknown }>;
  processes: Record<string, { peakRssMb: number }>;
  profile?: ProfileSummary & { scenario: string; command: string; note?: string };
  subgraphProfiles?: Array<ProfileSummary & { authority: string }>;
  /** `accessLog.<store>.<writers>`: appends to one authority's log (accessLog.ts); its conditions in `meta.accessLog`. */
  accessLog?: AccessLogResults;
}

function options() {
  const { values } = parseArgs({
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
      'access-log-duration': { type: 'string' },
      postgres: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    console.log(`Usage: npm run bench [-- --quick] [--persons N] [--duration S] [--warmup S] [--connections C]
       [--contenders this,apolloGateway,hiveGateway,hiveGatewayRust,floor,floorAudited]
       [--scenarios unified,batch,statistics,verify,propagation,access-log] [--access-log-duration S]
       [--changes N] [--rounds R] [--fixed-rate | --no-fixed-rate] [--profile | --no-profile] [--profile-subgraphs]
       [--postgres]   (a throwaway PostgreSQL cluster with fsync on, when no *_DATABASE_URL is set)`);
    process.exit(0);
  }
  const quick = values.quick!;
  return {
    quick,
    // --quick must stay under two minutes, seeding its snapshot included (the first run, and after a change to
    // what is seeded): 1,000 persons seed in about half the time 2,000 take.
    persons: Number(values.persons ?? process.env.SEED_PERSONS ?? (quick ? 1000 : 20_000)),
    durationSec: Number(values.duration ?? (quick ? 2 : 15)),
    // This gateway reaches its steady state after about 10 s of load (JIT; measured over PostgreSQL subgraphs,
    // 4 s rounds after a 3 s warm-up: 2.53, 1.67, 1.31, 1.22 ms of CPU per request): the full run warms each
    // contender for 15 s before its first round, so it compares running gateways rather than fresh ones.
    warmupSec: Number(values.warmup ?? (quick ? 0.5 : 15)),
    connections: Number(values.connections ?? 16),
    // Each cell's measured time split into rounds, the contenders taking turns (in reverse order every other round), so
    // a slow spell of this shared machine falls on every contender instead of on whichever was measured then.
    rounds: Math.max(1, Number(values.rounds ?? (quick ? 1 : 3))),
    // CPU per request also at one request rate for every contender (measureAtFixedRate): in the full run by default.
    fixedRate: values['no-fixed-rate'] ? false : (values['fixed-rate'] ?? !quick),
    contenders: (values.contenders?.split(',') ?? [...CONTENDERS]) as ContenderName[],
    scenarios: (values.scenarios?.split(',') ?? ['unified', 'batch', 'statistics', 'verify', 'propagation', 'access-log']) as ScenarioName[],
    // Per store and writer count, after one warm-up per store (6 cells: about 40 s in the full run, 15 s in --quick).
    accessLogSec: Number(values['access-log-duration'] ?? (quick ? 2 : 5)),
    postgres: values.postgres!,
    changes: Number(values.changes ?? (quick ? 20 : 1000)),
    // The gateway profile is a separate run of about 10 s: in the full run by default, in --quick on request.
    profile: values['no-profile'] ? false : (values.profile ?? !quick),
    profileSubgraphs: values['profile-subgraphs']!,
    seed: 1,
    asOf: new Date().toISOString().slice(0, 10),
  };
}
type Options = ReturnType<typeof options>;

/** The peers live in their own package: installed on first use (and again when its lockfile changes). */
function ensurePeers(): void {
  const lock = join(PEERS, 'package-lock.json');
  const installedLock = join(PEERS, 'node_modules', '.package-lock.json');
  const wanted = JSON.parse(readFileSync(join(PEERS, 'package.json'), 'utf8')) as { dependencies: Record<string, string> };
  const missing = Object.entries(wanted.dependencies).filter(([name, version]) => {
    const file = join(PEERS, 'node_modules', name, 'package.json');
    return !existsSync(file) || (JSON.parse(readFileSync(file, 'utf8')) as { version: string }).version !== version;
  });
  if (missing.length === 0 && existsSync(installedLock)) return;
  console.log(`Installing the benchmark peers into test/bench/peers (${missing.map(([n]) => n).join(', ') || 'lockfile changed'}; once, ~500 MB)...`);
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const args = existsSync(lock) ? ['ci', '--prefix', PEERS] : ['install', '--prefix', PEERS];
  const r = spawnSync(npm, [...args, '--no-audit', '--no-fund', '--loglevel=error'], { stdio: 'inherit', cwd: ROOT });
  if (r.status !== 0) throw new Error('npm could not install the benchmark peers (test/bench/peers)');
}

function peerVersions(): Record<string, string> {
  const version = (dir: string, name: string) => {
    try {
      return (JSON.parse(readFileSync(join(dir, 'node_modules', name, 'package.json'), 'utf8')) as { version: string }).version;
    } catch {
      return 'not installed';
    }
  };
  return {
    '@apollo/gateway': version(ROOT, '@apollo/gateway'),
    '@apollo/server': version(ROOT, '@apollo/server'),
    '@graphql-hive/gateway': version(PEERS, '@graphql-hive/gateway'),
    '@graphql-hive/gateway-runtime': version(PEERS, '@graphql-hive/gateway-runtime'),
    '@graphql-hive/router-runtime': version(PEERS, '@graphql-hive/router-runtime'),
    '@graphql-hive/router-query-planner': version(PEERS, '@graphql-hive/router-query-planner'),
    autocannon: version(PEERS, 'autocannon'),
  };
}

/** The load generator: one process for the whole run, given one job per scenario and contender. */
class LoadGenerator {
  private readonly child = fork(join(BENCH_DIR, 'load.ts'), [], { execArgv: ['--import', 'tsx'], cwd: ROOT, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });

  /** Warm-up, then (after `before` has read the counters) the measured run. */
  run(config: LoadConfig, before: () => Promise<void>): Promise<{ warm?: LoadResult; result: LoadResult }> {
    return new Promise((resolve, reject) => {
      let warm: LoadResult | undefined;
      const onExit = (code: number | null) => reject(new Error(`the load generator exited (${code})`));
      const onMessage = (m: { phase: 'warm' | 'done' | 'failed'; result: LoadResult; error?: string }) => {
        if (m.phase === 'warm') {
          warm = m.result;
          void before().then(() => this.child.send({ type: 'go' }));
          return;
        }
        this.child.off('message', onMessage);
        this.child.off('exit', onExit);
        if (m.phase === 'failed') reject(new Error(m.error));
        else resolve({ warm, result: m.result });
      };
      this.child.on('message', onMessage);
      this.child.once('exit', onExit);
      this.child.send({ type: 'job', config });
    });
  }

  close(): void {
    if (this.child.connected) this.child.disconnect();
  }
}

const round = (x: number, digits = 2) => Math.round(x * 10 ** digits) / 10 ** digits;

/** How long the shared subgraphs are loaded before a scenario's first contender is measured. */
// None in --quick, which must stay under two minutes (each warm-up costs about 10 s with its settling).
const SUBGRAPH_WARMUP_SEC = (opts: Options) => (opts.quick ? 0 : 20);

/** The scenario's load through one contender, figures discarded: it warms the subgraphs for everyone. */
async function warmSubgraphs(contender: RunningContender, scenario: LoadScenario, ctx: Parameters<typeof measure>[2], seconds: number): Promise<void> {
  await settle(ctx.stack, ctx.opts.quick ? 100 : 250);
  await ctx.load.run(
    {
      url: contender.url,
      connections: ctx.opts.connections,
      durationSec: 1,
      warmupSec: seconds,
      headers: headersFor(contender.name, scenario.caller, ctx.credentials),
      bodies: scenario.bodies,
      expected: scenario.expected,
    },
    async () => undefined,
  );
}

/** One scenario against one running contender. */
/**
 * One round of a scenario against one running contender: `1 / rounds` of the cell's measured time, after the
 * full warm-up in the first round and a one-second one in the others. SQL per request is counted in the first.
 */
async function measure(
  contender: RunningContender,
  scenario: LoadScenario,
  ctx: { stack: SubgraphStack; credentials: { staffToken: string; analystToken: string; apiKey: string }; opts: Options; load: LoadGenerator; floorKind: string },
  turn: { index: number; series: string; rate?: number } = { index: 0, series: '' },
): Promise<Figures> {
  // A batch request costs a hundred lookups: twice the time, for a comparable number of requests (not in --quick,
  // which must stay under two minutes).
  const cellSec = scenario.name === 'batch' && !ctx.opts.quick ? 2 * ctx.opts.durationSec : ctx.opts.durationSec;
  const config: LoadConfig = {
    url: contender.url,
    connections: ctx.opts.connections,
    durationSec: Math.max(1, Math.round(cellSec / ctx.opts.rounds)),
    warmupSec: turn.index === 0 ? ctx.opts.warmupSec : Math.min(1, ctx.opts.warmupSec),
    headers: headersFor(contender.name, scenario.caller, ctx.credentials),
    bodies: scenario.bodies,
    expected: scenario.expected,
    series: turn.series || undefined,
    rate: turn.rate,
  };
  // The SQL floors read (and the honest one logs) on the databases themselves: their statements are counted by the
  // floor, not by the subgraphs.
  const sqlFloor = (contender.name === 'floor' || contender.name === 'floorAudited') && ctx.floorKind === 'sql';
  const floorCounts = async () => (await (await fetch(contender.url.replace('/graphql', '/statements'))).json()) as { statements: number; audit: number };
  const statementsNow = sqlFloor ? async () => (await floorCounts()).statements : () => ctx.stack.requestStatements();
  const auditNow = sqlFloor ? async () => (await floorCounts()).audit : () => ctx.stack.auditStatements();
  // Requests of the previous run may still be in the subgraphs: wait until they have drained.
  await settle(ctx.stack, ctx.opts.quick ? 100 : 250);
  // SQL per request, exactly: a few requests one at a time (under load, requests in flight at either end of
  // the run would blur the count). Once per cell.
  const probe = turn.index > 0 ? 0 : scenario.name === 'batch' ? 1 : 3;
  const probeBefore = await statementsNow();
  const auditBefore = await auditNow();
  for (let i = 0; i < probe; i++) {
    const res = await fetch(contender.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...config.headers },
      body: scenario.bodies[i % scenario.bodies.length],
    });
    await res.text();
  }
  // The access log is written as the response goes out: give the last one a moment.
  await new Promise((r) => setTimeout(r, 200));
  const sqlPerRequest = probe ? ((await statementsNow()) - probeBefore) / probe : null;
  const auditPerRequest = probe ? ((await auditNow()) - auditBefore) / probe : null;
  let cpuBefore = { userMs: 0, sysMs: 0, totalMs: 0 };
  let subgraphCpuBefore = 0;
  let stopSampling: (() => Record<string, number>) | undefined;
  // On PostgreSQL, under the unified-record load at full rate: what the authorities' sessions wait on.
  const databases = scenario.name === 'unified' && !turn.rate && ctx.stack.databaseUrls ? Object.values(ctx.stack.databaseUrls) : [];
  let stopWaits: (() => Promise<WaitEventCounts>) | undefined;
  const { warm, result } = await ctx.load.run(config, async () => {
    if (databases.length > 0) stopWaits = await sampleWaitEvents(databases[0]!, databases.map((u) => new URL(u).pathname.slice(1)));
    cpuBefore = cpuTimes(contender.pid);
    subgraphCpuBefore = AUTHORITIES.reduce((sum, a) => sum + cpuMs(ctx.stack.pids[a]), 0);
    stopSampling = sampleRss({ gateway: contender.pid, ...ctx.stack.pids });
  });
  const cpuAfter = cpuTimes(contender.pid);
  const subgraphCpu = AUTHORITIES.reduce((sum, a) => sum + cpuMs(ctx.stack.pids[a]), 0) - subgraphCpuBefore;
  const peak = stopSampling!();
  const waitEvents = await stopWaits?.();
  const n = Math.max(1, result.requests);
  return {
    rps: round(result.rps, 1),
    p50Ms: result.p50Ms,
    p99Ms: result.p99Ms,
    errors: result.errors,
    incorrect: result.incorrect,
    // Correct answers whose multi-byte characters autocannon split between TCP chunks (load.ts, splitCharactersOnly).
    splitDecoded: result.splitDecoded,
    gatewayCpuMsPerRequest: round((cpuAfter.totalMs - cpuBefore.totalMs) / n, 3),
    requests: result.requests,
    // User space (the gateway's own JavaScript) and kernel (mostly socket writes and reads to client and subgraphs).
    gatewayUserMsPerRequest: round((cpuAfter.userMs - cpuBefore.userMs) / n, 3),
    gatewaySysMsPerRequest: round((cpuAfter.sysMs - cpuBefore.sysMs) / n, 3),
    subgraphsCpuMsPerRequest: round(subgraphCpu / n, 3),
    sqlStatementsPerRequest: sqlPerRequest === null ? null : round(sqlPerRequest, 2),
    // The access-log writes the subgraphs make for the same requests (`source="audit"`), counted apart.
    auditStatementsPerRequest: auditPerRequest === null ? null : round(auditPerRequest, 2),
    waitEvents,
    peakRssMb: Object.fromEntries(Object.entries(peak).map(([k, v]) => [k, round(v, 1)])),
    warmup: warm ? { requests: warm.requests, errors: warm.errors, incorrect: warm.incorrect } : undefined,
    sampleIncorrect: result.sample ?? warm?.sample,
    totals: {
      requests: result.requests,
      seconds: result.durationSec,
      cpuMs: cpuAfter.totalMs - cpuBefore.totalMs,
      userMs: cpuAfter.userMs - cpuBefore.userMs,
      sysMs: cpuAfter.sysMs - cpuBefore.sysMs,
      subgraphCpuMs: subgraphCpu,
    },
    series: result.series,
  };
}


/**
 * Each of `names` measured `ctx.opts.rounds` times, the contenders taking turns (in reverse order every other
 * round); a contender that fails is left out of the later rounds. Returns each one's rounds, and why any failed.
 */
async function inRounds(
  scenario: LoadScenario,
  names: ContenderName[],
  ctx: Parameters<typeof measure>[2],
  running: RunningContender[],
  turnOf: (name: ContenderName, turn: number) => { label: string; turn: Parameters<typeof measure>[3] },
): Promise<{ rounds: Map<ContenderName, Figures[]>; failed: Map<ContenderName, string> }> {
  const rounds = new Map<ContenderName, Figures[]>();
  const failed = new Map<ContenderName, string>();
  for (let turn = 0; turn < ctx.opts.rounds; turn++) {
    const order = names.filter((name) => !failed.has(name));
    for (const name of turn % 2 === 1 ? order.reverse() : order) {
      const c = running.find((r) => r.name === name)!;
      const { label, turn: which } = turnOf(name, turn);
      process.stdout.write(`  ${scenario.name.padEnd(8)} ${label}`);
      try {
        const f = await measure(c, scenario, ctx, which);
        rounds.set(name, [...(rounds.get(name) ?? []), f]);
        console.log(`${String(f.rps).padStart(8)} rps  p99 ${f.p99Ms} ms  cpu ${f.gatewayCpuMsPerRequest} ms/req  errors ${f.errors}  incorrect ${f.incorrect}`);
      } catch (err) {
        failed.set(name, (err as Error).message);
        rounds.delete(name);
        console.log(`failed: ${(err as Error).message}`);
      }
    }
  }
  return { rounds, failed };
}

/**
 * Every contender again at one request rate, half the slowest one's throughput, in rounds: CPU per request at
 * equal load. At full load the two cores are saturated and a contender's CPU per request rises with the
 * contention, which the fastest contender, driving the subgraphs hardest, suffers most.
 */
async function measureAtFixedRate(
  scenario: LoadScenario,
  out: ScenarioResult,
  names: ContenderName[],
  ctx: Parameters<typeof measure>[2],
  running: RunningContender[],
): Promise<void> {
  const slowest = Math.min(...names.map((name) => out[name]?.rps ?? Infinity));
  if (!Number.isFinite(slowest) || slowest < 2) return;
  const rate = Math.floor(slowest / 2);
  const { rounds } = await inRounds(scenario, names, ctx, running, (name, turn) => ({
    label: `${name} @${rate} rps ${turn + 1}/${ctx.opts.rounds}`.padEnd(28),
    // Index past the first round: the contender is warm and its SQL already counted.
    turn: { index: turn + 1, series: `${scenario.name}/${name}@rate`, rate },
  }));
  for (const [name, rs] of rounds) {
    const f = combineRounds(rs);
    out[name]!.atFixedRate = { rate, rps: f.rps, p50Ms: f.p50Ms, p99Ms: f.p99Ms, errors: f.errors, incorrect: f.incorrect, gatewayCpuMsPerRequest: f.gatewayCpuMsPerRequest };
  }
}

function addRatios(scenario: ScenarioResult, names: ContenderName[]): void {
  const ratio = (a: number | null | undefined, b: number | null | undefined) => (a && b ? round(a / b, 2) : null);
  for (const a of names) {
    const fa = scenario[a];
    if (!fa || fa.rps === null) continue;
    fa.ratios = {};
    for (const b of names) {
      const fb = scenario[b];
      if (b === a || !fb || fb.rps === null) continue;
      const cpuAtRate = (f: Figures) => (f.atFixedRate as { gatewayCpuMsPerRequest?: number } | undefined)?.gatewayCpuMsPerRequest;
      fa.ratios[b] = {
        rps: ratio(fa.rps, fb.rps),
        p99Ms: ratio(fa.p99Ms, fb.p99Ms),
        gatewayCpuMsPerRequest: ratio(fa.gatewayCpuMsPerRequest, fb.gatewayCpuMsPerRequest),
        gatewayCpuMsPerRequestAtFixedRate: ratio(cpuAtRate(fa), cpuAtRate(fb)),
      };
    }
  }
}

/** Waits (up to 15 s) until the subgraphs have sent no statement for a quarter of a second. */
async function settle(stack: SubgraphStack, pollMs: number): Promise<void> {
  const deadline = Date.now() + 15_000;
  let last = await stack.requestStatements();
  while (Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, pollMs));
    const now = await stack.requestStatements();
    if (now === last) return;
    last = now;
  }
}

const EMPTY: Figures = { rps: null, p50Ms: null, p99Ms: null, errors: null, incorrect: null, gatewayCpuMsPerRequest: null };

async function main(): Promise<void> {
  const opts = options();
  if (opts.postgres && databaseKind === 'pglite') return runOnOwnPostgres();
  const started = Date.now();
  // Only PostgreSQL whose commits wait for the disk, as in production: its settings go into the report.
  const postgres = databaseKind === 'postgresql' ? await configuredServers() : undefined;
  mkdirSync(RESULTS, { recursive: true });
  const logDir = join(RESULTS, 'logs');
  rmSync(logDir, { recursive: true, force: true });
  rmSync(join(RESULTS, 'profile'), { recursive: true, force: true });
  mkdirSync(logDir, { recursive: true });

  const floorKind = databaseKind === 'postgresql' ? 'sql' : 'subgraph-direct';
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
      subgraphWarmupSec: SUBGRAPH_WARMUP_SEC(opts),
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

  const loadScenarios = opts.scenarios.filter(
    (s): s is LoadScenario['name'] => s === 'unified' || s === 'batch' || s === 'verify' || s === 'statistics',
  );
  // The peers' package holds the load generator (autocannon) too.
  if (loadScenarios.length > 0) ensurePeers();
  // The lifecycle propagation is measured first, on an in-process stack of its own that seeds while the subgraph
  // processes start (each takes seconds), and is stopped before any contender starts: while it is measured, the
  // only other processes are the idle subgraphs.
  const propagationStack = opts.scenarios.includes('propagation') ? startPropagationStack(opts) : undefined;
  const measurePropagationNow = async () => {
    if (!propagationStack) return;
    const inProcess = await propagationStack;
    try {
      results.scenarios.propagation = await propagation(opts, inProcess);
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
      cacheDir: join(RESULTS, '.cache'),
      nodeArgs: opts.profileSubgraphs ? profileArgs('subgraphs') : undefined,
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
      const { key: apiKey, stored } = new ApiKeyStore(apiKeysFile({ DATA_DIR: stack.dataDir })).create({
        partner: 'Benchmark partner',
        scopes: ['card:verify'],
        // The benchmark measures the check, not the limiter: far above anything it can send.
        ratePerMinute: 1_000_000_000,
        expiresOn: null,
      });
      const principalsFile = join(stack.dataDir, 'bench-principals.json');
      const tokens = await signBenchPrincipals(stack.dataDir, { id: stored.id, name: stored.partner });
      writePrincipals(principalsFile, tokens);
      // The development issuer's default lifetime (8 h): the gateway refuses staff tokens that live longer than 12 h.
      const credentials = {
        staffToken: await issueDevToken({ role: 'isa-officer', dataDir: stack.dataDir }),
        analystToken: await issueDevToken({ role: 'analyst', dataDir: stack.dataDir }),
        apiKey,
      };

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

      for (const scenario of scenarios) {
        const out: ScenarioResult = { title: SCENARIO_TITLES[scenario.name] };
        // The subgraphs every contender shares warm up first (JIT, caches), through the floor if it runs: otherwise
        // whichever contender is measured first pays for it (measured: @apollo/gateway at 114 rps first, 164 rps third).
        const warmer = running.find((r) => r.name === 'floor') ?? running[0];
        if (warmer && SUBGRAPH_WARMUP_SEC(opts) > 0) {
          process.stdout.write(`  ${scenario.name.padEnd(8)} warming the subgraphs for ${SUBGRAPH_WARMUP_SEC(opts)} s through ${warmer.name}...\n`);
          await warmSubgraphs(warmer, scenario, { stack, credentials, opts, load, floorKind }, SUBGRAPH_WARMUP_SEC(opts));
        }
        for (const name of opts.contenders) {
          if (!running.some((r) => r.name === name)) out[name] = { ...EMPTY, note: `did not run: ${results.contenders[name]?.reason ?? 'not selected'}` };
        }
        const ctx = { stack, credentials, opts, load, floorKind };
        const order = opts.contenders.filter((name) => running.some((r) => r.name === name) && out[name]?.note === undefined);
        const { rounds: measured, failed } = await inRounds(scenario, order, ctx, running, (name, turn) => ({
          label: (opts.rounds > 1 ? `${name} ${turn + 1}/${opts.rounds}` : name).padEnd(20),
          turn: { index: turn, series: `${scenario.name}/${name}` },
        }));
        for (const [name, why] of failed) out[name] = { ...EMPTY, note: `failed: ${why}` };
        for (const [name, rounds] of measured) out[name] = combineRounds(rounds);
        if (opts.fixedRate && measured.size > 1) await measureAtFixedRate(scenario, out, [...measured.keys()], ctx, running);
        addRatios(out, opts.contenders);
        results.scenarios[scenario.name] = out;
      }

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

      for (const c of running.splice(0)) await c.stop();

      const unified = scenarios.find((s) => s.name === 'unified');
      if (opts.profile && unified && opts.contenders.includes('this')) {
        console.log('Profiling this gateway (--cpu-prof) under the unified-record load...');
        results.profile = await profileThis(unified, { stack, credentials, opts, load, setup, floorKind });
      }
    } finally {
      load.close();
      for (const c of running) await c.stop();
      await stack.stop();
    }
    if (opts.profileSubgraphs) results.subgraphProfiles = summarizeSubgraphProfiles(stack.pids);
  } else {
    await measurePropagationNow();
  }

  // Last, with nothing else running: the access log's appends, on PostgreSQL (fsync on) and on PGlite.
  if (opts.scenarios.includes('access-log')) {
    const { results: cells, conditions } = await measureAccessLog({
      durationSec: opts.accessLogSec,
      warmupSec: opts.quick ? 0.5 : 1,
      resultsDir: RESULTS,
    });
    results.accessLog = cells;
    results.meta.accessLog = conditions;
  }

  results.meta.finishedAt = new Date().toISOString();
  results.meta.elapsedSec = round((Date.now() - started) / 1000, 0);
  results.meta.loadAverageAtEnd = loadavg().map((x) => round(x, 2));
  // latest.* is what tools read; a copy per run keeps a full run from being overwritten by the next quick one.
  const stamp = `${(results.meta.startedAt as string).replace(/[:.]/g, '-')}-${opts.quick ? 'quick' : 'full'}`;
  for (const name of ['latest', stamp]) {
    writeFileSync(join(RESULTS, `${name}.json`), `${JSON.stringify(results, null, 2)}\n`);
    writeMarkdown(join(RESULTS, `${name}.md`), results);
  }
  printTables(results);
  console.log(`\nWrote test/bench/results/latest.json and latest.md (and ${stamp}.*) in ${results.meta.elapsedSec} s.`);
}

/**
 * `--postgres` with no *_DATABASE_URL: the whole run again in a child process, on a throwaway cluster with fsync
 * on (postgres.ts) that the three URLs name; the cluster is removed when the child exits.
 */
async function runOnOwnPostgres(): Promise<void> {
  console.log('Starting a throwaway PostgreSQL cluster (fsync on) under test/bench/results/.postgres/...');
  const pg = await startPostgres(join(RESULTS, '.postgres'));
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

/**
 * Node flags for V8's sampling profiler, writing under results/profile/<name>/ at exit. Node names each file
 * CPU.<date>.<time>.<pid>.<thread>.<seq>.cpuprofile: thread 0 is the main thread (tsx's module hooks have a
 * thread of their own).
 */
function profileArgs(name: string): string[] {
  const dir = join(RESULTS, 'profile', name);
  mkdirSync(dir, { recursive: true });
  return ['--cpu-prof', `--cpu-prof-dir=${dir}`, '--cpu-prof-interval=250'];
}

/** The main-thread profiles written under results/profile/<name>/. */
function mainThreadProfiles(name: string): string[] {
  const dir = join(RESULTS, 'profile', name);
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => /^CPU\.\d+\.\d+\.\d+\.0\.\d+\.cpuprofile$/.test(f))
    .map((f) => join(dir, f));
}

/** The subgraphs' profiles (from their first request on, every contender's load): where the shared subgraph time goes. */
function summarizeSubgraphProfiles(pids: Record<Authority, number>): BenchResults['subgraphProfiles'] {
  return mainThreadProfiles('subgraphs').map((f) => {
    const pid = Number(f.split('.').at(-4));
    const authority = AUTHORITIES.find((a) => pids[a] === pid) ?? `pid ${pid}`;
    const summary = summarizeProfile(f, { top: 15, from: /subgraphs\/kit\/http\.ts/ });
    return { ...summary, authority, layers: summary.layers.slice(0, 10) };
  });
}

/** A separate run of this gateway with V8's sampling profiler, so the profiler's cost stays out of the figures. */
async function profileThis(
  scenario: LoadScenario,
  ctx: {
    stack: SubgraphStack;
    credentials: { staffToken: string; analystToken: string; apiKey: string };
    opts: Options;
    load: LoadGenerator;
    floorKind: string;
    setup: Parameters<typeof startContender>[1];
  },
): Promise<NonNullable<BenchResults['profile']>> {
  const nodeArgs = profileArgs('this-unified');
  // Long enough to get past lazy module loading and JIT warm-up, and to collect a few thousand samples.
  ctx = { ...ctx, opts: { ...ctx.opts, rounds: 1, warmupSec: Math.max(ctx.opts.warmupSec, 3), durationSec: Math.max(ctx.opts.durationSec, 6) } };
  const c = await startContender('this', ctx.setup, { nodeArgs, logSuffix: '-profile' });
  let figures: Figures;
  let stoppedAfterMs = 0;
  try {
    figures = await measure(c, scenario, ctx);
    const measured = Date.now();
    await c.stop();
    stoppedAfterMs = Date.now() - measured;
  } finally {
    await c.stop();
  }
  const [file] = mainThreadProfiles('this-unified');
  const requests = figures.requests ?? 0;
  if (!file) throw new Error(`no CPU profile was written: ${tail(c.logFile)}`);
  return {
    scenario: 'unified',
    command: `node ${nodeArgs.join(' ').replace(ROOT + '/', '')} --import tsx gateway/index.ts`,
    note: `the ${ctx.opts.durationSec} s measured after a ${ctx.opts.warmupSec} s warm-up (start-up and warm-up left out), ${requests} requests (${figures.rps} rps under the profiler, ${figures.gatewayCpuMsPerRequest} ms CPU per request by /proc)`,
    ...summarizeProfile(file, { requests, window: { seconds: ctx.opts.durationSec, skipEndSeconds: stoppedAfterMs / 1000 } }),
  };
}

/**
 * The in-process stack the lifecycle propagation is measured on (started at the beginning of the run), its
 * loggers quiet: LOG_LEVEL is set only while it starts, as the contenders started later inherit the environment.
 */
async function startPropagationStack(opts: Options): Promise<Stack> {
  const level = process.env.LOG_LEVEL;
  process.env.LOG_LEVEL ??= 'warn';
  try {
    return await startStack({ persons: opts.quick ? 300 : 2000 });
  } finally {
    if (level === undefined) delete process.env.LOG_LEVEL;
    else process.env.LOG_LEVEL = level;
  }
}

/** The lifecycle propagation of the lifecycle issue, measured as before (propagation.ts) on the in-process stack. */
async function propagation(opts: Options, stack: Stack): Promise<ScenarioResult> {
  console.log(`Lifecycle propagation: ${opts.changes} renewals through this gateway, at rest and under read load (in-process stack, ${databaseKind})...`);
  const na = 'not applicable: propagation is between the authorities (outbox -> relay -> inbox); the routing tier only carries the mutation, so it is measured through this gateway alone';
  const atRest: PropagationResult = await measurePropagation(stack, { changes: opts.changes, readers: 0, offset: 0 });
  const underLoad: PropagationResult = await measurePropagation(stack, { changes: opts.changes, readers: 8, offset: 100 });
  return {
      title: SCENARIO_TITLES.propagation,
      note: 'time from the mutation response to J-LIS applying the effect; "under load" has 8 readers of the unified record running meanwhile',
      this: {
        rps: null,
        p50Ms: round(atRest.p50Ms, 1),
        p99Ms: round(atRest.p99Ms, 1),
        errors: 0,
        incorrect: 0,
        gatewayCpuMsPerRequest: null,
        changes: atRest.changes,
        maxMs: round(atRest.maxMs, 1),
        underReadLoad: {
          p50Ms: round(underLoad.p50Ms, 1),
          p99Ms: round(underLoad.p99Ms, 1),
          maxMs: round(underLoad.maxMs, 1),
          changes: underLoad.changes,
          readsDuringRun: underLoad.readsDuringRun,
          readErrors: underLoad.readErrors,
        },
      },
      ...Object.fromEntries(opts.contenders.filter((c) => c !== 'this').map((c) => [c, { ...EMPTY, note: na }])),
    };
}

void main().catch((err: Error) => {
  console.error(err);
  process.exit(1);
});
