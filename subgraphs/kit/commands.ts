import { GraphQLError } from 'graphql';
import type { EntityManager } from 'typeorm';
import { revealedItems, userError } from './errors';
import { writeAccessLog } from './audit';
import { NotFound, requireActor, type ActGrant, type MutationPolicy } from './mutationPolicy';
import type { SubgraphContext } from './subgraph';

/** Something that can be woken after a transaction that enqueued events commits. */
export interface Kickable {
  kick(): void;
}

/** One attempt of a command, as its body sees it. */
export interface CommandRun {
  /** The caller's grant for this command (its role and purpose were checked before the body ran). */
  readonly grant: ActGrant;
  /**
   * The person acted on, for the access log: the My Number, or `card:<number>` until a card's holder is known
   * (the body refines it as soon as it knows better); null when no person is concerned yet (a registration before
   * J-LIS has assigned the number, or an argument that does not parse).
   */
  subject: string | null;
  /**
   * Runs the change in one transaction: the state change, its outgoing events and its access-log row commit
   * together. Then wakes the relay so the events leave at once.
   */
  transaction<T>(work: (m: EntityManager) => Promise<T>): Promise<T>;
}

/**
 * Runs one command of an authority, and logs every attempt with its outcome (番号法 23条; an attempt on a person is
 * what an attacker's probing looks like): a change logs `ok` inside its own transaction, so it cannot commit
 * unlogged; a refusal or failure logs after the rollback, in a statement of its own, so it stays. The order of
 * checks: the person's identifier (`subjectOf`, so even a refused caller's attempt is logged against the person),
 * the caller (role and purpose), then in the body the arguments that do not depend on the person, then the person
 * (`actOn`), and only then the checks that read the person's data.
 */
export async function runCommand<S extends string | null, T>(
  ctx: SubgraphContext,
  policy: MutationPolicy,
  action: string,
  subjectOf: () => S,
  body: (run: CommandRun, subject: S) => Promise<T>,
): Promise<T> {
  let committed = false;
  // The change's own row timed out (its transaction rolled back): a second try after the rollback would keep the
  // caller waiting as long again for the same answer.
  let logFailed = false;
  let grant: ActGrant | undefined;
  const run: CommandRun = {
    get grant() {
      return grant!;
    },
    subject: null,
    async transaction(work) {
      const result = await ctx.db.transaction(async (m) => {
        // No statement of the change runs longer than was left of its deadline when it began (a row lock another
        // session holds, a slow disk), and a change still under way at the deadline is rolled back, not committed
        // (below): the gateway gives up on the call soon after, and a change its caller was told failed must not
        // happen. Only the COMMIT itself and the answer after it fall in the margin before the gateway's timeout.
        const left = ctx.changeDeadline - Date.now();
        if (left <= 0) throw tooLate(ctx);
        await m.query(`SELECT set_config('statement_timeout', $1, true)`, [String(left)]);
        const done = await work(m);
        // The row names the fields the operation asks for, as a read's row does: the change's answer may show the
        // person's data, and it gets no read row of its own (audit.changed).
        try {
          await writeAccessLog(m, ctx.authority, ctx.principal, [{ subject: run.subject, items: ctx.audit.items, action, outcome: 'ok' }]);
        } catch (err) {
          // Cancelled (at the log's bound or the change's): another try after the rollback would wait as long again.
          logFailed = (err as { code?: unknown }).code === '57014';
          throw Date.now() >= ctx.changeDeadline ? tooLate(ctx) : userError('ACCESS_LOG_UNAVAILABLE', 'The access log could not be written');
        }
        if (Date.now() >= ctx.changeDeadline) throw tooLate(ctx);
        return done;
      });
      committed = true;
      if (run.subject) ctx.audit.changed.add(run.subject);
      ctx.relay.kick();
      return result;
    },
  };
  try {
    const subject = subjectOf();
    run.subject = subject;
    grant = requireActor(policy, action, ctx.principal);
    return await body(run, subject);
  } catch (caught) {
    if (committed || logFailed) throw caught;
    // A statement cancelled at the change's deadline: the change was not made, and the caller is told so.
    const err = (caught as { code?: unknown } | null)?.code === '57014' ? tooLate(ctx) : caught;
    try {
      await ctx.accessLog.append(ctx.principal, [{ subject: run.subject, items: revealedItems(err), action, outcome: outcomeOf(err) }]);
    } catch {
      throw userError('ACCESS_LOG_UNAVAILABLE', 'The access log could not be written');
    }
    if (run.subject) ctx.audit.changed.add(run.subject);
    throw err;
  }
}

/** A change that could not be made before its deadline (SubgraphContext.changeDeadline): nothing was changed. */
function tooLate(ctx: SubgraphContext): GraphQLError {
  return userError('AUTHORITY_ERROR', 'The change could not be completed in time and was not made; try again', { authority: ctx.authority });
}

/**
 * How an attempt ended, as the log keeps it: the truth the caller was not told (a person that exists but may not be
 * acted on is `not_visible`, as in reads), the refusal of the caller (`refused`), the stable code of a rejected
 * argument or transition (`rejected:<code>`), or `error`.
 */
function outcomeOf(err: unknown): string {
  if (err instanceof NotFound) return err.hidden ? 'not_visible' : 'not_found';
  const code = err instanceof GraphQLError ? err.extensions.code : undefined;
  if (code === 'FORBIDDEN') return 'refused';
  return typeof code === 'string' ? `rejected:${code}` : 'error';
}
