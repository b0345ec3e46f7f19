import { join } from 'node:path';
import type { Authority } from '../runtime/authority';
import { DEFAULT_GATEWAY_METRICS_PORT, DEFAULT_PORTS } from '../runtime/ports';
import { keysDir, loadOrCreateKeyPair } from '../runtime/keys';
import { nodeFlagsOf } from '../runtime/nodeFlags';
import { removeRunningSystem, writeRunningSystem, type RunningSystem } from '../runtime/runningSystem';
import { prepareBaseTemplate, templateCacheDir } from '../subgraphs/kit/template';
import { Supervisor, waitForHealth } from './supervisor';
// Nothing of the gateway itself here (./config, ./server load all of Apollo): this process only starts the others,
// and on a 2-core machine every second of CPU it spends is taken from them.
const AUTHORITIES = Object.keys(DEFAULT_PORTS) as Authority[];
const dataDir = () => process.env.DATA_DIR ?? '.data';
/** Who is down when a subgraph is, as an operator reads it. */
const AUTHORITY_LABELS: Record<Authority, string> = {
  mynumber: 'mynumber (J-LIS)',
  registry: 'registry (municipalities)',
  immigration: 'immigration (ISA)',
};

/**
 * `npm start`: three subgraphs and the gateway as four processes, stopped together on Ctrl-C or SIGTERM. Once all
 * four answer, one that dies is restarted (supervisor.ts) while the others keep serving.
 */
async function main(): Promise<void> {
  const started = Date.now();
  const root = join(__dirname, '..');
  const dir = dataDir();
  // Keys first, so the four processes never race to create them.
  for (const name of ['issuer', 'gateway', ...AUTHORITIES]) await loadOrCreateKeyPair(keysDir(dir), name);

  const port = (name: string, fallback: number) => Number(process.env[`${name.toUpperCase()}_PORT`] ?? fallback);
  const gatewayPort = port('gateway', 4000);
  // DATA_DIR/ports.json: where the CLIs (token, reconcile, audit:verify, ...) find this system.
  const system: RunningSystem = {
    pid: process.pid,
    startedAt: new Date().toISOString(),
    ports: {
      ...(Object.fromEntries(AUTHORITIES.map((a) => [a, port(a, DEFAULT_PORTS[a])])) as Record<Authority, number>),
      gateway: gatewayPort,
      gatewayMetrics: port('gateway_metrics', DEFAULT_GATEWAY_METRICS_PORT),
    },
    pids: {},
  };
  const supervisor = new Supervisor((script) => [...nodeFlagsOf(script), '--import', 'tsx', join(root, script)], {
    onStartFailure: () => stopAll(1),
    onLaunch: (name, pid) => {
      system.pids[name as Authority | 'gateway'] = pid;
      writeRunningSystem(dir, system);
    },
  });
  let stopping = false;
  const stopAll = (code: number) => {
    if (stopping) return;
    stopping = true;
    void supervisor.stop().then(() => {
      removeRunningSystem(dir, process.pid);
      process.exit(code);
    });
  };
  process.once('SIGINT', () => stopAll(0));
  process.once('SIGTERM', () => stopAll(0));
  // `npm start` runs this under a shell that may die of a SIGTERM without passing it on: stop when orphaned.
  const parent = process.ppid;
  setInterval(() => process.ppid !== parent && stopAll(0), 500).unref();

  // All four at once: the gateway serves from its static supergraph even before the subgraphs are up.
  for (const authority of AUTHORITIES) {
    const script = `subgraphs/${authority}/index.ts`;
    supervisor.start({ name: authority, label: AUTHORITY_LABELS[authority], script, port: port(authority, DEFAULT_PORTS[authority]) });
  }
  supervisor.start({ name: 'gateway', label: 'gateway', script: 'gateway/index.ts', port: gatewayPort });
  // First start: the empty cluster the embedded databases are copied from is made here while the others load
  // their code (subgraphs/kit/template.ts); a subgraph that gets there first waits for it.
  const embedded = AUTHORITIES.filter((a) => !process.env[`${a.toUpperCase()}_DATABASE_URL`]).map((a) => join(dir, a));
  void prepareBaseTemplate(embedded, templateCacheDir());
  // A first start migrates, seeds and builds the statistics: minutes at national scale (START_TIMEOUT_S, 600 s).
  const startTimeoutMs = Number(process.env.START_TIMEOUT_S ?? 600) * 1000;
  try {
    await Promise.all([...AUTHORITIES.map((a) => waitForHealth(port(a, DEFAULT_PORTS[a]), startTimeoutMs)), waitForHealth(gatewayPort, startTimeoutMs)]);
  } catch (err) {
    // Stops the processes it started: none may keep running after npm start gave up.
    console.error((err as Error).message);
    stopAll(1);
    return;
  }
  supervisor.started();

  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  console.log(`\nReady in ${seconds} s. Gateway: http://localhost:${gatewayPort}/graphql`);
  // The commands find this system through DATA_DIR/ports.json; only a DATA_DIR other than the default needs saying.
  const withDir = dir === '.data' ? '' : `DATA_DIR=${dir} `;
  console.log(`Get a token:  TOKEN=$(${withDir}npm run --silent token -- --role isa-officer)`);
  console.log('First query:  README.md, "First query" (one line to paste, and the answer it prints)');
  // The gateway's metrics have a listener of their own (GATEWAY_METRICS_PORT on METRICS_HOST), never the public port.
  const metricsHost = process.env.METRICS_HOST ?? '127.0.0.1';
  console.log(`Metrics:      http://${metricsHost}:${system.ports.gatewayMetrics}/metrics`);
  console.log('Stop:         Ctrl-C\n');
}

void main().catch((err: Error) => {
  console.error(err.message);
  process.exit(1);
});
