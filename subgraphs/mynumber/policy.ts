import type { PersonPolicy } from '../kit/visibility';

/** J-LIS: who may read My Numbers and My Number cards. */
export const PERSON_POLICY: PersonPolicy = {
  'isa-officer': 'all',
  'jlis-operator': 'all',
  'municipal-clerk': 'own-municipality',
  resident: 'self',
};
