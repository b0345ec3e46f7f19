import { isDeepStrictEqual } from 'node:util';
import { loadManifest, type PersistedOperation } from '../../gateway/persisted/safelist';
import { addDays } from '../../schema/dates';
import type { Authority } from '../../runtime/authority';
import { TEST_TODAY, type Stack } from '../harness';

/** The authorities the soak can stop: the unified record has an entry point without them. */
export type StoppableAuthority = Extract<Authority, 'registry' | 'immigration'>;

type Data = Record<string, unknown> | null;
interface Body {
  data?: Data;
  errors?: Array<{ extensions?: { code?: string; authority?: string } }>;
}

/** What one response was: correct (all of the expected data, or the expected part with the stopped authority named) or not, and why. */
export type Verdict = { correct: true; kind: 'full' | 'partial' } | { correct: false; kind: string };

/** One request of the mixed load: sent by hash (the front-ends' way), and checked against what it must return. */
export interface Job {
  operation: string;
  send(): Promise<{ status: number; body: Body | undefined }>;
  /** `outage`: the stopped authority, when a partial answer is acceptable for this request. */
  check(response: { status: number; body: Body | undefined }, outage: StoppableAuthority | null): Verdict;
}

/**
 * The paths (dot-separated, `*` for every list item, '' for the whole data) that an authority's outage empties,
 * per operation of the manifest: everything else must be exactly as when all authorities answer.
 */
const OWNED: Record<StoppableAuthority, Record<string, string[]>> = {
  registry: {
    CounterUnifiedRecord: ['record.resident', 'record.pendingChanges'],
    CounterPersons: ['persons.*.resident'],
    CounterResidenceCard: [],
    RenewPeriodOfStay: [],
    ChangeAddress: [''],
  },
  immigration: {
    CounterUnifiedRecord: ['record.immigration', 'record.residenceCard', 'record.pendingChanges', 'arrangement'],
    CounterPersons: ['persons.*.immigration', 'persons.*.residenceCard', 'arrangements.*'],
    CounterResidenceCard: ['residenceCard'],
    RenewPeriodOfStay: [''],
    ChangeAddress: [],
  },
};

/** The expected data with the parts an authority owns set to null. */
function withoutAuthority(data: Data, operation: string, authority: StoppableAuthority): Data {
  const paths = OWNED[authority][operation] ?? [''];
  if (paths.includes('')) return null;
  const copy = structuredClone(data);
  for (const path of paths) nullify(copy, path.split('.'));
  return copy;
}

function nullify(node: unknown, path: string[]): void {
  const [head, ...rest] = path;
  if (node === null || typeof node !== 'object' || head === undefined) return;
  const target = node as Record<string, unknown>;
  const keys = head === '*' ? Object.keys(target) : [head];
  for (const key of keys) {
    if (rest.length === 0) target[key] = null;
    else nullify(target[key], rest);
  }
}

/** Full when everything is as expected; partial when only the stopped authority's parts are missing and it is named. */
export function judge(
  response: { status: number; body: Body | undefined },
  expected: Data,
  operation: string,
  outage: StoppableAuthority | null,
): Verdict {
  if (response.status !== 200 || !response.body) return { correct: false, kind: `HTTP ${response.status}` };
  const { data = null, errors } = response.body;
  if (!errors) return isDeepStrictEqual(data, expected) ? { correct: true, kind: 'full' } : { correct: false, kind: 'data differs' };
  const codes = errors.map((e) => `${e.extensions?.code}${e.extensions?.authority ? `(${e.extensions.authority})` : ''}`);
  const named = errors.every((e) => e.extensions?.code === 'AUTHORITY_UNAVAILABLE' && e.extensions.authority === outage);
  if (!outage || !named) return { correct: false, kind: [...new Set(codes)].join('+') };
  return isDeepStrictEqual(data, withoutAuthority(expected, operation, outage))
    ? { correct: true, kind: 'partial' }
    : { correct: false, kind: 'partial data differs' };
}

/** Sends a manifest operation by its hash, as a front-end does. */
async function sendPersisted(url: string, headers: Record<string, string>, op: PersistedOperation, variables: Record<string, unknown>) {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ variables, extensions: { persistedQuery: { version: 1, sha256Hash: op.id } } }),
  });
  const text = await res.text();
  let body: Body | undefined;
  try {
    body = JSON.parse(text) as Body;
  } catch {
    body = undefined;
  }
  return { status: res.status, body };
}

/**
 * The mixed load: unified records (40 %), batches of 20 persons (20 %), residence cards (25 %), renewals of the
 * period of stay at the ISA (10 %) and changes of address at the municipality (5 %). Reads and writes touch
 * disjoint persons, so every read has one right answer, recorded before the load starts; each client renews and
 * moves persons of its own, so its writes never race another client's.
 */
