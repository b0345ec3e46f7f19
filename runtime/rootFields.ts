import { Kind, type DocumentNode, type FieldNode, type FragmentDefinitionNode, type OperationDefinitionNode, type SelectionSetNode } from 'graphql';

/**
 * The fields an operation asks at its root, through inline fragments and fragment spreads, each alias and each
 * spread once per place it appears (what the partner rate limit charges and the statistics budget spends). A
 * fragment inside itself is not followed (graphql's own validation reports the cycle).
 */
export function rootFieldNodes(document: DocumentNode, operation: OperationDefinitionNode): FieldNode[] {
  const fragments = new Map(
    document.definitions.filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION).map((f) => [f.name.value, f]),
  );
  const walk = (selectionSet: SelectionSetNode, seen: ReadonlySet<string>): FieldNode[] =>
    selectionSet.selections.flatMap((s) => {
      if (s.kind === Kind.FIELD) return [s];
      if (s.kind === Kind.INLINE_FRAGMENT) return walk(s.selectionSet, seen);
      const fragment = fragments.get(s.name.value);
      if (!fragment || seen.has(s.name.value)) return [];
      return walk(fragment.selectionSet, new Set([...seen, s.name.value]));
    });
  return walk(operation.selectionSet, new Set());
}
