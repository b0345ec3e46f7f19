/**
 * Statistics answers served again without executing them, while they are still the answer.
 *
 * A large table is thousands of cells, each a handful of fields: executing it (graphql-js walking every cell,
 * every coordinate's label) costs far more than computing the table, which the cube caches already. So an
 * operation that asks only for statistics keeps its result, together with what it was made from: the cube's
 * answer objects (the cube returns the same object for as long as the tables under it are unchanged), the date
 * and the year ends on record. Asked again, the counts are read first, exactly as the resolver does, and the
 * kept result is sent only if every one of those is still the same. Otherwise the answer is made anew: written
 * without the executor when the operation is simple enough (writeAnswer.ts), else executed as usual.
 *
 * Only for analysts (anyone else is refused by the resolver, every time), only results without errors, and only
 * when the HTTP layer keeps and sends bodies (`keptResponse`, runtime/http.ts).
 */
import { HeaderMap, type ApolloServerPlugin, type GraphQLRequestContext, type GraphQLResponse } from '@apollo/server';
import { Kind } from 'graphql';
import type { KeptResponse } from '../../../runtime/http';
import type { Principal } from '../../../runtime/principal';
import { readForRequest, type StatisticsAnswer, type StatisticsCube, type StatisticsQuery, type StatisticsRequest } from './cube';
import { PURE_TYPES, requireAnalyst } from './resolver';
import { writeAnswer } from './writeAnswer';

/** What a statistics resolver used, recorded on the request's context. */
export interface StatisticsUse {
  query: StatisticsQuery;
  answer: StatisticsAnswer;
}

export interface StatisticsContext extends StatisticsRequest {
  principal: Principal;
  today: string;
  /** Filled by the statistics resolvers during execution. */
  statisticsUsed?: StatisticsUse[];
  /** Present when the HTTP layer sends a kept body itself (runtime/http.ts). */
  keptResponse?: KeptResponse;
}

interface Entry {
  used: StatisticsUse[];
  today: string;
  yearEnds: number;
  cells: number;
  /** The body as it was sent (its bytes, encoded once). */
  text: Buffer;
}

/** Cells kept at most, over all kept results (a cell is a few hundred bytes once executed). */
const MAX_CELLS = 300_000;

const STATISTICS_FIELDS = new Set(['foreignResidentStatistics', 'residentRegistryStatistics', '__typename']);

export function statisticsResponseCache<TContext extends StatisticsContext>(
  options: { served?: (how: 'kept' | 'written' | 'executed') => void; maxCells?: number } = {},
): ApolloServerPlugin<TContext> {
  const maxCells = options.maxCells ?? MAX_CELLS;
  const entries = new Map<string, Entry>();
  let cells = 0;
  const forget = (key: string) => {
    const entry = entries.get(key);
    if (!entry) return;
    entries.delete(key);
    cells -= entry.cells;
  };
  const keyOf = (rc: GraphQLRequestContext<TContext>) =>
    `${rc.operationName ?? ''}\u0000${rc.source ?? ''}\u0000${JSON.stringify(rc.request.variables ?? {})}`;

  /** The HTTP layer sends `text` in place of the stand-in answer returned here. */
  const sendInstead = (rc: GraphQLRequestContext<TContext>, text: string | Buffer): GraphQLResponse => {
    rc.contextValue.keptResponse!.text = text;
    return { http: { status: undefined, headers: new HeaderMap() }, body: { kind: 'single', singleResult: { data: null } } };
  };

  /** Answers without the executor when the operation is simple enough (writeAnswer.ts), and keeps that answer. */
  const write = async (rc: GraphQLRequestContext<TContext>): Promise<GraphQLResponse | null> => {
    const ctx = rc.contextValue;
    const text = rc.operation ? await writeAnswer(rc.schema, rc.operation, rc.request.variables, ctx, PURE_TYPES) : undefined;
    const used = ctx.statisticsUsed ?? [];
    if (text === undefined) {
      ctx.statisticsUsed = []; // the executor runs the resolvers again
      return null;
    }
    options.served?.('written');
    const entry = entryOf(ctx, used);
    if (entry) remember(keyOf(rc), entry(text));
    ctx.statisticsUsed = undefined; // nothing left for willSendResponse to keep
    return sendInstead(rc, text);
  };

  /** What keeping an answer made from `used` would store, given its body; undefined when it is too large to keep. */
  const entryOf = (ctx: TContext, used: StatisticsUse[]): ((text: string | Buffer) => Entry) | undefined => {
    const size = used.reduce((n, use) => n + use.answer.counts.length, 0) + 1;
    if (used.length === 0 || size > maxCells) return undefined;
    const { today } = ctx;
    const yearEnds = ctx.statistics?.yearEnds?.size ?? 0;
    return (text) => ({ used, today, yearEnds, cells: size, text: typeof text === 'string' ? Buffer.from(text) : text });
  };

  const remember = (key: string, entry: Entry) => {
    forget(key);
    entries.set(key, entry);
    cells += entry.cells;
    for (const old of entries.keys()) {
      if (cells <= maxCells) break;
      forget(old);
    }
  };

  return {
    async requestDidStart() {
      let cacheable = false;
      return {
        async didResolveOperation(rc) {
          const { contextValue: ctx, operation } = rc;
          cacheable =
            ctx.statistics !== undefined &&
            ctx.keptResponse !== undefined &&
            operation !== undefined &&
            operation.operation === 'query' &&
            operation.selectionSet.selections.every((s) => s.kind === Kind.FIELD && STATISTICS_FIELDS.has(s.name.value));
          if (!cacheable) return;
          try {
            requireAnalyst(ctx.principal);
          } catch {
            cacheable = false; // the resolver refuses it, each time
          }
          if (cacheable) ctx.statisticsUsed = [];
        },

        async responseForOperation(rc) {
          if (!cacheable) return null;
          const key = keyOf(rc);
          const entry = entries.get(key);
          if (!entry) return write(rc);
          const cube = rc.contextValue.statistics as StatisticsCube;
          // The read the resolver waits for: every count committed before this request, the year ends. When it
          // fails, nothing can show the kept answer current: the executor answers, and its resolver reports the
          // read's error as any request's would (not a failed request, which the gateway takes for an outage).
          try {
            await readForRequest(rc.contextValue);
          } catch {
            cacheable = false;
            return null;
          }
          const current =
            entry.today === rc.contextValue.today &&
            entry.yearEnds === (cube.yearEnds?.size ?? 0) &&
            entry.used.every((use) => sameAnswer(cube, use));
          if (!current) {
            forget(key);
            return write(rc);
          }
          // Most recently used last, for eviction.
          entries.delete(key);
          entries.set(key, entry);
          cacheable = false; // nothing to keep from this one
          options.served?.('kept');
          return sendInstead(rc, entry.text);
        },

        async willSendResponse(rc) {
          const { statisticsUsed: used, keptResponse: kept } = rc.contextValue;
          if (!cacheable || !used || used.length === 0 || rc.response.body.kind !== 'single') return;
          options.served?.('executed');
          if (!kept || rc.response.body.singleResult.errors?.length) return;
          const entry = entryOf(rc.contextValue, used);
          if (!entry) return;
          const key = keyOf(rc);
          // Kept once the HTTP layer has sent it as a plain success (runtime/http.ts).
          kept.keep = (text) => remember(key, entry(text));
        },
      };
    },
  };
}

/** Whether the cube still gives the very answer a kept result was made from. */
function sameAnswer(cube: StatisticsCube, use: StatisticsUse): boolean {
  try {
    return cube.answer(use.query) === use.answer;
  } catch {
    return false;
  }
}
