import type { Principal, Role } from './principal';

/** How much of an authority's person data a role may read (issue "Who may see what" refines it per field). */
export type PersonScope = 'all' | 'own-municipality' | 'self' | 'none';

/** An authority's person-level policy: one scope per role; roles not listed read nothing. */
export type PersonPolicy = Partial<Record<Role, PersonScope>>;

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
