import type { ApolloServerPlugin } from '@apollo/server';
import { GraphQLError, Kind, type DocumentNode, type FragmentDefinitionNode, type OperationDefinitionNode, type SelectionSetNode } from 'graphql';
import type { GatewayContext } from '../server';
import type { KeyRateLimiter } from './apiKeys';

/** The only operation field a partner may ask for. */
export const PARTNER_FIELDS = new Set(['verifyResidenceCard']);

/** Counts the root fields of an operation by name, through fragments and aliases (each alias is one check). */
function rootFields(selectionSet: SelectionSetNode, fragments: Map<string, FragmentDefinitionNode>, seen = new Set<string>()): string[] {
  return selectionSet.selections.flatMap((s) => {
    if (s.kind === Kind.FIELD) return [s.name.value];
    if (s.kind === Kind.INLINE_FRAGMENT) return rootFields(s.selectionSet, fragments, seen);
    const fragment = fragments.get(s.name.value);
    if (!fragment || seen.has(s.name.value)) return [];
    return rootFields(fragment.selectionSet, fragments, new Set([...seen, s.name.value]));
  });
}

/** The root fields an operation asks for (aliases each count, `__typename` is free): what a partner is charged for. */
export function rootFieldsOf(document: DocumentNode, operation: OperationDefinitionNode): string[] {
  const fragments = new Map(
    document.definitions.filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION).map((f) => [f.name.value, f]),
  );
  return rootFields(operation.selectionSet, fragments).filter((f) => f !== '__typename');
}

/**
 * Partners may only check cards, and each check counts against the key's rate limit (so aliases and
 * batches cost what they ask for); over the limit: 429 with Retry-After.
 */
export function partnerPlugin(limiter: KeyRateLimiter): ApolloServerPlugin<GatewayContext> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ contextValue, operation, document }) {
          const key = contextValue.partnerKey;
          if (!key || !operation) return;
          const fields = rootFieldsOf(document, operation);
          if (operation.operation !== 'query' || fields.some((f) => !PARTNER_FIELDS.has(f))) {
            throw new GraphQLError('API keys may only check residence cards (verifyResidenceCard)', {
              extensions: { code: 'FORBIDDEN', http: { status: 403 } },
            });
          }
          const taken = await limiter.take(key.id, key.ratePerMinute, fields.length);
          if (!taken.ok) {
            throw new GraphQLError(`Rate limit of ${key.ratePerMinute} checks per minute exceeded`, {
              extensions: {
                code: 'RATE_LIMITED',
                retryAfterSeconds: taken.retryAfterSeconds,
                http: { status: 429, headers: new Map([['retry-after', String(taken.retryAfterSeconds)]]) },
              },
            });
          }
        },
      };
    },
  };
}
