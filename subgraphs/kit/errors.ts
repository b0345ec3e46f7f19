import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import { unwrapResolverError } from '@apollo/server/errors';

/** The guarded `Type.field` items whose values a refusal shows in its extensions, by refusal. */
const REVEALED = new WeakMap<GraphQLError, readonly string[]>();

/**
 * A client error with a stable `extensions.code` (the message is English; languages come at the edge). `revealed`:
 * the guarded `Type.field` items whose values `extra` shows about the person, named in the attempt's access-log row
 * as a read's row names what it gave.
 */
export function userError(code: string, message: string, extra: Record<string, unknown> = {}, revealed: readonly string[] = []): GraphQLError {
  const error = new GraphQLError(message, { extensions: { code, ...extra } });
  if (revealed.length > 0) REVEALED.set(error, revealed);
  return error;
}

/** The items a refusal shows (userError's `revealed`), sorted; none for any other error. */
export function revealedItems(error: unknown): string[] {
  return error instanceof GraphQLError ? [...(REVEALED.get(error) ?? [])].sort() : [];
}

/** Errors we raised on purpose pass through; anything else is masked so no SQL or stack leaves the process. */
export function maskError(formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError {
  const original = unwrapResolverError(error);
  if (original instanceof GraphQLError) {
    const { stacktrace: _stacktrace, ...extensions } = formatted.extensions ?? {};
    return { ...formatted, extensions };
  }
  return { message: 'Internal server error', path: formatted.path, extensions: { code: 'INTERNAL_SERVER_ERROR' } };
}
