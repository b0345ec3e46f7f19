import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { persona } from '../personas';
import { ROOT, startSystem, type StartedSystem } from '../system';

// npm run backup / restore as an operator runs them beside npm start: refused while it runs, a whole DATA_DIR
// taken at one moment, a damaged backup refused, the replaced data kept aside, and the restored system serving
// the state of the backup with its access logs intact.

const work = mkdtempSync(join(tmpdir(), 'rc-backup-'));
const dataDir = join(work, 'data');
const saved = join(work, 'saved');
const [first, second] = [persona('specific_card'), persona('separate_cards')];
let system: StartedSystem | undefined;

afterAll(async () => {
  await system?.stop({ keepData: true });
  rmSync(work, { recursive: true, force: true });
});

async function npmRun(script: string, args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const env: NodeJS.ProcessEnv = { ...process.env, DATA_DIR: dataDir };
  for (const name of Object.keys(env)) if (/_PORT$|_URL$/.test(name) || name === 'NODE_ENV') delete env[name];
  return new Promise((resolve) => {
    execFile('npm', ['run', '--silent', script, '--', ...args], { cwd: ROOT, env, timeout: 120_000 }, (err, stdout, stderr) =>
      resolve({ code: err ? ((err as { code?: number }).code ?? -1) : 0, stdout, stderr }),
    );
  });
}

async function start(): Promise<StartedSystem> {
  system = await startSystem({ DATA_DIR: dataDir });
  return system;
}

async function stop(): Promise<void> {
  await system!.stop({ keepData: true });
  system = undefined;
}

async function gql<T>(s: StartedSystem, token: string, query: string): Promise<T> {
  const res = await fetch(s.gatewayUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query }),
  });
  const body = (await res.json()) as { data?: T; errors?: unknown[] };
  expect(body.errors).toBeUndefined();
  return body.data!;
}

/** The card in force of a person, as the ISA answers: its number and whether it was reported lost. */
async function card(s: StartedSystem, token: string, myNumber: string): Promise<{ number: string; lost: boolean }> {
  const data = await gql<{ person: { immigration: { residenceCard: { number: string; lossReportedOn: string | null } } } }>(
    s,
    token,
    `{ person(myNumber: "${myNumber}") { immigration { residenceCard { number lossReportedOn } } } }`,
  );
  const c = data.person.immigration.residenceCard;
  return { number: c.number, lost: c.lossReportedOn !== null };
}

async function reportLost(s: StartedSystem, token: string, number: string): Promise<void> {
  await gql(s, token, `mutation { reportResidenceCardLost(number: "${number}") { number } }`);
}

/** SHA-256 of every file under a directory: to show that a refused command changed nothing. */
function tree(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else out[p.slice(dir.length)] = createHash('sha256').update(readFileSync(p)).digest('hex');
    }
  };
  walk(dir);
  return out;
}

// The embedded default's backup: the PostgreSQL stage of .ci/run would run the same embedded system again.
const embeddedStage = process.env.IMMIGRATION_DATABASE_URL ? test.skip : test;

embeddedStage('a backup taken while stopped brings back that moment; refused while running or when damaged', async () => {
  let s = await start();
  const token = (await npmRun('token', ['--role', 'isa-officer'])).stdout.trim();
  const firstCard = await card(s, token, first.myNumber!);
  const secondCard = await card(s, token, second.myNumber!);
  expect([firstCard.lost, secondCard.lost]).toEqual([false, false]);
  await reportLost(s, token, firstCard.number);

  // While npm start runs on DATA_DIR: refused, nothing written.
  const running = await npmRun('backup', ['--to', saved]);
  expect(running.code).toBe(3);
  expect(running.stderr).toContain('running on DATA_DIR');
  expect(existsSync(saved)).toBe(false);
  expect((await npmRun('restore', ['--from', work])).code).toBe(3);

  await stop();
  const taken = await npmRun('backup', ['--to', saved]);
  expect(taken).toMatchObject({ code: 0, stderr: '' });
  expect(existsSync(join(saved, 'backup-manifest.json'))).toBe(true);
  // Never over an existing backup.
  expect((await npmRun('backup', ['--to', saved])).code).toBe(4);
  // A command line it does not understand: the usage, exit 2.
  expect((await npmRun('backup', ['--to'])).code).toBe(2);
  expect((await npmRun('restore', ['--from', saved, '--to', saved])).code).toBe(2);

  // After the backup: the second card reported lost too.
  s = await start();
  await reportLost(s, token, secondCard.number);
  expect((await card(s, token, second.myNumber!)).lost).toBe(true);
  await stop();

  // A damaged backup (one byte of one database file changed) is refused, and DATA_DIR stays as it was.
  const damaged = join(work, 'damaged');
  cpSync(saved, damaged, { recursive: true });
  const victim = Object.keys(tree(join(damaged, 'immigration')))[0]!;
  const bytes = readFileSync(join(damaged, 'immigration', victim));
  bytes[0] = bytes[0]! ^ 0xff;
  writeFileSync(join(damaged, 'immigration', victim), bytes);
  const before = tree(dataDir);
  const refused = await npmRun('restore', ['--from', damaged]);
  expect(refused.code).toBe(4);
  expect(refused.stderr).toContain(`immigration${victim} was altered`);
  expect(tree(dataDir)).toEqual(before);

  const restored = await npmRun('restore', ['--from', saved]);
  expect(restored.code).toBe(0);
  const aside = /The data it replaced is in (\S+)\./.exec(restored.stdout)?.[1];
  expect(aside && tree(aside)).toEqual(before);

  s = await start();
  // The moment of the backup: the first card lost, the second not.
  expect((await card(s, token, first.myNumber!)).lost).toBe(true);
  expect((await card(s, token, second.myNumber!)).lost).toBe(false);
  // The three logs and their witnesses were taken together: audit:verify finds nothing wrong.
  const verified = await npmRun('audit:verify', []);
  expect(verified.code).toBe(0);
  await stop();
}, 600_000);
