import type { AuditTrail } from './audit';
import type { Principal, Role } from '../../runtime/principal';

/** How much of an authority's person data a role may read (issue "Who may see what" refines it per field). */
export type PersonScope = 'all' | 'own-municipality' | 'self' | 'none';

/** An authority's person-level policy: one scope per role; roles not listed read nothing. */
export type PersonPolicy = Partial<Record<Role, PersonScope>>;

/**
 * Which persons each role may reach at all, the same at every authority (each authority's policy.ts uses it):
 * clerks only residents of their own municipality, a resident only themselves; analysts and partners no one.
 */
export const PERSON_REACH: PersonPolicy = {
  'isa-officer': 'all',
  'jlis-operator': 'all',
  'municipal-clerk': 'own-municipality',
  resident: 'self',
  // Auditors reach a person only to read the access log (every other field is refused by the field policies).
  auditor: 'all',
};

/** Whether the caller may see this person at all; an invisible person is answered like an unknown one. */
export function canSeePerson(
  policy: PersonPolicy,
  principal: Principal,
  person: { myNumber: string | null; municipalityCode: string | null },
): boolean {
  switch (policy[principal.role] ?? 'none') {
    case 'all':
      return true;
    case 'own-municipality':
      return principal.municipality !== undefined && principal.municipality === person.municipalityCode;
    case 'self':
      return principal.myNumber !== undefined && principal.myNumber === person.myNumber;
    case 'none':
      return false;
  }
}

/**
 * The row if the caller may see the person, else null; either way the lookup is recorded for the access log
 * (unknown and invisible persons too: repeated misses are how guessing shows).
 */
export function lookUp<R extends { myNumber: string | null; municipalityCode: string | null }>(
  ctx: { principal: Principal; audit: AuditTrail },
  policy: PersonPolicy,
  subject: string,
  row: R | null,
): R | null {
  if (!row) {
    ctx.audit.saw(subject, 'not_found');
    return null;
  }
  const visible = canSeePerson(policy, ctx.principal, row);
  ctx.audit.saw(subject, visible ? 'ok' : 'not_visible');
  return visible ? row : null;
}
