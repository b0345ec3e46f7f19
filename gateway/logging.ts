import { AsyncLocalStorage } from 'node:async_hooks';
import type { IncomingMessage } from 'node:http';
import type { ApolloServerPlugin } from '@apollo/server';
import type { Logger } from 'pino';
import type { Language } from '../schema/codes';
import type { AccessLogEntry } from '../subgraphs/kit/http';

/**
 * What the gateway knows about the request it is handling: its id, the caller's language, and the fields of its
 * log line. The log line carries codes, names and counts only: never a variable, a query text, a token or a
 * record (no My Number, name or card number ever reaches a log).
 */
export interface RequestScope {
  requestId: string;
  language: Language;
  log: {
    operation?: string;
    kind?: string;
    persisted?: boolean;
    client?: string;
    role?: string;
    codes: string[];
  };
}

const storage = new AsyncLocalStorage<RequestScope>();
const scopes = new WeakMap<IncomingMessage, RequestScope>();

/** Handles one request inside its scope, so error formatting and subgraph calls can read it. */
export function runInScope(req: IncomingMessage, scope: RequestScope, handle: () => void): void {
  scopes.set(req, scope);
  storage.run(scope, handle);
}

/** The scope of the request being handled, if any. */
export function currentScope(): RequestScope | undefined {
  return storage.getStore();
}

/** One JSON line per request: the HTTP facts from the server, the GraphQL facts gathered on the way. */
export function accessLog(logger: Logger): (req: IncomingMessage, entry: AccessLogEntry) => void {
  return (req, entry) => {
    const scope = scopes.get(req);
    const log = scope?.log;
    const codes = [...new Set([...(log?.codes ?? []), ...(entry.code ? [entry.code] : [])])];
    logger.info({ ...entry, ...log, requestId: scope?.requestId ?? entry.requestId, codes: codes.length ? codes : undefined }, 'request');
  };
}

const OPERATION_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;

/** An operation name fit for a log line: a plain identifier with no run of digits that could be an identifier. */
export function loggableOperationName(name: string | null | undefined): string | undefined {
  return name && OPERATION_NAME.test(name) && !/\d{4}/.test(name) ? name : undefined;
}

/** Adds the operation (kind, a safe name) and the caller's role to the request's log line. */
export function operationLogPlugin(): ApolloServerPlugin<{ principal: { role: string } }> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ operation, operationName, contextValue }) {
          const log = currentScope()?.log;
          if (!log) return;
          log.kind = operation?.operation;
          log.role = contextValue.principal.role;
          log.operation ??= loggableOperationName(operationName);
        },
      };
    },
  };
}
