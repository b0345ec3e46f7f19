import type { DataSource, EntityManager } from 'typeorm';
import { writeAccessLog, type AuditRow } from './audit';
import type { Authority } from '../../runtime/authority';
import { HttpError } from '../../runtime/http';
import type { InternalCall } from './internalSignature';
import type { Principal, Role } from '../../runtime/principal';
import { acceptedRequestId } from '../../runtime/requestId';

/** The organisation behind each authority's systems, as the access log names agencies. */
const AGENCY: Record<Authority, string> = { immigration: 'ISA', mynumber: 'J-LIS', registry: 'municipalities' };

/**
 * The role an authority-to-authority call is recorded with: a system of the calling authority, with no person and
 * no gateway behind it. No token can carry it (it is not one of ROLES), so no policy grants it anything; it only
 * names the kind of caller in the access log.
 */
const AUTHORITY_ROLE = 'authority' as Role;

/**
 * Who made an internal call, as the access log records it: the calling authority, for `purpose`, under the call's
 * id (its signature's `jti`: unique, chosen by the caller's system). A call made for a client's request carries
 * that request's id (`requestId`), which the client may have chosen and which need not be unique: when it is one a
 * request may carry, the row's id is `<request id>~<call id>`, so the row is found from the request and is still
 * the one call's.
 */
export function callerPrincipal(call: InternalCall, purpose: string, requestId?: unknown): Principal {
  const request = acceptedRequestId(requestId);
  return { sub: call.caller, role: AUTHORITY_ROLE, agency: AGENCY[call.caller], purpose, requestId: request ? `${request}~${call.id}` : call.id };
}

/**
 * Writes an internal call's rows before its answer leaves. When they cannot be written the call fails (503), so
 * nothing an internal call is given or does goes unlogged; inside a transaction, its work rolls back with them.
 */
export async function logInternal(
  db: DataSource | EntityManager,
  provider: Authority,
  call: InternalCall,
  purpose: string,
  rows: AuditRow[],
  requestId?: unknown,
): Promise<void> {
  try {
    await writeAccessLog(db, provider, callerPrincipal(call, purpose, requestId), rows);
  } catch {
    throw new HttpError(503, 'ACCESS_LOG_UNAVAILABLE', 'The access log could not be written');
  }
}

/** Records that an internal call was given these persons' data: one `read` row per person (logInternal). */
export async function logInternalRead(
  db: DataSource | EntityManager,
  provider: Authority,
  call: InternalCall,
  purpose: string,
  items: string[],
  subjects: Iterable<string>,
  { outcome = 'ok', requestId }: { outcome?: string; requestId?: unknown } = {},
): Promise<void> {
  const rows: AuditRow[] = [...new Set(subjects)].map((subject) => ({ subject, items, action: 'read', outcome }));
  await logInternal(db, provider, call, purpose, rows, requestId);
}
