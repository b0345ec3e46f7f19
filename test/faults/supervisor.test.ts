import { existsSync } from 'node:fs';
import { issueDevToken } from '../../gateway/tokenCli';
import { alive, runningSystem, runningSystemFile } from '../../runtime/runningSystem';
import { eventually, persona } from '../personas';
import { startSystem, type StartedSystem } from '../system';

// `npm start` as four real processes: one killed with SIGKILL must not take the others with it, and must come back.
let system: StartedSystem;
let token: string;
const specific = persona('specific_card');

beforeAll(async () => {
  system = await startSystem();
  token = await issueDevToken({ role: 'isa-officer', dataDir: system.dataDir });
});

afterAll(async () => {
  await system?.stop();
});

const RECORD = `query Record($n: ID!) { person(myNumber: $n) { myNumber cardArrangement resident { familyName } residenceCard { number } } }`;

interface Answer {
  data?: { person: Record<string, unknown> | null };
  errors?: Array<{ extensions?: Record<string, unknown> }>;
}

async function record(): Promise<{ status: number; body: Answer }> {
  const res = await fetch(system.gatewayUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query: RECORD, variables: { n: specific.myNumber } }),
  });
  return { status: res.status, body: (await res.json()) as Answer };
}

test('a subgraph killed with SIGKILL is restarted while the gateway and the other two keep serving', async () => {
  const before = await record();
  expect(before.body.errors).toBeUndefined();
  const familyName = (before.body.data!.person!.resident as { familyName: string }).familyName;
  expect(familyName).toMatch(/\S/);

  const gatewayPid = system.pid('gateway');
  const others = [system.pid('mynumber'), system.pid('immigration')];
  const killed = system.pid('registry');
  process.kill(killed, 'SIGKILL');
  await eventually(async () => !alive(killed));

  // While the registry is down: the rest of the record, and an error that names the missing authority.
  const partial = await record();
  expect(partial.status).toBe(200);
  expect(partial.body.data!.person).toEqual({
    myNumber: specific.myNumber,
    cardArrangement: specific.expected.cardArrangement,
    resident: null,
    residenceCard: { number: specific.residenceCardNumber },
  });
  expect(partial.body.errors).toEqual([expect.objectContaining({ extensions: expect.objectContaining({ code: 'AUTHORITY_UNAVAILABLE', authority: 'registry' }) })]);
  // The starter's line travels through npm's pipe: read it once it has arrived.
  await eventually(async () => system.output().includes('registry (municipalities) is down (killed by SIGKILL)'));

  // Back under a new process, answering again; nobody else was restarted.
  const back = await eventually(async () => {
    const r = await record();
    return r.body.errors === undefined && r.body.data?.person?.resident ? r : undefined;
  }, 120_000).catch((err: Error) => {
    // What the starter and the registry said, to tell a slow restart from a failing one.
    const said = system.output().split('\n').filter((l) => /supervisor|"service":"registry"|rror/.test(l) && !/"route":"\/(health|internal)/.test(l));
    throw new Error(`${err.message}\n${said.slice(-30).join('\n')}`);
  });
  expect(back.body.data!.person!.resident).toEqual({ familyName });
  expect(system.pid('registry')).not.toBe(killed);
  expect(system.pid('gateway')).toBe(gatewayPid);
  expect([system.pid('mynumber'), system.pid('immigration')]).toEqual(others);
  for (const pid of [gatewayPid, ...others]) expect(alive(pid)).toBe(true);
  await eventually(async () => system.output().match(/registry \(municipalities\) is back after \d+\.\d s/), 10_000);
});

test('SIGTERM to the process group still stops all four processes and removes ports.json', async () => {
  const pids = (['gateway', 'mynumber', 'registry', 'immigration'] as const).map((s) => system.pid(s));
  // The starter (npm start's node process) removes ports.json last, after npm itself has already exited.
  const starter = runningSystem(system.env)!.pid;
  pids.push(starter);
  expect(existsSync(runningSystemFile(system.dataDir))).toBe(true);
  const printed = system.output().length;
  await system.stop({ keepData: true });
  await eventually(async () => pids.every((pid) => !alive(pid)), 15_000);
  expect(existsSync(runningSystemFile(system.dataDir))).toBe(false);
  // Stopping is not a crash: nothing is reported down, nothing restarted.
  expect(system.output().slice(printed)).not.toMatch(/is down|stopped during start/);
});
