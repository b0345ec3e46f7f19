/**
 * The shape of test/bench/results/latest.json, which report.ts prints and other tools read, and the helpers
 * every module filling it in shares.
 */
import { join } from 'node:path';
import type { AccessLogResults } from './accessLog';
import type { ContenderName } from './contenders';
import type { ProfileSummary } from './profile';
import type { ScenarioName } from './scenarios';

/** Where a run writes latest.json and latest.md, a copy of each per run, logs and profiles. */
export const RESULTS_DIR = join(__dirname, 'results');

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
  subgraphProfiles?: Array<ProfileSummary & { authority: string; scenario?: string; cpuMsPerRequest?: number }>;
  /** `accessLog.<store>.<writers>`: appends to one authority's log (accessLog.ts); its conditions in `meta.accessLog`. */
  accessLog?: AccessLogResults;
}

/** A contender's figures where it has none (the reason goes in `note`). */
export const EMPTY: Figures = { rps: null, p50Ms: null, p99Ms: null, errors: null, incorrect: null, gatewayCpuMsPerRequest: null };

export const round = (x: number, digits = 2) => Math.round(x * 10 ** digits) / 10 ** digits;
