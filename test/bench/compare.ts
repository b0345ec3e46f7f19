/**
 * One scenario across the running contenders: the shared subgraphs warmed first, then each contender measured
 * in turns over rounds (and again at one fixed request rate), and the ratios between them.
 */
import { type ContenderName, type RunningContender } from './contenders';
import { measure, warmSubgraphs, type MeasureContext, type Turn } from './measure';
import { subgraphWarmupSec } from './options';
import { EMPTY, round, type BenchResults, type Figures, type ScenarioResult } from './results';
import { combineRounds } from './rounds';
import { SCENARIO_TITLES, type LoadScenario } from './scenarios';

/** Every selected contender in `scenario`: a contender that did not start or failed gets a note instead of figures. */
export async function measureScenario(
  scenario: LoadScenario,
  ctx: MeasureContext,
  running: RunningContender[],
  contenders: BenchResults['contenders'],
): Promise<ScenarioResult> {
  const { opts } = ctx;
  const out: ScenarioResult = { title: SCENARIO_TITLES[scenario.name] };
  // The subgraphs every contender shares warm up first (JIT, caches), through the floor if it runs: otherwise
  // whichever contender is measured first pays for it, in lower figures than it gets when measured later.
  const warmer = running.find((r) => r.name === 'floor') ?? running[0];
  if (warmer && subgraphWarmupSec(opts) > 0) {
    process.stdout.write(`  ${scenario.name.padEnd(8)} warming the subgraphs for ${subgraphWarmupSec(opts)} s through ${warmer.name}...\n`);
    await warmSubgraphs(warmer, scenario, ctx, subgraphWarmupSec(opts));
  }
  for (const name of opts.contenders) {
    if (!running.some((r) => r.name === name)) out[name] = { ...EMPTY, note: `did not run: ${contenders[name]?.reason ?? 'not selected'}` };
  }
  const order = opts.contenders.filter((name) => running.some((r) => r.name === name) && out[name]?.note === undefined);
  const { rounds: measured, failed } = await inRounds(scenario, order, ctx, running, (name, turn) => ({
    label: (opts.rounds > 1 ? `${name} ${turn + 1}/${opts.rounds}` : name).padEnd(20),
    turn: { index: turn, series: `${scenario.name}/${name}` },
  }));
  for (const [name, why] of failed) out[name] = { ...EMPTY, note: `failed: ${why}` };
  for (const [name, rounds] of measured) out[name] = combineRounds(rounds);
  if (opts.fixedRate && measured.size > 1) await measureAtFixedRate(scenario, out, [...measured.keys()], ctx, running);
  addRatios(out, opts.contenders);
  return out;
}

/**
 * Each of `names` measured `ctx.opts.rounds` times, the contenders taking turns (in reverse order every other
 * round); a contender that fails is left out of the later rounds. Returns each one's rounds, and why any failed.
 */
async function inRounds(
  scenario: LoadScenario,
  names: ContenderName[],
  ctx: MeasureContext,
  running: RunningContender[],
  turnOf: (name: ContenderName, turn: number) => { label: string; turn: Turn },
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
  ctx: MeasureContext,
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
