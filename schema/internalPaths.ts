/** Internal endpoints one authority calls on another (never routed by the gateway). */

/** J-LIS: assign a My Number to a newly recorded resident. */
export const ASSIGNMENT_PATH = '/internal/my-numbers';

/** Reconciliation (`npm run reconcile`): each authority's view of the specific cards, and the ISA's repair. */
export const RECONCILE_CARDS_PATH = '/internal/reconcile/cards';
export const RECONCILE_REPAIR_PATH = '/internal/reconcile/repair';

/** The ISA's view of one specific card, as reconciliation compares it with J-LIS's. */
export interface IsaCardView {
  number: string;
  myNumber: string | null;
  status: string;
  lossReportedOn: string | null;
  validUntil: string | null;
  functionEndedOn: string | null;
}

/** J-LIS's view of the My Number function carried by one specific card (its latest card for that carrier). */
export interface JlisCardView {
  carrierCardNumber: string;
  myNumber: string;
  status: string;
  statusReason: string | null;
  validUntil: string;
}

/** Access-log chain verification (`npm run audit:verify`), on each authority. */
export const AUDIT_VERIFY_PATH = '/internal/audit/verify';

/** Statistics verification (`npm run stats:verify`): the maintained counts against a full recount. */
export const STATS_VERIFY_PATH = '/internal/statistics/verify';

/**
 * The ISA: whether a presented residence card may be registered as a new resident's (registry, before J-LIS
 * assigns a number): the card is in force, its holder has no My Number yet, and holder and card match the request.
 */
export const REGISTRATION_CARD_PATH = '/internal/registrations/card';

/**
 * The ISA's one refusal of a presented card, whatever the reason (not in force, registered already, not matching):
 * the registry refuses a card it has recorded already in the same words, so neither tells a clerk more.
 */
export const CARD_REFUSAL = {
  code: 'RESIDENCE_CARD_MISMATCH',
  message: 'The card is not in force, is registered already, or does not match the person',
} as const;

/** What the registry asks of the ISA about a presented card. */
export interface RegistrationCardCheck {
  residenceCardNumber: string;
  birthDate: string;
  sex: string;
  category: string;
  /** The clerk's request, so that the ISA's row of the check and the registry's row of the registration share its id. */
  requestId?: string;
}
