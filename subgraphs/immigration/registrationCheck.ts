import type { IncomingMessage, ServerResponse } from 'node:http';
import type { DataSource } from 'typeorm';
import { CARD_REFUSAL, REGISTRATION_CARD_PATH, type RegistrationCardCheck } from '../../schema/internalPaths';
import { HttpError } from '../../runtime/http';
import { logInternalRead } from '../kit/internalAccess';
import type { VerifyCaller } from '../kit/internalSignature';
import { residenceCardStatusOn } from './rules/cardValidity';
import type { ResidenceCardStatus } from '../../schema/codes';

/** The resident class a registry category belongs to (住民基本台帳法 30条の45: the card-holding categories). */
const CLASS_OF_CATEGORY: Record<string, string> = { MID_TO_LONG_TERM: 'MID_TO_LONG_TERM', SPECIAL_PERMANENT: 'SPECIAL_PERMANENT' };

/** The guarded items the check's answer depends on (sorted): the card's status and validity, and the holder's class, birth date, sex and My Number. */
const CHECKED_ITEMS = [
  'ImmigrationRecord.birthDate',
  'ImmigrationRecord.residentClass',
  'ImmigrationRecord.sex',
  'Person.myNumber',
  'ResidenceCard.number',
  'ResidenceCard.status',
  'ResidenceCard.validUntil',
];

/**
 * The ISA's answer to the registry before a card-holding resident is recorded: yes only for a card in force whose
 * holder has no My Number yet and matches the birth date, sex and category given. Every other case (no such card,
 * a holder already registered, a mismatch) is the same refusal, so the check tells no more than the card in hand
 * shows; a registration cannot link someone else's immigration record to a new My Number. Each check is logged as
 * an internal read of the card's holder.
 */
export function registrationCheckRoute(db: DataSource, clock: () => string, verify: VerifyCaller) {
  return {
    [REGISTRATION_CARD_PATH]: async (req: IncomingMessage, body: string, res: ServerResponse) => {
      const call = await verify(req, body);
      if (call.caller !== 'registry') throw new HttpError(403, 'FORBIDDEN', 'The resident registry only');
      const ask = JSON.parse(body) as RegistrationCardCheck;
      const [card] = (await db.query(
        `SELECT c.status, c.valid_until AS "validUntil", r.my_number AS "myNumber", r.resident_registered AS "registered",
                r.birth_date::text AS "birthDate", r.sex, r.resident_class AS "residentClass"
         FROM residence_card c JOIN foreign_resident r ON r.id = c.resident_id WHERE c.number = $1`,
        [String(ask.residenceCardNumber)],
      )) as Array<{ status: ResidenceCardStatus; validUntil: string | null; myNumber: string | null; registered: boolean; birthDate: string; sex: string; residentClass: string }>;
      const registrable =
        card !== undefined &&
        residenceCardStatusOn({ status: card.status, validUntil: card.validUntil }, clock()) === 'VALID' &&
        card.myNumber === null &&
        !card.registered &&
        card.birthDate === ask.birthDate &&
        card.sex === ask.sex &&
        card.residentClass === CLASS_OF_CATEGORY[ask.category];
      // The row names everything the answer depends on, its outcome, and the clerk's request it was asked for.
      await logInternalRead(db, 'immigration', call, 'resident-registration', CHECKED_ITEMS, [card?.myNumber ?? `card:${ask.residenceCardNumber}`], {
        outcome: registrable ? 'ok' : `rejected:${CARD_REFUSAL.code}`,
        requestId: ask.requestId,
      });
      if (!registrable) {
        throw new HttpError(409, CARD_REFUSAL.code, CARD_REFUSAL.message);
      }
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ registrable: true }));
    },
  };
}
