import { ageBandOf, prefectureOf } from '../../schema/statistics';
import type { FactSource } from '../kit/statistics/cube';

/** What the resident registry counts (stats_count, kept by the triggers of migration 0004). */
export const REGISTRY_FACTS: FactSource = {
  table: 'stats_count',
  columns: ['category', 'municipality', 'sex', 'birth_year'],
  countColumn: 'persons',
  keyColumn: 'key_sum',
  elsewhere: 'statuses, nationalities, resident classes, cards and arrangements are counted by the ISA (foreignResidentStatistics)',
  dimensions: {
    RESIDENT_CATEGORY: { column: 'category' },
    PREFECTURE: { column: 'municipality', map: prefectureOf },
    MUNICIPALITY: { column: 'municipality' },
    SEX: { column: 'sex' },
    AGE_BAND: { column: 'birth_year', map: (year, { referenceYear }) => ageBandOf(Number(year), referenceYear) },
  },
  summaries: [
    ['category', 'sex', 'birth_year'],
    ['category', 'municipality', 'sex'],
  ],
};

export const REGISTRY_POPULATION =
  'Foreign residents with a resident record in force (住民基本台帳): all six categories, including transitional stays and ' +
  'temporary refuge or provisional stay permits; not mid-to-long-term residents without a resident record';
