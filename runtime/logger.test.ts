import { execFileSync } from 'node:child_process';
import { mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger, LOG_FLUSH_MS } from './http';

const ROOT = join(__dirname, '..');

describe('createLogger', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'logger-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));
  /**
   * A descriptor open from the start, as stdout is in production (a path would be opened asynchronously). Left
   * open: the logger's flush timer outlives the test, and a closed descriptor's number may be reused.
   */
  const open = (file: string) => openSync(file, 'a');

  const linesOf = (file: string) =>
    readFileSync(file, 'utf8')
      .split('\n')
      .filter((line) => line !== '')
      .map((line) => JSON.parse(line) as Record<string, unknown>);

  async function waitForLines(file: string, count: number, withinMs: number): Promise<Array<Record<string, unknown>>> {
    const deadline = Date.now() + withinMs;
    for (;;) {
      const lines = linesOf(file);
      if (lines.length >= count || Date.now() > deadline) return lines;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  it('holds a lone line back, then writes it within the flush interval', async () => {
    const file = join(dir, 'one.log');
    const logger = createLogger('test', { level: 'info', dest: open(file) });
    logger.info({ route: '/graphql', status: 200 }, 'request');
    expect(readFileSync(file, 'utf8')).toBe('');
    const lines = await waitForLines(file, 1, LOG_FLUSH_MS * 5);
    expect(lines).toEqual([expect.objectContaining({ service: 'test', route: '/graphql', status: 200, msg: 'request' })]);
  });

  it('writes every line of a burst, whole and in order', async () => {
    const file = join(dir, 'burst.log');
    const logger = createLogger('test', { level: 'info', dest: open(file) });
    for (let i = 0; i < 500; i++) logger.info({ i }, 'request');
    const lines = await waitForLines(file, 500, LOG_FLUSH_MS * 5);
    expect(lines.map((line) => line.i)).toEqual(Array.from({ length: 500 }, (_, i) => i));
  });

  it('writes what is still waiting when the process exits', () => {
    const file = join(dir, 'exit.log');
    // As in production, the destination is a descriptor open from the start (stdout there).
    const script = `const { openSync } = require('node:fs'); const { createLogger } = require('./runtime/http'); createLogger('test', { level: 'info', dest: openSync(${JSON.stringify(file)}, 'a') }).info({ last: true }, 'stopping'); process.exit(0);`;
    execFileSync(process.execPath, ['--import', 'tsx', '-e', script], { cwd: ROOT, env: { ...process.env, NODE_ENV: 'production' } });
    expect(linesOf(file)).toEqual([expect.objectContaining({ last: true, msg: 'stopping' })]);
  });

  it('makes no destination when silent', () => {
    const logger = createLogger('test', { level: 'silent', dest: join(dir, 'silent.log') });
    logger.info('nothing');
    expect(() => readFileSync(join(dir, 'silent.log'))).toThrow();
  });
});
