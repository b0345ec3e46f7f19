import { Kind, type DocumentNode, type GraphQLFieldResolver } from 'graphql';
import type { Purpose, Role } from '../../schema/access';
import { userError } from './errors';
import type { AuditTrail } from './audit';
import type { Principal } from '../../runtime/principal';

/** Roles and the purposes for which each may read a field. */
export type Grants = Partial<Record<Role, readonly Purpose[]>>;

/** An authority's field policy: per type, grants for every field ('*') and stricter grants for named fields. */
export type FieldPolicy = Record<string, { '*': Grants } & Record<string, Grants>>;

/** Whether the principal may read `type.field` under the policy (default deny for guarded types). */
export function mayRead(policy: FieldPolicy, principal: Pick<Principal, 'role' | 'purpose'>, type: string, field: string): boolean {
  const rules = policy[type];
  if (!rules) return true; // types the policy does not guard carry no personal data
  const grants = rules[field] ?? rules['*'];
  return (grants[principal.role] as readonly string[] | undefined)?.includes(principal.purpose) ?? false;
}

type ResolverMap = Record<string, Record<string, unknown>>;
type GuardContext = { principal: Principal; audit: AuditTrail };

/**
 * Wraps every field of every guarded type so a field the caller may not read resolves to an error with code
 * FORBIDDEN at its own path (and null), on every path into the type, entity resolution included.
 */
export function guardFields<T extends ResolverMap>(resolvers: T, typeDefs: DocumentNode, policy: FieldPolicy): T {
  const guarded: ResolverMap = { ...resolvers };
  for (const def of typeDefs.definitions) {
    if (def.kind !== Kind.OBJECT_TYPE_DEFINITION || !policy[def.name.value]) continue;
    const type = def.name.value;
    const typeResolvers: Record<string, unknown> = { ...(guarded[type] ?? {}) };
    for (const field of def.fields ?? []) {
      const name = field.name.value;
      if (type === 'Person' && name === 'myNumber') continue; // the entity key the gateway joins on
      // Hidden fields exist only for another subgraph's @requires; that subgraph guards the public field, so here a
      // refusal is an empty list rather than an error on a path the caller never asked for.
      const hidden = (field.directives ?? []).some((d) => d.name.value === 'inaccessible');
      const original = typeResolvers[name] as GraphQLFieldResolver<unknown, GuardContext> | undefined;
      typeResolvers[name] = (parent: Record<string, unknown>, args: unknown, ctx: GuardContext, info: never) => {
        if (!mayRead(policy, ctx.principal, type, name)) {
          if (hidden) return [];
          ctx.audit.denied.add(`${type}.${name}`);
          throw userError('FORBIDDEN', `The role ${ctx.principal.role} may not read ${type}.${name} for ${ctx.principal.purpose}`);
        }
        return original ? original(parent, args, ctx, info) : parent[name];
      };
    }
    guarded[type] = typeResolvers;
  }
  return guarded as T;
}
