import type { Authority } from '../runtime/authority';
/**
 * The cross-authority events (DESIGN.md §3, flows table): their names and payloads are the contract between
 * a producing authority's outbox and a consuming authority's inbox.
 */
import type { MyNumberCardStatus, ResidenceCardKind, ResidentCategory, ResidentClass, StatusOfResidence } from './codes';

/** immigration → mynumber: a specific card now carries the My Number function (new issuance or conversion). */
export interface SpecificCardIssued {
  myNumber: string;
  cardNumber: string;
  kind: ResidenceCardKind;
  issuedOn: string;
  validUntil: string | null;
  /** The card it replaced, if any (its My Number part, if it had one, ends). */
  replacedCardNumber: string | null;
}

/** immigration → mynumber: a specific card was reported lost; its My Number function is revoked at once. */
export interface CardReportedLost {
  myNumber: string;
  cardNumber: string;
  reportedOn: string;
}

/** immigration → mynumber: a card was reissued under a new number; the old one is superseded. */
export interface CardReissued {
  myNumber: string;
  oldCardNumber: string;
  newCardNumber: string;
  kind: ResidenceCardKind;
  issuedOn: string;
  validUntil: string | null;
}

/** immigration → mynumber: the period of stay changed; the card and its My Number function follow. */
export interface PeriodOfStayRenewed {
  myNumber: string;
  cardNumber: string | null;
  stayExpiresOn: string | null;
  cardValidUntil: string | null;
  /** J-LIS decides from these whether the My Number function follows the stay (not for PR, SPR, HSP (ii)). */
  residentClass: ResidentClass;
  statusOfResidence: StatusOfResidence | null;
}

/**
 * immigration → mynumber: an application for an extension or a change of status was filed in time; a foreign
 * resident's My Number function that ran to the old end stays usable through the special period's last day.
 */
export interface StayApplicationFiled {
  myNumber: string;
  oldStayExpiresOn: string;
  specialPeriodLastDay: string;
}

/** immigration → mynumber: the pending application was refused; the special period (and the function's) ends that day. */
export interface StayApplicationRefused {
  myNumber: string;
  oldStayExpiresOn: string;
  specialPeriodLastDay: string;
  refusedOn: string;
}

/** mynumber → immigration: the My Number function of a card ended (returned, revoked or expired). */
export interface MyNumberFunctionEnded {
  myNumber: string;
  carrierCardNumber: string | null;
  status: MyNumberCardStatus;
  reason: string;
  endedOn: string;
}

/** mynumber → immigration: a standalone My Number card was issued (the ISA counts arrangement (b) from it). */
export interface MyNumberCardIssued {
  myNumber: string;
  issuedOn: string;
}

/** registry → immigration and J-LIS: a foreign resident was registered (and given a My Number). */
export interface ResidentRegistered {
  myNumber: string;
  residenceCardNumber: string | null;
  municipalityCode: string;
  category: ResidentCategory;
  registeredOn: string;
}

/** registry → immigration and J-LIS: a resident moved to another municipality. */
export interface ResidentMoved {
  myNumber: string;
  municipalityCode: string;
  movedOn: string;
}

/** registry → immigration: a resident record was removed (moved abroad, status ended, ...). */
export interface ResidentRemoved {
  myNumber: string;
  removedOn: string;
  reason: string;
}

/** Every event type, by name, with its payload. */
export interface EventPayloads {
  SpecificCardIssued: SpecificCardIssued;
  CardReportedLost: CardReportedLost;
  CardReissued: CardReissued;
  PeriodOfStayRenewed: PeriodOfStayRenewed;
  StayApplicationFiled: StayApplicationFiled;
  StayApplicationRefused: StayApplicationRefused;
  MyNumberFunctionEnded: MyNumberFunctionEnded;
  MyNumberCardIssued: MyNumberCardIssued;
  ResidentRegistered: ResidentRegistered;
  ResidentMoved: ResidentMoved;
  ResidentRemoved: ResidentRemoved;
}
export type EventType = keyof EventPayloads;

/**
 * The one authority that produces each event type (the arrows above): a consumer applies an event only from it, so
 * an authority cannot act in another's name with a correctly signed event of a type it does not own.
 */
export const EVENT_PRODUCERS: { readonly [T in EventType]: Authority } = {
  SpecificCardIssued: 'immigration',
  CardReportedLost: 'immigration',
  CardReissued: 'immigration',
  PeriodOfStayRenewed: 'immigration',
  StayApplicationFiled: 'immigration',
  StayApplicationRefused: 'immigration',
  MyNumberFunctionEnded: 'mynumber',
  MyNumberCardIssued: 'mynumber',
  ResidentRegistered: 'registry',
  ResidentMoved: 'registry',
  ResidentRemoved: 'registry',
};
