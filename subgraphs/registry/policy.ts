import type { PersonPolicy } from '../kit/visibility';

/** Municipalities: who may read resident records (clerks only their own municipality's residents). */
export const PERSON_POLICY: PersonPolicy = {
  'isa-officer': 'all',
  'jlis-operator': 'all',
  'municipal-clerk': 'own-municipality',
  resident: 'self',
};
