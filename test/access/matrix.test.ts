import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Kind, parse, type FieldDefinitionNode, type ObjectTypeDefinitionNode } from 'graphql';
import { PURPOSES_BY_ROLE, type Role } from '../../schema/access';
import { mayRead, type FieldPolicy } from '../../subgraphs/kit/fieldPolicy';
import type { PersonPolicy } from '../../subgraphs/kit/visibility';
import { FIELD_POLICY as IMMIGRATION, PERSON_POLICY as IMMIGRATION_PERSONS } from '../../subgraphs/immigration/policy';
import { FIELD_POLICY as MYNUMBER, PERSON_POLICY as MYNUMBER_PERSONS } from '../../subgraphs/mynumber/policy';
import { FIELD_POLICY as REGISTRY, PERSON_POLICY as REGISTRY_PERSONS } from '../../subgraphs/registry/policy';
import { IMMIGRATION_ROLES } from '../../subgraphs/immigration/commands';
import { MY_NUMBER_ROLES } from '../../subgraphs/mynumber/commands';
import { REGISTRY_ROLES } from '../../subgraphs/registry/commands';
import { startStack, type Stack } from '../harness';
import { persona } from '../personas';

/**
 * The authorization matrix, generated from the authorities' policy tables: every role and purpose against every
 * field of every guarded type, asked over HTTP through the gateway; each field must be answered exactly when the
 * tables allow it and refused with FORBIDDEN at its own path otherwise.
 */
const AUTHORITIES = [
  { name: 'mynumber', fields: MYNUMBER, persons: MYNUMBER_PERSONS },
  { name: 'registry', fields: REGISTRY, persons: REGISTRY_PERSONS },
  { name: 'immigration', fields: IMMIGRATION, persons: IMMIGRATION_PERSONS },
] as const;

/** Where each guarded type is reached from `person(myNumber:)`, and which authority owns that hop. */
const PATHS: Record<string, Array<[string, string, string]>> = {
  Person: [],
  ImmigrationRecord: [['Person', 'immigration', 'immigration']],
  ResidenceCard: [['Person', 'residenceCard', 'immigration']],
  ResidentRecord: [['Person', 'resident', 'registry']],
  MyNumberCard: [['Person', 'myNumberCard', 'mynumber']],
  CardFunction: [['Person', 'myNumberCard', 'mynumber'], ['MyNumberCard', 'functions', 'mynumber']],
};

interface Field {
  owner: (typeof AUTHORITIES)[number];
  type: string;
  name: string;
  selection: string;
}

const OBJECT_TYPES = new Set<string>();
const fields: Field[] = [];
for (const owner of AUTHORITIES) {
  const doc = parse(readFileSync(join(__dirname, '..', '..', 'subgraphs', owner.name, 'schema.graphql'), 'utf8'));
  const types = doc.definitions.filter((d): d is ObjectTypeDefinitionNode => d.kind === Kind.OBJECT_TYPE_DEFINITION);
  types.forEach((t) => OBJECT_TYPES.add(t.name.value));
  for (const type of types) {
    if (!(type.name.value in owner.fields) || !(type.name.value in PATHS)) continue;
    for (const f of type.fields ?? []) {
      const hidden = (f.directives ?? []).some((d) => ['external', 'inaccessible'].includes(d.name.value));
      if (hidden || (type.name.value === 'Person' && f.name.value === 'myNumber')) continue;
      fields.push({ owner, type: type.name.value, name: f.name.value, selection: selectionFor(f) });
    }
  }
}

function selectionFor(f: FieldDefinitionNode): string {
  let t = f.type;
  while (t.kind !== Kind.NAMED_TYPE) t = t.type;
  return OBJECT_TYPES.has(t.name.value) || ['Municipality', 'Address', 'Nationality', 'Permission', 'SpecificCardEligibility', 'CardItemDisplay', 'PendingChange', 'AccessRecord', 'ImmigrationRecord', 'ResidenceCard', 'Person', 'CardFunction'].includes(t.name.value)
    ? `${f.name.value} { __typename }`
    : f.name.value;
}

