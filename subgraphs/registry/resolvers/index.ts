import { municipality } from '../../../schema/municipalities';
import { GraphQLError } from 'graphql';
import type { EntityManager } from 'typeorm';
import { CARD_REFUSAL, type RegistrationCardCheck } from '../../../schema/internalPaths';
import { parseDate, parseMyNumber, parseResidenceCardNumber } from '../../../schema/identifiers';
import { EMPTY_PAGE, historyWindow, type HistoryArgs, type HistoryEntry } from '../../kit/accessHistory';
import { runCommand, type CommandRun } from '../../kit/commands';
import { userError } from '../../kit/errors';
import type { SubgraphContext } from '../../kit/subgraph';
import { changeAddress, checkRegistration, claimCode, freshRecordCode, refuseCard, requestKeyArgument, recordMoveIn, recordMoveOut, registerResident, removeResident, sentBefore, stillResidentOf, type Registration } from '../commands';
import { lookUp } from '../../kit/visibility';
import type { AddressRow, Loaders, ResidentRow } from '../loaders';
import { MUTATION_POLICY, PERSON_POLICY } from '../policy';
import type { StatisticsDimension } from '../../../schema/statistics';
import type { StatisticsCube } from '../../kit/statistics/cube';
import { coordinateResolvers, statisticsTable, type StatisticsFilterInput } from '../../kit/statistics/resolver';
import { REGISTRY_POPULATION } from '../statistics';
import { counterGuidanceResolvers } from '../../kit/counterGuidance';
import { REGISTRY_GUIDANCE } from '../rules/counterGuidance';

export interface RegistryContext extends SubgraphContext {
  loaders: Loaders;
  statistics: StatisticsCube;
  /** Asks the ISA whether a presented card may be registered (in force, holder not registered, matching). */
  checkResidenceCard(check: RegistrationCardCheck): Promise<void>;
  /** Asks J-LIS for the My Number of a newly recorded resident. */
  assignMyNumber(request: { residentRecordCode: string; birthDate: string; municipalityCode: string; assignedOn: string; requestId?: string }): Promise<string>;
}

type RegisterResidentInput = Omit<Registration, 'registeredOn' | 'residenceCardNumber'> & {
  registeredOn?: string;
  residenceCardNumber?: string | null;
  requestKey?: string | null;
};

function myNumberArgument(input: string): string {
  const parsed = parseMyNumber(input);
  if (!parsed.ok) throw userError(parsed.code, 'Not a valid My Number');
  return parsed.value;
}

function dateArgument(input: string): string {
  const parsed = parseDate(input);
  if (!parsed.ok) throw userError(parsed.code, 'Dates are written yyyy-mm-dd');
  return parsed.value;
}

/**
 * Records a resident: the ISA's check of a card, the registration's resident record code (one per card, or per
 * key without a card), J-LIS's My Number for it, then the resident.
 */
async function register(run: CommandRun, registration: Registration, ctx: RegistryContext): Promise<PersonPart> {
  const card = registration.residenceCardNumber;
  const { requestKey } = registration;
  if (card) {
    const { birthDate, sex, category } = registration;
    await ctx.checkResidenceCard({ residenceCardNumber: card, birthDate, sex, category, requestId: ctx.principal.requestId });
  }
  const claim = card ? { card } : requestKey ? { municipalityCode: registration.municipalityCode, requestKey } : undefined;
  const { code: residentRecordCode, recorded } = claim ? await claimCode(ctx.db, run, claim) : { code: await freshRecordCode(ctx.db) };
  if (recorded) {
    // A card recorded since the registry's card check (another send won the race): refused as every recorded card
    // is; the resolver answers the same send with its key again.
    if (card) refuseCard(run, recorded.myNumber);
    // Sent again after it was recorded: the same answer, while the resident is still the municipality's.
    run.subject = recorded.myNumber;
    const { myNumber } = recorded;
    const alreadyRegistered = (): never => {
      throw userError('RESIDENT_ALREADY_REGISTERED', 'This resident is already recorded');
    };
    if (recorded.municipalityCode !== ctx.principal.municipality || recorded.removed) alreadyRegistered();
    return answeredAgain(run, myNumber, ctx, (m) => stillResidentOf(m, myNumber, registration.municipalityCode), alreadyRegistered);
  }
  const myNumber = await ctx.assignMyNumber({
    residentRecordCode,
    birthDate: registration.birthDate,
    municipalityCode: registration.municipalityCode,
    assignedOn: registration.registeredOn,
    requestId: ctx.principal.requestId,
  });
  run.subject = myNumber;
  await run.transaction((m) => registerResident(m, run, registration, myNumber, residentRecordCode));
  return personAfter(myNumber, ctx);
}

