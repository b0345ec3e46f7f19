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

// Item 7: the photo follows the card kind and the holder's age on the day of issue (資料4: residence card and
// certificates from 16, cards with a My Number part from 1). ISA's FAQ: a residence card valid beyond the 16th
// birthday shows the photo, one valid only up to it does not; so a card renewed at 15 to run past 16 shows it.
describe('the photo by the holder at issue', () => {
  type PhotoRow = [description: string, kind: DisplayedCardKind, birthDate: string, issuedOn: string, validUntil: string | null, expected: DisplayCell];
  const photo16 = (presence: ItemPresence) => cell(presence, 'PHOTO_16_AND_OVER');
  const photo1 = (presence: ItemPresence) => cell(presence, 'PHOTO_1_AND_OVER');
  test.each<PhotoRow>([
    ['residence card, 15 at issue', 'RESIDENCE_CARD_OLD_FORMAT', '2011-03-10', '2026-05-01', '2027-03-09', photo16('ABSENT')],
    ['residence card, 16 on the day of issue', 'RESIDENCE_CARD_OLD_FORMAT', '2010-05-01', '2026-05-01', '2029-05-01', photo16('PRINTED')],
    ['residence card, 15 at issue, to the 16th birthday (before 2023-11-01)', 'RESIDENCE_CARD_OLD_FORMAT', '2008-03-10', '2023-05-01', '2024-03-10', photo16('ABSENT')],
    ['residence card renewed at 15 to run past 16', 'RESIDENCE_CARD_OLD_FORMAT', '2010-09-01', '2026-04-01', '2029-06-14', photo16('PRINTED')],
    ['residence card, 40 at issue', 'RESIDENCE_CARD_OLD_FORMAT', '1986-01-01', '2026-05-01', '2029-05-01', photo16('PRINTED')],
    ['SPR certificate, 10 at issue', 'SPECIAL_PERMANENT_RESIDENT_CERTIFICATE', '2016-01-01', '2026-05-01', '2031-12-31', photo16('ABSENT')],
    ['SPR certificate, 16 at issue', 'SPECIAL_PERMANENT_RESIDENT_CERTIFICATE', '2010-01-01', '2026-05-01', '2033-01-01', photo16('PRINTED')],
    ['specific card, 0 at issue', 'SPECIFIC_RESIDENCE_CARD', '2026-01-10', '2026-07-01', '2029-07-01', photo1('ABSENT')],
    ['specific card, 1 on the day of issue', 'SPECIFIC_RESIDENCE_CARD', '2025-07-01', '2026-07-01', '2029-07-01', photo1('PRINTED')],
    ['specific card, 15 at issue', 'SPECIFIC_RESIDENCE_CARD', '2011-03-10', '2026-07-01', '2027-03-09', photo1('PRINTED')],
    ['specific SPR certificate, 3 at issue', 'SPECIFIC_SPECIAL_PERMANENT_RESIDENT_CERTIFICATE', '2023-02-01', '2026-07-01', '2039-01-31', photo1('PRINTED')],
    ['specific SPR certificate, 0 at issue', 'SPECIFIC_SPECIAL_PERMANENT_RESIDENT_CERTIFICATE', '2026-02-01', '2026-07-01', '2042-01-31', photo1('ABSENT')],
    ['My Number card, 0 at issue', 'MY_NUMBER_CARD', '2026-02-01', '2026-07-01', '2031-02-01', photo1('ABSENT')],
    ['My Number card, 1 at issue', 'MY_NUMBER_CARD', '2025-02-01', '2026-07-01', '2031-02-01', photo1('PRINTED')],
  ])('%s', (_description, kind, birthDate, issuedOn, validUntil, expected) => {
    const { item: _item, ...photo } = cardShows(kind, { birthDate, issuedOn, validUntil }).find((d) => d.item === 'PHOTO')!;
    expect(photo).toEqual(expected);
  });

  test('only the photo depends on the holder', () => {
    const child = cardShows('RESIDENCE_CARD_OLD_FORMAT', { birthDate: '2020-01-01', issuedOn: '2026-05-01', validUntil: '2029-05-01' });
    expect(child.filter((d, i) => JSON.stringify(d) !== JSON.stringify(cardShows('RESIDENCE_CARD_OLD_FORMAT')[i])).map((d) => d.item)).toEqual(['PHOTO']);
  });
});
