/**
 * The statistics contract: dimensions an analyst may group by, the codes of each, their hierarchy (which
 * coarser dimension a finer one sums up to) and their labels. The counts themselves live with the authority
 * that holds the facts (subgraphs/kit/statistics).
 */
import {
  CARD_ARRANGEMENTS,
  NATIONALITY_CODES,
  RESIDENCE_CARD_KINDS,
  RESIDENT_CATEGORIES,
  RESIDENT_CLASSES,
  SEXES,
  STATUS_GROUP_OF,
  STATUSES_OF_RESIDENCE,
  STATUS_GROUPS,
  type CodeType,
  type Language,
} from './codes';
import { label as codeLabel, type CodeOf } from './i18n';
import { MUNICIPALITIES, PREFECTURES } from './municipalities';

export const STATISTICS_DIMENSIONS = [
  'STATUS_OF_RESIDENCE',
  'STATUS_GROUP',
  'NATIONALITY',
  'PREFECTURE',
  'MUNICIPALITY',
  'RESIDENT_CLASS',
  'RESIDENT_CATEGORY',
  'SEX',
  'AGE_BAND',
  'RESIDENCE_CARD_KIND',
  'CARD_ARRANGEMENT',
] as const;
export type StatisticsDimension = (typeof STATISTICS_DIMENSIONS)[number];

/** No figure below this is published, nor derivable from published figures (primary and secondary suppression). */
export const DISCLOSURE_THRESHOLD = 10;

/** A code for "no value": no status of residence (special permanent residents, ...), no card, no registered address. */
export const NONE = 'NONE';

/** Five-year age bands (age on 31 December of the reference year, as ISA's year-end statistics count it). */
export const AGE_BAND_WIDTH = 5;
export const AGE_BAND_TOP = 100;
export const AGE_BANDS: readonly string[] = [
  ...Array.from({ length: AGE_BAND_TOP / AGE_BAND_WIDTH }, (_, i) => `AGE_${i * AGE_BAND_WIDTH}_${i * AGE_BAND_WIDTH + AGE_BAND_WIDTH - 1}`),
  `AGE_${AGE_BAND_TOP}_AND_OVER`,
];

/** The age band of someone born in `birthYear`, on 31 December of `referenceYear`. */
export function ageBandOf(birthYear: number, referenceYear: number): string {
  const age = Math.max(0, referenceYear - birthYear);
  const band = Math.min(Math.floor(age / AGE_BAND_WIDTH), AGE_BANDS.length - 1);
  return AGE_BANDS[band] as string;
}

/** The statistics group of a status: its group where ISA merges statuses, else the status itself. */
export function statusGroupOf(status: string): string {
  return (STATUS_GROUP_OF as Record<string, string | null>)[status] ?? status;
}

const municipalityPrefecture = new Map(MUNICIPALITIES.map((m) => [m.code, m.prefectureCode]));
/** The prefecture (JIS X 0401) of a local-government code; the first two digits are the prefecture. */
export function prefectureOf(municipality: string): string {
  return municipality === NONE ? NONE : (municipalityPrefecture.get(municipality) ?? municipality.slice(0, 2));
}

/** Every code a dimension can take (for validating filters). */
export const DIMENSION_CODES: Readonly<Record<StatisticsDimension, readonly string[]>> = {
  STATUS_OF_RESIDENCE: [...STATUSES_OF_RESIDENCE, NONE],
  STATUS_GROUP: [...STATUS_GROUPS, ...STATUSES_OF_RESIDENCE.filter((s) => STATUS_GROUP_OF[s] === null), NONE],
  NATIONALITY: NATIONALITY_CODES,
  PREFECTURE: [...PREFECTURES.map((p) => p.code), NONE],
  MUNICIPALITY: [...MUNICIPALITIES.map((m) => m.code), NONE],
  RESIDENT_CLASS: RESIDENT_CLASSES,
  RESIDENT_CATEGORY: RESIDENT_CATEGORIES,
  SEX: SEXES,
  AGE_BAND: AGE_BANDS,
  RESIDENCE_CARD_KIND: [...RESIDENCE_CARD_KINDS, NONE],
  CARD_ARRANGEMENT: CARD_ARRANGEMENTS,
};

/**
 * Which coarser dimension each finer one adds up to, and how a code maps up: the cells of a finer dimension
 * that share a parent form a line whose sum is the parent's published cell, so disclosure control checks it.
 */
