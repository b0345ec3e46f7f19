import type { ApolloServerPlugin } from '@apollo/server';
import { GraphQLError, type DocumentNode, type OperationDefinitionNode } from 'graphql';
import { PARTNER_FIELDS, rootFieldsOf } from './auth/partnerFields';
import type { KeyRateLimiter } from './auth/apiKeys';
import { hasUnstorableRequestText } from './limits/requestHygiene';
import { loggableOperationName } from './logging';
import { clientKindOf, type PersistedManifest, type SafelistMode } from './persisted/safelist';
import type { GatewayContext } from './server';

/**
 * The gateway's checks on a request whose operation is known, defined once and applied by both paths a request
 * can take: Apollo Server's pipeline (requestChecksPlugin, after the operation is resolved) and the prepared
 * operations' fast path (gateway/prepared/servePrepared.ts, which leaves any request a check refuses to the
 * pipeline, so the refusal is the pipeline's). A check added to REQUEST_CHECKS cannot be skipped by either.
 *
 * Checks run in order and the first refusal wins; a refused request goes no further (a partner refused for an
 * unapproved operation takes nothing from its rate limit). Nothing here calls a subgraph.
 */
export interface CheckedRequest {
  document: DocumentNode;
  operation: OperationDefinitionNode;
  /** The operation's name as the request resolved it. */
  operationName: string | null;
  /** The SHA-256 of the document's text (Apollo Server's queryHash). */
  queryHash: string;
  variables: Record<string, unknown> | undefined;
  context: GatewayContext;
}

export interface RequestCheck {
  /** For logs and tests. */
  name: string;
  /** A refusal (the error the client gets), or undefined when the request passes. */
  check(request: CheckedRequest): GraphQLError | undefined | Promise<GraphQLError | undefined>;
}

export interface CheckOptions {
  manifest: PersistedManifest;
  safelist: SafelistMode;
  limiter: KeyRateLimiter;
}

/** Every check, in the order they run. */
export function requestChecks({ manifest, safelist, limiter }: CheckOptions): RequestCheck[] {
  const approved = new Map(manifest.operations.map((op) => [op.id, op]));
  return [
    {
      // Not a refusal: the operation, the caller's role and client kind go to the request's log line (codes and
      // names only; never a variable or a query text).
      name: 'log line',
      check({ operation, operationName, queryHash, context }) {
        const log = context.scope?.log;
        if (!log) return undefined;
        const listed = approved.get(queryHash);
        log.kind = operation.operation;
        log.role = context.principal.role;
        log.client = clientKindOf(context.principal.role);
        log.persisted = listed !== undefined;
        log.operation = listed ? listed.name : loggableOperationName(operationName);
        return undefined;
      },
    },
    {
      // GraphQL string values accept NUL and broken UTF-16; no authority can store either (escapes included).
      name: 'storable text',
      check({ document, variables }) {
        if (!hasUnstorableRequestText(document, variables)) return undefined;
        return new GraphQLError('Queries and variables may not contain NUL characters or unpaired surrogates', {
          extensions: { code: 'BAD_USER_INPUT', http: { status: 400 } },
        });
      },
    },
    {
      // In `enforce` mode only the manifest's operations for the caller's client kind run.
      name: 'safelist',
      check({ queryHash, context }) {
        const client = clientKindOf(context.principal.role);
        if (safelist !== 'enforce' || approved.get(queryHash)?.clients.includes(client)) return undefined;
        return new GraphQLError(`Only the approved operations of ${client} clients run here`, {
          extensions: { code: 'PERSISTED_QUERY_NOT_IN_LIST', http: { status: 400 } },
        });
      },
    },
    {
      // Partners may only check cards, and each check counts against the key's rate limit (aliases and batches
      // cost what they ask for). Last: a request refused before takes nothing, and a refused take takes nothing.
      name: 'partner fields and rate limit',
      async check({ document, operation, context }) {
        const key = context.partnerKey;
        if (!key) return undefined;
        const fields = rootFieldsOf(document, operation);
        if (operation.operation !== 'query' || fields.some((f) => !PARTNER_FIELDS.has(f))) {
          return new GraphQLError('API keys may only check residence cards (verifyResidenceCard)', {
            extensions: { code: 'FORBIDDEN', http: { status: 403 } },
          });
        }
        const taken = await limiter.take(key.id, key.ratePerMinute, fields.length);
        if (taken.ok) return undefined;
        return new GraphQLError(`Rate limit of ${key.ratePerMinute} checks per minute exceeded`, {
          extensions: {
            code: 'RATE_LIMITED',
            retryAfterSeconds: taken.retryAfterSeconds,
            http: { status: 429, headers: new Map([['retry-after', String(taken.retryAfterSeconds)]]) },
          },
        });
      },
    },
  ];
}

/** The first refusal of the checks, in order; undefined when the request passes them all. */
export async function firstRefusal(checks: readonly RequestCheck[], request: CheckedRequest): Promise<GraphQLError | undefined> {
  for (const { check } of checks) {
    const refusal = await check(request);
    if (refusal) return refusal;
  }
  return undefined;
}

/**
 * The checks in Apollo Server's pipeline, once the operation is resolved and before any subgraph is called. A
 * document whose operation cannot be told (several operations and no operationName) is refused first
 * (OPERATION_RESOLUTION_FAILURE, which the gateway's executor would otherwise raise as an internal error).
 */
export function requestChecksPlugin(checks: readonly RequestCheck[]): ApolloServerPlugin<GatewayContext> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ document, operation, operationName, queryHash, request, contextValue }) {
          if (!operation) {
            throw new GraphQLError('Name the operation to run in operationName', {
              extensions: { code: 'OPERATION_RESOLUTION_FAILURE', http: { status: 400 } },
            });
          }
          const refusal = await firstRefusal(checks, { document, operation, operationName, queryHash, variables: request.variables, context: contextValue });
          if (refusal) throw refusal;
        },
      };
    },
  };
}
