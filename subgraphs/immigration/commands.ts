import { randomInt } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import type { ResidenceCardKind, ResidentClass, StatusOfResidence } from '../../schema/codes';
import { compareDates } from '../../schema/dates';
import type { CommandRun } from '../kit/commands';
import { userError } from '../kit/errors';
import { enqueue } from '../kit/outbox';
import { actOn, CARD_NOT_FOUND } from '../kit/mutationPolicy';
import type { Principal } from '../../runtime/principal';
import { residenceCardValidUntil } from './rules/cardValidity';
import { SPECIFIC_CARD_KINDS } from './rules/cardArrangement';
import { newCardFor, type CardProcedure } from './rules/cardIssuance';
import { specificCardEligibility, specificCardKindFor } from './rules/eligibility';
import { cardStatusWithApplication, filedInTime, specialPeriodLastDay, type StayApplication, type StayApplicationKind } from './rules/specialPeriod';
import { isMidToLongTermStatus, WORK_RESTRICTION_BY_STATUS } from './rules/workRestriction';

interface LockedResident {
  id: number;
  municipalityCode: string | null;
  myNumber: string | null;
  residentClass: ResidentClass;
  statusOfResidence: StatusOfResidence | null;
  stayExpiresOn: string | null;
  birthDate: string;
  residentRegistered: boolean;
}

interface LockedCard {
  number: string;
  residentId: number;
  kind: ResidenceCardKind;
  status: 'VALID' | 'SUPERSEDED' | 'EXPIRED' | 'RETURNED' | 'REVOKED';
  issuedOn: string;
  validUntil: string | null;
  lossReportedOn: string | null;
}

const RESIDENT_SELECT = `SELECT id, my_number AS "myNumber", resident_class AS "residentClass",
  status_of_residence AS "statusOfResidence", stay_expires_on AS "stayExpiresOn", birth_date AS "birthDate",
  resident_registered AS "residentRegistered", municipality_code AS "municipalityCode" FROM foreign_resident`;
const CARD_SELECT = `SELECT number, resident_id AS "residentId", kind, status, issued_on AS "issuedOn",
  valid_until AS "validUntil", loss_reported_on AS "lossReportedOn" FROM residence_card`;

/** How a command names the person: by My Number, or by the number of the card in force (no My Number needed). */
export type PersonRef = { myNumber: string } | { cardNumber: string };

/** The access log's subject for a reference, until the holder is known. */
export function subjectOf(ref: PersonRef): string {
  return 'myNumber' in ref ? ref.myNumber : `card:${ref.cardNumber}`;
}

/**
 * Locks the person a command names if the caller may act on them; otherwise the not-found answer of the identifier
 * used (PERSON_NOT_FOUND, CARD_NOT_FOUND), the same for an unknown person as for a hidden one. A card names its holder
 * only while it is the card in force.
 */
async function lockResident(m: EntityManager, run: CommandRun, principal: Principal, ref: PersonRef): Promise<LockedResident> {
  if ('myNumber' in ref) return lockResidentByMyNumber(m, run, principal, ref.myNumber);
  const { card, resident } = await lockCard(m, run, principal, ref.cardNumber);
  if (card.status === 'SUPERSEDED') {
    throw userError('CARD_NOT_IN_FORCE', 'The card is superseded', { cardStatus: 'SUPERSEDED' }, ['ResidenceCard.status']);
  }
  return resident;
}

/** Locks the person's record if the caller may act on it; otherwise the one not-found answer. */
async function lockResidentByMyNumber(m: EntityManager, run: CommandRun, principal: Principal, myNumber: string): Promise<LockedResident> {
  const [row] = (await m.query(`${RESIDENT_SELECT} WHERE my_number = $1 FOR UPDATE`, [myNumber])) as LockedResident[];
  return actOn(run.grant, principal, row);
}

/**
 * Locks a card and its holder if the caller may act on the holder; otherwise the one not-found answer for cards.
 * The access log's subject becomes the holder's My Number once known. The holder is locked before the card, as a
 * command naming the person by My Number locks them: in the other order, two commands for one person at once
 * would each wait for the other's lock, and PostgreSQL would fail one of them.
 */
