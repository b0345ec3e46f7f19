import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { ApolloServerErrorCode } from '@apollo/server/errors';
import { LANGUAGES, type Language } from '../../schema/codes';
import { LIMIT_CODES } from '../limits/operationLimits';
import { ERROR_CODES, type ErrorCode } from './errorCodes';
import { MESSAGES, errorMessage } from './index';
import { languageOfTag, negotiateLanguage } from './language';

const ROOT = join(__dirname, '..', '..');

/** Every .ts source file under a directory, tests excluded. */
function sources(dir: string): string[] {
  return readdirSync(join(ROOT, dir), { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'))
    .map((f) => join(dir, f));
}

/**
 * The codes the source raises towards a client: `userError(...)` in the subgraphs (ternaries included), the
 * identifier parsers' `code: '...'`, `HttpError(status, '...')` and `code: '...'` in the gateway and the shared HTTP
 * server, and the API-key outcomes of gateway/auth.
 */
function raisedCodes(): Map<string, string> {
  const found = new Map<string, string>();
  const scan = (file: string, patterns: RegExp[]) => {
    const text = readFileSync(join(ROOT, file), 'utf8');
    for (const pattern of patterns) {
      for (const match of text.matchAll(pattern)) {
        for (const code of match.slice(1)) if (code) found.set(code, file);
      }
    }
  };
  const userError = /userError\(\s*(?:'([A-Z_]+)'|[^'(),]*\?\s*'([A-Z_]+)'\s*:\s*'([A-Z_]+)')/g;
  const httpError = /HttpError\(\s*\d+,\s*'([A-Z_]+)'/g;
  const codeProperty = /\bcode: '([A-Z_]+)'/g;
  for (const file of sources('subgraphs').filter((f) => !f.startsWith(join('subgraphs', 'kit')) || f.endsWith('errors.ts'))) {
    scan(file, [userError]);
  }
  for (const file of sources(join('subgraphs', 'kit'))) scan(file, [userError, codeProperty]);
  for (const file of ['schema/identifiers.ts', 'schema/dates.ts']) scan(file, [codeProperty]);
  for (const file of [...sources('gateway').filter((f) => !f.includes(`${join('gateway', 'i18n')}`)), 'runtime/http.ts']) {
    scan(file, [httpError, codeProperty, /\| '([A-Z][A-Z_]+)'/g]);
  }
  return found;
}

/**
 * Codes raised only between processes or to a caller that bypasses the gateway: the gateway never passes them
 * on (a subgraph that refuses the gateway's call is AUTHORITY_UNAVAILABLE to the client).
 */
const INTERNAL_ONLY = new Set([
  'PRINCIPAL_REQUIRED',
  'PRINCIPAL_INVALID',
  'CALLER_SIGNATURE_INVALID',
  'EVENT_SIGNATURE_INVALID',
  'UNKNOWN_EVENT_TYPE',
  'EVENT_SOURCE_NOT_ALLOWED',
  'BAD_ASSIGNMENT_REQUEST',
  'METHOD_NOT_ALLOWED',
  // Between authorities' access logs (subgraphs/kit/accessLog/witness.ts).
  'WITNESS_SIZE',
  'CHECKPOINT_INCONSISTENT',
  // jose's own code for "no key with this kid" (runtime/keys.ts): callers answer it as INVALID_TOKEN,
  // PRINCIPAL_INVALID or a signature refusal, never with this code.
  'ERR_JWKS_NO_MATCHING_KEY',
]);

const cells = LANGUAGES.flatMap((lang) => ERROR_CODES.map((code) => [lang, code] as const));
const own = (lang: Language, code: ErrorCode) => MESSAGES[lang]?.errors[code];

describe('the error catalogue', () => {
  test('every code raised in the source has a message (or is internal only)', () => {
    const missing = [...raisedCodes()]
      .filter(([code]) => !(ERROR_CODES as readonly string[]).includes(code) && !INTERNAL_ONLY.has(code))
      .map(([code, file]) => `${code} (${relative('.', file)})`);
    expect(missing).toEqual([]);
  });

  test("every code Apollo Server and the limits raise has a message", () => {
    const codes = [...Object.values(ApolloServerErrorCode), ...LIMIT_CODES, 'INTROSPECTION_DISABLED', 'PERSISTED_QUERY_NOT_IN_LIST'];
    expect(codes.filter((c) => !(ERROR_CODES as readonly string[]).includes(c))).toEqual([]);
  });

  test('every language of LANGUAGES has a message file', () => {
    expect(LANGUAGES.filter((lang) => !MESSAGES[lang])).toEqual([]);
  });

  test.each(cells)('%s %s has a message, trimmed and NFC', (lang, code) => {
    const text = own(lang, code);
    expect(typeof text).toBe('string');
    expect(text?.trim()).toBe(text);
    expect(text).not.toBe('');
    expect(text).toBe(text?.normalize('NFC'));
  });

  test.each(LANGUAGES)('%s names every authority and keeps the {authority} placeholder', (lang) => {
    const messages = MESSAGES[lang]!;
    expect(Object.values(messages.authorities).every((name) => name.trim() !== '')).toBe(true);
    expect(messages.errors.AUTHORITY_UNAVAILABLE).toContain('{authority}');
    expect(messages.errors.AUTHORITY_ERROR).toContain('{authority}');
    expect(ERROR_CODES.filter((c) => !c.startsWith('AUTHORITY_') && messages.errors[c].includes('{'))).toEqual([]);
  });

  test('no language but English leaves a message in English', () => {
    const same = LANGUAGES.filter((lang) => lang !== 'en').flatMap((lang) =>
      ERROR_CODES.filter((code) => own(lang, code) === own('en', code)).map((code) => `${lang} ${code}`),
    );
    expect(same).toEqual([]);
  });

  // The ISA's plain-Japanese guideline as schema/i18n/ja-x-easy.ts applies it: every run of kanji is followed at
  // once by its reading in hiragana in full-width parentheses, and sentences stay short.
  test.each(ERROR_CODES.map((c) => [c]))('ja-x-easy %s gives the reading of every kanji, in short sentences', (code) => {
    const texts = [own('ja-x-easy', code)!, ...Object.values(MESSAGES['ja-x-easy']!.authorities)];
    for (const text of texts) {
      const unread = [...text.matchAll(/\p{Script=Han}+/gu)].filter(
        (m) => !/^（[\p{Script=Hiragana}ー]+）/u.test(text.slice((m.index ?? 0) + m[0].length)),
      );
      expect(unread.map((m) => m[0])).toEqual([]);
      const longest = Math.max(...text.split('。').map((sentence) => sentence.replace(/（[^）]*）/g, '').length));
      expect(longest).toBeLessThanOrEqual(60);
    }
  });

  const SCRIPTS = {
    ja: /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}]/u,
    'zh-Hans': /\p{Script=Han}/u,
    'zh-Hant': /\p{Script=Han}/u,
    ko: /\p{Script=Hangul}/u,
    ne: /\p{Script=Devanagari}/u,
    my: /\p{Script=Myanmar}/u,
  } as const satisfies Partial<Record<Language, RegExp>>;
  test.each(Object.keys(SCRIPTS) as Array<keyof typeof SCRIPTS>)('%s writes every message in its own script', (lang) => {
    expect(ERROR_CODES.filter((code) => !SCRIPTS[lang].test(own(lang, code)!))).toEqual([]);
  });

  test('ko uses no hanja; zh-Hans no traditional-only and zh-Hant no simplified-only characters', () => {
    const simplifiedOnly = '门业务术识际经营计疗艺报实习劳长时许证书动调护语简韩国无丧过记录电签发变换样码岁为这么们钥';
    const traditionalOnly = '門業務術識際經營計療藝報實習勞長時許證書動調護語簡韓國無喪過記錄電簽發變換樣碼歲為這麼們鑰';
    const all = (lang: Language) => ERROR_CODES.map((c) => own(lang, c)!).join('');
    expect(all('ko')).not.toMatch(/\p{Script=Han}/u);
    expect([...all('zh-Hans')].filter((c) => traditionalOnly.includes(c))).toEqual([]);
    expect([...all('zh-Hant')].filter((c) => simplifiedOnly.includes(c))).toEqual([]);
  });

  test('my is Unicode Myanmar, not Zawgyi', () => {
    const all = ERROR_CODES.map((c) => own('my', c)!).join('\n');
    expect(all).not.toMatch(/[\u1050-\u109F]/u);
    expect(all).not.toMatch(/(^|[^\u1000-\u102A\u103B-\u103E])\u1031/mu);
  });
});

describe('errorMessage', () => {
  test.each([
    ['AUTHORITY_UNAVAILABLE', 'ja-x-easy', 'registry', /^いま 市区町村（しくちょうそん）の システムに つながりません。/],
    ['AUTHORITY_UNAVAILABLE', 'en', 'mynumber', /^J-LIS \(My Number\) is not answering right now\./],
    ['AUTHORITY_UNAVAILABLE', 'ja', 'immigration', /^出入国在留管理庁のシステムが現在応答していません。/],
    ['AUTHORITY_UNAVAILABLE', 'pt', undefined, /^Outro órgão não está respondendo/],
    ['INVALID_MY_NUMBER_CHECK_DIGIT', 'vi', undefined, /^Đây không phải là My Number hợp lệ/],
  ] as const)('%s in %s (%s)', (code, lang, authority, expected) => {
    expect(errorMessage(code, lang, authority)).toMatch(expected);
  });

  test('a missing message falls back to English, then Japanese', () => {
    const ko = MESSAGES.ko!.errors;
    const en = MESSAGES.en!.errors;
    const blankedKo = jest.replaceProperty(ko, 'CARD_NOT_FOUND', '');
    try {
      expect(errorMessage('CARD_NOT_FOUND', 'ko')).toBe(en.CARD_NOT_FOUND);
      const blankedEn = jest.replaceProperty(en, 'CARD_NOT_FOUND', '');
      try {
        expect(errorMessage('CARD_NOT_FOUND', 'ko')).toBe(MESSAGES.ja!.errors.CARD_NOT_FOUND);
      } finally {
        blankedEn.restore();
      }
    } finally {
      blankedKo.restore();
    }
  });
});

describe('Accept-Language', () => {
  test.each([
    [undefined, 'en'],
    ['', 'en'],
    ['ja-x-easy', 'ja-x-easy'],
    ['JA-X-EASY, en;q=0.5', 'ja-x-easy'],
    ['ja-JP,ja;q=0.9,en;q=0.8', 'ja'],
    ['en;q=0.4, vi;q=0.9', 'vi'],
    ['zh-CN', 'zh-Hans'],
    ['zh-TW', 'zh-Hant'],
    ['zh-Hant-HK', 'zh-Hant'],
    ['zh', 'zh-Hans'],
    ['pt-BR', 'pt'],
    ['fil-PH', 'tl'],
    ['ne-NP', 'ne'],
    ['my-MM', 'my'],
    ['fr-FR, de', 'en'],
    ['fr, ko;q=0.1', 'ko'],
    ['ko;q=0, id', 'id'],
    ['*', 'en'],
  ] as const)('%s → %s', (header, expected) => {
    expect(negotiateLanguage(header)).toBe(expected);
  });

  test('a flood of tags is read only up to the 20th', () => {
    expect(negotiateLanguage(`${'xx, '.repeat(5000)}ja`)).toBe('en');
    expect(negotiateLanguage(`${'xx, '.repeat(10)}ja`)).toBe('ja');
  });

  test('a tag names a language exactly, by alias or by its primary subtag', () => {
    expect(languageOfTag('ja-x-easy')).toBe('ja-x-easy');
    expect(languageOfTag('ja-x-other')).toBe('ja');
    expect(languageOfTag('in')).toBe('id');
    expect(languageOfTag('klingon')).toBeUndefined();
  });
});
