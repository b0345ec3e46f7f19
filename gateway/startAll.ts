import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { DEFAULT_PORTS } from '../subgraphs/kit/ports';
import { keysDir, loadOrCreateKeyPair } from '../subgraphs/kit/keys';
import { dataDir } from './config';
import { AUTHORITIES } from './server';

/** `npm start`: three subgraphs and the gateway as four processes, stopped together on Ctrl-C or SIGTERM. */
async function main(): Promise<void> {
  const started = Date.now();
  const root = join(__dirname, '..');
  const dir = dataDir();
  // Keys first, so the four processes never race to create them.
  for (const name of ['issuer', 'gateway', ...AUTHORITIES]) await loadOrCreateKeyPair(keysDir(dir), name);

  const children: ChildProcess[] = [];
  let stopping = false;
  const stopAll = (code: number) => {
    if (stopping) return;
    stopping = true;
    for (const child of children) if (child.exitCode === null) child.kill('SIGTERM');
    Promise.all(children.map((c) => (c.exitCode === null ? new Promise((r) => c.once('exit', r)) : null))).then(() =>
      process.exit(code),
    );
  };
  process.once('SIGINT', () => stopAll(0));
  process.once('SIGTERM', () => stopAll(0));
  // `npm start` runs this under a shell that may die of a SIGTERM without passing it on: stop when orphaned.
  const parent = process.ppid;
  setInterval(() => process.ppid !== parent && stopAll(0), 500).unref();

  const run = (name: string, script: string) => {
    // The IPC channel closes if this process dies, so no child outlives it.
    const child = spawn(process.execPath, ['--import', 'tsx', join(root, script)], {
      stdio: ['inherit', 'inherit', 'inherit', 'ipc'],
      env: process.env,
    });
    child.once('exit', (code) => {
      if (!stopping) {
        console.error(`${name} stopped unexpectedly (exit ${code}); stopping everything.`);
        stopAll(1);
      }
    });
    children.push(child);
  };

  const port = (name: string, fallback: number) => Number(process.env[`${name.toUpperCase()}_PORT`] ?? fallback);
  // All four at once: the gateway serves from its static supergraph even before the subgraphs are up.
  for (const authority of AUTHORITIES) run(authority, `subgraphs/${authority}/index.ts`);
  run('gateway', 'gateway/index.ts');
  const gatewayPort = port('gateway', 4000);
  await Promise.all([...AUTHORITIES.map((a) => waitForHealth(port(a, DEFAULT_PORTS[a]))), waitForHealth(gatewayPort)]);

  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  console.log(`\nReady in ${seconds} s. Gateway: http://localhost:${gatewayPort}/graphql`);
  console.log('Get a token:  TOKEN=$(npm run --silent token -- --role isa-officer)');
  console.log(`Query:        curl -s http://localhost:${gatewayPort}/graphql -H "authorization: Bearer $TOKEN" \\`);
  console.log(`                -H 'content-type: application/json' -d '{"query":"{ person(myNumber: \\"...\\") { cardArrangement } }"}'`);
  console.log('Stop:         Ctrl-C\n');
}

/** Polls GET /health until it answers 200 (readiness probe, no fixed sleeps). */
async function waitForHealth(port: number, timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const res = await fetch(`http://127.0.0.1:${port}/health`);
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`Nothing healthy on port ${port} after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

void main().catch((err: Error) => {
  console.error(err.message);
  process.exit(1);
});
