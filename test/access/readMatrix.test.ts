import { join } from 'node:path';
import { Kind, type TypeNode } from 'graphql';
import { PURPOSES_BY_ROLE, ROLES, type Role } from '../../schema/access';
import { loadSubgraphSchema } from '../../subgraphs/kit/subgraphSchema';
import { startStack, TEST_TODAY, type Stack } from '../harness';
import { eventually, persona } from '../personas';

/**
 * The read matrix, written by hand: which caller (role and purpose) may read which field of each guarded type,
 * decided from the law and the documented intent (README "Who may see what", the legal notes in the authorities'
 * policies, DESIGN.md §3, schema/access.ts). Nothing here is imported from the tables the subgraphs enforce, so a
 * wrong policy fails here. Every caller asks, over HTTP through the gateway, every field of every guarded type of
 * a person in its scope: an allowed field is answered and carries data, a refused one is null with FORBIDDEN at its
 * own path, and a person outside the caller's scope reads exactly like an unknown one.
 */

const ISA = 'isa-officer:residence-management';
const REGISTRATION = 'municipal-clerk:resident-registration';
const CARD_COUNTER = 'municipal-clerk:my-number-card-issuance';
const JLIS = 'jlis-operator:my-number-card-management';
const SELF = 'resident:own-record';
const AUDITOR = 'auditor:audit';
const ANALYST = 'analyst:statistics';
const CALLERS = [ISA, REGISTRATION, CARD_COUNTER, JLIS, SELF, AUDITOR, ANALYST] as const;
type Caller = (typeof CALLERS)[number];

/** Which persons each caller reaches at all (README): a clerk their municipality's residents, a resident themselves. */
const SCOPE: Record<Caller, 'all' | 'own-municipality' | 'self' | 'none'> = {
  [ISA]: 'all',
  [REGISTRATION]: 'own-municipality',
  [CARD_COUNTER]: 'own-municipality',
  [JLIS]: 'all',
  [SELF]: 'self',
  // Only to read the access log; every other field is refused below.
  [AUDITOR]: 'all',
  // Statistics only, no person, ever.
  [ANALYST]: 'none',
};

/** Every counter that serves the person: the ISA, both municipal counters, J-LIS. */
const COUNTERS = [ISA, REGISTRATION, CARD_COUNTER, JLIS] as const;

type GuardedType = 'Person' | 'ImmigrationRecord' | 'ResidenceCard' | 'ResidentRecord' | 'MyNumberCard' | 'CardFunction' | 'AccessRecord';

