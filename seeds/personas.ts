/**
 * Fixed demo persons, one per scenario, with keys below FIRST_GENERATED_KEY (101 onwards) so they never
 * collide with generated persons. They are built for PERSONA_AS_OF whatever the seed or asOf of a load,
 * so personas.json (written by `npx tsx seeds/writePersonas.ts`) stays valid.
 */
import type { CardArrangement, Eligibility, EligibilityReason } from '../schema/codes';
import { cardArrangement } from '../subgraphs/immigration/rules/cardArrangement';
import { specificCardEligibility } from '../subgraphs/immigration/rules/eligibility';
import { buildPerson, municipalityOf, type Profile } from './person';
import { mixSeed, Random } from './random';
import type { SyntheticPerson } from './rows';
import { pendingApplication, withCardHistory } from './personaCards';
import { later } from './stay';

/** The day the personas are current on (the suites' TEST_TODAY). */
export const PERSONA_AS_OF = '2026-11-28';
/** Seeds the personas' incidental draws (issue dates, names, addresses); independent of the load's seed. */
const PERSONA_SEED = 20_260_614;
/** The day the lost specific card persona reported the loss (or the card's issue date, if later). */
const LOSS_REPORTED_ON = '2026-11-20';

/** One persona as personas.json lists it. */
export interface PersonaSummary {
  key: number;
  myNumber: string | null;
  residenceCardNumber: string | null;
  scenario: string;
  description: string;
  expected: { cardArrangement: CardArrangement; eligibility: Eligibility; eligibilityReason: EligibilityReason };
}

interface PersonaSpec {
  scenario: string;
  description: string;
  profile: Omit<Profile, 'key' | 'municipality'> & { municipalityCode: string };
  /** A change after the person is built (the lost card's partial invalidation, a card history). */
  then?: (person: SyntheticPerson, asOf: string) => void;
}

const MTL = { residentClass: 'MID_TO_LONG_TERM', hasResidentRecord: true, activityOutsideStatus: null } as const;
const SPR = { residentClass: 'SPECIAL_PERMANENT', hasResidentRecord: true, statusOfResidence: null, activityOutsideStatus: null } as const;
const STATUSLESS = { hasResidentRecord: true, statusOfResidence: null, activityOutsideStatus: null, myNumberCard: 'NONE' } as const;

/** Partial invalidation (部分失効): the card stays VALID with the loss recorded; its My Number part and functions are revoked. */
function reportSpecificCardLost(person: SyntheticPerson): void {
  const card = person.immigration.cards.at(-1);
  const carried = person.mynumber?.cards.at(-1);
  if (!card || !carried || carried.card.carrierCardNumber !== card.number) throw new Error('the lost card persona needs a specific card');
  card.lossReportedOn = later(card.issuedOn, LOSS_REPORTED_ON);
  carried.card.status = 'REVOKED';
  carried.card.statusReason = 'CARD_REPORTED_LOST';
  carried.functions = carried.functions.map((f) => ({ ...f, status: 'REVOKED' }));
}

