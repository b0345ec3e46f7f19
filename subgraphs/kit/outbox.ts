import { randomUUID } from 'node:crypto';
import DataLoader from 'dataloader';
import type { CryptoKey } from 'jose';
import type { DataSource, EntityManager } from 'typeorm';
import type { EventPayloads, EventType } from '../../schema/events';
import type { PoolClient } from 'pg';
import type { Authority } from '../../runtime/authority';
import { embeddedDatabase, sourced, type SourcedDatabase } from './database';
import { ADVISORY_LOCKS } from './advisoryLocks';
import { EVENTS_PATH, type EventEnvelope } from './events';
import { postInternal } from './internalCall';

/** An event to record in the same transaction as the state change it reports. */
export interface OutgoingEvent<T extends EventType> {
  type: T;
  key: string;
  destination: Authority;
  payload: EventPayloads[T];
}

/** The notification channel that wakes relays when an event is committed. */
export const OUTBOX_CHANNEL = 'outbox';

/** Writes the event into the outbox through the caller's transaction: it commits, or neither does. */
export async function enqueue<T extends EventType>(manager: EntityManager, event: OutgoingEvent<T>): Promise<string> {
  const eventId = randomUUID();
  await manager.query(
    `INSERT INTO outbox (event_id, type, aggregate_key, destination, payload) VALUES ($1, $2, $3, $4, $5)`,
    [eventId, event.type, event.key, event.destination, JSON.stringify(event.payload)],
  );
  // Delivered at commit to every relay listening (other replicas of this subgraph), so none waits for its poll.
  await manager.query(`SELECT pg_notify('${OUTBOX_CHANNEL}', '')`);
  return eventId;
}

export interface RelayOptions {
  db: DataSource;
  source: Authority;
  /** Base URL of each consuming subgraph (e.g. http://127.0.0.1:4001). */
  destinations: Partial<Record<Authority, string>>;
  signingKey: { kid: string; privateKey: CryptoKey };
  /** Attempts before an event is parked for an operator. */
  maxAttempts?: number;
  /** Longest wait between retries. */
  maxBackoffMs?: number;
  /** How often to look again when nothing woke the relay. */
  pollMs?: number;
  onDelivered?: (event: EventEnvelope, ms: number) => void;
  onFailed?: (event: EventEnvelope, error: string, parked: boolean) => void;
  /** Told when this relay starts delivering (true) and when it stops or loses the lock (false). */
  onLeading?: (leading: boolean) => void;
}

interface PendingRow {
  id: number;
  eventId: string;
  type: string;
  key: string;
  destination: Authority;
  payload: Record<string, unknown>;
  occurredAt: string;
  attempts: number;
}

/** The relay's own connection on PostgreSQL: it LISTENs, and holds the leadership lock for its session. */
interface RelaySession {
  client: PoolClient;
  /** False once the connection failed or ended: the lock went with it. */
  alive: boolean;
  /** True once the lock is held. */
  leading: boolean;
}

/**
 * Delivers outbox events to their consumers: at least once, in order per person and destination, with
 * exponential backoff; a consumer that refuses an event (4xx) or keeps failing parks it, and the events after
 * it for the same person wait behind it rather than overtake it.
 *
 * Every replica of a subgraph runs a relay, and one at a time delivers: on PostgreSQL, the one whose own
 * connection holds the authority's session advisory lock. The others wait for the lock on theirs, so when the
 * holder dies (its session ends, and the lock with it) one of them takes over at once. An event is sent twice
 * only when the holder's session ends while a delivery is in flight; the consumer's inbox absorbs that one.
 * An embedded database has one process, whose relay always delivers.
 */
export class OutboxRelay {
  private running = false;
  private wake: (() => void) | null = null;
  private kicked = false;
  private loop: Promise<void> | null = null;
  private session: RelaySession | null = null;
  private reported = false;

  /** The relay's own statements (`source="relay"`). */
  private readonly relayed: SourcedDatabase;

