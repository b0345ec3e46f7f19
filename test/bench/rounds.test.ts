import { combineRounds } from './rounds';
import { fixedRateTable } from './report';
import type { BenchResults, Figures } from './results';

const figures = (requests: number, seconds: number, cpuMs: number, extra: Partial<Figures> = {}): Figures => ({
  rps: requests / seconds,
  p50Ms: 10,
  p99Ms: 50,
  errors: 0,
  incorrect: 0,
  gatewayCpuMsPerRequest: cpuMs / requests,
  requests,
  sqlStatementsPerRequest: 3,
  peakRssMb: { gateway: 100 },
  totals: { requests, seconds, cpuMs, userMs: cpuMs * 0.8, sysMs: cpuMs * 0.2, subgraphCpuMs: 2 * cpuMs },
  ...extra,
});

describe('combineRounds', () => {
  test('rates and CPU over the summed requests and time, not the mean of the rounds', () => {
    // A slow round (100 requests, 4 ms each) and a fast one (300 requests, 2 ms each).
    const combined = combineRounds([figures(100, 5, 400), figures(300, 5, 600, { series: { runs: 2, requests: 400, p50Ms: 12, p99Ms: 80 } })]);
    expect(combined.rps).toBe(40);
    expect(combined.requests).toBe(400);
    expect(combined.gatewayCpuMsPerRequest).toBe(2.5);
    expect(combined.gatewayUserMsPerRequest).toBe(2);
    expect(combined.subgraphsCpuMsPerRequest).toBe(5);
    // Latency from the merged histograms of every round (the last round's series), SQL from the first round's count.
    expect([combined.p50Ms, combined.p99Ms, combined.sqlStatementsPerRequest]).toEqual([12, 80, 3]);
    expect(combined.totals).toBeUndefined();
  });

  test('errors and wrong answers add up; the peak memory is the highest of any round', () => {
    const combined = combineRounds([
      figures(100, 5, 400, { errors: 1, peakRssMb: { gateway: 120, registry: 80 } }),
      figures(100, 5, 400, { incorrect: 2, sampleIncorrect: '{"data":null}', peakRssMb: { gateway: 110, registry: 90 } }),
    ]);
    expect([combined.errors, combined.incorrect, combined.sampleIncorrect]).toEqual([1, 2, '{"data":null}']);
    expect(combined.peakRssMb).toEqual({ gateway: 120, registry: 90 });
  });

  test('one round is passed on as it is', () => {
    const one = figures(100, 5, 400);
    expect(combineRounds([one])).toEqual({ ...one, totals: undefined, series: undefined });
  });
});

describe('fixedRateTable', () => {
  test("each contender's CPU at the common rate, and this gateway's ratio to each", () => {
    const at = (cpu: number) => ({ rate: 60, rps: 59.8, p50Ms: 9, p99Ms: 40, errors: 0, incorrect: 0, gatewayCpuMsPerRequest: cpu });
    const results = {
      meta: {},
      contenders: {},
      processes: {},
      scenarios: { unified: { title: 'unified', this: { ...figures(100, 5, 400), atFixedRate: at(1.2) }, apolloGateway: { ...figures(100, 5, 800), atFixedRate: at(3) } } },
    } as unknown as BenchResults;
    expect(fixedRateTable(results).slice(2)).toEqual(['| unified | 60 | this | 1.20 | 40 | 0 | 0 |  |', '| unified | 60 | apolloGateway | 3.00 | 40 | 0 | 0 | 0.40x |']);
  });

  test('nothing when no contender ran at a fixed rate', () => {
    const results = { meta: {}, contenders: {}, processes: {}, scenarios: { unified: { title: 'unified', this: figures(100, 5, 400) } } } as unknown as BenchResults;
    expect(fixedRateTable(results)).toEqual([]);
  });
});
