/** A cell measured in several rounds, combined into the one set of figures the report shows. */
import { round, type Figures } from './results';
import { addWaitEvents, type WaitEventCounts } from './waitEvents';

/** A cell's rounds as one: rates over the summed requests, time and CPU; latency over all rounds' requests (load.ts series). */
export function combineRounds(rounds: readonly Figures[]): Figures {
  const first = rounds[0]!;
  if (rounds.length === 1) return { ...first, totals: undefined, series: undefined };
  const add = (pick: (f: Figures) => unknown) => rounds.reduce((acc, f) => acc + Number(pick(f) ?? 0), 0);
  const sum = (pick: (t: RoundTotals) => number) => add((f) => pick(f.totals as RoundTotals));
  const requests = sum((t) => t.requests);
  const n = Math.max(1, requests);
  const series = rounds.at(-1)!.series as { requests: number; p50Ms: number; p99Ms: number } | undefined;
  const peakRssMb: Record<string, number> = {};
  for (const f of rounds) for (const [k, v] of Object.entries(f.peakRssMb ?? {})) peakRssMb[k] = Math.max(peakRssMb[k] ?? 0, v);
  return {
    ...first,
    rps: round(requests / sum((t) => t.seconds), 1),
    p50Ms: series?.p50Ms ?? first.p50Ms,
    p99Ms: series?.p99Ms ?? first.p99Ms,
    errors: add((f) => f.errors),
    incorrect: add((f) => f.incorrect),
    splitDecoded: add((f) => f.splitDecoded),
    gatewayCpuMsPerRequest: round(sum((t) => t.cpuMs) / n, 3),
    requests,
    gatewayUserMsPerRequest: round(sum((t) => t.userMs) / n, 3),
    gatewaySysMsPerRequest: round(sum((t) => t.sysMs) / n, 3),
    subgraphsCpuMsPerRequest: round(sum((t) => t.subgraphCpuMs) / n, 3),
    subgraphsSysMsPerRequest: round(sum((t) => t.subgraphSysMs ?? 0) / n, 3),
    peakRssMb,
    sampleIncorrect: rounds.find((f) => f.sampleIncorrect)?.sampleIncorrect,
    waitEvents: addWaitEvents(rounds.map((f) => f.waitEvents as WaitEventCounts | undefined)),
    rounds: rounds.map((f) => ({ rps: f.rps, p99Ms: f.p99Ms, gatewayCpuMsPerRequest: f.gatewayCpuMsPerRequest })),
    totals: undefined,
    series: undefined,
  };
}
type RoundTotals = { requests: number; seconds: number; cpuMs: number; userMs: number; sysMs: number; subgraphCpuMs: number; subgraphSysMs?: number };
