/**
 * The load generator, run as its own process (so its CPU is not the contender's): autocannon with
 * `connections` keep-alive connections for `durationSec`, cycling through the scenario's request bodies, and
 * checking every 200 response against the expected answer for that body (exact JSON, not just the status).
 *
 * Forked once by the orchestrator and driven over IPC, one job per scenario and contender: it warms up for
 * `warmupSec` (answers checked, figures discarded), reports `{ phase: 'warm' }`, waits for `{ type: 'go' }`
 * (the orchestrator reads the processes' CPU counters in between), then measures and reports
 * `{ phase: 'done', result }`.
 */
import { createRequire } from 'node:module';
import { join } from 'node:path';

export interface LoadConfig {
  url: string;
  connections: number;
  durationSec: number;
  warmupSec: number;
  headers: Record<string, string>;
  /** Request bodies, used in turn. */
  bodies: string[];
  /** The exact response body expected for each request body (same index). */
  expected: string[];
  /** Measured runs of the same series are one sample: `series` in the result gives the latency over all of them. */
  series?: string;
  /** Requests per second over all connections (autocannon's overallRate); as fast as answers come when unset. */
  rate?: number;
}

export interface LoadResult {
  requests: number;
  durationSec: number;
  rps: number;
  p50Ms: number;
  p99Ms: number;
  /** Socket errors, timeouts and non-2xx responses. */
  errors: number;
  /** 2xx responses whose body differs from the expected answer. */
  incorrect: number;
  /**
   * 2xx responses equal to the expected answer except for multi-byte characters autocannon broke: it appends
   * each TCP chunk to the body as a string, so a character split across two chunks arrives as U+FFFD (see
   * splitCharactersOnly). Counted as correct, reported apart.
   */
  splitDecoded: number;
  /** One of the incorrect bodies (or non-2xx), for the report. */
  sample?: string;
  /** Over every measured run of the config's series so far (this one included): latency from the runs' merged histograms. */
  series?: { runs: number; requests: number; p50Ms: number; p99Ms: number };
}

type Json = unknown;

/**
 * Structural equality of two JSON values, object keys in any order; strings that differ may still be accepted
 * by `sameString` (splitCharactersOnly, for bodies autocannon decoded chunk by chunk).
 */
export function jsonEqual(a: Json, b: Json, sameString?: (a: string, b: string) => boolean): boolean {
  if (a === b) return true;
  if (sameString && typeof a === 'string' && typeof b === 'string') return sameString(a, b);
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) {
    const bb = b as Json[];
    return a.length === bb.length && a.every((v, i) => jsonEqual(v, bb[i], sameString));
  }
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  return ka.length === kb.length && ka.every((k) => Object.hasOwn(b, k) && jsonEqual((a as Record<string, Json>)[k], (b as Record<string, Json>)[k], sameString));
}

/**
 * Whether `got` is `expected` as decoded chunk by chunk: identical except that some non-ASCII characters of
 * `expected` each came out as one to three U+FFFD (the bytes of a UTF-8 character split between two chunks,
 * each side decoded on its own). Nothing else may differ, so a wrong count, code or label still fails.
 */
export function splitCharactersOnly(got: string, expected: string): boolean {
  const REPLACEMENT = 0xfffd;
  let i = 0;
  let j = 0;
  let repaired = 0;
  while (i < expected.length && j < got.length) {
    if (expected.charCodeAt(i) === got.charCodeAt(j)) {
      i++;
      j++;
      continue;
    }
    const point = expected.codePointAt(i) as number;
    if (point < 0x80 || point === REPLACEMENT || got.charCodeAt(j) !== REPLACEMENT) return false;
    const bytes = point < 0x800 ? 2 : point < 0x10000 ? 3 : 4;
    let k = 0;
    while (k < bytes && got.charCodeAt(j + k) === REPLACEMENT) k++;
    // Split bytes (at least one on each side) decode to at most one replacement per byte.
    if (k < 2 || k > bytes) return false;
    i += point > 0xffff ? 2 : 1;
    j += k;
    repaired++;
  }
  return i === expected.length && j === got.length && repaired > 0;
}

interface Autocannon {
  (opts: Record<string, unknown>, cb: (err: Error | null, result: RawResult) => void): unknown;
  /** Merges runs made with `skipAggregateResult` (their latency histograms added up). */
  aggregateResult(results: RawResult[], opts?: Record<string, unknown>): AutocannonResult;
}
/** A run's result before aggregation (its histograms encoded). */
type RawResult = { duration: number; errors: number; timeouts: number; non2xx: number; [k: string]: unknown };
interface AutocannonResult {
  duration: number;
  errors: number;
  timeouts: number;
  non2xx: number;
  latency: { p50: number; p99: number; totalCount: number };
  requests: { total: number };
}