/** Who may read what: per type, groups of fields (space-separated) and the callers allowed; everyone else is refused. */
const MAY_READ: Record<GuardedType, Array<[fields: string, callers: readonly Caller[]]>> = {
  Person: [
    // The key the caller asked by: whoever may see the person at all.
    ['myNumber', [...COUNTERS, SELF, AUDITOR]],
    // The unified record: every counter serving the person, and the person (個人情報保護法 76条). The arrangement
    // (a)/(b)/(c) and the changes still in flight are what a counter must know before acting on the record.
    ['immigration residenceCard cardArrangement pendingChanges resident myNumberAssignedOn myNumberCard', [...COUNTERS, SELF]],
    // What to do at which counter when something happens to the cards (issue 18): no personal data beyond the
    // arrangement and the class, but it reveals the arrangement, so it is read by whoever reads cardArrangement.
    ['counterGuidance', [...COUNTERS, SELF]],
    // Who looked at the person's data (番号法 23条 records), the latest entries and each authority's whole history:
    // the person themselves and auditors, nobody else.
    ['accessLog immigrationAccessHistory jlisAccessHistory registryAccessHistory', [SELF, AUDITOR]],
  ],
  ImmigrationRecord: [
    // Who the person is, their status and stay, and the card in force: the ISA's own record, the person's, and what
    // the municipalities (住基法 30条の45: status, period and end of stay, card number are items of a foreign
    // resident's record) and J-LIS (the My Number function ends with the stay) act on.
    // The special period (入管法 20条6項) is part of the stay: past stayExpiresOn, whether the person is still lawfully
    // resident and the card (and its My Number function) still good, which every counter must know before acting.
    ['residentClass nationality birthDate sex statusOfResidence stayExpiresOn specialPeriodUntil specificCardEligibility residenceCard person', [...COUNTERS, SELF]],
    // The guidance of a holder without a My Number (reached by card number), as Person.counterGuidance.
    ['counterGuidance', [...COUNTERS, SELF]],
    // The period of stay as granted is an item of the resident record (住基法 30条の45, 在留期間), which the
    // registration counter keeps; the card counter and J-LIS need only its end (stayExpiresOn).
    ['periodOfStay', [ISA, SELF, REGISTRATION]],
    // Permissions, work conditions and the card history are the ISA's business and the person's.
    ['permission workRestriction activityOutsideStatus residenceCards stayApplication', [ISA, SELF]],
  ],
  ResidenceCard: [
    // The card in force and whether it is good: every counter must see a partial invalidation at once (DESIGN §1),
    // and a specific card's My Number function is J-LIS's own fact.
    ['number kind status issuedOn validUntil lossReportedOn myNumberFunctionEndedOn myNumberFunctionEndReason shows holder', [...COUNTERS, SELF]],
    // Which card replaced it: the card history, the ISA's and the person's.
    ['supersededBy', [ISA, SELF]],
  ],
  ResidentRecord: [
    // The four basic items (住基法 30条の6: name, birth date, sex, address): the municipality keeping the record, the
    // ISA (which receives residents' addresses, 入管法 19条の9), J-LIS (which holds these items), the person.
    ['familyName givenName birthDate sex address municipality', [REGISTRATION, CARD_COUNTER, ISA, JLIS, SELF]],
    // The rest of the record (category, address history, registration, removal, a recorded move-out): the
    // municipality, the ISA (住基法 30条の50: every entry, removal and correction of a foreign resident's record is
    // notified to the Minister of Justice; the card's back shows the address history), the person; not J-LIS,
    // which holds the basic items and not the history.
    ['category addressHistory registeredOn removedOn removalReason moveOut', [REGISTRATION, CARD_COUNTER, ISA, SELF]],
    // The resident record code, only where the law names it (住基法 30条の42 ff.): the registering clerk, J-LIS, the person.
    ['residentRecordCode', [REGISTRATION, JLIS, SELF]],
  ],
  MyNumberCard: [
    // Which card carries the My Number function and whether it is good: every counter tells the arrangements
    // (a)/(b)/(c) apart by it; the holder.
    ['kind status statusReason issuedOn validUntil', [...COUNTERS, SELF]],
    // The functions and certificates (公的個人認証法) and the carrying card's number: the card's issuers (J-LIS, the
    // municipal card counter, the ISA for the specific cards it issues) and the holder. A clerk registering a
    // resident needs the My Number, not the card's functions.
    ['carrierCardNumber functions', [JLIS, CARD_COUNTER, ISA, SELF]],
  ],
  CardFunction: [
    // As MyNumberCard.functions: the card's issuers and the holder.
    ['function status validUntil', [JLIS, CARD_COUNTER, ISA, SELF]],
  ],
  AccessRecord: [
    // As Person.accessLog: every entry in full for the person and for auditors.
    ['at authority role agency purpose items action outcome', [SELF, AUDITOR]],
  ],
};

/**
 * Cells where the enforced policy departs from MAY_READ, for the lead to decide. The suite expects what is enforced
 * today for these cells, so it stays green; once the policy or the table changes, the cell fails and its entry goes.
 */
const DISPUTED: Array<{ cell: string; caller: Caller; why: string }> = [];

/**
 * Errors at a path the caller did not ask for, seen today: not a policy cell but a defect, for the lead to decide.
 * The suite expects exactly these, so it stays green; once one is gone, its entry goes.
 */
const KNOWN_STRAY: Array<{ caller: Caller; asking: string; error: string; why: string }> = [
  {
    caller: AUDITOR,
    asking: 'Person.cardArrangement',
    error: 'FORBIDDEN at person.myNumberCard',
    why:
      'cardArrangement @requires myNumberCard { kind status }; J-LIS refuses that fetch for the auditor and the gateway ' +
      'reports it at person.myNumberCard, besides the expected FORBIDDEN at person.cardArrangement',
  },
];

