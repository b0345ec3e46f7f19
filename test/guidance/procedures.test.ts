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
import type { CardArrangement, CounterEvent, ResidentClass } from '../../schema/codes';
import { COUNTER_EVENTS, RESIDENT_CLASSES } from '../../schema/codes';
import { rowsFor, type GuidanceRow } from '../../schema/counterGuidance';
import { IMMIGRATION_GUIDANCE } from '../../subgraphs/immigration/rules/counterGuidance';
import { MYNUMBER_GUIDANCE } from '../../subgraphs/mynumber/rules/counterGuidance';
import { REGISTRY_GUIDANCE } from '../../subgraphs/registry/rules/counterGuidance';

const TABLES = { IMMIGRATION: IMMIGRATION_GUIDANCE, REGISTRY: REGISTRY_GUIDANCE, MYNUMBER: MYNUMBER_GUIDANCE } as const;

/** A step as written here: authority, counter, action, deadline in days (or null), what to bring. */
type Step = readonly [keyof typeof TABLES, string, string, number | null, readonly string[]];

/** The merged procedure, as steps numbered 1..n. */
function procedure(residentClass: ResidentClass, arrangement: CardArrangement, event: CounterEvent) {
  const rows = (Object.keys(TABLES) as (keyof typeof TABLES)[]).flatMap((authority) =>
    rowsFor(TABLES[authority], { event, arrangement, residentClass }).map((row) => ({ authority, row })),
  );
  return rows.sort((a, b) => a.row.order - b.row.order);
}

const FORM_PHOTO_PASSPORT = ['APPLICATION_FORM', 'PHOTO', 'PASSPORT'];
const AFTER_LOSS = [...FORM_PHOTO_PASSPORT, 'POLICE_REPORT_NUMBER'];

