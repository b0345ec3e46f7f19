import type { EntityManager } from 'typeorm';
import { addDays, compareDates } from '../../schema/dates';
import type { MyNumberCardKind } from '../../schema/codes';
import { eventHandlers, RejectedEvent, type PayloadHandler } from '../kit/inbox';
import { cardInForce, CARRIES_FUNCTION, endCard, issueCard, lockHolder, type HolderRow } from './cards';
import { myNumberFunctionFollowsStay } from './rules/myNumberCardValidity';

async function holder(m: EntityManager, myNumber: string): Promise<HolderRow> {
  const row = await lockHolder(m, myNumber);
  if (!row) throw new RejectedEvent('UNKNOWN_MY_NUMBER', 'No such My Number at J-LIS');
  return row;
}

/** The card carried by a residence card, if it still carries the function. */
async function carriedBy(m: EntityManager, cardNumber: string): Promise<{ id: number } | null> {
  const [row] = (await m.query(
    `SELECT id FROM my_number_card WHERE carrier_card_number = $1 AND status = ANY($2)`,
    [cardNumber, CARRIES_FUNCTION],
  )) as Array<{ id: number }>;
  return row ?? null;
}

/** Conversion or new issuance: a standalone card ends, the function moves to the specific card. */
const specificCardIssued: PayloadHandler<'SpecificCardIssued'> = async (m, p) => {
  const h = await holder(m, p.myNumber);
  const current = await cardInForce(m, p.myNumber);
  // The card J-LIS already knows to carry the function (the ISA's reconciliation may send its fact again): nothing to
  // do. Ending and issuing it anew would revoke the holder's certificates for nothing.
  if (current && current.carrierCardNumber === p.cardNumber && (CARRIES_FUNCTION as readonly string[]).includes(current.status)) return;
  if (current && (CARRIES_FUNCTION as readonly string[]).includes(current.status)) {
    await endCard(m, current.id, 'REVOKED', current.kind === 'MY_NUMBER_CARD' ? 'CONVERTED_TO_SPECIFIC_CARD' : 'CARD_REISSUED');
  }
  await issueCard(m, h, {
    kind: p.kind as MyNumberCardKind,
    issuedOn: p.issuedOn,
    carrierCardNumber: p.cardNumber,
    carrierValidUntil: p.validUntil,
  });
};

/** Partial invalidation: the My Number function of a lost specific card is revoked at once. */
const cardReportedLost: PayloadHandler<'CardReportedLost'> = async (m, p) => {
  await holder(m, p.myNumber);
  const card = await carriedBy(m, p.cardNumber);
  if (card) await endCard(m, card.id, 'REVOKED', 'CARD_REPORTED_LOST');
};

/** Why the function a residence card carried last ended; null when it still carries it or never did. */
async function lastEndReason(m: EntityManager, cardNumber: string): Promise<string | null> {
  const [row] = (await m.query(
    `SELECT status_reason AS reason FROM my_number_card WHERE carrier_card_number = $1 ORDER BY issued_on DESC, id DESC LIMIT 1`,
    [cardNumber],
  )) as Array<{ reason: string | null }>;
  return row?.reason ?? null;
}

/**
 * A new card in place of a specific card (reissue, or a permission that changes what the card shows): the function
 * moves to it if the old card carried it, and comes back on it after a loss (partial invalidation ends at reissue).
 * A function the holder returned or J-LIS revoked stays ended: the new card carries none until one is applied for.
 */
const cardReissued: PayloadHandler<'CardReissued'> = async (m, p) => {
  const h = await holder(m, p.myNumber);
  const old = await carriedBy(m, p.oldCardNumber);
  if (old) await endCard(m, old.id, 'REVOKED', 'CARD_REISSUED');
  else if ((await lastEndReason(m, p.oldCardNumber)) !== 'CARD_REPORTED_LOST') return;
  await issueCard(m, h, {
    kind: p.kind as MyNumberCardKind,
    issuedOn: p.issuedOn,
    carrierCardNumber: p.newCardNumber,
    carrierValidUntil: p.validUntil,
  });
};

