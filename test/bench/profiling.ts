/**
 * Runs under V8's sampling profiler (profile.ts reads what it writes): the Node flags, the files they produce,
 * the subgraphs' profiles summarized, and the separate profiled run of this gateway.
 */
import { existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { startContender, tail, type ContenderSetup, type RunningContender } from './contenders';
import { measure, type MeasureContext } from './measure';
import { cpuMs } from './proc';
import { summarizeProfile } from './profile';
import { RESULTS_DIR, type BenchResults, type Figures } from './results';
import { headersFor, type LoadScenario } from './scenarios';
import { AUTHORITIES, ROOT } from './stack';

/**
 * Node flags for V8's sampling profiler, writing under results/profile/<name>/ at exit. Node names each file
 * CPU.<date>.<time>.<pid>.<thread>.<seq>.cpuprofile: thread 0 is the main thread (tsx's module hooks have a
 * thread of their own).
 */
export function profileArgs(name: string): string[] {
  const dir = join(RESULTS_DIR, 'profile', name);
  mkdirSync(dir, { recursive: true });
  return ['--cpu-prof', `--cpu-prof-dir=${dir}`, '--cpu-prof-interval=250'];
}

/** The main-thread profiles written under results/profile/<name>/. */
function mainThreadProfiles(name: string): string[] {
  const dir = join(RESULTS_DIR, 'profile', name);
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => /^CPU\.\d+\.\d+\.\d+\.0\.\d+\.cpuprofile$/.test(f))
    .map((f) => join(dir, f));
}

/** Node flags for the subgraph processes: the profiler is started and stopped by signal (profileWindow.cjs). */
export function subgraphProfileArgs(): string[] {
  rmSync(join(RESULTS_DIR, 'profile', 'subgraphs'), { recursive: true, force: true });
  return ['--require', join(__dirname, 'profileWindow.cjs')];
}

/**
 * One more load of `scenario` through this gateway with the three subgraphs under V8's sampling profiler for
 * the measured seconds only (start-up, seeding and warm-up left out): where the subgraphs' time per request goes.
 */
export async function profileSubgraphs(
  scenario: LoadScenario,
  ctx: MeasureContext,
  contender: RunningContender,
): Promise<NonNullable<BenchResults['subgraphProfiles']>> {
  const signal = () => AUTHORITIES.forEach((a) => process.kill(ctx.stack.pids[a], 'SIGUSR2'));
  const cpuNow = () => AUTHORITIES.map((a) => cpuMs(ctx.stack.pids[a]));
  let cpuBefore: number[] = [];
  const { result } = await ctx.load.run(
    {
      url: contender.url,
      connections: ctx.opts.connections,
      durationSec: Math.max(ctx.opts.durationSec, 6),
      warmupSec: Math.min(ctx.opts.warmupSec, 3),
      headers: headersFor(contender.name, scenario.caller, ctx.credentials),
      bodies: scenario.bodies,
      expected: scenario.expected,
    },
    async () => {
      signal();
      cpuBefore = cpuNow();
    },
  );
  const cpuAfter = cpuNow();
  signal();
  const dir = join(RESULTS_DIR, 'profile', 'subgraphs');
  const files = AUTHORITIES.map((a) => join(dir, `${ctx.stack.pids[a]}.cpuprofile`));
  const deadline = Date.now() + 30_000;
  while (!files.every((f) => existsSync(f))) {
    if (Date.now() > deadline) throw new Error(`the subgraphs wrote no profile under ${dir}`);
    await new Promise((r) => setTimeout(r, 200));
  }
  // Written at once by writeFileSync, but give the last one a moment to be complete on disk.
  await new Promise((r) => setTimeout(r, 500));
  return AUTHORITIES.map((authority, i) => {
    const summary = summarizeProfile(files[i]!, { top: 15, requests: result.requests, exclude: /profileWindow\.cjs/ });
    // The profiler samples the thread's wall time while busy, so a thread waiting for a core inside a system call
    // (a socket write that woke a database backend) counts there too: /proc says what it spent.
    const cpuMsPerRequest = Math.round((1000 * (cpuAfter[i]! - cpuBefore[i]!)) / Math.max(1, result.requests)) / 1000;
    return { ...summary, authority, scenario: scenario.name, cpuMsPerRequest, layers: summary.layers.slice(0, 12) };
  });
}

/** A separate run of this gateway with V8's sampling profiler, so the profiler's cost stays out of the figures. */
export async function profileThis(
  scenario: LoadScenario,
  ctx: MeasureContext & { setup: ContenderSetup },
): Promise<NonNullable<BenchResults['profile']>> {
  const nodeArgs = profileArgs(`this-${scenario.name}`);
  // Long enough to get past lazy module loading and JIT warm-up, and to collect a few thousand samples.
  ctx = { ...ctx, opts: { ...ctx.opts, rounds: 1, warmupSec: Math.max(ctx.opts.warmupSec, 3), durationSec: Math.max(ctx.opts.durationSec, 6) } };
  const c = await startContender('this', ctx.setup, { nodeArgs, logSuffix: '-profile' });
  let figures: Figures;
  let stoppedAfterMs = 0;
  try {
    figures = await measure(c, scenario, ctx, { index: 0, series: '', rate: ctx.opts.profileRate });
    const measured = Date.now();
    await c.stop();
    stoppedAfterMs = Date.now() - measured;
  } finally {
    await c.stop();
  }
  const [file] = mainThreadProfiles(`this-${scenario.name}`);
  const requests = figures.requests ?? 0;
  if (!file) throw new Error(`no CPU profile was written: ${tail(c.logFile)}`);
  return {
    scenario: scenario.name,
    command: `node ${nodeArgs.join(' ').replace(ROOT + '/', '')} --import tsx gateway/index.ts`,
    note: `the ${ctx.opts.durationSec} s measured after a ${ctx.opts.warmupSec} s warm-up (start-up and warm-up left out), ${requests} requests (${ctx.opts.profileRate ? `at a fixed ${ctx.opts.profileRate} rps: ` : ''}${figures.rps} rps under the profiler, ${figures.gatewayCpuMsPerRequest} ms CPU per request by /proc)`,
    ...summarizeProfile(file, { requests, window: { seconds: ctx.opts.durationSec, skipEndSeconds: stoppedAfterMs / 1000 } }),
  };
}