/** Every procedure modelled: [class, arrangement, event, steps]. */
const PROCEDURES: ReadonlyArray<readonly [ResidentClass, CardArrangement, CounterEvent, readonly Step[]]> = [
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
  ['SPECIAL_PERMANENT', 'SPECIFIC_CARD', 'RENEWAL', []],
  ['SPECIAL_PERMANENT', 'SEPARATE_CARDS', 'RENEWAL', []],
  ['SPECIAL_PERMANENT', 'RESIDENCE_CARD_ONLY', 'RENEWAL', []],

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
  ['SPECIAL_PERMANENT', 'SPECIFIC_CARD', 'CHANGE_OF_STATUS', []],
  ['SPECIAL_PERMANENT', 'SEPARATE_CARDS', 'CHANGE_OF_STATUS', []],
  ['SPECIAL_PERMANENT', 'RESIDENCE_CARD_ONLY', 'CHANGE_OF_STATUS', []],

  // Change of address: the move notification at the municipal office within 14 days counts for the ISA (入管法 19条の9
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

  // The card's validity (入管法 19条の11; 入管特例法 11条 at the municipal office): (a) one procedure covers the
  // function; with two cards the My Number card keeps its own validity.
  ['MID_TO_LONG_TERM', 'SPECIFIC_CARD', 'CARD_EXPIRY', [
    ['IMMIGRATION', 'REGIONAL_IMMIGRATION_BUREAU', 'APPLY_FOR_CARD_RENEWAL', null, [...FORM_PHOTO_PASSPORT, 'SPECIFIC_CARD']],
  ]],
  ['MID_TO_LONG_TERM', 'SEPARATE_CARDS', 'CARD_EXPIRY', [
    ['IMMIGRATION', 'REGIONAL_IMMIGRATION_BUREAU', 'APPLY_FOR_CARD_RENEWAL', null, [...FORM_PHOTO_PASSPORT, 'RESIDENCE_CARD']],
  ]],
  ['MID_TO_LONG_TERM', 'RESIDENCE_CARD_ONLY', 'CARD_EXPIRY', [
    ['IMMIGRATION', 'REGIONAL_IMMIGRATION_BUREAU', 'APPLY_FOR_CARD_RENEWAL', null, [...FORM_PHOTO_PASSPORT, 'RESIDENCE_CARD']],
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
  ['MID_TO_LONG_TERM', 'RESIDENCE_CARD_ONLY', 'MY_NUMBER_FUNCTION_EXPIRY', []],
  ['SPECIAL_PERMANENT', 'SPECIFIC_CARD', 'MY_NUMBER_FUNCTION_EXPIRY', [
    ['MYNUMBER', 'MUNICIPAL_OFFICE', 'RENEW_ELECTRONIC_CERTIFICATES', null, ['SPECIFIC_CARD', 'PIN_CODES']],
  ]],
  ['SPECIAL_PERMANENT', 'SEPARATE_CARDS', 'MY_NUMBER_FUNCTION_EXPIRY', [
    ['MYNUMBER', 'MUNICIPAL_OFFICE', 'RENEW_ELECTRONIC_CERTIFICATES', null, ['MY_NUMBER_CARD', 'PIN_CODES']],
  ]],
  ['SPECIAL_PERMANENT', 'RESIDENCE_CARD_ONLY', 'MY_NUMBER_FUNCTION_EXPIRY', []],

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
  ['MID_TO_LONG_TERM', 'RESIDENCE_CARD_ONLY', 'RETURN_OF_FUNCTION', []],
  ['SPECIAL_PERMANENT', 'SPECIFIC_CARD', 'RETURN_OF_FUNCTION', [
    ['MYNUMBER', 'MUNICIPAL_OFFICE', 'RETURN_MY_NUMBER_FUNCTION', null, ['SPECIFIC_CARD']],
  ]],
  ['SPECIAL_PERMANENT', 'SEPARATE_CARDS', 'RETURN_OF_FUNCTION', [
    ['MYNUMBER', 'MUNICIPAL_OFFICE', 'RETURN_MY_NUMBER_FUNCTION', null, ['MY_NUMBER_CARD']],
  ]],
  ['SPECIAL_PERMANENT', 'RESIDENCE_CARD_ONLY', 'RETURN_OF_FUNCTION', []],
];

describe('counter guidance, procedure by procedure', () => {
  test.each(PROCEDURES)('%s, %s, %s', (residentClass, arrangement, event, expected) => {
    const steps = procedure(residentClass, arrangement, event);
    expect(steps.map(({ authority, row }) => [authority, row.counter, row.action, row.deadlineDays, [...row.bring]])).toEqual(
      expected.map((step) => [step[0], step[1], step[2], step[3], [...step[4]]]),
    );
    expect(steps.map(({ row }) => row.order)).toEqual(expected.map((_, i) => i + 1));
  });

  // No card in force (temporary refuge, provisional stay, transitional stays, or a card that ended): no card procedure.
  const withoutCard = RESIDENT_CLASSES.flatMap((residentClass) => COUNTER_EVENTS.map((event) => [residentClass, event] as const));
  test.each(withoutCard)('%s without a card in force, %s: no steps', (residentClass, event) => {
    expect(procedure(residentClass, 'NONE', event)).toEqual([]);
  });

  test('the classes without a card have no steps in any arrangement', () => {
    const others = RESIDENT_CLASSES.filter((c) => c !== 'MID_TO_LONG_TERM' && c !== 'SPECIAL_PERMANENT');
    const arrangements: CardArrangement[] = ['SPECIFIC_CARD', 'SEPARATE_CARDS', 'RESIDENCE_CARD_ONLY', 'NONE'];
    expect(others.flatMap((c) => arrangements.flatMap((a) => COUNTER_EVENTS.flatMap((e) => procedure(c, a, e))))).toEqual([]);
  });

  test('every procedure of the card holders is written out here', () => {
    const modelled = new Set(PROCEDURES.map(([c, a, e]) => `${c} ${a} ${e}`));
    const all = (['MID_TO_LONG_TERM', 'SPECIAL_PERMANENT'] as const).flatMap((c) =>
      (['SPECIFIC_CARD', 'SEPARATE_CARDS', 'RESIDENCE_CARD_ONLY'] as const).flatMap((a) => COUNTER_EVENTS.map((e) => `${c} ${a} ${e}`)),
    );
    expect(all.filter((key) => !modelled.has(key))).toEqual([]);
  });

  test.each(Object.keys(TABLES) as (keyof typeof TABLES)[])('every row of the %s table is met by a procedure above', (authority) => {
    const met = new Set<GuidanceRow>(
      PROCEDURES.flatMap(([c, a, e]) => procedure(c, a, e).filter((s) => s.authority === authority).map((s) => s.row)),
    );
    expect(TABLES[authority].filter((row) => !met.has(row))).toEqual([]);
  });

  test.each(Object.entries(TABLES))('every %s row names its legal basis or published source', (_authority, table) => {
    expect(table.filter((row) => row.basis.trim() === '')).toEqual([]);
  });
});
