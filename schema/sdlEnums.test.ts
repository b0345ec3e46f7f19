import { join } from 'node:path';
import type { EnumTypeDefinitionNode } from 'graphql';
import { loadSubgraphSchema } from '../subgraphs/kit/subgraphSchema';
import * as codes from './codes';

/** Each SDL enum and the code list it must list exactly (the code tables are the source of truth). */
const ENUM_CODES: Record<string, readonly string[]> = {
  ResidentClass: codes.RESIDENT_CLASSES,
  ResidentCategory: codes.RESIDENT_CATEGORIES,
  StatusOfResidence: codes.STATUSES_OF_RESIDENCE,
  PermissionKind: codes.PERMISSION_KINDS,
  StayApplicationStatus: codes.STAY_APPLICATION_STATUSES,
  WorkRestriction: codes.WORK_RESTRICTIONS,
  ActivityOutsideStatusPermission: codes.ACTIVITY_OUTSIDE_STATUS_PERMISSIONS,
  Eligibility: codes.ELIGIBILITIES,
  EligibilityReason: codes.ELIGIBILITY_REASONS,
  ResidenceCardKind: codes.RESIDENCE_CARD_KINDS,
  ResidenceCardStatus: codes.RESIDENCE_CARD_STATUSES,
  CardItem: codes.CARD_ITEMS,
  ItemPresence: codes.ITEM_PRESENCES,
  ItemNote: codes.ITEM_NOTES,
  CardArrangement: codes.CARD_ARRANGEMENTS,
  MyNumberCardKind: codes.MY_NUMBER_CARD_KINDS,
  MyNumberCardStatus: codes.MY_NUMBER_CARD_STATUSES,
  CardFunctionKind: codes.CARD_FUNCTIONS,
  CardFunctionStatus: codes.CARD_FUNCTION_STATUSES,
  Sex: codes.SEXES,
  NationalityKind: codes.NATIONALITY_KINDS,
  CounterEvent: codes.COUNTER_EVENTS,
  CounterAuthority: codes.COUNTER_AUTHORITIES,
  CounterKind: codes.COUNTER_KINDS,
  CounterAction: codes.COUNTER_ACTIONS,
  CounterDocument: codes.COUNTER_DOCUMENTS,
  StayKind: codes.STAY_KINDS,
  NotApplicableReason: codes.NOT_APPLICABLE_REASONS,
};

const rows = ['immigration', 'registry', 'mynumber'].flatMap((subgraph) => {
  const doc = loadSubgraphSchema(join(__dirname, '..', 'subgraphs', subgraph, 'schema.graphql'));
  return doc.definitions
    .filter((d): d is EnumTypeDefinitionNode => d.kind === 'EnumTypeDefinition')
    .filter((d) => d.name.value in ENUM_CODES)
    .map((d) => [subgraph, d.name.value, (d.values ?? []).map((v) => v.name.value)] as const);
});

test('every coded enum of every subgraph is checked', () => {
  expect(rows.length).toBeGreaterThanOrEqual(Object.keys(ENUM_CODES).length);
});

test.each(rows)('%s enum %s lists exactly the code table', (_subgraph, name, values) => {
  expect(values).toEqual([...ENUM_CODES[name]!]);
});
