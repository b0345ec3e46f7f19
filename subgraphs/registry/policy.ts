import type { FieldPolicy, Grants } from '../kit/fieldPolicy';
import { PERSON_REACH, type PersonPolicy } from '../kit/visibility';
import type { MutationPolicy } from '../kit/mutationPolicy';

/**
 * Which persons a role may see at all: the reach all three authorities share (kit/visibility.ts). An authority
 * whose reach ever differs writes its own table here instead.
 */
export const PERSON_POLICY: PersonPolicy = PERSON_REACH;

/** The access log: the person about themselves, auditors for audit. */
const ACCESS_LOG: Grants = { resident: ['own-record'], auditor: ['audit'] };

const CLERK: Grants = { 'municipal-clerk': ['resident-registration', 'my-number-card-issuance'], resident: ['own-record'] };

/**
 * Registry field policy. The ISA receives residents' addresses (入管法 19条の9); J-LIS holds the four basic items
 * of identification (name, birth date, sex, address) and the resident record code (住基法 30条の6), not the
 * history. The resident record code is given only where the law names it (住基法 30条の42 ff.).
 */
export const FIELD_POLICY: FieldPolicy = {
  Person: { '*': { ...CLERK, 'isa-officer': ['residence-management'], 'jlis-operator': ['my-number-card-management'] }, registryAccessLog: ACCESS_LOG, registryAccessHistory: ACCESS_LOG },
  ResidentRecord: {
    '*': { ...CLERK, 'isa-officer': ['residence-management'] },
    familyName: { ...CLERK, 'isa-officer': ['residence-management'], 'jlis-operator': ['my-number-card-management'] },
    givenName: { ...CLERK, 'isa-officer': ['residence-management'], 'jlis-operator': ['my-number-card-management'] },
    birthDate: { ...CLERK, 'isa-officer': ['residence-management'], 'jlis-operator': ['my-number-card-management'] },
    sex: { ...CLERK, 'isa-officer': ['residence-management'], 'jlis-operator': ['my-number-card-management'] },
    address: { ...CLERK, 'isa-officer': ['residence-management'], 'jlis-operator': ['my-number-card-management'] },
    municipality: { ...CLERK, 'isa-officer': ['residence-management'], 'jlis-operator': ['my-number-card-management'] },
    residentRecordCode: { 'municipal-clerk': ['resident-registration'], 'jlis-operator': ['my-number-card-management'], resident: ['own-record'] },
  },
};

const REGISTRATION_CLERK = { purposes: ['resident-registration'], persons: 'own-municipality' } as const;

/**
 * Who may change which resident record (住民基本台帳法). Only a municipality keeps its own register: a registration
 * (転入 from abroad, 30条の46) and a move within it (転居, 23条) are made by its own clerk, and so is the removal of a
 * record it keeps. A move between municipalities is two acts: the former municipality records the move-out (転出,
 * 24条: destination and date), then the destination records the move-in (転入, 22条) of the person whose move-out
 * names it, and of no one else.
 */
export const MUTATION_POLICY: MutationPolicy = {
  registerResident: { 'municipal-clerk': REGISTRATION_CLERK },
  changeAddress: { 'municipal-clerk': REGISTRATION_CLERK },
  recordMoveOut: { 'municipal-clerk': REGISTRATION_CLERK },
  recordMoveIn: { 'municipal-clerk': { purposes: ['resident-registration'], persons: 'moving-in' } },
  removeResident: { 'municipal-clerk': REGISTRATION_CLERK },
};
