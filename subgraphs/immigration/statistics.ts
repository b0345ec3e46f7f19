import { ageBandOf, prefectureOf, statusGroupOf } from '../../schema/statistics';
import type { FactSource } from '../kit/statistics/cube';

/**
 * What the ISA counts (stats_count, kept by the triggers of migration 0004): foreign residents by class, status
 * of residence, nationality or region, place of residence, sex, birth year, the kind of card in force and the
 * card arrangement (the last from the events J-LIS sends when a standalone My Number card is issued or ends).
 */
export const IMMIGRATION_FACTS: FactSource = {
  table: 'stats_count',
  columns: ['resident_class', 'status', 'nationality', 'municipality', 'sex', 'birth_year', 'card_kind', 'arrangement'],
  countColumn: 'persons',
  keyColumn: 'key_sum',
  elsewhere: 'resident categories are counted by the resident registry (residentRegistryStatistics)',
  dimensions: {
    STATUS_OF_RESIDENCE: { column: 'status' },
    STATUS_GROUP: { column: 'status', map: (code) => (code === 'NONE' ? code : statusGroupOf(code)) },
    NATIONALITY: { column: 'nationality' },
    PREFECTURE: { column: 'municipality', map: prefectureOf },
    MUNICIPALITY: { column: 'municipality' },
    RESIDENT_CLASS: { column: 'resident_class' },
    SEX: { column: 'sex' },
    AGE_BAND: { column: 'birth_year', map: (year, { referenceYear }) => ageBandOf(Number(year), referenceYear) },
    RESIDENCE_CARD_KIND: { column: 'card_kind' },
    CARD_ARRANGEMENT: { column: 'arrangement' },
  },
  // Place, age and nationality together exceed the table size limit, and so does the status (or its group)
  // with any two of them, so every answerable table fits one of these. The first three leave the status out:
  // the tables that need them are the largest asked for, and without it they hold a few times fewer rows.
  summaries: [
    ['resident_class', 'nationality', 'sex', 'birth_year', 'card_kind', 'arrangement'],
    ['resident_class', 'nationality', 'municipality', 'sex', 'card_kind', 'arrangement'],
    ['resident_class', 'municipality', 'sex', 'birth_year', 'card_kind', 'arrangement'],
    ['resident_class', 'status', 'nationality', 'sex', 'card_kind', 'arrangement'],
    ['resident_class', 'status', 'municipality', 'sex', 'card_kind', 'arrangement'],
    ['resident_class', 'status', 'sex', 'birth_year', 'card_kind', 'arrangement'],
    ['resident_class', 'status', 'sex', 'card_kind', 'arrangement'],
  ],
};

export const IMMIGRATION_POPULATION =
  'Foreign residents (在留外国人): mid-to-long-term and special permanent residents on the ISA\'s records, ' +
  'with or without a resident record, who have not left Japan';
