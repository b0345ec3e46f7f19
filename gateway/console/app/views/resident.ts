import { run } from '../api';
import { authorityName, errorBanners, type Ctx } from '../context';
import { fill, h } from '../dom';
import type { EntryVerdict, ProvidedEntry } from '../../../../schema/accessProof';
import { verifyEntry } from '../proof';
import { renderRecord, type PersonRecord } from '../record';

type Page = { entries: ProvidedEntry[]; endCursor: string | null; hasNextPage: boolean };
type Histories = { person: { immigrationAccessHistory?: Page; registryAccessHistory?: Page; jlisAccessHistory?: Page } | null };

const LOGS = [
  { field: 'immigrationAccessHistory', include: 'immigration', after: 'immigrationAfter' },
  { field: 'registryAccessHistory', include: 'registry', after: 'registryAfter' },
  { field: 'jlisAccessHistory', include: 'jlis', after: 'jlisAfter' },
] as const;
const PAGE_SIZE = 20;

/** A resident: their own record, and who accessed it at the three authorities, each entry checked here. */
export function residentView(root: HTMLElement, ctx: Ctx): void {
  const { t, session } = ctx;
  const myNumber = session.myNumber ?? '';
  const record = h('div', { class: 'result', 'aria-live': 'polite' });
  const rows = h('tbody');
  const more = h('button', { type: 'button', hidden: true, onclick: () => void page() }, t.more);
  const summary = h('p', { class: 'proof-summary', role: 'status' });
  const cursors: Record<string, string | null | false> = {};
  fill(
    root,
    h('h2', {}, t.ownRecord),
    record,
    h('h2', {}, t.accessHistory),
    summary,
    h('table', { class: 'history' },
      h('thead', {}, h('tr', {}, [t.when, t.heldBy, t.who, t.outcome, t.proofCheck].map((c) => h('th', { scope: 'col' }, c)))),
      rows),
    more,
  );
  const counts = { proven: 0, invalid: 0, other: 0 };

  async function own(): Promise<void> {
    const answer = await run<{ person: PersonRecord | null }>(session, ctx.language, 'ResidentOwnRecord', { myNumber });
    fill(record, errorBanners(answer.errors), answer.data?.person ? renderRecord(ctx, answer.data.person) : h('p', {}, t.notFound));
  }

  /** The next page of each log that has one; every entry's proof is checked as it arrives. */
  async function page(): Promise<void> {
    more.hidden = true;
    const variables: Record<string, unknown> = { myNumber, first: PAGE_SIZE };
    for (const log of LOGS) {
      variables[log.include] = cursors[log.field] !== false;
      if (cursors[log.field]) variables[log.after] = cursors[log.field];
    }
    const answer = await run<Histories>(session, ctx.language, 'AccessHistory', variables);
    for (const banner of errorBanners(answer.errors)) root.insertBefore(banner, summary);
    const entries: ProvidedEntry[] = [];
    for (const log of LOGS) {
      const p = answer.data?.person?.[log.field];
      if (!p) continue;
      entries.push(...p.entries);
      cursors[log.field] = p.hasNextPage ? p.endCursor : false;
    }
    entries.sort((a, b) => b.at.localeCompare(a.at));
    const checks = entries.map(async (entry) => {
      const cell = h('td', { class: 'proof proof-pending' }, '…');
      rows.append(h('tr', {}, h('td', {}, h('time', { datetime: entry.at }, new Date(entry.at).toLocaleString(ctx.language))), h('td', {}, authorityName(ctx, entry.authority as 'immigration')), h('td', {}, `${entry.role} (${entry.agency}) — ${entry.purpose}`), h('td', {}, `${entry.action}: ${entry.outcome}`), cell));
      show(cell, await verifyEntry(entry, myNumber, ctx.keys));
    });
    await Promise.all(checks);
    fill(summary, `${t.proven}: ${counts.proven} · ${t.invalid}: ${counts.invalid} · ${t.awaiting} / ${t.notCovered}: ${counts.other}`);
    summary.className = counts.invalid > 0 ? 'proof-summary banner banner-error' : 'proof-summary';
    more.hidden = !LOGS.some((log) => cursors[log.field]);
  }

  function show(cell: HTMLElement, verdict: EntryVerdict): void {
    const text = { proven: t.proven, invalid: t.invalid, 'awaiting-cosignature': t.awaiting, 'not-yet-covered': t.notCovered }[verdict.verdict];
    if (verdict.verdict === 'proven') counts.proven++;
    else if (verdict.verdict === 'invalid') counts.invalid++;
    else counts.other++;
    cell.className = `proof proof-${verdict.verdict}`;
    fill(cell, verdict.verdict === 'proven' ? '✓ ' : verdict.verdict === 'invalid' ? '✗ ' : '… ', text, verdict.verdict === 'invalid' ? h('small', {}, ` (${verdict.reason})`) : null);
  }

  void own().then(page);
}
