import type { PersonPolicy } from '../kit/visibility';

/** ISA: who may read immigration records and residence cards. */
export const PERSON_POLICY: PersonPolicy = {
  'isa-officer': 'all',
  'jlis-operator': 'all',
  'municipal-clerk': 'own-municipality',
  resident: 'self',
};
