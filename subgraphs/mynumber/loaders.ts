import DataLoader from 'dataloader';
import type { DataSource } from 'typeorm';
import { createAccessHistoryLoader } from '../kit/accessHistory';
import { createProofLoader } from '../kit/accessLog/proofs';
import { createAccessLogLoader } from '../kit/audit';
import { createPendingLoader } from '../kit/outbox';

export interface CardFunctionRow {
  function: string;
  status: string;
  validUntil: string | null;
}

export interface MyNumberCardRow {
  kind: string;
  status: string;
  statusReason: string | null;
  issuedOn: string;
  validUntil: string | null;
  carrierCardNumber: string | null;
  functions: CardFunctionRow[];
  /** The holder's end of stay as J-LIS keeps it (why a card expired by date: rules/myNumberCardExpiry.ts). */
  holderStayExpiresOn: string | null;
}

export interface MyNumberRow {
  myNumber: string;
  assignedOn: string;
  /** Null until the registry's event names the municipality that recorded the resident. */
  municipalityCode: string | null;
  card: MyNumberCardRow | null;
}

// One statement for any number of My Numbers: each person with the card in force and its functions.
const PERSONS_SQL = `
  SELECT m.my_number AS "myNumber", m.assigned_on AS "assignedOn", m.municipality_code AS "municipalityCode", c.card
  FROM my_number m
  LEFT JOIN LATERAL (
    SELECT json_build_object(
      'kind', c.kind, 'status', c.status, 'statusReason', c.status_reason, 'issuedOn', c.issued_on,
      'validUntil', c.valid_until, 'carrierCardNumber', c.carrier_card_number, 'holderStayExpiresOn', m.stay_expires_on,
      'functions', (SELECT coalesce(json_agg(json_build_object('function', f.function, 'status', f.status,
                                                               'validUntil', f.valid_until) ORDER BY f.function), '[]')
                    FROM card_function f WHERE f.card_id = c.id)) AS card
    FROM my_number_card c WHERE c.my_number = m.my_number
    ORDER BY c.issued_on DESC, c.id DESC LIMIT 1
  ) c ON true
  WHERE m.my_number = ANY($1)`;

/** Per-request loaders: results in key order, one SQL statement per batch. */
export function createLoaders(db: DataSource, requestStartedAt?: number) {
  return {
    accessLog: createAccessLogLoader(db),
    accessHistory: createAccessHistoryLoader(db),
    proofs: createProofLoader(db, 'mynumber'),
    pendingChanges: createPendingLoader(db, 'mynumber', requestStartedAt),
    person: new DataLoader<string, MyNumberRow | null>(async (myNumbers) => {
      const rows: MyNumberRow[] = await db.query(PERSONS_SQL, [myNumbers]);
      const byNumber = new Map(rows.map((row) => [row.myNumber, row]));
      return myNumbers.map((n) => byNumber.get(n) ?? null);
    }),
  };
}

export type Loaders = ReturnType<typeof createLoaders>;
