import type { IncomingMessage } from 'node:http';
import type { ApolloServerPlugin } from '@apollo/server';
import type { GraphQLFormattedError } from 'graphql';
import { Counter, type Registry } from 'prom-client';
import type { Language } from '../../schema/codes';
import type { Authority } from '../../runtime/authority';
import type { HttpError } from '../../runtime/http';
import { isErrorCode, type ErrorCode } from '../i18n/errorCodes';
import { errorMessage, negotiateLanguage } from '../i18n';
import { LIMIT_CODES } from '../limits/operationLimits';
import { scopeOf, type RequestScope } from '../logging';

/** Apollo Server's validation rule codes (`extensions.validationErrorCode`) and the code the client gets for each. */
const VALIDATION_CODES: Readonly<Record<string, ErrorCode>> = {
  INTROSPECTION_DISABLED: 'INTROSPECTION_DISABLED',
  MAX_RECURSIVE_SELECTIONS_EXCEEDED: 'TOO_MANY_SELECTIONS',
  ...Object.fromEntries(LIMIT_CODES.map((code) => [code, code])),
};

/** Codes whose original (English) text describes the request itself and helps its author: kept as `detail` outside production. */
const REQUEST_SHAPE: ReadonlySet<string> = new Set([
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'BAD_USER_INPUT',
  'BAD_REQUEST',
  'OPERATION_RESOLUTION_FAILURE',
  ...Object.values(VALIDATION_CODES),
  'TOO_MANY_TOKENS',
]);

/** Extensions that say how the gateway works inside: never sent. */
const INTERNAL_EXTENSIONS = ['serviceName', 'stacktrace', 'exception', 'response', 'http', 'validationErrorCode'];

/** The code a client gets for an error: Apollo's generic codes refined, anything unexplained masked. */
export function clientCode(formatted: GraphQLFormattedError): string {
  const extensions = formatted.extensions ?? {};
  const code = typeof extensions.code === 'string' ? extensions.code : 'INTERNAL_SERVER_ERROR';
  const rule = extensions.validationErrorCode;
  if (code === 'GRAPHQL_VALIDATION_FAILED' && typeof rule === 'string' && VALIDATION_CODES[rule]) return VALIDATION_CODES[rule];
  // graphql-js reports its token limit (Apollo's parseOptions.maxTokens) as a syntax error ("more that" in graphql 16).
  if (code === 'GRAPHQL_PARSE_FAILED' && /Document contains more th(?:an|at) \d+ tokens/.test(formatted.message)) return 'TOO_MANY_TOKENS';
  if (isErrorCode(code)) return code;
  // A subgraph's own code that the catalogue does not know yet keeps its English text; anything else is masked.
  return typeof extensions.serviceName === 'string' ? code : 'INTERNAL_SERVER_ERROR';
}

/**
 * The gateway's `formatError`, the one place where errors are made fit for a client: the code stays stable
 * (`extensions.code`, also `extensions.messageKey`), the message is replaced by the text in the caller's
 * language, internal details (stack, subgraph responses, internal URLs) are dropped, and an unexplained error
 * becomes INTERNAL_SERVER_ERROR. Given the request's scope, it writes in the caller's language and puts the code
 * on the request's log line; Apollo Server calls it without one (English), and translateErrorsPlugin then
 * translates and logs what it made.
 */
export function createFormatError(options: { production: boolean; registry: Registry }) {
  const counted = new Counter({
    name: 'gateway_errors_total',
    help: 'Errors returned to clients, by code',
    labelNames: ['code'],
    registers: [options.registry],
  });
  return (formatted: GraphQLFormattedError, _error?: unknown, scope?: RequestScope): GraphQLFormattedError => {
    const language = scope?.language ?? 'en';
    const code = clientCode(formatted);
    counted.inc({ code });
    scope?.log.codes.push(code);
    if (code === 'INTERNAL_SERVER_ERROR') {
      return { message: errorMessage(code, language), path: formatted.path, extensions: { code, messageKey: code } };
    }
    const extensions: Record<string, unknown> = { ...formatted.extensions };
    for (const key of INTERNAL_EXTENSIONS) delete extensions[key];
    const authority = typeof extensions.authority === 'string' ? (extensions.authority as Authority) : undefined;
    const message = isErrorCode(code) ? errorMessage(code, language, authority) : formatted.message;
    if (REQUEST_SHAPE.has(code) && !options.production) extensions.detail = formatted.message;
    return { ...formatted, message, extensions: { ...extensions, code, messageKey: code } };
  };
}

/**
 * Errors formatted without the request's scope (in English), put in the caller's language, their codes on the
 * request's log line: the text of each catalogued code (`extensions.messageKey`) in `scope.language`; any other
 * message is kept.
 */
export function translateErrors(errors: readonly GraphQLFormattedError[], scope: RequestScope): GraphQLFormattedError[] {
  return errors.map((error) => {
    const code = error.extensions?.messageKey;
    if (typeof code !== 'string') return error;
    scope.log.codes.push(code);
    if (scope.language === 'en' || !isErrorCode(code)) return error;
    const authority = typeof error.extensions?.authority === 'string' ? (error.extensions.authority as Authority) : undefined;
    return { ...error, message: errorMessage(code, scope.language, authority) };
  });
}

/** Puts the errors of every answer of Apollo Server's request pipeline in the caller's language (translateErrors). */
export function translateErrorsPlugin(): ApolloServerPlugin<{ scope?: RequestScope }> {
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ response, contextValue }) {
          const scope = contextValue.scope;
          if (!scope) return;
          const result = response.body.kind === 'single' ? response.body.singleResult : response.body.initialResult;
          if (result.errors) (result as { errors?: readonly GraphQLFormattedError[] }).errors = translateErrors(result.errors, scope);
          scope.translated = true;
        },
      };
    },
  };
}

/**
 * A body Apollo Server wrote outside its request pipeline (a request refused before it started, such as a body
 * of the wrong shape): its errors in the caller's language, their codes on the log line. Any other body, and a
 * body that is not a JSON object with errors, is returned as it is.
 */
export function translateOutsidePipeline(req: IncomingMessage, body: string): string {
  const scope = scopeOf(req);
  if (!scope || scope.translated) return body;
  scope.translated = true;
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return body;
  }
  const errors = (parsed as { errors?: unknown } | null)?.errors;
  if (!Array.isArray(errors)) return body;
  const translated = translateErrors(errors as GraphQLFormattedError[], scope);
  if (scope.language === 'en') return body;
  return `${JSON.stringify({ ...(parsed as object), errors: translated })}\n`;
}

/**
 * The body of an HTTP-level error (refused before GraphQL: authentication, body size, content type), translated.
 * Outside production an error about the request's shape also says what exactly is wrong (`detail`, as formatError).
 */
export function httpErrorBody(
  req: IncomingMessage,
  error: HttpError,
  { production = true }: { production?: boolean } = {},
): { message: string; extensions: Record<string, unknown> } {
  const scope = scopeOf(req);
  const language: Language = scope?.language ?? negotiateLanguage(header(req, 'accept-language'));
  scope?.log.codes.push(error.code);
  // A code the catalogue does not know yet keeps the English text it was raised with.
  const message = isErrorCode(error.code) ? errorMessage(error.code, language) : error.message;
  const extensions: Record<string, unknown> = { code: error.code, messageKey: error.code };
  if (REQUEST_SHAPE.has(error.code) && !production) extensions.detail = error.detail ? `${error.message}: ${error.detail}` : error.message;
  return { message, extensions };
}

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value.join(',') : value;
}
