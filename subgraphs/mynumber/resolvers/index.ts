import { parseMyNumber } from '../../../schema/identifiers';
import type { EntityManager } from 'typeorm';
import { historyWindow, type HistoryArgs, type HistoryEntry } from '../../kit/accessHistory';
import { runCommand, type CommandRun } from '../../kit/commands';
import { userError } from '../../kit/errors';
import { endMyNumberFunction, issueMyNumberCard, setCertificatesSuspended } from '../commands';
import type { SubgraphContext } from '../../kit/subgraph';
import { lookUp } from '../../kit/visibility';
import type { CardFunctionRow, Loaders, MyNumberCardRow, MyNumberRow } from '../loaders';
import { expiryReason, statusOnDay } from '../rules/myNumberCardExpiry';
import { MUTATION_POLICY, PERSON_POLICY } from '../policy';
import { counterGuidanceResolvers } from '../../kit/counterGuidance';
import { MYNUMBER_GUIDANCE } from '../rules/counterGuidance';

export interface MyNumberContext extends SubgraphContext {
  loaders: Loaders;
}

/** At most this many persons in one `persons` query (DESIGN.md §4). */
export const MAX_PERSONS = 100;

/** Validates a My Number argument, or raises its stable error code. */
function myNumberArgument(input: string): string {
  const parsed = parseMyNumber(input);
  if (!parsed.ok) {
    const message =
      parsed.code === 'INVALID_MY_NUMBER_CHECK_DIGIT'
        ? 'The My Number check digit is wrong'
        : 'A My Number is 12 digits';
    throw userError(parsed.code, message);
  }
  return parsed.value;
}

/** The person if it exists and the caller may see it; otherwise null, with no difference between the two. */
async function visiblePerson(myNumber: string, ctx: MyNumberContext): Promise<MyNumberRow | null> {
  const row = await ctx.loaders.person.load(myNumber);
  return lookUp(ctx, PERSON_POLICY, myNumber, row);
}

/** The person as it is after a command committed (read afresh, not from this request's cache). */
async function personAfter(myNumber: string, ctx: MyNumberContext): Promise<MyNumberRow> {
  return (await ctx.loaders.person.clear(myNumber).load(myNumber))!;
}

/** Runs a J-LIS command for one My Number and answers with the person afterwards. */
function command(action: string, change: (m: EntityManager, run: CommandRun, ctx: MyNumberContext, myNumber: string) => Promise<void>) {
  return (_: unknown, args: { myNumber: string }, ctx: MyNumberContext) =>
    runCommand(ctx, MUTATION_POLICY, action, () => myNumberArgument(args.myNumber), async (run, myNumber) => {
      await run.transaction((m) => change(m, run, ctx, myNumber));
      return personAfter(myNumber, ctx);
    });
}

export const resolvers = {
  Mutation: {
    issueMyNumberCard: command('issueMyNumberCard', (m, run, ctx, n) => issueMyNumberCard(m, run, ctx.principal, n, ctx.today)),
    returnMyNumberFunction: command('returnMyNumberFunction', (m, run, ctx, n) =>
      endMyNumberFunction(m, run, ctx.principal, n, 'FUNCTION_RETURNED', ctx.today),
    ),
    revokeMyNumberFunction: command('revokeMyNumberFunction', (m, run, ctx, n) =>
      endMyNumberFunction(m, run, ctx.principal, n, 'REVOKED_BY_AUTHORITY', ctx.today),
    ),
    suspendCertificates: command('suspendCertificates', (m, run, ctx, n) => setCertificatesSuspended(m, run, ctx.principal, n, true, ctx.today)),
    resumeCertificates: command('resumeCertificates', (m, run, ctx, n) => setCertificatesSuspended(m, run, ctx.principal, n, false, ctx.today)),
  },
  Query: {
    person: (_: unknown, args: { myNumber: string }, ctx: MyNumberContext) =>
      visiblePerson(myNumberArgument(args.myNumber), ctx),
    persons: (_: unknown, args: { myNumbers: string[] }, ctx: MyNumberContext) => {
      if (args.myNumbers.length > MAX_PERSONS) {
        throw userError('TOO_MANY_PERSONS', `At most ${MAX_PERSONS} persons can be asked for at once`);
      }
      const numbers = args.myNumbers.map(myNumberArgument);
      return Promise.all(numbers.map((n) => visiblePerson(n, ctx)));
    },
  },
  CounterGuidance: counterGuidanceResolvers('MYNUMBER', MYNUMBER_GUIDANCE, 'jlisSteps'),
  AccessHistoryEntry: {
    proof: (entry: HistoryEntry, _: unknown, ctx: MyNumberContext) => ctx.loaders.proofs.load(entry),
  },
  Person: {
    __resolveReference: (ref: { myNumber: string }, ctx: MyNumberContext) => visiblePerson(ref.myNumber, ctx),
    myNumberAssignedOn: (row: MyNumberRow) => row.assignedOn,
    myNumberCard: (row: MyNumberRow) => row.card,
    jlisOutgoingChanges: (row: MyNumberRow, _: unknown, ctx: MyNumberContext) => ctx.loaders.pendingChanges.load(row.myNumber),
    jlisAccessLog: (row: MyNumberRow, _: unknown, ctx: MyNumberContext) => ctx.loaders.accessLog.load(row.myNumber),
    jlisAccessHistory: (row: MyNumberRow, args: HistoryArgs, ctx: MyNumberContext) =>
      ctx.loaders.accessHistory.load({ subject: row.myNumber, window: historyWindow(args) }),
  },
  // Statuses as on the day asked: a card or function past its date reads EXPIRED before the sweep records it.
  MyNumberCard: {
    status: (card: MyNumberCardRow, _: unknown, ctx: MyNumberContext) => statusOnDay(card, ctx.today),
    statusReason: (card: MyNumberCardRow, _: unknown, ctx: MyNumberContext) =>
      statusOnDay(card, ctx.today) === card.status ? card.statusReason : expiryReason(card, card.holderStayExpiresOn),
    functions: (card: MyNumberCardRow, _: unknown, ctx: MyNumberContext) =>
      card.functions.map((f: CardFunctionRow) => ({ ...f, status: statusOnDay(f, ctx.today) })),
  },
};
