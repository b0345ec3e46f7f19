import type { ApolloServerPlugin, GraphQLRequestContext } from '@apollo/server';
import DataLoader from 'dataloader';
import { TypeInfo, visit, visitWithTypeInfo, type GraphQLSchema } from 'graphql';
import { DataSource, type EntityManager } from 'typeorm';
import type { Authority } from '../../runtime/authority';
import type { AccessRecord } from '../../schema/accessProof';
import { accessLogConnection, sourced } from './database';
import type { AccessLogWriter } from './accessLog/writer';
import type { Principal } from '../../runtime/principal';

/** What one request did with personal data, written to the authority's access log before the answer leaves. */
export class AuditTrail {
  /** `Type.field` items of this authority's guarded types that the operation asked for. */
  items: string[] = [];
  /** Fields refused to the caller. */
  readonly denied = new Set<string>();
  /** Each person looked at, with the outcome of looking. */
  readonly subjects = new Map<string, 'ok' | 'not_visible' | 'not_found'>();
  /** Subjects already logged as changes inside a command's transaction. */
  readonly changed = new Set<string>();
  action = 'read';

  /** Records that the caller looked a person up, and what came of it. */
  saw(subject: string, outcome: 'ok' | 'not_visible' | 'not_found'): void {
    if (this.subjects.get(subject) !== 'ok') this.subjects.set(subject, outcome);
  }
}

export interface AuditRow {
  subject: string | null;
  items: string[];
  action: string;
  outcome: string;
}

/** Appends one principal's rows to the access log in one statement (inside a change's own transaction). */
export async function writeAccessLog(
  db: DataSource | EntityManager,
  provider: Authority,
  principal: Principal,
  rows: AuditRow[],
): Promise<void> {
  await writeAccessLogRows(db, provider, rows.map((row) => ({ principal, row })));
}

/**
 * Appends rows of any principals in one statement. Rows get no position here and take no lock: the sequencer
 * (accessLog/sequencer.ts) makes them leaves of the authority's Merkle tree log. On the data source the statement
 * counts as the log's (`source="audit"`) and, on PostgreSQL, runs on the log's own connections; inside a change's
 * transaction, as the change's. Either way it fails after the log's timeout (DEFAULT_ACCESS_LOG_TIMEOUT_MS).
 */
export async function writeAccessLogRows(
  db: DataSource | EntityManager,
  provider: Authority,
  entries: Array<{ principal: Principal; row: AuditRow }>,
): Promise<void> {
  if (entries.length === 0) return;
  // The rows go as one JSON parameter, which the server reads in C: as text arrays, every value of every row would
  // be escaped one by one in JavaScript.
  const rows = entries.map(({ principal, row }) => ({
    request_id: principal.requestId || 'none',
    principal: principal.sub,
    role: principal.role,
    agency: principal.agency,
    subject: row.subject,
    items: row.items,
    purpose: principal.purpose,
    action: row.action,
    outcome: row.outcome,
  }));
  const values = [provider, wellFormedJson(rows)];
  if (db instanceof DataSource) {
    const own = accessLogConnection(db);
    await (own ? own.append('access_log_append', APPEND, values) : sourced(db, 'audit').query(APPEND, values));
    return;
  }
  // Inside a change's transaction, which holds the person's row locks: bounded as the log's own connections are,
  // or sooner if the change's own bound is nearer.
  const timeoutMs = accessLogConnection(db.dataSource)?.timeoutMs;
  if (timeoutMs !== undefined) {
    await db.query(
      `SELECT set_config('statement_timeout', least(coalesce(nullif(setting::int, 0), $1::int), $1::int)::text, true) FROM pg_settings WHERE name = 'statement_timeout'`,
      [timeoutMs],
    );
  }
  await db.query(APPEND, values);
}

const APPEND = `INSERT INTO access_log (request_id, principal, role, agency, provider, subject, items, purpose, action, outcome)
  SELECT r.request_id, r.principal, r.role, r.agency, $1, r.subject, r.items, r.purpose, r.action, r.outcome
  FROM json_to_recordset($2::json)
    AS r(request_id text, principal text, role text, agency text, subject text, items text[], purpose text, action text, outcome text)`;

/**
 * The JSON text of `value` with every lone surrogate stored as U+FFFD, as the text of a UTF-8 parameter would be.
 * JSON.stringify writes a lone surrogate as a `\udxxx` escape, which the server refuses, and that would fail every
 * request of the group commit. Only a text holding such an escape is written again with each string repaired: a
 * replacer makes JSON.stringify call back for every key and value, a cost every row would otherwise pay.
 */
