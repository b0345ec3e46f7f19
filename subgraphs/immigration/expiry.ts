/**
 * The expiry sweep: records as EXPIRED every residence card whose last valid day has passed and that the special
 * period does not keep (rules/specialPeriod.ts), so the statistics, which count cards by their recorded status,
 * follow the date as the reads do. Reads never wait for it and never depend on it: they read a card recorded VALID or
 * EXPIRED by its date and the holder's application on the day (rules/cardValidity.ts), so when the sweep ran, or on
 * which replica's clock, changes no answer. A card the special period keeps stays VALID until the period ends; a
 * later sweep records it then, and an application that keeps a card already recorded EXPIRED records it VALID again
 * (commands.ts, applyForExtension).
 */
import type { DataSource } from 'typeorm';
import { sourced, type SourcedDatabase } from '../kit/database';
import { lastApplication } from './commands';
import { cardStatusWithApplication } from './rules/specialPeriod';

/** Cards chosen per look (each is then recorded in a transaction of its own). */
const BATCH = 500;

interface Due {
  number: string;
  validUntil: string;
}

/**
 * Records one card EXPIRED if it is still VALID and the rule reads it EXPIRED today. Locks the card, then its holder,
 * as a command naming the card does, and waits for neither: a card or holder busy elsewhere is left to the next
 * sweep. One card per transaction, so the statistics' counts it moves are held as briefly as by any command.
 */
async function expireCard(db: SourcedDatabase, number: string, today: string): Promise<boolean> {
  return db.transaction(async (m) => {
    const [card] = (await m.query(
      `SELECT c.resident_id AS "residentId", c.valid_until AS "validUntil"
       FROM residence_card c JOIN foreign_resident f ON f.id = c.resident_id
       WHERE c.number = $1 AND c.status = 'VALID' FOR UPDATE OF c, f SKIP LOCKED`,
      [number],
    )) as Array<{ residentId: number; validUntil: string | null }>;
    if (!card) return false;
    const status = cardStatusWithApplication({ status: 'VALID', validUntil: card.validUntil }, await lastApplication(m, card.residentId), today);
    if (status !== 'EXPIRED') return false;
    await m.query(`UPDATE residence_card SET status = 'EXPIRED' WHERE number = $1`, [number]);
    return true;
  });
}

/** Records every residence card past its date by `today` as EXPIRED, unless the special period keeps it; how many. */
export async function expireCardsByDate(database: DataSource, today: string): Promise<number> {
  // Counted as the sweep's statements, not a client request's (subgraph_db_statements_total{source="sweep"}).
  const db = sourced(database, 'sweep');
  let expired = 0;
  let from: Due = { validUntil: '0001-01-01', number: '' };
  for (;;) {
    // In last-valid-day and number order, from the last card looked at: a card kept or left is not looked at again.
    const due: Due[] = await db.query(
      `SELECT number, valid_until AS "validUntil" FROM residence_card
       WHERE status = 'VALID' AND valid_until < $1 AND (valid_until, number) > ($2::date, $3::char(12))
       ORDER BY valid_until, number LIMIT ${BATCH}`,
      [today, from.validUntil, from.number],
    );
    for (const card of due) if (await expireCard(db, card.number, today)) expired++;
    if (due.length < BATCH) return expired;
    from = due[due.length - 1] as Due;
  }
}
