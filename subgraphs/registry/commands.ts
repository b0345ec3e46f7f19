import { randomInt } from 'node:crypto';
import type { DataSource, EntityManager } from 'typeorm';
import type { ResidentCategory, Sex } from '../../schema/codes';
import { compareDates } from '../../schema/dates';
import { isValidLocalGovernmentCode } from '../../schema/identifiers';
import { municipality } from '../../schema/municipalities';
import { CARD_REFUSAL } from '../../schema/internalPaths';
import type { CommandRun } from '../kit/commands';
import { userError } from '../kit/errors';
import { enqueue } from '../kit/outbox';
import { actOn, type ActTarget } from '../kit/mutationPolicy';
import type { Principal } from '../../runtime/principal';

export interface Registration {
  residenceCardNumber: string | null;
  familyName: string;
  givenName: string;
  birthDate: string;
  sex: Sex;
  category: ResidentCategory;
  municipalityCode: string;
  addressLine: string;
  registeredOn: string;
  /** The key the counter sent the registration with (requestKeyArgument), if any. */
  requestKey?: string;
}

/** Categories whose residents hold a residence card or certificate, whose number the record must carry. */
const CARD_HOLDING: readonly ResidentCategory[] = ['MID_TO_LONG_TERM', 'SPECIAL_PERMANENT'];

function requireMunicipality(code: string): void {
  if (!isValidLocalGovernmentCode(code) || !municipality(code)) {
    throw userError('UNKNOWN_MUNICIPALITY', 'Not a known local-government code');
  }
}

/** A registration or move is made into the clerk's own municipality only (decided before any person is read). */
function requireOwnMunicipality(principal: Principal, code: string): void {
  if (principal.municipality !== code) throw userError('FORBIDDEN', 'A clerk records residents of their own municipality only');
}

function requireAddress(line: string): void {
  if (!line.trim()) throw userError('INVALID_NAME_OR_ADDRESS', 'The address is required');
}

/** Checks a registration before any other authority is asked. */
export function checkRegistration(principal: Principal, r: Registration): void {
  requireMunicipality(r.municipalityCode);
  requireOwnMunicipality(principal, r.municipalityCode);
  if (CARD_HOLDING.includes(r.category) !== (r.residenceCardNumber !== null)) {
    throw userError('RESIDENCE_CARD_NUMBER_MISMATCH', 'Mid-to-long-term and special permanent residents are registered with their card number, others without');
  }
  if (compareDates(r.birthDate, r.registeredOn) > 0) throw userError('INVALID_DATE', 'Born after registration');
  if (!r.familyName.trim() || !r.addressLine.trim()) throw userError('INVALID_NAME_OR_ADDRESS', 'Name and address are required');
}

/** A resident record code (住民票コード) that no resident and no card's claim holds. */
export async function freshRecordCode(db: DataSource | EntityManager): Promise<string> {
  for (;;) {
    const code = String(randomInt(1e10, 1e11));
    const taken: unknown[] = await db.query(
      `SELECT 1 FROM resident WHERE resident_record_code = $1 UNION ALL SELECT 1 FROM registration_claim WHERE resident_record_code = $1`,
      [code],
    );
    if (taken.length === 0) return code;
  }
}

/** How a registration is known across its sends: by the card, or without one by the key its counter chose. */
export type RegistrationClaim = { card: string } | { municipalityCode: string; requestKey: string };

/** A counter's key for a registration: 1 to 64 letters, digits, - or _. */
export function requestKeyArgument(key: string): string {
  if (!/^[A-Za-z0-9_-]{1,64}$/.test(key)) throw userError('BAD_USER_INPUT', 'A request key is 1 to 64 letters, digits, - or _');
  return key;
}

/**
 * The resident record code every send of the registration asks J-LIS with (J-LIS answers one code with one My
 * Number): the claim made by the first send and committed at once, so that a send after a failure, or at the same
 * time, or of the card from another municipality, gets the same number. `recorded`: the My Number of the resident
 * a send of this registration recorded already.
 *
 * A card a resident was registered with already is refused here, before J-LIS is asked, as the ISA refuses it once
 * it has heard of that registration.
 */
