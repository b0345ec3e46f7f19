import type { ApolloServerPlugin } from '@apollo/server';
import { GraphQLError } from 'graphql';

/** A NUL character, or half of a UTF-16 surrogate pair: neither can be stored as text by any authority. */
const UNSTORABLE = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** True when a JSON value holds a string (or key) that no authority could store; walked without recursion. */
export function hasUnstorableText(value: unknown): boolean {
  const pending: unknown[] = [value];
  while (pending.length > 0) {
    const next = pending.pop();
    if (typeof next === 'string') {
      if (UNSTORABLE.test(next)) return true;
    } else if (Array.isArray(next)) {
      pending.push(...next);
    } else if (next !== null && typeof next === 'object') {
      for (const [key, item] of Object.entries(next)) {
        if (UNSTORABLE.test(key)) return true;
        pending.push(item);
      }
    }
  }
  return false;
}

/**
 * Refuses, before any subgraph is called: a document whose operation cannot be told (several operations and no
 * operationName: OPERATION_RESOLUTION_FAILURE, which the gateway's executor would otherwise raise as an
 * internal error), and a query text or variables carrying NUL characters or broken UTF-16 (BAD_USER_INPUT;
 * GraphQL string literals accept both, PostgreSQL text accepts neither).
 */
export function requestHygienePlugin(): ApolloServerPlugin {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ operation, request }) {
          if (!operation) {
            throw new GraphQLError('Name the operation to run in operationName', {
              extensions: { code: 'OPERATION_RESOLUTION_FAILURE', http: { status: 400 } },
            });
          }
          if (hasUnstorableText(request.query) || hasUnstorableText(request.variables)) {
            throw new GraphQLError('Queries and variables may not contain NUL characters or unpaired surrogates', {
              extensions: { code: 'BAD_USER_INPUT', http: { status: 400 } },
            });
          }
        },
      };
    },
  };
}
