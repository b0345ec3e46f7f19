/** Label lookup by code type, code and language. */
import { LANGUAGES, type CodeType, type Language } from '../codes';
import { labels as en } from './en';
import { inLanguage } from './fallback';
import { labels as id } from './id';
import { labels as ja } from './ja';
import { labels as jaEasy } from './ja-x-easy';
import { labels as ko } from './ko';
import { labels as my } from './my';
import { labels as ne } from './ne';
import { labels as pt } from './pt';
import { labels as tl } from './tl';
import { labels as vi } from './vi';
import { labels as zhHans } from './zh-Hans';
import { labels as zhHant } from './zh-Hant';
import type { CodeOf, Labels } from './types';

export type { CodeOf, Labels };

/** The label files by language: a new language is one more file and one more entry here. */
export const LABELS: Readonly<Partial<Record<Language, Labels>>> = {
  ja,
  'ja-x-easy': jaEasy,
  en,
  'zh-Hans': zhHans,
  'zh-Hant': zhHant,
  ko,
  vi,
  tl,
  ne,
  pt,
  id,
  my,
};

/** The languages that have a label file of their own, in LANGUAGES order. */
export const LANGUAGES_WITH_LABELS: readonly Language[] = LANGUAGES.filter((lang) => LABELS[lang] !== undefined);

/** The label of a code in a language, falling back to English, then Japanese, then the code itself. */
export function label<T extends CodeType>(type: T, code: CodeOf<T>, lang: Language): string {
  return inLanguage(LABELS, lang, (labels) => labels[type][code]) ?? code;
}
