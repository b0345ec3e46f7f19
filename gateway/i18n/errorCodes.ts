/**
 * Every `extensions.code` a client of the gateway can receive. The code is the stable identifier and the message
 * key; the text is looked up per language at the edge (gateway/i18n/messages/<language>.ts, one file per language).
 * errorCodes.test.ts finds the codes raised in the source and fails when one is missing here.
 */
export const ERROR_CODES = [
  // The caller (gateway/auth: staff tokens, partner API keys, purposes, rate limits).
  'UNAUTHENTICATED',
  'INVALID_TOKEN',
  'TOKEN_EXPIRED',
  'UNKNOWN_ROLE',
  'MUNICIPALITY_REQUIRED',
  'MY_NUMBER_REQUIRED',
  'INVALID_API_KEY',
  'API_KEY_REVOKED',
  'API_KEY_EXPIRED',
  'PURPOSE_NOT_ALLOWED',
  'RATE_LIMITED',
  // The request: HTTP (runtime/http.ts) and Apollo Server (ApolloServerErrorCode).
  'BAD_REQUEST',
  'NOT_FOUND',
  'UNSUPPORTED_MEDIA_TYPE',
  'PAYLOAD_TOO_LARGE',
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'BAD_USER_INPUT',
  'OPERATION_RESOLUTION_FAILURE',
  'PERSISTED_QUERY_NOT_FOUND',
  'PERSISTED_QUERY_NOT_SUPPORTED',
  // Operation limits and the safelist (gateway/limits, gateway/persisted).
  'QUERY_TOO_DEEP',
  'TOO_MANY_ALIASES',
  'TOO_MANY_ROOT_FIELDS',
  'TOO_MANY_TOKENS',
  'TOO_MANY_DIRECTIVES',
  'TOO_MANY_SELECTIONS',
  'QUERY_TOO_COSTLY',
  'INTROSPECTION_DISABLED',
  'PERSISTED_QUERY_NOT_IN_LIST',
  // Outages and faults.
  'AUTHORITY_UNAVAILABLE',
  'AUTHORITY_ERROR',
  'ACCESS_LOG_UNAVAILABLE',
  'INTERNAL_SERVER_ERROR',
  // Identifiers (schema/identifiers.ts, raised by every subgraph).
  'INVALID_MY_NUMBER_FORMAT',
  'INVALID_MY_NUMBER_CHECK_DIGIT',
  'INVALID_RESIDENCE_CARD_NUMBER',
  'INVALID_DATE',
  'TOO_MANY_PERSONS',
  // Access and records.
  'FORBIDDEN',
  'PERSON_NOT_FOUND',
  'CARD_NOT_FOUND',
  // Immigration (ISA) lifecycle.
  'NOT_ELIGIBLE',
  'ALREADY_HOLDS_SPECIFIC_CARD',
  'CARD_ALREADY_REPORTED_LOST',
  'CARD_NOT_IN_FORCE',
  'NO_CARD_IN_FORCE',
  'NO_PERIOD_OF_STAY',
  'INVALID_NEW_EXPIRY',
  'STATUS_CHANGE_NOT_APPLICABLE',
  'SAME_STATUS',
  'APPLICATION_AFTER_STAY_ENDED',
  'APPLICATION_ALREADY_PENDING',
  'NO_PENDING_APPLICATION',
  'APPLICATION_KIND_NOT_APPLICABLE',
  'ONE_PERSON_IDENTIFIER_REQUIRED',
  // My Number (J-LIS) lifecycle.
  'MY_NUMBER_CARD_ALREADY_ISSUED',
  'SPECIFIC_CARD_CARRIES_FUNCTION',
  'NO_ACTIVE_MY_NUMBER_CARD',
  'CERTIFICATES_NOT_ACTIVE',
  'CERTIFICATES_NOT_SUSPENDED',
  // Resident registry (municipalities) lifecycle.
  'RESIDENCE_CARD_NUMBER_MISMATCH',
  'UNKNOWN_MUNICIPALITY',
  'INVALID_NAME_OR_ADDRESS',
  'RESIDENT_ALREADY_REGISTERED',
  'RESIDENT_REMOVED',
  'MOVE_OUT_PENDING',
  'SAME_MUNICIPALITY',
  'SAME_ADDRESS',
  'RESIDENCE_CARD_MISMATCH',
  // The access history (subgraphs/kit/accessHistory.ts).
  'INVALID_PAGE_SIZE',
  'INVALID_CURSOR',
  // Statistics (subgraphs/kit/statistics).
  'STATISTICS_DUPLICATE_DIMENSION',
  'STATISTICS_DIMENSION_NOT_HELD',
  'STATISTICS_UNKNOWN_CODE',
  'STATISTICS_TOTAL_SUPPRESSED',
  'STATISTICS_TABLE_TOO_LARGE',
  'STATISTICS_BUDGET_SPENT',
  'UNKNOWN_LANGUAGE',
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

const KNOWN: ReadonlySet<string> = new Set(ERROR_CODES);

/** True for a code that has a message in every language. */
export function isErrorCode(code: unknown): code is ErrorCode {
  return typeof code === 'string' && KNOWN.has(code);
}
