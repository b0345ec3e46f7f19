import { readFileSync } from 'node:fs';
import { FIRST_GENERATED_KEY } from './generate';
import { violations } from './invariants';
import { PERSONA_AS_OF, personas, personaSummaries } from './personas';
import { PERSONAS_JSON, personasJson } from './writePersonas';
import { EXPECTED_RECORDS } from '../test/personas';

const built = personas();
const byScenario = new Map(personaSummaries().map((p) => [p.scenario, p]));
const personOf = (scenario: string) => built.find((p) => p.key === byScenario.get(scenario)?.key);

describe('personas', () => {
  it('personas.json is exactly what personas.ts produces (regenerate: npx tsx seeds/writePersonas.ts)', () => {
    expect(readFileSync(PERSONAS_JSON, 'utf8')).toBe(personasJson());
  });

  it('are at least 14, one per scenario, with keys below the generated range', () => {
    expect(built.length).toBeGreaterThanOrEqual(14);
    expect(byScenario.size).toBe(built.length);
    expect(built.every((p) => p.key < FIRST_GENERATED_KEY)).toBe(true);
  });

  it('satisfy every domain rule', () => {
    expect(built.flatMap((p) => violations(p, PERSONA_AS_OF))).toEqual([]);
  });

  it.each([
    ['specific_card', 'SPECIFIC_CARD', 'ELIGIBLE', 'MID_TO_LONG_TERM_RESIDENT'],
    ['separate_cards', 'SEPARATE_CARDS', 'ELIGIBLE', 'MID_TO_LONG_TERM_RESIDENT'],
    ['residence_card_only', 'RESIDENCE_CARD_ONLY', 'ELIGIBLE', 'MID_TO_LONG_TERM_RESIDENT'],
    ['specific_special_permanent_resident', 'SPECIFIC_CARD', 'ELIGIBLE', 'SPECIAL_PERMANENT_RESIDENT'],
    ['special_permanent_resident', 'RESIDENCE_CARD_ONLY', 'ELIGIBLE', 'SPECIAL_PERMANENT_RESIDENT'],
    ['permanent_resident', 'SEPARATE_CARDS', 'ELIGIBLE', 'MID_TO_LONG_TERM_RESIDENT'],
    ['highly_skilled_professional_2', 'RESIDENCE_CARD_ONLY', 'ELIGIBLE', 'MID_TO_LONG_TERM_RESIDENT'],
    ['child_under_16', 'RESIDENCE_CARD_ONLY', 'ELIGIBLE', 'MID_TO_LONG_TERM_RESIDENT'],
    ['technical_intern', 'RESIDENCE_CARD_ONLY', 'ELIGIBLE', 'MID_TO_LONG_TERM_RESIDENT'],
    ['student_activity_outside_status', 'SEPARATE_CARDS', 'ELIGIBLE', 'MID_TO_LONG_TERM_RESIDENT'],
    ['temporary_refuge', 'NONE', 'NOT_ELIGIBLE', 'TEMPORARY_REFUGE_PERMIT'],
    ['provisional_stay', 'NONE', 'NOT_ELIGIBLE', 'PROVISIONAL_STAY_PERMIT'],
    ['transitional_after_birth', 'NONE', 'NOT_ELIGIBLE', 'TRANSITIONAL_STAY'],
    ['transitional_after_loss_of_nationality', 'NONE', 'NOT_ELIGIBLE', 'TRANSITIONAL_STAY'],
    ['no_resident_record', 'RESIDENCE_CARD_ONLY', 'UNDETERMINED', 'NO_RESIDENT_RECORD_LAW_SILENT'],
    ['lost_specific_card', 'SPECIFIC_CARD', 'ELIGIBLE', 'MID_TO_LONG_TERM_RESIDENT'],
    ['reissued_after_loss', 'SPECIFIC_CARD', 'ELIGIBLE', 'MID_TO_LONG_TERM_RESIDENT'],
    ['specific_card_renewed', 'SPECIFIC_CARD', 'ELIGIBLE', 'MID_TO_LONG_TERM_RESIDENT'],
    ['returned_my_number_function', 'SPECIFIC_CARD', 'ELIGIBLE', 'MID_TO_LONG_TERM_RESIDENT'],
    ['child_specific_card', 'SPECIFIC_CARD', 'ELIGIBLE', 'MID_TO_LONG_TERM_RESIDENT'],
    ['permanent_resident_child', 'RESIDENCE_CARD_ONLY', 'ELIGIBLE', 'MID_TO_LONG_TERM_RESIDENT'],
    ['special_permanent_resident_child', 'RESIDENCE_CARD_ONLY', 'ELIGIBLE', 'SPECIAL_PERMANENT_RESIDENT'],
    ['under_16_card_before_2023_11_01', 'RESIDENCE_CARD_ONLY', 'ELIGIBLE', 'MID_TO_LONG_TERM_RESIDENT'],
    ['separate_cards_new_format', 'SEPARATE_CARDS', 'ELIGIBLE', 'MID_TO_LONG_TERM_RESIDENT'],
    ['residence_card_only_new_format', 'RESIDENCE_CARD_ONLY', 'ELIGIBLE', 'MID_TO_LONG_TERM_RESIDENT'],
    ['expired_my_number_card', 'RESIDENCE_CARD_ONLY', 'ELIGIBLE', 'MID_TO_LONG_TERM_RESIDENT'],
    ['special_period', 'RESIDENCE_CARD_ONLY', 'ELIGIBLE', 'MID_TO_LONG_TERM_RESIDENT'],
  ])('%s: %s, %s (%s)', (scenario, cardArrangement, eligibility, eligibilityReason) => {
    expect(byScenario.get(scenario)?.expected).toEqual({ cardArrangement, eligibility, eligibilityReason });
  });

  it('show what each scenario is about', () => {
    const resident = (scenario: string) => personOf(scenario)?.immigration.resident;
    const cardInForce = (scenario: string) => personOf(scenario)?.immigration.cards.at(-1);
    expect(cardInForce('specific_card')?.kind).toBe('SPECIFIC_RESIDENCE_CARD');
    expect(cardInForce('specific_special_permanent_resident')?.kind).toBe('SPECIFIC_SPECIAL_PERMANENT_RESIDENT_CERTIFICATE');
    expect(cardInForce('special_permanent_resident')?.kind).toBe('SPECIAL_PERMANENT_RESIDENT_CERTIFICATE');
    // 「交付の日から起算して七年を経過する日」: the day before the 7th anniversary of issue (入管法 19条の5第1項第1号).
    expect(cardInForce('permanent_resident')).toMatchObject({ issuedOn: '2021-08-20', validUntil: '2028-08-19' });
    expect(cardInForce('highly_skilled_professional_2')).toMatchObject({ issuedOn: '2024-03-17', validUntil: '2031-03-16' });
    expect(resident('highly_skilled_professional_2')?.stayExpiresOn).toBeNull();
    expect(cardInForce('child_under_16')?.validUntil).toBe('2027-03-09'); // the day before the 16th birthday
    expect(resident('child_under_16')?.stayExpiresOn).toBe('2029-05-01');
    expect(resident('technical_intern')?.workRestriction).toBe('DESIGNATED_ORGANIZATION_ONLY');
    expect(resident('student_activity_outside_status')?.activityOutsideStatus).toBe('COMPREHENSIVE');
    for (const scenario of ['temporary_refuge', 'provisional_stay', 'transitional_after_birth', 'transitional_after_loss_of_nationality']) {
      const p = personOf(scenario);
      expect([scenario, p?.immigration.cards.length, p?.registry !== null, p?.mynumber?.cards.length]).toEqual([scenario, 0, true, 0]);
    }
    const noRecord = personOf('no_resident_record');
    expect([noRecord?.immigration.resident.myNumber, noRecord?.registry, noRecord?.mynumber]).toEqual([null, null, null]);
    expect(byScenario.get('no_resident_record')?.myNumber).toBeNull();
  });

  it('the lost specific card is partially invalidated: card VALID with the loss recorded, My Number part revoked', () => {
    const lost = personOf('lost_specific_card');
    const card = lost?.immigration.cards.at(-1);
    const carried = lost?.mynumber?.cards.at(-1);
    expect(card).toMatchObject({ kind: 'SPECIFIC_RESIDENCE_CARD', status: 'VALID', lossReportedOn: expect.stringMatching(/^2026-11-\d\d$/) });
    expect(carried?.card).toMatchObject({ status: 'REVOKED', statusReason: 'CARD_REPORTED_LOST', carrierCardNumber: card?.number });
    expect(carried?.functions.map((f) => f.status)).toEqual(['REVOKED', 'REVOKED', 'REVOKED']);
    // The stay can still be renewed to 2031-03-31 (the lifecycle suite does so).
    expect((lost?.immigration.resident.stayExpiresOn ?? '') < '2031-03-31').toBe(true);
  });

  // The seeded rows against records typed by hand from the law (test/personas.ts); the rules built the rows.
  it.each(Object.entries(EXPECTED_RECORDS))('%s: the rows are the hand-written record', (scenario, expected) => {
    const p = personOf(scenario);
    expect(p?.immigration.resident.stayExpiresOn).toBe(expected.stayExpiresOn);
    expect(p?.immigration.cards.map((c) => ({ kind: c.kind, status: c.status, issuedOn: c.issuedOn, validUntil: c.validUntil, lossReportedOn: c.lossReportedOn, myNumberFunctionEndedOn: c.myNumberFunctionEndedOn }))).toEqual(
      expected.cards.map((c) => ({ lossReportedOn: null, myNumberFunctionEndedOn: null, ...c })),
    );
    const card = p?.mynumber?.cards.at(-1)?.card ?? null;
    expect(card && { kind: card.kind, status: card.status, statusReason: card.statusReason, validUntil: card.validUntil }).toEqual(expected.myNumberCard);
  });

  it('a former Japanese national keeps the My Number assigned to the Japanese record (2015-10-05), before this record began', () => {
    const p = personOf('transitional_after_loss_of_nationality');
    expect(p?.mynumber?.myNumber.assignedOn).toBe('2015-10-05');
    expect((p?.registry?.resident.registeredOn ?? '') > '2026-09-29').toBe(true); // the loss: within 60 days of 2026-11-28
  });

  it('special permanent resident certificates were renewed before they expired: no gap between certificates', () => {
    for (const scenario of ['specific_special_permanent_resident', 'special_permanent_resident', 'special_permanent_resident_child']) {
      const cards = personOf(scenario)?.immigration.cards ?? [];
      const gaps = cards.slice(1).filter((c, i) => c.issuedOn > (cards[i]?.validUntil ?? ''));
      expect([scenario, gaps]).toEqual([scenario, []]);
    }
  });
});
