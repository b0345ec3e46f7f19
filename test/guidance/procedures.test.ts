/**
 * Counter guidance, procedure by procedure (issue 18): for each class, arrangement and event, the steps a counter tells
 * the resident, written out by hand from the sources below, not from the tables. The three authorities' tables are
 * merged as the gateway merges them; every row of every table must be met by some procedure here.
 *
 * Sources: seed report 2(3) (a specific card is renewed at the bureau in one procedure; with two cards each at its own
 * counter) and 3(3) (card procedures at the ISA, My Number card procedures at the municipality); 入管法 19条の9, 19条の11,
 * 19条の12, 19条の13, 20条, 21条; 入管特例法 10-13条 (certificates at the municipal office); 住民基本台帳法 22条, 23条;
 * 番号法 17条4項; ISA 在留カードの再交付申請（紛失等） (form, photo, passport, police report number); municipal guides
 * on the My Number card (free dial 0120-95-0178 first, validity change after a renewal, signature certificate ending
 * with an address change, certificates renewed from 3 months before expiry); ISA 特定在留カード等 Q&A.
 */
import type { CardArrangement, CounterEvent, NotApplicableReason, ResidentClass, StayKind } from '../../schema/codes';
import { COUNTER_EVENTS, RESIDENT_CLASSES, STAY_KINDS } from '../../schema/codes';
import { notApplicableFor, rowsFor, stayKindOf, type GuidanceRow } from '../../schema/counterGuidance';
import { IMMIGRATION_GUIDANCE } from '../../subgraphs/immigration/rules/counterGuidance';
import { MYNUMBER_GUIDANCE } from '../../subgraphs/mynumber/rules/counterGuidance';
import { REGISTRY_GUIDANCE } from '../../subgraphs/registry/rules/counterGuidance';

const TABLES = { IMMIGRATION: IMMIGRATION_GUIDANCE, REGISTRY: REGISTRY_GUIDANCE, MYNUMBER: MYNUMBER_GUIDANCE } as const;

/** A step as written here: authority, counter, action, deadline in days (or null), what to bring. */
type Step = readonly [keyof typeof TABLES, string, string, number | null, readonly string[]];

/**
 * Who asks: the class and the kind of stay. MID_TO_LONG_TERM has a period of stay and a card ending with it;
 * MID_TO_LONG_TERM_CARD_TO_16 a child whose card ends on the 16th birthday, before the stay (入管法 19条の5第1項4号);
 * PERMANENT a permanent resident or a Highly Skilled Professional (ii), with no period of stay; SPECIAL_PERMANENT none.
 */
const WHO = {
  MID_TO_LONG_TERM: ['MID_TO_LONG_TERM', 'WITH_PERIOD'],
  MID_TO_LONG_TERM_CARD_TO_16: ['MID_TO_LONG_TERM', 'WITH_PERIOD_CARD_ENDS_FIRST'],
  PERMANENT: ['MID_TO_LONG_TERM', 'WITHOUT_PERIOD'],
  SPECIAL_PERMANENT: ['SPECIAL_PERMANENT', 'WITHOUT_PERIOD'],
} as const satisfies Record<string, readonly [ResidentClass, StayKind]>;
type Who = keyof typeof WHO;

/** The merged procedure, as steps numbered 1..n. */
function procedure(residentClass: ResidentClass, arrangement: CardArrangement, event: CounterEvent, stayKind: StayKind) {
  const rows = (Object.keys(TABLES) as (keyof typeof TABLES)[]).flatMap((authority) =>
    rowsFor(TABLES[authority], { event, arrangement, residentClass, stayKind }).map((row) => ({ authority, row })),
  );
  return rows.sort((a, b) => a.row.order - b.row.order);
}

const FORM_PHOTO_PASSPORT = ['APPLICATION_FORM', 'PHOTO', 'PASSPORT'];
const AFTER_LOSS = [...FORM_PHOTO_PASSPORT, 'POLICE_REPORT_NUMBER'];

