/** A synthetic person's residence cards (oldest first, the last one in force) and My Number cards with their functions. */
import type {
  CardFunctionStatus,
  MyNumberCardKind,
  ResidenceCardKind,
  ResidentClass,
  StatusOfResidence,
} from '../schema/codes';
import { addDays, addYears, ageOn, nthBirthday } from '../schema/dates';
import { residenceCardValidUntil } from '../subgraphs/immigration/rules/cardValidity';
import { specificCardKindFor } from '../subgraphs/immigration/rules/eligibility';
import {
  certificateValidUntil,
  myNumberCardValidUntil,
  myNumberFunctionFollowsStay,
  signatureCertificateIssuable,
} from '../subgraphs/mynumber/rules/myNumberCardValidity';
import { MY_NUMBER_CARD_START, RESIDENCE_CARD_START, SPECIFIC_CARD_START } from './distributions';
import { residenceCardNumberOf, rowId } from './keys';
import type { Random } from './random';
import type { CardFunctionRow, MyNumberCardRow, ResidenceCardRow } from './rows';
import { dateBetween, earlier, later, type Stay } from './stay';

/** What the residence card history depends on. */
export interface CardHolderFacts {
  key: number;
  residentClass: ResidentClass;
  statusOfResidence: StatusOfResidence | null;
  birthDate: string;
  stay: Stay;
}

/** The status an earlier card was issued under, for its validity: the same, or the one usually changed from. */
const EARLIER_STATUS: Readonly<Partial<Record<StatusOfResidence, StatusOfResidence>>> = {
  PERMANENT_RESIDENT: 'LONG_TERM_RESIDENT',
  HIGHLY_SKILLED_PROFESSIONAL_2: 'HIGHLY_SKILLED_PROFESSIONAL_1_B',
  TECHNICAL_INTERN_TRAINING_2: 'TECHNICAL_INTERN_TRAINING_1',
  TECHNICAL_INTERN_TRAINING_3: 'TECHNICAL_INTERN_TRAINING_2',
  SPECIFIED_SKILLED_WORKER_1: 'TECHNICAL_INTERN_TRAINING_2',
  SPECIFIED_SKILLED_WORKER_2: 'SPECIFIED_SKILLED_WORKER_1',
  ENGINEER_HUMANITIES_INTERNATIONAL_SERVICES: 'STUDENT',
};

/** Share of holders whose record shows the card before the current one (chosen; 0 where none can exist). */
const EARLIER_CARD_SHARE = 0.6;

/** The kind of a card issued on `issuedOn`: new format from 2026-06-14, certificates for special permanent residents. */
function residenceCardKind(residentClass: ResidentClass, issuedOn: string, specific: boolean): ResidenceCardKind {
  if (specific) {
    const kind = specificCardKindFor(residentClass);
    if (kind === null) throw new Error(`${residentClass} cannot hold a specific card`);
    return kind;
  }
  if (residentClass === 'SPECIAL_PERMANENT') return 'SPECIAL_PERMANENT_RESIDENT_CERTIFICATE';
  return issuedOn < SPECIFIC_CARD_START ? 'RESIDENCE_CARD_OLD_FORMAT' : 'RESIDENCE_CARD_NEW_FORMAT';
}

/** A card's validity by the rule, under the holder's current status and stay unless an earlier one is given. */
function validUntil(
  facts: CardHolderFacts,
  kind: ResidenceCardKind,
  issuedOn: string,
  status = facts.statusOfResidence,
  stayExpiresOn = facts.stay.stayExpiresOn,
  sprBasisDate: string | null = null,
): string | null {
  return residenceCardValidUntil({ kind, statusOfResidence: status, birthDate: facts.birthDate, issuedOn, stayExpiresOn, sprBasisDate });
}

/** Whether a card issued on `on` under the holder's current status is still valid on asOf. */
function stillValidOn(facts: CardHolderFacts, on: string, asOf: string): boolean {
  const until = validUntil(facts, residenceCardKind(facts.residentClass, on, false), on);
  return until !== null && until >= asOf;
}

/** An issue date in [from, asOf] whose card is still valid on asOf; a card that ended at 16 is renewed from the 16th birthday. */
function issueStillValid(random: Random, facts: CardHolderFacts, from: string, asOf: string): string {
  const first = dateBetween(random, from, asOf);
  if (stillValidOn(facts, first, asOf)) return first;
  const renewed = dateBetween(random, later(from, nthBirthday(facts.birthDate, 16)), asOf);
  return stillValidOn(facts, renewed, asOf) ? renewed : asOf;
}