/** Object types with no caller table of their own: each is read only through a field decided above, or is no person's. */
const NOT_GUARDED: Record<string, string> = {
  Query: 'entry points',
  Mutation: 'changes (their own matrix)',
  Nationality: 'ImmigrationRecord.nationality',
  Permission: 'ImmigrationRecord.permission',
  StayApplication: 'ImmigrationRecord.stayApplication',
  SpecificCardEligibility: 'ImmigrationRecord.specificCardEligibility',
  CardItemDisplay: 'ResidenceCard.shows (what a card kind shows, 資料4)',
  Municipality: 'ResidentRecord.municipality and addresses',
  Address: 'ResidentRecord.address and addressHistory',
  MoveOut: 'ResidentRecord.moveOut',
  PendingChange: 'Person.pendingChanges',
  AccessHistoryPage: 'Person.immigrationAccessHistory, jlisAccessHistory, registryAccessHistory',
  AccessHistoryEntry: 'AccessHistoryPage.entries',
  AccessProof: 'AccessHistoryEntry.proof',
  SignedCheckpoint: 'AccessProof.checkpoint',
  Cosignature: 'SignedCheckpoint.cosignatures',
  CardVerification: 'partners only (a presented card, no person data; test/security)',
  StatisticsTable: 'aggregates for analysts, never a person',
  StatisticsYearEnd: 'aggregates',
  StatisticsCell: 'aggregates',
  StatisticsCoordinate: 'aggregates',
  DisclosureControl: 'aggregates',
  PerturbationRow: 'the published perturbation table, a parameter of the method',
  CounterGuidance: 'Person.counterGuidance and ImmigrationRecord.counterGuidance (published procedures, keyed by arrangement and class)',
  CounterStep: 'CounterGuidance steps',
  CounterItem: 'CounterStep.bring',
};

// ---------------------------------------------------------------------------------------------------------------
// The shape of the guarded types, read from the subgraph schemas (fields a client can ask for: not @external, not
// @inaccessible), to ask for every field and to notice a new one.

interface Shape {
  named: string;
  nonNull: boolean;
  list: boolean;
}
const SCHEMA = new Map<string, Map<string, Shape>>();
for (const authority of ['mynumber', 'registry', 'immigration']) {
  const doc = loadSubgraphSchema(join(__dirname, '..', '..', 'subgraphs', authority, 'schema.graphql'));
  for (const def of doc.definitions) {
    if (def.kind !== Kind.OBJECT_TYPE_DEFINITION) continue;
    const fields = SCHEMA.get(def.name.value) ?? new Map<string, Shape>();
    SCHEMA.set(def.name.value, fields);
    for (const f of def.fields ?? []) {
      if ((f.directives ?? []).some((d) => d.name.value === 'external' || d.name.value === 'inaccessible')) continue;
      fields.set(f.name.value, { named: namedType(f.type), nonNull: f.type.kind === Kind.NON_NULL_TYPE, list: isList(f.type) });
    }
  }
}

function isList(t: TypeNode): boolean {
  return t.kind === Kind.LIST_TYPE || (t.kind === Kind.NON_NULL_TYPE && t.type.kind === Kind.LIST_TYPE);
}
function namedType(t: TypeNode): string {
  return t.kind === Kind.NAMED_TYPE ? t.name.value : namedType(t.type);
}
const shapeOf = (type: string, field: string): Shape => SCHEMA.get(type)!.get(field)!;
const fieldsOf = (type: GuardedType): string[] => [...SCHEMA.get(type)!.keys()];
/** The arguments of fields that require some, as asked here. */
const ARGUMENTS: Record<string, string> = {
  'Person.counterGuidance': '(event: LOSS_OR_THEFT)',
  'ImmigrationRecord.counterGuidance': '(event: LOSS_OR_THEFT)',
};
const selection = (type: string, field: string): string =>
  `${field}${ARGUMENTS[`${type}.${field}`] ?? ''}${SCHEMA.has(shapeOf(type, field).named) ? ' { __typename }' : ''}`;