/** Every procedure modelled: [who, arrangement, event, steps, and when there are none, why the event does not apply]. */
const PROCEDURES: ReadonlyArray<readonly [Who, CardArrangement, CounterEvent, readonly Step[], NotApplicableReason?]> = [
  // Loss or theft. (a): the My Number function is suspended by telephone at once, then the police, then the reissue
  // within 14 days of learning of the loss (入管法 19条の12). (b) and (c): the My Number card, if any, is not affected.
  ['MID_TO_LONG_TERM', 'SPECIFIC_CARD', 'LOSS_OR_THEFT', [
    ['MYNUMBER', 'MY_NUMBER_FREE_DIAL', 'SUSPEND_MY_NUMBER_FUNCTION', null, []],
    ['IMMIGRATION', 'POLICE', 'REPORT_LOSS_TO_POLICE', null, []],
    ['IMMIGRATION', 'REGIONAL_IMMIGRATION_BUREAU', 'APPLY_FOR_CARD_REISSUE', 14, AFTER_LOSS],
  ]],
  ['MID_TO_LONG_TERM', 'SEPARATE_CARDS', 'LOSS_OR_THEFT', [
    ['IMMIGRATION', 'POLICE', 'REPORT_LOSS_TO_POLICE', null, []],
    ['IMMIGRATION', 'REGIONAL_IMMIGRATION_BUREAU', 'APPLY_FOR_CARD_REISSUE', 14, AFTER_LOSS],
  ]],
  ['MID_TO_LONG_TERM', 'RESIDENCE_CARD_ONLY', 'LOSS_OR_THEFT', [
    ['IMMIGRATION', 'POLICE', 'REPORT_LOSS_TO_POLICE', null, []],
    ['IMMIGRATION', 'REGIONAL_IMMIGRATION_BUREAU', 'APPLY_FOR_CARD_REISSUE', 14, AFTER_LOSS],
  ]],
  // A special permanent resident applies at the municipal office (入管特例法 12条), also within 14 days.
  ['SPECIAL_PERMANENT', 'SPECIFIC_CARD', 'LOSS_OR_THEFT', [
    ['MYNUMBER', 'MY_NUMBER_FREE_DIAL', 'SUSPEND_MY_NUMBER_FUNCTION', null, []],
    ['IMMIGRATION', 'POLICE', 'REPORT_LOSS_TO_POLICE', null, []],
    ['IMMIGRATION', 'MUNICIPAL_OFFICE', 'APPLY_FOR_CARD_REISSUE', 14, AFTER_LOSS],
  ]],
  ['SPECIAL_PERMANENT', 'SEPARATE_CARDS', 'LOSS_OR_THEFT', [
    ['IMMIGRATION', 'POLICE', 'REPORT_LOSS_TO_POLICE', null, []],
    ['IMMIGRATION', 'MUNICIPAL_OFFICE', 'APPLY_FOR_CARD_REISSUE', 14, AFTER_LOSS],
  ]],
  ['SPECIAL_PERMANENT', 'RESIDENCE_CARD_ONLY', 'LOSS_OR_THEFT', [
    ['IMMIGRATION', 'POLICE', 'REPORT_LOSS_TO_POLICE', null, []],
    ['IMMIGRATION', 'MUNICIPAL_OFFICE', 'APPLY_FOR_CARD_REISSUE', 14, AFTER_LOSS],
  ]],

  // Extension of the period of stay (入管法 21条): (a) one procedure at the bureau, the function follows; (b) then the
  // My Number card's validity at the municipal office; (c) the bureau only. No period of stay for a special permanent resident.
  ['MID_TO_LONG_TERM', 'SPECIFIC_CARD', 'RENEWAL', [
    ['IMMIGRATION', 'REGIONAL_IMMIGRATION_BUREAU', 'APPLY_FOR_EXTENSION_OF_STAY', null, [...FORM_PHOTO_PASSPORT, 'SPECIFIC_CARD']],
  ]],
  ['MID_TO_LONG_TERM', 'SEPARATE_CARDS', 'RENEWAL', [
    ['IMMIGRATION', 'REGIONAL_IMMIGRATION_BUREAU', 'APPLY_FOR_EXTENSION_OF_STAY', null, [...FORM_PHOTO_PASSPORT, 'RESIDENCE_CARD']],
    ['MYNUMBER', 'MUNICIPAL_OFFICE', 'CHANGE_MY_NUMBER_CARD_VALIDITY', null, ['MY_NUMBER_CARD', 'RESIDENCE_CARD', 'PIN_CODES']],
  ]],
  ['MID_TO_LONG_TERM', 'RESIDENCE_CARD_ONLY', 'RENEWAL', [
    ['IMMIGRATION', 'REGIONAL_IMMIGRATION_BUREAU', 'APPLY_FOR_EXTENSION_OF_STAY', null, [...FORM_PHOTO_PASSPORT, 'RESIDENCE_CARD']],
  ]],
  ['SPECIAL_PERMANENT', 'SPECIFIC_CARD', 'RENEWAL', [], 'NO_PERIOD_OF_STAY'],
  ['SPECIAL_PERMANENT', 'SEPARATE_CARDS', 'RENEWAL', [], 'NO_PERIOD_OF_STAY'],
  ['SPECIAL_PERMANENT', 'RESIDENCE_CARD_ONLY', 'RENEWAL', [], 'NO_PERIOD_OF_STAY'],

  // Change of status (入管法 20条): as the extension.
  ['MID_TO_LONG_TERM', 'SPECIFIC_CARD', 'CHANGE_OF_STATUS', [
    ['IMMIGRATION', 'REGIONAL_IMMIGRATION_BUREAU', 'APPLY_FOR_CHANGE_OF_STATUS', null, [...FORM_PHOTO_PASSPORT, 'SPECIFIC_CARD']],
  ]],
  ['MID_TO_LONG_TERM', 'SEPARATE_CARDS', 'CHANGE_OF_STATUS', [
    ['IMMIGRATION', 'REGIONAL_IMMIGRATION_BUREAU', 'APPLY_FOR_CHANGE_OF_STATUS', null, [...FORM_PHOTO_PASSPORT, 'RESIDENCE_CARD']],
    ['MYNUMBER', 'MUNICIPAL_OFFICE', 'CHANGE_MY_NUMBER_CARD_VALIDITY', null, ['MY_NUMBER_CARD', 'RESIDENCE_CARD', 'PIN_CODES']],
  ]],
  ['MID_TO_LONG_TERM', 'RESIDENCE_CARD_ONLY', 'CHANGE_OF_STATUS', [
    ['IMMIGRATION', 'REGIONAL_IMMIGRATION_BUREAU', 'APPLY_FOR_CHANGE_OF_STATUS', null, [...FORM_PHOTO_PASSPORT, 'RESIDENCE_CARD']],
  ]],
  ['SPECIAL_PERMANENT', 'SPECIFIC_CARD', 'CHANGE_OF_STATUS', [], 'NO_STATUS_OF_RESIDENCE'],
  ['SPECIAL_PERMANENT', 'SEPARATE_CARDS', 'CHANGE_OF_STATUS', [], 'NO_STATUS_OF_RESIDENCE'],
  ['SPECIAL_PERMANENT', 'RESIDENCE_CARD_ONLY', 'CHANGE_OF_STATUS', [], 'NO_STATUS_OF_RESIDENCE'],

  // Change of address within one municipality (転居届, 住民基本台帳法 23条): the move notification at the municipal office within 14 days counts for the ISA (入管法 19条の9
  // 3項, 入管特例法 10条); (a) one card to bring, then the signature certificate, which the move ended; (b) the My Number
  // card's address within 14 days (番号法 17条4項) and the signature certificate; (c) the notification only.
  ['MID_TO_LONG_TERM', 'SPECIFIC_CARD', 'CHANGE_OF_ADDRESS', [
    ['REGISTRY', 'MUNICIPAL_OFFICE', 'NOTIFY_MOVE', 14, ['SPECIFIC_CARD']],
    ['MYNUMBER', 'MUNICIPAL_OFFICE', 'REISSUE_SIGNATURE_CERTIFICATE', null, ['SPECIFIC_CARD', 'PIN_CODES']],
  ]],
  ['MID_TO_LONG_TERM', 'SEPARATE_CARDS', 'CHANGE_OF_ADDRESS', [
    ['REGISTRY', 'MUNICIPAL_OFFICE', 'NOTIFY_MOVE', 14, ['RESIDENCE_CARD']],
    ['MYNUMBER', 'MUNICIPAL_OFFICE', 'UPDATE_MY_NUMBER_CARD_ADDRESS', 14, ['MY_NUMBER_CARD', 'PIN_CODES']],
    ['MYNUMBER', 'MUNICIPAL_OFFICE', 'REISSUE_SIGNATURE_CERTIFICATE', null, ['MY_NUMBER_CARD', 'PIN_CODES']],
  ]],
  ['MID_TO_LONG_TERM', 'RESIDENCE_CARD_ONLY', 'CHANGE_OF_ADDRESS', [
    ['REGISTRY', 'MUNICIPAL_OFFICE', 'NOTIFY_MOVE', 14, ['RESIDENCE_CARD']],
  ]],
  ['SPECIAL_PERMANENT', 'SPECIFIC_CARD', 'CHANGE_OF_ADDRESS', [
    ['REGISTRY', 'MUNICIPAL_OFFICE', 'NOTIFY_MOVE', 14, ['SPECIFIC_CARD']],
    ['MYNUMBER', 'MUNICIPAL_OFFICE', 'REISSUE_SIGNATURE_CERTIFICATE', null, ['SPECIFIC_CARD', 'PIN_CODES']],
  ]],
  ['SPECIAL_PERMANENT', 'SEPARATE_CARDS', 'CHANGE_OF_ADDRESS', [
    ['REGISTRY', 'MUNICIPAL_OFFICE', 'NOTIFY_MOVE', 14, ['SPECIAL_PERMANENT_RESIDENT_CERTIFICATE']],
    ['MYNUMBER', 'MUNICIPAL_OFFICE', 'UPDATE_MY_NUMBER_CARD_ADDRESS', 14, ['MY_NUMBER_CARD', 'PIN_CODES']],
    ['MYNUMBER', 'MUNICIPAL_OFFICE', 'REISSUE_SIGNATURE_CERTIFICATE', null, ['MY_NUMBER_CARD', 'PIN_CODES']],
  ]],
  ['SPECIAL_PERMANENT', 'RESIDENCE_CARD_ONLY', 'CHANGE_OF_ADDRESS', [
    ['REGISTRY', 'MUNICIPAL_OFFICE', 'NOTIFY_MOVE', 14, ['SPECIAL_PERMANENT_RESIDENT_CERTIFICATE']],
  ]],

  // A move to another municipality: the moving-out at the old municipal office (住民基本台帳法 24条), then the moving-in
  // at the new one within 14 days of moving in (22条), which is the notification to the ISA (入管法 19条の9第3項, 入管特例法
  // 10条). (a) and (b) hold a My Number card: the special case (24条の2), at the counter, by post or on Mynaportal, no
  // moving-out certificate; at the new office the card is kept in use (else it lapses 90 days after the moving-in
  // notification, per municipal guides) and the signature certificate, ended by the move, issued again. (a) brings the
  // one card, (b) both cards; (c) brings the residence card or certificate and the moving-out certificate.
  ['MID_TO_LONG_TERM', 'SPECIFIC_CARD', 'MOVE_TO_ANOTHER_MUNICIPALITY', [
    ['REGISTRY', 'MUNICIPAL_OFFICE', 'NOTIFY_MOVING_OUT_WITH_MY_NUMBER_CARD', null, ['SPECIFIC_CARD']],
    ['REGISTRY', 'MUNICIPAL_OFFICE', 'NOTIFY_MOVING_IN', 14, ['SPECIFIC_CARD', 'PIN_CODES']],
    ['MYNUMBER', 'MUNICIPAL_OFFICE', 'CONTINUE_MY_NUMBER_CARD_USE', null, ['SPECIFIC_CARD', 'PIN_CODES']],
    ['MYNUMBER', 'MUNICIPAL_OFFICE', 'REISSUE_SIGNATURE_CERTIFICATE', null, ['SPECIFIC_CARD', 'PIN_CODES']],
  ]],
  ['MID_TO_LONG_TERM', 'SEPARATE_CARDS', 'MOVE_TO_ANOTHER_MUNICIPALITY', [
    ['REGISTRY', 'MUNICIPAL_OFFICE', 'NOTIFY_MOVING_OUT_WITH_MY_NUMBER_CARD', null, ['MY_NUMBER_CARD']],
    ['REGISTRY', 'MUNICIPAL_OFFICE', 'NOTIFY_MOVING_IN', 14, ['RESIDENCE_CARD', 'MY_NUMBER_CARD', 'PIN_CODES']],
    ['MYNUMBER', 'MUNICIPAL_OFFICE', 'CONTINUE_MY_NUMBER_CARD_USE', null, ['MY_NUMBER_CARD', 'PIN_CODES']],
    ['MYNUMBER', 'MUNICIPAL_OFFICE', 'REISSUE_SIGNATURE_CERTIFICATE', null, ['MY_NUMBER_CARD', 'PIN_CODES']],
  ]],
  ['MID_TO_LONG_TERM', 'RESIDENCE_CARD_ONLY', 'MOVE_TO_ANOTHER_MUNICIPALITY', [
    ['REGISTRY', 'MUNICIPAL_OFFICE', 'NOTIFY_MOVING_OUT', null, ['RESIDENCE_CARD']],
    ['REGISTRY', 'MUNICIPAL_OFFICE', 'NOTIFY_MOVING_IN', 14, ['RESIDENCE_CARD', 'MOVING_OUT_CERTIFICATE']],
  ]],
  ['PERMANENT', 'SPECIFIC_CARD', 'MOVE_TO_ANOTHER_MUNICIPALITY', [
    ['REGISTRY', 'MUNICIPAL_OFFICE', 'NOTIFY_MOVING_OUT_WITH_MY_NUMBER_CARD', null, ['SPECIFIC_CARD']],
    ['REGISTRY', 'MUNICIPAL_OFFICE', 'NOTIFY_MOVING_IN', 14, ['SPECIFIC_CARD', 'PIN_CODES']],
    ['MYNUMBER', 'MUNICIPAL_OFFICE', 'CONTINUE_MY_NUMBER_CARD_USE', null, ['SPECIFIC_CARD', 'PIN_CODES']],
    ['MYNUMBER', 'MUNICIPAL_OFFICE', 'REISSUE_SIGNATURE_CERTIFICATE', null, ['SPECIFIC_CARD', 'PIN_CODES']],
  ]],
  ['PERMANENT', 'SEPARATE_CARDS', 'MOVE_TO_ANOTHER_MUNICIPALITY', [
    ['REGISTRY', 'MUNICIPAL_OFFICE', 'NOTIFY_MOVING_OUT_WITH_MY_NUMBER_CARD', null, ['MY_NUMBER_CARD']],
    ['REGISTRY', 'MUNICIPAL_OFFICE', 'NOTIFY_MOVING_IN', 14, ['RESIDENCE_CARD', 'MY_NUMBER_CARD', 'PIN_CODES']],
    ['MYNUMBER', 'MUNICIPAL_OFFICE', 'CONTINUE_MY_NUMBER_CARD_USE', null, ['MY_NUMBER_CARD', 'PIN_CODES']],
    ['MYNUMBER', 'MUNICIPAL_OFFICE', 'REISSUE_SIGNATURE_CERTIFICATE', null, ['MY_NUMBER_CARD', 'PIN_CODES']],
  ]],
  ['PERMANENT', 'RESIDENCE_CARD_ONLY', 'MOVE_TO_ANOTHER_MUNICIPALITY', [
    ['REGISTRY', 'MUNICIPAL_OFFICE', 'NOTIFY_MOVING_OUT', null, ['RESIDENCE_CARD']],
    ['REGISTRY', 'MUNICIPAL_OFFICE', 'NOTIFY_MOVING_IN', 14, ['RESIDENCE_CARD', 'MOVING_OUT_CERTIFICATE']],
  ]],
  ['SPECIAL_PERMANENT', 'SPECIFIC_CARD', 'MOVE_TO_ANOTHER_MUNICIPALITY', [
    ['REGISTRY', 'MUNICIPAL_OFFICE', 'NOTIFY_MOVING_OUT_WITH_MY_NUMBER_CARD', null, ['SPECIFIC_CARD']],
    ['REGISTRY', 'MUNICIPAL_OFFICE', 'NOTIFY_MOVING_IN', 14, ['SPECIFIC_CARD', 'PIN_CODES']],
    ['MYNUMBER', 'MUNICIPAL_OFFICE', 'CONTINUE_MY_NUMBER_CARD_USE', null, ['SPECIFIC_CARD', 'PIN_CODES']],
    ['MYNUMBER', 'MUNICIPAL_OFFICE', 'REISSUE_SIGNATURE_CERTIFICATE', null, ['SPECIFIC_CARD', 'PIN_CODES']],
  ]],
  ['SPECIAL_PERMANENT', 'SEPARATE_CARDS', 'MOVE_TO_ANOTHER_MUNICIPALITY', [
    ['REGISTRY', 'MUNICIPAL_OFFICE', 'NOTIFY_MOVING_OUT_WITH_MY_NUMBER_CARD', null, ['MY_NUMBER_CARD']],
    ['REGISTRY', 'MUNICIPAL_OFFICE', 'NOTIFY_MOVING_IN', 14, ['SPECIAL_PERMANENT_RESIDENT_CERTIFICATE', 'MY_NUMBER_CARD', 'PIN_CODES']],
    ['MYNUMBER', 'MUNICIPAL_OFFICE', 'CONTINUE_MY_NUMBER_CARD_USE', null, ['MY_NUMBER_CARD', 'PIN_CODES']],
    ['MYNUMBER', 'MUNICIPAL_OFFICE', 'REISSUE_SIGNATURE_CERTIFICATE', null, ['MY_NUMBER_CARD', 'PIN_CODES']],
  ]],
  ['SPECIAL_PERMANENT', 'RESIDENCE_CARD_ONLY', 'MOVE_TO_ANOTHER_MUNICIPALITY', [
    ['REGISTRY', 'MUNICIPAL_OFFICE', 'NOTIFY_MOVING_OUT', null, ['SPECIAL_PERMANENT_RESIDENT_CERTIFICATE']],
    ['REGISTRY', 'MUNICIPAL_OFFICE', 'NOTIFY_MOVING_IN', 14, ['SPECIAL_PERMANENT_RESIDENT_CERTIFICATE', 'MOVING_OUT_CERTIFICATE']],
  ]],

  // The card's validity (入管法 19条の11; 入管特例法 11条 at the municipal office): (a) one procedure covers the
  // function; with two cards the My Number card keeps its own validity. With a period of stay the card ends with it
  // (19条の5第1項3号) and 19条の11 excludes it: the extension renews the card, there is no validity renewal.
  ['MID_TO_LONG_TERM', 'SPECIFIC_CARD', 'CARD_EXPIRY', [], 'CARD_ENDS_WITH_PERIOD_OF_STAY'],
  ['MID_TO_LONG_TERM', 'SEPARATE_CARDS', 'CARD_EXPIRY', [], 'CARD_ENDS_WITH_PERIOD_OF_STAY'],
  ['MID_TO_LONG_TERM', 'RESIDENCE_CARD_ONLY', 'CARD_EXPIRY', [], 'CARD_ENDS_WITH_PERIOD_OF_STAY'],
  // A child whose card ends on the 16th birthday, before the period of stay (19条の5第1項4号): renewed.
  ['MID_TO_LONG_TERM_CARD_TO_16', 'SPECIFIC_CARD', 'CARD_EXPIRY', [
    ['IMMIGRATION', 'REGIONAL_IMMIGRATION_BUREAU', 'APPLY_FOR_CARD_RENEWAL', null, [...FORM_PHOTO_PASSPORT, 'SPECIFIC_CARD']],
  ]],
  ['MID_TO_LONG_TERM_CARD_TO_16', 'SEPARATE_CARDS', 'CARD_EXPIRY', [
    ['IMMIGRATION', 'REGIONAL_IMMIGRATION_BUREAU', 'APPLY_FOR_CARD_RENEWAL', null, [...FORM_PHOTO_PASSPORT, 'RESIDENCE_CARD']],
  ]],
  ['MID_TO_LONG_TERM_CARD_TO_16', 'RESIDENCE_CARD_ONLY', 'CARD_EXPIRY', [
    ['IMMIGRATION', 'REGIONAL_IMMIGRATION_BUREAU', 'APPLY_FOR_CARD_RENEWAL', null, [...FORM_PHOTO_PASSPORT, 'RESIDENCE_CARD']],
  ]],
  // The child still extends the stay as any holder of a period of stay (入管法 21条).
  ['MID_TO_LONG_TERM_CARD_TO_16', 'SPECIFIC_CARD', 'RENEWAL', [
    ['IMMIGRATION', 'REGIONAL_IMMIGRATION_BUREAU', 'APPLY_FOR_EXTENSION_OF_STAY', null, [...FORM_PHOTO_PASSPORT, 'SPECIFIC_CARD']],
  ]],
  ['MID_TO_LONG_TERM_CARD_TO_16', 'SEPARATE_CARDS', 'RENEWAL', [
    ['IMMIGRATION', 'REGIONAL_IMMIGRATION_BUREAU', 'APPLY_FOR_EXTENSION_OF_STAY', null, [...FORM_PHOTO_PASSPORT, 'RESIDENCE_CARD']],
    ['MYNUMBER', 'MUNICIPAL_OFFICE', 'CHANGE_MY_NUMBER_CARD_VALIDITY', null, ['MY_NUMBER_CARD', 'RESIDENCE_CARD', 'PIN_CODES']],
  ]],
  ['MID_TO_LONG_TERM_CARD_TO_16', 'RESIDENCE_CARD_ONLY', 'RENEWAL', [
    ['IMMIGRATION', 'REGIONAL_IMMIGRATION_BUREAU', 'APPLY_FOR_EXTENSION_OF_STAY', null, [...FORM_PHOTO_PASSPORT, 'RESIDENCE_CARD']],
  ]],
  ['SPECIAL_PERMANENT', 'SPECIFIC_CARD', 'CARD_EXPIRY', [
    ['IMMIGRATION', 'MUNICIPAL_OFFICE', 'APPLY_FOR_CARD_RENEWAL', null, [...FORM_PHOTO_PASSPORT, 'SPECIFIC_CARD']],
  ]],
  ['SPECIAL_PERMANENT', 'SEPARATE_CARDS', 'CARD_EXPIRY', [
    ['IMMIGRATION', 'MUNICIPAL_OFFICE', 'APPLY_FOR_CARD_RENEWAL', null, [...FORM_PHOTO_PASSPORT, 'SPECIAL_PERMANENT_RESIDENT_CERTIFICATE']],
  ]],
  ['SPECIAL_PERMANENT', 'RESIDENCE_CARD_ONLY', 'CARD_EXPIRY', [
    ['IMMIGRATION', 'MUNICIPAL_OFFICE', 'APPLY_FOR_CARD_RENEWAL', null, [...FORM_PHOTO_PASSPORT, 'SPECIAL_PERMANENT_RESIDENT_CERTIFICATE']],
  ]],

  // The electronic certificates, at the municipal office from 3 months before they expire; (c) has none.
  ['MID_TO_LONG_TERM', 'SPECIFIC_CARD', 'MY_NUMBER_FUNCTION_EXPIRY', [
    ['MYNUMBER', 'MUNICIPAL_OFFICE', 'RENEW_ELECTRONIC_CERTIFICATES', null, ['SPECIFIC_CARD', 'PIN_CODES']],
  ]],
  ['MID_TO_LONG_TERM', 'SEPARATE_CARDS', 'MY_NUMBER_FUNCTION_EXPIRY', [
    ['MYNUMBER', 'MUNICIPAL_OFFICE', 'RENEW_ELECTRONIC_CERTIFICATES', null, ['MY_NUMBER_CARD', 'PIN_CODES']],
  ]],
  ['MID_TO_LONG_TERM', 'RESIDENCE_CARD_ONLY', 'MY_NUMBER_FUNCTION_EXPIRY', [], 'NO_MY_NUMBER_FUNCTION'],
  ['SPECIAL_PERMANENT', 'SPECIFIC_CARD', 'MY_NUMBER_FUNCTION_EXPIRY', [
    ['MYNUMBER', 'MUNICIPAL_OFFICE', 'RENEW_ELECTRONIC_CERTIFICATES', null, ['SPECIFIC_CARD', 'PIN_CODES']],
  ]],
  ['SPECIAL_PERMANENT', 'SEPARATE_CARDS', 'MY_NUMBER_FUNCTION_EXPIRY', [
    ['MYNUMBER', 'MUNICIPAL_OFFICE', 'RENEW_ELECTRONIC_CERTIFICATES', null, ['MY_NUMBER_CARD', 'PIN_CODES']],
  ]],
  ['SPECIAL_PERMANENT', 'RESIDENCE_CARD_ONLY', 'MY_NUMBER_FUNCTION_EXPIRY', [], 'NO_MY_NUMBER_FUNCTION'],

  // Damage (入管法 19条の13; 入管特例法 13条): the damaged card is brought; no deadline unless ordered.
  ['MID_TO_LONG_TERM', 'SPECIFIC_CARD', 'DAMAGE', [
    ['IMMIGRATION', 'REGIONAL_IMMIGRATION_BUREAU', 'APPLY_FOR_CARD_REISSUE', null, [...FORM_PHOTO_PASSPORT, 'SPECIFIC_CARD']],
  ]],
  ['MID_TO_LONG_TERM', 'SEPARATE_CARDS', 'DAMAGE', [
    ['IMMIGRATION', 'REGIONAL_IMMIGRATION_BUREAU', 'APPLY_FOR_CARD_REISSUE', null, [...FORM_PHOTO_PASSPORT, 'RESIDENCE_CARD']],
  ]],
  ['MID_TO_LONG_TERM', 'RESIDENCE_CARD_ONLY', 'DAMAGE', [
    ['IMMIGRATION', 'REGIONAL_IMMIGRATION_BUREAU', 'APPLY_FOR_CARD_REISSUE', null, [...FORM_PHOTO_PASSPORT, 'RESIDENCE_CARD']],
  ]],
  ['SPECIAL_PERMANENT', 'SPECIFIC_CARD', 'DAMAGE', [
    ['IMMIGRATION', 'MUNICIPAL_OFFICE', 'APPLY_FOR_CARD_REISSUE', null, [...FORM_PHOTO_PASSPORT, 'SPECIFIC_CARD']],
  ]],
  ['SPECIAL_PERMANENT', 'SEPARATE_CARDS', 'DAMAGE', [
    ['IMMIGRATION', 'MUNICIPAL_OFFICE', 'APPLY_FOR_CARD_REISSUE', null, [...FORM_PHOTO_PASSPORT, 'SPECIAL_PERMANENT_RESIDENT_CERTIFICATE']],
  ]],
  ['SPECIAL_PERMANENT', 'RESIDENCE_CARD_ONLY', 'DAMAGE', [
    ['IMMIGRATION', 'MUNICIPAL_OFFICE', 'APPLY_FOR_CARD_REISSUE', null, [...FORM_PHOTO_PASSPORT, 'SPECIAL_PERMANENT_RESIDENT_CERTIFICATE']],
  ]],

  // Returning the function at the municipal office: (a) the card stays a residence card; (b) the My Number card.
  ['MID_TO_LONG_TERM', 'SPECIFIC_CARD', 'RETURN_OF_FUNCTION', [
    ['MYNUMBER', 'MUNICIPAL_OFFICE', 'RETURN_MY_NUMBER_FUNCTION', null, ['SPECIFIC_CARD']],
  ]],
  ['MID_TO_LONG_TERM', 'SEPARATE_CARDS', 'RETURN_OF_FUNCTION', [
    ['MYNUMBER', 'MUNICIPAL_OFFICE', 'RETURN_MY_NUMBER_FUNCTION', null, ['MY_NUMBER_CARD']],
  ]],
  ['MID_TO_LONG_TERM', 'RESIDENCE_CARD_ONLY', 'RETURN_OF_FUNCTION', [], 'NO_MY_NUMBER_FUNCTION'],
  ['SPECIAL_PERMANENT', 'SPECIFIC_CARD', 'RETURN_OF_FUNCTION', [
    ['MYNUMBER', 'MUNICIPAL_OFFICE', 'RETURN_MY_NUMBER_FUNCTION', null, ['SPECIFIC_CARD']],
  ]],
  ['SPECIAL_PERMANENT', 'SEPARATE_CARDS', 'RETURN_OF_FUNCTION', [
    ['MYNUMBER', 'MUNICIPAL_OFFICE', 'RETURN_MY_NUMBER_FUNCTION', null, ['MY_NUMBER_CARD']],
  ]],
  ['SPECIAL_PERMANENT', 'RESIDENCE_CARD_ONLY', 'RETURN_OF_FUNCTION', [], 'NO_MY_NUMBER_FUNCTION'],
  // A permanent resident or a Highly Skilled Professional (ii): no period of stay (入管法施行規則別表第二, 無期限), so no
  // extension: the answer says so (NO_PERIOD_OF_STAY), not an empty list. Their card runs 7 years from issue (or to
  // the 16th birthday) (19条の5第1項1号・2号) and is renewed by 19条の11. Every other procedure is the mid-to-long-term one.
  ['PERMANENT', 'SPECIFIC_CARD', 'LOSS_OR_THEFT', [
    ['MYNUMBER', 'MY_NUMBER_FREE_DIAL', 'SUSPEND_MY_NUMBER_FUNCTION', null, []],
    ['IMMIGRATION', 'POLICE', 'REPORT_LOSS_TO_POLICE', null, []],
    ['IMMIGRATION', 'REGIONAL_IMMIGRATION_BUREAU', 'APPLY_FOR_CARD_REISSUE', 14, AFTER_LOSS],
  ]],
  ['PERMANENT', 'SEPARATE_CARDS', 'LOSS_OR_THEFT', [
    ['IMMIGRATION', 'POLICE', 'REPORT_LOSS_TO_POLICE', null, []],
    ['IMMIGRATION', 'REGIONAL_IMMIGRATION_BUREAU', 'APPLY_FOR_CARD_REISSUE', 14, AFTER_LOSS],
  ]],
  ['PERMANENT', 'RESIDENCE_CARD_ONLY', 'LOSS_OR_THEFT', [
    ['IMMIGRATION', 'POLICE', 'REPORT_LOSS_TO_POLICE', null, []],
    ['IMMIGRATION', 'REGIONAL_IMMIGRATION_BUREAU', 'APPLY_FOR_CARD_REISSUE', 14, AFTER_LOSS],
  ]],
  ['PERMANENT', 'SPECIFIC_CARD', 'RENEWAL', [], 'NO_PERIOD_OF_STAY'],
  ['PERMANENT', 'SEPARATE_CARDS', 'RENEWAL', [], 'NO_PERIOD_OF_STAY'],
  ['PERMANENT', 'RESIDENCE_CARD_ONLY', 'RENEWAL', [], 'NO_PERIOD_OF_STAY'],
  ['PERMANENT', 'SPECIFIC_CARD', 'CHANGE_OF_STATUS', [
    ['IMMIGRATION', 'REGIONAL_IMMIGRATION_BUREAU', 'APPLY_FOR_CHANGE_OF_STATUS', null, [...FORM_PHOTO_PASSPORT, 'SPECIFIC_CARD']],
  ]],
  ['PERMANENT', 'SEPARATE_CARDS', 'CHANGE_OF_STATUS', [
    ['IMMIGRATION', 'REGIONAL_IMMIGRATION_BUREAU', 'APPLY_FOR_CHANGE_OF_STATUS', null, [...FORM_PHOTO_PASSPORT, 'RESIDENCE_CARD']],
    ['MYNUMBER', 'MUNICIPAL_OFFICE', 'CHANGE_MY_NUMBER_CARD_VALIDITY', null, ['MY_NUMBER_CARD', 'RESIDENCE_CARD', 'PIN_CODES']],
  ]],
  ['PERMANENT', 'RESIDENCE_CARD_ONLY', 'CHANGE_OF_STATUS', [
    ['IMMIGRATION', 'REGIONAL_IMMIGRATION_BUREAU', 'APPLY_FOR_CHANGE_OF_STATUS', null, [...FORM_PHOTO_PASSPORT, 'RESIDENCE_CARD']],
  ]],
  ['PERMANENT', 'SPECIFIC_CARD', 'CHANGE_OF_ADDRESS', [
    ['REGISTRY', 'MUNICIPAL_OFFICE', 'NOTIFY_MOVE', 14, ['SPECIFIC_CARD']],
    ['MYNUMBER', 'MUNICIPAL_OFFICE', 'REISSUE_SIGNATURE_CERTIFICATE', null, ['SPECIFIC_CARD', 'PIN_CODES']],
  ]],
  ['PERMANENT', 'SEPARATE_CARDS', 'CHANGE_OF_ADDRESS', [
    ['REGISTRY', 'MUNICIPAL_OFFICE', 'NOTIFY_MOVE', 14, ['RESIDENCE_CARD']],
    ['MYNUMBER', 'MUNICIPAL_OFFICE', 'UPDATE_MY_NUMBER_CARD_ADDRESS', 14, ['MY_NUMBER_CARD', 'PIN_CODES']],
    ['MYNUMBER', 'MUNICIPAL_OFFICE', 'REISSUE_SIGNATURE_CERTIFICATE', null, ['MY_NUMBER_CARD', 'PIN_CODES']],
  ]],
  ['PERMANENT', 'RESIDENCE_CARD_ONLY', 'CHANGE_OF_ADDRESS', [
    ['REGISTRY', 'MUNICIPAL_OFFICE', 'NOTIFY_MOVE', 14, ['RESIDENCE_CARD']],
  ]],
  ['PERMANENT', 'SPECIFIC_CARD', 'CARD_EXPIRY', [
    ['IMMIGRATION', 'REGIONAL_IMMIGRATION_BUREAU', 'APPLY_FOR_CARD_RENEWAL', null, [...FORM_PHOTO_PASSPORT, 'SPECIFIC_CARD']],
  ]],
  ['PERMANENT', 'SEPARATE_CARDS', 'CARD_EXPIRY', [
    ['IMMIGRATION', 'REGIONAL_IMMIGRATION_BUREAU', 'APPLY_FOR_CARD_RENEWAL', null, [...FORM_PHOTO_PASSPORT, 'RESIDENCE_CARD']],
  ]],
  ['PERMANENT', 'RESIDENCE_CARD_ONLY', 'CARD_EXPIRY', [
    ['IMMIGRATION', 'REGIONAL_IMMIGRATION_BUREAU', 'APPLY_FOR_CARD_RENEWAL', null, [...FORM_PHOTO_PASSPORT, 'RESIDENCE_CARD']],
  ]],
  ['PERMANENT', 'SPECIFIC_CARD', 'MY_NUMBER_FUNCTION_EXPIRY', [
    ['MYNUMBER', 'MUNICIPAL_OFFICE', 'RENEW_ELECTRONIC_CERTIFICATES', null, ['SPECIFIC_CARD', 'PIN_CODES']],
  ]],
  ['PERMANENT', 'SEPARATE_CARDS', 'MY_NUMBER_FUNCTION_EXPIRY', [
    ['MYNUMBER', 'MUNICIPAL_OFFICE', 'RENEW_ELECTRONIC_CERTIFICATES', null, ['MY_NUMBER_CARD', 'PIN_CODES']],
  ]],
  ['PERMANENT', 'RESIDENCE_CARD_ONLY', 'MY_NUMBER_FUNCTION_EXPIRY', [], 'NO_MY_NUMBER_FUNCTION'],
  ['PERMANENT', 'SPECIFIC_CARD', 'DAMAGE', [
    ['IMMIGRATION', 'REGIONAL_IMMIGRATION_BUREAU', 'APPLY_FOR_CARD_REISSUE', null, [...FORM_PHOTO_PASSPORT, 'SPECIFIC_CARD']],
  ]],
  ['PERMANENT', 'SEPARATE_CARDS', 'DAMAGE', [
    ['IMMIGRATION', 'REGIONAL_IMMIGRATION_BUREAU', 'APPLY_FOR_CARD_REISSUE', null, [...FORM_PHOTO_PASSPORT, 'RESIDENCE_CARD']],
  ]],
  ['PERMANENT', 'RESIDENCE_CARD_ONLY', 'DAMAGE', [
    ['IMMIGRATION', 'REGIONAL_IMMIGRATION_BUREAU', 'APPLY_FOR_CARD_REISSUE', null, [...FORM_PHOTO_PASSPORT, 'RESIDENCE_CARD']],
  ]],
  ['PERMANENT', 'SPECIFIC_CARD', 'RETURN_OF_FUNCTION', [
    ['MYNUMBER', 'MUNICIPAL_OFFICE', 'RETURN_MY_NUMBER_FUNCTION', null, ['SPECIFIC_CARD']],
  ]],
  ['PERMANENT', 'SEPARATE_CARDS', 'RETURN_OF_FUNCTION', [
    ['MYNUMBER', 'MUNICIPAL_OFFICE', 'RETURN_MY_NUMBER_FUNCTION', null, ['MY_NUMBER_CARD']],
  ]],
  ['PERMANENT', 'RESIDENCE_CARD_ONLY', 'RETURN_OF_FUNCTION', [], 'NO_MY_NUMBER_FUNCTION'],
];

