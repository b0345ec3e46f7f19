import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { loadManifest } from '../../gateway/persisted/safelist';
import type { Authority } from '../../runtime/authority';
import { keysDir, publicKeyFile, type VerifyingKey } from '../../runtime/keys';
import type { ProvidedEntry } from '../../schema/accessProof';
import { verifyEntry } from '../../subgraphs/kit/accessLog/prove';
import { startStack, type Stack } from '../harness';
import { eventually, persona } from '../personas';

/**
 * A resident checks their own access history: every entry carries an RFC 9162 inclusion proof in a checkpoint of
 * its authority's log that the other two authorities cosigned, checked offline with the three public keys; an
 * entry changed in any field, or shown with another log's checkpoint, fails. `npm run audit:prove` does the same.
 */

let stack: Stack;
const me = persona('permanent_resident');
const op = loadManifest().operations.find((o) => o.name === 'AccessHistory')!;
const keys: Partial<Record<Authority, VerifyingKey>> = {};
type History = { person: { immigrationAccessHistory: { entries: ProvidedEntry[] }; registryAccessHistory: { entries: ProvidedEntry[] }; jlisAccessHistory: { entries: ProvidedEntry[] } } };

async function history(): Promise<ProvidedEntry[]> {
  const resident = await stack.token('resident', { myNumber: me.myNumber! });
  const { body } = await stack.query<History>(resident, op.body, { myNumber: me.myNumber, first: 200 });
  expect(body.errors).toBeUndefined();
  const p = body.data!.person;
  return [...p.immigrationAccessHistory.entries, ...p.registryAccessHistory.entries, ...p.jlisAccessHistory.entries];
}

beforeAll(async () => {
  stack = await startStack({ persons: 20 });
  for (const a of ['immigration', 'registry', 'mynumber'] as const) keys[a] = publicKeyFile(join(keysDir(stack.dataDir), `${a}.public.jwk`));
  const officer = await stack.token('isa-officer');
  for (let i = 0; i < 3; i++) {
    const { body } = await stack.query(officer, `query ($n: ID!) { person(myNumber: $n) { resident { familyName } immigration { residentClass } myNumberCard { status } } }`, { n: me.myNumber });
    expect(body.errors).toBeUndefined();
  }
  // Until the officer's reads are in checkpoints both other authorities cosigned.
  await eventually(async () => {
    const officerEntries = (await history()).filter((e) => e.role === 'isa-officer');
    const covered = officerEntries.filter((e) => e.proof && e.proof.checkpoint.cosignatures.length === 2);
    if (covered.length < 9) throw new Error(`${covered.length} of ${officerEntries.length} officer entries covered`);
    return true;
  }, 30_000);
});
afterAll(() => stack?.stop());

test("every entry of the officer's reads is proven in a checkpoint cosigned by the other two authorities", async () => {
  const entries = (await history()).filter((e) => e.role === 'isa-officer');
  expect(new Set(entries.map((e) => e.authority))).toEqual(new Set(['immigration', 'registry', 'mynumber']));
  for (const entry of entries) {
    const others = (['immigration', 'registry', 'mynumber'] as const).filter((a) => a !== entry.authority);
    expect(await verifyEntry(entry, me.myNumber!, keys)).toEqual({ verdict: 'proven', cosignedBy: [...others].sort() });
  }
});

test('an entry changed in any field, for another person, or with another log’s checkpoint is not proven', async () => {
  const entries = (await history()).filter((e) => e.role === 'isa-officer' && e.proof);
  const entry = entries.find((e) => e.authority === 'registry')!;
  const changed: Array<[string, ProvidedEntry, string]> = [
    ['role', { ...entry, role: 'municipal-clerk' }, me.myNumber!],
    ['purpose', { ...entry, purpose: 'audit' }, me.myNumber!],
    ['items', { ...entry, items: [...entry.items, 'ResidentRecord.residentRecordCode'] }, me.myNumber!],
    ['outcome', { ...entry, outcome: 'refused' }, me.myNumber!],
    ['ref', { ...entry, proof: { ...entry.proof!, ref: '0'.repeat(64) } }, me.myNumber!],
    ['leaf index', { ...entry, proof: { ...entry.proof!, leafIndex: String(Number(entry.proof!.leafIndex) + 1) } }, me.myNumber!],
    ['subject', entry, persona('specific_card').myNumber!],
  ];
  for (const [what, e, subject] of changed) {
    expect({ what, result: await verifyEntry(e, subject, keys) }).toEqual({ what, result: { verdict: 'invalid', reason: 'the entry is not in the checkpoint' } });
  }
  const immigration = entries.find((e) => e.authority === 'immigration')!;
  expect(await verifyEntry({ ...entry, proof: { ...entry.proof!, checkpoint: immigration.proof!.checkpoint } }, me.myNumber!, keys)).toMatchObject({ verdict: 'invalid' });
  const forged = { ...entry, proof: { ...entry.proof!, checkpoint: { ...entry.proof!.checkpoint, signature: immigration.proof!.checkpoint.signature } } };
  expect(await verifyEntry(forged, me.myNumber!, keys)).toEqual({ verdict: 'invalid', reason: 'the checkpoint is not signed by registry' });
  // The time shown, shortened or without its zone, is still a prefix of the logged one but another moment when read.
  for (const at of [entry.at.slice(0, 16), entry.at.slice(0, 23), '']) {
    expect({ at, result: await verifyEntry({ ...entry, at }, me.myNumber!, keys) }).toEqual({ at, result: { verdict: 'invalid', reason: 'the proof is for another time' } });
  }
  // One witness's cosignature listed twice (a log forked with one witness's help) is one witness, not two.
  const [one] = entry.proof!.checkpoint.cosignatures;
  const twice = { ...entry, proof: { ...entry.proof!, checkpoint: { ...entry.proof!.checkpoint, cosignatures: [one!, one!] } } };
  expect(await verifyEntry(twice, me.myNumber!, keys)).toEqual({ verdict: 'awaiting-cosignature', cosignedBy: [one!.witness] });
});

test('npm run audit:prove checks the whole history through the gateway', async () => {
  const { stdout } = await promisify(execFile)(
    process.execPath,
    ['--import', 'tsx', join(__dirname, '..', '..', 'subgraphs', 'kit', 'accessLog', 'proveCli.ts'), '--my-number', me.myNumber!],
    { cwd: join(__dirname, '..', '..'), env: { ...process.env, DATA_DIR: stack.dataDir, GATEWAY_URL: stack.gatewayUrl } },
  );
  const lines = stdout.trim().split('\n');
  expect(lines.map((l) => l.split(':')[0])).toEqual(['immigration', 'registry', 'mynumber']);
  for (const line of lines) {
    expect(line).toMatch(/: [1-9]\d* entries proven in checkpoints cosigned by the other two authorities; \d+ awaiting a cosignature; \d+ not yet in a checkpoint; 0 invalid$/);
  }
});

test('npm run audit:prove says which gateway it could not reach', async () => {
  const env: NodeJS.ProcessEnv = { ...process.env, DATA_DIR: stack.dataDir, GATEWAY_URL: 'http://127.0.0.1:9/graphql' };
  const run = promisify(execFile)(process.execPath, ['--import', 'tsx', join(__dirname, '..', '..', 'subgraphs', 'kit', 'accessLog', 'proveCli.ts'), '--my-number', me.myNumber!], {
    cwd: join(__dirname, '..', '..'),
    env,
  });
  await expect(run).rejects.toMatchObject({ code: 1, stderr: expect.stringContaining('the gateway could not be reached at http://127.0.0.1:9/graphql') });
});
