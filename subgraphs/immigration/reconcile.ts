import type { IncomingMessage, ServerResponse } from 'node:http';
import type { DataSource } from 'typeorm';
import { HttpError } from '../../runtime/http';
import type { AuditRow } from '../kit/audit';
import { logInternal, logInternalRead } from '../kit/internalAccess';
import type { InternalCall, VerifyCaller } from '../kit/internalSignature';
import { enqueue } from '../kit/outbox';
import type { Kickable } from '../kit/commands';
import { SPECIFIC_CARD_KINDS } from './rules/cardArrangement';
import { parseResidenceCardNumber } from '../../schema/identifiers';
import { residenceCardStatusOn } from './rules/cardValidity';
import type { ResidenceCardStatus } from '../../schema/codes';
import { RECONCILE_CARDS_PATH, RECONCILE_REPAIR_PATH, type IsaCardView } from '../../schema/internalPaths';


const PAGE = 5000;

/** What each listed card shows, for the access log. */
const ITEMS: Array<`IsaCardView.${keyof IsaCardView}`> = [
  'IsaCardView.number',
  'IsaCardView.myNumber',
  'IsaCardView.status',
  'IsaCardView.lossReportedOn',
  'IsaCardView.validUntil',
  'IsaCardView.functionEndedOn',
];

/** What the answer to a repair tells of a card it left alone: that it is not a specific card in force with a My Number. */
const LEFT_ALONE_ITEMS = ['ResidenceCard.kind', 'ResidenceCard.status', 'ResidenceCard.myNumberFunctionEndedOn', 'IsaCardView.myNumber'];

/** Pages of the ISA's specific cards in card-number order (`after` is the last number of the previous page). */
async function cardsPage(db: DataSource, after: string, today: string): Promise<IsaCardView[]> {
  const rows: Array<IsaCardView & { status: ResidenceCardStatus }> = await db.query(
    `SELECT c.number, r.my_number AS "myNumber", c.status, c.loss_reported_on AS "lossReportedOn",
            c.valid_until AS "validUntil", c.my_number_function_ended_on AS "functionEndedOn"
     FROM residence_card c JOIN foreign_resident r ON r.id = c.resident_id
     WHERE c.kind = ANY($1) AND c.number > $2 ORDER BY c.number LIMIT ${PAGE}`,
    [SPECIFIC_CARD_KINDS, after],
  );
  return rows.map((r) => ({ ...r, status: residenceCardStatusOn({ status: r.status, validUntil: r.validUntil }, today) }));
}

/**
 * Re-emits, through the outbox, the event that carries the ISA's current fact about each named specific card in
 * force, so J-LIS applies it by the same path as the original (idempotent on J-LIS's side by its own rules). Any
 * other card (not a specific card, not in force, no My Number, its My Number function ended) is left alone: the ISA
 * never tells J-LIS that a plain residence card carries the function, nor starts one that has ended.
 *
 * Every card named gets an access-log row in the same transaction as the events: the caller learns from the count
 * whether each card was in force and linked, and J-LIS is sent the holder's facts again. A card sent again is logged
 * with what its event carries; one left alone, as `not_repairable`; an unknown number, as `not_found`.
 */
