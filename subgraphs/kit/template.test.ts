import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DataSource } from 'typeorm';
import { migrations as immigrationMigrations } from '../immigration/migrations';
import { migrations as mynumberMigrations } from '../mynumber/migrations';
import { migrations } from '../registry/migrations';
import { openDatabase } from './database';
import { embeddedTemplateSpec } from './main';
import { createMetrics } from '../../runtime/metrics';
import { openPGlite } from './pglite';
import { baseTemplate, baseTemplateKey, emptyClusterImage, importClosure, prepareEmbeddedDatabase, seededTemplateKey, templateCacheDir, type SeededTemplateSpec } from './template';

const scratch = mkdtempSync(join(tmpdir(), 'rc-template-test-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** A small source tree: an entry importing a migration list that imports one migration; package imports ignored. */
function sources(): { dir: string; entry: string; migration: string } {
  const dir = mkdtempSync(join(scratch, 'src-'));
  mkdirSync(join(dir, 'migrations'));
  writeFileSync(join(dir, 'load.ts'), `import type { DataSource } from 'typeorm';\nimport { list } from './migrations';\nexport { list };\n`);
  writeFileSync(join(dir, 'migrations', 'index.ts'), `import { One } from './0001-one';\nexport const list = [One];\n`);
  writeFileSync(join(dir, 'migrations', '0001-one.ts'), `export class One {}\n`);
  writeFileSync(join(dir, 'unrelated.ts'), `export const x = 1;\n`);
  return { dir, entry: join(dir, 'load.ts'), migration: join(dir, 'migrations', '0001-one.ts') };
}

describe('importClosure', () => {
  it('follows relative imports (directories through index.ts) and nothing else', () => {
    const { dir, entry, migration } = sources();
    expect(importClosure([entry])).toEqual([entry, join(dir, 'migrations', 'index.ts'), migration].sort());
  });
});

describe('seededTemplateKey', () => {
  const { dir, entry, migration } = sources();
  const spec: SeededTemplateSpec = { authority: 'registry', migrations: ['One'], seed: { seed: 1, persons: 10, asOf: '2026-11-28' }, entries: [entry] };

  it('is stable for the same sources and options', () => {
    expect(seededTemplateKey(spec)).toBe(seededTemplateKey({ ...spec }));
  });

  it('changes with a changed migration, a new imported migration, the migration list or the seed options', () => {
    const before = seededTemplateKey(spec);
    writeFileSync(migration, `export class One { up() {} }\n`);
    const changed = seededTemplateKey(spec);
    expect(changed).not.toBe(before);

    writeFileSync(join(dir, 'migrations', '0002-two.ts'), `export class Two {}\n`);
    expect(seededTemplateKey(spec)).toBe(changed); // not imported yet
    writeFileSync(join(dir, 'migrations', 'index.ts'), `import { One } from './0001-one';\nimport { Two } from './0002-two';\nexport const list = [One, Two];\n`);
    const added = seededTemplateKey(spec);
    expect(added).not.toBe(changed);

    expect(seededTemplateKey({ ...spec, migrations: ['One', 'Two'] })).not.toBe(added);
    expect(seededTemplateKey({ ...spec, seed: { seed: 2, persons: 10, asOf: '2026-11-28' } })).not.toBe(added);
    expect(seededTemplateKey({ ...spec, authority: 'mynumber' })).not.toBe(added);
  });
});

describe('templateCacheDir', () => {
  it('is under node_modules/.cache by default, movable, and can be turned off', () => {
    expect(templateCacheDir({})).toMatch(/node_modules\/\.cache\//);
    expect(templateCacheDir({ PGLITE_TEMPLATES: '/tmp/x' })).toBe('/tmp/x');
    expect(templateCacheDir({ PGLITE_TEMPLATES: 'off' })).toBeUndefined();
  });
});

describe('prepareEmbeddedDatabase', () => {
  const cache = join(scratch, 'cache');
  const { entry, migration } = sources();
  const names = migrations.map((m) => m.name);
  const spec: SeededTemplateSpec = { authority: 'registry', migrations: names, seed: { persons: 1 }, entries: [entry] };
  const open = (dir: string) =>
    openDatabase({ authority: 'registry', dataDir: dir, migrations, statements: createMetrics('t').dbStatements });
  const count = async (db: DataSource) => ((await db.query(`SELECT count(*)::int AS n FROM resident`)) as Array<{ n: number }>)[0]?.n;

  it('creates a database from the empty cluster, keeps the seeded one as template, and copies it to the next first start', async () => {
    const first = mkdtempSync(join(scratch, 'data-'));
    const prepared = await prepareEmbeddedDatabase(join(first, 'registry'), spec, cache);
    expect(prepared.source).toBe('base');
    const db = await open(first);
    await db.query(
      `INSERT INTO resident (my_number, resident_record_code, family_name, given_name, birth_date, sex, resident_category, municipality_code, registered_on)
       VALUES ('000000000019', '00000000001', 'Test', 'Seed', '1990-01-31', 'FEMALE', 'MID_TO_LONG_TERM', '131041', '2020-04-01')`,
    );
    await prepared.saveTemplate(db);
    await db.destroy();

    // A restart finds its own database.
    expect((await prepareEmbeddedDatabase(join(first, 'registry'), spec, cache)).source).toBe('existing');

    // Another empty data directory starts from the template, with the seeded row, and stays writable.
    const second = mkdtempSync(join(scratch, 'data-'));
    expect((await prepareEmbeddedDatabase(join(second, 'registry'), spec, cache)).source).toBe('seeded');
    const copy = await open(second);
    expect(await count(copy)).toBe(1);
    await copy.query(`UPDATE resident SET given_name = 'Copy'`);
    await copy.destroy();

    // The template is not changed by its copies.
    const third = mkdtempSync(join(scratch, 'data-'));
    expect((await prepareEmbeddedDatabase(join(third, 'registry'), spec, cache)).source).toBe('seeded');
    const again = await open(third);
    expect(await again.query(`SELECT given_name FROM resident`)).toEqual([{ given_name: 'Seed' }]);
    await again.destroy();

    // A changed migration source makes the template stale: the next first start seeds from the empty cluster.
    writeFileSync(migration, `export class One { changed = true }\n`);
    const fourth = mkdtempSync(join(scratch, 'data-'));
    expect((await prepareEmbeddedDatabase(join(fourth, 'registry'), spec, cache)).source).toBe('base');
    const fresh = await open(fourth);
    expect(await count(fresh)).toBe(0);
    await fresh.destroy();
  });

  it('leaves everything to PGlite when templates are off', async () => {
    const dir = mkdtempSync(join(scratch, 'data-'));
    expect((await prepareEmbeddedDatabase(join(dir, 'registry'), spec, undefined)).source).toBe('initdb');
  });
});

describe('baseTemplate', () => {
  it('is built once for processes starting together, taking over a lock its builder left behind', async () => {
    const cache = mkdtempSync(join(scratch, 'cache-'));
    const dir = join(cache, `base-${baseTemplateKey()}`);
    // A builder that died: its lock stays, with the pid of a process that is gone.
    const dead = spawnSync(process.execPath, ['-e', '']).pid;
    mkdirSync(`${dir}.lock`);
    writeFileSync(join(`${dir}.lock`, 'pid'), String(dead));
    const both = await Promise.all([baseTemplate(cache), baseTemplate(cache)]);
    expect(both).toEqual([dir, dir]);
    expect(existsSync(join(dir, 'PG_VERSION'))).toBe(true);
    expect(readdirSync(cache)).toEqual([`base-${baseTemplateKey()}`]); // no lock, no partial copy left
  });
});

describe('emptyClusterImage', () => {
  it('is made once from the empty cluster template, and an in-memory database starts from it with nothing in it', async () => {
    const cache = mkdtempSync(join(scratch, 'cache-'));
    await baseTemplate(cache);
    const image = await emptyClusterImage(cache);
    expect(image).toBeDefined();
    expect(readdirSync(cache).sort()).toEqual([`base-${baseTemplateKey()}`, `image-${baseTemplateKey()}.tar`]);
    expect(await emptyClusterImage(cache)).toBe(image);
    const db = await openPGlite(undefined, image);
    try {
      const { rows } = await db.query<{ tables: number }>(`SELECT count(*)::int AS tables FROM pg_tables WHERE schemaname = 'public'`);
      expect(rows).toEqual([{ tables: 0 }]);
      await db.exec('CREATE TABLE t (n int); INSERT INTO t VALUES (1)');
      expect((await db.query('SELECT n FROM t')).rows).toEqual([{ n: 1 }]);
    } finally {
      await db.close();
    }
  });

  it('is not made when templates are turned off', async () => {
    const setting = process.env.PGLITE_TEMPLATES;
    process.env.PGLITE_TEMPLATES = 'off';
    try {
      expect(await emptyClusterImage()).toBeUndefined();
    } finally {
      if (setting === undefined) delete process.env.PGLITE_TEMPLATES;
      else process.env.PGLITE_TEMPLATES = setting;
    }
  });
});

describe('npm run prepare:embedded', () => {
  it('builds, for each authority, the database a first start of its subgraph copies', () => {
    const cache = mkdtempSync(join(scratch, 'cache-'));
    const env: Record<string, string | undefined> = { ...process.env, PGLITE_TEMPLATES: cache, SEED_PERSONS: '20', npm_lifecycle_event: 'prepare:embedded' };
    for (const a of ['IMMIGRATION', 'REGISTRY', 'MYNUMBER']) delete env[`${a}_DATABASE_URL`];
    const run = spawnSync(process.execPath, ['--import', 'tsx', join(__dirname, 'prepareTemplates.ts')], { env, encoding: 'utf8' });
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    const lists = { immigration: immigrationMigrations, registry: migrations, mynumber: mynumberMigrations };
    for (const [authority, list] of Object.entries(lists) as Array<[keyof typeof lists, typeof migrations]>) {
      const spec = embeddedTemplateSpec(authority, list, env);
      expect(readdirSync(cache)).toContain(`${authority}-${seededTemplateKey(spec)}`);
    }
    // Another seed size is another template: none was built for it.
    expect(readdirSync(cache)).not.toContain(`registry-${seededTemplateKey(embeddedTemplateSpec('registry', migrations, { ...env, SEED_PERSONS: '21' }))}`);
  }, 180_000);
});
