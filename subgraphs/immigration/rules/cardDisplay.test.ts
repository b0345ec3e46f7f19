import { CARD_ITEMS, type CardItem, type ItemNote, type ItemPresence } from '../../../schema/codes';
import { cardShows, type DisplayCell, type DisplayedCardKind } from './cardDisplay';

const cell = (presence: ItemPresence, note?: ItemNote): DisplayCell => (note ? { presence, note } : { presence });
const o = cell('PRINTED');
const chip = cell('CHIP_ONLY');
const x = cell('ABSENT');

function shown(kind: DisplayedCardKind, item: CardItem): DisplayCell {
  const found = cardShows(kind).find((d) => d.item === item);
  if (!found) throw new Error(`${kind} lacks ${item}`);
  const { item: _item, ...rest } = found;
  return rest;
}

// 資料4 (DESIGN.md §3), row by row: item, 在留カード, マイナンバーカード, 特定在留カード.
const SHIRYO_4: Array<[CardItem, DisplayCell, DisplayCell, DisplayCell]> = [
  ['NAME', o, o, o],
  ['BIRTH_DATE', o, o, o],
  ['SEX', o, o, o],
  ['NATIONALITY_REGION', o, x, o],
  [
    'ADDRESS',
    cell('PRINTED_FRONT_AND_BACK', 'ADDRESS_FRONT_CURRENT_BACK_HISTORY'),
    cell('PRINTED_FRONT', 'ADDRESS_FRONT_CURRENT_AND_FORMER'),
    cell('PRINTED_FRONT_AND_BACK', 'ADDRESS_FRONT_CURRENT_BACK_HISTORY'),
  ],
  ['STATUS_OF_RESIDENCE', o, x, o],
  ['PERIOD_OF_STAY', o, x, chip],
  ['PERMISSION_KIND_AND_DATE', o, x, chip],
  ['CARD_NUMBER', o, x, o],
  ['CARD_ISSUE_DATE', o, x, chip],
  ['CARD_EXPIRY', o, o, o],
  ['WORK_RESTRICTION', o, x, o],
  ['ACTIVITY_OUTSIDE_STATUS', cell('PRINTED_BACK'), x, cell('PRINTED_FRONT')],
  ['PHOTO', cell('PRINTED', 'PHOTO_16_AND_OVER'), cell('PRINTED', 'PHOTO_1_AND_OVER'), cell('PRINTED', 'PHOTO_1_AND_OVER')],
  ['MY_NUMBER', x, cell('PRINTED_BACK'), cell('PRINTED_BACK')],
  ['ELECTRONIC_CERTIFICATES', x, chip, cell('CHIP_ONLY', 'IN_MY_NUMBER_PART')],
];

describe('資料4', () => {
  test.each(SHIRYO_4)('%s', (item, residenceCard, myNumberCard, specificCard) => {
    expect(shown('RESIDENCE_CARD_OLD_FORMAT', item)).toEqual(residenceCard);
    expect(shown('MY_NUMBER_CARD', item)).toEqual(myNumberCard);
    expect(shown('SPECIFIC_RESIDENCE_CARD', item)).toEqual(specificCard);
  });
});

// The new-format residence card, and the two special permanent resident certificates (入管特例法 8条).
const DERIVED: Array<[CardItem, DisplayCell, DisplayCell, DisplayCell]> = [
  ['NAME', o, o, o],
  ['BIRTH_DATE', o, o, o],
  ['SEX', o, o, o],
  ['NATIONALITY_REGION', o, o, o],
  [
    'ADDRESS',
    cell('PRINTED_FRONT_AND_BACK', 'ADDRESS_FRONT_CURRENT_BACK_HISTORY'),
    cell('PRINTED_FRONT_AND_BACK', 'ADDRESS_FRONT_CURRENT_BACK_HISTORY'),
    cell('PRINTED_FRONT_AND_BACK', 'ADDRESS_FRONT_CURRENT_BACK_HISTORY'),
  ],
  ['STATUS_OF_RESIDENCE', o, x, x],
  ['PERIOD_OF_STAY', chip, x, x],
  ['PERMISSION_KIND_AND_DATE', chip, x, x],
  ['CARD_NUMBER', o, o, o],
  ['CARD_ISSUE_DATE', chip, o, o],
  ['CARD_EXPIRY', o, o, o],
  ['WORK_RESTRICTION', o, x, x],
  ['ACTIVITY_OUTSIDE_STATUS', cell('PRINTED_FRONT'), x, x],
  ['PHOTO', cell('PRINTED', 'PHOTO_1_AND_OVER'), cell('PRINTED', 'PHOTO_16_AND_OVER'), cell('PRINTED', 'PHOTO_1_AND_OVER')],
  ['MY_NUMBER', x, x, cell('PRINTED_BACK')],
  ['ELECTRONIC_CERTIFICATES', x, x, cell('CHIP_ONLY', 'IN_MY_NUMBER_PART')],
];

describe('new-format card and special permanent resident certificates', () => {
  test.each(DERIVED)('%s', (item, newFormat, certificate, specificCertificate) => {
    expect(shown('RESIDENCE_CARD_NEW_FORMAT', item)).toEqual(newFormat);
    expect(shown('SPECIAL_PERMANENT_RESIDENT_CERTIFICATE', item)).toEqual(certificate);
    expect(shown('SPECIFIC_SPECIAL_PERMANENT_RESIDENT_CERTIFICATE', item)).toEqual(specificCertificate);
  });
});

describe('cardShows', () => {
  test.each<[DisplayedCardKind]>([
    ['RESIDENCE_CARD_OLD_FORMAT'],
    ['RESIDENCE_CARD_NEW_FORMAT'],
    ['SPECIFIC_RESIDENCE_CARD'],
    ['SPECIAL_PERMANENT_RESIDENT_CERTIFICATE'],
    ['SPECIFIC_SPECIAL_PERMANENT_RESIDENT_CERTIFICATE'],
    ['MY_NUMBER_CARD'],
  ])('%s lists every item once, in CARD_ITEMS order', (kind) => {
    expect(cardShows(kind).map((d) => d.item)).toEqual([...CARD_ITEMS]);
  });

  test('a cell without a note has no note key', () => {
    expect(cardShows('RESIDENCE_CARD_OLD_FORMAT')[0]).toEqual({ item: 'NAME', presence: 'PRINTED' });
    expect(Object.keys(cardShows('RESIDENCE_CARD_OLD_FORMAT')[0])).toEqual(['item', 'presence']);
  });
});
