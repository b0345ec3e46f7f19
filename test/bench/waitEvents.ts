/**
 * What the authorities' PostgreSQL sessions wait on under load: `pg_stat_activity` sampled every 100 ms, each
 * active session of their databases counted under its `wait_event_type:wait_event` (`CPU` when it waits on
 * nothing). A session queueing behind another's lock on the access log shows as `Lock:*`; a commit waiting for
 * its WAL flush as `IO:WALSync` or `LWLock:WALWrite`.
 */
import { Client } from 'pg';

export interface WaitEventCounts {
  samples: number;
  /** Active sessions seen over all samples, by wait event. */
  events: Record<string, number>;
  /** Why sampling stopped early, if it did. */
  error?: string;
}

/** Starts sampling the sessions of `databases` on the server at `url`; the returned function stops and counts. */
export async function sampleWaitEvents(url: string, databases: string[], intervalMs = 100): Promise<() => Promise<WaitEventCounts>> {
  const client = new Client({ connectionString: url });
  await client.connect();
  const counts: WaitEventCounts = { samples: 0, events: {} };
  let sampling: Promise<void> = Promise.resolve();
  const sample = async () => {
    const { rows } = await client.query<{ event: string; n: number }>(
      `SELECT coalesce(wait_event_type || ':' || wait_event, 'CPU') AS event, count(*)::int AS n
       FROM pg_stat_activity
       WHERE state = 'active' AND datname = ANY($1) AND pid <> pg_backend_pid()
       GROUP BY 1`,
      [databases],
    );
    counts.samples++;
    for (const { event, n } of rows) counts.events[event] = (counts.events[event] ?? 0) + n;
  };
  // One sample at a time: a slow one delays the next rather than piling up.
  const timer = setInterval(() => {
    if (counts.error === undefined) sampling = sampling.then(sample).catch((err: Error) => void (counts.error = err.message));
  }, intervalMs);
  return async () => {
    clearInterval(timer);
    await sampling.finally(() => client.end());
    return counts;
  };
}

/** Sums the counts of several runs (a cell's rounds). */
export function addWaitEvents(runs: Array<WaitEventCounts | undefined>): WaitEventCounts | undefined {
  const present = runs.filter((r): r is WaitEventCounts => r !== undefined);
  if (present.length === 0) return undefined;
  const total: WaitEventCounts = { samples: 0, events: {} };
  for (const r of present) {
    total.samples += r.samples;
    for (const [event, n] of Object.entries(r.events)) total.events[event] = (total.events[event] ?? 0) + n;
    total.error ??= r.error;
  }
  return total;
}

/** `Lock:transactionid 12, CPU 8, ...`: the events, most frequent first. */
export function formatWaitEvents(counts: WaitEventCounts | undefined): string {
  if (!counts) return '–';
  const events = Object.entries(counts.events).sort((a, b) => b[1] - a[1]);
  return events.length === 0 ? 'no active session seen' : events.map(([e, n]) => `${e} ${n}`).join(', ');
}
