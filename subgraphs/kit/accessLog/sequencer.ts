import DataLoader from 'dataloader';
import type { CryptoKey } from 'jose';
import type { DataSource, EntityManager } from 'typeorm';
import type { Authority } from '../../../runtime/authority';
import { sourced } from '../database';
import { newNodes, rootAt, type Hash, type NodeReader } from '../merkle';
import { checkpointNote, originOf, signText } from './checkpoint';
import { LEAF_HASH_SQL } from './leaf';

/** At most this many rows become leaves in one sequencing transaction. */
const BATCH = 5000;
/** Any number, the same in every process of an authority: one sequencer at a time per authority database. */
const SEQUENCER_LOCK = 7_106_016;

export interface StoredCheckpoint {
  size: number;
  note: string;
  signature: string;
}

export interface SequencerOptions {
  db: DataSource;
  authority: Authority;
  signingKey: { privateKey: CryptoKey };
  /** How often the sequencer looks whether a run is due. */
  pollMs?: number;
  /**
   * How often waiting rows are placed and a checkpoint signed, while rows are added: a row waits for a checkpoint
   * that covers it about this long, plus at most one `pollMs`.
   */
  checkpointEveryMs?: number;
  /** Told of every new signed checkpoint (the witnesses are asked to cosign it). */
  onCheckpoint?: (checkpoint: StoredCheckpoint) => void;
  onError?: (err: unknown) => void;
}

/**
 * Reads perfect-subtree hashes of the authority's tree. The reads asked for in one tick go to the database as one
 * statement (a proof or a root asks for all its nodes at once), and each node is read once per reader: create one
 * per task, as nodes below a tree's size never change.
 */
export function nodeReader(db: Pick<EntityManager, 'query'>): NodeReader {
  // One statement at a time: inside a transaction every statement goes to the same connection.
  let previous: Promise<unknown> = Promise.resolve();
  const readBatch = async (keys: ReadonlyArray<readonly [number, number]>): Promise<Array<Hash | Error>> => {
    const rows = (await db.query(
      `SELECT n.level::int AS level, n.idx::bigint::text AS idx, n.hash FROM access_log_node n
       JOIN unnest($1::smallint[], $2::bigint[]) AS k(level, idx) ON n.level = k.level AND n.idx = k.idx`,
      [keys.map(([level]) => level), keys.map(([, index]) => index)],
    )) as Array<{ level: number; idx: string; hash: Uint8Array }>;
    const found = new Map(rows.map((row) => [`${row.level}/${row.idx}`, asBuffer(row.hash)]));
    return keys.map(([level, index]) => found.get(`${level}/${index}`) ?? new Error(`Missing tree node ${level}/${index}`));
  };
  const loader = new DataLoader<readonly [number, number], Hash, string>(
    (keys) => {
      const next = previous.then(() => readBatch(keys));
      previous = next.catch(() => undefined);
      return next;
    },
    { cacheKeyFn: ([level, index]) => `${level}/${index}` },
  );
  return (level, index) => loader.load([level, index]);
}

/** A bytea as a Buffer: node-postgres gives Buffers, PGlite plain Uint8Arrays. */
export function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/**
 * Turns appended rows into leaves of the authority's Merkle tree log, and signs checkpoints of the tree. Runs in
 * every subgraph process; a transaction-level advisory lock lets one process at a time sequence, so several
 * replicas never give two rows the same position. Reads never wait for it: a row is durable when appended.
 *
 * Rows take their places and a checkpoint is signed together, once per `checkpointEveryMs` while rows are added
 * (a row waits about that and one `pollMs`; longer while a backlog of over BATCH rows is placed). A place is of use
 * only once a signed checkpoint covers it (a proof is always against a signed root), so placing rows more often
 * would only add transactions to a busy database.
 */
export class LogSequencer {
  private readonly pollMs: number;
  private readonly checkpointEveryMs: number;
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private looking: Promise<void> | null = null;
  private stopped = false;
  private lastCheckpointAt = 0;

  constructor(private readonly options: SequencerOptions) {
    this.pollMs = options.pollMs ?? 200;
    this.checkpointEveryMs = options.checkpointEveryMs ?? 1000;
  }

  start(): void {
    this.timer ??= setInterval(() => {
      // One look at a time: a look held up by a stalled or locked database holds one connection, not one per tick.
      this.looking ??= this.poll().finally(() => {
        this.looking = null;
      });
    }, this.pollMs);
    this.timer.unref();
  }

