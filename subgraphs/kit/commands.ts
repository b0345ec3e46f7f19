import type { EntityManager } from 'typeorm';
import { userError } from './errors';
import type { Principal, Role } from './principal';
import { writeAccessLog } from './audit';
import type { SubgraphContext } from './subgraph';

/** Something that can be woken after a transaction that enqueued events commits. */
export interface Kickable {
  kick(): void;
}

/** Refuses the command unless the caller's role is one of those that do this work. */
export function requireRole(principal: Principal, roles: readonly Role[]): void {
  if (!roles.includes(principal.role)) {
    throw userError('FORBIDDEN', `This change is made by ${roles.join(' or ')} only`);
  }
}

/**
 * Runs a command in one transaction: the state change, its outgoing events and its access-log row commit
 * together. Then wakes the relay so the events leave at once.
 */
export async function inTransaction<T>(
  ctx: SubgraphContext,
  change: { action: string; subject: (result: NoInfer<T>) => string | null },
  work: (manager: EntityManager) => Promise<T>,
): Promise<T> {
  const result = await ctx.db.transaction(async (m) => {
    const done = await work(m);
    const subject = change.subject(done);
    await writeAccessLog(m, ctx.authority, ctx.principal, [{ subject, items: [], action: change.action, outcome: 'ok' }]);
    if (subject) ctx.audit.changed.add(subject);
    return done;
  });
  ctx.relay.kick();
  return result;
}