async function lockCard(m: EntityManager, run: CommandRun, principal: Principal, number: string): Promise<{ card: LockedCard; resident: LockedResident }> {
  const [holder] = (await m.query(`SELECT resident_id AS "residentId" FROM residence_card WHERE number = $1`, [number])) as Array<{ residentId: number }>;
  const resident = holder ? await lockResidentById(m, holder.residentId) : null;
  const [card] = holder ? ((await m.query(`${CARD_SELECT} WHERE number = $1 FOR UPDATE`, [number])) as LockedCard[]) : [];
  if (resident?.myNumber) run.subject = resident.myNumber;
  return { card: card!, resident: actOn(run.grant, principal, resident, CARD_NOT_FOUND) };
}

async function lockResidentById(m: EntityManager, id: number): Promise<LockedResident> {
  const [row] = (await m.query(`${RESIDENT_SELECT} WHERE id = $1 FOR UPDATE`, [id])) as LockedResident[];
  return row!;
}

async function cardInForce(m: EntityManager, residentId: number): Promise<LockedCard | null> {
  const [row] = (await m.query(`${CARD_SELECT} WHERE resident_id = $1 AND status <> 'SUPERSEDED' FOR UPDATE`, [
    residentId,
  ])) as LockedCard[];
  return row ?? null;
}

/** The person's last application for an extension or a change of status (their record is locked by the caller). */
export async function lastApplication(m: Pick<EntityManager, 'query'>, residentId: number): Promise<(StayApplication & { id: number }) | null> {
  const [row] = (await m.query(
    `SELECT id, status, filed_on AS "filedOn", old_stay_expires_on AS "oldStayExpiresOn", decided_on AS "decidedOn"
     FROM stay_application WHERE resident_id = $1 ORDER BY id DESC LIMIT 1`,
    [residentId],
  )) as Array<StayApplication & { id: number }>;
  return row ?? null;
}

/** A card that is in force today: VALID and not past its validity, or kept by the special period. */
async function requireInForce(m: EntityManager, card: LockedCard | null, today: string): Promise<LockedCard> {
  if (!card) throw userError('NO_CARD_IN_FORCE', 'This person holds no residence card');
  const status = cardStatusWithApplication({ status: card.status, validUntil: card.validUntil }, await lastApplication(m, card.residentId), today);
  if (status !== 'VALID') {
    throw userError('CARD_NOT_IN_FORCE', `The card is ${status.toLowerCase()}`, { cardStatus: status }, ['ResidenceCard.status']);
  }
  return card;
}

/** A fresh card number in the card format, unused so far. */
async function newCardNumber(m: EntityManager): Promise<string> {
  const letter = () => String.fromCharCode(65 + randomInt(26));
  for (;;) {
    const number = `${letter()}${letter()}${String(randomInt(100_000_000)).padStart(8, '0')}${letter()}${letter()}`;
    const taken: unknown[] = await m.query(`SELECT 1 FROM residence_card WHERE number = $1`, [number]);
    if (taken.length === 0) return number;
  }
}

/** Replaces the card in force (if any) with a new one; returns the new card's number. */
async function replaceCard(
  m: EntityManager,
  resident: LockedResident,
  old: LockedCard | null,
  kind: ResidenceCardKind,
  today: string,
  validUntil: string | null,
): Promise<string> {
  const number = await newCardNumber(m);
  if (old) {
    await m.query(`UPDATE residence_card SET status = 'SUPERSEDED', superseded_by = $2 WHERE number = $1`, [old.number, number]);
  }
  await m.query(
    `INSERT INTO residence_card (number, resident_id, kind, status, issued_on, valid_until) VALUES ($1, $2, $3, 'VALID', $4, $5)`,
    [number, resident.id, kind, today, validUntil],
  );
  return number;
}

/** The validity of a card of `kind` issued today, applied for today. */
function validityFor(resident: LockedResident, kind: ResidenceCardKind, today: string): string | null {
  return residenceCardValidUntil({
    kind,
    statusOfResidence: resident.statusOfResidence,
    birthDate: resident.birthDate,
    issuedOn: today,
    stayExpiresOn: resident.stayExpiresOn,
    sprBasisDate: today,
  });
}

