/** The domain rules every synthetic person must satisfy, as a list of violations (empty when the person is sound). */
import { isValidLocalGovernmentCode, parseMyNumber } from '../schema/identifiers';
import { addDays, ageOn, compareDates } from '../schema/dates';
import { cardArrangement } from '../subgraphs/immigration/rules/cardArrangement';
import { residenceCardValidUntil } from '../subgraphs/immigration/rules/cardValidity';
import { holdsResidenceCard, specificCardEligibility, specificCardKindFor } from '../subgraphs/immigration/rules/eligibility';
import { filedInTime, specialPeriodUntil } from '../subgraphs/immigration/rules/specialPeriod';
import {
  isMidToLongTermPeriod,
  isMidToLongTermStatus,
  PERIODS_OF_STAY_BY_STATUS,
  WORK_RESTRICTION_BY_STATUS,
} from '../subgraphs/immigration/rules/workRestriction';
import {
  certificateValidUntil,
  myNumberCardValidUntil,
  myNumberFunctionFollowsStay,
  signatureCertificateIssuable,
} from '../subgraphs/mynumber/rules/myNumberCardValidity';
import { SPECIFIC_CARD_START } from './distributions';
import type { SyntheticPerson } from './rows';
import { addPeriod, EXTENSION_APPLICATION_WINDOW, extendedStayExpiresOn } from './stay';

const CARD_NUMBER = /^[A-Z]{2}[0-9]{8}[A-Z]{2}$/;
const SPR_KINDS = ['SPECIAL_PERMANENT_RESIDENT_CERTIFICATE', 'SPECIFIC_SPECIAL_PERMANENT_RESIDENT_CERTIFICATE'];

