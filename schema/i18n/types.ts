/** Types of the label files: one Labels object per language, complete for every code type. */
import type { CODE_TYPES, CodeType } from '../codes';

export type { CodeType };

/** The codes of one code type. */
export type CodeOf<T extends CodeType> = (typeof CODE_TYPES)[T][number];

/** A label for every code of every code type in one language; a missing or unknown code is a type error. */
export type Labels = { readonly [T in CodeType]: Readonly<Record<CodeOf<T>, string>> };
