import DataLoader from 'dataloader';
import type { DataSource } from 'typeorm';
import { createAccessHistoryLoader } from '../kit/accessHistory';
import { createProofLoader } from '../kit/accessLog/proofs';
import { createAccessLogLoader } from '../kit/audit';
import { createPendingLoader } from '../kit/outbox';

export interface AddressRow {
  municipalityCode: string;
  line: string;
  movedInOn: string;
  movedOutOn: string | null;
}

/** A resident record as read (the resident record code is released only as the field policy allows). */
export interface ResidentRow {
  myNumber: string;
  residentRecordCode: string;
  familyName: string;
  givenName: string;
  birthDate: string;
  sex: string;
  category: string;
  municipalityCode: string;
  registeredOn: string;
  removedOn: string | null;
  removalReason: string | null;
  moveOutTo: string | null;
  moveOutOn: string | null;
  addresses: AddressRow[];
}

const RESIDENTS_SQL = `
  SELECT r.my_number AS "myNumber", r.resident_record_code AS "residentRecordCode", r.family_name AS "familyName", r.given_name AS "givenName",
         r.birth_date AS "birthDate", r.sex, r.resident_category AS category,
         r.municipality_code AS "municipalityCode", r.registered_on AS "registeredOn",
         r.removed_on AS "removedOn", r.removal_reason AS "removalReason",
         r.move_out_to AS "moveOutTo", r.move_out_on AS "moveOutOn",
         (SELECT coalesce(json_agg(json_build_object('municipalityCode', a.municipality_code, 'line', a.line,
                                                     'movedInOn', a.moved_in_on, 'movedOutOn', a.moved_out_on)
                                   ORDER BY a.moved_in_on, a.id), '[]')
          FROM address a WHERE a.resident_id = r.id) AS addresses
  FROM resident r
  WHERE r.my_number = ANY($1)`;

/** Per-request loaders: results in key order, one SQL statement per batch. */
export function createLoaders(db: DataSource, requestStartedAt?: number) {
  return {
    accessLog: createAccessLogLoader(db),
    accessHistory: createAccessHistoryLoader(db),
    proofs: createProofLoader(db, 'registry'),
    pendingChanges: createPendingLoader(db, 'registry', requestStartedAt),
    resident: new DataLoader<string, ResidentRow | null>(async (myNumbers) => {
      const rows: ResidentRow[] = await db.query(RESIDENTS_SQL, [myNumbers]);
      const byNumber = new Map(rows.map((row) => [row.myNumber, row]));
      return myNumbers.map((n) => byNumber.get(n) ?? null);
    }),
  };
}

export type Loaders = ReturnType<typeof createLoaders>;
