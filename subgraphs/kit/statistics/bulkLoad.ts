import type { DataSource } from 'typeorm';
import type { Authority } from '../../../runtime/authority';

/**
 * Row triggers paused while an authority's tables are bulk loaded, and the statement that recounts what they
 * maintain once the rows are in (one set-based recount instead of a trigger call per row).
 */
export const BULK_LOAD_TRIGGERS: Readonly<Partial<Record<Authority, { triggers: ReadonlyArray<readonly [string, string]>; after: string }>>> = {
  immigration: {
    triggers: [
      ['foreign_resident', 'stats_resident'],
      ['residence_card', 'stats_card'],
    ],
    after: 'SELECT stats_rebuild()',
  },
  registry: { triggers: [['resident', 'stats_resident']], after: 'SELECT stats_rebuild()' },
};

/** Pauses the authority's bulk-load triggers (ALTER TABLE ... DISABLE TRIGGER, allowed to the tables' owner). */
export async function pauseBulkLoadTriggers(authority: Authority, dataSource: DataSource): Promise<void> {
  for (const [table, trigger] of BULK_LOAD_TRIGGERS[authority]?.triggers ?? []) {
    await dataSource.query(`ALTER TABLE ${table} DISABLE TRIGGER ${trigger}`);
  }
}

/**
 * Turns the triggers back on and recounts. Also called when a subgraph starts: a load that stopped half-way
 * leaves them off, and this repairs it. Returns whether anything had been paused.
 */
export async function resumeBulkLoadTriggers(authority: Authority, dataSource: DataSource, force = true): Promise<boolean> {
  const spec = BULK_LOAD_TRIGGERS[authority];
  if (!spec) return false;
  const names = spec.triggers.map(([, trigger]) => trigger);
  const [row]: Array<{ paused: number }> = await dataSource.query(
    `SELECT count(*)::int AS paused FROM pg_trigger WHERE tgname = ANY($1) AND tgenabled = 'D'`,
    [names],
  );
  if (!force && (row?.paused ?? 0) === 0) return false;
  for (const [table, trigger] of spec.triggers) await dataSource.query(`ALTER TABLE ${table} ENABLE TRIGGER ${trigger}`);
  await dataSource.query(spec.after);
  return (row?.paused ?? 0) > 0;
}
