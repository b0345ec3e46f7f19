import { parseDate, parseMyNumber, parseResidenceCardNumber } from '../../../schema/identifiers';
import { NATIONALITIES } from '../../../schema/codes';
import type {
  MyNumberCardKind,
  MyNumberCardStatus,
  ResidenceCardKind,
  ResidenceCardStatus,
  ResidentClass,
  PermissionKind,
  StatusOfResidence,
  WorkRestriction,
  ActivityOutsideStatusPermission,
} from '../../../schema/codes';
import { EMPTY_PAGE, historyWindow, type HistoryArgs, type HistoryEntry } from '../../kit/accessHistory';
import { runCommand } from '../../kit/commands';
import type { AccessRecord } from '../../../schema/accessProof';
import type { PendingChange } from '../../kit/outbox';
import * as commands from '../commands';
import { userError } from '../../kit/errors';
import type { SubgraphContext } from '../../kit/subgraph';
import { lookUp } from '../../kit/visibility';
import type { ApplicationRow, CardRow, Loaders, ResidentRow } from '../loaders';
import { MUTATION_POLICY, PERSON_POLICY } from '../policy';
import { cardArrangement } from '../rules/cardArrangement';
import { cardShows } from '../rules/cardDisplay';
import { specificCardEligibility } from '../rules/eligibility';
import { verifyCard, workPermission } from '../rules/cardVerification';
import { cardStatusWithApplication, specialPeriodLastDay, specialPeriodUntil } from '../rules/specialPeriod';
import type { StatisticsCube } from '../../kit/statistics/cube';
import { coordinateResolvers, statisticsTable, type StatisticsFilterInput } from '../../kit/statistics/resolver';
import type { StatisticsDimension } from '../../../schema/statistics';
import { IMMIGRATION_POPULATION } from '../statistics';
import type { CardArrangement, CounterEvent } from '../../../schema/codes';
import { mergeSteps, notApplicableFor, stayKindOf, stepsFor, type CounterStep, type GuidanceKey } from '../../../schema/counterGuidance';
import { label } from '../../../schema/i18n';
import { counterGuidanceResolvers, guidanceKey } from '../../kit/counterGuidance';
import { IMMIGRATION_GUIDANCE } from '../rules/counterGuidance';

export interface ImmigrationContext extends SubgraphContext {
  loaders: Loaders;
  statistics: StatisticsCube;
}

interface PersonPart {
  myNumber: string;
  row: ResidentRow | null;
  myNumberCard?: { kind: MyNumberCardKind; status: MyNumberCardStatus } | null;
  jlisOutgoingChanges?: PendingChange[];
  registryOutgoingChanges?: PendingChange[];
  jlisAccessLog?: AccessRecord[];
  registryAccessLog?: AccessRecord[];
}

/** The arguments of counterGuidance. */
interface GuidanceArguments {
  event: CounterEvent;
  language?: string | null;
}

/** A procedure as the ISA answers it, with the other authorities' steps when the gateway brings them (@requires). */
type GuidancePart = GuidanceKey & { registrySteps?: CounterStep[]; jlisSteps?: CounterStep[] };

/** A card as answered: its row, its holder, and the day its status is judged on. */
interface CardView {
  card: CardRow;
  holder: ResidentRow;
  today: string;
}

/** The coarse kind of stay the guidance depends on (the status itself stays out of the entity key). */
function stayKindOfRow(row: ResidentRow) {
  return stayKindOf({
    residentClass: row.residentClass,
    statusOfResidence: row.statusOfResidence,
    stayExpiresOn: row.stayExpiresOn,
    cardValidUntil: row.card?.validUntil ?? null,
  });
}

const NATIONALITY_KIND = new Map<string, string>(NATIONALITIES.map((n) => [n.code, n.kind]));

function visible(subject: string, row: ResidentRow | null, ctx: ImmigrationContext): ResidentRow | null {
  return lookUp(ctx, PERSON_POLICY, subject, row);
}

