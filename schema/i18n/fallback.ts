/** The language fallback every text lookup shares: the labels of codes (./index.ts) and the gateway's messages. */
import type { Language } from '../codes';

/** Where a text missing in the caller's language is looked for next, in order. */
const FALLBACKS: readonly Language[] = ['en', 'ja'];

/**
 * The first text `pick` finds in the caller's language's table, then in English's, then in Japanese's; undefined
 * when none has one (a language without a table, or an empty text, counts as none).
 */
export function inLanguage<Table>(
  tables: Readonly<Partial<Record<Language, Table>>>,
  lang: Language,
  pick: (table: Table) => string | undefined,
): string | undefined {
  for (const each of [lang, ...FALLBACKS]) {
    const table = tables[each];
    const text = table === undefined ? undefined : pick(table);
    if (text) return text;
  }
  return undefined;
}
