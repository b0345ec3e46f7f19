import { randomInt } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import type { ResidentCategory, Sex } from '../../schema/codes';
import { compareDates } from '../../schema/dates';
import { isValidLocalGovernmentCode } from '../../schema/identifiers';
import { municipality } from '../../schema/municipalities';
import { requireRole } from '../kit/commands';
import { userError } from '../kit/errors';
import { enqueue } from '../kit/outbox';
import type { Principal } from '../kit/principal';

/** Resident records are kept by municipal clerks, each for their own municipality. */
export const REGISTRY_ROLES = ['municipal-clerk'] as const;

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
}

/** Categories whose residents hold a residence card or certificate, whose number the record must carry. */
const CARD_HOLDING: readonly ResidentCategory[] = ['MID_TO_LONG_TERM', 'SPECIAL_PERMANENT'];

function requireOwnMunicipality(principal: Principal, code: string): void {
  requireRole(principal, REGISTRY_ROLES);
  if (principal.municipality !== code) {
    throw userError('FORBIDDEN', 'A clerk records residents of their own municipality only');
  }
}

function requireMunicipality(code: string): void {
  if (!isValidLocalGovernmentCode(code) || !municipality(code)) {
    throw userError('UNKNOWN_MUNICIPALITY', 'Not a known local-government code');
  }
}

/** Checks a registration before J-LIS is asked for a number; returns a fresh resident record code. */
export function checkRegistration(principal: Principal, r: Registration): string {
  requireOwnMunicipality(principal, r.municipalityCode);
  requireMunicipality(r.municipalityCode);
  if (CARD_HOLDING.includes(r.category) !== (r.residenceCardNumber !== null)) {
    throw userError('RESIDENCE_CARD_NUMBER_MISMATCH', 'Mid-to-long-term and special permanent residents are registered with their card number, others without');
  }
  if (compareDates(r.birthDate, r.registeredOn) > 0) throw userError('INVALID_DATE', 'Born after registration');
  if (!r.familyName.trim() || !r.addressLine.trim()) throw userError('INVALID_NAME_OR_ADDRESS', 'Name and address are required');
  return String(randomInt(1e10, 1e11));
}

/** Records the resident (with the My Number J-LIS assigned) and tells the ISA. */
export async function registerResident(m: EntityManager, r: Registration, myNumber: string, residentRecordCode: string): Promise<void> {
  const existing: unknown[] = await m.query(`SELECT 1 FROM resident WHERE my_number = $1`, [myNumber]);
  if (existing.length > 0) throw userError('RESIDENT_ALREADY_REGISTERED', 'This resident is already recorded');
  const [{ id }] = (await m.query(
    `INSERT INTO resident (my_number, resident_record_code, family_name, given_name, birth_date, sex, resident_category,
                           municipality_code, registered_on)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id`,
    [myNumber, residentRecordCode, r.familyName.trim(), r.givenName.trim(), r.birthDate, r.sex, r.category, r.municipalityCode, r.registeredOn],
  )) as [{ id: number }];
  await m.query(`INSERT INTO address (resident_id, municipality_code, line, moved_in_on) VALUES ($1, $2, $3, $4)`, [
    id,
    r.municipalityCode,
    r.addressLine.trim(),
    r.registeredOn,
  ]);
  await enqueue(m, {
    type: 'ResidentRegistered',
    key: myNumber,
    destination: 'immigration',
    payload: {
      myNumber,
      residenceCardNumber: r.residenceCardNumber,
      municipalityCode: r.municipalityCode,
      category: r.category,
      registeredOn: r.registeredOn,
    },
  });
}

interface LockedResident {
  id: number;
  municipalityCode: string;
  removedOn: string | null;
  currentSince: string;
}

async function lockResident(m: EntityManager, myNumber: string): Promise<LockedResident> {
  const [row] = (await m.query(
    `SELECT r.id, r.municipality_code AS "municipalityCode", r.removed_on AS "removedOn",
            (SELECT max(moved_in_on) FROM address a WHERE a.resident_id = r.id) AS "currentSince"
     FROM resident r WHERE r.my_number = $1 FOR UPDATE`,
    [myNumber],
  )) as LockedResident[];
  if (!row) throw userError('PERSON_NOT_FOUND', 'No resident record for this My Number');
  if (row.removedOn) throw userError('RESIDENT_REMOVED', 'This resident record was removed');
  return row;
}

/** A move within the municipality (転居) or into it (転入, made at the new municipality's counter). */
export async function changeAddress(
  m: EntityManager,
  principal: Principal,
  change: { myNumber: string; municipalityCode: string; addressLine: string; movedOn: string },
): Promise<void> {
  requireOwnMunicipality(principal, change.municipalityCode);
  requireMunicipality(change.municipalityCode);
  const resident = await lockResident(m, change.myNumber);
  if (compareDates(change.movedOn, resident.currentSince) < 0) {
    throw userError('INVALID_DATE', 'A move cannot predate the current address');
  }
  if (!change.addressLine.trim()) throw userError('INVALID_NAME_OR_ADDRESS', 'The address is required');
  await m.query(`UPDATE address SET moved_out_on = $2 WHERE resident_id = $1 AND moved_out_on IS NULL`, [resident.id, change.movedOn]);
  await m.query(`INSERT INTO address (resident_id, municipality_code, line, moved_in_on) VALUES ($1, $2, $3, $4)`, [
    resident.id,
    change.municipalityCode,
    change.addressLine.trim(),
    change.movedOn,
  ]);
  if (change.municipalityCode !== resident.municipalityCode) {
    await m.query(`UPDATE resident SET municipality_code = $2 WHERE id = $1`, [resident.id, change.municipalityCode]);
    for (const destination of ['immigration', 'mynumber'] as const) {
      await enqueue(m, {
        type: 'ResidentMoved',
        key: change.myNumber,
        destination,
        payload: { myNumber: change.myNumber, municipalityCode: change.municipalityCode, movedOn: change.movedOn },
      });
    }
  }
}

/** Removes the record (moved abroad, status ended, ...); a removed resident can no longer move. */
export async function removeResident(
  m: EntityManager,
  principal: Principal,
  removal: { myNumber: string; reason: string; removedOn: string },
): Promise<void> {
  requireRole(principal, REGISTRY_ROLES);
  const resident = await lockResident(m, removal.myNumber);
  // Another municipality's clerk learns nothing, not even that the record exists.
  if (principal.municipality !== resident.municipalityCode) throw userError('PERSON_NOT_FOUND', 'No resident record for this My Number');
  if (compareDates(removal.removedOn, resident.currentSince) < 0) throw userError('INVALID_DATE', 'Removal cannot predate the current address');
  await m.query(`UPDATE resident SET removed_on = $2, removal_reason = $3 WHERE id = $1`, [resident.id, removal.removedOn, removal.reason]);
  await m.query(`UPDATE address SET moved_out_on = $2 WHERE resident_id = $1 AND moved_out_on IS NULL`, [resident.id, removal.removedOn]);
  await enqueue(m, {
    type: 'ResidentRemoved',
    key: removal.myNumber,
    destination: 'immigration',
    payload: { myNumber: removal.myNumber, removedOn: removal.removedOn, reason: removal.reason },
  });
}
