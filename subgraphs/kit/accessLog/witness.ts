import type { IncomingMessage, ServerResponse } from 'node:http';
import type { CryptoKey } from 'jose';
import type { Counter } from 'prom-client';
import type { DataSource } from 'typeorm';
import type { Authority } from '../../../runtime/authority';
import { embeddedDatabase, sourced, type SourcedDatabase } from '../database';
import { ADVISORY_LOCKS } from '../advisoryLocks';
import { HttpError, processLogger } from '../../../runtime/http';
import type { VerifyCaller } from '../internalSignature';
import { postInternal } from '../internalCall';
import type { VerifyingKey } from '../../../runtime/keys';
import { consistencyProof, verifyConsistency } from '../merkle';
import { authorityOf, cosignedText, parseCheckpoint, signText, verifyText } from './checkpoint';
import { asBuffer, nodeReader, type StoredCheckpoint } from './sequencer';

/** Where a log asks a witness to cosign a checkpoint. */
export const WITNESS_PATH = '/internal/audit/witness';

/** What a log sends a witness: the signed note, and a consistency proof from the size the log believes it holds. */
export interface CosignRequest {
  note: string;
  signature: string;
  oldSize: number;
  proof: string[];
}

/**
 * The witness side, run by each authority for the other two authorities' logs (C2SP tlog-witness, simplified): a
 * checkpoint is cosigned only when its log's own key signed it and a consistency proof shows the tree grew from the
 * last checkpoint this witness cosigned (the first one is taken on trust). Anything else (another history, a
 * smaller tree, a bad proof) is refused, kept in `access_log_refused`, counted and reported by `audit:verify`; a
 * wrong `oldSize` is answered 409 with the size held, so the log can send the right proof.
 */
export function witnessRoute(options: {
  db: DataSource;
  authority: Authority;
  signingKey: { privateKey: CryptoKey };
  logKeys: Partial<Record<Authority, VerifyingKey>>;
  verify: VerifyCaller;
  refusals?: Counter<'origin'>;
}) {
  // The log's statements, not a client request's (subgraph_db_statements_total{source="audit"}).
  const db = sourced(options.db, 'audit');
  async function refuse(origin: string, reason: string, note: string): Promise<never> {
    await db.query(`INSERT INTO access_log_refused (origin, reason, note) VALUES ($1, $2, $3)`, [origin, reason, note]);
    options.refusals?.inc({ origin });
    processLogger(options.authority).error({ origin, reason }, 'checkpoint refused');
    throw new HttpError(409, 'CHECKPOINT_INCONSISTENT', `Refused: ${reason}`);
  }
  return {
    [WITNESS_PATH]: cosign,
  };

  async function cosign(req: IncomingMessage, body: string, res: ServerResponse): Promise<void> {
    const call = await options.verify(req, body);
    const ask = JSON.parse(body) as CosignRequest;
    let checkpoint;
    try {
      checkpoint = parseCheckpoint(String(ask.note));
    } catch {
      throw new HttpError(400, 'BAD_REQUEST', 'Not a checkpoint note');
    }
    const log = authorityOf(checkpoint.origin);
    const key = log ? options.logKeys[log] : undefined;
    if (!log || log !== call.caller || log === options.authority || !key) throw new HttpError(403, 'FORBIDDEN', 'A log asks for its own checkpoints');
    // A new checkpoint: only a key the log signs with now, not a retired one.
    if (!(await verifyText(ask.note, String(ask.signature), key, 'accepted'))) await refuse(checkpoint.origin, 'signature', ask.note);
    const [held] = (await db.query(
      `SELECT size::int AS size, root FROM access_log_witnessed WHERE origin = $1 ORDER BY size DESC LIMIT 1`,
      [checkpoint.origin],
    )) as Array<{ size: number; root: Uint8Array }>;
    if (held && ask.oldSize !== held.size) {
      res.writeHead(409, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ errors: [{ message: 'Another size is held', extensions: { code: 'WITNESS_SIZE' } }], size: held.size }));
      return;
    }
    if (held) {
      const proof = (Array.isArray(ask.proof) ? ask.proof : []).map((p) => Buffer.from(String(p), 'base64'));
      // Every tree extends the empty one (RFC 9162 has no proof from size 0).
      const heldRoot = asBuffer(held.root);
      const consistent =
        checkpoint.size === held.size
          ? checkpoint.root.equals(heldRoot)
          : held.size === 0
            ? checkpoint.size > 0
            : verifyConsistency(held.size, checkpoint.size, heldRoot, checkpoint.root, proof);
      if (!consistent) await refuse(checkpoint.origin, checkpoint.size < held.size ? 'smaller than a cosigned tree' : 'not consistent with the cosigned tree', ask.note);
    }
    await db.query(
      `INSERT INTO access_log_witnessed (origin, size, root, at, note, signature) VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (origin, size) DO NOTHING`,
      [checkpoint.origin, checkpoint.size, checkpoint.root, checkpoint.time, ask.note, ask.signature],
    );
    const cosignature = await signText(cosignedText(options.authority, ask.note), options.signingKey.privateKey);
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ witness: options.authority, cosignature }));
  }
}

/**
 * The log side: sends each new checkpoint to the other two authorities and keeps their cosignatures with it. A
 * witness that is down or slow only delays its cosignature (the next checkpoint, or the next try, brings it up to
 * date); reads never wait for it.
 */