  constructor(private readonly options: RelayOptions) {
    this.relayed = sourced(options.db, 'relay');
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = this.run();
  }

  /**
   * Stops after the deliveries in flight and gives up the lock, so another replica takes over; undelivered
   * events stay in the outbox.
   */
  async stop(): Promise<void> {
    this.running = false;
    this.kick();
    // Ends a wait for the lock at once: the connection goes, and its session's lock and LISTEN with it.
    this.closeSession();
    await this.loop;
  }

  /** Whether this relay delivers now (it holds the lock, or the database is embedded). */
  get leading(): boolean {
    return this.pool() === undefined || (this.session?.alive === true && this.session.leading);
  }

  private pool(): { connect(): Promise<PoolClient> } | undefined {
    const pool = (this.options.db.driver as unknown as { master?: { connect(): Promise<PoolClient> } }).master;
    return embeddedDatabase(this.options.db) || !pool?.connect ? undefined : pool;
  }

  /**
   * On PostgreSQL, opens the relay's own connection, LISTENs on it (a commit by any replica wakes this relay at
   * once; within one process `kick()` does it) and waits there until it holds the lock. True once it does.
   */
  private async lead(): Promise<boolean> {
    const pool = this.pool();
    if (!pool) return this.report(true);
    if (this.session?.alive && this.session.leading) return true;
    this.closeSession();
    const client = await pool.connect();
    const session: RelaySession = { client, alive: true, leading: false };
    this.session = session;
    const lost = () => {
      session.alive = false;
      this.kick();
    };
    client.on('error', lost);
    client.on('end', lost);
    client.on('notification', () => this.kick());
    try {
      await client.query(`LISTEN ${OUTBOX_CHANNEL}`);
      await client.query(`SELECT pg_advisory_lock($1)`, [ADVISORY_LOCKS.outboxRelay]);
    } catch {
      session.alive = false;
    }
    if (!this.running || !session.alive || this.session !== session) {
      if (this.session === session) this.closeSession();
      return false;
    }
    session.leading = true;
    return this.report(true);
  }

  /** Closes the relay's connection (not back into the pool: it would keep the lock). */
  private closeSession(): void {
    const session = this.session;
    if (!session) return;
    this.session = null;
    session.alive = false;
    session.client.release(true);
    if (session.leading) this.report(false);
  }

  /** Tells `onLeading` of a change; returns `leading`. */
  private report(leading: boolean): boolean {
    if (this.reported !== leading) {
      this.reported = leading;
      this.options.onLeading?.(leading);
    }
    return leading;
  }

  /** Wakes the relay at once (called after a transaction that enqueued events commits). */
  kick(): void {
    this.kicked = true;
    this.wake?.();
  }

  private async run(): Promise<void> {
    const pollMs = this.options.pollMs ?? 1000;
    while (this.running) {
      this.kicked = false;
      let progressed = false;
      try {
        if (!(await this.lead())) {
          // The database refused or dropped the connection: try again after the poll interval.
          if (this.running) await this.sleep(pollMs);
          continue;
        }
        progressed = await this.deliverReady();
      } catch {
        // The database may be briefly unavailable; try again after the poll interval.
      }
      if (!this.running) break;
      if (progressed || this.kicked) continue;
      await this.sleep(pollMs);
    }
    this.closeSession();
    this.report(false);
  }