/**
 * A registration sent again after it was recorded, answered with its resident: the answer shows the resident, so
 * it is logged as the first send was (an `ok` row of the command against them, in their history). What made it
 * the same registration is checked again in that transaction, the resident held, so that a move or a removal
 * committed since the first check is refused rather than shown.
 */
async function answeredAgain(
  run: CommandRun,
  myNumber: string,
  ctx: RegistryContext,
  stillTheSame: (m: EntityManager) => Promise<boolean>,
  refuse: () => never,
): Promise<PersonPart> {
  run.subject = myNumber;
  await run.transaction(async (m) => {
    if (!(await stillTheSame(m))) refuse();
  });
  return personAfter(myNumber, ctx);
}

/** The person's registry part after a command committed (read afresh). */
async function personAfter(myNumber: string, ctx: RegistryContext): Promise<PersonPart> {
  return { myNumber, row: await ctx.loaders.resident.clear(myNumber).load(myNumber) };
}

interface PersonPart {
  myNumber: string;
  row: ResidentRow | null;
}

function toMunicipality(code: string) {
  const m = municipality(code);
  return {
    code,
    prefectureCode: code.slice(0, 2),
    name: m?.name ?? code,
    prefectureName: m?.prefecture ?? '',
  };
}

function toAddress(a: AddressRow) {
  return { municipality: toMunicipality(a.municipalityCode), line: a.line, movedInOn: a.movedInOn, movedOutOn: a.movedOutOn };
}