export class WitnessClient {
  private sending = false;
  private stopped = false;
  /** A checkpoint came while a send was under way: send again when it ends, or the newest would wait for the next. */
  private again = false;

  constructor(
    private readonly options: {
      db: DataSource;
      authority: Authority;
      signingKey: { kid: string; privateKey: CryptoKey };
      /** The other authorities' internal base URLs. */
      witnesses: Partial<Record<Authority, string>>;
      timeoutMs?: number;
    },
  ) {
    this.logged = sourced(options.db, 'audit');
  }

  /** The log's statements, not a client request's (subgraph_db_statements_total{source="audit"}). */
  private readonly logged: SourcedDatabase;

  /** Asks every witness that has not cosigned the latest checkpoint yet. */
  send(): Promise<void> {
    if (this.stopped) return Promise.resolve();
    return this.sendLatest();
  }

  /** Sends nothing more (the server is closing, its database about to go). */
  stop(): void {
    this.stopped = true;
  }

  private async sendLatest(): Promise<void> {
    if (this.sending) {
      this.again = true;
      return;
    }
    this.sending = true;
    // One sender per authority across replicas, on a connection of its own that holds no transaction (reads never
    // wait for it); another replica sending now sends the latest itself, or the next checkpoint does. An embedded
    // database has one process and one connection: `sending` is enough there.
    const sender = embeddedDatabase(this.options.db) ? null : this.options.db.createQueryRunner();
    if (sender) sender.data = { source: 'audit' };
    let locked = false;
    try {
      if (sender) {
        await sender.connect();
        [{ locked }] = (await sender.query(`SELECT pg_try_advisory_lock($1) AS locked`, [ADVISORY_LOCKS.witnessSend])) as [{ locked: boolean }];
        if (!locked) return;
      }
      const [latest] = (await this.logged.query(
        `SELECT size::int AS size, note, signature, cosignatures FROM access_log_checkpoint ORDER BY size DESC LIMIT 1`,
      )) as Array<StoredCheckpoint & { cosignatures: Record<string, string> }>;
      if (!latest) return;
      const answers = await Promise.all(
        (Object.entries(this.options.witnesses) as Array<[Authority, string]>)
          .filter(([witness]) => witness !== this.options.authority && !latest.cosignatures[witness])
          .map(async ([witness, url]) => [witness, await this.ask(witness, url, latest).catch(() => null)] as const),
      );
      // The cosignatures stored in one statement: two witnesses answering at once never wait on each other's row lock.
      const cosignatures = Object.fromEntries(answers.filter(([, cosignature]) => cosignature !== null));
      if (Object.keys(cosignatures).length > 0) {
        await this.logged.query(`UPDATE access_log_checkpoint SET cosignatures = cosignatures || $2::jsonb WHERE size = $1`, [
          latest.size,
          JSON.stringify(cosignatures),
        ]);
      }
    } finally {
      if (sender && locked) await sender.query(`SELECT pg_advisory_unlock($1)`, [ADVISORY_LOCKS.witnessSend]).catch(() => undefined);
      await sender?.release();
      this.sending = false;
      if (this.again) {
        this.again = false;
        void this.send().catch(() => undefined);
      }
    }
  }

  /**
   * The size each witness last cosigned, as this process saw it: the size its consistency proof starts from. Read
   * from the log's table the first time; a witness that holds another size (another replica sent it a checkpoint
   * since) says so, and is asked again from there.
   */
  private readonly held = new Map<Authority, number>();

  /** The witness's cosignature of the checkpoint, or null when it does not give one. */
  private async ask(witness: Authority, baseUrl: string, checkpoint: StoredCheckpoint): Promise<string | null> {
    let oldSize = this.held.get(witness) ?? (await this.lastCosigned(witness));
    for (let attempt = 0; attempt < 2; attempt++) {
      const proof = oldSize > 0 && oldSize < checkpoint.size ? await consistencyProof(oldSize, checkpoint.size, nodeReader(this.logged)) : [];
      const body: string = JSON.stringify({ note: checkpoint.note, signature: checkpoint.signature, oldSize, proof: proof.map((p) => p.toString('base64')) });
      const { status, body: answer } = await postInternal<{ cosignature?: string; size?: number; errors?: Array<{ extensions?: { code?: string } }> }>({
        from: this.options.authority,
        to: witness,
        baseUrl,
        path: WITNESS_PATH,
        body,
        signingKey: this.options.signingKey,
        timeoutMs: this.options.timeoutMs ?? 5000,
      });
      if (status === 200 && answer?.cosignature) {
        this.held.set(witness, checkpoint.size);
        return answer.cosignature;
      }
      this.held.delete(witness);
      if (status !== 409 || answer?.errors?.[0]?.extensions?.code !== 'WITNESS_SIZE' || typeof answer.size !== 'number') return null;
      oldSize = answer.size;
    }
    return null;
  }

  private async lastCosigned(witness: Authority): Promise<number> {
    const [last] = (await this.logged.query(
      `SELECT size::int AS size FROM access_log_checkpoint WHERE cosignatures ? $1 ORDER BY size DESC LIMIT 1`,
      [witness],
    )) as Array<{ size: number }>;
    return last?.size ?? 0;
  }
}