/** Issues a specific card: a new card, or conversion from arrangement (b) or (c). Returns the new card's number. */
export async function issueSpecificResidenceCard(m: EntityManager, run: CommandRun, principal: Principal, ref: PersonRef, today: string) {
  const resident = await lockResident(m, run, principal, ref);
  const { eligibility, reason } = specificCardEligibility({
    residentClass: resident.residentClass,
    hasResidentRecord: resident.residentRegistered,
  });
  // Eligible residents are in the resident registry, so they have a My Number (the table's CHECK says so too).
  const myNumber = resident.myNumber;
  if (eligibility !== 'ELIGIBLE' || myNumber === null) {
    throw userError('NOT_ELIGIBLE', 'This person may not hold a specific card', { eligibility, reason }, ['ImmigrationRecord.specificCardEligibility']);
  }
  const old = await cardInForce(m, resident.id);
  // Recorded VALID, or EXPIRED by the date alone (expiry.ts): the same card either way, as before the sweep ran.
  if (old && SPECIFIC_CARD_KINDS.includes(old.kind) && (old.status === 'VALID' || old.status === 'EXPIRED')) {
    throw userError('ALREADY_HOLDS_SPECIFIC_CARD', 'This person already holds a specific card');
  }
  // A conversion replaces the card in force: a card past its date (the stay ended with no application pending) is
  // not converted, recorded EXPIRED or not yet; the holder's status comes first (an extension delivers a new card).
  if (old) await requireInForce(m, old, today);
  const kind = specificCardKindFor(resident.residentClass)!;
  const validUntil = validityFor(resident, kind, today);
  const number = await replaceCard(m, resident, old, kind, today, validUntil);
  await enqueue(m, {
    type: 'SpecificCardIssued',
    key: myNumber,
    destination: 'mynumber',
    payload: { myNumber, cardNumber: number, kind, issuedOn: today, validUntil, replacedCardNumber: old?.number ?? null },
  });
  return { number, myNumber };
}

/** Records a card as lost. A specific card's My Number function is revoked through J-LIS; the card stays VALID. */
export async function reportResidenceCardLost(m: EntityManager, run: CommandRun, principal: Principal, number: string, today: string) {
  const { card: found, resident } = await lockCard(m, run, principal, number);
  const card = await requireInForce(m, found, today);
  if (card.lossReportedOn) throw userError('CARD_ALREADY_REPORTED_LOST', 'This card was already reported lost');
  await m.query(`UPDATE residence_card SET loss_reported_on = $2 WHERE number = $1`, [number, today]);
  if (resident.myNumber && SPECIFIC_CARD_KINDS.includes(card.kind)) {
    await enqueue(m, {
      type: 'CardReportedLost',
      key: resident.myNumber,
      destination: 'mynumber',
      payload: { myNumber: resident.myNumber, cardNumber: number, reportedOn: today },
    });
  }
  return { number, myNumber: resident.myNumber };
}

/**
 * Issues the new card a procedure delivers in place of the card in force (rules/cardIssuance.ts: new number, kind
 * after the old one's, validity by the rules on the day of issue, for the holder as they are after the procedure).
 * A specific card's My Number function moves to the new card through J-LIS. Returns the new card.
 */
async function issueInPlaceOf(
  m: EntityManager,
  resident: LockedResident,
  old: LockedCard,
  procedure: CardProcedure,
  today: string,
): Promise<{ number: string; validUntil: string | null }> {
  const { kind, validUntil } = newCardFor({
    procedure,
    oldKind: old.kind,
    statusOfResidence: resident.statusOfResidence,
    birthDate: resident.birthDate,
    stayExpiresOn: resident.stayExpiresOn,
    issuedOn: today,
  });
  const number = await replaceCard(m, resident, old, kind, today, validUntil);
  if (resident.myNumber && SPECIFIC_CARD_KINDS.includes(kind)) {
    await enqueue(m, {
      type: 'CardReissued',
      key: resident.myNumber,
      destination: 'mynumber',
      payload: { myNumber: resident.myNumber, oldCardNumber: old.number, newCardNumber: number, kind, issuedOn: today, validUntil },
    });
  }
  return { number, validUntil };
}