describe('counter guidance, procedure by procedure', () => {
  const cases = PROCEDURES.map(([who, a, e, steps, reason]) => [who, a, e, steps, reason ?? null] as const);
  test.each(cases)('%s, %s, %s', (who, arrangement, event, expected, reason) => {
    const [residentClass, stayKind] = WHO[who];
    const steps = procedure(residentClass, arrangement, event, stayKind);
    expect(steps.map(({ authority, row }) => [authority, row.counter, row.action, row.deadlineDays, [...row.bring]])).toEqual(
      expected.map((step) => [step[0], step[1], step[2], step[3], [...step[4]]]),
    );
    expect(steps.map(({ row }) => row.order)).toEqual(expected.map((_, i) => i + 1));
    // No steps exactly when the event does not apply, and then the answer says why.
    expect(notApplicableFor({ event, arrangement, residentClass, stayKind })?.reason ?? null).toBe(reason);
  });

  test('a permanent resident or a special permanent resident asking for an extension: does not apply, no period of stay', () => {
    for (const [residentClass, stayKind] of [WHO.PERMANENT, WHO.SPECIAL_PERMANENT]) {
      for (const arrangement of ['SPECIFIC_CARD', 'SEPARATE_CARDS', 'RESIDENCE_CARD_ONLY'] as const) {
        expect(procedure(residentClass, arrangement, 'RENEWAL', stayKind)).toEqual([]);
        const answer = notApplicableFor({ event: 'RENEWAL', arrangement, residentClass, stayKind });
        expect(answer?.reason).toBe('NO_PERIOD_OF_STAY');
        expect(answer?.basis).toContain('入管法21条');
      }
    }
  });

  test.each([
    // [class, status, stay expires, card valid until, kind]
    ['MID_TO_LONG_TERM', 'PERMANENT_RESIDENT', null, '2031-06-01', 'WITHOUT_PERIOD'],
    ['MID_TO_LONG_TERM', 'HIGHLY_SKILLED_PROFESSIONAL_2', null, '2029-10-02', 'WITHOUT_PERIOD'],
    ['SPECIAL_PERMANENT', null, null, '2033-09-08', 'WITHOUT_PERIOD'],
    ['MID_TO_LONG_TERM', 'ENGINEER_HUMANITIES_INTERNATIONAL_SERVICES', '2027-04-01', '2027-04-01', 'WITH_PERIOD'],
    ['MID_TO_LONG_TERM', 'DEPENDENT', '2030-04-01', '2028-05-20', 'WITH_PERIOD_CARD_ENDS_FIRST'],
  ] as const)('%s %s (stay to %s, card to %s): %s', (residentClass, statusOfResidence, stayExpiresOn, cardValidUntil, kind) => {
    expect(stayKindOf({ residentClass, statusOfResidence, stayExpiresOn, cardValidUntil })).toBe(kind);
  });

  // No card in force (temporary refuge, provisional stay, transitional stays, or a card that ended): no card procedure.
  const withoutCard = RESIDENT_CLASSES.flatMap((residentClass) => COUNTER_EVENTS.map((event) => [residentClass, event] as const));
  test.each(withoutCard)('%s without a card in force, %s: no steps', (residentClass, event) => {
    for (const stayKind of STAY_KINDS) {
      expect(procedure(residentClass, 'NONE', event, stayKind)).toEqual([]);
      expect(notApplicableFor({ event, arrangement: 'NONE', residentClass, stayKind })?.reason).toBe('NO_CARD_IN_FORCE');
    }
  });

  test('the classes without a card have no steps in any arrangement', () => {
    const others = RESIDENT_CLASSES.filter((c) => c !== 'MID_TO_LONG_TERM' && c !== 'SPECIAL_PERMANENT');
    const arrangements: CardArrangement[] = ['SPECIFIC_CARD', 'SEPARATE_CARDS', 'RESIDENCE_CARD_ONLY', 'NONE'];
    const all = others.flatMap((c) => arrangements.flatMap((a) => COUNTER_EVENTS.flatMap((e) => STAY_KINDS.map((k) => [c, a, e, k] as const))));
    expect(all.flatMap(([c, a, e, k]) => procedure(c, a, e, k))).toEqual([]);
    expect(all.filter(([c, a, e, k]) => notApplicableFor({ residentClass: c, arrangement: a, event: e, stayKind: k })?.reason !== 'NO_CARD_IN_FORCE')).toEqual([]);
  });

  // MID_TO_LONG_TERM_CARD_TO_16 differs from MID_TO_LONG_TERM in CARD_EXPIRY only; it is written out for that and RENEWAL.
  test('every procedure of the card holders is written out here', () => {
    const modelled = new Set(PROCEDURES.map(([c, a, e]) => `${c} ${a} ${e}`));
    const all = (['MID_TO_LONG_TERM', 'PERMANENT', 'SPECIAL_PERMANENT'] as const).flatMap((c) =>
      (['SPECIFIC_CARD', 'SEPARATE_CARDS', 'RESIDENCE_CARD_ONLY'] as const).flatMap((a) => COUNTER_EVENTS.map((e) => `${c} ${a} ${e}`)),
    );
    expect(all.filter((key) => !modelled.has(key))).toEqual([]);
  });

  test.each(Object.keys(TABLES) as (keyof typeof TABLES)[])('every row of the %s table is met by a procedure above', (authority) => {
    const met = new Set<GuidanceRow>(
      PROCEDURES.flatMap(([who, a, e]) => procedure(WHO[who][0], a, e, WHO[who][1]).filter((s) => s.authority === authority).map((s) => s.row)),
    );
    expect(TABLES[authority].filter((row) => !met.has(row))).toEqual([]);
  });

  test.each(Object.entries(TABLES))('every %s row names its legal basis or published source', (_authority, table) => {
    expect(table.filter((row) => row.basis.trim() === '')).toEqual([]);
  });
});
