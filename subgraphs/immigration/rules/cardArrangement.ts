/**
 * Which of the three arrangements a resident is in: (a) a specific card, (b) a residence card (or SPR
 * certificate) and a separate My Number card, (c) a residence card only; or no card in force at all.
 * Statuses are taken as given: pass the status on the day asked (see residenceCardStatusOn).
 */
import type {
  CardArrangement,
  MyNumberCardKind,
  MyNumberCardStatus,
  ResidenceCardKind,
  ResidenceCardStatus,
} from '../../../schema/codes';

/** The residence card side of the table. */
export type ResidenceCardState = 'SPECIFIC_CARD_IN_FORCE' | 'OTHER_CARD_IN_FORCE' | 'NO_CARD_IN_FORCE';
/** The My Number card side of the table: only a standalone My Number card counts here. */
export type StandaloneMyNumberCardState = 'HELD' | 'NOT_HELD';

/** A card in force: VALID, which includes a card reported lost (it stays VALID until reissue). */
export const RESIDENCE_CARD_IN_FORCE: readonly ResidenceCardStatus[] = ['VALID'];
/** The specific kinds: one card that is also the My Number card. */
export const SPECIFIC_CARD_KINDS: readonly ResidenceCardKind[] = [
  'SPECIFIC_RESIDENCE_CARD',
  'SPECIFIC_SPECIAL_PERMANENT_RESIDENT_CERTIFICATE',
];
/** A standalone My Number card still held: a suspended card is held (it can be resumed); revoked or expired is not. */
export const MY_NUMBER_CARD_HELD: readonly MyNumberCardStatus[] = ['ACTIVE', 'SUSPENDED'];

/**
 * The table. Rows:
 * - a specific card in force is arrangement (a), whatever else exists: its My Number part may be revoked
 *   after a loss report and the card still counts; a standalone card left over from before the conversion
 *   is ended by the conversion and does not turn (a) into (b);
 * - another residence card or SPR certificate in force with a standalone My Number card held is (b);
 * - the same without one is (c);
 * - with no card in force (none, or EXPIRED, RETURNED, REVOKED, SUPERSEDED) there is no arrangement, even
 *   with a My Number card: the three arrangements are ways of holding a residence card.
 */
export const ARRANGEMENT_TABLE: Readonly<Record<ResidenceCardState, Record<StandaloneMyNumberCardState, CardArrangement>>> = {
  SPECIFIC_CARD_IN_FORCE: { HELD: 'SPECIFIC_CARD', NOT_HELD: 'SPECIFIC_CARD' },
  OTHER_CARD_IN_FORCE: { HELD: 'SEPARATE_CARDS', NOT_HELD: 'RESIDENCE_CARD_ONLY' },
  NO_CARD_IN_FORCE: { HELD: 'NONE', NOT_HELD: 'NONE' },
};

/** What the arrangement depends on. */
export interface CardArrangementInput {
  residenceCard: { kind: ResidenceCardKind; status: ResidenceCardStatus } | null;
  myNumberCard: { kind: MyNumberCardKind; status: MyNumberCardStatus } | null;
}

/** The residence card side of a resident's cards. */
export function residenceCardState(card: CardArrangementInput['residenceCard']): ResidenceCardState {
  if (card === null || !RESIDENCE_CARD_IN_FORCE.includes(card.status)) return 'NO_CARD_IN_FORCE';
  return SPECIFIC_CARD_KINDS.includes(card.kind) ? 'SPECIFIC_CARD_IN_FORCE' : 'OTHER_CARD_IN_FORCE';
}

/** The standalone My Number card side; the My Number part of a specific card is not a standalone card. */
export function standaloneMyNumberCardState(card: CardArrangementInput['myNumberCard']): StandaloneMyNumberCardState {
  return card !== null && card.kind === 'MY_NUMBER_CARD' && MY_NUMBER_CARD_HELD.includes(card.status) ? 'HELD' : 'NOT_HELD';
}

/** The resident's card arrangement. */
export function cardArrangement(input: CardArrangementInput): CardArrangement {
  return ARRANGEMENT_TABLE[residenceCardState(input.residenceCard)][standaloneMyNumberCardState(input.myNumberCard)];
}