const TABLE = new Map<string, ReadonlySet<Caller>>();
for (const [type, groups] of Object.entries(MAY_READ)) {
  for (const [fields, callers] of groups) {
    for (const field of fields.split(' ')) {
      if (TABLE.has(`${type}.${field}`)) throw new Error(`${type}.${field} is listed twice in MAY_READ`);
      TABLE.set(`${type}.${field}`, new Set(callers));
    }
  }
}
const disputed = (caller: Caller, cell: string): boolean => DISPUTED.some((d) => d.caller === caller && d.cell === cell);
/** What the gateway must do today: the hand table, except for the disputed cells. */
const answers = (caller: Caller, type: string, field: string): boolean =>
  (TABLE.get(`${type}.${field}`)?.has(caller) ?? false) !== disputed(caller, `${type}.${field}`);

// ---------------------------------------------------------------------------------------------------------------
// The subjects: for each type, personas on which every field the table allows carries data somewhere.

interface View {
  type: GuardedType;
  /** The persona asked about (a scenario of seeds/personas.json). */
  persona: string;
  /** How the type is reached from the person, `Type.field` hop by hop (a list only as the last hop). */
  via: string[];
  /** Ask for a card by number (a superseded one) instead of a person. */
  cardNumber?: (stack: Stack) => Promise<string>;
  /** A documented change made first, through the gateway, so the fields it fills carry data. */
  prepare?: (stack: Stack) => Promise<void>;
  /** Fields with no value for this subject, and why: each is checked to be answered empty, without error. */
  empty?: Record<string, string>;
}

const NOT_IN_FORCE = 'the card in force is never superseded';
const FUNCTION_ACTIVE = 'J-LIS reported no end of the My Number function';
const NOT_LOST = 'the card was not reported lost';
const REGISTERED = 'the record is in force';
const NO_MOVE_OUT = 'no move-out (転出) recorded';
const HAS_MY_NUMBER = 'the holder has a My Number: Person.counterGuidance answers (J-LIS decides the arrangement)';

const VIEWS: View[] = [
  {
    type: 'Person',
    persona: 'specific_card',
    via: [],
    empty: { pendingChanges: 'every event about the persona has been applied' },
  },
  { type: 'Person', persona: 'separate_cards', via: [], prepare: renewalInFlight },
  {
    type: 'ImmigrationRecord',
    persona: 'student_activity_outside_status',
    via: ['Person.immigration'],
    empty: { stayApplication: 'no application for an extension filed', specialPeriodUntil: 'the stay has not ended', counterGuidance: HAS_MY_NUMBER },
  },
  {
    type: 'ImmigrationRecord',
    persona: 'technical_intern',
    via: ['Person.immigration'],
    prepare: inSpecialPeriod,
    empty: { activityOutsideStatus: 'no permission for activity outside status', counterGuidance: HAS_MY_NUMBER },
  },
  {
    type: 'ResidenceCard',
    persona: 'specific_card',
    via: ['Person.residenceCard'],
    empty: { lossReportedOn: NOT_LOST, supersededBy: NOT_IN_FORCE, myNumberFunctionEndedOn: FUNCTION_ACTIVE, myNumberFunctionEndReason: FUNCTION_ACTIVE },
  },
  {
    type: 'ResidenceCard',
    persona: 'lost_specific_card',
    via: ['Person.residenceCard'],
    // The loss ended the function: the ISA's own act, recorded as lossReportedOn; J-LIS reports back only ends it decides.
    empty: { supersededBy: NOT_IN_FORCE, myNumberFunctionEndedOn: 'ended by the loss report', myNumberFunctionEndReason: 'ended by the loss report' },
  },
  {
    type: 'ResidenceCard',
    persona: 'specific_card',
    via: [],
    cardNumber: supersededCard,
    empty: { lossReportedOn: NOT_LOST, myNumberFunctionEndedOn: FUNCTION_ACTIVE, myNumberFunctionEndReason: FUNCTION_ACTIVE },
  },
  {
    type: 'ResidenceCard',
    persona: 'specific_special_permanent_resident',
    via: ['Person.residenceCard'],
    prepare: functionReturned,
    empty: { lossReportedOn: NOT_LOST, supersededBy: NOT_IN_FORCE },
  },
  {
    type: 'ResidentRecord',
    persona: 'specific_card',
    via: ['Person.resident'],
    empty: { removedOn: REGISTERED, removalReason: REGISTERED, moveOut: NO_MOVE_OUT },
  },
  {
    type: 'ResidentRecord',
    persona: 'transitional_after_loss_of_nationality',
    via: ['Person.resident'],
    prepare: removedRecord,
    empty: { moveOut: NO_MOVE_OUT },
  },
  {
    type: 'ResidentRecord',
    persona: 'provisional_stay',
    via: ['Person.resident'],
    prepare: moveOutRecorded,
    empty: { removedOn: REGISTERED, removalReason: REGISTERED },
  },
  { type: 'MyNumberCard', persona: 'specific_card', via: ['Person.myNumberCard'], empty: { statusReason: 'the card is active' } },
  { type: 'MyNumberCard', persona: 'lost_specific_card', via: ['Person.myNumberCard'] },
  { type: 'CardFunction', persona: 'specific_card', via: ['Person.myNumberCard', 'MyNumberCard.functions'] },
  { type: 'AccessRecord', persona: 'specific_card', via: ['Person.accessLog'], prepare: readByOfficer },
];

