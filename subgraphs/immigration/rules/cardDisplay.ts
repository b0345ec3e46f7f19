/**
 * What each card shows and where (資料4 of the seed report, DESIGN.md §3): ○ printed, △ IC chip only,
 * × absent. The special permanent resident certificates follow 入管特例法 8条.
 */
import { CARD_ITEMS, type CardItem, type ItemNote, type ItemPresence, type ResidenceCardKind } from '../../../schema/codes';
import { ageOn, compareDates, nthBirthday } from '../../../schema/dates';

/** The cards the table describes: every residence card kind and the standalone My Number card. */
export type DisplayedCardKind = ResidenceCardKind | 'MY_NUMBER_CARD';

/** One cell of the table. */
export interface DisplayCell {
  presence: ItemPresence;
  note?: ItemNote;
}

/** One item as a card shows it. */
export interface CardItemDisplay extends DisplayCell {
  item: CardItem;
}

const PRINTED: DisplayCell = { presence: 'PRINTED' };
const CHIP_ONLY: DisplayCell = { presence: 'CHIP_ONLY' };
const ABSENT: DisplayCell = { presence: 'ABSENT' };
const ADDRESS_WITH_HISTORY: DisplayCell = { presence: 'PRINTED_FRONT_AND_BACK', note: 'ADDRESS_FRONT_CURRENT_BACK_HISTORY' };

/** 資料4, column 在留カード: the residence card in its current (old) format. */
const RESIDENCE_CARD_OLD_FORMAT: Readonly<Record<CardItem, DisplayCell>> = {
  NAME: PRINTED,
  BIRTH_DATE: PRINTED,
  SEX: PRINTED,
  NATIONALITY_REGION: PRINTED,
  ADDRESS: ADDRESS_WITH_HISTORY,
  STATUS_OF_RESIDENCE: PRINTED,
  PERIOD_OF_STAY: PRINTED,
  PERMISSION_KIND_AND_DATE: PRINTED,
  CARD_NUMBER: PRINTED,
  CARD_ISSUE_DATE: PRINTED,
  CARD_EXPIRY: PRINTED,
  WORK_RESTRICTION: PRINTED,
  ACTIVITY_OUTSIDE_STATUS: { presence: 'PRINTED_BACK' },
  PHOTO: { presence: 'PRINTED', note: 'PHOTO_16_AND_OVER' },
  MY_NUMBER: ABSENT,
  ELECTRONIC_CERTIFICATES: ABSENT,
};

/** 資料4, column 特定在留カード. */
const SPECIFIC_RESIDENCE_CARD: Readonly<Record<CardItem, DisplayCell>> = {
  NAME: PRINTED,
  BIRTH_DATE: PRINTED,
  SEX: PRINTED,
  NATIONALITY_REGION: PRINTED,
  ADDRESS: ADDRESS_WITH_HISTORY,
  STATUS_OF_RESIDENCE: PRINTED,
  PERIOD_OF_STAY: CHIP_ONLY,
  PERMISSION_KIND_AND_DATE: CHIP_ONLY,
  CARD_NUMBER: PRINTED,
  CARD_ISSUE_DATE: CHIP_ONLY,
  CARD_EXPIRY: PRINTED,
  WORK_RESTRICTION: PRINTED,
  ACTIVITY_OUTSIDE_STATUS: { presence: 'PRINTED_FRONT' },
  PHOTO: { presence: 'PRINTED', note: 'PHOTO_1_AND_OVER' },
  MY_NUMBER: { presence: 'PRINTED_BACK' },
  ELECTRONIC_CERTIFICATES: { presence: 'CHIP_ONLY', note: 'IN_MY_NUMBER_PART' },
};

/** The new-format residence card: the specific card without its My Number part. */
const RESIDENCE_CARD_NEW_FORMAT: Readonly<Record<CardItem, DisplayCell>> = {
  ...SPECIFIC_RESIDENCE_CARD,
  MY_NUMBER: ABSENT,
  ELECTRONIC_CERTIFICATES: ABSENT,
};

/** 入管特例法 8条: name, birth date, sex, nationality/region, address, number, issue date, expiry; photo from 16. */
const SPECIAL_PERMANENT_RESIDENT_CERTIFICATE: Readonly<Record<CardItem, DisplayCell>> = {
  NAME: PRINTED,
  BIRTH_DATE: PRINTED,
  SEX: PRINTED,
  NATIONALITY_REGION: PRINTED,
  ADDRESS: ADDRESS_WITH_HISTORY,
  STATUS_OF_RESIDENCE: ABSENT,
  PERIOD_OF_STAY: ABSENT,
  PERMISSION_KIND_AND_DATE: ABSENT,
  CARD_NUMBER: PRINTED,
  CARD_ISSUE_DATE: PRINTED,
  CARD_EXPIRY: PRINTED,
  WORK_RESTRICTION: ABSENT,
  ACTIVITY_OUTSIDE_STATUS: ABSENT,
  PHOTO: { presence: 'PRINTED', note: 'PHOTO_16_AND_OVER' },
  MY_NUMBER: ABSENT,
  ELECTRONIC_CERTIFICATES: ABSENT,
};