/** One renewal: the card and its My Number function are valid until the new end. */
const periodOfStayRenewed: PayloadHandler<'PeriodOfStayRenewed'> = async (m, p) => {
  await holder(m, p.myNumber);
  const follows = myNumberFunctionFollowsStay(p.residentClass, p.statusOfResidence);
  await m.query(`UPDATE my_number SET stay_expires_on = $2 WHERE my_number = $1`, [p.myNumber, follows ? p.stayExpiresOn : null]);
  if (!p.cardNumber || !p.cardValidUntil) return;
  const card = await carriedBy(m, p.cardNumber);
  if (!card) return;
  await m.query(`UPDATE my_number_card SET valid_until = $2 WHERE id = $1`, [card.id, p.cardValidUntil]);
  await m.query(`UPDATE card_function SET valid_until = $2 WHERE card_id = $1 AND function = 'CARD_FUNCTION'`, [
    card.id,
    p.cardValidUntil,
  ]);
};

/**
 * The special period: a foreign resident's card and function that ran to the old end of stay stay usable through the
 * period's last day (live cards only; an ended function stays ended). The printed validity is not changed in law;
 * the record keeps the day the function is usable through, which the expiry sweep then honours.
 */
const stayApplicationFiled: PayloadHandler<'StayApplicationFiled'> = async (m, p) => {
  await holder(m, p.myNumber);
  await moveLastDay(m, p.myNumber, p.oldStayExpiresOn, p.specialPeriodLastDay);
};

/** A refusal ends the special period that day: the function is usable through the day before, never short of the old end. */
const stayApplicationRefused: PayloadHandler<'StayApplicationRefused'> = async (m, p) => {
  await holder(m, p.myNumber);
  const dayBefore = addDays(p.refusedOn, -1);
  await moveLastDay(m, p.myNumber, p.specialPeriodLastDay, compareDates(dayBefore, p.oldStayExpiresOn) > 0 ? dayBefore : p.oldStayExpiresOn);
};

/** Moves the last valid day of the holder's live cards (and their card functions) from `from` to `to`. */
async function moveLastDay(m: EntityManager, myNumber: string, from: string, to: string): Promise<void> {
  const live = `SELECT id FROM my_number_card WHERE my_number = $1 AND valid_until = $2 AND status = ANY($4)`;
  await m.query(`UPDATE card_function SET valid_until = $3 WHERE card_id IN (${live}) AND function = 'CARD_FUNCTION' AND valid_until = $2`, [
    myNumber,
    from,
    to,
    CARRIES_FUNCTION,
  ]);
  await m.query(`UPDATE my_number_card SET valid_until = $3 WHERE id IN (${live})`, [myNumber, from, to, CARRIES_FUNCTION]);
}

/** Where a resident lives decides which municipality's clerks may act for them. */
async function livesIn(m: EntityManager, myNumber: string, municipalityCode: string): Promise<void> {
  // An UPDATE answers [rows, affected].
  const [, affected] = (await m.query(`UPDATE my_number SET municipality_code = $2 WHERE my_number = $1`, [myNumber, municipalityCode])) as [unknown, number];
  if (affected === 0) throw new RejectedEvent('UNKNOWN_MY_NUMBER', 'No such My Number at J-LIS');
}

const residentMoved: PayloadHandler<'ResidentMoved'> = (m, p) => livesIn(m, p.myNumber, p.municipalityCode);

/**
 * The municipality that recorded the resident: until it is known, no municipality's clerks act for the number (a
 * registration may fail after J-LIS answered, and the person be recorded elsewhere). Delivered in order with the
 * person's later moves (the outbox orders one person's events).
 */
const residentRegistered: PayloadHandler<'ResidentRegistered'> = (m, p) => livesIn(m, p.myNumber, p.municipalityCode);

/** What J-LIS does with the events it consumes (DESIGN.md §3 flows). */
export const EVENT_HANDLERS = eventHandlers({
  SpecificCardIssued: specificCardIssued,
  CardReportedLost: cardReportedLost,
  CardReissued: cardReissued,
  PeriodOfStayRenewed: periodOfStayRenewed,
  StayApplicationFiled: stayApplicationFiled,
  StayApplicationRefused: stayApplicationRefused,
  ResidentMoved: residentMoved,
  ResidentRegistered: residentRegistered,
});