export async function claimCode(
  db: DataSource,
  run: CommandRun,
  of: RegistrationClaim,
): Promise<{ code: string; recorded?: { myNumber: string; municipalityCode: string; removed: boolean } }> {
  if ('card' in of) {
    const [holder] = (await db.query(`SELECT my_number AS "myNumber" FROM resident WHERE registered_with_card = $1`, [of.card])) as Array<{ myNumber: string }>;
    if (holder) refuseCard(run, holder.myNumber);
  }
  const claim = 'card' in of ? `card:${of.card}` : `request:${of.municipalityCode}:${of.requestKey}`;
  for (;;) {
    const [found] = (await db.query(
      `SELECT c.resident_record_code AS code, r.my_number AS "myNumber", r.municipality_code AS "municipalityCode", r.removed_on IS NOT NULL AS removed
       FROM registration_claim c LEFT JOIN resident r ON r.resident_record_code = c.resident_record_code WHERE c.claim = $1`,
      [claim],
    )) as Array<{ code: string; myNumber: string | null; municipalityCode: string; removed: boolean }>;
    if (found) {
      const { code, myNumber, municipalityCode, removed } = found;
      return { code, recorded: myNumber ? { myNumber, municipalityCode, removed } : undefined };
    }
    await db.query(`INSERT INTO registration_claim (claim, resident_record_code) VALUES ($1, $2) ON CONFLICT DO NOTHING`, [claim, await freshRecordCode(db)]);
  }
}

/**
 * The My Number of the card holder this very registration recorded: the same card and person, sent by the same
 * municipality with the same key, the resident still that municipality's and not removed. A counter whose answer
 * was lost sends again and gets the resident, where any other send of a recorded card gets the ISA's refusal: the
 * key is known only to the counter that sent it, and the send must name the person as the first did, so the
 * answer tells a clerk nothing their own first send did not.
 */
export async function sentBefore(db: DataSource | EntityManager, r: KeyedCardRegistration, { hold = false } = {}): Promise<string | undefined> {
  const [found] = (await db.query(
    `SELECT my_number AS "myNumber" FROM resident
     WHERE registered_with_card = $1 AND registration_request_key = $2 AND municipality_code = $3 AND removed_on IS NULL
       AND birth_date = $4 AND sex = $5 AND resident_category = $6 AND family_name = $7 AND given_name = $8${hold ? ' FOR SHARE' : ''}`,
    [r.residenceCardNumber, registrationKey(r.municipalityCode, r.requestKey), r.municipalityCode, r.birthDate, r.sex, r.category, r.familyName.trim(), r.givenName.trim()],
  )) as Array<{ myNumber: string }>;
  return found?.myNumber;
}

/** Whether the resident is still the municipality's and not removed, the row held until the transaction ends. */
export async function stillResidentOf(m: EntityManager, myNumber: string, municipalityCode: string): Promise<boolean> {
  const found: unknown[] = await m.query(`SELECT 1 FROM resident WHERE my_number = $1 AND municipality_code = $2 AND removed_on IS NULL FOR SHARE`, [
    myNumber,
    municipalityCode,
  ]);
  return found.length > 0;
}

/** A card holder's registration sent with a key. */
export type KeyedCardRegistration = Registration & { residenceCardNumber: string; requestKey: string };

/** How a card holder's registration key is kept: with the municipality that sent it, which a move-in changes not. */
function registrationKey(municipalityCode: string, requestKey: string): string {
  return `${municipalityCode}:${requestKey}`;
}

/**
 * Refuses a card recorded already with the ISA's own answer (CARD_REFUSAL), one for every card that may not be
 * registered, so that the try tells the clerk no more than the ISA would; and logs the try against the holder's
 * My Number, so their history shows it.
 */
export function refuseCard(run: CommandRun, holder: string): never {
  run.subject = holder;
  throw userError(CARD_REFUSAL.code, CARD_REFUSAL.message, { authority: 'immigration' });
}

/**
 * Records the resident (with the My Number J-LIS assigned) and tells the ISA and J-LIS: J-LIS keeps the number under
 * the municipality that recorded the resident, whose clerks then act for them. Another try of the same card
 * recorded it first when the insert meets its card or number.
 */
