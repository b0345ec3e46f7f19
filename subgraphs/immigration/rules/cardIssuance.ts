/**
 * Which card a procedure at the bureau issues, as one table: every permission that changes what the card shows
 * (extension of the period of stay, change of status, permanent residence) and every reissue delivers a new card
 * under a new number. The new card's kind follows the old one's (a specific card stays specific; a residence card
 * comes back in the new format once that format exists), and its validity is the validity table's, applied on the
 * day of the new issue to the holder as they are after the procedure.
 */
import type { ResidenceCardKind, StatusOfResidence } from '../../../schema/codes';
import { compareDates } from '../../../schema/dates';
import { residenceCardValidUntil } from './cardValidity';

/** The procedures that issue a new card in place of the one in force. */
export type CardProcedure = 'EXTENSION_OF_PERIOD_OF_STAY' | 'CHANGE_OF_STATUS' | 'PERMANENT_RESIDENCE' | 'REISSUE';

/** The first day of the new card formats (the specific card and the new-format residence card). */
export const NEW_FORMAT_START = '2026-06-14';

/** Per procedure, the provision that issues the new card. */
export const CARD_PROCEDURES: Readonly<Record<CardProcedure, { basis: string }>> = {
  EXTENSION_OF_PERIOD_OF_STAY: { basis: '入管法21条4項（20条4項1号の準用）' },
  CHANGE_OF_STATUS: { basis: '入管法20条4項1号' },
  PERMANENT_RESIDENCE: { basis: '入管法22条3項' },
  REISSUE: { basis: '入管法19条の12（紛失等）、19条の13（汚損等）' },
};

/** The kind a new card takes in place of each kind, from NEW_FORMAT_START (before it, every kind stays). */
export const NEXT_CARD_KIND: Readonly<Record<ResidenceCardKind, ResidenceCardKind>> = {
  RESIDENCE_CARD_OLD_FORMAT: 'RESIDENCE_CARD_NEW_FORMAT',
  RESIDENCE_CARD_NEW_FORMAT: 'RESIDENCE_CARD_NEW_FORMAT',
  SPECIFIC_RESIDENCE_CARD: 'SPECIFIC_RESIDENCE_CARD',
  SPECIAL_PERMANENT_RESIDENT_CERTIFICATE: 'SPECIAL_PERMANENT_RESIDENT_CERTIFICATE',
  SPECIFIC_SPECIAL_PERMANENT_RESIDENT_CERTIFICATE: 'SPECIFIC_SPECIAL_PERMANENT_RESIDENT_CERTIFICATE',
};

/** What the new card depends on: the card it replaces and the holder as they are after the procedure. */
export interface NewCardInput {
  procedure: CardProcedure;
  oldKind: ResidenceCardKind;
  statusOfResidence: StatusOfResidence | null;
  birthDate: string;
  stayExpiresOn: string | null;
  issuedOn: string;
}

/** The card a procedure issues: its kind, its last valid day (null when the rules cannot decide) and the basis. */
export interface NewCard {
  kind: ResidenceCardKind;
  validUntil: string | null;
  basis: string;
}

/** The new card a procedure issues in place of the card in force. */
export function newCardFor(input: NewCardInput): NewCard {
  const kind = compareDates(input.issuedOn, NEW_FORMAT_START) < 0 ? input.oldKind : NEXT_CARD_KIND[input.oldKind];
  const validUntil = residenceCardValidUntil({
    kind,
    statusOfResidence: input.statusOfResidence,
    birthDate: input.birthDate,
    issuedOn: input.issuedOn,
    stayExpiresOn: input.stayExpiresOn,
    // A certificate's 7th birthday counts from the application, made on the day of the new issue.
    sprBasisDate: input.issuedOn,
  });
  return { kind, validUntil, basis: CARD_PROCEDURES[input.procedure].basis };
}
