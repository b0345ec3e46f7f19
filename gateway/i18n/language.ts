import { LANGUAGES, type Language } from '../../schema/codes';

/** Regional and legacy tags that name one of our languages (compared in lower case). */
const ALIASES: Readonly<Record<string, Language>> = {
  zh: 'zh-Hans',
  'zh-cn': 'zh-Hans',
  'zh-sg': 'zh-Hans',
  'zh-my': 'zh-Hans',
  'zh-tw': 'zh-Hant',
  'zh-hk': 'zh-Hant',
  'zh-mo': 'zh-Hant',
  fil: 'tl',
  in: 'id',
};

const BY_LOWER_CASE = new Map<string, Language>(LANGUAGES.map((lang) => [lang.toLowerCase(), lang]));

/** The language a tag names: exact (case-insensitive), by alias, or by its primary subtag ("pt-BR" is pt); else none. */
export function languageOfTag(tag: string): Language | undefined {
  let lower = tag.trim().toLowerCase();
  while (lower) {
    const found = BY_LOWER_CASE.get(lower) ?? ALIASES[lower];
    if (found) return found;
    // "zh-Hant-TW" → "zh-Hant" → "zh"; "ja-x-easy" is matched whole before "ja".
    lower = lower.includes('-') ? lower.slice(0, lower.lastIndexOf('-')) : '';
  }
  return undefined;
}

/**
 * The caller's language from `Accept-Language` (tags of DESIGN §4, q-values honoured, ties in header order);
 * English when the header names none of ours.
 */
export function negotiateLanguage(header: string | undefined): Language {
  if (!header) return 'en';
  const ranked = header
    .split(',')
    .slice(0, 20)
    .map((part, index) => {
      const [tag = '', ...params] = part.split(';');
      const q = params.map((p) => /^\s*q\s*=\s*([01](?:\.\d{0,3})?)\s*$/.exec(p)?.[1]).find((v) => v !== undefined);
      return { tag, q: q === undefined ? 1 : Number(q), index };
    })
    .filter((entry) => entry.q > 0)
    .sort((a, b) => b.q - a.q || a.index - b.index);
  for (const { tag } of ranked) {
    const lang = languageOfTag(tag);
    if (lang) return lang;
  }
  return 'en';
}
