import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LOG_FLUSH_MS } from '../../runtime/http';
import { persona } from '../personas';
import { freePorts, ROOT, startSystem, type StartedSystem } from '../system';

// The commands an operator runs beside `npm start`, run as they are typed: they find the system through DATA_DIR,
// say what they could not reach, refuse what would break it, and refuse a command line they do not understand.
let system: StartedSystem;
let elsewhere: string;

beforeAll(async () => {
  system = await startSystem();
  elsewhere = mkdtempSync(join(tmpdir(), 'rc-elsewhere-'));
});

afterAll(async () => {
  await system?.stop();
  if (elsewhere) rmSync(elsewhere, { recursive: true, force: true });
});

/** `npm run --silent <script> -- args` with DATA_DIR and whatever else is given, and none of the *_PORT of this shell. */
async function npmRun(script: string, args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number; stdout: string; stderr: string }> {
  const base: NodeJS.ProcessEnv = { ...process.env };
  for (const name of Object.keys(base)) if (/_PORT$|_URL$/.test(name) || name === 'NODE_ENV') delete base[name];
  return new Promise((resolve) => {
    execFile('npm', ['run', '--silent', script, '--', ...args], { cwd: ROOT, env: { ...base, ...env }, timeout: 120_000 }, (err, stdout, stderr) =>
      resolve({ code: err ? ((err as { code?: number }).code ?? -1) : 0, stdout, stderr }),
    );
  });
}

const specific = persona('specific_card');

async function familyName(token: string): Promise<unknown> {
  const res = await fetch(system.gatewayUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query: `{ person(myNumber: "${specific.myNumber}") { resident { familyName } } }` }),
  });
  const body = (await res.json()) as { data?: { person: { resident: { familyName: string } | null } | null } };
  return body.data?.person?.resident?.familyName;
}

test('token finds the running system by DATA_DIR alone; its token is accepted', async () => {
  const { code, stdout } = await npmRun('token', ['--role', 'isa-officer'], { DATA_DIR: system.dataDir });
  expect(code).toBe(0);
  expect(await familyName(stdout.trim())).toEqual(expect.any(String));
});

test('token refuses to make a new issuer key while a gateway with another one runs', async () => {
  const { code, stdout, stderr } = await npmRun('token', ['--role', 'isa-officer'], { DATA_DIR: elsewhere, GATEWAY_PORT: String(system.ports.gateway) });
  expect({ code, stdout }).toEqual({ code: 3, stdout: '' });
  expect(stderr).toContain(`No issuer key in ${join(elsewhere, 'keys')}, and a gateway started with another DATA_DIR answers at http://127.0.0.1:${system.ports.gateway}/graphql`);
  expect(existsSync(join(elsewhere, 'keys', 'issuer.private.jwk'))).toBe(false);
});

test('seed refuses to write under the running system, and nothing changes', async () => {
  const token = (await npmRun('token', ['--role', 'isa-officer'], { DATA_DIR: system.dataDir })).stdout.trim();
  const before = await familyName(token);
  expect(before).toEqual(expect.any(String));
  const { code, stderr } = await npmRun('seed', ['--reset', '--authority', 'registry', '--persons', '10'], { DATA_DIR: system.dataDir });
  expect(code).toBe(3);
  expect(stderr).toMatch(new RegExp(`^registry is running on DATA_DIR=${system.dataDir} \\(npm start, pid \\d+\\): stop it \\(Ctrl-C\\) and run this again\\. Nothing was written\\.`));
  expect(await familyName(token)).toBe(before);
});

test('a check that cannot reach an authority says which, where, and that no system runs on its DATA_DIR', async () => {
  const [port] = await freePorts(1);
  const { code, stderr } = await npmRun('stats:verify', [], { DATA_DIR: elsewhere, IMMIGRATION_PORT: String(port) });
  expect(code).toBe(2);
  expect(stderr.trim()).toBe(
    `immigration could not be reached at http://127.0.0.1:${port}: no npm start is running on DATA_DIR=${elsewhere} ` +
      `(no live ${join(elsewhere, 'ports.json')}); start one, or set DATA_DIR to the running system's, or set the *_PORT / *_URL variables.`,
  );
});