/** Fields no subject gives a value, and why (keep this short: a field without data proves little). */
const NO_DATA: Record<string, string> = {
  // Every subject here has a My Number; the holder without one is asked by card number in test/guidance/gateway.test.ts.
  'ImmigrationRecord.counterGuidance': 'answers only for a holder without a My Number',
};

const UNKNOWN_MY_NUMBER = '123456789018';
const UNKNOWN_CARD = 'ZZ00000000ZZ';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack({ persons: 20 });
});
afterAll(() => stack?.stop());

async function municipalityOf(myNumber: string): Promise<string> {
  const [row] = await stack.dbs.registry.query(`SELECT municipality_code AS m FROM resident WHERE my_number = $1`, [myNumber]);
  return row.m;
}

async function mutate(role: Role, options: { municipality?: string; purpose?: string }, query: string, variables: Record<string, unknown>): Promise<void> {
  const { body } = await stack.query(await stack.token(role, options), query, variables);
  expect(body.errors).toBeUndefined();
}

/** With the ISA's relay held until the stack stops, a renewal of the stay is in flight to J-LIS (pendingChanges). */
async function renewalInFlight(s: Stack): Promise<void> {
  await s.relays.immigration.stop();
  const RENEW = `mutation ($n: ID!, $d: Date!) { renewPeriodOfStay(myNumber: $n, newExpiry: $d) { stayExpiresOn } }`;
  await mutate('isa-officer', {}, RENEW, { n: persona('separate_cards').myNumber, d: '2031-02-10' });
}

/**
 * An application for an extension filed through the gateway on the stay's last day; then, as time passes in the
 * fixed-clock suites, the stay is moved back to 2026-10-20, so the special period applies today (to 2026-12-20).
 */
async function inSpecialPeriod(s: Stack): Promise<void> {
  const { myNumber: n, residenceCardNumber: card } = persona('technical_intern');
  const db = s.dbs.immigration;
  const moveStay = async (day: string) => {
    await db.query(`UPDATE foreign_resident SET stay_expires_on = $2 WHERE my_number = $1`, [n, day]);
    await db.query(`UPDATE residence_card SET valid_until = $2 WHERE number = $1`, [card, day]);
  };
  await moveStay(TEST_TODAY);
  await mutate('isa-officer', {}, `mutation ($n: ID!) { applyForExtension(myNumber: $n) { stayExpiresOn } }`, { n });
  await moveStay('2026-10-20');
  await db.query(
    `UPDATE stay_application SET filed_on = '2026-10-15', old_stay_expires_on = '2026-10-20' WHERE resident_id = (SELECT id FROM foreign_resident WHERE my_number = $1)`,
    [n],
  );
}

/** The holder returns the certificate's My Number function at J-LIS, which tells the ISA (myNumberFunctionEndedOn). */
async function functionReturned(s: Stack): Promise<void> {
  const n = persona('specific_special_permanent_resident').myNumber;
  await mutate('jlis-operator', {}, `mutation ($n: ID!) { returnMyNumberFunction(myNumber: $n) { myNumber } }`, { n });
  const officer = await s.token('isa-officer');
  await eventually(async () => {
    const { body } = await s.query<{ person: { residenceCard: { myNumberFunctionEndedOn: string | null } } }>(
      officer,
      `query ($n: ID!) { person(myNumber: $n) { residenceCard { myNumberFunctionEndedOn } } }`,
      { n },
    );
    return body.data?.person.residenceCard.myNumberFunctionEndedOn;
  });
}