export function wellFormedJson(value: unknown): string {
  const text = JSON.stringify(value);
  return text.includes('\\ud') ? JSON.stringify(value, (_key, v: unknown) => (typeof v === 'string' ? v.toWellFormed() : v)) : text;
}

/** The guarded `Type.field` items an operation selects, found by walking it with the schema's type information. */
function requestedItems(schema: GraphQLSchema, document: GraphQLRequestContext<never>['document'], guarded: Set<string>): string[] {
  if (!document) return [];
  const items = new Set<string>();
  const typeInfo = new TypeInfo(schema);
  visit(
    document,
    visitWithTypeInfo(typeInfo, {
      Field(node) {
        const parent = typeInfo.getParentType()?.name;
        if (parent && guarded.has(parent) && !node.name.value.startsWith('__')) items.add(`${parent}.${node.name.value}`);
      },
    }),
  );
  return [...items].sort();
}

/**
 * Writes the request's access-log rows before the response is sent; if they cannot be written, the request
 * fails (an unlogged read must not happen).
 */
export function auditPlugin<TContext extends { audit: AuditTrail; principal: Principal; accessLog: AccessLogWriter }>(
  guardedTypes: string[],
): ApolloServerPlugin<TContext> {
  const guarded = new Set(guardedTypes);
  // Apollo Server keeps one parsed document per query text, so each text is walked once per schema.
  const itemsOf = new WeakMap<GraphQLSchema, WeakMap<object, string[]>>();
  const itemsFor = (schema: GraphQLSchema, document: GraphQLRequestContext<never>['document']): string[] => {
    if (!document) return [];
    let bySchema = itemsOf.get(schema);
    if (!bySchema) itemsOf.set(schema, (bySchema = new WeakMap()));
    let items = bySchema.get(document);
    if (!items) bySchema.set(document, (items = Object.freeze(requestedItems(schema, document, guarded)) as string[]));
    return items;
  };
  return {
    async requestDidStart() {
      return {
        async didResolveOperation(rc) {
          rc.contextValue.audit.items = itemsFor(rc.schema, rc.document as never);
          if (rc.operation?.operation === 'mutation') rc.contextValue.audit.action = 'change';
        },
        async willSendResponse(rc) {
          const { audit, principal, accessLog } = rc.contextValue;
          const forbidden = audit.denied.size > 0 ? `forbidden:${[...audit.denied].sort().join(' ')}` : null;
          // A person found and visible is `error` only when the answer carries no data at all. An error elsewhere
          // in the answer (another lookup's bad number) does not make a read that was answered look failed.
          const body = rc.response.body;
          const failed = body.kind === 'single' && body.singleResult.data == null && (body.singleResult.errors?.length ?? 0) > 0;
          const rows: AuditRow[] = [...audit.subjects]
            .filter(([subject]) => !audit.changed.has(subject))
            .map(([subject, outcome]) => ({
              subject,
              items: audit.items,
              action: audit.action,
              outcome: outcome === 'ok' ? (forbidden ?? (failed ? 'error' : 'ok')) : outcome,
            }));
          try {
            await accessLog.append(principal, rows);
          } catch {
            rc.response.http.status = 503;
            rc.response.body = {
              kind: 'single',
              singleResult: { errors: [{ message: 'The access log could not be written', extensions: { code: 'ACCESS_LOG_UNAVAILABLE' } }] },
            };
          }
        },
      };
    },
  };
}

/** Per-request loader of each person's latest accesses in this authority's log, one statement per batch. */
export function createAccessLogLoader(db: DataSource, limit = 100): DataLoader<string, AccessRecord[]> {
  return new DataLoader(async (subjects) => {
    const rows: Array<AccessRecord & { subject: string }> = await db.query(
      `SELECT l.subject, to_char(l.at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS at, l.provider AS authority,
              l.role, l.agency, l.purpose, l.items, l.action, l.outcome
       FROM unnest($1::text[]) AS s(subject)
       CROSS JOIN LATERAL (SELECT * FROM access_log WHERE subject = s.subject ORDER BY id DESC LIMIT ${limit}) AS l`,
      [subjects],
    );
    const bySubject = new Map<string, AccessRecord[]>();
    for (const { subject, ...record } of rows) bySubject.set(subject, [...(bySubject.get(subject) ?? []), record]);
    return subjects.map((s) => bySubject.get(s) ?? []);
  });
}