/** Reissues a card in force (loss, damage) under a new number, valid by the rules in force on the day of reissue. */
export async function reissueResidenceCard(m: EntityManager, run: CommandRun, principal: Principal, number: string, today: string) {
  const { card: found, resident } = await lockCard(m, run, principal, number);
  const card = await requireInForce(m, found, today);
  const issued = await issueInPlaceOf(m, resident, card, 'REISSUE', today);
  return { number: issued.number, myNumber: resident.myNumber };
}

/**
 * Grants a permission that changes what the card shows (extension, change of status, permanent residence): the new
 * status and stay are recorded and delivered on a new card; J-LIS follows the stay and the card.
 */
async function setStay(
  m: EntityManager,
  resident: LockedResident,
  change: { status: StatusOfResidence; stayExpiresOn: string | null; periodOfStay: string | null; permissionKind: CardProcedure },
  today: string,
): Promise<{ cardNumber: string }> {
  const card = await requireInForce(m, await cardInForce(m, resident.id), today);
  const updated: LockedResident = { ...resident, statusOfResidence: change.status, stayExpiresOn: change.stayExpiresOn };
  await m.query(
    `UPDATE foreign_resident SET status_of_residence = $2, stay_expires_on = $3, period_of_stay = $4,
       permission_kind = $5, permission_date = $6, work_restriction = $7,
       activity_outside_status = CASE WHEN status_of_residence = $2 THEN activity_outside_status END
     WHERE id = $1`,
    [resident.id, change.status, change.stayExpiresOn, change.periodOfStay, change.permissionKind, today, WORK_RESTRICTION_BY_STATUS[change.status]],
  );
  // The decision on a pending application is this grant: its special period ends today, with the new card.
  await m.query(`UPDATE stay_application SET status = 'GRANTED', decided_on = $2 WHERE resident_id = $1 AND status = 'PENDING'`, [resident.id, today]);
  const { number: cardNumber, validUntil: cardValidUntil } = await issueInPlaceOf(m, updated, card, change.permissionKind, today);
  if (resident.myNumber) {
    await enqueue(m, {
      type: 'PeriodOfStayRenewed',
      key: resident.myNumber,
      destination: 'mynumber',
      payload: {
        myNumber: resident.myNumber,
        cardNumber,
        stayExpiresOn: change.stayExpiresOn,
        cardValidUntil,
        residentClass: resident.residentClass,
        statusOfResidence: change.status,
      },
    });
  }
  return { cardNumber };
}

/** Renews the period of stay to a new last day, which must be later than the current one and than today. */
export async function renewPeriodOfStay(m: EntityManager, run: CommandRun, principal: Principal, ref: PersonRef, newExpiry: string, today: string) {
  if (compareDates(newExpiry, today) <= 0) {
    throw userError('INVALID_NEW_EXPIRY', 'The new end of stay must be later than the current one and than today');
  }
  const resident = await lockResident(m, run, principal, ref);
  if (!resident.statusOfResidence || !resident.stayExpiresOn) {
    throw userError('NO_PERIOD_OF_STAY', 'This person has no period of stay to renew');
  }
  if (compareDates(newExpiry, resident.stayExpiresOn) <= 0) {
    throw userError('INVALID_NEW_EXPIRY', 'The new end of stay must be later than the current one and than today');
  }
  return setStay(
    m,
    resident,
    { status: resident.statusOfResidence, stayExpiresOn: newExpiry, periodOfStay: null, permissionKind: 'EXTENSION_OF_PERIOD_OF_STAY' },
    today,
  );
}

/** Changes the status of residence of a mid-to-long-term resident (to permanent residence: no end of stay). */
export async function changeStatusOfResidence(
  m: EntityManager,
  run: CommandRun,
  principal: Principal,
  args: { person: PersonRef; status: StatusOfResidence; newExpiry: string | null },
  today: string,
) {
  const notApplicable = () => userError('STATUS_CHANGE_NOT_APPLICABLE', 'Only a mid-to-long-term resident changes to a mid-to-long-term status');
  if (!isMidToLongTermStatus(args.status)) throw notApplicable();
  const indefinite = args.status === 'PERMANENT_RESIDENT' || args.status === 'HIGHLY_SKILLED_PROFESSIONAL_2';
  if (indefinite !== (args.newExpiry === null) || (args.newExpiry && compareDates(args.newExpiry, today) <= 0)) {
    throw userError(
      'INVALID_NEW_EXPIRY',
      indefinite ? 'This status has no end of stay' : 'A later end of stay is required for this status',
    );
  }
  const resident = await lockResident(m, run, principal, args.person);
  if (resident.residentClass !== 'MID_TO_LONG_TERM') throw notApplicable();
  if (args.status === resident.statusOfResidence) throw userError('SAME_STATUS', 'The person already holds this status');
  return setStay(
    m,
    resident,
    {
      status: args.status,
      stayExpiresOn: args.newExpiry,
      periodOfStay: null,
      permissionKind: args.status === 'PERMANENT_RESIDENT' ? 'PERMANENT_RESIDENCE' : 'CHANGE_OF_STATUS',
    },
    today,
  );
}

