/** Loads synthetic persons into one authority's database with streaming COPY, in batches of bounded size. */
import type { DataSource } from 'typeorm';
import type { Authority } from '../runtime/authority';
import { copyRows } from '../subgraphs/kit/bulkCopy';
import { pauseBulkLoadTriggers, resumeBulkLoadTriggers } from '../subgraphs/kit/statistics/bulkLoad';
import { generatePopulation, type PopulationOptions } from './generate';
import { personas } from './personas';
import type { SyntheticPerson } from './rows';

/** Persons per batch: each batch is one COPY per table, so memory stays bounded by this. */
const BATCH_SIZE = 10_000;

/** One table an authority loads: its columns (snake_case) and the values of one person's rows. */
interface TableLoad {
  table: string;
  columns: string[];
  rows(person: SyntheticPerson): unknown[][];
  /** The identity column reset past the largest id after a load. */
  identity?: string;
}

const snake = (name: string) => name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

/** A table whose columns are the row type's fields in camelCase, in the order given. */
function table<Row>(name: string, fields: ReadonlyArray<keyof Row & string>, rows: (p: SyntheticPerson) => Row[], identity?: string): TableLoad {
  return {
    table: name,
    columns: fields.map(snake),
    rows: (person) => rows(person).map((row) => fields.map((field) => row[field])),
    identity,
  };
}

/** Each authority's tables in load order (parents before children). */
export const AUTHORITY_TABLES: Readonly<Record<Authority, readonly TableLoad[]>> = {
  immigration: [
    table(
      'foreign_resident',
      ['id', 'myNumber', 'residentClass', 'nationality', 'birthDate', 'sex', 'statusOfResidence', 'periodOfStay', 'stayExpiresOn',
        'permissionKind', 'permissionDate', 'workRestriction', 'activityOutsideStatus', 'municipalityCode', 'residentRegistered',
        'myNumberCardHeld'],
      (p) => [p.immigration.resident],
      'id',
    ),
    // Newest first, so the card a superseded card points to is always already there, even across COPY chunks.
    table(
      'residence_card',
      ['number', 'residentId', 'kind', 'status', 'issuedOn', 'validUntil', 'lossReportedOn', 'supersededBy', 'myNumberFunctionEndedOn',
        'myNumberFunctionEndReason'],
      (p) => [...p.immigration.cards].reverse(),
    ),
    table(
      'stay_application',
      ['id', 'residentId', 'kind', 'filedOn', 'oldStayExpiresOn', 'status', 'decidedOn'],
      (p) => p.immigration.applications ?? [],
      'id',
    ),
  ],
  registry: [
    table(
      'resident',
      ['id', 'myNumber', 'residentRecordCode', 'familyName', 'givenName', 'birthDate', 'sex', 'residentCategory', 'municipalityCode',
        'registeredOn', 'removedOn', 'removalReason'],
      (p) => (p.registry ? [p.registry.resident] : []),
      'id',
    ),
    table('address', ['id', 'residentId', 'municipalityCode', 'line', 'movedInOn', 'movedOutOn'], (p) => p.registry?.addresses ?? [], 'id'),
  ],
  mynumber: [
    table(
      'my_number',
      ['myNumber', 'assignedOn', 'birthDate', 'municipalityCode', 'residentRecordCode', 'stayExpiresOn'],
      (p) => (p.mynumber ? [p.mynumber.myNumber] : []),
    ),
    table(
      'my_number_card',
      ['id', 'myNumber', 'kind', 'status', 'statusReason', 'issuedOn', 'validUntil', 'carrierCardNumber'],
      (p) => p.mynumber?.cards.map((c) => c.card) ?? [],
      'id',
    ),
    table('card_function', ['cardId', 'function', 'status', 'validUntil'], (p) => p.mynumber?.cards.flatMap((c) => c.functions) ?? []),
  ],
};

/** The table whose rows count an authority's persons. */
export const MAIN_TABLE: Readonly<Record<Authority, string>> = { immigration: 'foreign_resident', registry: 'resident', mynumber: 'my_number' };

/** One authority's database to load. */
export interface LoadTarget {
  authority: Authority;
  dataSource: DataSource;
}

