import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';

/**
 * Which top-level folder may import which (README, "Rules of the house").
 *
 * Production start never loads the demo data generator: no module the gateway or a subgraph runs (everything under
 * gateway/, runtime/ and subgraphs/ but the tests) imports seeds/. The one exception is named here: the subgraph start
 * requires seeds/load lazily, and only when a demo population is asked for (SEED_PERSONS, or the embedded
 * default of `npm start`).
 */
const ROOT = join(__dirname, '..', '..');
const SEEDS = join(ROOT, 'seeds');
const ALLOWED_LAZY = [{ file: 'subgraphs/kit/main.ts', specifier: '../../seeds/load' }];

/** Every module specifier in a source: static imports and re-exports, `import(...)` and `require(...)`. */
function specifiers(source: string): Array<{ specifier: string; lazy: boolean }> {
  const found: Array<{ specifier: string; lazy: boolean }> = [];
  for (const m of source.matchAll(/^\s*(?:import|export)\b[^'"]*?(?:\bfrom\s*)?['"]([^'"]+)['"]/gm)) found.push({ specifier: m[1]!, lazy: false });
  for (const m of source.matchAll(/\b(?:import|require)\s*\(\s*['"`]([^'"`]+)['"`]\s*\)/g)) found.push({ specifier: m[1]!, lazy: true });
  return found;
}

/** The production sources: .ts files under gateway/ and subgraphs/, without tests, dependencies or build output. */
function productionSources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'node_modules' || entry.name === 'dist' ? [] : productionSources(path);
    return /\.(ts|tsx|mts)$/.test(entry.name) && !/\.test\.(ts|tsx|mts)$/.test(entry.name) ? [path] : [];
  });
}

/** `file`'s imports that land in the folder `into`, as `specifier` (and whether it is loaded lazily). */
function importsInto(into: string, file: string, source: string): Array<{ specifier: string; lazy: boolean }> {
  return specifiers(source).filter(({ specifier }) => {
    if (!specifier.startsWith('.')) return false;
    const target = resolve(dirname(file), specifier);
    return target === into || target.startsWith(into + sep);
  });
}
const seedsImports = (file: string, source: string) => importsInto(SEEDS, file, source);

/** Every import from the production sources under `from` into the folder `into`, by file (relative to the root). */
function crossings(from: string, into: string): Array<{ file: string; specifier: string; lazy: boolean }> {
  return productionSources(join(ROOT, from)).flatMap((path) => {
    const file = relative(ROOT, path).split(sep).join('/');
    return importsInto(join(ROOT, into), path, readFileSync(path, 'utf8')).map((i) => ({ file, ...i }));
  });
}

describe('production modules and seeds/', () => {
  it('finds static, lazy and type-only imports of seeds/ in a source (so the check below can fail)', () => {
    const file = join(ROOT, 'subgraphs', 'kit', 'example.ts');
    const source = [
      "import { seedIfEmpty } from '../../seeds/load';",
      "import type { SyntheticPerson } from '../../seeds/rows';",
      "export { personas } from '../../seeds/personas';",
      "import '../../seeds/random';",
      "const { generatePopulation } = require('../../seeds/generate') as typeof import('../../seeds/generate');",
      "import { openDatabase } from './database';",
      "import { Client } from 'pg';",
    ].join('\n');
    expect(seedsImports(file, source)).toEqual([
      { specifier: '../../seeds/load', lazy: false },
      { specifier: '../../seeds/rows', lazy: false },
      { specifier: '../../seeds/personas', lazy: false },
      { specifier: '../../seeds/random', lazy: false },
      { specifier: '../../seeds/generate', lazy: true },
      { specifier: '../../seeds/generate', lazy: true },
    ]);
  });

  it('no module under gateway/, runtime/ or subgraphs/ (tests aside) imports seeds/, but the lazy demo seeding at start', () => {
    const files = [...productionSources(join(ROOT, 'gateway')), ...productionSources(join(ROOT, 'runtime')), ...productionSources(join(ROOT, 'subgraphs'))];
    expect(files.length).toBeGreaterThan(100);
    const found = files.flatMap((path) => {
      const file = relative(ROOT, path).split(sep).join('/');
      return seedsImports(path, readFileSync(path, 'utf8')).map((i) => ({ file, ...i }));
    });
    const allowed = (i: { file: string; specifier: string; lazy: boolean }) =>
      i.lazy && ALLOWED_LAZY.some((a) => a.file === i.file && a.specifier === i.specifier);
    expect(found.filter((i) => !allowed(i))).toEqual([]);
    // The exception is still there (require and its type): when it goes, so does its entry in ALLOWED_LAZY.
    expect(found.filter(allowed).map((i) => i.file)).toEqual(['subgraphs/kit/main.ts', 'subgraphs/kit/main.ts']);
  });
});

describe('the gateway, the subgraphs and what they share', () => {
  it('runtime/ (what the gateway and the subgraphs both run) imports neither of them, nor seeds/', () => {
    expect(productionSources(join(ROOT, 'runtime')).length).toBeGreaterThan(5);
    expect([...crossings('runtime', 'gateway'), ...crossings('runtime', 'subgraphs'), ...crossings('runtime', 'seeds')]).toEqual([]);
  });

  it("the gateway imports from subgraphs/ only where it starts them (npm start's database templates)", () => {
    expect(crossings('gateway', 'subgraphs').map(({ file, specifier }) => `${file} -> ${specifier}`)).toEqual([
      'gateway/startAll.ts -> ../subgraphs/kit/template',
    ]);
  });

  it('the subgraphs import nothing from the gateway, but the command that checks a history through it as a client', () => {
    expect(crossings('subgraphs', 'gateway').map(({ file, specifier }) => `${file} -> ${specifier}`)).toEqual([
      'subgraphs/kit/accessLog/proveCli.ts -> ../../../gateway/persisted/safelist',
      'subgraphs/kit/accessLog/proveCli.ts -> ../../../gateway/tokenCli',
    ]);
  });
});

/**
 * No AsyncLocalStorage (nor any other async hook) where requests are served: on Node 20 one in use adds a hook to
 * every promise the process makes, which every request pays for. What a request carries travels in its context
 * (gateway/logging.ts); a background task's statements are counted on its own query runner (subgraphs/kit/database.ts).
 */
describe('no async hooks on the request path', () => {
  const hooked = (source: string) =>
    specifiers(source).some(({ specifier }) => specifier === 'node:async_hooks' || specifier === 'async_hooks') || /\bAsyncLocalStorage\b(?!\s*[:,)])/.test(source.replace(/\/\*[\s\S]*?\*\/|\/\/.*$/gm, ''));

  it('recognises an import of async_hooks or a use of AsyncLocalStorage (so the check below can fail)', () => {
    expect(hooked("import { AsyncLocalStorage } from 'node:async_hooks';")).toBe(true);
    expect(hooked("const { createHook } = require('async_hooks');")).toBe(true);
    expect(hooked('const store = new AsyncLocalStorage();')).toBe(true);
    expect(hooked('// not an AsyncLocalStorage: kept by request\nconst scopes = new WeakMap();')).toBe(false);
  });

  it('the gateway, the runtime and the subgraphs use none', () => {
    const files = ['gateway', 'runtime', 'subgraphs', 'schema'].flatMap((dir) => productionSources(join(ROOT, dir)));
    expect(files.length).toBeGreaterThan(100);
    expect(files.filter((f) => hooked(readFileSync(f, 'utf8'))).map((f) => relative(ROOT, f))).toEqual([]);
  });
});
