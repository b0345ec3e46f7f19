/** Error messages by code and language, with the caller's language taken from the request at the edge. */
import type { Language } from '../../schema/codes';
import { inLanguage } from '../../schema/i18n/fallback';
import type { Authority } from '../../runtime/authority';
import type { ErrorCode } from './errorCodes';
import { messages as en } from './messages/en';
import { messages as id } from './messages/id';
import { messages as ja } from './messages/ja';
import { messages as jaEasy } from './messages/ja-x-easy';
import { messages as ko } from './messages/ko';
import { messages as my } from './messages/my';
import { messages as ne } from './messages/ne';
import { messages as pt } from './messages/pt';
import { messages as tl } from './messages/tl';
import { messages as vi } from './messages/vi';
import { messages as zhHans } from './messages/zh-Hans';
import { messages as zhHant } from './messages/zh-Hant';
import type { Messages } from './types';

export { negotiateLanguage } from './language';
export type { Messages };

/** The message files by language: a new language is one more file and one more entry here. */
export const MESSAGES: Readonly<Partial<Record<Language, Messages>>> = {
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

/** The message for a code in a language, falling back to English, then Japanese. */
export function errorMessage(code: ErrorCode, lang: Language, authority?: Authority): string {
  const text = inLanguage(MESSAGES, lang, (messages) => {
    // The authority's name from the same language as the message.
    const name = (authority && messages.authorities[authority]) || messages.someAuthority || '';
    return messages.errors[code].replace('{authority}', name);
  });
  return text ?? code;
}