/** The municipality removes the record of a resident who left Japan. */
async function removedRecord(): Promise<void> {
  const n = persona('transitional_after_loss_of_nationality').myNumber!;
  const REMOVE = `mutation ($n: ID!, $d: Date!) { removeResident(myNumber: $n, reason: LEFT_JAPAN, removedOn: $d) { myNumber } }`;
  await mutate('municipal-clerk', { municipality: await municipalityOf(n), purpose: 'resident-registration' }, REMOVE, { n, d: TEST_TODAY });
}

/** The municipality records a move-out (転出) to another municipality; the record stays with it until the move-in. */
async function moveOutRecorded(): Promise<void> {
  const n = persona('provisional_stay').myNumber!;
  const MOVE_OUT = `mutation ($n: ID!, $to: String!, $d: Date!) { recordMoveOut(myNumber: $n, destinationMunicipalityCode: $to, movedOutOn: $d) { myNumber } }`;
  await mutate('municipal-clerk', { municipality: await municipalityOf(n), purpose: 'resident-registration' }, MOVE_OUT, { n, to: '131041', d: TEST_TODAY });
}

/** Someone looked at the persona, so the access log has entries. */
async function readByOfficer(s: Stack): Promise<void> {
  await s.query(await s.token('isa-officer'), `query ($n: ID!) { person(myNumber: $n) { resident { familyName } } }`, { n: persona('specific_card').myNumber });
}

/** The card the persona's card in force replaced. */
async function supersededCard(s: Stack): Promise<string> {
  const [row] = await s.dbs.immigration.query(`SELECT number FROM residence_card WHERE superseded_by = $1`, [persona('specific_card').residenceCardNumber]);
  return row.number;
}

// ---------------------------------------------------------------------------------------------------------------

type Path = Array<string | number>;
interface Body {
  data?: Record<string, unknown> | null;
  errors?: Array<{ message: string; path?: Path; extensions?: { code?: string } }>;
}

/** How a field was answered: with data, empty, refused, or anything else spelled out. */
type Outcome = 'data' | 'empty' | 'FORBIDDEN' | string;

const hops = (view: View): Array<[string, string]> => view.via.map((h) => h.split('.') as [string, string]);

function valueAt(data: unknown, path: Path): unknown {
  let v = data;
  for (const p of path) {
    if (v == null) return null;
    v = (v as Record<string | number, unknown>)[p];
  }
  return v;
}

const isEmpty = (v: unknown): boolean => v == null || (Array.isArray(v) && v.length === 0);
const key = (path: Path): string => path.join('.');

interface Subject {
  root: 'person' | 'residenceCard';
  variables: Record<string, unknown>;
  unknown: Record<string, unknown>;
  myNumber: string;
  municipality: string;
}

const prepared = new Map<View, Promise<Subject>>();
function subjectOf(view: View): Promise<Subject> {
  if (!prepared.has(view)) {
    prepared.set(
      view,
      (async () => {
        await view.prepare?.(stack);
        const myNumber = persona(view.persona).myNumber!;
        const municipality = await municipalityOf(myNumber);
        return view.cardNumber
          ? { root: 'residenceCard', variables: { k: await view.cardNumber(stack) }, unknown: { k: UNKNOWN_CARD }, myNumber, municipality }
          : { root: 'person', variables: { k: myNumber }, unknown: { k: UNKNOWN_MY_NUMBER }, myNumber, municipality };
      })(),
    );
  }
  return prepared.get(view)!;
}

function queryFor(view: View, subject: Subject, fields: string[]): string {
  const open = hops(view).map(([, f]) => `${f} {`).join(' ');
  const close = '}'.repeat(hops(view).length);
  const select = fields.map((f) => selection(view.type, f)).join(' ');
  return subject.root === 'person'
    ? `query ($k: ID!) { person(myNumber: $k) { ${open} ${select} ${close} } }`
    : `query ($k: String!) { residenceCard(number: $k) { ${select} } }`;
}