export const resolvers = {
  Query: {
    residentRegistryStatistics: (
      _: unknown,
      args: { groupBy: StatisticsDimension[]; filter?: StatisticsFilterInput | null },
      ctx: RegistryContext,
    ) => statisticsTable(ctx, args, { authority: 'registry', population: REGISTRY_POPULATION }),
  },
  StatisticsCoordinate: coordinateResolvers,
  Mutation: {
    registerResident: (_: unknown, { input }: { input: RegisterResidentInput }, ctx: RegistryContext) =>
      runCommand(ctx, MUTATION_POLICY, 'registerResident', () => null, async (run) => {
        let residenceCardNumber: string | null = null;
        if (input.residenceCardNumber) {
          const parsed = parseResidenceCardNumber(input.residenceCardNumber);
          if (!parsed.ok) throw userError(parsed.code, 'A residence card number is two letters, eight digits and two letters');
          residenceCardNumber = parsed.value;
          // Until J-LIS assigns a My Number, the card names the person: a refused check is logged against it.
          run.subject = `card:${residenceCardNumber}`;
        }
        const registration: Registration = {
          ...input,
          residenceCardNumber,
          birthDate: dateArgument(input.birthDate),
          registeredOn: input.registeredOn ? dateArgument(input.registeredOn) : ctx.today,
          requestKey: undefined,
        };
        checkRegistration(ctx.principal, registration);
        const requestKey = input.requestKey == null ? undefined : requestKeyArgument(input.requestKey);
        registration.requestKey = requestKey;
        const card = registration.residenceCardNumber;
        if (!card || !requestKey) return register(run, registration, ctx);
        // A card holder's send with its key, sent again (its answer lost, or at the same time as the first): answered
        // with the resident it recorded, wherever the card is found recorded: before the ISA is asked, in the ISA's
        // refusal, in the registry's own, or at the insert. Every other send of a recorded card is refused.
        const sameSend = { ...registration, residenceCardNumber: card, requestKey };
        const again = (myNumber: string) => answeredAgain(run, myNumber, ctx, async (m) => (await sentBefore(m, sameSend, { hold: true })) === myNumber, () => refuseCard(run, myNumber));
        const recorded = await sentBefore(ctx.db, sameSend);
        if (recorded) return again(recorded);
        try {
          return await register(run, registration, ctx);
        } catch (err) {
          if (!(err instanceof GraphQLError) || err.extensions.code !== CARD_REFUSAL.code) throw err;
          const recordedSince = await sentBefore(ctx.db, sameSend);
          if (recordedSince) return again(recordedSince);
          throw err;
        }
      }),
    changeAddress: (_: unknown, args: { myNumber: string; municipalityCode: string; addressLine: string; movedOn: string }, ctx: RegistryContext) =>
      runCommand(ctx, MUTATION_POLICY, 'changeAddress', () => myNumberArgument(args.myNumber), async (run, myNumber) => {
        const movedOn = dateArgument(args.movedOn);
        await run.transaction((m) => changeAddress(m, run, ctx.principal, { ...args, myNumber, movedOn }));
        return personAfter(myNumber, ctx);
      }),
    recordMoveOut: (_: unknown, args: { myNumber: string; destinationMunicipalityCode: string; movedOutOn: string }, ctx: RegistryContext) =>
      runCommand(ctx, MUTATION_POLICY, 'recordMoveOut', () => myNumberArgument(args.myNumber), async (run, myNumber) => {
        const movedOutOn = dateArgument(args.movedOutOn);
        await run.transaction((m) => recordMoveOut(m, run, ctx.principal, { ...args, myNumber, movedOutOn }));
        return personAfter(myNumber, ctx);
      }),
    recordMoveIn: (_: unknown, args: { myNumber: string; municipalityCode: string; addressLine: string; movedInOn: string }, ctx: RegistryContext) =>
      runCommand(ctx, MUTATION_POLICY, 'recordMoveIn', () => myNumberArgument(args.myNumber), async (run, myNumber) => {
        const movedInOn = dateArgument(args.movedInOn);
        await run.transaction((m) => recordMoveIn(m, run, ctx.principal, { ...args, myNumber, movedInOn }));
        return personAfter(myNumber, ctx);
      }),
    removeResident: (_: unknown, args: { myNumber: string; reason: string; removedOn: string }, ctx: RegistryContext) =>
      runCommand(ctx, MUTATION_POLICY, 'removeResident', () => myNumberArgument(args.myNumber), async (run, myNumber) => {
        const removedOn = dateArgument(args.removedOn);
        await run.transaction((m) => removeResident(m, run, ctx.principal, { myNumber, reason: args.reason, removedOn }));
        return personAfter(myNumber, ctx);
      }),
  },
  CounterGuidance: counterGuidanceResolvers('REGISTRY', REGISTRY_GUIDANCE, 'registrySteps'),
  AccessHistoryEntry: {
    proof: (entry: HistoryEntry, _: unknown, ctx: RegistryContext) => ctx.loaders.proofs.load(entry),
  },
  Person: {
    /** The registry's part of a person; a record the caller may not see reads as no record. */
    __resolveReference: async (ref: { myNumber: string }, ctx: RegistryContext): Promise<PersonPart> => {
      const row = await ctx.loaders.resident.load(ref.myNumber);
      return { myNumber: ref.myNumber, row: lookUp(ctx, PERSON_POLICY, ref.myNumber, row) };
    },
    resident: (part: PersonPart) => part.row,
    registryOutgoingChanges: (part: PersonPart, _: unknown, ctx: RegistryContext) =>
      part.row ? ctx.loaders.pendingChanges.load(part.myNumber) : [],
    registryAccessLog: (part: PersonPart, _: unknown, ctx: RegistryContext) =>
      part.row ? ctx.loaders.accessLog.load(part.myNumber) : [],
    registryAccessHistory: (part: PersonPart, args: HistoryArgs, ctx: RegistryContext) => {
      const window = historyWindow(args);
      return part.row ? ctx.loaders.accessHistory.load({ subject: part.myNumber, window }) : EMPTY_PAGE;
    },
  },
  ResidentRecord: {
    municipality: (row: ResidentRow) => toMunicipality(row.municipalityCode),
    address: (row: ResidentRow) => {
      const current = row.addresses.find((a) => a.movedOutOn === null) ?? row.addresses.at(-1);
      return current ? toAddress(current) : null;
    },
    addressHistory: (row: ResidentRow) => row.addresses.map(toAddress),
    moveOut: (row: ResidentRow) =>
      row.moveOutTo && row.moveOutOn ? { destination: toMunicipality(row.moveOutTo), movedOutOn: row.moveOutOn } : null,
  },
};