  /**
   * The timer's look for work, once a run is due: rows without a position, or leaves no checkpoint covers yet (on a
   * new log, not even the empty tree). One small read, and a run (a locking transaction) only when there is work,
   * so an idle log costs the database and the process next to nothing. Rows appended by any replica are found this
   * way.
   */
  private async poll(): Promise<void> {
    if (this.stopped || this.running || !this.due()) return;
    try {
      const [work] = (await sourced(this.options.db, 'audit').query(
        `SELECT EXISTS (SELECT 1 FROM access_log WHERE leaf_index IS NULL) AS waiting,
                coalesce((SELECT size FROM access_log_tree WHERE id = 1), 0) > coalesce((SELECT max(size) FROM access_log_checkpoint), -1) AS unsigned`,
      )) as [{ waiting: boolean; unsigned: boolean }];
      if (work.waiting || work.unsigned) this.kick();
    } catch (err) {
      if (!this.stopped) this.options.onError?.(err);
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.looking;
    await this.running;
  }

  /** Starts a run unless one is under way (rows added meanwhile are found by the next look). */
  private kick(): void {
    if (this.stopped || this.running) return;
    this.running = this.run().finally(() => {
      this.running = null;
    });
  }

  private async run(): Promise<void> {
    try {
      while ((await this.sequence()) === BATCH);
    } catch (err) {
      // A run cut off by the database closing under it is not a failure of the log.
      if (!this.stopped) this.options.onError?.(err);
    }
  }

  /**
   * Gives the oldest waiting rows (at most BATCH) their leaf positions and, when a checkpoint is due and these were
   * the last rows waiting, signs a checkpoint of the tree in the same transaction (one commit, one flush of the log).
   * Returns how many rows it placed.
   */
  async sequence(): Promise<number> {
    const { placed, checkpoint } = await this.advance(this.due());
    if (checkpoint) this.options.onCheckpoint?.(checkpoint);
    return placed;
  }

  private due(): boolean {
    return Date.now() - this.lastCheckpointAt >= this.checkpointEveryMs;
  }

  private advance(sign: boolean): Promise<{ placed: number; checkpoint: StoredCheckpoint | null }> {
    return sourced(this.options.db, 'audit').transaction(async (m) => {
      const [{ locked }] = (await m.query(`SELECT pg_try_advisory_xact_lock($1) AS locked`, [SEQUENCER_LOCK])) as [{ locked: boolean }];
      if (!locked) return { placed: 0, checkpoint: null };
      const placed = await this.placeLeaves(m);
      // A full batch leaves rows waiting: a backlog is signed once, with its last batch.
      if (!sign || placed === BATCH) return { placed, checkpoint: null };
      this.lastCheckpointAt = Date.now();
      return { placed, checkpoint: await this.sign(m) };
    });
  }

  private async placeLeaves(m: EntityManager): Promise<number> {
    const [{ size }] = (await m.query(`SELECT size::int AS size FROM access_log_tree WHERE id = 1`)) as [{ size: number }];
    // The oldest waiting rows take the next positions, their leaf hashes computed where they are stored.
    const placed = (await m.query(
      `WITH waiting AS (
         SELECT id, $1::bigint + row_number() OVER (ORDER BY id) - 1 AS idx
         FROM (SELECT id FROM access_log WHERE leaf_index IS NULL ORDER BY id LIMIT ${BATCH}) w
       ), placed AS (
         UPDATE access_log a SET leaf_index = waiting.idx, leaf_hash = ${LEAF_HASH_SQL}
         FROM waiting WHERE a.id = waiting.id
         RETURNING a.leaf_index, a.leaf_hash
       )
       SELECT leaf_hash AS hash FROM placed ORDER BY leaf_index`,
      [size],
    )) as Array<{ hash: Uint8Array }>;
    if (placed.length === 0) return 0;
    const hashes: Hash[] = placed.map((row) => asBuffer(row.hash));
    const nodes = await newNodes(size, hashes, nodeReader(m));
    await m.query(
      `INSERT INTO access_log_node (level, idx, hash) SELECT * FROM unnest($1::smallint[], $2::bigint[], $3::bytea[])`,
      [nodes.map((n) => n.level), nodes.map((n) => n.index), nodes.map((n) => n.hash)],
    );
    await m.query(`UPDATE access_log_tree SET size = $1 WHERE id = 1`, [size + placed.length]);
    return placed.length;
  }

  /** Signs a checkpoint of the current tree when it grew since the last one (a new log: the empty tree). */
  private async sign(m: EntityManager): Promise<StoredCheckpoint | null> {
    const [{ size, last }] = (await m.query(
      `SELECT (SELECT size::int FROM access_log_tree WHERE id = 1) AS size, (SELECT max(size)::int FROM access_log_checkpoint) AS last`,
    )) as [{ size: number; last: number | null }];
    if (last === size) return null;
    const root = await rootAt(size, nodeReader(m));
    const time = new Date().toISOString();
    const note = checkpointNote({ origin: originOf(this.options.authority), size, root, time });
    const signature = await signText(note, this.options.signingKey.privateKey);
    await m.query(`INSERT INTO access_log_checkpoint (size, root, at, note, signature) VALUES ($1, $2, $3, $4, $5)`, [size, root, time, note, signature]);
    return { size, note, signature };
  }
}
