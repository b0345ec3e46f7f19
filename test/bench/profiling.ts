/**
 * Runs under V8's sampling profiler (profile.ts reads what it writes): the Node flags, the files they produce,
 * the subgraphs' profiles summarized, and the separate profiled run of this gateway.
 */
import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { startContender, tail, type ContenderSetup } from './contenders';
import { measure, type MeasureContext } from './measure';
import { summarizeProfile } from './profile';
import { RESULTS_DIR, type BenchResults, type Figures } from './results';
import type { LoadScenario } from './scenarios';
import { AUTHORITIES, ROOT, type SubgraphStack } from './stack';

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

/** The subgraphs' profiles (from their first request on, every contender's load): where the shared subgraph time goes. */
export function summarizeSubgraphProfiles(pids: SubgraphStack['pids']): BenchResults['subgraphProfiles'] {
  return mainThreadProfiles('subgraphs').map((f) => {
    const pid = Number(f.split('.').at(-4));
    const authority = AUTHORITIES.find((a) => pids[a] === pid) ?? `pid ${pid}`;
    const summary = summarizeProfile(f, { top: 15, from: /runtime\/http\.ts/ });
    return { ...summary, authority, layers: summary.layers.slice(0, 10) };
  });
}

/** A separate run of this gateway with V8's sampling profiler, so the profiler's cost stays out of the figures. */
export async function profileThis(
  scenario: LoadScenario,
  ctx: MeasureContext & { setup: ContenderSetup },
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
