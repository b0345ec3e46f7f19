import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';

/**
 * Production start never loads the demo data generator: no module the gateway or a subgraph runs (everything under
 * gateway/ and subgraphs/ but the tests) imports seeds/. The one exception is named here: the subgraph start
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

/** `file`'s imports that land in seeds/, as `specifier` (and whether it is loaded lazily). */
function seedsImports(file: string, source: string): Array<{ specifier: string; lazy: boolean }> {
  return specifiers(source).filter(({ specifier }) => {
    if (!specifier.startsWith('.')) return false;
    const target = resolve(dirname(file), specifier);
    return target === SEEDS || target.startsWith(SEEDS + sep);
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

  it('no module under gateway/ or subgraphs/ (tests aside) imports seeds/, but the lazy demo seeding at start', () => {
    const files = [...productionSources(join(ROOT, 'gateway')), ...productionSources(join(ROOT, 'subgraphs'))];
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
