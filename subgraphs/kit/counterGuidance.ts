/** What every subgraph does for the CounterGuidance entity: check the key's language and answer its own rows. */
import { LANGUAGES, type CardArrangement, type CounterAuthority, type CounterEvent, type ResidentClass, type StayKind } from '../../schema/codes';
import { isLanguage, stepsFor, type GuidanceKey, type GuidanceRow } from '../../schema/counterGuidance';
import { userError } from './errors';

/** The key of a procedure, with its language checked (default ja); UNKNOWN_LANGUAGE for a tag we have no labels in. */
export function guidanceKey(input: {
  event: CounterEvent;
  arrangement: CardArrangement;
  residentClass: ResidentClass;
  stayKind: StayKind;
  language?: string | null;
}): GuidanceKey {
  const language = input.language ?? 'ja';
  if (!isLanguage(language)) throw userError('UNKNOWN_LANGUAGE', `No labels in ${language}; use one of ${LANGUAGES.join(', ')}`);
  return { event: input.event, arrangement: input.arrangement, residentClass: input.residentClass, stayKind: input.stayKind, language };
}

/** The entity's reference resolver and one authority's list of steps, answered under `field`. */
export function counterGuidanceResolvers(authority: CounterAuthority, table: readonly GuidanceRow[], field: string) {
  return {
    __resolveReference: (ref: GuidanceKey & Record<string, unknown>) => ({ ...ref, ...guidanceKey(ref) }),
    [field]: (key: GuidanceKey) => stepsFor(authority, table, key),
  };
}