/**
 * Records an application for an extension of the period of stay or a change of status, filed today. Filed by the last
 * day of the stay, it keeps the holder, the card and the My Number function lawful and usable after that day until the
 * decision or the special period's last day (rules/specialPeriod.ts); J-LIS is told how long the function stays usable.
 */
export async function applyForExtension(
  m: EntityManager,
  run: CommandRun,
  principal: Principal,
  args: { person: PersonRef; kind: StayApplicationKind },
  today: string,
) {
  const resident = await lockResident(m, run, principal, args.person);
  if (resident.residentClass !== 'MID_TO_LONG_TERM' || !resident.statusOfResidence || !resident.stayExpiresOn) {
    throw userError('NO_PERIOD_OF_STAY', 'This person has no period of stay to extend');
  }
  if (!filedInTime(resident.stayExpiresOn, today)) {
    throw userError(
      'APPLICATION_AFTER_STAY_ENDED',
      'The period of stay has ended: an application now gives no special period',
      { stayExpiresOn: resident.stayExpiresOn },
      ['ImmigrationRecord.stayExpiresOn'],
    );
  }
  if ((await lastApplication(m, resident.id))?.status === 'PENDING') {
    throw userError('APPLICATION_ALREADY_PENDING', 'An application of this person is already pending');
  }
  await m.query(`INSERT INTO stay_application (resident_id, kind, filed_on, old_stay_expires_on) VALUES ($1, $2, $3, $4)`, [
    resident.id,
    args.kind,
    today,
    resident.stayExpiresOn,
  ]);
  // The card that runs to the old end is kept by the special period. A sweep whose day had already turned (just past
  // midnight, or on a replica whose clock runs ahead) may have recorded it EXPIRED before this application committed:
  // it is recorded VALID again, as if the application had come first, so the statistics count it as the reads do.
  await m.query(`UPDATE residence_card SET status = 'VALID' WHERE resident_id = $1 AND status = 'EXPIRED' AND valid_until = $2`, [
    resident.id,
    resident.stayExpiresOn,
  ]);
  if (resident.myNumber) {
    await enqueue(m, {
      type: 'StayApplicationFiled',
      key: resident.myNumber,
      destination: 'mynumber',
      payload: { myNumber: resident.myNumber, oldStayExpiresOn: resident.stayExpiresOn, specialPeriodLastDay: specialPeriodLastDay(resident.stayExpiresOn) },
    });
  }
  return { residentId: resident.id };
}

/** Refuses the pending application: its special period ends today; J-LIS ends the function's extra days with it. */
export async function refuseExtension(m: EntityManager, run: CommandRun, principal: Principal, ref: PersonRef, today: string) {
  const resident = await lockResident(m, run, principal, ref);
  const application = await lastApplication(m, resident.id);
  if (application?.status !== 'PENDING') throw userError('NO_PENDING_APPLICATION', 'This person has no pending application');
  await m.query(`UPDATE stay_application SET status = 'REFUSED', decided_on = $2 WHERE id = $1`, [application.id, today]);
  if (resident.myNumber) {
    await enqueue(m, {
      type: 'StayApplicationRefused',
      key: resident.myNumber,
      destination: 'mynumber',
      payload: {
        myNumber: resident.myNumber,
        oldStayExpiresOn: application.oldStayExpiresOn,
        specialPeriodLastDay: specialPeriodLastDay(application.oldStayExpiresOn),
        refusedOn: today,
      },
    });
  }
  return { residentId: resident.id };
}
