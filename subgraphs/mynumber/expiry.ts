/**
 * The expiry sweep: records as EXPIRED every My Number card and function whose last valid day has passed, and tells
 * the ISA of each card's end by the same event a return sends (MyNumberFunctionEnded), so its card record and its
 * statistics follow. Reads never wait for it (they apply rules/myNumberCardExpiry.ts); it runs when the subgraph
 * starts and then hourly, so a new day is recorded within the hour without anyone acting on the records.
 */
import type { DataSource, EntityManager } from 'typeorm';
import { sourced, type SourcedDatabase } from '../kit/database';
import { addDays } from '../../schema/dates';
import type { Kickable } from '../kit/commands';
import { enqueue } from '../kit/outbox';
import { endCard, lockHolder } from './cards';
import { expiryReason } from './rules/myNumberCardExpiry';

/** Cards ended per transaction (bounded work and locks per step). */
const BATCH = 500;

/** A card whose date has passed. */
export interface Due {
  id: number;
  myNumber: string;
  kind: string;
  validUntil: string;
  carrierCardNumber: string | null;
}

/** Expires one batch of cards past their date: how many it chose (none: nothing left) and how many it ended. */
async function expireBatch(db: SourcedDatabase, today: string): Promise<{ chosen: number; ended: number }> {
  return db.transaction(async (m) => {
    // The holders' locks, taken first as every command and event handler takes them, order the expiry with what
    // else happens to the same person; a holder busy elsewhere is left to the next round. The statuses are
    // EXPIRES_BY_DATE written out, so the planner can use the partial index of migration 0008.
    const due: Due[] = await m.query(
      `SELECT c.id, c.my_number AS "myNumber", c.kind, c.valid_until AS "validUntil", c.carrier_card_number AS "carrierCardNumber"
       FROM my_number_card c JOIN my_number h ON h.my_number = c.my_number
       WHERE c.status IN ('ACTIVE', 'SUSPENDED') AND c.valid_until < $1
       ORDER BY c.valid_until, c.id LIMIT ${BATCH} FOR UPDATE OF h SKIP LOCKED`,
      [today],
    );
    let ended = 0;
    for (const card of due) {
      const holder = await lockHolder(m, card.myNumber);
      // Read again under the lock: a change committed since the batch was chosen may have ended the card already.
      const live: unknown[] = await m.query(`SELECT 1 FROM my_number_card WHERE id = $1 AND status IN ('ACTIVE', 'SUSPENDED')`, [card.id]);
      if (live.length === 0) continue;
      await recordExpiry(m, card, holder?.stayExpiresOn ?? null);
      ended += 1;
    }
    return { chosen: due.length, ended };
  });
}

/** Records a card past its date as EXPIRED, with its functions, and tells the ISA (in the caller's transaction). */
export async function recordExpiry(m: EntityManager, card: Due, stayExpiresOn: string | null): Promise<void> {
  const reason = expiryReason(card, stayExpiresOn);
  await endCard(m, card.id, 'EXPIRED', reason);
  await enqueue(m, {
    type: 'MyNumberFunctionEnded',
    key: card.myNumber,
    destination: 'immigration',
    // The first day the function was no longer valid.
    payload: { myNumber: card.myNumber, carrierCardNumber: card.carrierCardNumber, status: 'EXPIRED', reason, endedOn: addDays(card.validUntil, 1) },
  });
}

/** Records every card and function whose date has passed by `today` as EXPIRED, the cards' ends as events. */
export async function expireByDate(database: DataSource, today: string, relay: Kickable): Promise<number> {
  // Counted as the sweep's statements, not a client request's (subgraph_db_statements_total{source="sweep"}).
  const db = sourced(database, 'sweep');
  let ended = 0;
  for (let batch = await expireBatch(db, today); batch.chosen > 0; batch = await expireBatch(db, today)) {
    ended += batch.ended;
    relay.kick();
  }
  // Certificates end on their own dates too (the 5th birthday after issue), with no event: the card stays in force.
  await db.query(`UPDATE card_function SET status = 'EXPIRED' WHERE status IN ('ACTIVE', 'SUSPENDED') AND valid_until < $1`, [today]);
  return ended;
}