/**
 * The residence cards of a mid-to-long-term or special permanent resident, oldest first: maybe the card before
 * the current permission or renewal, the card issued then, and for a specific card holder (`specific.from`:
 * the first day one could be issued, no earlier than 2026-06-14 and the My Number's assignment) whose card
 * predates that day, the specific card converted to since. Every card but the last is SUPERSEDED by the
 * next; the last is VALID on asOf.
 */
export function residenceCards(
  random: Random,
  facts: CardHolderFacts,
  asOf: string,
  specific: { from: string } | null,
): ResidenceCardRow[] {
  const { stay } = facts;
  const permissionDate = stay.permissionDate ?? facts.birthDate;
  // Fixed-term cards are issued with the permission; indefinite ones (PR, HSP (ii), SPR) are renewed every 7 years.
  const base =
    stay.stayExpiresOn !== null && stillValidOn(facts, permissionDate, asOf)
      ? permissionDate
      : issueStillValid(
          random,
          facts,
          stay.stayExpiresOn !== null ? permissionDate : later(later(permissionDate, RESIDENCE_CARD_START), addDays(addYears(asOf, -7), 1)),
          asOf,
        );
  const issues: Array<{ on: string; kind: ResidenceCardKind; validUntil: string | null }> = [];

  const renewal = facts.residentClass === 'SPECIAL_PERMANENT' ? certificateRenewal(random, facts, asOf) : null;
  const earlierCard = renewal?.earlier ?? earlierCardIssue(random, facts, base);
  if (earlierCard) issues.push(earlierCard);

  const renewedOn = renewal?.renewedOn ?? base;
  const baseSpecific = specific !== null && renewedOn >= specific.from;
  const baseKind = residenceCardKind(facts.residentClass, renewedOn, baseSpecific);
  issues.push({ on: renewedOn, kind: baseKind, validUntil: validUntil(facts, baseKind, renewedOn, undefined, undefined, renewal?.oldExpiry) });

  if (specific !== null && !baseSpecific) {
    const on = issueStillValid(random, facts, later(specific.from, addDays(renewedOn, 1)), asOf);
    const kind = residenceCardKind(facts.residentClass, on, true);
    issues.push({ on, kind, validUntil: validUntil(facts, kind, on) });
  }

  const numbers = issues.map((_, slot) => residenceCardNumberOf(facts.key, slot));
  return issues.map((issue, slot) => {
    const last = slot === issues.length - 1;
    return {
      number: numbers[slot] as string,
      residentId: facts.key,
      kind: issue.kind,
      status: last ? 'VALID' : 'SUPERSEDED',
      issuedOn: issue.on,
      validUntil: issue.validUntil,
      lossReportedOn: null,
      supersededBy: last ? null : (numbers[slot + 1] as string),
      myNumberFunctionEndedOn: null,
      myNumberFunctionEndReason: null,
    };
  });
}

/** The card the base card replaced: the previous permission's (extension, change) or the previous 7-year card. */
function earlierCardIssue(
  random: Random,
  facts: CardHolderFacts,
  base: string,
): { on: string; kind: ResidenceCardKind; validUntil: string | null } | null {
  const { stay, birthDate, statusOfResidence } = facts;
  // Special permanent resident certificates have their own renewal chain (certificateRenewal).
  if (facts.residentClass === 'SPECIAL_PERMANENT' || !random.chance(EARLIER_CARD_SHARE)) return null;
  const floor = later(later(stay.arrivedOn, birthDate), RESIDENCE_CARD_START);
  let on: string;
  let status = statusOfResidence;
  let stayExpiresOn: string | null = null;
  if (stay.stayExpiresOn !== null) {
    if (stay.permissionKind !== 'EXTENSION_OF_PERIOD_OF_STAY' && stay.permissionKind !== 'CHANGE_OF_STATUS') return null;
    on = dateBetween(random, later(floor, addYears(base, -3)), addDays(base, -30));
    if (stay.permissionKind === 'CHANGE_OF_STATUS') status = statusOfResidence && (EARLIER_STATUS[statusOfResidence] ?? statusOfResidence);
    // An extension's card before ran to the old end the new period counts on from (stay.ts, extendedStayExpiresOn).
    stayExpiresOn = stay.previousStayExpiresOn ?? dateBetween(random, base, addDays(base, 60));
  } else if (base > (stay.permissionDate ?? base)) {
    // A renewal of an indefinite card or certificate, applied for within 2 months before the old one ended.
    on = later(later(stay.permissionDate ?? floor, floor), addDays(addYears(base, -7), random.int(1, 60)));
  } else if (statusOfResidence !== null && EARLIER_STATUS[statusOfResidence]) {
    // Newly granted PR or HSP (ii): the card of the status held before.
    on = dateBetween(random, later(floor, addYears(base, -3)), addDays(base, -30));
    status = EARLIER_STATUS[statusOfResidence] ?? statusOfResidence;
    stayExpiresOn = dateBetween(random, base, addDays(base, 90));
  } else {
    return null;
  }
  if (on < floor || on >= base) return null;
  const kind = residenceCardKind(facts.residentClass, on, false);
  return { on, kind, validUntil: validUntil(facts, kind, on, status, stayExpiresOn) };
}

