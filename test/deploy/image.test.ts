import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';

/**
 * The image (docker/Dockerfile) without a Docker engine: the stage that bundles the console is played here, with
 * only the files its COPY lines name (less what .dockerignore keeps out of the build context), and its RUN line as
 * written; what the runtime stage copies from it must then exist. The production install runs no postinstall, so
 * without that stage the image had no console to serve (CONSOLE=on failed: "The console is not built").
 */

const ROOT = join(__dirname, '..', '..');
const dockerfile = readFileSync(join(ROOT, 'docker', 'Dockerfile'), 'utf8');
const dockerignore = readFileSync(join(ROOT, '.dockerignore'), 'utf8')
  .split('\n')
  .map((line) => line.trim())
  .filter((line) => line && !line.startsWith('#'));

/** Each stage's instructions (continuation lines joined), by the stage's name. */
function stages(): Map<string, string[]> {
  const out = new Map<string, string[]>();
  let current: string[] | undefined;
  for (const line of dockerfile.replace(/\\\n/g, ' ').split('\n')) {
    const text = line.trim();
    if (!text || text.startsWith('#')) continue;
    const from = /^FROM\s+\S+\s+AS\s+(\S+)$/i.exec(text);
    if (from) out.set(from[1]!, (current = []));
    else current?.push(text);
  }
  return out;
}

/** Whether .dockerignore keeps a path (relative to the root) out of the build context (the patterns it uses). */
function ignored(path: string): boolean {
  return dockerignore.some((pattern) => {
    const bare = pattern.replace(/^\*\*\//, '');
    const re = new RegExp(`^${bare.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[^/]*')}(/|$)`);
    return pattern.startsWith('**/') ? path.split('/').some((_, i, parts) => re.test(parts.slice(i).join('/'))) : re.test(path);
  });
}

test('.dockerignore keeps a local console build and the tests out of the build context', () => {
  expect(ignored('gateway/console/dist/app.js')).toBe(true);
  expect(ignored('gateway/server.test.ts')).toBe(true);
  expect(ignored('gateway/console/app/app.ts')).toBe(false);
});

test('the image bundles the console from the files its build stage copies, and the runtime stage takes the bundle', () => {
  const all = stages();
  const builder = [...all.entries()].find(([, lines]) => lines.some((l) => l.startsWith('RUN') && l.includes('gateway/console/build.ts')));
  expect(builder).toBeDefined();
  const [name, lines] = builder!;
  const runtime = all.get('runtime') ?? [];
  const taken = runtime
    .map((l) => new RegExp(`^COPY\\s+--from=${name}\\s+(\\S+)\\s+(\\S+)$`).exec(l))
    .filter((m): m is RegExpExecArray => m !== null);
  expect(taken.map((m) => m[1])).toEqual(['/app/gateway/console/dist']);

  const app = mkdtempSync(join(tmpdir(), 'rc-image-'));
  try {
    // The dependencies stage's node_modules (here the checkout's, which also has the development ones).
    symlinkSync(join(ROOT, 'node_modules'), join(app, 'node_modules'));
    for (const line of lines) {
      const copy = /^COPY\s+(?!--)(.+)\s+(\S+)$/.exec(line);
      if (copy) {
        const sources = copy[1]!.split(/\s+/);
        for (const source of sources) {
          const target = sources.length > 1 ? join(app, copy[2]!, source) : join(app, copy[2]!);
          cpSync(join(ROOT, source), target, { recursive: true, filter: (path) => !ignored(relative(ROOT, path)) });
        }
        continue;
      }
      const run = /^RUN\s+(.+)$/.exec(line);
      if (run) {
        const result = spawnSync('sh', ['-c', run[1]!], { cwd: app, encoding: 'utf8', timeout: 120_000 });
        expect({ status: result.status, stderr: result.stderr }).toEqual({ status: 0, stderr: '' });
      }
    }
    // What the runtime stage copies from the stage exists, with the page's script and style sheet.
    const dist = join(app, relative('/app', taken[0]![1]!));
    expect(['app.js', 'app.css'].map((file) => existsSync(join(dist, file)))).toEqual([true, true]);
    expect(taken[0]![2]).toBe('./gateway/console/dist');
  } finally {
    rmSync(app, { recursive: true, force: true });
  }
});