const policyOf = (authority: string): FieldPolicy => AUTHORITIES.find((a) => a.name === authority)!.fields;

const CALLERS: Array<{ role: Role; purpose: string }> = (Object.keys(PURPOSES_BY_ROLE) as Role[])
  .filter((role) => role !== 'partner')
  .flatMap((role) => PURPOSES_BY_ROLE[role].map((purpose) => ({ role, purpose })));

let stack: Stack;
const subject = persona('specific_card');
let municipality: string;

beforeAll(async () => {
  stack = await startStack({ persons: 20 });
  const [row] = await stack.dbs.registry.query(`SELECT municipality_code AS m FROM resident WHERE my_number = $1`, [subject.myNumber]);
  municipality = row.m;
});
afterAll(() => stack?.stop());

function visibleTo(persons: PersonPolicy, role: Role): boolean {
  return (persons[role] ?? 'none') !== 'none'; // the persona is in the clerk's municipality and is the resident
}

async function tokenFor(role: Role, purpose: string): Promise<string> {
  return stack.token(role, {
    municipality: role === 'municipal-clerk' ? municipality : undefined,
    myNumber: role === 'resident' ? subject.myNumber! : undefined,
    purpose,
  });
}

test('the matrix covers every role, purpose and guarded field', () => {
  expect(CALLERS.length).toBe(Object.values(PURPOSES_BY_ROLE).flat().length - PURPOSES_BY_ROLE.partner.length);
  expect(fields.length).toBeGreaterThan(40);
  expect(fields.some((f) => f.type === 'ResidentRecord' && f.name === 'residentRecordCode')).toBe(true);
});

describe.each(CALLERS)('$role for $purpose', ({ role, purpose }) => {
  test.each(Object.keys(PATHS))('every field of %s', async (type) => {
    const typeFields = fields.filter((f) => f.type === type);
    const hops = PATHS[type]!;
    const open = hops.map(([, name]) => `${name} {`).join(' ');
    const query = `query ($n: ID!) { person(myNumber: $n) { ${open} ${typeFields.map((f) => f.selection).join(' ')} ${'}'.repeat(hops.length)} } }`;
    const { status, body } = await stack.query(await tokenFor(role, purpose), query, { n: subject.myNumber });
    expect(status).toBe(200);
    const forbidden = new Set(
      (body.errors ?? []).filter((e) => e.extensions?.code === 'FORBIDDEN').map((e) => ((e as { path?: unknown[] }).path ?? []).filter((p) => typeof p === 'string').join('.')),
    );
    const principal = { role, purpose };
    const personVisible = visibleTo(MYNUMBER_PERSONS, role);
    if (!personVisible) {
      // Looks exactly like an unknown person: null, no error.
      expect(body).toEqual({ data: { person: null } });
      return;
    }
    const hopsAllowed = hops.every(([hopType, hopField, hopOwner]) => mayRead(policyOf(hopOwner), principal, hopType, hopField));
    const prefix = ['person', ...hops.map(([, name]) => name)].join('.');
    for (const f of typeFields) {
      const allowed = visibleTo(f.owner.persons, role) && mayRead(f.owner.fields, principal, f.type, f.name);
      const refused = forbidden.has(`${prefix}.${f.name}`);
      if (!hopsAllowed) expect(refused).toBe(false); // never reached
      else expect({ field: `${f.type}.${f.name}`, refused }).toEqual({ field: `${f.type}.${f.name}`, refused: !allowed && f.owner.persons[role] !== undefined });
    }
    // Nothing refused that the tables allow, anywhere in the answer.
    for (const path of forbidden) {
      const [, ...rest] = path.split('.');
      const name = rest.at(-1)!;
      const f = typeFields.find((x) => x.name === name);
      if (f) expect(mayRead(f.owner.fields, principal, f.type, f.name)).toBe(false);
    }
  });
});