describe('apikey parses its command line strictly', () => {
  const refused = [
    ['an unknown option', ['create', '--partner', 'Bank', '--scopes', 'card:verify', '--expiry', '2027-12-31'], "Unknown option '--expiry'"],
    ['the usage pasted with its brackets', ['create', '--partner', 'Bank', '--scopes', 'card:verify', '[--expires', '2027-12-31]'], 'Unexpected argument "[--expires"'],
    ['a day that does not exist', ['create', '--partner', 'Bank', '--scopes', 'card:verify', '--expires', '2027-02-30'], '--expires is a day written yyyy-mm-dd, not "2027-02-30"'],
    ['an option of another command', ['list', '--id', 'abc'], 'list takes no --id'],
    ['an unknown command', ['delete', '--id', 'abc'], 'Unknown command "delete"'],
  ] as const;
  test.each(refused)('%s: usage, exit 2, no stack trace', async (_, args, message) => {
    const { code, stdout, stderr } = await npmRun('apikey', [...args], { DATA_DIR: elsewhere });
    expect({ code, stdout }).toEqual({ code: 2, stdout: '' });
    expect(stderr).toContain(message);
    expect(stderr).toContain('Usage:\n  npm run apikey -- create');
    expect(stderr).not.toMatch(/^\s+at /m);
  });

  test('--expires is kept, and a key past its day is refused by the running gateway', async () => {
    const created = await npmRun('apikey', ['create', '--partner', 'Bank', '--scopes', 'card:verify', '--expires', '2027-12-31'], { DATA_DIR: system.dataDir });
    expect(created.code).toBe(0);
    expect(created.stdout).toMatch(/ expires 2027-12-31\n/);
    const expired = await npmRun('apikey', ['create', '--partner', 'Old', '--scopes', 'card:verify', '--expires', '2020-01-01'], { DATA_DIR: system.dataDir });
    const key = /^key .*: (\S+)$/m.exec(expired.stdout)![1]!;
    const listed = await npmRun('apikey', ['list'], { DATA_DIR: system.dataDir });
    expect(listed.stdout).toMatch(/ Bank {2}card:verify {2}60\/min {2}expires 2027-12-31\n/);
    const res = await fetch(system.gatewayUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': key },
      body: JSON.stringify({ query: `{ verifyResidenceCard(number: "${specific.residenceCardNumber}", expiresOn: "2029-07-01") { valid } }` }),
    });
    const body = (await res.json()) as { errors?: Array<{ extensions?: { code?: string } }> };
    expect({ status: res.status, code: body.errors?.[0]?.extensions?.code }).toEqual({ status: 401, code: 'API_KEY_EXPIRED' });
  });
});

describe('keys rotates the running system\'s keys, and parses its command line strictly', () => {
  const refused = [
    ['an unknown key name', ['rotate', '--name', 'gatway'], '--name must be one of issuer, gateway, immigration, registry, mynumber'],
    ['no key name', ['rotate'], '--name is required'],
    ['retire without a kid', ['retire', '--name', 'gateway'], '--kid is required'],
    ['an option of another command', ['rotate', '--name', 'gateway', '--kid', 'x'], 'rotate takes no --kid'],
    ['an unknown command', ['delete', '--name', 'gateway'], 'Unknown command "delete"'],
  ] as const;
  test.each(refused)('%s: usage, exit 2, no stack trace', async (_, args, message) => {
    const { code, stdout, stderr } = await npmRun('keys', [...args], { DATA_DIR: elsewhere });
    expect({ code, stdout }).toEqual({ code: 2, stdout: '' });
    expect(stderr).toContain(message);
    expect(stderr).toContain('Usage:\n  npm run keys -- list');
    expect(stderr).not.toMatch(/^\s+at /m);
  });

  test('rotating the issuer and the gateway key needs no restart: old and new tokens work in every process', async () => {
    const oldToken = (await npmRun('token', ['--role', 'isa-officer'], { DATA_DIR: system.dataDir })).stdout.trim();
    for (const name of ['issuer', 'gateway']) {
      const rotated = await npmRun('keys', ['rotate', '--name', name], { DATA_DIR: system.dataDir });
      expect(rotated).toMatchObject({ code: 0, stdout: expect.stringMatching(new RegExp(`^${name}: ${name}-\\S+ published and current;`)) });
    }
    const listed = (await npmRun('keys', ['list', '--name', 'gateway'], { DATA_DIR: system.dataDir })).stdout;
    expect(listed).toMatch(/^gateway {2}gateway-\S+ {2}accepted\ngateway {2}gateway-\S+ {2}current\n$/);
    const newToken = (await npmRun('token', ['--role', 'isa-officer'], { DATA_DIR: system.dataDir })).stdout.trim();
    // The subgraphs learn the gateway's new key from the first principal signed with it, whenever the gateway switches.
    for (let i = 0; i < 5; i++) {
      expect(await familyName(oldToken)).toEqual(expect.any(String));
      expect(await familyName(newToken)).toEqual(expect.any(String));
      await new Promise((r) => setTimeout(r, 500));
    }
  });
});

test('every process of npm start logs in one format: a JSON line with time, level, service and message', async () => {
  // The banner from "Ready in" to "Stop:" is for the person at the terminal, and npm echoes the script ("> ...");
  // every other line is a log line. Lines reach stdout in batches, within LOG_FLUSH_MS.
  await new Promise((r) => setTimeout(r, LOG_FLUSH_MS + 500));
  const [before, banner] = system.output().split('\nReady in');
  const after = banner!.slice(banner!.indexOf('\n', banner!.indexOf('Stop:')) + 1);
  const lines = `${before}\n${after}`.split('\n').filter((l) => l.trim() !== '' && !l.startsWith('> '));
  const services = new Set<string>();
  for (const line of lines) {
    let parsed: Record<string, unknown> | undefined;
    try {
      parsed = JSON.parse(line) as Record<string, unknown>;
    } catch {
      parsed = undefined;
    }
    expect([line, parsed && typeof parsed.level === 'number' && typeof parsed.time === 'string' && typeof parsed.msg === 'string' && typeof parsed.service === 'string']).toEqual([line, true]);
    services.add(parsed!.service as string);
  }
  // The four processes and the supervisor each wrote at least their start-up line.
  expect([...services].sort()).toEqual(expect.arrayContaining(['gateway', 'immigration', 'mynumber', 'registry']));
});