/**
 * The specific SPR certificate: the SPR certificate plus the My Number part as on the specific card. The
 * photo follows the specific card too (from age 1): a card that is a My Number card carries the holder's
 * photo from age 1, as 資料4 shows for both cards with a My Number part.
 */
const SPECIFIC_SPECIAL_PERMANENT_RESIDENT_CERTIFICATE: Readonly<Record<CardItem, DisplayCell>> = {
  ...SPECIAL_PERMANENT_RESIDENT_CERTIFICATE,
  PHOTO: SPECIFIC_RESIDENCE_CARD.PHOTO,
  MY_NUMBER: SPECIFIC_RESIDENCE_CARD.MY_NUMBER,
  ELECTRONIC_CERTIFICATES: SPECIFIC_RESIDENCE_CARD.ELECTRONIC_CERTIFICATES,
};

/** 資料4, column マイナンバーカード: the standalone My Number card. */
const MY_NUMBER_CARD: Readonly<Record<CardItem, DisplayCell>> = {
  NAME: PRINTED,
  BIRTH_DATE: PRINTED,
  SEX: PRINTED,
  NATIONALITY_REGION: ABSENT,
  ADDRESS: { presence: 'PRINTED_FRONT', note: 'ADDRESS_FRONT_CURRENT_AND_FORMER' },
  STATUS_OF_RESIDENCE: ABSENT,
  PERIOD_OF_STAY: ABSENT,
  PERMISSION_KIND_AND_DATE: ABSENT,
  CARD_NUMBER: ABSENT,
  CARD_ISSUE_DATE: ABSENT,
  CARD_EXPIRY: PRINTED,
  WORK_RESTRICTION: ABSENT,
  ACTIVITY_OUTSIDE_STATUS: ABSENT,
  PHOTO: { presence: 'PRINTED', note: 'PHOTO_1_AND_OVER' },
  MY_NUMBER: { presence: 'PRINTED_BACK' },
  ELECTRONIC_CERTIFICATES: CHIP_ONLY,
};

/** The table: card kind → item → where it is shown. */
export const CARD_DISPLAY: Readonly<Record<DisplayedCardKind, Readonly<Record<CardItem, DisplayCell>>>> = {
  RESIDENCE_CARD_OLD_FORMAT,
  RESIDENCE_CARD_NEW_FORMAT,
  SPECIFIC_RESIDENCE_CARD,
  SPECIAL_PERMANENT_RESIDENT_CERTIFICATE,
  SPECIFIC_SPECIAL_PERMANENT_RESIDENT_CERTIFICATE,
  MY_NUMBER_CARD,
};

/** What a card's photo depends on: the holder's birth date, and the card's issue date and last valid day. */
export interface PhotoHolder {
  birthDate: string;
  issuedOn: string;
  validUntil: string | null;
}

/**
 * When a card shows the photo, by the note of its kind's PHOTO cell: from an age on the day of issue. For the 16 rule
 * ISA also puts the photo on a card valid beyond the 16th birthday (one renewed at 15 before it); a card valid only up
 * to that birthday has none.
 */
export const PHOTO_RULES: Readonly<Record<'PHOTO_16_AND_OVER' | 'PHOTO_1_AND_OVER', { fromAge: number; whenValidBeyondThatBirthday: boolean }>> = {
  PHOTO_16_AND_OVER: { fromAge: 16, whenValidBeyondThatBirthday: true },
  PHOTO_1_AND_OVER: { fromAge: 1, whenValidBeyondThatBirthday: false },
};

function photoShown(note: ItemNote | undefined, holder: PhotoHolder): boolean {
  if (note !== 'PHOTO_16_AND_OVER' && note !== 'PHOTO_1_AND_OVER') return true;
  const rule = PHOTO_RULES[note];
  if (ageOn(holder.birthDate, holder.issuedOn) >= rule.fromAge) return true;
  return rule.whenValidBeyondThatBirthday && holder.validUntil !== null && compareDates(holder.validUntil, nthBirthday(holder.birthDate, rule.fromAge)) > 0;
}

/**
 * Every item of a card kind with where it is shown, in CARD_ITEMS order. Given the holder, the photo is ABSENT on a
 * card issued below the age its kind shows a photo from (the note still says from which age).
 */
export function cardShows(kind: DisplayedCardKind, holder?: PhotoHolder): CardItemDisplay[] {
  return CARD_ITEMS.map((item) => {
    const cell = CARD_DISPLAY[kind][item];
    if (item === 'PHOTO' && holder && !photoShown(cell.note, holder)) return { item, ...cell, presence: 'ABSENT' };
    return { item, ...cell };
  });
}
