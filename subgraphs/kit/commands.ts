import type { EntityManager } from 'typeorm';
import { userError } from './errors';
import type { Principal, Role } from './principal';
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
 * Runs a command in one transaction (state change and outgoing events commit together), then wakes the
 * relay so the events leave at once.
 */
export async function inTransaction<T>(
  ctx: SubgraphContext & { relay: Kickable },
  work: (manager: EntityManager) => Promise<T>,
): Promise<T> {
  const result = await ctx.db.transaction(work);
  ctx.relay.kick();
  return result;
}