/** The person's arrangement today, from the ISA's card in force and J-LIS's card (null without one). */
function arrangementOf(
  row: ResidentRow | null,
  myNumberCard: { kind: MyNumberCardKind; status: MyNumberCardStatus } | null,
  ctx: ImmigrationContext,
): CardArrangement {
  const card = row?.card;
  return cardArrangement({
    residenceCard: card ? { kind: card.kind as ResidenceCardKind, status: statusOn(card, row!, ctx.today) } : null,
    myNumberCard,
  });
}

function cardView(card: CardRow | null, holder: ResidentRow, today: string): CardView | null {
  return card ? { card, holder, today } : null;
}

/**
 * The card's status on the given day: a VALID card past its validity reads EXPIRED, unless the holder's application
 * keeps it in the special period.
 */
function statusOn(card: CardRow, holder: ResidentRow, today: string): ResidenceCardStatus {
  return cardStatusWithApplication({ status: card.status as ResidenceCardStatus, validUntil: card.validUntil }, holder.application, today);
}

/** Parses a My Number argument or raises its stable error code. */
function myNumberArgument(input: string): string {
  const parsed = parseMyNumber(input);
  if (!parsed.ok) throw userError(parsed.code, 'Not a valid My Number');
  return parsed.value;
}

function cardNumberArgument(input: string): string {
  const parsed = parseResidenceCardNumber(input);
  if (!parsed.ok) throw userError(parsed.code, 'A residence card number is two letters, eight digits and two letters');
  return parsed.value;
}

/** The arguments that name the person of a command: exactly one of them. */
interface PersonArguments {
  myNumber?: string | null;
  residenceCardNumber?: string | null;
}

/** The person a command names, parsed; ONE_PERSON_IDENTIFIER_REQUIRED when neither or both are given. */
function personArgument(args: PersonArguments): commands.PersonRef {
  const { myNumber, residenceCardNumber } = args;
  if ((myNumber == null) === (residenceCardNumber == null)) {
    throw userError('ONE_PERSON_IDENTIFIER_REQUIRED', 'Name the person by exactly one of myNumber or residenceCardNumber');
  }
  return myNumber != null ? { myNumber: myNumberArgument(myNumber) } : { cardNumber: cardNumberArgument(residenceCardNumber!) };
}

function dateArgument(input: string): string {
  const parsed = parseDate(input);
  if (!parsed.ok) throw userError(parsed.code, 'Dates are written yyyy-mm-dd');
  return parsed.value;
}

/** The card as it is after a command committed (read afresh, not from this request's cache). */
async function cardAfter(number: string, ctx: ImmigrationContext): Promise<CardView> {
  const found = await ctx.loaders.cardByNumber.clear(number).load(number);
  return cardView(found!.card, found!.holder, ctx.today)!;
}

/** The holder's record as it is after a command committed, by the card it issued (read afresh). */
async function recordAfter(cardNumber: string, ctx: ImmigrationContext): Promise<ResidentRow> {
  return (await ctx.loaders.cardByNumber.clear(cardNumber).load(cardNumber))!.holder;
}

/** The person's record as it is after a command committed, by its id (read afresh). */
async function recordById(residentId: number, ctx: ImmigrationContext): Promise<ResidentRow> {
  return (await ctx.loaders.residentById.clear(residentId).load(residentId))!;
}