async function repair(db: DataSource, call: InternalCall, cards: string[], today: string): Promise<number> {
  let emitted = 0;
  await db.transaction(async (m) => {
    const rows: Array<{
      number: string;
      kind: (typeof SPECIFIC_CARD_KINDS)[number];
      status: ResidenceCardStatus;
      lossReportedOn: string | null;
      validUntil: string | null;
      issuedOn: string;
      functionEndedOn: string | null;
      myNumber: string | null;
    }> = await m.query(
      // Locked as the ISA's commands lock them: a loss report, a reissue or the function's end committed while
      // the repair reads would otherwise be overtaken by the older fact it sends.
      `SELECT c.number, c.kind, c.status, c.loss_reported_on AS "lossReportedOn", c.valid_until AS "validUntil",
              c.issued_on AS "issuedOn", c.my_number_function_ended_on AS "functionEndedOn", r.my_number AS "myNumber"
       FROM residence_card c JOIN foreign_resident r ON r.id = c.resident_id WHERE c.number = ANY($1)
       ORDER BY c.number FOR SHARE OF c, r`,
      [cards],
    );
    const found = new Map(rows.map((c) => [c.number, c]));
    const logged: AuditRow[] = [];
    for (const number of new Set(cards)) {
      const c = found.get(number);
      const subject = c?.myNumber ?? `card:${number}`;
      if (!c) {
        logged.push({ subject, items: [], action: 'repair', outcome: 'not_found' });
        continue;
      }
      const status = residenceCardStatusOn({ status: c.status, validUntil: c.validUntil }, today);
      // A function the holder returned or J-LIS revoked stays ended: sending the card again would start it anew.
      if (!c.myNumber || status !== 'VALID' || !SPECIFIC_CARD_KINDS.includes(c.kind) || c.functionEndedOn) {
        logged.push({ subject, items: LEFT_ALONE_ITEMS, action: 'repair', outcome: 'not_repairable' });
        continue;
      }
      const event = c.lossReportedOn
        ? ({
            type: 'CardReportedLost',
            key: c.myNumber,
            destination: 'mynumber',
            payload: { myNumber: c.myNumber, cardNumber: c.number, reportedOn: c.lossReportedOn },
          } as const)
        : ({
            type: 'SpecificCardIssued',
            key: c.myNumber,
            destination: 'mynumber',
            payload: { myNumber: c.myNumber, cardNumber: c.number, kind: c.kind, issuedOn: c.issuedOn, validUntil: c.validUntil, replacedCardNumber: null },
          } as const);
      await enqueue(m, event);
      logged.push({ subject, items: Object.keys(event.payload).map((field) => `${event.type}.${field}`), action: 'repair', outcome: 'ok' });
      emitted++;
    }
    // Nothing is queued unless it is logged: the transaction rolls back with the rows.
    await logInternal(m, 'immigration', call, 'reconciliation', logged);
  });
  return emitted;
}

/**
 * Internal endpoints for `npm run reconcile` (signed by the ISA's own key). The card listing ties My Numbers to
 * cards: every person listed is logged as read, like any read of personal data.
 */
export function reconcileRoutes(db: DataSource, relay: Kickable, clock: () => string, verify: VerifyCaller) {
  const isaOnly = async (req: IncomingMessage, body: string) => {
    const call = await verify(req, body);
    if (call.caller !== 'immigration') throw new HttpError(403, 'FORBIDDEN', 'ISA reconciliation only');
    return call;
  };
  return {
    [RECONCILE_CARDS_PATH]: async (req: IncomingMessage, body: string, res: ServerResponse) => {
      const call = await isaOnly(req, body);
      const { after } = JSON.parse(body) as { after?: string };
      const cards = await cardsPage(db, after ?? '', clock());
      // A card whose holder has no My Number is logged by its number, as the ISA's other reads log it.
      await logInternalRead(db, 'immigration', call, 'reconciliation', ITEMS, cards.map((c) => c.myNumber ?? `card:${c.number}`));
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ cards }));
    },
    [RECONCILE_REPAIR_PATH]: async (req: IncomingMessage, body: string, res: ServerResponse) => {
      const call = await isaOnly(req, body);
      const { cards } = JSON.parse(body) as { cards?: unknown };
      const numbers = Array.isArray(cards) && cards.length <= 1000 ? cards.map((c) => (typeof c === 'string' ? parseResidenceCardNumber(c) : null)) : null;
      if (!numbers || !numbers.every((n) => n?.ok)) throw new HttpError(400, 'BAD_REQUEST', 'cards must be at most 1,000 residence card numbers');
      const emitted = await repair(db, call, numbers.map((n) => (n as { value: string }).value), clock());
      relay.kick();
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ emitted }));
    },
  };
}
