import type { EntityManager } from 'typeorm';
import type { MyNumberCardKind } from '../../schema/codes';
import { ageOn } from '../../schema/dates';
import { certificateValidUntil, myNumberCardValidUntil, signatureCertificateIssuable } from './rules/myNumberCardValidity';

/** A card status in which the card still carries the My Number function. */
export const CARRIES_FUNCTION = ['ACTIVE', 'SUSPENDED'] as const;

export interface HolderRow {
  myNumber: string;
  birthDate: string;
  stayExpiresOn: string | null;
  /** Null until the registry's event names the municipality that recorded the resident. */
  municipalityCode: string | null;
}

export interface CardRow {
  id: number;
  kind: MyNumberCardKind;
  status: string;
  carrierCardNumber: string | null;
  issuedOn: string;
  validUntil: string | null;
}

/** Locks the holder's row, so concurrent changes to one person's cards apply one after another. */
export async function lockHolder(m: EntityManager, myNumber: string): Promise<HolderRow | null> {
  const [row] = (await m.query(
    `SELECT my_number AS "myNumber", birth_date AS "birthDate", stay_expires_on AS "stayExpiresOn",
            municipality_code AS "municipalityCode"
     FROM my_number WHERE my_number = $1 FOR UPDATE`,
    [myNumber],
  )) as HolderRow[];
  return row ?? null;
}

/** The card in force: the latest issued. */
export async function cardInForce(m: EntityManager, myNumber: string): Promise<CardRow | null> {
  const [row] = (await m.query(
    `SELECT id, kind, status, carrier_card_number AS "carrierCardNumber", issued_on AS "issuedOn", valid_until AS "validUntil"
     FROM my_number_card WHERE my_number = $1 ORDER BY issued_on DESC, id DESC LIMIT 1`,
    [myNumber],
  )) as CardRow[];
  return row ?? null;
}

/** Ends a card's My Number function: the card and all its functions take the status, with the reason. */
export async function endCard(m: EntityManager, cardId: number, status: 'REVOKED' | 'EXPIRED', reason: string): Promise<void> {
  await m.query(`UPDATE my_number_card SET status = $2, status_reason = $3 WHERE id = $1`, [cardId, status, reason]);
  await m.query(`UPDATE card_function SET status = $2 WHERE card_id = $1 AND status <> 'NOT_ISSUED'`, [cardId, status]);
}

/**
 * Issues a card with its three functions. A specific card's My Number part runs as long as the residence card
 * (`carrierValidUntil`); a standalone card by the My Number card rules. Certificates: the 5th birthday after
 * issue, never after the card; the signature certificate only from 15.
 */
export async function issueCard(
  m: EntityManager,
  holder: HolderRow,
  card: { kind: MyNumberCardKind; issuedOn: string; carrierCardNumber: string | null; carrierValidUntil: string | null },
): Promise<number> {
  const standardValidity = myNumberCardValidUntil({
    birthDate: holder.birthDate,
    issuedOn: card.issuedOn,
    foreignResident: { stayExpiresOn: holder.stayExpiresOn, exempt: holder.stayExpiresOn === null },
  });
  const validUntil = card.carrierCardNumber ? (card.carrierValidUntil ?? standardValidity) : standardValidity;
  const [{ id }] = (await m.query(
    `INSERT INTO my_number_card (my_number, kind, status, issued_on, valid_until, carrier_card_number)
     VALUES ($1, $2, 'ACTIVE', $3, $4, $5) RETURNING id`,
    [holder.myNumber, card.kind, card.issuedOn, validUntil, card.carrierCardNumber],
  )) as [{ id: number }];
  const certificates = certificateValidUntil({ birthDate: holder.birthDate, issuedOn: card.issuedOn, cardValidUntil: validUntil });
  const signature = signatureCertificateIssuable(ageOn(holder.birthDate, card.issuedOn));
  await m.query(
    `INSERT INTO card_function (card_id, function, status, valid_until) VALUES
       ($1, 'CARD_FUNCTION', 'ACTIVE', $2),
       ($1, 'SIGNATURE_CERTIFICATE', $3, $4),
       ($1, 'USER_AUTHENTICATION_CERTIFICATE', 'ACTIVE', $5)`,
    [id, validUntil, signature ? 'ACTIVE' : 'NOT_ISSUED', signature ? certificates : null, certificates],
  );
  return id;
}