async function tokenFor(caller: Caller, subject: Subject, inScope: boolean): Promise<string> {
  const [role, purpose] = caller.split(':') as [Role, string];
  const otherMunicipality = subject.municipality === '131041' ? '271004' : '131041';
  const otherPerson = persona(subject.myNumber === persona('residence_card_only').myNumber ? 'separate_cards' : 'residence_card_only').myNumber!;
  return stack.token(role, {
    purpose,
    municipality: SCOPE[caller] === 'own-municipality' ? (inScope ? subject.municipality : otherMunicipality) : undefined,
    myNumber: SCOPE[caller] === 'self' ? (inScope ? subject.myNumber : otherPerson) : undefined,
  });
}

async function ask(token: string, query: string, variables: Record<string, unknown>): Promise<Body> {
  const { status, body } = await stack.query(token, query, variables);
  expect(status).toBe(200);
  return body as Body;
}

/**
 * Asks every field of the view's type as an in-scope caller and says how each was answered. A refused field the
 * schema declares non-null would null its parent and hide its siblings, so each such field is asked on its own.
 */
async function outcomes(view: View, subject: Subject, caller: Caller): Promise<{ outcomes: Record<string, Outcome>; stray: Stray[] }> {
  const token = await tokenFor(caller, subject, true);
  const base: Path = [subject.root, ...hops(view).map(([, f]) => f)];
  const refusedHop = hops(view).findIndex(([t, f]) => !answers(caller, t, f));
  if (refusedHop >= 0) {
    // The type is never reached: the hop itself is refused, and nothing below it is asked.
    const body = await ask(token, queryFor(view, subject, fieldsOf(view.type)), subject.variables);
    const hopPath = base.slice(0, refusedHop + 2);
    return {
      outcomes: { [`(hop ${view.via[refusedHop]})`]: outcomeAt(body, [hopPath]) },
      stray: strays(body, new Set([key(hopPath)]), `${view.type}.*`),
    };
  }
  const fields = fieldsOf(view.type);
  const alone = fields.filter((f) => !answers(caller, view.type, f) && shapeOf(view.type, f).nonNull);
  const together = fields.filter((f) => !alone.includes(f));
  const result: Record<string, Outcome> = {};
  const stray: Stray[] = [];
  const lastIsList = hops(view).length > 0 && shapeOf(...hops(view).at(-1)!).list;
  for (const batch of [together, ...alone.map((f) => [f])]) {
    if (batch.length === 0) continue;
    const body = await ask(token, queryFor(view, subject, batch), subject.variables);
    const parent = valueAt(body.data, base);
    const objectPaths: Path[] = lastIsList ? (Array.isArray(parent) ? parent.map((_, i) => [...base, i]) : []) : [base];
    if (lastIsList && objectPaths.length === 0) result['(list)'] = `no entries in ${key(base)}`;
    const explained = new Set<string>();
    for (const f of batch) {
      const paths = objectPaths.map((p) => [...p, f]);
      paths.forEach((p) => explained.add(key(p)));
      result[f] = outcomeAt(body, paths);
    }
    stray.push(...strays(body, explained, batch === together ? `${view.type}.*` : `${view.type}.${batch[0]}`));
  }
  return { outcomes: result, stray };
}

interface Stray {
  asking: string;
  error: string;
}
/** The errors of an answer at none of the paths asked about. */
function strays(body: Body, explained: ReadonlySet<string>, asking: string): Stray[] {
  return (body.errors ?? []).filter((e) => !explained.has(key(e.path ?? []))).map((e) => ({ asking, error: `${e.extensions?.code} at ${key(e.path ?? [])}` }));
}

/** One outcome for a field answered at these paths (one per list entry). */
function outcomeAt(body: Body, paths: Path[]): Outcome {
  const each = paths.map((path) => {
    const errors = (body.errors ?? []).filter((e) => key(e.path ?? []) === key(path)).map((e) => e.extensions?.code);
    const value = valueAt(body.data, path);
    if (errors.length === 1 && errors[0] === 'FORBIDDEN' && value == null) return 'FORBIDDEN';
    if (errors.length > 0) return `errors ${errors.join(', ')} with ${JSON.stringify(value)}`;
    return isEmpty(value) ? 'empty' : 'data';
  });
  return new Set(each).size === 1 ? each[0]! : `mixed: ${each.join(' / ')}`;
}

