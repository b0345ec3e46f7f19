import type { ResidenceCardKind, StatusOfResidence } from '../../../schema/codes';
import { newCardFor, type CardProcedure } from './cardIssuance';

type Row = [
  description: string,
  procedure: CardProcedure,
  oldKind: ResidenceCardKind,
  status: StatusOfResidence | null,
  birthDate: string,
  stayExpiresOn: string | null,
  issuedOn: string,
  expected: { kind: ResidenceCardKind; validUntil: string | null },
];

// Expected values written from the statutes, not from the functions: 入管法 19条の5 (validity on the day of the new
// issue), 20条4項, 21条4項, 22条3項, 19条の12/13 (each delivers a new card); new formats from 2026-06-14.
describe('newCardFor', () => {
  test.each<Row>([
    // Item 2: a reissue applies the rules in force on the day of reissue. A permanent resident's child born
    // 2014-06-15, card issued 2022-05-01 (to the 16th birthday, 2030-06-15), reissued 2024-01-10: the day before.
    ['PR child, reissued after 2023-11-01', 'REISSUE', 'RESIDENCE_CARD_OLD_FORMAT', 'PERMANENT_RESIDENT', '2014-06-15', null, '2024-01-10', { kind: 'RESIDENCE_CARD_OLD_FORMAT', validUntil: '2030-06-14' }],
    ['PR child, reissued in the new format', 'REISSUE', 'RESIDENCE_CARD_OLD_FORMAT', 'PERMANENT_RESIDENT', '2014-06-15', null, '2026-11-28', { kind: 'RESIDENCE_CARD_NEW_FORMAT', validUntil: '2030-06-14' }],
    ['PR adult, reissued: 7 years from the reissue', 'REISSUE', 'RESIDENCE_CARD_NEW_FORMAT', 'PERMANENT_RESIDENT', '1980-01-01', null, '2026-11-28', { kind: 'RESIDENCE_CARD_NEW_FORMAT', validUntil: '2033-11-27' }],
    ['specific card reissued stays specific', 'REISSUE', 'SPECIFIC_RESIDENCE_CARD', 'ENGINEER_HUMANITIES_INTERNATIONAL_SERVICES', '1994-05-12', '2029-07-01', '2026-11-28', { kind: 'SPECIFIC_RESIDENCE_CARD', validUntil: '2029-07-01' }],
    ['old format reissued before 2026-06-14 stays old', 'REISSUE', 'RESIDENCE_CARD_OLD_FORMAT', 'STUDENT', '2003-01-20', '2027-07-01', '2026-06-13', { kind: 'RESIDENCE_CARD_OLD_FORMAT', validUntil: '2027-07-01' }],
    ['SPR certificate reissued: 7th birthday after the application', 'REISSUE', 'SPECIAL_PERMANENT_RESIDENT_CERTIFICATE', null, '1950-08-15', null, '2026-11-28', { kind: 'SPECIAL_PERMANENT_RESIDENT_CERTIFICATE', validUntil: '2033-08-15' }],
    // Items 3 and 4: a permission that changes what the card shows issues a new card, valid by the new permission.
    ['extension, old format: a new-format card to the new end', 'EXTENSION_OF_PERIOD_OF_STAY', 'RESIDENCE_CARD_OLD_FORMAT', 'SPECIFIED_SKILLED_WORKER_1', '1999-12-01', '2028-03-15', '2026-11-28', { kind: 'RESIDENCE_CARD_NEW_FORMAT', validUntil: '2028-03-15' }],
    ['extension of a specific card: specific again', 'EXTENSION_OF_PERIOD_OF_STAY', 'SPECIFIC_RESIDENCE_CARD', 'ENGINEER_HUMANITIES_INTERNATIONAL_SERVICES', '1994-05-12', '2031-03-31', '2026-11-28', { kind: 'SPECIFIC_RESIDENCE_CARD', validUntil: '2031-03-31' }],
    ['extension of a child: the day before the 16th birthday', 'EXTENSION_OF_PERIOD_OF_STAY', 'RESIDENCE_CARD_OLD_FORMAT', 'DEPENDENT', '2011-03-10', '2030-05-01', '2026-11-28', { kind: 'RESIDENCE_CARD_NEW_FORMAT', validUntil: '2027-03-09' }],
    ['change of status', 'CHANGE_OF_STATUS', 'RESIDENCE_CARD_OLD_FORMAT', 'ENGINEER_HUMANITIES_INTERNATIONAL_SERVICES', '2003-01-20', '2031-11-28', '2026-11-28', { kind: 'RESIDENCE_CARD_NEW_FORMAT', validUntil: '2031-11-28' }],
    ['permanent residence: 7 years counted from the new issue', 'PERMANENT_RESIDENCE', 'RESIDENCE_CARD_OLD_FORMAT', 'PERMANENT_RESIDENT', '1988-09-03', null, '2026-11-28', { kind: 'RESIDENCE_CARD_NEW_FORMAT', validUntil: '2033-11-27' }],
    ['permanent residence on a specific card', 'PERMANENT_RESIDENCE', 'SPECIFIC_RESIDENCE_CARD', 'PERMANENT_RESIDENT', '1994-05-12', null, '2026-12-01', { kind: 'SPECIFIC_RESIDENCE_CARD', validUntil: '2033-11-30' }],
    ['HSP (ii) by change of status', 'CHANGE_OF_STATUS', 'RESIDENCE_CARD_NEW_FORMAT', 'HIGHLY_SKILLED_PROFESSIONAL_2', '1985-02-14', null, '2027-01-01', { kind: 'RESIDENCE_CARD_NEW_FORMAT', validUntil: '2033-12-31' }],
    ['permanent residence for a child of 10', 'PERMANENT_RESIDENCE', 'RESIDENCE_CARD_NEW_FORMAT', 'PERMANENT_RESIDENT', '2016-07-01', null, '2026-11-28', { kind: 'RESIDENCE_CARD_NEW_FORMAT', validUntil: '2032-06-30' }],
  ])('%s', (_description, procedure, oldKind, statusOfResidence, birthDate, stayExpiresOn, issuedOn, expected) => {
    expect(newCardFor({ procedure, oldKind, statusOfResidence, birthDate, stayExpiresOn, issuedOn })).toMatchObject(expected);
  });
});
