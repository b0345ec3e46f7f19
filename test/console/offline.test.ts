import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from '../system';
import { persona } from '../personas';
import { isLoopback } from './browser';
import type { OfflineReport } from './offline';

/**
 * The console with the network cut: the system and Chromium run in a new network namespace that has only
 * loopback (`unshare -n`, which needs root or CAP_SYS_ADMIN), where test/console/offline.ts signs in, finds a
 * record at the counter, counts as an analyst and opens the explorer. Every asset comes from the gateway, or
 * the page would not work there at all.
 */

let report: OfflineReport;
const specific = persona('specific_card');

beforeAll(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'rc-offline-'));
  const file = join(dir, 'report.json');
  const env: NodeJS.ProcessEnv = { ...process.env };
  // A PostgreSQL server on the host's loopback is not in the namespace: the databases are embedded here.
  for (const name of Object.keys(env)) if (name.endsWith('_DATABASE_URL')) delete env[name];
  const child = spawn('unshare', ['-n', 'sh', '-c', 'ip link set lo up && exec node --import tsx test/console/offline.ts "$1"', 'sh', file], {
    cwd: ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr.on('data', (d: Buffer) => (output += d.toString()));
  const code = await new Promise<number | null>((resolve, reject) => {
    child.once('error', (err) => reject(new Error(`This suite needs unshare (util-linux) and ip (iproute2): ${err.message}`)));
    child.once('exit', resolve);
  });
  try {
    if (/unshare failed|Operation not permitted/.test(output) && !existsSync(file)) {
      throw new Error(`This suite needs a network namespace (unshare -n: root or CAP_SYS_ADMIN); it could not make one:\n${output}`);
    }
    if (!existsSync(file)) throw new Error(`The offline session exited with ${code} and no report:\n${output.slice(-4000)}`);
    report = JSON.parse(readFileSync(file, 'utf8')) as OfflineReport;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}, 175_000);

test('the namespace has only loopback: a request off this machine fails', () => {
  expect(report.interfaces).toEqual(['lo']);
  expect(report.outside).toBe('ENETUNREACH');
});

test('at the counter, the record; as an analyst, the table; the explorer with the schema documentation', () => {
  expect(report.failed).toBeUndefined();
  expect(report.counter?.cardFront).toContain(specific.residenceCardNumber!);
  expect(report.counter?.cardBack).toContain(specific.myNumber!);
  expect(report.analyst?.columns).toBe(3);
  expect(report.analyst?.rows).toBeGreaterThan(1);
  expect(report.analyst?.note).toMatch(/^Disclosure control: cells under \d+ persons are suppressed/);
  expect(report.explorer).toEqual({ containers: 1, docs: expect.stringContaining('Query') });
});

test('every asset loaded from the gateway, no request failed, the CSP blocked nothing', () => {
  const status = (path: string) => report.responses.find((r) => new URL(r.url).pathname === path)?.status;
  expect(['/console', '/console/app.js', '/console/app.css', '/console/explorer', '/console/explorer.js', '/console/explorer.css'].map(status)).toEqual([
    200, 200, 200, 200, 200, 200,
  ]);
  expect(report.responses.filter((r) => r.status >= 400)).toEqual([]);
  expect(report.responses.filter((r) => !isLoopback(r.url))).toEqual([]);
  expect(report.requestFailures).toEqual([]);
  expect(report.pageErrors).toEqual([]);
  expect(report.cspViolations).toEqual([]);
});
