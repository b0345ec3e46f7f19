/**
 * One round of one contender in one scenario: the load through it, with its CPU time, the subgraphs' CPU and
 * SQL statements per request, and peak memory, read from the processes themselves around the measured run.
 */
import type { Credentials } from './credentials';
import type { LoadConfig } from './load';
import type { LoadGenerator } from './loadGenerator';
import type { Options } from './options';
import { cpuTimes, sampleRss } from './proc';
import { round, type Figures } from './results';
import { headersFor, type LoadScenario } from './scenarios';
import type { RunningContender } from './contenders';
import { AUTHORITIES, type SubgraphStack } from './stack';
import { sampleWaitEvents, type WaitEventCounts } from './waitEvents';

/** What every measurement of the run shares. */
export interface MeasureContext {
  stack: SubgraphStack;
  credentials: Credentials;
  opts: Options;
  load: LoadGenerator;
  floorKind: string;
}

/** Which round a measurement is, the series its latencies merge into (load.ts), and the request rate if fixed. */
export interface Turn {
  index: number;
  series: string;
  rate?: number;
}

/**
 * One round of a scenario against one running contender: `1 / rounds` of the cell's measured time, after the
 * full warm-up in the first round and a one-second one in the others. SQL per request is counted in the first.
 */
export async function measure(
  contender: RunningContender,
  scenario: LoadScenario,
  ctx: MeasureContext,
  turn: Turn = { index: 0, series: '' },
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
  for (let i = 0; i < probe; i++) {
    const res = await fetch(contender.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...config.headers },
      body: scenario.bodies[i % scenario.bodies.length],
    });
    await res.text();
  }
  const sqlPerRequest = probe ? ((await statementsNow()) - probeBefore) / probe : null;
  let cpuBefore = { userMs: 0, sysMs: 0, totalMs: 0 };
  let subgraphBefore = { totalMs: 0, sysMs: 0 };
  let auditBefore = 0;
  let stopSampling: (() => Record<string, number>) | undefined;
  // On PostgreSQL, under the unified-record load at full rate: what the authorities' sessions wait on.
  const databases = scenario.name === 'unified' && !turn.rate && ctx.stack.databaseUrls ? Object.values(ctx.stack.databaseUrls) : [];
  let stopWaits: (() => Promise<WaitEventCounts>) | undefined;
  const { warm, result } = await ctx.load.run(config, async () => {
    if (databases.length > 0) stopWaits = await sampleWaitEvents(databases[0]!, databases.map((u) => new URL(u).pathname.slice(1)));
    auditBefore = await auditNow();
    cpuBefore = cpuTimes(contender.pid);
    subgraphBefore = subgraphTimes(ctx.stack);
    stopSampling = sampleRss({ gateway: contender.pid, ...ctx.stack.pids });
  });
  const cpuAfter = cpuTimes(contender.pid);
  const subgraphAfter = subgraphTimes(ctx.stack);
  const auditAfter = await auditNow();
  const subgraphCpu = subgraphAfter.totalMs - subgraphBefore.totalMs;
  const subgraphSys = subgraphAfter.sysMs - subgraphBefore.sysMs;
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
    // Of it, in the kernel: socket reads and writes to the gateway and to the database, mostly.
    subgraphsSysMsPerRequest: round(subgraphSys / n, 3),
    sqlStatementsPerRequest: sqlPerRequest === null ? null : round(sqlPerRequest, 2),
    // The access log's statements (`source="audit"`) over the load, per request: the rows' INSERTs (shared by
    // concurrent requests) and the sequencer's, checkpoints' and witnesses' timed work. Counted over the load, not
    // the probe above: a few requests in a quiet quarter second would carry that timed work alone.
    auditStatementsPerRequest: round((auditAfter - auditBefore) / n, 2),
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
      subgraphSysMs: subgraphSys,
    },
    series: result.series,
  };
}

/** The three subgraphs' CPU so far, in all and in the kernel: one read of each process's /proc/<pid>/stat. */
function subgraphTimes(stack: SubgraphStack): { totalMs: number; sysMs: number } {
  const times = AUTHORITIES.map((a) => cpuTimes(stack.pids[a]));
  return { totalMs: times.reduce((sum, t) => sum + t.totalMs, 0), sysMs: times.reduce((sum, t) => sum + t.sysMs, 0) };
}

/** The scenario's load through one contender, figures discarded: it warms the subgraphs for everyone. */
export async function warmSubgraphs(contender: RunningContender, scenario: LoadScenario, ctx: MeasureContext, seconds: number): Promise<void> {
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

/** Waits (up to 15 s) until the subgraphs have sent no statement for a quarter of a second. */
export async function settle(stack: SubgraphStack, pollMs: number): Promise<void> {
  const deadline = Date.now() + 15_000;
  let last = await stack.requestStatements();
  while (Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, pollMs));
    const now = await stack.requestStatements();
    if (now === last) return;
    last = now;
  }
}
