import { hash } from 'node:crypto';

/**
 * What one access-log row commits to as a Merkle leaf: everything the person it concerns is shown about the access
 * (when, at which authority, who by role and agency, why, which items, what came of it), and a reference that
 * stands for the request id and the staff member's identity, which the person is not shown. The person can rebuild
 * the leaf from their history entry and check its inclusion; the authority can prove which request it was.
 */
export interface LeafFields {
  /** The row's time, UTC, to the microsecond (as `LEAF_SELECT` gives it). */
  at: string;
  authority: string;
  subject: string | null;
  role: string;
  agency: string;
  purpose: string;
  items: string[];
  action: string;
  outcome: string;
  /** `leafRef(requestId, principal)`. */
  ref: string;
}

const VERSION = 'residence-card/access-log-leaf/v1';

/** The leaf's data: a JSON array, so no field can run into the next. */
export function leafData(f: LeafFields): string {
  return JSON.stringify([VERSION, f.at, f.authority, f.subject, f.role, f.agency, f.purpose, f.items, f.action, f.outcome, f.ref]);
}

/** The reference that stands for the request and the caller's identity in a leaf. */
export function leafRef(requestId: string, principal: string): string {
  return hash('sha256', JSON.stringify([requestId, principal]), 'hex');
}

/** A timestamp column as the leaf holds it: UTC, to the microsecond. */
const utcMicros = (column: string) => `to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;

/**
 * The columns of `access_log` a leaf is built from, as `LeafFields` plus the request id and principal
 * (`npm run audit:verify` reads every row this way). The items come as JSON, which the drivers parse natively,
 * rather than as a text array, which they parse in JavaScript: the same strings, for less work per row.
 */
export const LEAF_SELECT = `${utcMicros('at')} AS at, provider AS authority, subject,
  role, agency, purpose, to_json(items) AS items, action, outcome, request_id AS "requestId", principal`;

/** A row as LEAF_SELECT reads it. */
export interface LeafRow extends Omit<LeafFields, 'ref'> {
  requestId: string;
  principal: string;
}

/** A column as JSON text, as JSON.stringify writes its value: to_json escapes exactly the characters it escapes. */
const json = (column: string) => `coalesce(to_json(${column})::text, 'null')`;

/**
 * The leaf hash of the `access_log` row `a`, computed by the database: `leafHash(leafData(...))` of its fields,
 * written in SQL so that placing thousands of rows costs the sequencer no row to read and decode. Everything else
 * rebuilds leaves in JavaScript: `audit:verify` (rowLeafData), the proofs of a person's history (leafData) and the
 * console in the person's browser. A difference would show there as a leaf that fails, not at placing time;
 * leaf.test.ts holds the SQL to rowLeafData on hostile values. The NUL prefix is written as `decode`, which reads
 * the same whatever `standard_conforming_strings` is.
 */
export const LEAF_HASH_SQL = (() => {
  const ref = `encode(sha256(convert_to('[' || ${json('a.request_id')} || ',' || ${json('a.principal')} || ']', 'UTF8')), 'hex')`;
  const fields = [`'${VERSION}'::text`, utcMicros('a.at'), 'a.provider', 'a.subject', 'a.role', 'a.agency', 'a.purpose', 'a.items', 'a.action', 'a.outcome', ref];
  const data = `'[' || ${fields.map(json).join(` || ',' || `)} || ']'`;
  return `sha256(decode('00', 'hex') || convert_to(${data}, 'UTF8'))`;
})();

/** The leaf data of a row read with LEAF_SELECT. */
export function rowLeafData(row: LeafRow): string {
  const { requestId, principal, ...fields } = row;
  return leafData({ ...fields, ref: leafRef(requestId, principal) });
}