  private async sleep(ms: number): Promise<void> {
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, ms);
      this.wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
    this.wake = null;
  }

  /** Delivers the oldest owed event of each person that is due; true when any was delivered. */
  private async deliverReady(): Promise<boolean> {
    const heads: PendingRow[] = await this.relayed.query(
      `SELECT id, event_id AS "eventId", type, aggregate_key AS key, destination, payload,
              to_char(occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS "occurredAt", attempts
       FROM (SELECT DISTINCT ON (destination, aggregate_key) *
             FROM outbox WHERE delivered_at IS NULL
             ORDER BY destination, aggregate_key, id) AS head
       WHERE parked_at IS NULL AND next_attempt_at <= now()
       ORDER BY id
       LIMIT 256`,
    );
    if (heads.length === 0) return false;
    const results = await Promise.all(heads.map((row) => this.deliver(row)));
    return results.some(Boolean);
  }

  private async deliver(row: PendingRow): Promise<boolean> {
    const { source, destinations, signingKey } = this.options;
    const db = this.relayed;
    const envelope: EventEnvelope = {
      eventId: row.eventId,
      type: row.type,
      source,
      key: row.key,
      occurredAt: row.occurredAt,
      payload: row.payload,
    };
    const started = Date.now();
    let error: string;
    let permanent = false;
    try {
      const base = destinations[row.destination];
      if (!base) throw new Error(`No address for ${row.destination}`);
      const body = JSON.stringify(envelope);
      // Signed for this attempt alone: a retry is a new request with a signature of its own.
      const res = await postInternal({ from: source, to: row.destination, baseUrl: base, path: EVENTS_PATH, body, signingKey, timeoutMs: 10_000 });
      if (res.status >= 200 && res.status <= 299) {
        await db.query(`UPDATE outbox SET delivered_at = now(), attempts = attempts + 1, last_error = NULL WHERE id = $1`, [row.id]);
        this.options.onDelivered?.(envelope, Date.now() - started);
        return true;
      }
      error = `HTTP ${res.status}: ${res.text.slice(0, 500)}`;
      permanent = res.status >= 400 && res.status < 500 && res.status !== 408 && res.status !== 429;
    } catch (err) {
      error = (err as Error).message;
    }
    const attempts = row.attempts + 1;
    const park = permanent || attempts >= (this.options.maxAttempts ?? 20);
    const backoff = Math.min(this.options.maxBackoffMs ?? 30_000, 100 * 2 ** Math.min(attempts, 16));
    const jittered = Math.round(backoff * (0.75 + Math.random() * 0.5));
    await db.query(
      `UPDATE outbox SET attempts = $2, last_error = $3,
              next_attempt_at = now() + ($4 || ' milliseconds')::interval,
              parked_at = CASE WHEN $5 THEN now() END
       WHERE id = $1`,
      [row.id, attempts, error, String(jittered), park],
    );
    this.options.onFailed?.(envelope, error, park);
    return false;
  }
}

/** An event about a person that has not reached its consumer yet. */
export interface PendingChange {
  event: string;
  from: Authority;
  to: Authority;
  since: string;
  attempts: number;
  parked: boolean;
}

/** Allowance for clock differences between the gateway and the database servers. */
const CLOCK_MARGIN_MS = 1000;

/**
 * Per-request loader of each person's events in flight from this authority, one statement per batch. The
 * gateway may have read the consumer's part of the record before this subgraph is asked, so an event delivered
 * since the request began (less a clock margin) still counts as in flight: the record never looks settled
 * while one of its parts may predate a change.
 */
export function createPendingLoader(db: DataSource, source: Authority, requestStartedAt = Date.now()): DataLoader<string, PendingChange[]> {
  return new DataLoader(async (keys) => {
    const rows: Array<PendingChange & { key: string }> = await db.query(
      `SELECT aggregate_key AS key, type AS event, destination AS "to", attempts, parked_at IS NOT NULL AS parked,
              to_char(occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS since
       FROM outbox
       WHERE aggregate_key = ANY($1) AND (delivered_at IS NULL OR delivered_at >= to_timestamp($2::float8 / 1000))
       ORDER BY id`,
      [keys, requestStartedAt - CLOCK_MARGIN_MS],
    );
    const byKey = new Map<string, PendingChange[]>();
    for (const { key, ...change } of rows) byKey.set(key, [...(byKey.get(key) ?? []), { ...change, from: source }]);
    return keys.map((k) => byKey.get(k) ?? []);
  });
}
