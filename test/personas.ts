import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** A fixed demo person from seeds/personas.json. */
export interface Persona {
  key: number;
  myNumber: string | null;
  residenceCardNumber: string | null;
  scenario: string;
  description?: string;
  expected: { cardArrangement: string; eligibility: string; eligibilityReason: string };
}

export const personas: Persona[] = JSON.parse(readFileSync(join(__dirname, '..', 'seeds', 'personas.json'), 'utf8'));

/** The persona of a scenario (throws when there is none, so a renamed scenario fails loudly). */
export function persona(scenario: string): Persona {
  const found = personas.find((p) => p.scenario === scenario);
  if (!found) throw new Error(`No persona for scenario ${scenario}: ${personas.map((p) => p.scenario).join(', ')}`);
  return found;
}

/** Polls until `check` returns a value (readiness, not a fixed sleep); fails after `timeoutMs`. */
export async function eventually<T>(check: () => Promise<T | undefined | null | false>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value) return value;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) throw new Error(`Condition not met within ${timeoutMs} ms${last ? `: ${String(last)}` : ''}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** A residence card as a persona's expected record shows it (oldest first in `cards`). */
export interface ExpectedCard {
  kind: string;
  status: string;
  issuedOn: string;
  validUntil: string;
  lossReportedOn?: string;
  myNumberFunctionEndedOn?: string;
}

/** What a persona's unified record must show, every value typed by hand from the law (never from the rule functions). */
export interface ExpectedRecord {
  cardArrangement: string;
  stayExpiresOn: string | null;
  cards: ExpectedCard[];
  photo: 'PRINTED' | 'ABSENT';
  myNumberCard: { kind: string; status: string; statusReason: string | null; validUntil: string } | null;
  /** The last day of the special period when it applies on TEST_TODAY; null (the default) otherwise. */
  specialPeriodUntil?: string;
}

/**
 * The personas of issue 18 item 10, with their expected records. Dates: 民法 140条 (the day of a permission is not
 * counted) and 143条 (a period counted from a day ends the day before the corresponding day); card validity 入管法
 * 19条の5 and 入管特例法 9条; photo 資料4 (residence card and SPR certificate from 16, specific card from 1).
 */
export const EXPECTED_RECORDS: Readonly<Record<string, ExpectedRecord>> = {
  reissued_after_loss: {
    cardArrangement: 'SPECIFIC_CARD', // a specific card in force; reissued as one (入管法19条の12), so (a) again
    stayExpiresOn: '2029-07-10', // change of status 2026-07-10 for 3 years, counted from 07-11 (民法140条)
    cards: [
      // the lost card: superseded by the reissue, the day of the loss report kept
      { kind: 'SPECIFIC_RESIDENCE_CARD', status: 'SUPERSEDED', issuedOn: '2026-07-10', validUntil: '2029-07-10', lossReportedOn: '2026-10-01' },
      // reissued 2026-10-15: valid to the end of stay (19条の5第1項第3号), the rule on the day of reissue
      { kind: 'SPECIFIC_RESIDENCE_CARD', status: 'VALID', issuedOn: '2026-10-15', validUntil: '2029-07-10' },
    ],
    photo: 'PRINTED', // specific card, holder 33: photo from 1
    // the function comes back on the new card (partial invalidation ends at reissue), valid as long as the card
    myNumberCard: { kind: 'SPECIFIC_RESIDENCE_CARD', status: 'ACTIVE', statusReason: null, validUntil: '2029-07-10' },
  },
  specific_card_renewed: {
    cardArrangement: 'SPECIFIC_CARD', // a specific card stays specific through a renewal
    stayExpiresOn: '2029-12-20', // extension granted 2026-11-16 for 3 years, counted from the day after the old end 2026-12-20
    cards: [
      { kind: 'SPECIFIC_RESIDENCE_CARD', status: 'SUPERSEDED', issuedOn: '2026-06-20', validUntil: '2026-12-20' }, // the old end of stay
      { kind: 'SPECIFIC_RESIDENCE_CARD', status: 'VALID', issuedOn: '2026-11-16', validUntil: '2029-12-20' }, // the new end (21条4項)
    ],
    photo: 'PRINTED',
    // one renewal: the My Number function runs to the new end with the card
    myNumberCard: { kind: 'SPECIFIC_RESIDENCE_CARD', status: 'ACTIVE', statusReason: null, validUntil: '2029-12-20' },
  },
  returned_my_number_function: {
    cardArrangement: 'SPECIFIC_CARD', // the arrangement table: a specific card in force is (a) even with its function ended
    stayExpiresOn: '2029-07-01', // change of status 2026-07-01, 3 years
    // the residence card is unaffected by the return; the card records the function's end
    cards: [{ kind: 'SPECIFIC_RESIDENCE_CARD', status: 'VALID', issuedOn: '2026-07-01', validUntil: '2029-07-01', myNumberFunctionEndedOn: '2026-10-20' }],
    photo: 'PRINTED',
    myNumberCard: { kind: 'SPECIFIC_RESIDENCE_CARD', status: 'REVOKED', statusReason: 'FUNCTION_RETURNED', validUntil: '2029-07-01' },
  },
  child_specific_card: {
    cardArrangement: 'SPECIFIC_CARD',
    stayExpiresOn: '2027-09-15', // extension for 1 year counted from the day after the old end 2026-09-15
    // under 16 (19条の5第1項第4号): the earlier of the end of stay and the day before the 16th birthday (2037-02-13)
    cards: [{ kind: 'SPECIFIC_RESIDENCE_CARD', status: 'VALID', issuedOn: '2026-08-03', validUntil: '2027-09-15' }],
    photo: 'PRINTED', // specific card: photo from age 1; the holder was 5 at issue
    myNumberCard: { kind: 'SPECIFIC_RESIDENCE_CARD', status: 'ACTIVE', statusReason: null, validUntil: '2027-09-15' },
  },
  permanent_resident_child: {
    cardArrangement: 'RESIDENCE_CARD_ONLY',
    stayExpiresOn: null, // permanent residence: no period of stay
    // issued at 9 from 2023-11-01 (19条の5第1項第2号): the day before the 16th birthday 2030-05-20
    cards: [{ kind: 'RESIDENCE_CARD_OLD_FORMAT', status: 'VALID', issuedOn: '2024-04-01', validUntil: '2030-05-19' }],
    photo: 'ABSENT', // residence card under 16, not valid beyond the 16th birthday
    myNumberCard: null,
  },
  special_permanent_resident_child: {
    cardArrangement: 'RESIDENCE_CARD_ONLY',
    stayExpiresOn: null,
    cards: [
      // issued before 2023-11-01 under 16: the 16th birthday itself (入管特例法9条, old rule)
      { kind: 'SPECIAL_PERMANENT_RESIDENT_CERTIFICATE', status: 'SUPERSEDED', issuedOn: '2017-11-01', validUntil: '2033-09-09' },
      // reissued 2025-03-10 under the rule then in force: the day before the 16th birthday
      { kind: 'SPECIAL_PERMANENT_RESIDENT_CERTIFICATE', status: 'VALID', issuedOn: '2025-03-10', validUntil: '2033-09-08' },
    ],
    photo: 'ABSENT', // certificate under 16
    myNumberCard: null,
  },
  under_16_card_before_2023_11_01: {
    cardArrangement: 'RESIDENCE_CARD_ONLY',
    stayExpiresOn: null,
    // issued 2022-05-10 at 10, before the amendment: the 16th birthday itself, 2028-01-15
    cards: [{ kind: 'RESIDENCE_CARD_OLD_FORMAT', status: 'VALID', issuedOn: '2022-05-10', validUntil: '2028-01-15' }],
    photo: 'ABSENT', // issued under 16, valid only up to (not beyond) the 16th birthday
    myNumberCard: null,
  },
  separate_cards_new_format: {
    cardArrangement: 'SEPARATE_CARDS',
    stayExpiresOn: '2027-08-17', // change of status 2026-08-17, 1 year
    // issued from 2026-06-14: new format; valid to the end of stay
    cards: [{ kind: 'RESIDENCE_CARD_NEW_FORMAT', status: 'VALID', issuedOn: '2026-08-17', validUntil: '2027-08-17' }],
    photo: 'PRINTED', // holder 35
    // issued 2026-09-01: a foreign resident's card runs at most to the end of stay (not to the 10th birthday, 2036-03-03)
    myNumberCard: { kind: 'MY_NUMBER_CARD', status: 'ACTIVE', statusReason: null, validUntil: '2027-08-17' },
  },
  residence_card_only_new_format: {
    cardArrangement: 'RESIDENCE_CARD_ONLY',
    stayExpiresOn: '2027-09-01', // change of status 2026-09-01 (technical intern to specified skilled worker), 1 year
    cards: [
      { kind: 'RESIDENCE_CARD_OLD_FORMAT', status: 'SUPERSEDED', issuedOn: '2024-09-02', validUntil: '2026-09-30' }, // the intern's end of stay
      { kind: 'RESIDENCE_CARD_NEW_FORMAT', status: 'VALID', issuedOn: '2026-09-01', validUntil: '2027-09-01' }, // new format from 2026-06-14
    ],
    photo: 'PRINTED',
    myNumberCard: null,
  },
  expired_my_number_card: {
    cardArrangement: 'RESIDENCE_CARD_ONLY', // an expired My Number card is not held: (b) became (c)
    stayExpiresOn: null,
    // permanent resident, 7 years counted from 2021-03-01: the day before 2028-03-01, a leap year
    cards: [{ kind: 'RESIDENCE_CARD_OLD_FORMAT', status: 'VALID', issuedOn: '2021-03-01', validUntil: '2028-02-29' }],
    photo: 'PRINTED',
    // issued 2016-11-01 at 40: the 10th birthday after issue (番号法施行令; PR not limited by a stay) is 2025-12-10
    myNumberCard: { kind: 'MY_NUMBER_CARD', status: 'EXPIRED', statusReason: 'VALIDITY_ENDED', validUntil: '2025-12-10' },
  },
  special_period: {
    cardArrangement: 'RESIDENCE_CARD_ONLY', // the card is still good in the special period, so (c), not NONE
    stayExpiresOn: '2026-11-20', // landing 2025-11-20 for 1 year, counted from 11-21 (民法140条, 143条)
    // application filed 2026-11-05, before the end (入管法21条4項, 20条6項): two months counted from 2026-11-21
    specialPeriodUntil: '2027-01-20',
    cards: [{ kind: 'RESIDENCE_CARD_OLD_FORMAT', status: 'VALID', issuedOn: '2025-11-20', validUntil: '2026-11-20' }],
    photo: 'PRINTED',
    myNumberCard: null,
  },
};