export async function registerResident(m: EntityManager, run: CommandRun, r: Registration, myNumber: string, residentRecordCode: string): Promise<void> {
  const [inserted] = (await m.query(
    `INSERT INTO resident (my_number, resident_record_code, registered_with_card, family_name, given_name, birth_date, sex,
                           resident_category, municipality_code, registered_on, registration_request_key)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) ON CONFLICT DO NOTHING RETURNING id`,
    [myNumber, residentRecordCode, r.residenceCardNumber, r.familyName.trim(), r.givenName.trim(), r.birthDate, r.sex, r.category, r.municipalityCode, r.registeredOn,
     r.residenceCardNumber && r.requestKey ? registrationKey(r.municipalityCode, r.requestKey) : null],
  )) as Array<{ id: number }>;
  if (!inserted) {
    // Another send of the card recorded it first (the same send with its key is answered again by the resolver).
    if (r.residenceCardNumber) refuseCard(run, myNumber);
    // Another send of the same registration (its key's code, so J-LIS's number) recorded the resident first.
    const [same] = (await m.query(`SELECT 1 FROM resident WHERE my_number = $1 AND resident_record_code = $2`, [myNumber, residentRecordCode])) as unknown[];
    if (same) return;
    throw userError('RESIDENT_ALREADY_REGISTERED', 'This resident is already recorded');
  }
  const { id } = inserted;
  await m.query(`INSERT INTO address (resident_id, municipality_code, line, moved_in_on) VALUES ($1, $2, $3, $4)`, [
    id,
    r.municipalityCode,
    r.addressLine.trim(),
    r.registeredOn,
  ]);
  for (const destination of ['immigration', 'mynumber'] as const) {
    await enqueue(m, {
      type: 'ResidentRegistered',
      key: myNumber,
      destination,
      payload: {
        myNumber,
        residenceCardNumber: r.residenceCardNumber,
        municipalityCode: r.municipalityCode,
        category: r.category,
        registeredOn: r.registeredOn,
      },
    });
  }
}

interface LockedResident extends ActTarget {
  id: number;
  municipalityCode: string;
  removedOn: string | null;
  movingTo: string | null;
  moveOutOn: string | null;
  /** The address the resident lives at now, and since when. */
  current: { municipalityCode: string; line: string; since: string };
}

/**
 * Locks the resident's record for a change and returns it if the caller may act on it; otherwise the one not-found
 * answer (kit/mutationPolicy.ts), whether the record exists or not. A removed record can no longer change.
 *
 * The current address is read after the lock, by a statement of its own: read in the locking statement, it would
 * be what that statement saw before it waited for the lock, not what a change that held the lock committed.
 */
async function lockResident(m: EntityManager, run: CommandRun, principal: Principal, myNumber: string): Promise<LockedResident> {
  const [row] = (await m.query(
    `SELECT r.id, r.municipality_code AS "municipalityCode", r.removed_on AS "removedOn",
            r.move_out_to AS "movingTo", r.move_out_on AS "moveOutOn"
     FROM resident r WHERE r.my_number = $1 FOR UPDATE`,
    [myNumber],
  )) as Array<Omit<LockedResident, 'current'>>;
  const resident = actOn(run.grant, principal, row);
  if (resident.removedOn) throw userError('RESIDENT_REMOVED', 'This resident record was removed');
  const [current] = (await m.query(
    `SELECT municipality_code AS "municipalityCode", line, moved_in_on AS since FROM address
     WHERE resident_id = $1 ORDER BY moved_in_on DESC, id DESC LIMIT 1`,
    [resident.id],
  )) as Array<LockedResident['current']>;
  return { ...resident, current: current! };
}

function requireNoMoveOut(resident: LockedResident): void {
  if (resident.movingTo) throw userError('MOVE_OUT_PENDING', 'A move-out to another municipality is recorded; the destination records the move-in');
}

/** Moves the current address: closes the current one, opens the new one. */
async function moveAddress(m: EntityManager, residentId: number, to: { municipalityCode: string; line: string; on: string }): Promise<void> {
  await m.query(`UPDATE address SET moved_out_on = $2 WHERE resident_id = $1 AND moved_out_on IS NULL`, [residentId, to.on]);
  await m.query(`INSERT INTO address (resident_id, municipality_code, line, moved_in_on) VALUES ($1, $2, $3, $4)`, [
    residentId,
    to.municipalityCode,
    to.line.trim(),
    to.on,
  ]);
}

