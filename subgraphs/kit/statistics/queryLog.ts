/**
 * Every statistics query in the answering authority's access log: who asked (the principal, role, agency and
 * purpose the access log records for every read), which table (the field and its groupBy) and which filter. The
 * row has no subject (no person is read); its items name the table and the filter, its action is `statistics`
 * and its outcome is `ok` or the error code the caller got for that table (or for the whole request). Logged for every way an answer leaves (executed,
 * written without the executor, or sent from a kept answer: responseCache.ts), and, as for every read, nothing is
 * answered unless its row is written.
 *
 * The same plugin spends the caller's daily statistics budget (budget.ts), one per table field asked, once the
 * operation is known and before anything answers it (the response cache's `responseForOperation` and the executor
 * both come later in Apollo Server's request pipeline), so a refusal is logged like any other outcome. The
 * request's read of the counts (cube.ts, readForRequest) starts here too, beside the budget.
 */
import type { ApolloServerPlugin } from '@apollo/server';
import { getArgumentValues, getVariableValues } from 'graphql';
import type { DataSource } from 'typeorm';
import type { AuditRow } from '../audit';
import type { AccessLogWriter } from '../accessLog/writer';
import type { Principal } from '../../../runtime/principal';
import { rootFieldNodes } from '../../../runtime/rootFields';
import { spendStatisticsBudget, type StatisticsBudgetOptions } from './budget';
import { readForRequest, type StatisticsRequest } from './cube';
import { isAnalyst } from './resolver';

/** The fields that answer statistics tables. */
const TABLE_FIELDS: ReadonlySet<string> = new Set(['foreignResidentStatistics', 'residentRegistryStatistics']);

/**
 * A query as access-log items: `<field>`, `groupBy:<dimensions joined by +>`, then `filter.<field>=<code>` per filter
 * field in name order (items are stored as a text array and never hold a comma). An item is kept as asked up to
 * ITEM_CHARS characters; a longer one (a filter value no code comes near) keeps its start and its length, so that no
 * caller can make its rows, and the group commit they share with every other request, as large as it likes.
 */
export function queryItems(field: string, args: { groupBy?: unknown; filter?: unknown }): string[] {
  const groupBy = Array.isArray(args.groupBy) ? args.groupBy.map(String) : [];
  const filter = Object.entries((args.filter ?? {}) as Record<string, unknown>)
    .filter(([, code]) => code !== null && code !== undefined)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([name, code]) => `filter.${name}=${String(code)}`.replace(/,/g, ' '));
  return [field, `groupBy:${groupBy.join('+')}`, ...filter].map(bounded);
}

const ITEM_CHARS = 128;

function bounded(item: string): string {
  return item.length <= ITEM_CHARS ? item : `${item.slice(0, 96)}…(${item.length} characters)`;
}

export function statisticsQueryLog<TContext extends StatisticsRequest & { principal: Principal; accessLog: AccessLogWriter; db: DataSource }>(
  budget: StatisticsBudgetOptions,
): ApolloServerPlugin<TContext> {
  return {
    async requestDidStart() {
      /** Each table asked: its response key (alias or field) and its items. */
      const asked: Array<{ key: string; items: string[] }> = [];
      return {
        async didResolveOperation(rc) {
          const fields = rc.schema.getQueryType()?.getFields();
          if (!fields || rc.operation?.operation !== 'query') return;
          let variables: ReturnType<typeof getVariableValues> | undefined;
          for (const selection of rootFieldNodes(rc.document, rc.operation)) {
            if (!TABLE_FIELDS.has(selection.name.value)) continue;
            // The variables as the executor sees them: with the operation's declared defaults, which the client
            // need not send (a filter given only as a default is still a filter).
            variables ??= getVariableValues(rc.schema, rc.operation.variableDefinitions ?? [], rc.request.variables ?? {});
            const def = fields[selection.name.value];
            if (!def) continue;
            const key = selection.alias?.value ?? selection.name.value;
            try {
              if (!variables.coerced) throw new Error('variables refused');
              asked.push({ key, items: queryItems(selection.name.value, getArgumentValues(def, selection, variables.coerced)) });
            } catch {
              asked.push({ key, items: [selection.name.value, 'arguments:invalid'] }); // refused by the executor: logged as asked
            }
          }
          if (asked.length === 0) return;
          // The counts are read while the budget is spent (analysts only: anyone else is refused unread). Both are
          // done before anything answers: the resolver and the response cache wait for the read.
          if (isAnalyst(rc.contextValue.principal)) void readForRequest(rc.contextValue);
          // Thrown here, the refusal is the response, and willSendResponse logs it with its code.
          await spendStatisticsBudget(rc.contextValue.db, rc.contextValue.principal, asked.length, budget);
        },
        async willSendResponse(rc) {
          if (asked.length === 0) return;
          // Each table's own outcome: the first error of the request as a whole (no path: the budget, a refused
          // caller) or of that table; when the answer carries no data, the first table's error (else the request's
          // first), since no table left. An error of another field asked beside an answered table does not make it look refused.
          const body = rc.response.body.kind === 'single' ? rc.response.body.singleResult : undefined;
          const errors = body?.errors ?? [];
          const tables = new Set(asked.map((a) => a.key));
          const nothingLeft = body?.data == null ? (errors.find((e) => tables.has(String(e.path?.[0]))) ?? errors[0]) : undefined;
          const outcomeOf = (key: string) => {
            const error = errors.find((e) => !e.path?.length || e.path[0] === key) ?? nothingLeft;
            return error ? String(error.extensions?.code ?? 'error') : 'ok';
          };
          const rows: AuditRow[] = asked.map(({ key, items }) => ({ subject: null, items, action: 'statistics', outcome: outcomeOf(key) }));
          try {
            await rc.contextValue.accessLog.append(rc.contextValue.principal, rows);
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