/** The scenarios, in key order from 101. */
const SPECS: readonly PersonaSpec[] = [
  {
    scenario: 'specific_card',
    description: '(a) An engineer holding a specific residence card: one card that is also the My Number card.',
    profile: { ...MTL, statusOfResidence: 'ENGINEER_HUMANITIES_INTERNATIONAL_SERVICES', nationality: 'VNM', sex: 'MALE', birthDate: '1994-05-12', municipalityCode: '131041', myNumberCard: 'SPECIFIC', periodOfStay: 'P3Y', permissionDate: '2026-07-01' },
  },
  {
    scenario: 'separate_cards',
    description: '(b) A spouse of a Japanese national with a residence card and a separate My Number card.',
    profile: { ...MTL, statusOfResidence: 'SPOUSE_OR_CHILD_OF_JAPANESE_NATIONAL', nationality: 'PHL', sex: 'FEMALE', birthDate: '1988-09-03', municipalityCode: '271004', myNumberCard: 'STANDALONE', periodOfStay: 'P3Y', permissionDate: '2025-02-10' },
  },
  {
    scenario: 'residence_card_only',
    description: '(c) A specified skilled worker with a residence card only (a My Number, but no My Number card).',
    profile: { ...MTL, statusOfResidence: 'SPECIFIED_SKILLED_WORKER_1', nationality: 'IDN', sex: 'MALE', birthDate: '1999-12-01', municipalityCode: '221309', myNumberCard: 'NONE', periodOfStay: 'P1Y', permissionDate: '2026-03-15' },
  },
  {
    scenario: 'specific_special_permanent_resident',
    description: 'A special permanent resident holding the specific special permanent resident certificate.',
    profile: { ...SPR, nationality: 'KOR', sex: 'FEMALE', birthDate: '1968-03-03', municipalityCode: '271004', myNumberCard: 'SPECIFIC' },
  },
  {
    scenario: 'special_permanent_resident',
    description: 'A special permanent resident with the ordinary certificate (applied for at the municipal counter), no My Number card.',
    profile: { ...SPR, nationality: 'PRK', sex: 'MALE', birthDate: '1950-08-15', municipalityCode: '141305', myNumberCard: 'NONE' },
  },
  {
    scenario: 'permanent_resident',
    description: 'A permanent resident: the residence card runs 7 years from issue; a separate My Number card.',
    profile: { ...MTL, statusOfResidence: 'PERMANENT_RESIDENT', nationality: 'CHN', sex: 'FEMALE', birthDate: '1978-11-20', municipalityCode: '131237', myNumberCard: 'STANDALONE', permissionDate: '2014-06-02' },
  },
  {
    scenario: 'highly_skilled_professional_2',
    description: 'A Highly Skilled Professional (ii): indefinite stay, residence card valid 7 years from issue.',
    profile: { ...MTL, statusOfResidence: 'HIGHLY_SKILLED_PROFESSIONAL_2', nationality: 'IND', sex: 'MALE', birthDate: '1985-02-14', municipalityCode: '131032', myNumberCard: 'NONE', permissionDate: '2022-10-03' },
  },
  {
    scenario: 'child_under_16',
    description: 'A dependent child aged 15: the card ends the day before the 16th birthday, before the stay does.',
    profile: { ...MTL, statusOfResidence: 'DEPENDENT', nationality: 'NPL', sex: 'FEMALE', birthDate: '2011-03-10', municipalityCode: '131164', myNumberCard: 'NONE', periodOfStay: 'P3Y', permissionDate: '2026-05-01' },
  },
  {
    scenario: 'technical_intern',
    description: 'A technical intern (ii): work only with the designated organization.',
    profile: { ...MTL, statusOfResidence: 'TECHNICAL_INTERN_TRAINING_2', nationality: 'VNM', sex: 'MALE', birthDate: '2002-07-07', municipalityCode: '105252', myNumberCard: 'NONE', periodOfStay: 'P2Y', permissionDate: '2025-10-01' },
  },
  {
    scenario: 'student_activity_outside_status',
    description: 'A student with comprehensive permission for activity outside status (part-time work up to 28 hours a week).',
    profile: { ...MTL, statusOfResidence: 'STUDENT', nationality: 'NPL', sex: 'MALE', birthDate: '2003-01-20', municipalityCode: '131041', myNumberCard: 'STANDALONE', activityOutsideStatus: 'COMPREHENSIVE', periodOfStay: 'P1Y3M', permissionDate: '2026-04-01' },
  },
  {
    scenario: 'temporary_refuge',
    description: 'A temporary refuge permit holder: in the resident registry with a My Number, but no residence card and not eligible.',
    profile: { ...STATUSLESS, residentClass: 'TEMPORARY_REFUGE', nationality: 'MMR', sex: 'MALE', birthDate: '1990-06-01', municipalityCode: '141003' },
  },
  {
    scenario: 'provisional_stay',
    description: 'A provisional stay permit holder: in the resident registry, no residence card, not eligible.',
    profile: { ...STATUSLESS, residentClass: 'PROVISIONAL_STAY', nationality: 'TUR', sex: 'MALE', birthDate: '1985-10-29', municipalityCode: '112038' },
  },
  {
    scenario: 'transitional_after_birth',
    description: 'A baby born in Japan this month, staying without status for up to 60 days: no card, not eligible.',
    profile: { ...STATUSLESS, residentClass: 'TRANSITIONAL_AFTER_BIRTH', nationality: 'BRA', sex: 'FEMALE', birthDate: '2026-11-01', municipalityCode: '221309' },
  },
  {
    scenario: 'transitional_after_loss_of_nationality',
    description: 'A former Japanese national within 60 days of losing Japanese nationality: no card, not eligible.',
    profile: { ...STATUSLESS, residentClass: 'TRANSITIONAL_AFTER_LOSS_OF_NATIONALITY', nationality: 'USA', sex: 'FEMALE', birthDate: '1996-04-04', municipalityCode: '131130' },
  },
  {
    scenario: 'no_resident_record',
    description: 'A mid-to-long-term resident with no resident record: no My Number, reached by card number; eligibility undetermined.',
    profile: { ...MTL, hasResidentRecord: false, statusOfResidence: 'ENGINEER_HUMANITIES_INTERNATIONAL_SERVICES', nationality: 'CHN', sex: 'MALE', birthDate: '1997-08-08', municipalityCode: '131041', myNumberCard: 'NONE', periodOfStay: 'P1Y', permissionDate: '2026-11-02' },
  },
  {
    scenario: 'lost_specific_card',
    description: 'A lost specific card, partially invalidated: still VALID as a residence card with the loss recorded; My Number part revoked.',
    profile: { ...MTL, statusOfResidence: 'ENGINEER_HUMANITIES_INTERNATIONAL_SERVICES', nationality: 'VNM', sex: 'FEMALE', birthDate: '1992-10-10', municipalityCode: '231002', myNumberCard: 'SPECIFIC', periodOfStay: 'P3Y', permissionDate: '2026-07-20' },
    then: reportSpecificCardLost,
  },
  // Personas of issue 18 item 10: each card history is given as the days of its procedures; the validity of every
  // card comes from the rules, and seeds/personas.test.ts and test/e2e/personas.test.ts check it against dates
  // written by hand from the law.
  {
    scenario: 'reissued_after_loss',
    description: '(a) A specific card lost and reissued: the new card is specific again and carries the My Number function again.',
    profile: { ...MTL, statusOfResidence: 'ENGINEER_HUMANITIES_INTERNATIONAL_SERVICES', nationality: 'VNM', sex: 'FEMALE', birthDate: '1993-02-02', municipalityCode: '131041', myNumberCard: 'NONE', periodOfStay: 'P3Y', permissionDate: '2026-07-10', permissionKind: 'CHANGE_OF_STATUS' },
    then: withCardHistory(
      [
        { on: '2026-07-10', kind: 'SPECIFIC_RESIDENCE_CARD', lostOn: '2026-10-01' },
        { on: '2026-10-15', kind: 'SPECIFIC_RESIDENCE_CARD' },
      ],
      { kind: 'SPECIFIC_PARTS' },
    ),
  },
  {
    scenario: 'specific_card_renewed',
    description: '(a) A specific card renewed in one procedure: the extension counts from the day after the old end; card and My Number function run to the new end.',
    profile: { ...MTL, statusOfResidence: 'ENGINEER_HUMANITIES_INTERNATIONAL_SERVICES', nationality: 'IND', sex: 'MALE', birthDate: '1990-04-18', municipalityCode: '131032', myNumberCard: 'NONE', periodOfStay: 'P3Y', permissionDate: '2026-11-16', permissionKind: 'EXTENSION_OF_PERIOD_OF_STAY', previousStayExpiresOn: '2026-12-20' },
    then: withCardHistory(
      [
        { on: '2026-06-20', kind: 'SPECIFIC_RESIDENCE_CARD', stayExpiresOn: '2026-12-20' },
        { on: '2026-11-16', kind: 'SPECIFIC_RESIDENCE_CARD' },
      ],
      { kind: 'SPECIFIC_PARTS' },
    ),
  },
  {
    scenario: 'returned_my_number_function',
    description: '(a) A specific card whose holder returned the My Number function: still a valid residence card, the function ended.',
    profile: { ...MTL, statusOfResidence: 'LONG_TERM_RESIDENT', nationality: 'CHN', sex: 'FEMALE', birthDate: '1987-01-25', municipalityCode: '271004', myNumberCard: 'NONE', periodOfStay: 'P3Y', permissionDate: '2026-07-01', permissionKind: 'CHANGE_OF_STATUS' },
    then: withCardHistory([{ on: '2026-07-01', kind: 'SPECIFIC_RESIDENCE_CARD' }], { kind: 'SPECIFIC_PARTS', functionReturnedOn: '2026-10-20' }),
  },
  {
    scenario: 'child_specific_card',
    description: '(a) A child of 5 with a specific card: valid to the end of stay (before the 16th birthday), photo shown from age 1.',
    profile: { ...MTL, statusOfResidence: 'DEPENDENT', nationality: 'NPL', sex: 'MALE', birthDate: '2021-02-14', municipalityCode: '131164', myNumberCard: 'NONE', periodOfStay: 'P1Y', permissionDate: '2026-08-03', permissionKind: 'EXTENSION_OF_PERIOD_OF_STAY', previousStayExpiresOn: '2026-09-15' },
    then: withCardHistory([{ on: '2026-08-03', kind: 'SPECIFIC_RESIDENCE_CARD' }], { kind: 'SPECIFIC_PARTS' }),
  },
  {
    scenario: 'permanent_resident_child',
    description: "(c) A permanent resident's child of 12: the card ends the day before the 16th birthday; no photo under 16.",
    profile: { ...MTL, statusOfResidence: 'PERMANENT_RESIDENT', nationality: 'CHN', sex: 'FEMALE', birthDate: '2014-05-20', municipalityCode: '131237', myNumberCard: 'NONE', permissionDate: '2014-07-01' },
    then: withCardHistory([{ on: '2024-04-01', kind: 'RESIDENCE_CARD_OLD_FORMAT' }], { kind: 'GENERATED' }),
  },
  {
    scenario: 'special_permanent_resident_child',
    description: '(c) A special permanent resident child of 9: the certificate reissued in 2025 ends the day before the 16th birthday.',
    profile: { ...SPR, nationality: 'KOR', sex: 'MALE', birthDate: '2017-09-09', municipalityCode: '271004', myNumberCard: 'NONE' },
    then: withCardHistory(
      [
        { on: '2017-11-01', kind: 'SPECIAL_PERMANENT_RESIDENT_CERTIFICATE' },
        { on: '2025-03-10', kind: 'SPECIAL_PERMANENT_RESIDENT_CERTIFICATE' },
      ],
      { kind: 'GENERATED' },
    ),
  },
  {
    scenario: 'under_16_card_before_2023_11_01',
    description: '(c) A card issued at 10, before 2023-11-01: it keeps the old rule and ends on the 16th birthday itself.',
    profile: { ...MTL, statusOfResidence: 'PERMANENT_RESIDENT', nationality: 'PHL', sex: 'MALE', birthDate: '2012-01-15', municipalityCode: '221309', myNumberCard: 'NONE', permissionDate: '2012-03-01' },
    then: withCardHistory([{ on: '2022-05-10', kind: 'RESIDENCE_CARD_OLD_FORMAT' }], { kind: 'GENERATED' }),
  },
  {
    scenario: 'separate_cards_new_format',
    description: '(b) A new-format residence card (issued from 2026-06-14) and a separate My Number card.',
    profile: { ...MTL, statusOfResidence: 'ENGINEER_HUMANITIES_INTERNATIONAL_SERVICES', nationality: 'BRA', sex: 'MALE', birthDate: '1991-03-03', municipalityCode: '221309', myNumberCard: 'NONE', periodOfStay: 'P1Y', permissionDate: '2026-08-17', permissionKind: 'CHANGE_OF_STATUS' },
    then: withCardHistory([{ on: '2026-08-17', kind: 'RESIDENCE_CARD_NEW_FORMAT' }], { kind: 'STANDALONE', issuedOn: '2026-09-01' }),
  },
  {
    scenario: 'residence_card_only_new_format',
    description: '(c) A new-format residence card after a change of status from technical intern; the old-format card superseded.',
    profile: { ...MTL, statusOfResidence: 'SPECIFIED_SKILLED_WORKER_1', nationality: 'MMR', sex: 'FEMALE', birthDate: '2000-10-10', municipalityCode: '105252', myNumberCard: 'NONE', periodOfStay: 'P1Y', permissionDate: '2026-09-01', permissionKind: 'CHANGE_OF_STATUS' },
    then: withCardHistory(
      [
        { on: '2024-09-02', kind: 'RESIDENCE_CARD_OLD_FORMAT', statusOfResidence: 'TECHNICAL_INTERN_TRAINING_2', stayExpiresOn: '2026-09-30' },
        { on: '2026-09-01', kind: 'RESIDENCE_CARD_NEW_FORMAT' },
      ],
      { kind: 'GENERATED' },
    ),
  },
  {
    scenario: 'expired_my_number_card',
    description: '(c) A permanent resident whose standalone My Number card passed its 10th birthday after issue and expired.',
    profile: { ...MTL, statusOfResidence: 'PERMANENT_RESIDENT', nationality: 'KOR', sex: 'FEMALE', birthDate: '1975-12-10', municipalityCode: '141305', myNumberCard: 'NONE', permissionDate: '2010-04-01' },
    then: withCardHistory([{ on: '2021-03-01', kind: 'RESIDENCE_CARD_OLD_FORMAT' }], { kind: 'STANDALONE', issuedOn: '2016-11-01' }),
  },
  {
    scenario: 'special_period',
    description: '(c) A student whose stay ended 2026-11-20 after applying for an extension on 2026-11-05: the card stays good in the special period.',
    profile: { ...MTL, statusOfResidence: 'STUDENT', nationality: 'LKA', sex: 'FEMALE', birthDate: '2001-06-30', municipalityCode: '141003', myNumberCard: 'NONE', periodOfStay: 'P1Y', permissionDate: '2025-11-20', permissionKind: 'LANDING_PERMISSION' },
    then: (person, asOf) => {
      withCardHistory([{ on: '2025-11-20', kind: 'RESIDENCE_CARD_OLD_FORMAT' }], { kind: 'GENERATED' })(person, asOf);
      pendingApplication('EXTENSION_OF_PERIOD_OF_STAY', '2026-11-05')(person);
    },
  },
];

