import type { ApolloServerPlugin } from '@apollo/server';
import { BREAK, GraphQLError, visit, type DocumentNode } from 'graphql';

/** A NUL character, or half of a UTF-16 surrogate pair: neither can be stored as text by any authority. */
const UNSTORABLE = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** True when a JSON value holds a string (or key) that no authority could store; walked without recursion. */
function hasUnstorableText(value: unknown): boolean {
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

/** Each parsed document's answer, once: Apollo Server and the prepared operations hand back the same document object. */
const documentAnswers = new WeakMap<DocumentNode, boolean>();

/**
 * True when a string value of the parsed document (an argument, a list item, an input field, a variable's default
 * value; block strings included) holds text that no authority could store. Checked after parsing because an
 * escape sequence (`\u0000`, `\u{0}`) is plain text in the query but the character it names in the document.
 */
function documentHasUnstorableText(document: DocumentNode): boolean {
  let found = documentAnswers.get(document);
  if (found === undefined) {
    found = false;
    visit(document, {
      StringValue(node) {
        if (!UNSTORABLE.test(node.value)) return undefined;
        found = true;
        return BREAK;
      },
    });
    documentAnswers.set(document, found);
  }
  return found;
}

/**
 * The text rule, defined once for every path a request can take (the request pipeline's plugin below and the
 * prepared operations' fast path): true when the document's string values or the variables hold text no authority
 * could store.
 */
export function hasUnstorableRequestText(document: DocumentNode, variables: unknown): boolean {
  return documentHasUnstorableText(document) || hasUnstorableText(variables);
}

/**
 * Refuses, before any subgraph is called: a document whose operation cannot be told (several operations and no
 * operationName: OPERATION_RESOLUTION_FAILURE, which the gateway's executor would otherwise raise as an
 * internal error), and a document or variables carrying NUL characters or broken UTF-16 (BAD_USER_INPUT;
 * GraphQL string values accept NUL, PostgreSQL text accepts neither).
 */
export function requestHygienePlugin(): ApolloServerPlugin {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ operation, document, request }) {
          if (!operation) {
            throw new GraphQLError('Name the operation to run in operationName', {
              extensions: { code: 'OPERATION_RESOLUTION_FAILURE', http: { status: 400 } },
            });
          }
          if (hasUnstorableRequestText(document, request.variables)) {
            throw new GraphQLError('Queries and variables may not contain NUL characters or unpaired surrogates', {
              extensions: { code: 'BAD_USER_INPUT', http: { status: 400 } },
            });
          }
        },
      };
    },
  };
}
