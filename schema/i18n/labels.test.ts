import { CODE_TYPES, LANGUAGES, type CodeType, type Language } from '../codes';
import { LABELS, LANGUAGES_WITH_LABELS, label } from './index';

const codeTypes = Object.keys(CODE_TYPES) as CodeType[];

/** Every (type, code) pair that must have a label. */
const codes = codeTypes.flatMap((type) => CODE_TYPES[type].map((code) => [type, code] as const));

/** The label a language's own file gives, without falling back. */
function own(lang: Language, type: CodeType, code: string): string | undefined {
  return (LABELS[lang]?.[type] as Record<string, string> | undefined)?.[code];
}

/** The (type, code) pairs whose label in lang fails a check, as "Type.CODE: label", for readable failures. */
function failing(lang: Language, ok: (text: string, type: CodeType, code: string) => boolean): string[] {
  return codes
    .filter(([type, code]) => !ok(own(lang, type, code) ?? '', type, code))
    .map(([type, code]) => `${type}.${code}: ${own(lang, type, code)}`);
}

/** Every (language, type, code) triple that must have a label. */
const cells = LANGUAGES_WITH_LABELS.flatMap((lang) =>
  codeTypes.flatMap((type) => CODE_TYPES[type].map((code) => [lang, type, code] as const)),
);