export const resolvers = {
  Mutation: {
    issueSpecificResidenceCard: (_: unknown, args: PersonArguments, ctx: ImmigrationContext) =>
      runCommand(ctx, MUTATION_POLICY, 'issueSpecificResidenceCard', () => commands.subjectOf(personArgument(args)), async (run) => {
        const person = personArgument(args);
        const { number } = await run.transaction((m) => commands.issueSpecificResidenceCard(m, run, ctx.principal, person, ctx.today));
        return cardAfter(number, ctx);
      }),
    reportResidenceCardLost: (_: unknown, args: { number: string }, ctx: ImmigrationContext) =>
      runCommand(ctx, MUTATION_POLICY, 'reportResidenceCardLost', () => `card:${cardNumberArgument(args.number)}`, async (run) => {
        const number = cardNumberArgument(args.number);
        await run.transaction((m) => commands.reportResidenceCardLost(m, run, ctx.principal, number, ctx.today));
        return cardAfter(number, ctx);
      }),
    reissueResidenceCard: (_: unknown, args: { number: string }, ctx: ImmigrationContext) =>
      runCommand(ctx, MUTATION_POLICY, 'reissueResidenceCard', () => `card:${cardNumberArgument(args.number)}`, async (run) => {
        const number = cardNumberArgument(args.number);
        const reissued = await run.transaction((m) => commands.reissueResidenceCard(m, run, ctx.principal, number, ctx.today));
        return cardAfter(reissued.number, ctx);
      }),
    renewPeriodOfStay: (_: unknown, args: PersonArguments & { newExpiry: string }, ctx: ImmigrationContext) =>
      runCommand(ctx, MUTATION_POLICY, 'renewPeriodOfStay', () => commands.subjectOf(personArgument(args)), async (run) => {
        const person = personArgument(args);
        const newExpiry = dateArgument(args.newExpiry);
        const { cardNumber } = await run.transaction((m) => commands.renewPeriodOfStay(m, run, ctx.principal, person, newExpiry, ctx.today));
        return recordAfter(cardNumber, ctx);
      }),
    changeStatusOfResidence: (
      _: unknown,
      args: PersonArguments & { status: StatusOfResidence; newExpiry?: string | null },
      ctx: ImmigrationContext,
    ) =>
      runCommand(ctx, MUTATION_POLICY, 'changeStatusOfResidence', () => commands.subjectOf(personArgument(args)), async (run) => {
        const person = personArgument(args);
        const newExpiry = args.newExpiry ? dateArgument(args.newExpiry) : null;
        const { cardNumber } = await run.transaction((m) =>
          commands.changeStatusOfResidence(m, run, ctx.principal, { person, status: args.status, newExpiry }, ctx.today),
        );
        return recordAfter(cardNumber, ctx);
      }),
    applyForExtension: (_: unknown, args: PersonArguments & { kind: PermissionKind }, ctx: ImmigrationContext) =>
      runCommand(ctx, MUTATION_POLICY, 'applyForExtension', () => commands.subjectOf(personArgument(args)), async (run) => {
        const person = personArgument(args);
        if (args.kind !== 'EXTENSION_OF_PERIOD_OF_STAY' && args.kind !== 'CHANGE_OF_STATUS') {
          throw userError('APPLICATION_KIND_NOT_APPLICABLE', 'Only an extension or a change of status is applied for here');
        }
        const kind = args.kind;
        const { residentId } = await run.transaction((m) => commands.applyForExtension(m, run, ctx.principal, { person, kind }, ctx.today));
        return recordById(residentId, ctx);
      }),
    refuseExtension: (_: unknown, args: PersonArguments, ctx: ImmigrationContext) =>
      runCommand(ctx, MUTATION_POLICY, 'refuseExtension', () => commands.subjectOf(personArgument(args)), async (run) => {
        const person = personArgument(args);
        const { residentId } = await run.transaction((m) => commands.refuseExtension(m, run, ctx.principal, person, ctx.today));
        return recordById(residentId, ctx);
      }),
  },
  Query: {
    foreignResidentStatistics: (
      _: unknown,
      args: { groupBy: StatisticsDimension[]; filter?: StatisticsFilterInput | null },
      ctx: ImmigrationContext,
    ) => statisticsTable(ctx, args, { authority: 'immigration', population: IMMIGRATION_POPULATION }),
    verifyResidenceCard: async (_: unknown, args: { number: string; expiresOn: string }, ctx: ImmigrationContext) => {
      const { principal } = ctx;
      const partner = principal.role === 'partner' && (principal.scopes ?? []).includes('card:verify');
      if (!partner && principal.role !== 'isa-officer') throw userError('FORBIDDEN', 'Card checks need an API key with scope card:verify');
      const expiresOn = dateArgument(args.expiresOn);
      const parsed = parseResidenceCardNumber(args.number);
      const found = parsed.ok ? await ctx.loaders.cardByNumber.load(parsed.value) : null;
      ctx.audit.action = 'verify';
      ctx.audit.saw(found?.holder.myNumber ?? `card:${parsed.ok ? parsed.value : 'malformed'}`, found ? 'ok' : 'not_found');
      const card = found ? { ...found.card, status: statusOn(found.card, found.holder, ctx.today) } : null;
      const verdict = verifyCard(card, expiresOn);
      return {
        checkedOn: ctx.today,
        ...verdict,
        reason: verdict.valid ? null : verdict.reason,
        basis: verdict.valid ? (specialPeriodUntil(found!.holder.application, ctx.today) ? 'SPECIAL_PERIOD' : 'WITHIN_VALIDITY') : null,
        workPermission: verdict.valid
          ? workPermission(found!.holder.workRestriction as WorkRestriction, found!.holder.activityOutsideStatus as ActivityOutsideStatusPermission | null)
          : null,
      };
    },
    residenceCard: async (_: unknown, args: { number: string }, ctx: ImmigrationContext) => {
      const number = cardNumberArgument(args.number);
      const found = await ctx.loaders.cardByNumber.load(number);
      const holder = visible(found?.holder.myNumber ?? `card:${number}`, found?.holder ?? null, ctx);
      return found && holder ? cardView(found.card, holder, ctx.today) : null;
    },
  },
  StatisticsCoordinate: coordinateResolvers,
  AccessHistoryEntry: {
    proof: (entry: HistoryEntry, _: unknown, ctx: ImmigrationContext) => ctx.loaders.proofs.load(entry),
  },
  Person: {
    __resolveReference: async (ref: PersonPart, ctx: ImmigrationContext): Promise<PersonPart> => ({
      ...ref,
      row: visible(ref.myNumber, await ctx.loaders.residentByMyNumber.load(ref.myNumber), ctx),
    }),
    immigration: (part: PersonPart) => part.row,
    residenceCard: (part: PersonPart, _: unknown, ctx: ImmigrationContext) =>
      part.row ? cardView(part.row.card, part.row, ctx.today) : null,
    cardArrangement: (part: PersonPart, _: unknown, ctx: ImmigrationContext) => arrangementOf(part.row, part.myNumberCard ?? null, ctx),
    counterGuidance: (part: PersonPart, args: GuidanceArguments, ctx: ImmigrationContext): GuidanceKey | null =>
      part.row
        ? guidanceKey({
            ...args,
            arrangement: arrangementOf(part.row, part.myNumberCard ?? null, ctx),
            residentClass: part.row.residentClass as ResidentClass,
            stayKind: stayKindOfRow(part.row),
          })
        : null,
    accessLog: async (part: PersonPart, _: unknown, ctx: ImmigrationContext) =>
      [
        ...(part.row ? await ctx.loaders.accessLog.load(part.myNumber) : []),
        ...(part.jlisAccessLog ?? []),
        ...(part.registryAccessLog ?? []),
      ].sort((a, b) => (a.at < b.at ? 1 : a.at > b.at ? -1 : 0)),
    immigrationAccessHistory: (part: PersonPart, args: HistoryArgs, ctx: ImmigrationContext) => {
      const window = historyWindow(args);
      return part.row ? ctx.loaders.accessHistory.load({ subject: part.myNumber, window }) : EMPTY_PAGE;
    },
    pendingChanges: async (part: PersonPart, _: unknown, ctx: ImmigrationContext) => [
      ...(part.row ? await ctx.loaders.pendingChanges.load(part.myNumber) : []),
      ...(part.jlisOutgoingChanges ?? []),
      ...(part.registryOutgoingChanges ?? []),
    ],
  },
  ImmigrationRecord: {
    nationality: (row: ResidentRow) => ({ code: row.nationality, kind: NATIONALITY_KIND.get(row.nationality) ?? 'COUNTRY' }),
    permission: (row: ResidentRow) =>
      row.permissionKind && row.permissionDate ? { kind: row.permissionKind, date: row.permissionDate } : null,
    specificCardEligibility: (row: ResidentRow) =>
      specificCardEligibility({ residentClass: row.residentClass as ResidentClass, hasResidentRecord: row.residentRegistered }),
    stayApplication: (row: ResidentRow) => row.application,
    specialPeriodUntil: (row: ResidentRow, _: unknown, ctx: ImmigrationContext) => specialPeriodUntil(row.application, ctx.today),
    residenceCard: (row: ResidentRow, _: unknown, ctx: ImmigrationContext) => cardView(row.card, row, ctx.today),
    residenceCards: async (row: ResidentRow, _: unknown, ctx: ImmigrationContext) =>
      (await ctx.loaders.cardsByResident.load(row.id)).map((card) => cardView(card, row, ctx.today)),
    person: (row: ResidentRow) => (row.myNumber ? { myNumber: row.myNumber } : null),
    // Without a My Number there is no My Number card, so the ISA alone knows the arrangement.
    counterGuidance: (row: ResidentRow, args: GuidanceArguments, ctx: ImmigrationContext): GuidanceKey | null =>
      row.myNumber
        ? null
        : guidanceKey({
            ...args,
            arrangement: arrangementOf(row, null, ctx),
            residentClass: row.residentClass as ResidentClass,
            stayKind: stayKindOfRow(row),
          }),
  },
  CounterGuidance: {
    ...counterGuidanceResolvers('IMMIGRATION', IMMIGRATION_GUIDANCE, 'immigrationSteps'),
    eventLabel: (key: GuidanceKey) => label('CounterEvent', key.event, key.language),
    arrangementLabel: (key: GuidanceKey) => label('CardArrangement', key.arrangement, key.language),
    residentClassLabel: (key: GuidanceKey) => label('ResidentClass', key.residentClass, key.language),
    stayKindLabel: (key: GuidanceKey) => label('StayKind', key.stayKind, key.language),
    notApplicable: (key: GuidanceKey) => notApplicableFor(key)?.reason ?? null,
    notApplicableLabel: (key: GuidanceKey) => {
      const not = notApplicableFor(key);
      return not && label('NotApplicableReason', not.reason, key.language);
    },
    notApplicableBasis: (key: GuidanceKey) => notApplicableFor(key)?.basis ?? null,
    steps: (part: GuidancePart) =>
      mergeSteps(stepsFor('IMMIGRATION', IMMIGRATION_GUIDANCE, part), part.registrySteps ?? [], part.jlisSteps ?? []),
  },
  StayApplication: {
    specialPeriodLastDay: (a: ApplicationRow) => specialPeriodLastDay(a.oldStayExpiresOn),
  },
  ResidenceCard: {
    number: (v: CardView) => v.card.number,
    kind: (v: CardView) => v.card.kind,
    status: (v: CardView) => statusOn(v.card, v.holder, v.today),
    issuedOn: (v: CardView) => v.card.issuedOn,
    lossReportedOn: (v: CardView) => v.card.lossReportedOn,
    validUntil: (v: CardView) => v.card.validUntil,
    supersededBy: (v: CardView) => v.card.supersededBy,
    myNumberFunctionEndedOn: (v: CardView) => v.card.myNumberFunctionEndedOn,
    myNumberFunctionEndReason: (v: CardView) => v.card.myNumberFunctionEndReason,
    shows: (v: CardView) =>
      cardShows(v.card.kind as ResidenceCardKind, { birthDate: v.holder.birthDate, issuedOn: v.card.issuedOn, validUntil: v.card.validUntil }),
    holder: (v: CardView) => v.holder,
  },
};
