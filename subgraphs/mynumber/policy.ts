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

const CARD_WORK: Grants = {
  'jlis-operator': ['my-number-card-management'],
  'municipal-clerk': ['my-number-card-issuance'],
  resident: ['own-record'],
};

/** Every counter that sees the person: the card's kind and status tell the arrangements (a)/(b)/(c) apart. */
const COUNTERS: Grants = {
  ...CARD_WORK,
  'isa-officer': ['residence-management'],
  'municipal-clerk': ['resident-registration', 'my-number-card-issuance'],
};

/** The card's own issuers: J-LIS, the municipal card counter, the ISA for the specific cards it issues, the holder. */
const ISSUERS: Grants = { ...CARD_WORK, 'isa-officer': ['residence-management'] };

/**
 * J-LIS field policy. Every counter sees which card carries the My Number function and whether it is active;
 * the functions and certificates (公的個人認証) and the carrying card's number are for the card's issuers and
 * its holder: a clerk registering a resident needs the My Number, not the card's functions.
 */
export const FIELD_POLICY: FieldPolicy = {
  Person: { '*': COUNTERS, jlisAccessLog: ACCESS_LOG, jlisAccessHistory: ACCESS_LOG },
  MyNumberCard: {
    '*': COUNTERS,
    functions: ISSUERS,
    carrierCardNumber: ISSUERS,
  },
  CardFunction: { '*': ISSUERS },
};

const OPERATOR = { purposes: ['my-number-card-management'], persons: 'any' } as const;
const CARD_COUNTER = { purposes: ['my-number-card-issuance'], persons: 'own-municipality' } as const;

/**
 * Who may change which My Number card. J-LIS issues and manages every card (番号法 17条, 公的個人認証法); the
 * municipality where the holder lives hands cards over, takes back a returned function and suspends or resumes
 * certificates at its counter (番号法 17条1項, 公的個人認証法 9条, 12条), for its own residents only and only when
 * acting for card issuance. Revoking a function on the authority's own initiative is J-LIS's alone.
 */
export const MUTATION_POLICY: MutationPolicy = {
  issueMyNumberCard: { 'jlis-operator': OPERATOR, 'municipal-clerk': CARD_COUNTER },
  returnMyNumberFunction: { 'jlis-operator': OPERATOR, 'municipal-clerk': CARD_COUNTER },
  revokeMyNumberFunction: { 'jlis-operator': OPERATOR },
  suspendCertificates: { 'jlis-operator': OPERATOR, 'municipal-clerk': CARD_COUNTER },
  resumeCertificates: { 'jlis-operator': OPERATOR, 'municipal-clerk': CARD_COUNTER },
};
