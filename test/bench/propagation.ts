/**
 * The lifecycle propagation: how long a change takes from the mutation's response through this gateway to the
 * other authority applying it (outbox -> relay -> inbox), at rest and under read load, on an in-process stack.
 */
import { addDays } from '../../schema/dates';
import { startStack, type Stack } from '../harness';
import type { Options } from './options';
import { EMPTY, round, type ScenarioResult } from './results';
import { SCENARIO_TITLES } from './scenarios';
import { databaseKind } from './stack';

export interface PropagationResult {
  changes: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  readsDuringRun: number;
  readErrors: number;
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

/**
 * Renews periods of stay through the gateway, one after another, and measures for each the time from the
 * mutation's response to J-LIS applying its effect (the consumer's inbox records `clock_timestamp()` in the
 * applying transaction). With `readers` > 0, that many clients read unified records through the gateway meanwhile.
 */
export async function measurePropagation(stack: Stack, options: { changes: number; readers: number; offset: number }): Promise<PropagationResult> {
  const officer = await stack.token('isa-officer');
  const people: Array<{ myNumber: string; stayExpiresOn: string }> = await stack.dbs.immigration.query(
    `SELECT r.my_number AS "myNumber", r.stay_expires_on AS "stayExpiresOn"
     FROM foreign_resident r JOIN residence_card c ON c.resident_id = r.id AND c.status = 'VALID'
     WHERE r.my_number IS NOT NULL AND r.stay_expires_on > '2026-11-29' AND c.valid_until >= '2026-11-29'
       AND r.status_of_residence NOT IN ('PERMANENT_RESIDENT', 'HIGHLY_SKILLED_PROFESSIONAL_2')
     ORDER BY r.id OFFSET $1 LIMIT 100`,
    [options.offset],
  );
  if (people.length === 0) throw new Error('No renewable persons in the seeded data');

  let reading = options.readers > 0;
  let reads = 0;
  let readErrors = 0;
  const readers = Array.from({ length: options.readers }, async (_, i) => {
    for (let k = i; reading; k++) {
      const { status, body } = await stack.query(
        officer,
        `query ($n: ID!) { person(myNumber: $n) { cardArrangement resident { familyName } residenceCard { status } myNumberCard { status } } }`,
        { n: people[k % people.length]!.myNumber },
      );
      if (status !== 200 || body.errors) readErrors++;
      reads++;
    }
  });

  const responded = new Map<string, number>();
  const renewals = new Map(people.map((p) => [p.myNumber, p.stayExpiresOn]));
  for (let i = 0; i < options.changes; i++) {
    const p = people[i % people.length]!;
    const next = addDays(renewals.get(p.myNumber)!, 30);
    renewals.set(p.myNumber, next);
    const { body } = await stack.query(
      officer,
      `mutation ($n: ID!, $d: Date!) { renewPeriodOfStay(myNumber: $n, newExpiry: $d) { stayExpiresOn } }`,
      { n: p.myNumber, d: next },
    );
    if (body.errors) throw new Error(`Renewal failed: ${JSON.stringify(body.errors)}`);
    const [{ eventId }] = await stack.dbs.immigration.query(
      `SELECT event_id::text AS "eventId" FROM outbox WHERE aggregate_key = $1 ORDER BY id DESC LIMIT 1`,
      [p.myNumber],
    );
    responded.set(eventId, Date.now());
  }

  const ids = [...responded.keys()];
  let applied: Array<{ eventId: string; at: number }> = [];
  const deadline = Date.now() + 120_000;
  while (applied.length < ids.length && Date.now() < deadline) {
    applied = await stack.dbs.mynumber.query(
      `SELECT event_id::text AS "eventId", (extract(epoch from applied_at) * 1000)::float8 AS at FROM inbox WHERE event_id = ANY($1::uuid[])`,
      [ids],
    );
    await new Promise((r) => setTimeout(r, 50));
  }
  reading = false;
  await Promise.all(readers);
  if (applied.length < ids.length) throw new Error(`${ids.length - applied.length} changes never propagated`);

  const lags = applied.map((a) => Math.max(0, a.at - responded.get(a.eventId)!)).sort((a, b) => a - b);
  return {
    changes: lags.length,
    p50Ms: percentile(lags, 50),
    p99Ms: percentile(lags, 99),
    maxMs: lags.at(-1)!,
    readsDuringRun: reads,
    readErrors,
  };
}

/**
 * The in-process stack the lifecycle propagation is measured on (started at the beginning of the run), its
 * loggers quiet: LOG_LEVEL is set only while it starts, as the contenders started later inherit the environment.
 */
export async function startPropagationStack(opts: Options): Promise<Stack> {
  const level = process.env.LOG_LEVEL;
  process.env.LOG_LEVEL ??= 'warn';
  try {
    return await startStack({ persons: opts.quick ? 300 : 2000 });
  } finally {
    if (level === undefined) delete process.env.LOG_LEVEL;
    else process.env.LOG_LEVEL = level;
  }
}

/** The propagation scenario's figures, through this gateway alone, on the in-process stack. */
export async function propagationScenario(opts: Options, stack: Stack): Promise<ScenarioResult> {
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
