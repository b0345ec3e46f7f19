import { DEFAULT_RESILIENCE } from '../../gateway/resilience/subgraphGuard';
import { loadManifest } from '../../gateway/persisted/safelist';
import { databaseKind, startStack, type Stack } from '../harness';
import { addressChange } from './addressChange';
import { holding, refusingLogRows } from './holding';
import { persona } from '../personas';
import { jsonHeaders, leaks, send, type Answer } from '../security/requests';

/**
 * An authority whose access log cannot be written: an operator with write access to its database has put a
 * trigger on the log that refuses every row, or holds a lock on it (a `CREATE INDEX` without CONCURRENTLY takes
 * SHARE, which every INSERT waits behind). Nothing of that authority may be answered unlogged, and no request may
 * wait on the log for ever: the caller is told ACCESS_LOG_UNAVAILABLE within the log's timeout (1 s; twice that is
 * below the gateway's 3 s), and the authority answers again as soon as the log can be written.
 */

const UNIFIED = loadManifest().operations.find((op) => op.name === 'CounterUnifiedRecord')!.body;
const REGISTER = `mutation ($i: RegisterResidentInput!) { registerResident(input: $i) { myNumber } }`;
const onPostgres = databaseKind === 'postgresql' ? test : test.skip;

let stack: Stack;
let officer: string;
const specific = persona('specific_card');
let familyName: string;

beforeAll(async () => {
  // The gateway's default timeout (3 s), but a circuit that never opens: every answer below is the registry's own.
  stack = await startStack({ persons: 20, gateway: { resilience: { ...DEFAULT_RESILIENCE, breakAfter: 1000 } } });
  officer = await stack.token('isa-officer');
  [{ familyName }] = await stack.dbs.registry.query(`SELECT family_name AS "familyName" FROM resident WHERE my_number = $1`, [specific.myNumber]);
});
afterAll(() => stack?.stop());

const unifiedRecord = (): Promise<Answer> =>
  send(stack.gatewayUrl, { headers: jsonHeaders(officer), body: JSON.stringify({ query: UNIFIED, variables: { myNumber: specific.myNumber } }) });

/** The registry's log rows about the persona. */
async function registryRows(): Promise<number> {
  const [{ n }] = await stack.dbs.registry.query(`SELECT count(*)::int AS n FROM access_log WHERE subject = $1`, [specific.myNumber]);
  return n;
}

/** What a client is told when the registry could not log: the rest of the record, the registry's part withheld. */
function withheldByRegistry(answer: Answer): void {
  expect(answer.status).toBe(200);
  expect(answer.body?.errors?.map((e) => [e.extensions?.code, e.extensions?.authority])).toEqual([['ACCESS_LOG_UNAVAILABLE', 'registry']]);
  expect((answer.body?.data as { record: { myNumber: string } }).record.myNumber).toBe(specific.myNumber);
  expect(answer.text).not.toContain(familyName);
  expect(leaks(answer.text)).toEqual([]);
}

test('a log that refuses its rows: the registry answers nothing, and answers again once the log takes rows', async () => {
  const full = await unifiedRecord();
  expect(full.body?.errors).toBeUndefined();
  expect(full.text).toContain(familyName);

  const before = await registryRows();
  await refusingLogRows(stack.dbs.registry, async () => {
    withheldByRegistry(await unifiedRecord());
    expect(await registryRows()).toBe(before);
  });
  const again = await unifiedRecord();
  expect(again.body?.errors).toBeUndefined();
  expect(again.text).toContain(familyName);
  expect(await registryRows()).toBe(before + 1);
});

test("J-LIS's log refuses its rows: no My Number is assigned, the registration fails as a whole, and succeeds later", async () => {
  const clerk = await stack.token('municipal-clerk', { municipality: '131041' });
  const card = persona('no_resident_record').residenceCardNumber!;
  const [holder]: Array<{ birthDate: string; sex: string }> = await stack.dbs.immigration.query(
    `SELECT r.birth_date::text AS "birthDate", r.sex FROM foreign_resident r JOIN residence_card c ON c.resident_id = r.id WHERE c.number = $1`,
    [card],
  );
  const input = {
    i: { residenceCardNumber: card, familyName: 'X', givenName: 'Y', ...holder, category: 'MID_TO_LONG_TERM', municipalityCode: '131041', addressLine: '1-1' },
  };
  const numbers = async () => (await stack.dbs.mynumber.query(`SELECT count(*)::int AS n FROM my_number`))[0].n as number;
  const residents = async () => (await stack.dbs.registry.query(`SELECT count(*)::int AS n FROM resident`))[0].n as number;

  const before = { numbers: await numbers(), residents: await residents() };
  await refusingLogRows(stack.dbs.mynumber, async () => {
    const refused = await stack.query(clerk, REGISTER, input);
    // The registry passes on J-LIS's code, naming the authority whose log it is.
    const authority = (e: { extensions?: unknown }) => (e.extensions as { authority?: string } | undefined)?.authority;
    expect(refused.body.errors?.map((e) => [e.extensions?.code, authority(e)])).toEqual([['ACCESS_LOG_UNAVAILABLE', 'mynumber']]);
    expect({ numbers: await numbers(), residents: await residents() }).toEqual(before);
  });
  const registered = await stack.query(clerk, REGISTER, input);
  expect(registered.body.errors).toBeUndefined();
  expect({ numbers: await numbers(), residents: await residents() }).toEqual({ numbers: before.numbers + 1, residents: before.residents + 1 });
});

onPostgres(
  'a lock held on the log: the registry says so within its timeout instead of waiting, and answers once the lock goes',
  async () => {
    const before = await registryRows();
    await holding(stack.dbs.registry, 'LOCK TABLE access_log IN SHARE MODE', [], async () => {
      // Without a timeout on the log the registry would wait for the lock, the gateway would give up after 3 s and
      // say AUTHORITY_UNAVAILABLE, and the registry's request would hold its connection until the lock went. Several
      // at once: a request that asks while another's append waits must not wait for both.
      withheldByRegistry(await unifiedRecord());
      (await Promise.all(Array.from({ length: 6 }, unifiedRecord))).forEach(withheldByRegistry);
    });
    expect(await registryRows()).toBe(before);
    const again = await unifiedRecord();
    expect(again.body?.errors).toBeUndefined();
    expect(again.text).toContain(familyName);
    expect(await registryRows()).toBe(before + 1);
  },
  30_000,
);

onPostgres(
  'a lock held on the log: a change waits no longer than the log allows, and changes nothing',
  async () => {
    const { move, addresses } = await addressChange(stack, specific.myNumber!);
    const held = await addresses();
    const before = await registryRows();
    await holding(stack.dbs.registry, 'LOCK TABLE access_log IN SHARE MODE', [], async () => {
      // The change's transaction holds the resident's row lock while its log row waits: it must not wait for ever.
      const refused = await move('9-9-9');
      expect(refused.body.errors?.map((e) => e.extensions?.code)).toEqual(['ACCESS_LOG_UNAVAILABLE']);
      expect(await addresses()).toBe(held);
    });
    // Without the timeout the clerk was told AUTHORITY_UNAVAILABLE at 3 s, and the change committed when the lock went.
    await new Promise((r) => setTimeout(r, 500));
    expect(await addresses()).toBe(held);
    expect(await registryRows()).toBe(before);
    const moved = await move('9-9-9');
    expect(moved.body.errors).toBeUndefined();
    expect(await addresses()).toBe(held + 1);
  },
  30_000,
);