/** How long before a certificate's expiry its renewal may be applied for (入管特例法 11条1項: within 2 months before). */
const CERTIFICATE_RENEWAL_WINDOW_DAYS = 60;

/**
 * A special permanent resident's certificate renewed before it expired (入管特例法 11条), and the one it replaced:
 * null when the record shows no earlier certificate. A certificate of a holder 16 and over ends on a birthday, so
 * the old one ended on a birthday no more than 2 months after asOf; the renewal was applied for and issued within the
 * 2 months before that day (no gap), and runs to the 7th birthday after the old expiry (入管特例法 9条). The old
 * certificate was itself a renewal, 7 birthdays earlier. Only holders 16 and over at the old issue are drawn this way.
 */
function certificateRenewal(
  random: Random,
  facts: CardHolderFacts,
  asOf: string,
): { earlier: { on: string; kind: ResidenceCardKind; validUntil: string | null }; renewedOn: string; oldExpiry: string } | null {
  if (!random.chance(EARLIER_CARD_SHARE)) return null;
  const { birthDate } = facts;
  // The latest birthday whose renewal window has opened by asOf, minus 0 to 6 years: the new certificate runs past asOf.
  const age = ageOn(birthDate, addDays(asOf, CERTIFICATE_RENEWAL_WINDOW_DAYS)) - random.int(0, 6);
  const oldExpiry = nthBirthday(birthDate, age);
  const earlierBasis = nthBirthday(birthDate, age - 7);
  const earlierOn = addDays(earlierBasis, -random.int(0, CERTIFICATE_RENEWAL_WINDOW_DAYS));
  const floor = later(later(facts.stay.arrivedOn, birthDate), RESIDENCE_CARD_START);
  if (earlierOn < floor || ageOn(birthDate, earlierOn) < 16) return null;
  const renewedOn = dateBetween(random, addDays(oldExpiry, -CERTIFICATE_RENEWAL_WINDOW_DAYS), earlier(oldExpiry, asOf));
  const kind = residenceCardKind(facts.residentClass, earlierOn, false);
  return { earlier: { on: earlierOn, kind, validUntil: validUntil(facts, kind, earlierOn, null, null, earlierBasis) }, renewedOn, oldExpiry };
}

/** What My Number cards depend on. */
export interface MyNumberCardFacts {
  key: number;
  myNumber: string;
  residentClass: ResidentClass;
  statusOfResidence: StatusOfResidence | null;
  birthDate: string;
  stayExpiresOn: string | null;
  assignedOn: string;
}

/** The card function and the two certificates of a card, by the rules, with their status on asOf. */
export function cardFunctions(cardId: number, birthDate: string, issuedOn: string, cardValidUntil: string, asOf: string): CardFunctionRow[] {
  const statusOn = (until: string): CardFunctionStatus => (until >= asOf ? 'ACTIVE' : 'EXPIRED');
  const certificateUntil = certificateValidUntil({ birthDate, issuedOn, cardValidUntil });
  const signature: CardFunctionRow = signatureCertificateIssuable(ageOn(birthDate, issuedOn))
    ? { cardId, function: 'SIGNATURE_CERTIFICATE', status: statusOn(certificateUntil), validUntil: certificateUntil }
    : { cardId, function: 'SIGNATURE_CERTIFICATE', status: 'NOT_ISSUED', validUntil: null };
  return [
    { cardId, function: 'CARD_FUNCTION', status: statusOn(cardValidUntil), validUntil: cardValidUntil },
    signature,
    { cardId, function: 'USER_AUTHENTICATION_CERTIFICATE', status: statusOn(certificateUntil), validUntil: certificateUntil },
  ];
}