/** Operations other than reading a person: which roles each is for, from the commands' own role tables. */
const UNKNOWN = '123456789018';
const OPERATIONS: Array<{ name: string; query: string; roles: readonly Role[]; whenAllowed: string }> = [
  { name: 'issueSpecificResidenceCard', query: `mutation { issueSpecificResidenceCard(myNumber: "${UNKNOWN}") { number } }`, roles: IMMIGRATION_ROLES, whenAllowed: 'PERSON_NOT_FOUND' },
  { name: 'reportResidenceCardLost', query: `mutation { reportResidenceCardLost(number: "ZZ00000000ZZ") { number } }`, roles: IMMIGRATION_ROLES, whenAllowed: 'CARD_NOT_FOUND' },
  { name: 'reissueResidenceCard', query: `mutation { reissueResidenceCard(number: "ZZ00000000ZZ") { number } }`, roles: IMMIGRATION_ROLES, whenAllowed: 'CARD_NOT_FOUND' },
  { name: 'renewPeriodOfStay', query: `mutation { renewPeriodOfStay(myNumber: "${UNKNOWN}", newExpiry: "2030-01-01") { stayExpiresOn } }`, roles: IMMIGRATION_ROLES, whenAllowed: 'PERSON_NOT_FOUND' },
  { name: 'issueMyNumberCard', query: `mutation { issueMyNumberCard(myNumber: "${UNKNOWN}") { myNumber } }`, roles: MY_NUMBER_ROLES, whenAllowed: 'PERSON_NOT_FOUND' },
  { name: 'returnMyNumberFunction', query: `mutation { returnMyNumberFunction(myNumber: "${UNKNOWN}") { myNumber } }`, roles: MY_NUMBER_ROLES, whenAllowed: 'PERSON_NOT_FOUND' },
  { name: 'suspendCertificates', query: `mutation { suspendCertificates(myNumber: "${UNKNOWN}") { myNumber } }`, roles: MY_NUMBER_ROLES, whenAllowed: 'PERSON_NOT_FOUND' },
  { name: 'removeResident', query: `mutation { removeResident(myNumber: "${UNKNOWN}", reason: LEFT_JAPAN, removedOn: "2026-11-28") { myNumber } }`, roles: REGISTRY_ROLES, whenAllowed: 'PERSON_NOT_FOUND' },
  { name: 'verifyResidenceCard', query: `{ verifyResidenceCard(number: "ZZ00000000ZZ", expiresOn: "2030-01-01") { valid reason } }`, roles: ['isa-officer'], whenAllowed: 'OK' },
];

describe.each(CALLERS)('operations: $role for $purpose', ({ role, purpose }) => {
  test.each(OPERATIONS)('$name', async ({ query, roles, whenAllowed }) => {
    const { body } = await stack.query(await tokenFor(role, purpose), query);
    const code = body.errors?.[0]?.extensions?.code ?? 'OK';
    expect(code).toBe(roles.includes(role) ? whenAllowed : 'FORBIDDEN');
  });
});

test('a residence card looked up by number is shown only to roles that may see its holder', async () => {
  for (const { role, purpose } of CALLERS) {
    const { body } = await stack.query(await tokenFor(role, purpose), `query ($c: String!) { residenceCard(number: $c) { status } }`, {
      c: subject.residenceCardNumber,
    });
    const seen = (body.data as { residenceCard: unknown } | undefined)?.residenceCard != null;
    const expected = (IMMIGRATION_PERSONS[role] ?? 'none') !== 'none' && mayRead(IMMIGRATION, { role, purpose }, 'ResidenceCard', 'status');
    expect({ role, purpose, seen }).toEqual({ role, purpose, seen: expected });
  }
});