/** The measured runs of each series, kept for its latency over all of them. */
const seriesRuns = new Map<string, RawResult[]>();

function run(autocannon: Autocannon, config: LoadConfig, durationSec: number, measured = false): Promise<LoadResult> {
  const expectedParsed = new Map<number, Json>();
  let next = 0;
  let incorrect = 0;
  let splitDecoded = 0;
  let sample: string | undefined;
  return new Promise<LoadResult>((resolve, reject) =>
    autocannon(
      {
        url: config.url,
        connections: config.connections,
        duration: durationSec,
        skipAggregateResult: true,
        // autocannon notices the end of the run only when it samples (every second by default): a run would last
        // up to a second longer than asked, in every cell. Sampled every 100 ms, it ends within 100 ms of its time.
        sampleInt: 100,
        // At a set rate autocannon would otherwise correct for coordinated omission, adding made-up latencies to
        // the histogram (its count then far above the requests answered): the requests are counted from it.
        ...(config.rate ? { overallRate: config.rate, ignoreCoordinatedOmission: true } : {}),
        method: 'POST',
        headers: { 'content-type': 'application/json', ...config.headers },
        requests: [
          {
            method: 'POST',
            setupRequest(req: Record<string, unknown>, context: { i?: number }) {
              const i = next++ % config.bodies.length;
              context.i = i;
              return { ...req, body: config.bodies[i] };
            },
            onResponse(status: number, body: string | Buffer, context: { i?: number }) {
              const i = context.i ?? 0;
              const text = typeof body === 'string' ? body : body.toString('utf8');
              if (status < 200 || status >= 300) {
                sample ??= `${status} ${text.slice(0, 300)}`;
                return;
              }
              if (text === config.expected[i]) return;
              let expected = expectedParsed.get(i);
              if (expected === undefined) expectedParsed.set(i, (expected = JSON.parse(config.expected[i]!)));
              let got: Json;
              try {
                got = JSON.parse(text);
              } catch {
                got = undefined;
              }
              if (jsonEqual(got, expected)) return;
              if (jsonEqual(got, expected, splitCharactersOnly)) {
                splitDecoded++;
                return;
              }
              incorrect++;
              sample ??= text.slice(0, 600);
            },
          },
        ],
      },
      (err, raw) => {
        if (err) return reject(err);
        const result = autocannon.aggregateResult([raw], { url: config.url });
        const requests = result.latency.totalCount;
        let series: LoadResult['series'];
        if (measured && config.series) {
          const runs = [...(seriesRuns.get(config.series) ?? []), raw];
          seriesRuns.set(config.series, runs);
          const all = autocannon.aggregateResult(runs, { url: config.url });
          series = { runs: runs.length, requests: all.latency.totalCount, p50Ms: all.latency.p50, p99Ms: all.latency.p99 };
        }
        resolve({
          requests,
          durationSec: result.duration,
          rps: requests / result.duration,
          p50Ms: result.latency.p50,
          p99Ms: result.latency.p99,
          errors: raw.errors + raw.timeouts + raw.non2xx,
          incorrect,
          splitDecoded,
          sample,
          series,
        });
      },
    ),
  );
}

async function main(): Promise<void> {
  const autocannon = createRequire(join(__dirname, 'peers', 'package.json'))('autocannon') as Autocannon;
  let go: (() => void) | undefined;
  process.on('message', (m: { type: 'job'; config: LoadConfig } | { type: 'go' }) => {
    if (m.type === 'go') return go?.();
    void (async () => {
      const config = m.config;
      const warm = config.warmupSec > 0 ? await run(autocannon, config, config.warmupSec) : undefined;
      const started = new Promise<void>((resolve) => (go = resolve));
      process.send!({ phase: 'warm', result: warm });
      await started;
      process.send!({ phase: 'done', result: await run(autocannon, config, config.durationSec, true) });
    })().catch((err: Error) => process.send!({ phase: 'failed', error: err.message }));
  });
  process.on('disconnect', () => process.exit(0));
}

// Forked by the orchestrator; imported (the checker alone) by its unit test.
if (require.main === module) {
  void main().catch((err: Error) => {
    console.error(err);
    process.exit(1);
  });
}