function expectedOutcomes(view: View, caller: Caller): Record<string, Outcome> {
  const refusedHop = hops(view).findIndex(([t, f]) => !answers(caller, t, f));
  if (refusedHop >= 0) return { [`(hop ${view.via[refusedHop]})`]: 'FORBIDDEN' };
  return Object.fromEntries(fieldsOf(view.type).map((f) => [f, !answers(caller, view.type, f) ? 'FORBIDDEN' : view.empty?.[f] ? 'empty' : 'data']));
}

/** Labels the disputed cells, so a failure there points at DISPUTED. */
function markDisputed(view: View, caller: Caller, outcomes: Record<string, Outcome>): Record<string, Outcome> {
  return Object.fromEntries(Object.entries(outcomes).map(([f, o]) => [f, disputed(caller, `${view.type}.${f}`) ? `${o} (DISPUTED)` : o]));
}

const title = (v: View): string => `${v.type} of ${v.persona}${v.cardNumber ? ' (superseded card, by number)' : ''}${v.via.length ? ` via ${v.via.join(' > ')}` : ''}`;

describe.each(VIEWS.map((view) => ({ view, name: title(view) })))('$name', ({ view }) => {
  test.each(CALLERS)('%s', async (caller) => {
    const subject = await subjectOf(view);
    const all = queryFor(view, subject, fieldsOf(view.type));
    const nothing = { data: { [subject.root]: null } };
    if (SCOPE[caller] !== 'none') {
      const { outcomes: actual, stray } = await outcomes(view, subject, caller);
      expect(markDisputed(view, caller, actual)).toEqual(markDisputed(view, caller, expectedOutcomes(view, caller)));
      expect(stray).toEqual(KNOWN_STRAY.filter((k) => k.caller === caller && k.asking.startsWith(`${view.type}.`)).map(({ asking, error }) => ({ asking, error })));
    }
    // Outside the caller's scope (another municipality's resident, someone else, any person for an analyst), the
    // answer is exactly that of an unknown number: null, and no error that would tell the two apart.
    if (SCOPE[caller] !== 'all') expect(await ask(await tokenFor(caller, subject, false), all, subject.variables)).toEqual(nothing);
    expect(await ask(await tokenFor(caller, subject, true), all, subject.unknown)).toEqual(nothing);
  });
});

describe('the hand table', () => {
  test('names every role and purpose but the partner', () => {
    const all = ROLES.filter((r) => r !== 'partner').flatMap((role) => PURPOSES_BY_ROLE[role].map((purpose) => `${role}:${purpose}`));
    expect([...CALLERS].sort()).toEqual(all.sort());
  });

  test('decides every field of every guarded type, and no field the schemas lack', () => {
    const inSchemas = Object.keys(MAY_READ).flatMap((type) => [...(SCHEMA.get(type)?.keys() ?? [])].map((f) => `${type}.${f}`));
    expect([...TABLE.keys()].sort()).toEqual(inSchemas.sort());
  });

  test('knows every object type of the schemas: guarded here, or read only through a guarded field', () => {
    expect([...SCHEMA.keys()].filter((t) => !(t in MAY_READ) && !(t in NOT_GUARDED))).toEqual([]);
    expect(Object.keys(NOT_GUARDED).filter((t) => !SCHEMA.has(t))).toEqual([]);
  });

  test('has a subject for every type on which each field carries data, but those listed without', () => {
    const withoutData = [...TABLE.keys()].filter((cell) => {
      const [type, field] = cell.split('.') as [GuardedType, string];
      return !VIEWS.some((v) => v.type === type && !v.empty?.[field]);
    });
    expect(withoutData.sort()).toEqual(Object.keys(NO_DATA).sort());
  });

  test('lists only disputed cells it decides', () => {
    for (const d of DISPUTED) expect({ cell: d.cell, known: TABLE.has(d.cell) }).toEqual({ cell: d.cell, known: true });
  });
});
