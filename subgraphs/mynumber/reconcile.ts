import type { IncomingMessage, ServerResponse } from 'node:http';
import type { DataSource } from 'typeorm';
import { HttpError } from '../../runtime/http';
import { logInternalRead } from '../kit/internalAccess';
import type { VerifyCaller } from '../kit/internalSignature';
import type { JlisCardView } from '../../schema/internalPaths';


const PAGE = 5000;

/** What each listed card shows the ISA, for the access log. */
const ITEMS: Array<`JlisCardView.${keyof JlisCardView}`> = [
  'JlisCardView.carrierCardNumber',
  'JlisCardView.myNumber',
  'JlisCardView.status',
  'JlisCardView.statusReason',
  'JlisCardView.validUntil',
];

/**
 * Pages of the latest card J-LIS knows to be carried by each specific card, in card-number order, for the ISA's
 * reconciliation. Each row ties a My Number to a card: every person listed is logged as read by the ISA.
 */
export function reconcileCardsRoute(db: DataSource, verify: VerifyCaller) {
  return async (req: IncomingMessage, body: string, res: ServerResponse): Promise<void> => {
    const call = await verify(req, body);
    if (call.caller !== 'immigration') throw new HttpError(403, 'FORBIDDEN', 'ISA reconciliation only');
    const { after } = JSON.parse(body) as { after?: string };
    const cards: JlisCardView[] = await db.query(
      `SELECT DISTINCT ON (carrier_card_number) carrier_card_number AS "carrierCardNumber", my_number AS "myNumber",
              status, status_reason AS "statusReason", valid_until AS "validUntil"
       FROM my_number_card WHERE carrier_card_number > $1
       ORDER BY carrier_card_number, issued_on DESC, id DESC LIMIT ${PAGE}`,
      [after ?? ''],
    );
    await logInternalRead(db, 'mynumber', call, 'reconciliation', ITEMS, cards.map((c) => c.myNumber));
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ cards }));
  };
}