/** The first persona key; keys follow the order of the scenarios. */
export const FIRST_PERSONA_KEY = 101;

/** Every persona as a full SyntheticPerson, in key order. */
export function personas(): SyntheticPerson[] {
  return SPECS.map((spec, i) => {
    const key = FIRST_PERSONA_KEY + i;
    const { municipalityCode, ...profile } = spec.profile;
    const person = buildPerson(new Random(mixSeed(PERSONA_SEED, key)), { ...profile, key, municipality: municipalityOf(municipalityCode) }, PERSONA_AS_OF);
    spec.then?.(person, PERSONA_AS_OF);
    return person;
  });
}

/** What personas.json lists for each persona; expected values come from the rules, not from the scenario. */
export function personaSummaries(): PersonaSummary[] {
  return personas().map((person, i) => {
    const spec = SPECS[i] as PersonaSpec;
    const { resident, cards } = person.immigration;
    const inForce = cards.at(-1) ?? null;
    const eligibility = specificCardEligibility({ residentClass: resident.residentClass, hasResidentRecord: person.registry !== null });
    return {
      key: person.key,
      myNumber: resident.myNumber,
      residenceCardNumber: inForce?.number ?? null,
      scenario: spec.scenario,
      description: spec.description,
      expected: {
        cardArrangement: cardArrangement({ residenceCard: inForce, myNumberCard: person.mynumber?.cards.at(-1)?.card ?? null }),
        eligibility: eligibility.eligibility,
        eligibilityReason: eligibility.reason,
      },
    };
  });
}
