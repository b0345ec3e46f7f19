import DataLoader from 'dataloader';
import type { DataSource } from 'typeorm';
import { parseDate } from '../../schema/identifiers';
import { leafRef } from './accessLog/leaf';
import type { ProvableEntry } from './accessLog/proofs';
import type { AccessRecord } from '../../schema/accessProof';
import { userError } from './errors';

/** At most this many entries in one page of a person's access history. */
export const MAX_PAGE = 200;

/** The arguments of an `<authority>AccessHistory` field. */
export interface HistoryArgs {
  first?: number | null;
  after?: string | null;
  since?: string | null;
  until?: string | null;
}

/** One entry of a history page: the access, and what finds its inclusion proof. */
export type HistoryEntry = AccessRecord & ProvableEntry;

/** One page of a person's access history at one authority, newest first. */
export interface HistoryPage {
  entries: HistoryEntry[];
  /** Pass as `after` for the next page; null on the last page. */
  endCursor: string | null;
  hasNextPage: boolean;
}

interface Window {
  first: number;
  /** Entries older than this log row id (exclusive); null from the newest. */
  before: string | null;
  since: string | null;
  until: string | null;
}

/**
 * Checks a page request: a size of 1 to 200, a cursor this authority gave out, dates written yyyy-mm-dd, a period
 * that does not end before it starts. The cursor is the last entry's row id, opaque to the client.
 */
export function historyWindow(args: HistoryArgs): Window {
  const first = args.first ?? 50;
  if (!Number.isInteger(first) || first < 1 || first > MAX_PAGE) throw userError('INVALID_PAGE_SIZE', `A page holds 1 to ${MAX_PAGE} entries`);
  let before: string | null = null;
  if (args.after != null) {
    const id = Buffer.from(args.after, 'base64url').toString('utf8');
    if (!/^log:[1-9][0-9]{0,17}$/.test(id)) throw userError('INVALID_CURSOR', 'Not a cursor of this history');
    before = id.slice(4);
  }
  const date = (d: string | null | undefined) => {
    if (d == null) return null;
    const parsed = parseDate(d);
    if (!parsed.ok) throw userError(parsed.code, 'Dates are written yyyy-mm-dd');
    return parsed.value;
  };
  const since = date(args.since);
  const until = date(args.until);
  if (since && until && since > until) throw userError('INVALID_DATE', 'The period ends before it starts');
  return { first, before, since, until };
}

/**
 * Per-request loader of history pages: one statement per batch of persons asked with the same window. The period
 * is by days in Japan (Asia/Tokyo), both ends included.
 */
export function createAccessHistoryLoader(db: DataSource): DataLoader<{ subject: string; window: Window }, HistoryPage, string> {
  return new DataLoader(
    async (keys) => {
      const pages = new Map<string, HistoryPage>();
      const byWindow = new Map<string, { window: Window; subjects: string[] }>();
      for (const { subject, window } of keys) {
        const w = JSON.stringify(window);
        const group = byWindow.get(w) ?? { window, subjects: [] };
        group.subjects.push(subject);
        byWindow.set(w, group);
      }
      for (const [w, { window, subjects }] of byWindow) {
        const rows: Array<AccessRecord & { subject: string; id: string; leafIndex: string | null; atMicros: string; requestId: string; principal: string }> = await db.query(
          `SELECT l.subject, l.id::text AS id, to_char(l.at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS at,
                  l.provider AS authority, l.role, l.agency, l.purpose, l.items, l.action, l.outcome,
                  l.leaf_index::text AS "leafIndex", l.request_id AS "requestId", l.principal,
                  to_char(l.at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS "atMicros"
           FROM unnest($1::text[]) AS s(subject)
           CROSS JOIN LATERAL (
             SELECT * FROM access_log
             WHERE subject = s.subject
               AND ($2::bigint IS NULL OR id < $2::bigint)
               AND ($3::date IS NULL OR at >= ($3::date)::timestamp AT TIME ZONE 'Asia/Tokyo')
               AND ($4::date IS NULL OR at < ($4::date + 1)::timestamp AT TIME ZONE 'Asia/Tokyo')
             ORDER BY id DESC LIMIT $5) AS l`,
          [subjects, window.before, window.since, window.until, window.first + 1],
        );
        for (const subject of subjects) {
          const mine = rows.filter((r) => r.subject === subject);
          const entries = mine.slice(0, window.first);
          const hasNextPage = mine.length > window.first;
          pages.set(`${subject}|${w}`, {
            entries: entries.map(({ subject: _s, id: _id, requestId, principal, ...entry }) => ({ ...entry, ref: leafRef(requestId, principal) })),
            endCursor: hasNextPage ? Buffer.from(`log:${entries.at(-1)!.id}`).toString('base64url') : null,
            hasNextPage,
          });
        }
      }
      return keys.map(({ subject, window }) => pages.get(`${subject}|${JSON.stringify(window)}`)!);
    },
    { cacheKeyFn: ({ subject, window }) => `${subject}|${JSON.stringify(window)}` },
  );
}

/** An empty page, for a person this authority does not hold or the caller may not see. */
export const EMPTY_PAGE: HistoryPage = { entries: [], endCursor: null, hasNextPage: false };
