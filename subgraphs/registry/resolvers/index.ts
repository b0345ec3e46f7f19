import { municipality } from '../../../schema/municipalities';
import type { SubgraphContext } from '../../kit/subgraph';
import { canSeePerson } from '../../kit/visibility';
import type { AddressRow, Loaders, ResidentRow } from '../loaders';
import { PERSON_POLICY } from '../policy';

export interface RegistryContext extends SubgraphContext {
  loaders: Loaders;
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
  Person: {
    /** The registry's part of a person; a record the caller may not see reads as no record. */
    __resolveReference: async (ref: { myNumber: string }, ctx: RegistryContext): Promise<PersonPart> => {
      const row = await ctx.loaders.resident.load(ref.myNumber);
      return { myNumber: ref.myNumber, row: row && canSeePerson(PERSON_POLICY, ctx.principal, row) ? row : null };
    },
    resident: (part: PersonPart) => part.row,
  },
  ResidentRecord: {
    municipality: (row: ResidentRow) => toMunicipality(row.municipalityCode),
    address: (row: ResidentRow) => {
      const current = row.addresses.find((a) => a.movedOutOn === null) ?? row.addresses.at(-1);
      return current ? toAddress(current) : null;
    },
    addressHistory: (row: ResidentRow) => row.addresses.map(toAddress),
  },
};