/** A move within the municipality (転居, 住民基本台帳法 23条), recorded by that municipality's clerk. */
export async function changeAddress(
  m: EntityManager,
  run: CommandRun,
  principal: Principal,
  change: { myNumber: string; municipalityCode: string; addressLine: string; movedOn: string },
): Promise<void> {
  requireMunicipality(change.municipalityCode);
  requireOwnMunicipality(principal, change.municipalityCode);
  requireAddress(change.addressLine);
  const resident = await lockResident(m, run, principal, change.myNumber);
  requireNoMoveOut(resident);
  // The move recorded already (the same change sent twice): a second would show a move that never happened.
  if (resident.current.municipalityCode === change.municipalityCode && resident.current.line === change.addressLine.trim()) {
    throw userError('SAME_ADDRESS', 'The resident lives at this address already');
  }
  if (compareDates(change.movedOn, resident.current.since) < 0) {
    throw userError('INVALID_DATE', 'A move cannot predate the current address');
  }
  await moveAddress(m, resident.id, { municipalityCode: change.municipalityCode, line: change.addressLine, on: change.movedOn });
}

/**
 * A move-out to another municipality (転出, 24条), recorded by the former municipality's clerk: the record stays
 * with the former municipality until the destination records the move-in.
 */
export async function recordMoveOut(
  m: EntityManager,
  run: CommandRun,
  principal: Principal,
  moveOut: { myNumber: string; destinationMunicipalityCode: string; movedOutOn: string },
): Promise<void> {
  requireMunicipality(moveOut.destinationMunicipalityCode);
  if (moveOut.destinationMunicipalityCode === principal.municipality) {
    throw userError('SAME_MUNICIPALITY', 'A move within the municipality is recorded with changeAddress');
  }
  const resident = await lockResident(m, run, principal, moveOut.myNumber);
  requireNoMoveOut(resident);
  if (compareDates(moveOut.movedOutOn, resident.current.since) < 0) {
    throw userError('INVALID_DATE', 'A move cannot predate the current address');
  }
  await m.query(`UPDATE resident SET move_out_to = $2, move_out_on = $3 WHERE id = $1`, [
    resident.id,
    moveOut.destinationMunicipalityCode,
    moveOut.movedOutOn,
  ]);
}

/**
 * A move-in from another municipality (転入, 22条), recorded by the destination's clerk for a person whose recorded
 * move-out names it: the record passes to the destination, and the ISA and J-LIS follow by events.
 */
export async function recordMoveIn(
  m: EntityManager,
  run: CommandRun,
  principal: Principal,
  moveIn: { myNumber: string; municipalityCode: string; addressLine: string; movedInOn: string },
): Promise<void> {
  requireMunicipality(moveIn.municipalityCode);
  requireOwnMunicipality(principal, moveIn.municipalityCode);
  requireAddress(moveIn.addressLine);
  const resident = await lockResident(m, run, principal, moveIn.myNumber);
  if (compareDates(moveIn.movedInOn, resident.moveOutOn!) < 0) {
    throw userError('INVALID_DATE', 'A move-in cannot predate the move-out');
  }
  await moveAddress(m, resident.id, { municipalityCode: moveIn.municipalityCode, line: moveIn.addressLine, on: moveIn.movedInOn });
  await m.query(`UPDATE resident SET municipality_code = $2, move_out_to = NULL, move_out_on = NULL WHERE id = $1`, [
    resident.id,
    moveIn.municipalityCode,
  ]);
  for (const destination of ['immigration', 'mynumber'] as const) {
    await enqueue(m, {
      type: 'ResidentMoved',
      key: moveIn.myNumber,
      destination,
      payload: { myNumber: moveIn.myNumber, municipalityCode: moveIn.municipalityCode, movedOn: moveIn.movedInOn },
    });
  }
}

/** Removes the record (moved abroad, status ended, ...); a removed resident can no longer move. */
export async function removeResident(
  m: EntityManager,
  run: CommandRun,
  principal: Principal,
  removal: { myNumber: string; reason: string; removedOn: string },
): Promise<void> {
  const resident = await lockResident(m, run, principal, removal.myNumber);
  if (compareDates(removal.removedOn, resident.current.since) < 0) throw userError('INVALID_DATE', 'Removal cannot predate the current address');
  await m.query(`UPDATE resident SET removed_on = $2, removal_reason = $3, move_out_to = NULL, move_out_on = NULL WHERE id = $1`, [
    resident.id,
    removal.removedOn,
    removal.reason,
  ]);
  await m.query(`UPDATE address SET moved_out_on = $2 WHERE resident_id = $1 AND moved_out_on IS NULL`, [resident.id, removal.removedOn]);
  await enqueue(m, {
    type: 'ResidentRemoved',
    key: removal.myNumber,
    destination: 'immigration',
    payload: { myNumber: removal.myNumber, removedOn: removal.removedOn, reason: removal.reason },
  });
}