/** A standalone card's validity by the rules: birthdays after issue, and the period of stay where the function follows it. */
function standaloneValidUntil(facts: MyNumberCardFacts, issuedOn: string): string {
  return myNumberCardValidUntil({
    birthDate: facts.birthDate,
    issuedOn,
    foreignResident: { stayExpiresOn: facts.stayExpiresOn, exempt: !myNumberFunctionFollowsStay(facts.residentClass, facts.statusOfResidence) },
  });
}

/** A standalone My Number card issued in [from, to] that is still valid on asOf (issued later if need be). */
function standaloneCard(random: Random, facts: MyNumberCardFacts, slot: number, from: string, to: string, asOf: string): MyNumberCardRow {
  let issuedOn = dateBetween(random, from, to);
  if (standaloneValidUntil(facts, issuedOn) < asOf) issuedOn = dateBetween(random, later(from, addYears(asOf, -2)), to);
  if (standaloneValidUntil(facts, issuedOn) < asOf) issuedOn = to;
  return {
    id: rowId(facts.key, slot),
    myNumber: facts.myNumber,
    kind: 'MY_NUMBER_CARD',
    status: 'ACTIVE',
    statusReason: null,
    issuedOn,
    validUntil: standaloneValidUntil(facts, issuedOn),
    carrierCardNumber: null,
  };
}

/** Share of specific card holders who had a standalone My Number card before converting (chosen: about the holding rate). */
const CONVERTED_FROM_STANDALONE_SHARE = 0.5;

/**
 * The holder's My Number cards, oldest first: none; a standalone card (arrangement b); or the My Number part of
 * the specific card in force, valid as long as that card, possibly after a standalone card the conversion ended.
 */
export function myNumberCards(
  random: Random,
  facts: MyNumberCardFacts,
  asOf: string,
  choice: 'NONE' | 'STANDALONE' | 'SPECIFIC',
  cardInForce: ResidenceCardRow | null,
): Array<{ card: MyNumberCardRow; functions: CardFunctionRow[] }> {
  const from = earlier(later(MY_NUMBER_CARD_START, addDays(facts.assignedOn, 30)), asOf);
  const withFunctions = (card: MyNumberCardRow) => ({
    card,
    functions: cardFunctions(card.id, facts.birthDate, card.issuedOn, card.validUntil, asOf),
  });
  if (choice === 'NONE') return [];
  if (choice === 'STANDALONE') return [withFunctions(standaloneCard(random, facts, 0, from, asOf, asOf))];

  if (!cardInForce || cardInForce.validUntil === null) throw new Error('a specific My Number card needs the specific card in force');
  const cards: Array<{ card: MyNumberCardRow; functions: CardFunctionRow[] }> = [];
  const convertedOn = cardInForce.issuedOn;
  if (random.chance(CONVERTED_FROM_STANDALONE_SHARE) && from < addDays(convertedOn, -30)) {
    const old = standaloneCard(random, facts, 0, from, addDays(convertedOn, -30), convertedOn);
    if (old.validUntil >= convertedOn) {
      const ended = withFunctions({ ...old, status: 'REVOKED', statusReason: 'CONVERTED_TO_SPECIFIC_CARD' });
      ended.functions = ended.functions.map((f) => (f.status === 'NOT_ISSUED' ? f : { ...f, status: 'REVOKED' }));
      cards.push(ended);
    }
  }
  const kind = specificCardKindFor(facts.residentClass) as MyNumberCardKind;
  cards.push(
    withFunctions({
      id: rowId(facts.key, cards.length),
      myNumber: facts.myNumber,
      kind,
      status: 'ACTIVE',
      statusReason: null,
      issuedOn: convertedOn,
      validUntil: cardInForce.validUntil,
      carrierCardNumber: cardInForce.number,
    }),
  );
  return cards;
}
