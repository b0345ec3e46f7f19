import { spawnSync } from 'node:child_process';
import { nodeFlagsOf } from './nodeFlags';

/** The young generation a process starts with, in bytes (one semi-space), under `flags`. */
function newSpaceWith(flags: readonly string[]): number {
  const run = spawnSync(process.execPath, [...flags, '-e', "process.stdout.write(String(require('v8').getHeapSpaceStatistics().find((s) => s.space_name === 'new_space').space_size))"], {
    encoding: 'utf8',
  });
  if (run.status !== 0) throw new Error(run.stderr);
  return Number(run.stdout);
}

describe('node flags (runtime/nodeFlags.ts)', () => {
  it('start the statistics writers with semi-spaces of 64 MB, where Node alone starts with 1 MB', () => {
    const MB = 1024 * 1024;
    expect(newSpaceWith([])).toBe(1 * MB);
    expect(newSpaceWith(nodeFlagsOf('subgraphs/immigration/index.ts'))).toBe(64 * MB);
    expect(newSpaceWith(nodeFlagsOf('subgraphs/registry/index.ts'))).toBe(64 * MB);
    expect(nodeFlagsOf('subgraphs/mynumber/index.ts')).toEqual([]);
    expect(nodeFlagsOf('gateway/index.ts')).toEqual([]);
  });

  it('turn the memory reducer off for the statistics writers, a flag this Node knows', () => {
    for (const script of ['subgraphs/immigration/index.ts', 'subgraphs/registry/index.ts']) expect(nodeFlagsOf(script)).toContain('--no-memory-reducer');
    const run = spawnSync(process.execPath, ['--no-memory-reducer', '--memory-reducer-typo', '-e', '0'], { encoding: 'utf8' });
    expect(run.stderr).toContain('--memory-reducer-typo');
    expect(spawnSync(process.execPath, ['--no-memory-reducer', '-e', '0'], { encoding: 'utf8' }).stderr).toBe('');
  });

  it('cannot be given in NODE_OPTIONS, which is why they go on the command line', () => {
    const run = spawnSync(process.execPath, ['-e', '0'], { encoding: 'utf8', env: { ...process.env, NODE_OPTIONS: '--min-semi-space-size=64' } });
    expect(run.status).not.toBe(0);
    expect(run.stderr).toContain('is not allowed in NODE_OPTIONS');
  });
});