export const DIMENSION_PARENT: Readonly<Partial<Record<StatisticsDimension, { parent: StatisticsDimension; of: (code: string) => string }>>> = {
  STATUS_OF_RESIDENCE: { parent: 'STATUS_GROUP', of: (code) => (code === NONE ? NONE : statusGroupOf(code)) },
  MUNICIPALITY: { parent: 'PREFECTURE', of: prefectureOf },
};

const NONE_LABELS: Readonly<Record<Language, string>> = {
  ja: '該当なし',
  'ja-x-easy': 'ありません',
  en: 'None',
  'zh-Hans': '无',
  'zh-Hant': '無',
  ko: '해당 없음',
  vi: 'Không có',
  tl: 'Wala',
  ne: 'छैन',
  pt: 'Nenhum',
  id: 'Tidak ada',
  my: 'မရှိ',
};

/** "{a}" and "{b}" are the band's first and last age; "{a}+" forms use only {a}. */
const AGE_LABELS: Readonly<Record<Language, { band: string; top: string }>> = {
  ja: { band: '{a}～{b}歳', top: '{a}歳以上' },
  'ja-x-easy': { band: '{a}さい～{b}さい', top: '{a}さい いじょう' },
  en: { band: '{a}–{b} years', top: '{a} years and over' },
  'zh-Hans': { band: '{a}–{b}岁', top: '{a}岁及以上' },
  'zh-Hant': { band: '{a}–{b}歲', top: '{a}歲及以上' },
  ko: { band: '{a}~{b}세', top: '{a}세 이상' },
  vi: { band: '{a}–{b} tuổi', top: 'Từ {a} tuổi trở lên' },
  tl: { band: '{a}–{b} taong gulang', top: '{a} taong gulang pataas' },
  ne: { band: '{a}–{b} वर्ष', top: '{a} वर्ष वा माथि' },
  pt: { band: '{a}–{b} anos', top: '{a} anos ou mais' },
  id: { band: '{a}–{b} tahun', top: '{a} tahun ke atas' },
  my: { band: '{a}–{b} နှစ်', top: '{a} နှစ်နှင့်အထက်' },
};

const CODE_TYPE_OF: Partial<Record<StatisticsDimension, CodeType>> = {
  STATUS_OF_RESIDENCE: 'StatusOfResidence',
  NATIONALITY: 'Nationality',
  RESIDENT_CLASS: 'ResidentClass',
  RESIDENT_CATEGORY: 'ResidentCategory',
  SEX: 'Sex',
  RESIDENCE_CARD_KIND: 'ResidenceCardKind',
  CARD_ARRANGEMENT: 'CardArrangement',
};

const prefectures = new Map(PREFECTURES.map((p) => [p.code, p]));
const municipalities = new Map(MUNICIPALITIES.map((m) => [m.code, m]));
/** Languages that read place names in kanji. */
const KANJI_PLACE_NAMES: readonly Language[] = ['ja', 'ja-x-easy', 'zh-Hans', 'zh-Hant'];

/** The label of a code of a dimension in a language (codes outside the lists come back as themselves). */
export function dimensionLabel(dimension: StatisticsDimension, code: string, lang: Language): string {
  if (code === NONE) return NONE_LABELS[lang];
  const kanji = KANJI_PLACE_NAMES.includes(lang);
  switch (dimension) {
    case 'PREFECTURE': {
      const p = prefectures.get(code);
      return p ? (kanji ? p.ja : p.en) : code;
    }
    case 'MUNICIPALITY': {
      const m = municipalities.get(code);
      return m ? (kanji ? `${m.prefecture}${m.name}` : `${m.nameEn}, ${prefectures.get(m.prefectureCode)?.en ?? ''}`) : code;
    }
    case 'AGE_BAND': {
      const match = /^AGE_(\d+)_(\d+|AND_OVER)$/.exec(code);
      if (!match) return code;
      const texts = AGE_LABELS[lang];
      return match[2] === 'AND_OVER' ? texts.top.replace('{a}', match[1] as string) : texts.band.replace('{a}', match[1] as string).replace('{b}', match[2] as string);
    }
    case 'STATUS_GROUP':
      return (STATUS_GROUPS as readonly string[]).includes(code)
        ? codeLabel('StatusGroup', code as CodeOf<'StatusGroup'>, lang)
        : codeLabel('StatusOfResidence', code as CodeOf<'StatusOfResidence'>, lang);
    default: {
      const type = CODE_TYPE_OF[dimension];
      return type ? codeLabel(type, code as never, lang) : code;
    }
  }
}