/**
 * Writes this authority's rows of `persons` (and nothing of the other authorities), a batch at a time, then
 * moves the identity sequences past the largest id so rows created later do not collide. Returns the
 * number of persons read (including those with no row in this authority, such as residents without a record).
 */
export async function loadAuthority(
  authority: Authority,
  dataSource: DataSource,
  persons: Iterable<SyntheticPerson>,
  onProgress?: (persons: number) => void,
): Promise<{ persons: number }> {
  return loadAuthorities([{ authority, dataSource }], persons, (_authority, n) => onProgress?.(n));
}

/**
 * loadAuthority for several authorities from one pass over `persons`: each batch is generated once and
 * written to every target concurrently (in parallel on separate PostgreSQL servers).
 */
export async function loadAuthorities(
  targets: readonly LoadTarget[],
  persons: Iterable<SyntheticPerson>,
  onProgress?: (authority: Authority, persons: number) => void,
): Promise<{ persons: number }> {
  const empty = () => targets.map(({ authority }) => AUTHORITY_TABLES[authority].map((): unknown[][] => []));
  let batch = empty();
  let inBatch = 0;
  let total = 0;
  const flush = async () => {
    const done = total + inBatch;
    const rows = batch;
    await Promise.all(
      targets.map(async ({ authority, dataSource }, i) => {
        for (const [j, t] of AUTHORITY_TABLES[authority].entries()) {
          await copyRows(dataSource, t.table, t.columns, rows[i]?.[j] as unknown[][]);
        }
        onProgress?.(authority, done);
      }),
    );
    total = done;
    batch = empty();
    inBatch = 0;
  };
  for (const { authority, dataSource } of targets) await pauseBulkLoadTriggers(authority, dataSource);
  for (const person of persons) {
    targets.forEach(({ authority }, i) =>
      AUTHORITY_TABLES[authority].forEach((t, j) => {
        for (const row of t.rows(person)) (batch[i]?.[j] as unknown[][]).push(row);
      }),
    );
    if (++inBatch === BATCH_SIZE) await flush();
  }
  if (inBatch > 0) await flush();
  for (const { authority, dataSource } of targets) {
    await resetIdentities(authority, dataSource);
    await resumeBulkLoadTriggers(authority, dataSource);
  }
  return { persons: total };
}

/** Moves each identity sequence of the authority's tables past the largest id (or back to 1 when empty). */
export async function resetIdentities(authority: Authority, dataSource: DataSource): Promise<void> {
  for (const { table: name, identity } of AUTHORITY_TABLES[authority]) {
    if (!identity) continue;
    await dataSource.query(
      `SELECT setval(pg_get_serial_sequence($1, $2), COALESCE(max(${identity}), 1), max(${identity}) IS NOT NULL) FROM ${name}`,
      [name, identity],
    );
  }
}

/** Empties the authority's seeded tables (and whatever references them) and restarts their identities. */
export async function truncateAuthority(authority: Authority, dataSource: DataSource): Promise<void> {
  const names = AUTHORITY_TABLES[authority].map((t) => t.table).join(', ');
  await dataSource.query(`TRUNCATE ${names} RESTART IDENTITY CASCADE`);
}

/** How many persons the authority's main table holds. */
export async function countPersons(authority: Authority, dataSource: DataSource): Promise<number> {
  const [row]: Array<{ count: number }> = await dataSource.query(`SELECT count(*)::int AS count FROM ${MAIN_TABLE[authority]}`);
  return row?.count ?? 0;
}

/** The personas, then the generated population: what every load writes. */
export function* seedPersons(options: PopulationOptions, include: { personas?: boolean } = {}): Generator<SyntheticPerson> {
  if (include.personas !== false) yield* personas();
  yield* generatePopulation(options);
}

/**
 * Loads the personas and `persons` generated persons when the authority's main table is empty (a subgraph's
 * first start); does nothing otherwise. Each authority calls it on its own database and gets the same persons.
 */
export async function seedIfEmpty(
  authority: Authority,
  dataSource: DataSource,
  options: PopulationOptions,
): Promise<{ seeded: boolean; persons: number }> {
  if ((await countPersons(authority, dataSource)) > 0) return { seeded: false, persons: 0 };
  const { persons } = await loadAuthority(authority, dataSource, seedPersons(options));
  return { seeded: true, persons };
}
