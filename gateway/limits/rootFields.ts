import { GraphQLError, Kind, type ASTVisitor, type SelectionSetNode, type ValidationContext } from 'graphql';

/**
 * Limits the root fields of an operation (aliases and fragments included; `__typename` is free). graphql-armor has
 * no rule for this, and no well-kept package does, so this one is ours. It reports like Apollo Server's own rules:
 * `extensions.validationErrorCode`.
 */
export function maxRootFieldsRule(max: number): (context: ValidationContext) => ASTVisitor {
  return (context) => ({
    OperationDefinition(operation) {
      const count = countFields(operation.selectionSet, context, new Set());
      if (count > max) {
        context.reportError(
          new GraphQLError(`An operation may select at most ${max} root fields; this one selects ${count}.`, {
            nodes: [operation],
            extensions: { validationErrorCode: 'TOO_MANY_ROOT_FIELDS' },
          }),
        );
      }
    },
  });
}

function countFields(selectionSet: SelectionSetNode, context: ValidationContext, seen: Set<string>): number {
  let count = 0;
  for (const selection of selectionSet.selections) {
    if (selection.kind === Kind.FIELD) {
      if (selection.name.value !== '__typename') count++;
    } else if (selection.kind === Kind.INLINE_FRAGMENT) {
      count += countFields(selection.selectionSet, context, seen);
    } else if (!seen.has(selection.name.value)) {
      // Each fragment counts once: a cycle is reported by graphql's own NoFragmentCycles rule.
      seen.add(selection.name.value);
      const fragment = context.getFragment(selection.name.value);
      if (fragment) count += countFields(fragment.selectionSet, context, seen);
    }
  }
  return count;
}
