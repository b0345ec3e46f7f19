import type { ApolloServerPlugin } from '@apollo/server';
import { GraphQLError, type DocumentNode, type OperationDefinitionNode } from 'graphql';
import { rootFieldNodes } from '../../subgraphs/kit/rootFields';
import type { GatewayContext } from '../server';
import type { KeyRateLimiter } from './apiKeys';

/** The only operation field a partner may ask for. */
export const PARTNER_FIELDS = new Set(['verifyResidenceCard']);

/** The root fields an operation asks for (aliases each count, `__typename` is free): what a partner is charged for. */
export function rootFieldsOf(document: DocumentNode, operation: OperationDefinitionNode): string[] {
  return rootFieldNodes(document, operation)
    .map((field) => field.name.value)
    .filter((f) => f !== '__typename');
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
