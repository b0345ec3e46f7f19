/**
 * Card histories for personas the generator does not draw: a reissue after a loss, a renewal of a specific card, a
 * returned My Number function, an expired My Number card. The procedures' days are given; every validity comes from
 * the rules, so the persona tests, whose expected values are written by hand from the law, check those rules.
 */
import type { MyNumberCardKind, MyNumberCardStatus, ResidenceCardKind, StatusOfResidence } from '../schema/codes';
import { compareDates } from '../schema/dates';
import { MY_NUMBER_CARD_HELD, SPECIFIC_CARD_KINDS } from '../subgraphs/immigration/rules/cardArrangement';
import { residenceCardValidUntil } from '../subgraphs/immigration/rules/cardValidity';
import { myNumberCardValidUntil, myNumberFunctionFollowsStay } from '../subgraphs/mynumber/rules/myNumberCardValidity';
import { cardFunctions } from './cards';
import { residenceCardNumberOf, rowId } from './keys';
import type { CardFunctionRow, MyNumberCardRow, StayApplicationRow, SyntheticPerson } from './rows';

/** One residence card of the history, oldest first; the last is the card in force. */
export interface CardIssue {
  on: string;
  kind: ResidenceCardKind;
  /** The card was reported lost on this day (then reissued, or still in force with its My Number part revoked). */
  lostOn?: string;
  /** For an earlier card: the status and end of stay it was issued under (default: the holder's current ones). */
  statusOfResidence?: StatusOfResidence;
  stayExpiresOn?: string;
}

/** What J-LIS holds beside the residence cards. */
export type MyNumberSide =
  | { kind: 'GENERATED' }
  | { kind: 'SPECIFIC_PARTS'; functionReturnedOn?: string }
  | { kind: 'STANDALONE'; issuedOn: string };

type Carried = { card: MyNumberCardRow; functions: CardFunctionRow[] };

function ended(entry: Carried, status: MyNumberCardStatus, reason: string): Carried {
  return {
    card: { ...entry.card, status, statusReason: reason },
    functions: entry.functions.map((f) => (f.status === 'NOT_ISSUED' ? f : { ...f, status })),
  };
}

/** Records an application filed on `filedOn` for the stay on record, still pending (the special period runs). */
export function pendingApplication(kind: StayApplicationRow['kind'], filedOn: string): (person: SyntheticPerson) => void {
  return (person) => {
    const { resident } = person.immigration;
    if (resident.stayExpiresOn === null) throw new Error('an application needs a period of stay');
    person.immigration.applications = [
      { id: rowId(person.key, 0), residentId: person.key, kind, filedOn, oldStayExpiresOn: resident.stayExpiresOn, status: 'PENDING', decidedOn: null },
    ];
  };
}

/** Replaces a persona's cards with `issues` (and J-LIS's cards as `side` says), valid by the rules on `asOf`. */
export function withCardHistory(issues: readonly CardIssue[], side: MyNumberSide): (person: SyntheticPerson, asOf: string) => void {
  return (person, asOf) => {
    const { resident } = person.immigration;
    const numbers = issues.map((_, slot) => residenceCardNumberOf(person.key, slot));
    person.immigration.cards = issues.map((issue, slot) => {
      const last = slot === issues.length - 1;
      return {
        number: numbers[slot] as string,
        residentId: person.key,
        kind: issue.kind,
        status: last ? 'VALID' : 'SUPERSEDED',
        issuedOn: issue.on,
        validUntil: residenceCardValidUntil({
          kind: issue.kind,
          statusOfResidence: issue.statusOfResidence ?? resident.statusOfResidence,
          birthDate: resident.birthDate,
          issuedOn: issue.on,
          stayExpiresOn: issue.stayExpiresOn ?? resident.stayExpiresOn,
        }),
        lossReportedOn: issue.lostOn ?? null,
        supersededBy: last ? null : (numbers[slot + 1] as string),
        myNumberFunctionEndedOn: null,
        myNumberFunctionEndReason: null,
      };
    });
    if (!person.mynumber || side.kind === 'GENERATED') return;
    const { myNumber } = person.mynumber.myNumber;
    const exempt = !myNumberFunctionFollowsStay(resident.residentClass, resident.statusOfResidence);
    const entry = (slot: number, kind: MyNumberCardKind, issuedOn: string, validUntil: string, carrier: string | null): Carried => {
      const id = rowId(person.key, slot);
      return {
        card: { id, myNumber, kind, status: 'ACTIVE', statusReason: null, issuedOn, validUntil, carrierCardNumber: carrier },
        functions: cardFunctions(id, resident.birthDate, issuedOn, validUntil, asOf),
      };
    };
    if (side.kind === 'STANDALONE') {
      const validUntil = myNumberCardValidUntil({
        birthDate: resident.birthDate,
        issuedOn: side.issuedOn,
        foreignResident: { stayExpiresOn: resident.stayExpiresOn, exempt },
      });
      const card = entry(0, 'MY_NUMBER_CARD', side.issuedOn, validUntil, null);
      // Past its date the expiry sweep has recorded it (myNumberCardExpiry.ts): EXPIRED, the ISA told.
      const past = compareDates(validUntil, asOf) < 0;
      const reason = !exempt && validUntil === resident.stayExpiresOn ? 'PERIOD_OF_STAY_ENDED' : 'VALIDITY_ENDED';
      person.mynumber.cards = [past ? ended(card, 'EXPIRED', reason) : card];
    } else {
      const carriers = person.immigration.cards.filter((c) => SPECIFIC_CARD_KINDS.includes(c.kind));
      person.mynumber.cards = carriers.map((c, slot) => {
        const part = entry(slot, c.kind as MyNumberCardKind, c.issuedOn, c.validUntil as string, c.number);
        if (c.lossReportedOn !== null) return ended(part, 'REVOKED', 'CARD_REPORTED_LOST');
        if (slot < carriers.length - 1) return ended(part, 'REVOKED', 'CARD_REISSUED');
        return part;
      });
      const inForce = person.immigration.cards.at(-1);
      const lastPart = person.mynumber.cards.at(-1);
      if (side.functionReturnedOn && inForce && lastPart) {
        person.mynumber.cards[person.mynumber.cards.length - 1] = ended(lastPart, 'REVOKED', 'FUNCTION_RETURNED');
        inForce.myNumberFunctionEndedOn = side.functionReturnedOn;
        inForce.myNumberFunctionEndReason = 'FUNCTION_RETURNED';
      }
    }
    resident.myNumberCardHeld = person.mynumber.cards.some(({ card }) => card.kind === 'MY_NUMBER_CARD' && MY_NUMBER_CARD_HELD.includes(card.status));
  };
}
