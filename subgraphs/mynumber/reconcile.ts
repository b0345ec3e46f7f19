import type { IncomingMessage, ServerResponse } from 'node:http';
import type { DataSource } from 'typeorm';
import type { Authority } from '../kit/database';
import { HttpError } from '../kit/http';
import type { JlisCardView } from '../../schema/internalPaths';


const PAGE = 5000;

/** Pages of the latest card J-LIS knows to be carried by each specific card, in card-number order, for the ISA's reconciliation. */
export function reconcileCardsRoute(db: DataSource, verify: (req: IncomingMessage, body: string) => Promise<Authority>) {
  return async (req: IncomingMessage, body: string, res: ServerResponse): Promise<void> => {
    if ((await verify(req, body)) !== 'immigration') throw new HttpError(403, 'FORBIDDEN', 'ISA reconciliation only');
    const { after } = JSON.parse(body) as { after?: string };
    const cards: JlisCardView[] = await db.query(
      `SELECT DISTINCT ON (carrier_card_number) carrier_card_number AS "carrierCardNumber", my_number AS "myNumber",
              status, status_reason AS "statusReason", valid_until AS "validUntil"
       FROM my_number_card WHERE carrier_card_number > $1
       ORDER BY carrier_card_number, issued_on DESC, id DESC LIMIT ${PAGE}`,
      [after ?? ''],
    );
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ cards }));
  };
}