export async function prepareWorkload(stack: Stack, clients: number): Promise<{ next(client: number, tick: number): Job }> {
  const manifest = new Map(loadManifest().operations.map((op) => [op.name, op]));
  const op = (name: string) => manifest.get(name)!;
  const officer = { authorization: `Bearer ${await stack.token('isa-officer')}` };

  const readable: Array<{ myNumber: string; card: string }> = await stack.dbs.immigration.query(
    `SELECT r.my_number AS "myNumber", c.number AS card
     FROM foreign_resident r JOIN residence_card c ON c.resident_id = r.id AND c.status = 'VALID'
     WHERE r.my_number IS NOT NULL ORDER BY r.id LIMIT 40`,
  );
  const renewable: Array<{ myNumber: string; stayExpiresOn: string }> = await stack.dbs.immigration.query(
    `SELECT r.my_number AS "myNumber", to_char(r.stay_expires_on, 'YYYY-MM-DD') AS "stayExpiresOn"
     FROM foreign_resident r JOIN residence_card c ON c.resident_id = r.id AND c.status = 'VALID'
     WHERE r.my_number IS NOT NULL AND r.stay_expires_on > $1 AND c.valid_until >= $1
       AND r.status_of_residence NOT IN ('PERMANENT_RESIDENT', 'HIGHLY_SKILLED_PROFESSIONAL_2')
       AND r.my_number <> ALL($2)
     ORDER BY r.id DESC LIMIT $3`,
    [TEST_TODAY, readable.map((p) => p.myNumber), clients * 2],
  );
  const movable: Array<{ myNumber: string; municipality: string }> = await stack.dbs.registry.query(
    `SELECT my_number AS "myNumber", municipality_code AS municipality FROM resident
     WHERE removed_on IS NULL AND my_number <> ALL($1) ORDER BY id DESC LIMIT $2`,
    [[...readable, ...renewable].map((p) => p.myNumber), clients * 2],
  );
  if (readable.length < 20 || renewable.length < clients || movable.length < clients) {
    throw new Error('Not enough seeded persons for the soak: raise --persons');
  }
  const clerks = new Map<string, Record<string, string>>();
  for (const { municipality } of movable) {
    if (!clerks.has(municipality)) clerks.set(municipality, { authorization: `Bearer ${await stack.token('municipal-clerk', { municipality })}` });
  }

  // The one right answer of every read, taken while every authority answers.
  const expected = new Map<string, Data>();
  const record = async (key: string, name: string, variables: Record<string, unknown>) => {
    const { status, body } = await sendPersisted(stack.gatewayUrl, officer, op(name), variables);
    if (status !== 200 || !body || body.errors) throw new Error(`Baseline ${name} failed: ${status} ${JSON.stringify(body?.errors)}`);
    expected.set(key, body.data ?? null);
  };
  const batches = Array.from({ length: 4 }, (_, i) => readable.slice(i * 5, i * 5 + 20).map((p) => p.myNumber));
  for (const p of readable) {
    await record(`unified:${p.myNumber}`, 'CounterUnifiedRecord', { myNumber: p.myNumber });
    await record(`card:${p.card}`, 'CounterResidenceCard', { number: p.card });
  }
  for (const [i, batch] of batches.entries()) await record(`persons:${i}`, 'CounterPersons', { myNumbers: batch });

  const read = (name: string, key: string, variables: Record<string, unknown>): Job => ({
    operation: name,
    send: () => sendPersisted(stack.gatewayUrl, officer, op(name), variables),
    check: (response, outage) => judge(response, expected.get(key)!, name, outage),
  });
  const stays = new Map(renewable.map((p) => [p.myNumber, p.stayExpiresOn]));
  const moves = new Map<string, number>();

  return {
    next(client, tick) {
      const roll = (tick * 7919 + client * 104729) % 100;
      const reader = readable[(tick + client * 13) % readable.length]!;
      if (roll < 40) return read('CounterUnifiedRecord', `unified:${reader.myNumber}`, { myNumber: reader.myNumber });
      if (roll < 60) {
        const i = tick % batches.length;
        return read('CounterPersons', `persons:${i}`, { myNumbers: batches[i] });
      }
      if (roll < 85) return read('CounterResidenceCard', `card:${reader.card}`, { number: reader.card });
      if (roll < 95) {
        const person = renewable[client % renewable.length]!;
        const newExpiry = addDays(stays.get(person.myNumber)!, 1);
        return {
          operation: 'RenewPeriodOfStay',
          async send() {
            const response = await sendPersisted(stack.gatewayUrl, officer, op('RenewPeriodOfStay'), { myNumber: person.myNumber, newExpiry });
            // A renewal that did not answer may or may not have been applied: the next one asks a day later still.
            stays.set(person.myNumber, newExpiry);
            return response;
          },
          // Right when the stay now ends on the day asked (the card's validity follows rules tested elsewhere).
          check(response, outage) {
            const got = response.body?.data as { renewPeriodOfStay?: Record<string, unknown> } | null | undefined;
            return judge(response, { renewPeriodOfStay: { ...got?.renewPeriodOfStay, stayExpiresOn: newExpiry } }, 'RenewPeriodOfStay', outage);
          },
        };
      }
      const person = movable[client % movable.length]!;
      const n = (moves.get(person.myNumber) ?? 0) + 1;
      moves.set(person.myNumber, n);
      const line = `Soak street ${n}`;
      const variables = { myNumber: person.myNumber, municipalityCode: person.municipality, addressLine: line, movedOn: TEST_TODAY };
      return {
        operation: 'ChangeAddress',
        send: () => sendPersisted(stack.gatewayUrl, clerks.get(person.municipality)!, op('ChangeAddress'), variables),
        // Right when the resident now lives at the new line, in the same municipality.
        check(response, outage) {
          const got = response.body?.data as { changeAddress?: { resident?: { municipality?: Record<string, unknown> } } } | null | undefined;
          const municipality = { ...got?.changeAddress?.resident?.municipality, code: person.municipality };
          const want = { changeAddress: { myNumber: person.myNumber, resident: { municipality, address: { line, movedInOn: TEST_TODAY } } } };
          return judge(response, want, 'ChangeAddress', outage);
        },
      };
    },
  };
}