/** Every rule `person` breaks on `asOf`. A lost specific card (loss reported) is the one allowed partial invalidation. */
export function violations(person: SyntheticPerson, asOf: string): string[] {
  const problems: string[] = [];
  const fail = (message: string) => problems.push(`person ${person.key}: ${message}`);
  const { resident, cards } = person.immigration;
  const before = (a: string | null, b: string) => a !== null && compareDates(a, b) <= 0;

  // Identity across the authorities.
  const myNumber = resident.myNumber;
  if (resident.id !== person.key) fail('foreign_resident.id is not the key');
  if ((myNumber === null) !== (person.registry === null) || (myNumber === null) !== (person.mynumber === null)) {
    fail('My Number null but a registry or J-LIS record exists, or the reverse');
  }
  if (myNumber !== null && !parseMyNumber(myNumber).ok) fail(`invalid My Number ${myNumber}`);
  if (resident.residentRegistered !== (myNumber !== null)) fail('resident_registered disagrees with the My Number');
  if (!before(resident.birthDate, asOf)) fail('born after asOf');

  // Stay.
  const status = resident.statusOfResidence;
  if (resident.residentClass === 'MID_TO_LONG_TERM') {
    if (status === null || !isMidToLongTermStatus(status)) fail(`MTL resident with status ${status}`);
    else {
      if (resident.workRestriction !== WORK_RESTRICTION_BY_STATUS[status]) fail('work restriction is not the status rule');
      const periods = PERIODS_OF_STAY_BY_STATUS[status];
      if (periods === null) {
        if (resident.periodOfStay !== null || resident.stayExpiresOn !== null) fail('indefinite status with a period of stay');
      } else if (resident.periodOfStay === null || !periods.includes(resident.periodOfStay) || !isMidToLongTermPeriod(resident.periodOfStay)) {
        fail(`period ${resident.periodOfStay} not a mid-to-long-term period of ${status}`);
      } else if (resident.permissionDate === null) {
        fail('a period of stay without a permission date');
      } else if (resident.permissionKind === 'EXTENSION_OF_PERIOD_OF_STAY') {
        // Counted from the day after the old end, which lies between the grant and the end of the application window.
        const latest = extendedStayExpiresOn(addPeriod(resident.permissionDate, EXTENSION_APPLICATION_WINDOW), resident.periodOfStay);
        const stayExpiresOn = resident.stayExpiresOn ?? '';
        if (compareDates(stayExpiresOn, extendedStayExpiresOn(resident.permissionDate, resident.periodOfStay)) < 0 || compareDates(stayExpiresOn, latest) > 0) {
          fail('extended stay does not count from the day after an old end within the application window');
        }
        const previous = cards.at(-2);
        if (previous && cards.at(-1)?.issuedOn === resident.permissionDate && previous.validUntil !== null && extendedStayExpiresOn(previous.validUntil, resident.periodOfStay) !== stayExpiresOn && ageOn(resident.birthDate, previous.issuedOn) >= 16) {
          fail('extended stay does not count from the day after the previous card ended');
        }
      } else if (resident.stayExpiresOn !== addPeriod(resident.permissionDate, resident.periodOfStay)) {
        fail('stay expiry is not the permission date plus the period');
      }
    }
    if (resident.permissionKind === null || resident.permissionDate === null) fail('MTL resident without a permission');
  } else if (status !== null) fail(`${resident.residentClass} with a status of residence`);
  if ((resident.permissionKind === null) !== (resident.permissionDate === null)) fail('permission kind and date not both set');
  if (resident.permissionDate !== null && (!before(resident.permissionDate, asOf) || !before(resident.birthDate, resident.permissionDate))) {
    fail('permission date outside birth..asOf');
  }
  // The special period (入管法 20条6項, 21条4項): an application filed by the old end keeps the stay and its card.
  const application = person.immigration.applications?.at(-1) ?? null;
  const specialPeriod = application ? specialPeriodUntil(application, asOf) : null;
  if (application && (application.residentId !== person.key || application.oldStayExpiresOn !== resident.stayExpiresOn || !filedInTime(application.oldStayExpiresOn, application.filedOn))) {
    fail('an application not filed by the end of the stay on record');
  }
  if (resident.stayExpiresOn !== null && compareDates(resident.stayExpiresOn, asOf) < 0 && specialPeriod === null) fail('stay ended before asOf');
  if (resident.activityOutsideStatus !== null && (status === null || ageOn(resident.birthDate, asOf) < 16)) {
    fail('activity outside status without a status or under 16');
  }

  // Residence cards: one in force, the last; every earlier one superseded by the next.
  if (holdsResidenceCard(resident.residentClass) !== cards.length > 0) fail(`${resident.residentClass} with ${cards.length} cards`);
  cards.forEach((card, i) => {
    const last = i === cards.length - 1;
    if (!CARD_NUMBER.test(card.number)) fail(`bad card number ${card.number}`);
    if (card.residentId !== person.key) fail('card of another resident');
    if (last ? card.status !== 'VALID' || card.supersededBy !== null : card.status !== 'SUPERSEDED' || card.supersededBy !== cards[i + 1]?.number) {
      fail(`card ${i} status ${card.status} superseded by ${card.supersededBy}`);
    }
    if (i > 0 && compareDates((cards[i - 1] as typeof card).issuedOn, card.issuedOn) >= 0) fail('cards not in issue order');
    if (!before(card.issuedOn, asOf) || !before(resident.birthDate, card.issuedOn)) fail('card issued outside birth..asOf');
    const sprCard = SPR_KINDS.includes(card.kind);
    if (sprCard !== (resident.residentClass === 'SPECIAL_PERMANENT')) fail(`${resident.residentClass} holds a ${card.kind}`);
    const specific = card.kind === specificCardKindFor(resident.residentClass);
    if (specific && compareDates(card.issuedOn, SPECIFIC_CARD_START) < 0) fail('specific card before 2026-06-14');
    if (card.kind === 'RESIDENCE_CARD_OLD_FORMAT' && compareDates(card.issuedOn, SPECIFIC_CARD_START) >= 0) fail('old format after 2026-06-14');
    if (card.kind === 'RESIDENCE_CARD_NEW_FORMAT' && compareDates(card.issuedOn, SPECIFIC_CARD_START) < 0) fail('new format before 2026-06-14');
    // A lost specific card is in force until reissue; after it, the superseded card keeps the day of the loss report.
    if (card.lossReportedOn !== null && !specific) fail('loss reported on a card other than a specific card');
    if (card.lossReportedOn !== null && !last && cards[i + 1]?.kind !== card.kind) fail('a lost specific card not reissued as one');
    const next = cards[i + 1];
    if (sprCard && next && card.validUntil !== null && compareDates(next.issuedOn, card.validUntil) > 0) fail('a certificate renewed after it expired');
  });
  const inForce = cards.at(-1) ?? null;
  if (inForce) {
    const rule = residenceCardValidUntil({
      kind: inForce.kind,
      statusOfResidence: status,
      birthDate: resident.birthDate,
      issuedOn: inForce.issuedOn,
      stayExpiresOn: resident.stayExpiresOn,
    });
    // A certificate renewed within 2 months before the old one's expiry runs from that expiry (入管特例法 9条, 11条).
    const previous = cards.at(-2);
    const renewedCertificate =
      SPR_KINDS.includes(inForce.kind) && previous && previous.validUntil !== null && compareDates(inForce.issuedOn, previous.validUntil) <= 0 && compareDates(addDays(inForce.issuedOn, 60), previous.validUntil) >= 0
        ? residenceCardValidUntil({ kind: inForce.kind, statusOfResidence: status, birthDate: resident.birthDate, issuedOn: inForce.issuedOn, stayExpiresOn: null, sprBasisDate: previous.validUntil })
        : null;
    if (inForce.validUntil !== rule && inForce.validUntil !== renewedCertificate) fail(`card valid until ${inForce.validUntil}, the rule says ${rule}`);
    const until = renewedCertificate ?? rule;
    const keptBySpecialPeriod = specialPeriod !== null && inForce.validUntil === application?.oldStayExpiresOn;
    if ((until === null || compareDates(until, asOf) < 0) && !keptBySpecialPeriod) fail('card in force expired');
  }

  // Eligibility: a specific card only for eligible residents.
  const eligibility = specificCardEligibility({ residentClass: resident.residentClass, hasResidentRecord: myNumber !== null });
  const holdsSpecific = inForce !== null && inForce.kind === specificCardKindFor(resident.residentClass);
  if (holdsSpecific && eligibility.eligibility !== 'ELIGIBLE') fail(`specific card while ${eligibility.eligibility}`);

  // Registry and J-LIS agree with immigration.
  if (person.registry && person.mynumber) {
    const r = person.registry.resident;
    const m = person.mynumber.myNumber;
    if (r.id !== person.key || r.myNumber !== myNumber || m.myNumber !== myNumber) fail('ids or My Numbers disagree');
    if (r.birthDate !== resident.birthDate || m.birthDate !== resident.birthDate) fail('birth dates disagree');
    if (r.sex !== resident.sex) fail('sexes disagree');
    if (r.municipalityCode !== resident.municipalityCode || m.municipalityCode !== resident.municipalityCode) fail('municipalities disagree');
    if (r.residentCategory !== resident.residentClass) fail('registry category is not the resident class');
    if (m.residentRecordCode !== r.residentRecordCode) fail('J-LIS and the registry disagree on the resident record code');
    const follows = myNumberFunctionFollowsStay(resident.residentClass, status);
    if (m.stayExpiresOn !== (follows ? resident.stayExpiresOn : null)) fail('J-LIS stay expiry does not follow the rule');
    if (!/^[0-9]{11}$/.test(r.residentRecordCode)) fail('bad resident record code');
    if (!isValidLocalGovernmentCode(r.municipalityCode)) fail(`bad municipality code ${r.municipalityCode}`);
    if (!before(r.registeredOn, asOf) || !before(r.birthDate, r.registeredOn)) fail('registered outside birth..asOf');
    // A former Japanese national's number was assigned to the Japanese record, before this foreign resident record.
    const keepsJapaneseNumber = resident.residentClass === 'TRANSITIONAL_AFTER_LOSS_OF_NATIONALITY';
    if ((!keepsJapaneseNumber && compareDates(m.assignedOn, r.registeredOn) < 0) || !before(m.assignedOn, asOf)) fail('My Number assigned before registration or after asOf');
    if (keepsJapaneseNumber && compareDates(m.assignedOn, r.registeredOn) >= 0) fail('a former Japanese national with a new My Number');
    const addresses = person.registry.addresses;
    addresses.forEach((a, i) => {
      const last = i === addresses.length - 1;
      if (a.residentId !== person.key || !isValidLocalGovernmentCode(a.municipalityCode)) fail('bad address owner or municipality');
      if (last !== (a.movedOutOn === null)) fail('the current address is not the only one without moved_out_on');
      if (a.movedOutOn !== null && compareDates(a.movedOutOn, a.movedInOn) < 0) fail('moved out before moving in');
      if (!last && a.movedOutOn !== addresses[i + 1]?.movedInOn) fail('address history has a gap');
    });
    if (addresses[0]?.movedInOn !== r.registeredOn) fail('first address does not start at registration');
    if (addresses.at(-1)?.municipalityCode !== r.municipalityCode) fail('current address is in another municipality');

    // My Number cards: the latest is the one in force; specific kinds ride on the residence card in force.
    const mnCards = person.mynumber.cards;
    const latest = mnCards.at(-1)?.card ?? null;
    if (specificCardKindFor(resident.residentClass) === null && mnCards.length > 0) fail(`${resident.residentClass} with a My Number card`);
    for (const { card, functions } of mnCards) {
      if (card.myNumber !== myNumber) fail('My Number card of another My Number');
      if ((card.kind === 'MY_NUMBER_CARD') !== (card.carrierCardNumber === null)) fail('carrier card number set exactly for specific kinds');
      // An earlier specific card's part ended when the card was reissued or renewed (or lost); only the latest can be live.
      const carrier = cards.find((c) => c.number === card.carrierCardNumber);
      const earlierPart = card !== latest && card.status === 'REVOKED' && carrier !== undefined && carrier !== inForce && carrier.kind === card.kind;
      if (card.kind !== 'MY_NUMBER_CARD' && !earlierPart && (card !== latest || card.carrierCardNumber !== inForce?.number || card.kind !== inForce?.kind)) {
        fail('specific My Number part not carried by the card in force');
      }
      if (card.kind === 'MY_NUMBER_CARD') {
        const rule = myNumberCardValidUntil({
          birthDate: resident.birthDate,
          issuedOn: card.issuedOn,
          foreignResident: { stayExpiresOn: resident.stayExpiresOn, exempt: !myNumberFunctionFollowsStay(resident.residentClass, status) },
        });
        if (card.validUntil !== rule) fail(`My Number card valid until ${card.validUntil}, the rule says ${rule}`);
      } else if (card.validUntil !== cards.find((c) => c.number === card.carrierCardNumber)?.validUntil) fail('specific My Number part valid otherwise than its card');
      if (!before(card.issuedOn, asOf) || compareDates(card.issuedOn, m.assignedOn) < 0) fail('My Number card issued outside assignment..asOf');
      if (card.status === 'ACTIVE' && compareDates(card.validUntil, asOf) < 0) fail('active My Number card past its validity');
      const byFunction = new Map(functions.map((f) => [f.function, f]));
      if (functions.length !== 3 || byFunction.size !== 3 || functions.some((f) => f.cardId !== card.id)) fail('a card needs its three functions');
      const certificateUntil = certificateValidUntil({ birthDate: resident.birthDate, issuedOn: card.issuedOn, cardValidUntil: card.validUntil });
      if (byFunction.get('CARD_FUNCTION')?.validUntil !== card.validUntil) fail('card function validity');
      if (byFunction.get('USER_AUTHENTICATION_CERTIFICATE')?.validUntil !== certificateUntil) fail('authentication certificate validity');
      const signature = byFunction.get('SIGNATURE_CERTIFICATE');
      const issuable = signatureCertificateIssuable(ageOn(resident.birthDate, card.issuedOn));
      if (issuable ? signature?.validUntil !== certificateUntil : signature?.status !== 'NOT_ISSUED') fail('signature certificate');
      if (card.status !== 'ACTIVE' && functions.some((f) => f.status === 'ACTIVE')) fail('a function active on an ended card');
      if (card !== latest && card.status === 'ACTIVE') fail('an earlier My Number card still active');
    }
    const functionEnded = inForce?.myNumberFunctionEndReason ?? null;
    if (latest?.status === 'REVOKED' && latest.kind !== 'MY_NUMBER_CARD' && (inForce?.lossReportedOn ?? null) === null && functionEnded !== latest.statusReason) {
      fail('specific My Number part revoked without a loss report or the end recorded on the card');
    }
    if (functionEnded !== null && (latest?.carrierCardNumber !== inForce?.number || latest?.status === 'ACTIVE')) fail('the card records an end of a function still active');
    if (inForce?.lossReportedOn && (latest?.status !== 'REVOKED' || latest.statusReason !== 'CARD_REPORTED_LOST')) {
      fail('a lost specific card keeps its My Number function');
    }
    if (inForce?.lossReportedOn && (compareDates(inForce.lossReportedOn, inForce.issuedOn) < 0 || !before(inForce.lossReportedOn, asOf))) {
      fail('loss reported outside issue..asOf');
    }
    // Arrangement follows the rule: (a) for a specific card, (b) with a standalone card, (c) without.
    const arrangement = cardArrangement({ residenceCard: inForce, myNumberCard: latest });
    const expected = !inForce ? 'NONE' : holdsSpecific ? 'SPECIFIC_CARD' : latest?.kind === 'MY_NUMBER_CARD' && ['ACTIVE', 'SUSPENDED'].includes(latest.status) ? 'SEPARATE_CARDS' : 'RESIDENCE_CARD_ONLY';
    if (arrangement !== expected) fail(`arrangement ${arrangement}, expected ${expected}`);
  } else if (resident.municipalityCode !== null) fail('a municipality without a resident record');
  return problems;
}
