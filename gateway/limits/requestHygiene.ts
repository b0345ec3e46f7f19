import { BREAK, visit, type DocumentNode } from 'graphql';

/** A NUL character, or half of a UTF-16 surrogate pair: neither can be stored as text by any authority. */
const UNSTORABLE = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** True when every authority can store the text (no NUL, no unpaired surrogate). */
export function isStorableText(text: string): boolean {
  return !UNSTORABLE.test(text);
}

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
 * The text rule (applied by gateway/requestChecks.ts on every path a request can take): true when the document's string values or the variables hold text no authority
 * could store.
 */
export function hasUnstorableRequestText(document: DocumentNode, variables: unknown): boolean {
  return documentHasUnstorableText(document) || hasUnstorableText(variables);
}
