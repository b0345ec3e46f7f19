import { parseResidenceCardNumber } from '../../../schema/identifiers';
import { NATIONALITIES } from '../../../schema/codes';
import type { MyNumberCardKind, MyNumberCardStatus, ResidenceCardKind, ResidenceCardStatus, ResidentClass } from '../../../schema/codes';
import { userError } from '../../kit/errors';
import type { SubgraphContext } from '../../kit/subgraph';
import { canSeePerson } from '../../kit/visibility';
import type { CardRow, Loaders, ResidentRow } from '../loaders';
import { PERSON_POLICY } from '../policy';
import { cardArrangement } from '../rules/cardArrangement';
import { cardShows } from '../rules/cardDisplay';
import { residenceCardStatusOn } from '../rules/cardValidity';
import { specificCardEligibility } from '../rules/eligibility';

export interface ImmigrationContext extends SubgraphContext {
  loaders: Loaders;
}

interface PersonPart {
  myNumber: string;
  row: ResidentRow | null;
  myNumberCard?: { kind: MyNumberCardKind; status: MyNumberCardStatus } | null;
}

/** A card as answered: its row, its holder, and the day its status is judged on. */
interface CardView {
  card: CardRow;
  holder: ResidentRow;
  today: string;
}

const NATIONALITY_KIND = new Map<string, string>(NATIONALITIES.map((n) => [n.code, n.kind]));

function visible(row: ResidentRow | null, ctx: ImmigrationContext): ResidentRow | null {
  return row && canSeePerson(PERSON_POLICY, ctx.principal, row) ? row : null;
}

function cardView(card: CardRow | null, holder: ResidentRow, today: string): CardView | null {
  return card ? { card, holder, today } : null;
}

/** The card's status on the given day: a VALID card past its validity reads EXPIRED. */
function statusOn(card: CardRow, today: string): ResidenceCardStatus {
  return residenceCardStatusOn({ status: card.status as ResidenceCardStatus, validUntil: card.validUntil }, today);
}

export const resolvers = {
  Query: {
    residenceCard: async (_: unknown, args: { number: string }, ctx: ImmigrationContext) => {
      const parsed = parseResidenceCardNumber(args.number);
      if (!parsed.ok) {
        throw userError(parsed.code, 'A residence card number is two letters, eight digits and two letters');
      }
      const found = await ctx.loaders.cardByNumber.load(parsed.value);
      const holder = visible(found?.holder ?? null, ctx);
      return found && holder ? cardView(found.card, holder, ctx.today) : null;
    },
  },
  Person: {
    __resolveReference: async (ref: PersonPart, ctx: ImmigrationContext): Promise<PersonPart> => ({
      ...ref,
      row: visible(await ctx.loaders.residentByMyNumber.load(ref.myNumber), ctx),
    }),
    immigration: (part: PersonPart) => part.row,
    residenceCard: (part: PersonPart, _: unknown, ctx: ImmigrationContext) =>
      part.row ? cardView(part.row.card, part.row, ctx.today) : null,
    cardArrangement: (part: PersonPart, _: unknown, ctx: ImmigrationContext) => {
      const card = part.row?.card;
      return cardArrangement({
        residenceCard: card ? { kind: card.kind as ResidenceCardKind, status: statusOn(card, ctx.today) } : null,
        myNumberCard: part.myNumberCard ?? null,
      });
    },
  },
  ImmigrationRecord: {
    nationality: (row: ResidentRow) => ({ code: row.nationality, kind: NATIONALITY_KIND.get(row.nationality) ?? 'COUNTRY' }),
    permission: (row: ResidentRow) =>
      row.permissionKind && row.permissionDate ? { kind: row.permissionKind, date: row.permissionDate } : null,
    specificCardEligibility: (row: ResidentRow) =>
      specificCardEligibility({ residentClass: row.residentClass as ResidentClass, hasResidentRecord: row.residentRegistered }),
    residenceCard: (row: ResidentRow, _: unknown, ctx: ImmigrationContext) => cardView(row.card, row, ctx.today),
    residenceCards: async (row: ResidentRow, _: unknown, ctx: ImmigrationContext) =>
      (await ctx.loaders.cardsByResident.load(row.id)).map((card) => cardView(card, row, ctx.today)),
    person: (row: ResidentRow) => (row.myNumber ? { myNumber: row.myNumber } : null),
  },
  ResidenceCard: {
    number: (v: CardView) => v.card.number,
    kind: (v: CardView) => v.card.kind,
    status: (v: CardView) => statusOn(v.card, v.today),
    issuedOn: (v: CardView) => v.card.issuedOn,
    lossReportedOn: (v: CardView) => v.card.lossReportedOn,
    validUntil: (v: CardView) => v.card.validUntil,
    supersededBy: (v: CardView) => v.card.supersededBy,
    shows: (v: CardView) => cardShows(v.card.kind as ResidenceCardKind),
    holder: (v: CardView) => v.holder,
  },
};
