import { spawnSync } from 'node:child_process';
import { nodeFlagsOf } from './nodeFlags';

const SERVERS = ['gateway/index.ts', 'subgraphs/immigration/index.ts', 'subgraphs/registry/index.ts', 'subgraphs/mynumber/index.ts'];

/** The young generation a process starts with, in bytes (one semi-space), under `flags`. */
function newSpaceWith(flags: readonly string[]): number {
  const run = spawnSync(process.execPath, [...flags, '-e', "process.stdout.write(String(require('v8').getHeapSpaceStatistics().find((s) => s.space_name === 'new_space').space_size))"], {
    encoding: 'utf8',
  });
  if (run.status !== 0) throw new Error(run.stderr);
  return Number(run.stdout);
}

/**
 * CPU time (clock ticks) of a process that allocates some 3 million short-lived objects under `flags`: its main
 * thread's and all its other threads' together, read from /proc/self/task as it ends.
 */
function threadTicksWith(flags: readonly string[]): { main: number; others: number } {
  const script = `
    const fs = require('node:fs');
    let kept = [];
    for (let i = 0; i < 3e6; i++) { kept.push({ i, text: 'x' + i }); if (kept.length > 3e5) kept = []; }
    let main = 0, others = 0;
    for (const task of fs.readdirSync('/proc/self/task')) {
      const stat = fs.readFileSync('/proc/self/task/' + task + '/stat', 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const ticks = Number(fields[11]) + Number(fields[12]);
      if (task === String(process.pid)) main += ticks; else others += ticks;
    }
    process.stdout.write(JSON.stringify({ main, others }));`;
  const run = spawnSync(process.execPath, [...flags, '-e', script], { encoding: 'utf8' });
  if (run.status !== 0) throw new Error(run.stderr);
  return JSON.parse(run.stdout) as { main: number; others: number };
}

describe('node flags (runtime/nodeFlags.ts)', () => {
  it('start the statistics writers with semi-spaces of 64 MB, where Node alone starts with 1 MB', () => {
    const MB = 1024 * 1024;
    expect(newSpaceWith([])).toBe(1 * MB);
    expect(newSpaceWith(nodeFlagsOf('subgraphs/immigration/index.ts'))).toBe(64 * MB);
    expect(newSpaceWith(nodeFlagsOf('subgraphs/registry/index.ts'))).toBe(64 * MB);
    expect(newSpaceWith(nodeFlagsOf('subgraphs/mynumber/index.ts'))).toBe(1 * MB);
    expect(newSpaceWith(nodeFlagsOf('gateway/index.ts'))).toBe(1 * MB);
  });

  it('make every server collect its garbage on its main thread, where Node alone uses helper threads', () => {
    // Node's defaults: the helpers mark and scavenge beside the main thread.
    expect(threadTicksWith([]).others).toBeGreaterThan(4);
    for (const script of SERVERS) {
      expect([script, nodeFlagsOf(script)]).toEqual([script, expect.arrayContaining(['--single-threaded-gc'])]);
      const ticks = threadTicksWith(nodeFlagsOf(script));
      // A tick or two of other threads' work (compiling) may remain; the helpers' share of collecting does not.
      expect([script, ticks.main > 0, ticks.others <= 2]).toEqual([script, true, true]);
    }
  });

  it('turn the memory reducer off for the statistics writers, a flag this Node knows', () => {
    for (const script of ['subgraphs/immigration/index.ts', 'subgraphs/registry/index.ts']) expect(nodeFlagsOf(script)).toContain('--no-memory-reducer');
    const run = spawnSync(process.execPath, ['--no-memory-reducer', '--memory-reducer-typo', '-e', '0'], { encoding: 'utf8' });
    expect(run.stderr).toContain('--memory-reducer-typo');
    expect(spawnSync(process.execPath, ['--no-memory-reducer', '-e', '0'], { encoding: 'utf8' }).stderr).toBe('');
  });

  it('cannot be given in NODE_OPTIONS, which is why they go on the command line', () => {
    for (const flag of ['--min-semi-space-size=64', '--single-threaded-gc']) {
      const run = spawnSync(process.execPath, ['-e', '0'], { encoding: 'utf8', env: { ...process.env, NODE_OPTIONS: flag } });
      expect(run.status).not.toBe(0);
      expect(run.stderr).toContain('is not allowed in NODE_OPTIONS');
    }
  });
});
