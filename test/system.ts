import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runningSystem, type RunningSystem } from '../runtime/runningSystem';

export const ROOT = join(__dirname, '..');

/** `npm start` as an operator runs it: its own process group, its own DATA_DIR, free ports. */
export interface StartedSystem {
  dataDir: string;
  /** The environment the system was started with (DATA_DIR and the ports); for the CLIs and shell blocks. */
  env: NodeJS.ProcessEnv;
  ports: RunningSystem['ports'];
  gatewayUrl: string;
  /** Everything the four processes and the starter printed so far. */
  output(): string;
  /** The process serving a service now, from DATA_DIR/ports.json. */
  pid(service: keyof RunningSystem['pids']): number;
  /** SIGTERM to the group, as CI stops it; resolves once npm has exited. Removes DATA_DIR unless kept. */
  stop(options?: { keepData?: boolean }): Promise<void>;
}

/** Ports nothing listens on now (bound on port 0 and released). */
export async function freePorts(count: number): Promise<number[]> {
  const ports: number[] = [];
  while (ports.length < count) {
    const port = await new Promise<number>((resolve, reject) => {
      const server = createServer();
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => {
        const { port } = server.address() as { port: number };
        server.close(() => resolve(port));
      });
    });
    if (!ports.includes(port)) ports.push(port);
  }
  return ports;
}

/** Runs `npm start` in a new process group on a fresh DATA_DIR and waits for its "Ready" line. */
export async function startSystem(extraEnv: NodeJS.ProcessEnv = {}, timeoutMs = 170_000): Promise<StartedSystem> {
  const dataDir = mkdtempSync(join(tmpdir(), 'rc-system-'));
  const [gateway, mynumber, registry, immigration, gatewayMetrics] = await freePorts(5) as [number, number, number, number, number];
  const ports = { gateway, mynumber, registry, immigration, gatewayMetrics };
  const inherited: NodeJS.ProcessEnv = { ...process.env };
  // The embedded default, as a newcomer runs it, also when the suites run on PostgreSQL (.ci/run sets the URLs).
  for (const name of Object.keys(inherited)) if (name.endsWith('_DATABASE_URL')) delete inherited[name];
  const env: NodeJS.ProcessEnv = {
    ...inherited,
    // jest sets NODE_ENV=test, which silences the processes' logs; the system runs as `npm start` runs it.
    NODE_ENV: undefined,
    DATA_DIR: dataDir,
    GATEWAY_PORT: String(gateway),
    MYNUMBER_PORT: String(mynumber),
    REGISTRY_PORT: String(registry),
    IMMIGRATION_PORT: String(immigration),
    GATEWAY_METRICS_PORT: String(gatewayMetrics),
    ...extraEnv,
  };
  let output = '';
  const child: ChildProcess = spawn('npm', ['start'], { cwd: ROOT, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let done = false;
  const stop = async ({ keepData = false } = {}) => {
    if (!done) {
      done = true;
      try {
        process.kill(-child.pid!, 'SIGTERM');
      } catch {
        // already gone
      }
    }
    await exited;
    if (!keepData) rmSync(dataDir, { recursive: true, force: true });
  };

  const deadline = Date.now() + timeoutMs;
  while (!output.includes('Ready in')) {
    if (child.exitCode !== null || Date.now() > deadline) {
      await stop();
      throw new Error(`npm start did not get ready (exit ${child.exitCode}):\n${output.slice(-4000)}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return {
    dataDir,
    env,
    ports,
    gatewayUrl: `http://127.0.0.1:${gateway}/graphql`,
    output: () => output,
    pid: (service) => {
      const pid = runningSystem(env)?.pids[service];
      if (!pid) throw new Error(`No ${service} process recorded in ${dataDir}/ports.json`);
      return pid;
    },
    stop,
  };
}
