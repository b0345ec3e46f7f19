import { rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Supervisor } from './supervisor';
import { eventually } from '../test/personas';

// Real child processes (node -e), the supervisor's own timers: the backoff doubles up to its cap, a process that
// answers /health again is announced back, a stop ends the restarts, and a death during start stops everything.
type Line = { level: string; fields: Record<string, unknown>; msg: string };

function supervisor(script: string, options: ConstructorParameters<typeof Supervisor>[1] = {}) {
  const lines: Line[] = [];
  const s = new Supervisor(() => ['-e', script], { ...options, log: (level, fields, msg) => lines.push({ level, fields, msg }) });
  return { s, lines };
}

test('a process that keeps dying is restarted after 50, 100, 200, 200 ms (doubling, capped)', async () => {
  const { s, lines } = supervisor('process.exit(3)', { backoffMs: 50, maxBackoffMs: 200 });
  s.start({ name: 'registry', label: 'registry (municipalities)', script: 'x', port: 1 });
  s.started();
  await eventually(async () => lines.length >= 4);
  await s.stop();
  expect(lines.slice(0, 4).map((l) => l.fields.restartInMs)).toEqual([50, 100, 200, 200]);
  expect(lines[0]).toEqual({
    level: 'warn',
    fields: { process: 'registry', code: 3, signal: null, down: true, restartInMs: 50 },
    msg: 'registry (municipalities) is down (exit 3); the others keep serving; restarting in 0.1 s',
  });
  // Stopped: no restart after it.
  const after = lines.length;
  await new Promise((r) => setTimeout(r, 500));
  expect(lines.length).toBe(after);
});

test('a restarted process is announced back once its /health answers', async () => {
  const health: Server = createServer((_, res) => res.end('ok'));
  await new Promise<void>((r) => health.listen(0, '127.0.0.1', r));
  const port = (health.address() as { port: number }).port;
  // Killed the first time, lives the second: a file says which.
  const marker = join(tmpdir(), `supervisor-test-${process.pid}`);
  const script = `const fs=require('fs');if(!fs.existsSync(${JSON.stringify(marker)})){fs.writeFileSync(${JSON.stringify(marker)},'');process.kill(process.pid,'SIGKILL')}setInterval(()=>{},1000)`;
  const { s, lines } = supervisor(script, { backoffMs: 50 });
  try {
    s.start({ name: 'gateway', label: 'gateway', script: 'x', port });
    s.started();
    const back = await eventually(async () => lines.find((l) => l.fields.back === true));
    expect(lines[0]!.msg).toBe('gateway is down (killed by SIGKILL); the others keep serving; restarting in 0.1 s');
    expect(back.msg).toMatch(/^gateway is back after \d+\.\d s$/);
  } finally {
    await s.stop();
    health.close();
    rmSync(marker, { force: true });
  }
});

test('a process that dies before the start is complete stops everything instead', async () => {
  let failed = 0;
  const { s, lines } = supervisor('process.exit(1)', { backoffMs: 50, onStartFailure: () => failed++ });
  s.start({ name: 'mynumber', label: 'mynumber (J-LIS)', script: 'x', port: 1 });
  await eventually(async () => failed === 1);
  await s.stop();
  expect(lines.map((l) => [l.level, l.msg])).toEqual([['error', 'mynumber (J-LIS) stopped during start (exit 1); stopping everything']]);
});
