import type { Role } from '../../subgraphs/kit/principal';

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
  }
}

/** The purpose a role's requests carry when its token names none. */
export const DEFAULT_PURPOSE: Record<Role, string> = {
  'isa-officer': 'residence-management',
  'municipal-clerk': 'resident-registration',
  'jlis-operator': 'my-number-card-management',
  analyst: 'statistics',
  auditor: 'audit',
  resident: 'own-record',
};
