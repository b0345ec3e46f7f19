import { spawn, type ChildProcess } from 'node:child_process';
import { get } from 'node:http';
import { join } from 'node:path';
import type { Authority } from '../subgraphs/kit/database';
import { DEFAULT_GATEWAY_METRICS_PORT, DEFAULT_PORTS } from '../subgraphs/kit/ports';
import { keysDir, loadOrCreateKeyPair } from '../subgraphs/kit/keys';
import { prepareBaseTemplate, templateCacheDir } from '../subgraphs/kit/template';
// Nothing of the gateway itself here (./config, ./server load all of Apollo): this process only starts the others,
// and on a 2-core machine every second of CPU it spends is taken from them.
const AUTHORITIES = Object.keys(DEFAULT_PORTS) as Authority[];
const dataDir = () => process.env.DATA_DIR ?? '.data';

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
  // First start: the empty cluster the embedded databases are copied from is made here while the others load
  // their code (subgraphs/kit/template.ts); a subgraph that gets there first waits for it.
  const embedded = AUTHORITIES.filter((a) => !process.env[`${a.toUpperCase()}_DATABASE_URL`]).map((a) => join(dir, a));
  void prepareBaseTemplate(embedded, templateCacheDir());
  const gatewayPort = port('gateway', 4000);
  await Promise.all([...AUTHORITIES.map((a) => waitForHealth(port(a, DEFAULT_PORTS[a]))), waitForHealth(gatewayPort)]);

  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  console.log(`\nReady in ${seconds} s. Gateway: http://localhost:${gatewayPort}/graphql`);
  console.log('Get a token:  TOKEN=$(npm run --silent token -- --role isa-officer)');
  console.log(`Query:        curl -s http://localhost:${gatewayPort}/graphql -H "authorization: Bearer $TOKEN" \\`);
  console.log(`                -H 'content-type: application/json' -d '{"query":"{ person(myNumber: \\"...\\") { cardArrangement } }"}'`);
  // The gateway's metrics have a listener of their own (GATEWAY_METRICS_PORT on METRICS_HOST), never the public port.
  const metricsHost = process.env.METRICS_HOST ?? '127.0.0.1';
  console.log(`Metrics:      http://${metricsHost}:${port('gateway_metrics', DEFAULT_GATEWAY_METRICS_PORT)}/metrics`);
  console.log('Stop:         Ctrl-C\n');
}

/** Whether GET /health answers 200 (plain node:http: a refused connection costs less CPU than with fetch). */
function healthy(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const req = get({ host: '127.0.0.1', port, path: '/health', agent: false, timeout: 5000 }, (res) => {
      res.resume();
      resolve(res.statusCode === 200);
    });
    req.once('timeout', () => req.destroy());
    req.once('error', () => resolve(false));
  });
}

/** Polls GET /health until it answers 200 (readiness probe, no fixed sleeps). */
async function waitForHealth(port: number, timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await healthy(port)) return;
    if (Date.now() > deadline) throw new Error(`Nothing healthy on port ${port} after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

void main().catch((err: Error) => {
  console.error(err.message);
  process.exit(1);
});
