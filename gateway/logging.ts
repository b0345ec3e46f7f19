import type { IncomingMessage } from 'node:http';
import type { Logger } from 'pino';
import type { Language } from '../schema/codes';
import type { AccessLogEntry } from '../runtime/http';

/**
 * What the gateway knows about the request it is handling: its id, the caller's language, and the fields of its
 * log line. The log line carries codes, names and counts only: never a variable, a query text, a token or a
 * record (no My Number, name or card number ever reaches a log).
 */
export interface RequestScope {
  requestId: string;
  language: Language;
  /** Set once the errors of the answer are in the caller's language and in the log line (translateErrorsPlugin). */
  translated?: boolean;
  log: {
    operation?: string;
    kind?: string;
    persisted?: boolean;
    client?: string;
    role?: string;
    codes: string[];
  };
}

/**
 * The scope of each request being handled, by its IncomingMessage; Apollo Server's plugins and the data sources
 * reach it through the request's context (GatewayContext.scope). Kept by hand rather than in an
 * AsyncLocalStorage: on Node 20 one in use adds a hook to every promise the process makes, which the gateway
 * pays on every request (docs/performance.md has the figures).
 */
const scopes = new WeakMap<IncomingMessage, RequestScope>();

/** Opens the scope of a request, before it is handled. */
export function openScope(req: IncomingMessage, scope: RequestScope): void {
  scopes.set(req, scope);
}

/** The scope of a request, once opened. */
export function scopeOf(req: IncomingMessage): RequestScope | undefined {
  return scopes.get(req);
}

/** One JSON line per request: the HTTP facts from the server, the GraphQL facts gathered on the way. */
export function accessLog(logger: Logger): (req: IncomingMessage, entry: AccessLogEntry) => void {
  return (req, entry) => {
    const scope = scopes.get(req);
    const log = scope?.log;
    const all = entry.code ? [...(log?.codes ?? []), entry.code] : log?.codes;
    const codes = all && all.length > 0 ? [...new Set(all)] : undefined;
    logger.info({ ...entry, ...log, requestId: scope?.requestId ?? entry.requestId, codes }, 'request');
  };
}

const OPERATION_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;

/** An operation name fit for a log line: a plain identifier with no run of digits that could be an identifier. */
export function loggableOperationName(name: string | null | undefined): string | undefined {
  return name && OPERATION_NAME.test(name) && !/\d{4}/.test(name) ? name : undefined;
}
