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

/** The ISA's own staff, and the person about their own record. */
const ISA: Grants = { 'isa-officer': ['residence-management'], resident: ['own-record'] };

/** What other agencies' counters need of a residence record: who the person is and whether their card is good. */
const COUNTERS: Grants = {
  ...ISA,
  'municipal-clerk': ['resident-registration', 'my-number-card-issuance'],
  'jlis-operator': ['my-number-card-management'],
};

/**
 * ISA field policy (role x purpose x field). Permissions, work conditions and the card history are the ISA's
 * business and the person's; municipalities and J-LIS see the status, the stay and the card in force.
 */
export const FIELD_POLICY: FieldPolicy = {
  Person: { '*': COUNTERS, accessLog: ACCESS_LOG, immigrationAccessHistory: ACCESS_LOG },
  ImmigrationRecord: {
    '*': ISA,
    residentClass: COUNTERS,
    nationality: COUNTERS,
    birthDate: COUNTERS,
    sex: COUNTERS,
    statusOfResidence: COUNTERS,
    stayExpiresOn: COUNTERS,
    // Past the end of stay, whether the special period (入管法 20条6項) keeps the person lawful and the card good.
    specialPeriodUntil: COUNTERS,
    // 住民基本台帳法 30条の45: the period of stay is an item of a foreign resident's resident record.
    periodOfStay: { ...ISA, 'municipal-clerk': ['resident-registration'] },
    specificCardEligibility: COUNTERS,
    residenceCard: COUNTERS,
    person: COUNTERS,
    // What to do at which counter (issue 18), for a holder without a My Number: as Person.counterGuidance, which the
    // Person rule grants to every counter and the person, like cardArrangement (the answer reveals the arrangement).
    counterGuidance: COUNTERS,
  },
  CardVerification: { '*': { partner: ['card-verification'], 'isa-officer': ['residence-management'] } },
  ResidenceCard: {
    '*': COUNTERS,
    holder: COUNTERS,
    supersededBy: ISA,
  },
};

const ISA_OFFICER = { purposes: ['residence-management'], persons: 'any' } as const;

/**
 * Who may change which immigration record: the ISA alone decides on residence (入管法 19条の10-19条の13: cards issued,
 * reported lost and reissued at the regional immigration bureau; 21条, 20条: renewal and change of status, which
 * only the Minister of Justice grants), for any foreign resident. Municipalities and J-LIS read these records and
 * change none of them.
 */
export const MUTATION_POLICY: MutationPolicy = {
  issueSpecificResidenceCard: { 'isa-officer': ISA_OFFICER },
  reportResidenceCardLost: { 'isa-officer': ISA_OFFICER },
  reissueResidenceCard: { 'isa-officer': ISA_OFFICER },
  renewPeriodOfStay: { 'isa-officer': ISA_OFFICER },
  changeStatusOfResidence: { 'isa-officer': ISA_OFFICER },
  applyForExtension: { 'isa-officer': ISA_OFFICER },
  refuseExtension: { 'isa-officer': ISA_OFFICER },
};
