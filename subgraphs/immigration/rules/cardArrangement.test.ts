import type {
  CardArrangement,
  MyNumberCardKind,
  MyNumberCardStatus,
  ResidenceCardKind,
  ResidenceCardStatus,
} from '../../../schema/codes';
import { cardArrangement } from './cardArrangement';

type Card<K, S> = { kind: K; status: S } | null;
const rc = (kind: ResidenceCardKind, status: ResidenceCardStatus): Card<ResidenceCardKind, ResidenceCardStatus> => ({ kind, status });
const mnc = (kind: MyNumberCardKind, status: MyNumberCardStatus): Card<MyNumberCardKind, MyNumberCardStatus> => ({ kind, status });

describe('cardArrangement', () => {
  test.each<[string, CardArrangement, Card<ResidenceCardKind, ResidenceCardStatus>, Card<MyNumberCardKind, MyNumberCardStatus>]>([
    // (a) a specific card in force
    ['specific card, My Number part active', 'SPECIFIC_CARD', rc('SPECIFIC_RESIDENCE_CARD', 'VALID'), mnc('SPECIFIC_RESIDENCE_CARD', 'ACTIVE')],
    ['specific card reported lost: My Number part revoked', 'SPECIFIC_CARD', rc('SPECIFIC_RESIDENCE_CARD', 'VALID'), mnc('SPECIFIC_RESIDENCE_CARD', 'REVOKED')],
    ['specific card, My Number part expired', 'SPECIFIC_CARD', rc('SPECIFIC_RESIDENCE_CARD', 'VALID'), mnc('SPECIFIC_RESIDENCE_CARD', 'EXPIRED')],
    ['specific card, no My Number record', 'SPECIFIC_CARD', rc('SPECIFIC_RESIDENCE_CARD', 'VALID'), null],
    ['specific card, a standalone card not yet ended', 'SPECIFIC_CARD', rc('SPECIFIC_RESIDENCE_CARD', 'VALID'), mnc('MY_NUMBER_CARD', 'ACTIVE')],
    ['specific SPR certificate', 'SPECIFIC_CARD', rc('SPECIFIC_SPECIAL_PERMANENT_RESIDENT_CERTIFICATE', 'VALID'), mnc('SPECIFIC_SPECIAL_PERMANENT_RESIDENT_CERTIFICATE', 'ACTIVE')],
    ['specific SPR certificate, My Number part revoked', 'SPECIFIC_CARD', rc('SPECIFIC_SPECIAL_PERMANENT_RESIDENT_CERTIFICATE', 'VALID'), mnc('SPECIFIC_SPECIAL_PERMANENT_RESIDENT_CERTIFICATE', 'REVOKED')],
    // (b) a residence card or SPR certificate in force and a standalone My Number card held
    ['old-format card and an active My Number card', 'SEPARATE_CARDS', rc('RESIDENCE_CARD_OLD_FORMAT', 'VALID'), mnc('MY_NUMBER_CARD', 'ACTIVE')],
    ['new-format card and an active My Number card', 'SEPARATE_CARDS', rc('RESIDENCE_CARD_NEW_FORMAT', 'VALID'), mnc('MY_NUMBER_CARD', 'ACTIVE')],
    ['SPR certificate and an active My Number card', 'SEPARATE_CARDS', rc('SPECIAL_PERMANENT_RESIDENT_CERTIFICATE', 'VALID'), mnc('MY_NUMBER_CARD', 'ACTIVE')],
    ['residence card and a suspended My Number card', 'SEPARATE_CARDS', rc('RESIDENCE_CARD_OLD_FORMAT', 'VALID'), mnc('MY_NUMBER_CARD', 'SUSPENDED')],
    // (c) a residence card or SPR certificate in force, no standalone My Number card held
    ['residence card only', 'RESIDENCE_CARD_ONLY', rc('RESIDENCE_CARD_OLD_FORMAT', 'VALID'), null],
    ['residence card, My Number card revoked', 'RESIDENCE_CARD_ONLY', rc('RESIDENCE_CARD_OLD_FORMAT', 'VALID'), mnc('MY_NUMBER_CARD', 'REVOKED')],
    ['residence card, My Number card expired', 'RESIDENCE_CARD_ONLY', rc('RESIDENCE_CARD_NEW_FORMAT', 'VALID'), mnc('MY_NUMBER_CARD', 'EXPIRED')],
    ['SPR certificate only', 'RESIDENCE_CARD_ONLY', rc('SPECIAL_PERMANENT_RESIDENT_CERTIFICATE', 'VALID'), null],
    ['residence card and a stray specific-card My Number part', 'RESIDENCE_CARD_ONLY', rc('RESIDENCE_CARD_NEW_FORMAT', 'VALID'), mnc('SPECIFIC_RESIDENCE_CARD', 'ACTIVE')],
    // no card in force
    ['no residence card', 'NONE', null, null],
    ['no residence card, My Number card active', 'NONE', null, mnc('MY_NUMBER_CARD', 'ACTIVE')],
    ['residence card expired', 'NONE', rc('RESIDENCE_CARD_OLD_FORMAT', 'EXPIRED'), mnc('MY_NUMBER_CARD', 'ACTIVE')],
    ['residence card returned', 'NONE', rc('RESIDENCE_CARD_OLD_FORMAT', 'RETURNED'), null],
    ['residence card revoked', 'NONE', rc('RESIDENCE_CARD_NEW_FORMAT', 'REVOKED'), null],
    ['specific card superseded', 'NONE', rc('SPECIFIC_RESIDENCE_CARD', 'SUPERSEDED'), mnc('SPECIFIC_RESIDENCE_CARD', 'REVOKED')],
    ['specific card expired', 'NONE', rc('SPECIFIC_RESIDENCE_CARD', 'EXPIRED'), mnc('SPECIFIC_RESIDENCE_CARD', 'EXPIRED')],
  ])('%s → %s', (_description, expected, residenceCard, myNumberCard) => {
    expect(cardArrangement({ residenceCard, myNumberCard })).toBe(expected);
  });
});