describe('label files', () => {
  test('every language of LANGUAGES has a label file', () => {
    expect(LANGUAGES_WITH_LABELS).toEqual([...LANGUAGES]);
  });

  test.each(cells)('%s %s.%s has a non-empty label', (lang, type, code) => {
    const text = (LABELS[lang]?.[type] as Record<string, string> | undefined)?.[code];
    expect(typeof text).toBe('string');
    expect(text?.trim()).not.toBe('');
  });

  test.each(LANGUAGES_WITH_LABELS)('%s labels have no stray whitespace and are NFC', (lang) => {
    const clean = (text: string) => text === text.trim() && !/\s{2}/u.test(text) && text === text.normalize('NFC');
    expect(failing(lang, clean)).toEqual([]);
  });

  test.each(LANGUAGES_WITH_LABELS.flatMap((lang) => codeTypes.map((type) => [lang, type] as const)))(
    '%s %s labels no code that the code list lacks',
    (lang, type) => {
      const labelled = Object.keys(LABELS[lang]?.[type] ?? {});
      expect(labelled.sort()).toEqual([...CODE_TYPES[type]].sort());
    },
  );

  test.each(codes)(
    'en %s.%s is written in Latin script',
    (type, code) => {
      expect(label(type, code, 'en')).toMatch(/^[\x20-\x7E\u00C0-\u024F]+$/);
    },
  );

  // The easy-Japanese convention: every run of kanji is followed at once by its reading in parentheses.
  test.each(codes)(
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

/** The languages written in a non-Latin script, with a pattern every one of their labels must match. */
const NON_LATIN_SCRIPTS = {
  'zh-Hans': /\p{Script=Han}/u,
  'zh-Hant': /\p{Script=Han}/u,
  ko: /\p{Script=Hangul}/u,
  ne: /\p{Script=Devanagari}/u,
  my: /\p{Script=Myanmar}/u,
} as const satisfies Partial<Record<Language, RegExp>>;
const nonLatin = Object.keys(NON_LATIN_SCRIPTS) as (keyof typeof NON_LATIN_SCRIPTS)[];

/**
 * Labels of a non-Latin-script language that may equal the English label on purpose (abbreviations, names kept
 * in Latin letters), as "lang Type.CODE". Empty today: every label is translated.
 */
const SAME_AS_ENGLISH: readonly string[] = [];

/** Characters only simplified Chinese writes, and their traditional forms (never in the other file). */
const SIMPLIFIED_ONLY = '门业务术识际经营计疗艺报实习劳长时许证书动调护语简韩国无丧过记录电签发变换样码岁为';
const TRADITIONAL_ONLY = '門業務術識際經營計療藝報實習勞長時許證書動調護語簡韓國無喪過記錄電簽發變換樣碼歲為';

describe('non-Latin-script label files', () => {
  test.each(nonLatin)('%s leaves no label as the English text', (lang) => {
    expect(
      failing(
        lang,
        (text, type, code) => text !== own('en', type, code) || SAME_AS_ENGLISH.includes(`${lang} ${type}.${code}`),
      ),
    ).toEqual([]);
  });

  test.each(nonLatin)('%s writes every label in its own script', (lang) => {
    expect(failing(lang, (text) => NON_LATIN_SCRIPTS[lang].test(text))).toEqual([]);
  });

  test('ko uses no hanja', () => {
    expect(failing('ko', (text) => !/\p{Script=Han}/u.test(text))).toEqual([]);
  });

  test('zh-Hans uses no traditional-only characters and zh-Hant no simplified-only ones', () => {
    expect(failing('zh-Hans', (text) => ![...text].some((c) => TRADITIONAL_ONLY.includes(c)))).toEqual([]);
    expect(failing('zh-Hant', (text) => ![...text].some((c) => SIMPLIFIED_ONLY.includes(c)))).toEqual([]);
  });

  // Zawgyi reuses U+1060-U+1097 for stacked and positional forms, and stores the vowel sign E (U+1031) before its
  // consonant; Unicode Burmese uses neither and stores U+1031 after the consonant and its medials.
  test('my is Unicode Myanmar, not Zawgyi', () => {
    expect(failing('my', (text) => !/[\u1050-\u109F]/u.test(text))).toEqual([]);
    expect(failing('my', (text) => !/(^|[^\u1000-\u102A\u103B-\u103E])\u1031/u.test(text))).toEqual([]);
  });
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
    // The back of the card records every change of address (変更履歴), not just the former one.
    ['ItemNote', 'ADDRESS_FRONT_CURRENT_BACK_HISTORY', 'ja-x-easy', 'おもてに いまの じゅうしょ、うらに じゅうしょが かわった きろく'],
    // A transitional stay has one of two causes (入管法 22条の2: birth in Japan, loss of Japanese nationality); say which.
    [
      'EligibilityReason',
      'TRANSITIONAL_STAY',
      'ja-x-easy',
      '日本（にほん）で 生（う）まれた あと、または 日本（にほん）の 国籍（こくせき）が なくなった あとの 経過滞在者（けいかたいざいしゃ）',
    ],
    ['WorkRestriction', 'NO_RESTRICTION', 'ja', '就労制限なし'],
    ['WorkRestriction', 'DESIGNATED_ORGANIZATION_ONLY', 'ja', '指定書記載機関での在留資格に基づく就労活動のみ可'],
    ['WorkRestriction', 'NOT_PERMITTED', 'ja', '就労不可'],
    ['Nationality', 'TWN', 'ja', '台湾'],
    ['Nationality', 'PRK', 'ja', '朝鮮'],
    ['Nationality', 'XXA', 'ja', '無国籍'],
    ['Nationality', 'VNM', 'en', 'Viet Nam'],
    ['ResidenceCardKind', 'RESIDENCE_CARD_NEW_FORMAT', 'zh-Hans', '在留卡（新样式）'],
    ['ResidenceCardKind', 'SPECIFIC_RESIDENCE_CARD', 'zh-Hans', '特定在留卡'],
    ['StatusOfResidence', 'PERMANENT_RESIDENT', 'zh-Hans', '永住者'],
    ['StatusOfResidence', 'ENGINEER_HUMANITIES_INTERNATIONAL_SERVICES', 'zh-Hans', '技术・人文知识・国际业务'],
    ['StatusOfResidence', 'SPECIFIED_SKILLED_WORKER_1', 'zh-Hans', '特定技能1号'],
    ['StatusOfResidence', 'TECHNICAL_INTERN_TRAINING_1', 'zh-Hans', '技能实习1号'],
    ['StatusOfResidence', 'STUDENT', 'zh-Hans', '留学'],
    ['StatusOfResidence', 'DEPENDENT', 'zh-Hans', '家族滞在'],
    ['StatusOfResidence', 'ENGINEER_HUMANITIES_INTERNATIONAL_SERVICES', 'zh-Hant', '技術・人文知識・國際業務'],
    ['StatusOfResidence', 'SPECIFIED_SKILLED_WORKER_1', 'zh-Hant', '特定技能1號'],
    ['ResidenceCardKind', 'SPECIFIC_RESIDENCE_CARD', 'ko', '특정재류카드'],
    ['StatusOfResidence', 'PERMANENT_RESIDENT', 'ko', '영주자'],
    ['StatusOfResidence', 'SPECIFIED_SKILLED_WORKER_1', 'ko', '특정기능 1호'],
    ['StatusOfResidence', 'TECHNICAL_INTERN_TRAINING_1', 'ko', '기능실습 1호'],
    ['ResidenceCardKind', 'RESIDENCE_CARD_NEW_FORMAT', 'vi', 'Thẻ lưu trú (mẫu mới)'],
    ['StatusOfResidence', 'PERMANENT_RESIDENT', 'vi', 'Vĩnh trú'],
    ['StatusOfResidence', 'SPECIFIED_SKILLED_WORKER_1', 'vi', 'Kỹ năng đặc định số 1'],
    ['StatusOfResidence', 'TECHNICAL_INTERN_TRAINING_1', 'vi', 'Thực tập kỹ năng số 1'],
    ['StatusOfResidence', 'STUDENT', 'vi', 'Du học'],
    ['StatusOfResidence', 'PERMANENT_RESIDENT', 'tl', 'Permanent Resident (Permanenteng Residente)'],
    ['ResidenceCardKind', 'RESIDENCE_CARD_NEW_FORMAT', 'pt', 'Cartão de Residente (modelo novo)'],
    ['StatusOfResidence', 'PERMANENT_RESIDENT', 'pt', 'Residente Permanente'],
    ['StatusOfResidence', 'SPECIFIED_SKILLED_WORKER_1', 'pt', 'Habilidades Específicas (i)'],
    ['StatusOfResidence', 'TECHNICAL_INTERN_TRAINING_1', 'pt', 'Estágio Técnico (i)'],
    ['ResidenceCardKind', 'RESIDENCE_CARD_NEW_FORMAT', 'id', 'Kartu Izin Tinggal (format baru)'],
    ['StatusOfResidence', 'PERMANENT_RESIDENT', 'id', 'Penduduk Tetap'],
    ['StatusOfResidence', 'SPECIFIED_SKILLED_WORKER_1', 'id', 'Keterampilan Spesifik (i)'],
    ['StatusOfResidence', 'TECHNICAL_INTERN_TRAINING_1', 'id', 'Pemagangan Teknis (i)'],
    ['Nationality', 'PRK', 'zh-Hans', '朝鲜（朝鲜半岛）'],
    ['Nationality', 'PRK', 'ko', '조선(한반도)'],
    ['Nationality', 'TWN', 'zh-Hant', '台灣'],
    ['Nationality', 'XXA', 'pt', 'Apátrida'],
    ['Language', 'ne', 'ne', 'नेपाली'],
    ['Language', 'my', 'my', 'မြန်မာဘာသာ'],
  ] as const)('%s.%s in %s is %s', (type, code, lang, expected) => {
    expect(label(type, code, lang)).toBe(expected);
  });

  // Every language has a file today, so the fallbacks are exercised by taking a file or a label away for one test.
  test('a language without a label file falls back to English', () => {
    const removed = jest.replaceProperty(LABELS, 'ko', undefined);
    try {
      expect(label('StatusOfResidence', 'PERMANENT_RESIDENT', 'ko')).toBe('Permanent Resident');
    } finally {
      removed.restore();
    }
    expect(label('StatusOfResidence', 'PERMANENT_RESIDENT', 'ko')).toBe('영주자');
  });

  test('a missing label falls back to English, then Japanese, then the code', () => {
    const [ko, en, ja] = (['ko', 'en', 'ja'] as const).map((lang) => LABELS[lang]?.StatusOfResidence);
    if (!ko || !en || !ja) throw new Error('ko, en and ja must have label files');
    const blanked = [];
    try {
      blanked.push(jest.replaceProperty(ko, 'PERMANENT_RESIDENT', ''));
      expect(label('StatusOfResidence', 'PERMANENT_RESIDENT', 'ko')).toBe('Permanent Resident');
      blanked.push(jest.replaceProperty(en, 'PERMANENT_RESIDENT', ''));
      expect(label('StatusOfResidence', 'PERMANENT_RESIDENT', 'ko')).toBe('永住者');
      blanked.push(jest.replaceProperty(ja, 'PERMANENT_RESIDENT', ''));
      expect(label('StatusOfResidence', 'PERMANENT_RESIDENT', 'ko')).toBe('PERMANENT_RESIDENT');
    } finally {
      for (const property of blanked) property.restore();
    }
    expect(label('StatusOfResidence', 'PERMANENT_RESIDENT', 'ko')).toBe('영주자');
  });
});
