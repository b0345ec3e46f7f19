import DataLoader from 'dataloader';
import type { DataSource } from 'typeorm';
import { createAccessHistoryLoader } from '../kit/accessHistory';
import { createProofLoader } from '../kit/accessLog/proofs';
import { createAccessLogLoader } from '../kit/audit';
import { createPendingLoader } from '../kit/outbox';
import type { StayApplication, StayApplicationKind } from './rules/specialPeriod';

export interface CardRow {
  number: string;
  kind: string;
  status: string;
  issuedOn: string;
  validUntil: string | null;
  lossReportedOn: string | null;
  supersededBy: string | null;
  myNumberFunctionEndedOn: string | null;
  myNumberFunctionEndReason: string | null;
}

export interface ApplicationRow extends StayApplication {
  kind: StayApplicationKind;
}

export interface ResidentRow {
  id: number;
  myNumber: string | null;
  residentClass: string;
  nationality: string;
  birthDate: string;
  sex: string;
  statusOfResidence: string | null;
  periodOfStay: string | null;
  stayExpiresOn: string | null;
  permissionKind: string | null;
  permissionDate: string | null;
  workRestriction: string;
  activityOutsideStatus: string | null;
  municipalityCode: string | null;
  residentRegistered: boolean;
  /** The card in force (not superseded), if any. */
  card: CardRow | null;
  /** The last application for an extension or a change of status, if any (it decides the special period). */
  application: ApplicationRow | null;
}

const CARD_COLUMNS = `c.number, c.kind, c.status, c.issued_on AS "issuedOn", c.valid_until AS "validUntil",
  c.loss_reported_on AS "lossReportedOn", c.superseded_by AS "supersededBy",
  c.my_number_function_ended_on AS "myNumberFunctionEndedOn", c.my_number_function_end_reason AS "myNumberFunctionEndReason"`;

const APPLICATION_COLUMNS = `a.kind, a.status, a.filed_on AS "filedOn", a.old_stay_expires_on AS "oldStayExpiresOn",
  a.decided_on AS "decidedOn"`;

const RESIDENT_COLUMNS = `r.id, r.my_number AS "myNumber", r.resident_class AS "residentClass", r.nationality,
  r.birth_date AS "birthDate", r.sex, r.status_of_residence AS "statusOfResidence", r.period_of_stay AS "periodOfStay",
  r.stay_expires_on AS "stayExpiresOn", r.permission_kind AS "permissionKind", r.permission_date AS "permissionDate",
  r.work_restriction AS "workRestriction", r.activity_outside_status AS "activityOutsideStatus",
  r.municipality_code AS "municipalityCode", r.resident_registered AS "residentRegistered",
  (SELECT row_to_json(c) FROM (SELECT ${CARD_COLUMNS} FROM residence_card c
                               WHERE c.resident_id = r.id AND c.status <> 'SUPERSEDED') c) AS card,
  (SELECT row_to_json(a) FROM (SELECT ${APPLICATION_COLUMNS} FROM stay_application a
                               WHERE a.resident_id = r.id ORDER BY a.id DESC LIMIT 1) a) AS application`;

/** Per-request loaders: results in key order, one SQL statement per batch. */
export function createLoaders(db: DataSource, requestStartedAt?: number) {
  return {
    accessLog: createAccessLogLoader(db),
    accessHistory: createAccessHistoryLoader(db),
    proofs: createProofLoader(db, 'immigration'),
    pendingChanges: createPendingLoader(db, 'immigration', requestStartedAt),
    residentByMyNumber: new DataLoader<string, ResidentRow | null>(async (myNumbers) => {
      const rows: ResidentRow[] = await db.query(
        `SELECT ${RESIDENT_COLUMNS} FROM foreign_resident r WHERE r.my_number = ANY($1)`,
        [myNumbers],
      );
      const byNumber = new Map(rows.map((row) => [row.myNumber, row]));
      return myNumbers.map((n) => byNumber.get(n) ?? null);
    }),
    residentById: new DataLoader<number, ResidentRow | null>(async (ids) => {
      const rows: ResidentRow[] = await db.query(`SELECT ${RESIDENT_COLUMNS} FROM foreign_resident r WHERE r.id = ANY($1)`, [ids]);
      const byId = new Map(rows.map((row) => [Number(row.id), row]));
      return ids.map((id) => byId.get(Number(id)) ?? null);
    }),
    cardByNumber: new DataLoader<string, { card: CardRow; holder: ResidentRow } | null>(async (numbers) => {
      const rows: Array<{ looked: CardRow; holder: ResidentRow }> = await db.query(
        `SELECT (SELECT row_to_json(x) FROM (SELECT ${CARD_COLUMNS}) x) AS looked,
                (SELECT row_to_json(h) FROM (SELECT ${RESIDENT_COLUMNS}) h) AS holder
         FROM residence_card c JOIN foreign_resident r ON r.id = c.resident_id
         WHERE c.number = ANY($1)`,
        [numbers],
      );
      const byNumber = new Map(rows.map((row) => [row.looked.number, { card: row.looked, holder: row.holder }]));
      return numbers.map((n) => byNumber.get(n) ?? null);
    }),
    cardsByResident: new DataLoader<number, CardRow[]>(async (ids) => {
      const rows: Array<CardRow & { residentId: number }> = await db.query(
        `SELECT c.resident_id AS "residentId", ${CARD_COLUMNS} FROM residence_card c
         WHERE c.resident_id = ANY($1) ORDER BY c.issued_on, c.number`,
        [ids],
      );
      const byResident = new Map<number, CardRow[]>();
      for (const { residentId, ...card } of rows) {
        byResident.set(residentId, [...(byResident.get(residentId) ?? []), card]);
      }
      return ids.map((id) => byResident.get(id) ?? []);
    }),
  };
}

export type Loaders = ReturnType<typeof createLoaders>;
