import { randomInt } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { DataSource, EntityManager } from 'typeorm';
import { isValidLocalGovernmentCode, makeMyNumber, parseDate } from '../../schema/identifiers';
import { HttpError } from '../../runtime/http';
import { logInternal } from '../kit/internalAccess';
import type { VerifyCaller } from '../kit/internalSignature';

export { ASSIGNMENT_PATH } from '../../schema/internalPaths';

interface AssignmentRequest {
  residentRecordCode: string;
  birthDate: string;
  /** The municipality asking: checked, not kept (the registry's event names the one that records the resident). */
  municipalityCode: string;
  assignedOn: string;
  /** The clerk's request, so that J-LIS's row and the registry's row of the registration share its id. */
  requestId?: string;
}

/**
 * J-LIS generates a My Number when a municipality first records a resident (番号法 8条). Asked again for the
 * same resident record code, it answers with the same number, so a municipality can retry safely. Each answer is
 * logged in the same transaction (a new number cannot commit unlogged, and the number is personal data): when the
 * row cannot be written, no number is kept and the answer is 503 `ACCESS_LOG_UNAVAILABLE` (logInternal).
 */
export function assignmentRoute(db: DataSource, verify: VerifyCaller) {
  return async (req: IncomingMessage, body: string, res: ServerResponse): Promise<void> => {
    const call = await verify(req, body);
    if (call.caller !== 'registry') throw new HttpError(403, 'FORBIDDEN', 'Only municipalities request My Numbers');
    const r = JSON.parse(body) as AssignmentRequest;
    if (
      !/^[0-9]{11}$/.test(r.residentRecordCode ?? '') ||
      !parseDate(r.birthDate ?? '').ok ||
      !parseDate(r.assignedOn ?? '').ok ||
      !isValidLocalGovernmentCode(r.municipalityCode ?? '')
    ) {
      throw new HttpError(400, 'BAD_ASSIGNMENT_REQUEST', 'Resident record code, dates and municipality are required');
    }
    const myNumber = await db.transaction(async (m) => {
      const assigned = await assign(m, r);
      const row = { subject: assigned, items: [], action: 'assignMyNumber', outcome: 'ok' };
      await logInternal(m, 'mynumber', call, 'my-number-assignment', [row], r.requestId);
      return assigned;
    });
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ myNumber }));
  };
}

/**
 * The resident's My Number: the one already assigned to the resident record code, else a new one, under no
 * municipality until the registry's event names the one that recorded the resident (events.ts). Two assignments
 * for one code at once (a registration sent twice) give one number: the second insert finds the code taken, and
 * reads the number the first got.
 */
async function assign(m: EntityManager, r: AssignmentRequest): Promise<string> {
  for (;;) {
    const [existing] = (await m.query(`SELECT my_number AS "myNumber" FROM my_number WHERE resident_record_code = $1`, [
      r.residentRecordCode,
    ])) as Array<{ myNumber: string }>;
    if (existing) return existing.myNumber;
    const candidate = makeMyNumber(String(randomInt(1e10, 1e11)).padStart(11, '0'));
    const inserted: unknown[] = await m.query(
      `INSERT INTO my_number (my_number, assigned_on, birth_date, resident_record_code)
       VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING RETURNING my_number`,
      [candidate, r.assignedOn, r.birthDate, r.residentRecordCode],
    );
    if (inserted.length > 0) return candidate;
  }
}
