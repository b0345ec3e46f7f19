import { spawn, type ChildProcess } from 'node:child_process';
import { get } from 'node:http';

/** What `npm start` runs: one process per service, each with the port its /health answers on. */
export interface Service {
  name: string;
  /** Who is down when this process is, as an operator reads it ("registry (municipalities)"). */
  label: string;
  script: string;
  port: number;
}

export interface SupervisorOptions {
  /** First wait before a restart; doubled after each failed one, up to maxBackoffMs. */
  backoffMs?: number;
  maxBackoffMs?: number;
  /** A process up this long without dying counts as recovered: the next crash waits backoffMs again. */
  stableMs?: number;
  log?: (level: 'info' | 'warn' | 'error', fields: Record<string, unknown>, msg: string) => void;
  /** Called when a process exits before `started()`: the starter stops everything and exits non-zero. */
  onStartFailure?: () => void;
  /** Told each process id as it starts (and again after each restart). */
  onLaunch?: (service: string, pid: number) => void;
}

/** One JSON line, in pino's shape (the gateway logs with pino), so the starter's lines read like the others'. */
export function logLine(level: 'info' | 'warn' | 'error', fields: Record<string, unknown>, msg: string): void {
  const levels = { info: 30, warn: 40, error: 50 };
  const line = JSON.stringify({ level: levels[level], time: new Date().toISOString(), service: 'supervisor', ...fields, msg });
  (level === 'info' ? process.stdout : process.stderr).write(`${line}\n`);
}

/**
 * Keeps a set of processes running. Until `started()` is called, a process that exits stops everything (a
 * process that cannot start once, on a taken port or a bad setting, will not start by retrying); after it, a
 * process that dies is started again after a backoff while the others keep serving, and the log says when it
 * went down and when its /health answered again.
 */
export class Supervisor {
  private readonly children = new Map<string, ChildProcess>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private stopping = false;
  private running = false;
  private readonly backoffMs: number;
  private readonly maxBackoffMs: number;
  private readonly stableMs: number;
  private readonly log: NonNullable<SupervisorOptions['log']>;
  private readonly onLaunch: SupervisorOptions['onLaunch'];
  private readonly onStartFailure: NonNullable<SupervisorOptions['onStartFailure']>;

  constructor(
    private readonly spawnArgs: (script: string) => string[],
    options: SupervisorOptions = {},
  ) {
    this.backoffMs = options.backoffMs ?? 500;
    this.maxBackoffMs = options.maxBackoffMs ?? 30_000;
    this.stableMs = options.stableMs ?? 60_000;
    this.log = options.log ?? logLine;
    this.onLaunch = options.onLaunch;
    this.onStartFailure = options.onStartFailure ?? (() => void this.stop().then(() => process.exit(1)));
  }

  /** Starts a service and keeps it running. */
  start(service: Service): void {
    this.launch(service, 0);
  }

  /** From now on a process that dies is restarted rather than ending all. */
  started(): void {
    this.running = true;
  }

  /** Stops every process with SIGTERM and resolves when all have exited. */
  async stop(): Promise<void> {
    this.stopping = true;
    for (const timer of this.timers) clearTimeout(timer);
    const alive = [...this.children.values()].filter((c) => c.exitCode === null && c.signalCode === null);
    for (const child of alive) child.kill('SIGTERM');
    await Promise.all(alive.map((c) => new Promise((r) => c.once('exit', r))));
  }

  private launch(service: Service, failures: number, downSince?: number): void {
    // The IPC channel closes if this process dies, so no child outlives it.
    const child = spawn(process.execPath, this.spawnArgs(service.script), {
      stdio: ['inherit', 'inherit', 'inherit', 'ipc'],
      env: process.env,
    });
    this.children.set(service.name, child);
    if (child.pid !== undefined) this.onLaunch?.(service.name, child.pid);
    const launchedAt = Date.now();
    if (downSince !== undefined) void this.announceBack(service, child, downSince);
    child.once('exit', (code, signal) => {
      if (this.stopping) return;
      const how = signal ? `killed by ${signal}` : `exit ${code}`;
      if (!this.running) {
        this.log('error', { process: service.name, code, signal }, `${service.label} stopped during start (${how}); stopping everything`);
        this.onStartFailure();
        return;
      }
      const recovered = Date.now() - launchedAt >= this.stableMs;
      const attempt = recovered ? 0 : failures;
      const delay = Math.min(this.backoffMs * 2 ** attempt, this.maxBackoffMs);
      const since = downSince ?? Date.now();
      this.log(
        'warn',
        { process: service.name, code, signal, down: true, restartInMs: delay },
        `${service.label} is down (${how}); the others keep serving; restarting in ${(delay / 1000).toFixed(1)} s`,
      );
      const timer = setTimeout(() => {
        this.timers.delete(timer);
        if (!this.stopping) this.launch(service, attempt + 1, since);
      }, delay);
      this.timers.add(timer);
    });
  }

  /** Logs once the restarted process answers /health, with how long its service was down. */
  private async announceBack(service: Service, child: ChildProcess, downSince: number): Promise<void> {
    while (!this.stopping && child.exitCode === null && child.signalCode === null) {
      if (await healthy(service.port)) {
        const seconds = ((Date.now() - downSince) / 1000).toFixed(1);
        this.log('info', { process: service.name, back: true, downForMs: Date.now() - downSince }, `${service.label} is back after ${seconds} s`);
        return;
      }
      await new Promise((r) => setTimeout(r, 200));
    }
  }
}

/** Whether GET /health answers 200 (plain node:http: a refused connection costs less CPU than with fetch). */
export function healthy(port: number): Promise<boolean> {
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
export async function waitForHealth(port: number, timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await healthy(port)) return;
    if (Date.now() > deadline) throw new Error(`Nothing healthy on port ${port} after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
