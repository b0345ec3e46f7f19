import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, request, type Server } from 'node:http';
import { join } from 'node:path';
import { Client } from 'pg';
import { close, listen } from '../../runtime/http';
import { freePort } from './redisServer';

const ROOT = join(__dirname, '..', '..');

/** One process of the system (`gateway/index.ts` or `subgraphs/<authority>/index.ts`), on its own port. */
export interface Replica {
  name: string;
  port: number;
  process: ChildProcess;
  /** Its stderr and stdout so far, for a failure's message. */
  output(): string;
}

/** Starts `entry` with `env` on a free port (`portVariable`) and resolves once GET /health answers 200. */
export async function startReplica(name: string, entry: string, portVariable: string, env: Record<string, string>): Promise<Replica> {
  const port = await freePort();
  const child = spawn(process.execPath, ['--import', 'tsx', entry], {
    cwd: ROOT,
    env: { ...process.env, LOG_LEVEL: 'warn', ...env, [portVariable]: String(port) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (c: Buffer) => (output = (output + c.toString()).slice(-20_000)));
  child.stderr!.on('data', (c: Buffer) => (output = (output + c.toString()).slice(-20_000)));
  const replica = { name, port, process: child, output: () => output };
  const deadline = Date.now() + 120_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${name} exited with ${child.exitCode}:\n${output}`);
    if (Date.now() > deadline) throw new Error(`${name} did not answer /health within 120 s:\n${output}`);
    const ok = await fetch(`http://127.0.0.1:${port}/health`).then((r) => r.ok, () => false);
    if (ok) return replica;
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Kills a replica as a node failure would (SIGKILL: no shutdown, no goodbye to its database) and waits for it. */
export async function killReplica(replica: Replica): Promise<void> {
  if (replica.process.exitCode !== null || replica.process.signalCode !== null) return;
  const exited = new Promise((resolve) => replica.process.once('exit', resolve));
  replica.process.kill('SIGKILL');
  await exited;
}

/** Stops a replica politely (SIGTERM). */
export async function stopReplica(replica: Replica): Promise<void> {
  if (replica.process.exitCode !== null || replica.process.signalCode !== null) return;
  const exited = new Promise((resolve) => replica.process.once('exit', resolve));
  replica.process.kill('SIGTERM');
  const timer = setTimeout(() => replica.process.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(timer);
}

/**
 * What a Kubernetes Service does for the replicas behind it, in small: each request goes to the next replica in
 * turn; a replica that refuses the connection (its process is gone) is taken out, as its endpoint would be, and the
 * request goes to the next. A request already sent to a replica that dies is not resent: that is the caller's
 * retry policy. `onRequest` sees every request body, for counting deliveries.
 */
export class Service {
  private next = 0;
  private server: Server | undefined;
  url = '';

  constructor(
    readonly name: string,
    readonly replicas: Replica[],
    private readonly onRequest?: (path: string, body: string) => void,
  ) {}

  async start(): Promise<string> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const body = Buffer.concat(chunks);
        this.onRequest?.(req.url ?? '/', body.toString());
        const attempt = (tries: number) => {
          const alive = this.replicas.filter((r) => r.process.exitCode === null && r.process.signalCode === null);
          if (alive.length === 0 || tries > this.replicas.length) {
            res.writeHead(503).end();
            return;
          }
          const target = alive[this.next++ % alive.length]!;
          const headers = { ...req.headers, host: `127.0.0.1:${target.port}` };
          const upstream = request({ host: '127.0.0.1', port: target.port, method: req.method, path: req.url, headers }, (answer) => {
            res.writeHead(answer.statusCode ?? 502, answer.headers);
            answer.pipe(res);
          });
          upstream.on('error', (err: NodeJS.ErrnoException) => {
            if (err.code === 'ECONNREFUSED') return attempt(tries + 1);
            // Sent, and the replica died before answering: the caller sees a dropped connection.
            res.destroy();
          });
          upstream.end(body);
        };
        attempt(1);
      });
    });
    this.url = `http://127.0.0.1:${await listen(this.server, 0)}`;
    return this.url;
  }

  async stop(): Promise<void> {
    if (this.server?.listening) {
      this.server.closeAllConnections();
      await close(this.server);
    }
  }
}

/** Runs one statement on a database of the PostgreSQL server at `serverUrl`. */
export async function sql<T = Record<string, unknown>>(serverUrl: string, database: string, text: string, values: unknown[] = []): Promise<T[]> {
  const url = new URL(serverUrl);
  url.pathname = `/${database}`;
  const client = new Client({ connectionString: url.toString() });
  await client.connect();
  try {
    return (await client.query(text, values)).rows as T[];
  } finally {
    await client.end();
  }
}

/** The value of a metric (summed over its series) in a replica's /metrics, or NaN when it cannot be read. */
export async function metric(url: string, name: string): Promise<number> {
  try {
    const text = await (await fetch(url)).text();
    return text
      .split('\n')
      .filter((l) => l.startsWith(`${name} `) || l.startsWith(`${name}{`))
      .reduce((sum, l) => sum + Number(l.split(' ').at(-1)), 0);
  } catch {
    return Number.NaN;
  }
}
