import { PURPOSES_BY_ROLE, purposeAllowed, type Purpose, type Role } from '../../schema/access';
import { HttpError } from '../../runtime/http';

/** The organisation each role acts for, as recorded by the authorities. */
export function agencyOf(role: Role, municipality?: string): string {
  switch (role) {
    case 'isa-officer':
      return 'ISA';
    case 'jlis-operator':
      return 'J-LIS';
    case 'municipal-clerk':
      return `municipality:${municipality}`;
    case 'analyst':
      return 'statistics';
    case 'auditor':
      return 'audit';
    case 'resident':
      return 'self';
    case 'partner':
      return 'partner';
  }
}

/** The purpose a request carries: the one it names (X-Purpose header, else the token's claim), else the role's first. */
export function purposeFor(role: Role, named: string | undefined): Purpose {
  const purpose = named ?? PURPOSES_BY_ROLE[role][0]!;
  if (!purposeAllowed(role, purpose)) {
    throw new HttpError(403, 'PURPOSE_NOT_ALLOWED', `The role ${role} may not act for the purpose "${purpose}"`);
  }
  return purpose;
}
