import type { IncomingMessage, ServerResponse } from 'node:http';
import type { DataSource } from 'typeorm';
import type { Authority } from '../../../runtime/authority';
import { HttpError } from '../../../runtime/http';
import type { VerifyCaller } from '../internalSignature';
import { authorityOf } from './checkpoint';

/** Where a witness tells what it cosigned of another authority's log (`npm run audit:verify` asks it). */
export const WITNESSED_PATH = '/internal/audit/witnessed';

/** A checkpoint as the witness keeps it: the log's note and signature, and when the witness cosigned it. */
export interface WitnessedCheckpoint {
  note: string;
  signature: string;
  cosignedAt: string;
}

export interface WitnessedAnswer {
  witness: Authority;
  origin: string;
  /** The largest checkpoint of the log this witness cosigned. */
  latest: WitnessedCheckpoint | null;
  /** The largest one whose note was signed before the retention cut-off: leaves below it may be purged. */
  beforeCut: WitnessedCheckpoint | null;
  /** The checkpoints of the log it refused: how many, and the newest. */
  refused: { count: number; latest: { at: string; reason: string } | null };
}

/**
 * The witness's account of one log, for any authority that asks (signed call): what it cosigned last, what it
 * cosigned last before the retention cut-off, and what it refused. The log cannot rewrite any of it: it lives in
 * the witness's database.
 */
export function witnessedRoute(options: { db: DataSource; authority: Authority; verify: VerifyCaller }) {
  const { db } = options;
  return {
    [WITNESSED_PATH]: async (req: IncomingMessage, body: string, res: ServerResponse) => {
      await options.verify(req, body);
      const ask = JSON.parse(body) as { origin?: unknown; retentionDays?: unknown };
      const origin = String(ask.origin);
      const log = authorityOf(origin);
      if (!log || log === options.authority) throw new HttpError(400, 'BAD_REQUEST', 'Not the origin of a log this authority witnesses');
      if (!Number.isSafeInteger(ask.retentionDays) || (ask.retentionDays as number) < 0) {
        throw new HttpError(400, 'BAD_REQUEST', 'retentionDays must be a whole number of days');
      }
      const select = `SELECT note, signature, cosigned_at AS "cosignedAt" FROM access_log_witnessed WHERE origin = $1`;
      const [latest] = (await db.query(`${select} ORDER BY size DESC LIMIT 1`, [origin])) as Array<WitnessedCheckpoint>;
      const [beforeCut] = (await db.query(`${select} AND at < now() - make_interval(days => $2) ORDER BY size DESC LIMIT 1`, [
        origin,
        ask.retentionDays,
      ])) as Array<WitnessedCheckpoint>;
      const [refused] = (await db.query(
        `SELECT count(*) OVER ()::bigint AS count, at, reason FROM access_log_refused WHERE origin = $1 ORDER BY id DESC LIMIT 1`,
        [origin],
      )) as Array<{ count: number; at: Date; reason: string }>;
      const answer: WitnessedAnswer = {
        witness: options.authority,
        origin,
        latest: latest ? stamped(latest) : null,
        beforeCut: beforeCut ? stamped(beforeCut) : null,
        refused: { count: refused?.count ?? 0, latest: refused ? { at: new Date(refused.at).toISOString(), reason: refused.reason } : null },
      };
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(answer));
    },
  };
}

const stamped = (c: WitnessedCheckpoint): WitnessedCheckpoint => ({ ...c, cosignedAt: new Date(c.cosignedAt).toISOString() });
