import { GraphQLError } from 'graphql';
import type { Purpose, Role } from '../../schema/access';
import { userError } from './errors';
import type { Principal } from '../../runtime/principal';

/**
 * Which persons a role may act on through a mutation:
 * - `any`: every person the authority holds (the authority's own officers);
 * - `own-municipality`: residents whose record the caller's municipality keeps (and, for a registration, only a
 *   registration into that municipality);
 * - `moving-in`: residents whose recorded move-out (転出) names the caller's municipality as destination.
 */
export type ActScope = 'any' | 'own-municipality' | 'moving-in';

/** What a role may do with one mutation: the purposes it acts for, and the persons it may act on. */
export interface ActGrant {
  purposes: readonly Purpose[];
  persons: ActScope;
}

/** An authority's mutation policy: per mutation, the roles that may call it; every role not listed is refused. */
export type MutationPolicy = Record<string, Partial<Record<Role, ActGrant>>>;

/**
 * The caller's grant for a mutation, or FORBIDDEN. Decided on the caller alone (role and purpose), before any
 * person is looked up, so the refusal says nothing about the person.
 */
export function requireActor(policy: MutationPolicy, mutation: string, principal: Principal): ActGrant {
  const grant = policy[mutation]?.[principal.role];
  if (!grant || !(grant.purposes as readonly string[]).includes(principal.purpose)) {
    throw userError('FORBIDDEN', `The role ${principal.role} may not call ${mutation} for ${principal.purpose}`);
  }
  return grant;
}

/** What a command knows of the person it is about to act on. */
export interface ActTarget {
  /** The municipality that keeps the person's resident record (as the authority knows it). */
  municipalityCode: string | null;
  /** The destination of a recorded move-out not yet followed by the move-in, if any. */
  movingTo?: string | null;
}

/** Whether the grant covers this person. */
export function mayActOn(grant: ActGrant, principal: Principal, target: ActTarget): boolean {
  switch (grant.persons) {
    case 'any':
      return true;
    case 'own-municipality':
      return principal.municipality !== undefined && principal.municipality === target.municipalityCode;
    case 'moving-in':
      return principal.municipality !== undefined && principal.municipality === (target.movingTo ?? null);
  }
}

/**
 * The one answer for a person the caller may not act on and for a person that does not exist: same code, same
 * message, same status. `hidden` (whether the person exists) stays inside the process, for the access log only.
 */
export class NotFound extends GraphQLError {
  constructor(
    readonly hidden: boolean,
    what: NotFoundAnswer = PERSON_NOT_FOUND,
  ) {
    super(what.message, { extensions: { code: what.code } });
  }
}

/** The code and message of a not-found answer. */
export interface NotFoundAnswer {
  code: string;
  message: string;
}

export const PERSON_NOT_FOUND: NotFoundAnswer = { code: 'PERSON_NOT_FOUND', message: 'No such person' };
export const CARD_NOT_FOUND: NotFoundAnswer = { code: 'CARD_NOT_FOUND', message: 'No card with this number' };

/**
 * The person if the grant covers it; otherwise the not-found answer, whether it exists or not. Call it right after
 * locking the person and before any check that depends on the person's data.
 */
export function actOn<T extends ActTarget>(
  grant: ActGrant,
  principal: Principal,
  target: T | null | undefined,
  notFound: NotFoundAnswer = PERSON_NOT_FOUND,
): T {
  if (!target) throw new NotFound(false, notFound);
  if (!mayActOn(grant, principal, target)) throw new NotFound(true, notFound);
  return target;
}
