import { CODE_TYPES, LANGUAGES, type CodeType, type Language } from '../codes';
import { LABELS, LANGUAGES_WITH_LABELS, label } from './index';

const codeTypes = Object.keys(CODE_TYPES) as CodeType[];

/** Every (language, type, code) triple that must have a label. */
const cells = LANGUAGES_WITH_LABELS.flatMap((lang) =>
  codeTypes.flatMap((type) => CODE_TYPES[type].map((code) => [lang, type, code] as const)),
);

describe('label files', () => {
  test('Japanese, easy Japanese and English have label files', () => {
    expect(LANGUAGES_WITH_LABELS).toEqual(expect.arrayContaining(['ja', 'ja-x-easy', 'en']));
  });

  test.each(cells)('%s %s.%s has a non-empty label', (lang, type, code) => {
    const text = (LABELS[lang]?.[type] as Record<string, string> | undefined)?.[code];
    expect(typeof text).toBe('string');
    expect(text?.trim()).not.toBe('');
  });

  test.each(LANGUAGES_WITH_LABELS.flatMap((lang) => codeTypes.map((type) => [lang, type] as const)))(
    '%s %s labels no code that the code list lacks',
    (lang, type) => {
      const labelled = Object.keys(LABELS[lang]?.[type] ?? {});
      expect(labelled.sort()).toEqual([...CODE_TYPES[type]].sort());
    },
  );

  test.each(codeTypes.flatMap((type) => CODE_TYPES[type].map((code) => [type, code] as const)))(
    'en %s.%s is written in Latin script',
    (type, code) => {
      expect(label(type, code, 'en')).toMatch(/^[\x20-\x7E\u00C0-\u024F]+$/);
    },
  );

  // The easy-Japanese convention: every run of kanji is followed at once by its reading in parentheses.
  test.each(codeTypes.flatMap((type) => CODE_TYPES[type].map((code) => [type, code] as const)))(
    'ja-x-easy %s.%s gives the reading of every kanji',
    (type, code) => {
      const text = label(type, code, 'ja-x-easy');
      const unread = [...text.matchAll(/\p{Script=Han}+/gu)].filter(
        (m) => !/^（[\p{Script=Hiragana}ー]+）/u.test(text.slice((m.index ?? 0) + m[0].length)),
      );
      expect(unread.map((m) => m[0])).toEqual([]);
    },
  );
});

describe('label', () => {
  test.each([
    ['StatusOfResidence', 'ENGINEER_HUMANITIES_INTERNATIONAL_SERVICES', 'ja', '技術・人文知識・国際業務'],
    ['StatusOfResidence', 'ENGINEER_HUMANITIES_INTERNATIONAL_SERVICES', 'en', 'Engineer/Specialist in Humanities/International Services'],
    ['StatusOfResidence', 'SPECIFIED_SKILLED_WORKER_1', 'ja', '特定技能1号'],
    ['StatusOfResidence', 'SPECIFIED_SKILLED_WORKER_1', 'en', 'Specified Skilled Worker (i)'],
    ['StatusOfResidence', 'TECHNICAL_INTERN_TRAINING_1', 'ja', '技能実習1号'],
    ['StatusOfResidence', 'HIGHLY_SKILLED_PROFESSIONAL_1_A', 'en', 'Highly Skilled Professional (i)(a)'],
    ['StatusOfResidence', 'EMPLOYMENT_FOR_SKILL_DEVELOPMENT', 'ja', '育成就労'],
    ['StatusOfResidence', 'PERMANENT_RESIDENT', 'ja', '永住者'],
    ['StatusOfResidence', 'PERMANENT_RESIDENT', 'ja-x-easy', '永住者（えいじゅうしゃ）'],
    ['ResidentClass', 'MID_TO_LONG_TERM', 'ja', '中長期在留者'],
    ['ResidentClass', 'TEMPORARY_REFUGE', 'ja', '一時庇護許可者'],
    ['ResidentClass', 'PROVISIONAL_STAY', 'ja', '仮滞在許可者'],
    ['ResidentClass', 'TRANSITIONAL_AFTER_BIRTH', 'ja', '出生による経過滞在者'],
    ['ResidentClass', 'TRANSITIONAL_AFTER_LOSS_OF_NATIONALITY', 'ja', '国籍喪失による経過滞在者'],
    ['ResidenceCardKind', 'SPECIFIC_RESIDENCE_CARD', 'ja', '特定在留カード'],
    ['ResidenceCardKind', 'SPECIFIC_SPECIAL_PERMANENT_RESIDENT_CERTIFICATE', 'ja', '特定特別永住者証明書'],
    ['ResidenceCardKind', 'SPECIFIC_RESIDENCE_CARD', 'ja-x-easy', '特定在留（とくていざいりゅう）カード'],
    ['WorkRestriction', 'NO_RESTRICTION', 'ja', '就労制限なし'],
    ['WorkRestriction', 'DESIGNATED_ORGANIZATION_ONLY', 'ja', '指定書記載機関での在留資格に基づく就労活動のみ可'],
    ['WorkRestriction', 'NOT_PERMITTED', 'ja', '就労不可'],
    ['Nationality', 'TWN', 'ja', '台湾'],
    ['Nationality', 'PRK', 'ja', '朝鮮'],
    ['Nationality', 'XXA', 'ja', '無国籍'],
    ['Nationality', 'VNM', 'en', 'Viet Nam'],
  ] as const)('%s.%s in %s is %s', (type, code, lang, expected) => {
    expect(label(type, code, lang)).toBe(expected);
  });

  test('a language without a label file falls back to English', () => {
    const unlabelled = LANGUAGES.filter((lang: Language) => !LANGUAGES_WITH_LABELS.includes(lang));
    for (const lang of unlabelled) expect(label('StatusOfResidence', 'PERMANENT_RESIDENT', lang)).toBe('Permanent Resident');
  });
});
