/**
 * Pre-built embedded databases, so a first start with an empty DATA_DIR does not pay for creating a
 * PostgreSQL cluster (initdb) and loading the demo population in every subgraph.
 *
 * Two kinds of template, in a cache directory outside DATA_DIR (default `node_modules/.cache/residence-card/pglite`,
 * `PGLITE_TEMPLATES=<dir>` to move it, `PGLITE_TEMPLATES=off` to do without):
 * - `base-<key>`: an empty cluster as initdb leaves it, the same for every authority; keyed by the PGlite version.
 * - `<authority>-<key>`: the authority's database after its migrations and the seed, exactly as a first start
 *   leaves it (the first start that needs it copies its own database there). Keyed by a hash of every source
 *   file the migrations and the seed import (so a new migration or a changed generator or post-load step makes a
 *   new template), the PGlite and TypeORM versions, the migration names and the seed options.
 * A template is copied into `DATA_DIR/<authority>` only when that directory holds no database yet; the subgraph
 * then opens it as usual, running its migrations and `seedIfEmpty` (both find nothing left to do).
 */
import { createHash } from 'node:crypto';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  renameSync,
  rmSync,
  rmdirSync,
  statSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { basename, dirname, join, relative, resolve } from 'node:path';
import type { DataSource } from 'typeorm';
import type { Authority } from '../../runtime/authority';

/** The repository root (this file is subgraphs/kit/template.ts). */
const ROOT = resolve(__dirname, '..', '..');

/** Bumped when the layout of a template changes. */
const FORMAT = 1;

/** How many templates of one kind (base, or one authority) are kept; older ones are removed. */
const KEEP = 2;

/** How long a process waits for another to build the empty cluster before running initdb itself. */
const LOCK_WAIT_MS = 180_000;

/** A lock older than this is taken to be left behind, even if a process with its pid runs (pid reused). */
const STALE_LOCK_MS = 600_000;

type Env = Record<string, string | undefined>;

/** The template cache directory, or undefined when templates are turned off (`PGLITE_TEMPLATES=off`). */
export function templateCacheDir(env: Env = process.env): string | undefined {
  const setting = env.PGLITE_TEMPLATES;
  if (setting === 'off' || setting === '0' || setting === 'false') return undefined;
  return setting ? resolve(setting) : join(ROOT, 'node_modules', '.cache', 'residence-card', 'pglite');
}

const IMPORT = /(?:\bfrom|\bimport|\brequire\s*\()\s*\(?\s*['"](\.{1,2}\/[^'"]+)['"]/g;

function resolveImport(from: string, specifier: string): string | undefined {
  const base = resolve(dirname(from), specifier);
  const candidates = [base, `${base}.ts`, join(base, 'index.ts'), base.replace(/\.js$/, '.ts'), `${base}.json`];
  return candidates.find((path) => existsSync(path) && statSync(path).isFile());
}

/** `entries` and every file they import by relative path, transitively (package imports are left out), sorted. */
export function importClosure(entries: readonly string[]): string[] {
  const seen = new Set<string>();
  const pending = entries.map((entry) => resolve(entry));
  for (let path = pending.pop(); path !== undefined; path = pending.pop()) {
    if (seen.has(path) || !existsSync(path)) continue;
    seen.add(path);
    if (!path.endsWith('.ts')) continue;
    for (const [, specifier] of readFileSync(path, 'utf8').matchAll(IMPORT)) {
      const target = resolveImport(path, specifier as string);
      if (target && !seen.has(target)) pending.push(target);
    }
  }
  return [...seen].sort();
}

function packageVersion(name: string): string {
  try {
    return (JSON.parse(readFileSync(join(ROOT, 'node_modules', name, 'package.json'), 'utf8')) as { version: string }).version;
  } catch {
    return 'unknown';
  }
}

/** A short hash of `parts` and of the content of `files` (by path relative to the repository root). */
export function contentKey(parts: readonly unknown[], files: readonly string[] = []): string {
  const hash = createHash('sha256').update(JSON.stringify(parts));
  for (const file of files) hash.update(`\0${relative(ROOT, file)}\0`).update(readFileSync(file));
  return hash.digest('hex').slice(0, 16);
}

/** The key of an empty cluster: what initdb produces depends only on PGlite. */
export function baseTemplateKey(): string {
  return contentKey([FORMAT, 'base', packageVersion('@electric-sql/pglite')]);
}

/** What a seeded template depends on besides the sources. */
export interface SeededTemplateSpec {
  authority: Authority;
  /** Names of the migrations the subgraph runs, in order. */
  migrations: readonly string[];
  /** The seed options (persons, seed, asOf), or whatever else decides the seeded content. */
  seed: unknown;
  /** Source files the migrations and the seed start from; their relative imports are followed. */
  entries?: readonly string[];
}

/** The source files a seeded template of `authority` depends on, by default. */
export function seededTemplateEntries(authority: Authority): string[] {
  return [join(ROOT, 'subgraphs', authority, 'migrations', 'index.ts'), join(ROOT, 'seeds', 'load.ts'), __filename];
}

/** The key of an authority's seeded database: changes with any source file it depends on, versions and options. */
export function seededTemplateKey(spec: SeededTemplateSpec): string {
  const files = importClosure(spec.entries ?? seededTemplateEntries(spec.authority));
  return contentKey(
    [FORMAT, spec.authority, packageVersion('@electric-sql/pglite'), packageVersion('typeorm'), spec.migrations, spec.seed],
    files,
  );
}

const isCluster = (dir: string) => existsSync(join(dir, 'PG_VERSION'));

/** Copies `from` to `to` through a temporary sibling and a rename, so `to` is either absent or complete. */
function copyAtomically(from: string, to: string): boolean {
  const staging = `${to}.tmp-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
  try {
    cpSync(from, staging, { recursive: true });
    renameSync(staging, to);
    return true;
  } catch {
    rmSync(staging, { recursive: true, force: true });
    return false;
  }
}

/** Removes partial copies (`<prefix>*.tmp-*`) in `parent` older than `olderThanMs`, left by a process that died copying. */
function removeLeftovers(parent: string, prefix: string, olderThanMs: number): void {
  try {
    for (const name of readdirSync(parent)) {
      if (!name.startsWith(prefix) || !name.includes('.tmp-')) continue;
      const path = join(parent, name);
      if (Date.now() - statSync(path).mtimeMs >= olderThanMs) rmSync(path, { recursive: true, force: true });
    }
  } catch {
    // tidying only
  }
}

/** Keeps the `KEEP` most recently used templates whose names start with `prefix`. */
function prune(cacheDir: string, prefix: string): void {
  removeLeftovers(cacheDir, prefix, STALE_LOCK_MS);
  const entries = readdirSync(cacheDir)
    .filter((name) => name.startsWith(prefix) && (!name.includes('.') || name.endsWith('.tar')))
    .map((name) => ({ name, used: statSync(join(cacheDir, name)).mtimeMs }))
    .sort((a, b) => b.used - a.used);
  for (const { name } of entries.slice(KEEP)) rmSync(join(cacheDir, name), { recursive: true, force: true });
}

/** Marks a template as used now, for pruning. */
function touch(dir: string): void {
  try {
    const now = new Date();
    utimesSync(dir, now, now);
  } catch {
    // only affects which templates pruning keeps
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Whether a lock's builder is gone: its process no longer runs (same machine), or the lock is very old. */
function abandoned(lock: string): boolean {
  try {
    const age = Date.now() - statSync(lock).mtimeMs;
    if (age > STALE_LOCK_MS) return true;
    const pid = Number(readFileSync(join(lock, 'pid'), 'utf8'));
    if (!Number.isInteger(pid) || pid <= 0) return age > 5_000;
    try {
      process.kill(pid, 0);
      return false;
    } catch (err) {
      return (err as NodeJS.ErrnoException).code === 'ESRCH';
    }
  } catch {
    return false; // gone meanwhile, or its pid not written yet
  }
}

/**
 * The empty cluster template, built on first need. Processes starting together build it once: one takes a lock
 * and runs initdb, the others wait for it. Undefined if it cannot be had (the caller then runs initdb itself).
 */
export async function baseTemplate(cacheDir: string, waitMs = LOCK_WAIT_MS): Promise<string | undefined> {
  const dir = join(cacheDir, `base-${baseTemplateKey()}`);
  const lock = `${dir}.lock`;
  const deadline = Date.now() + waitMs;
  mkdirSync(cacheDir, { recursive: true });
  for (;;) {
    if (isCluster(dir)) return dir;
    try {
      mkdirSync(lock);
      writeFileSync(join(lock, 'pid'), String(process.pid));
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') return undefined;
    }
    // Someone else is building it: wait, or take over a lock its builder left behind.
    if (abandoned(lock)) rmSync(lock, { recursive: true, force: true });
    if (Date.now() > deadline) return undefined;
    await sleep(100);
  }
  try {
    if (isCluster(dir)) return dir;
    removeLeftovers(cacheDir, 'base.tmp-', 0);
    const staging = mkdtempSync(join(cacheDir, `base.tmp-${process.pid}-`));
    try {
      // Loaded only here: `npm start` calls this before anything else needs PGlite.
      const { openPGlite } = require('./pglite') as typeof import('./pglite');
      const db = await openPGlite(join(staging, 'pgdata'));
      await db.close();
      renameSync(join(staging, 'pgdata'), dir);
    } finally {
      rmSync(staging, { recursive: true, force: true });
    }
    prune(cacheDir, 'base-');
    return isCluster(dir) ? dir : undefined;
  } catch {
    return isCluster(dir) ? dir : undefined;
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

const images = new Map<string, Promise<Blob | undefined>>();

/**
 * The empty cluster as a tarball, for databases held in memory (the test suites open three per stack): PGlite
 * loads it in about a third of the time initdb takes. Built on first need, kept beside the templates as
 * `image-<key>.tar` (a process building it at the same time as another only does the same work twice).
 */
export function emptyClusterImage(cacheDir = templateCacheDir()): Promise<Blob | undefined> {
  if (!cacheDir) return Promise.resolve(undefined);
  let image = images.get(cacheDir);
  if (image) return image;
  image = (async () => {
    const file = join(cacheDir, `image-${baseTemplateKey()}.tar`);
    try {
      if (!existsSync(file)) {
        mkdirSync(cacheDir, { recursive: true });
        const { openPGlite } = require('./pglite') as typeof import('./pglite');
        // From a copy of the empty cluster template when there is one (opening it is quicker than initdb).
        const base = join(cacheDir, `base-${baseTemplateKey()}`);
        const copy = isCluster(base) ? mkdtempSync(join(cacheDir, 'image.tmp-')) : undefined;
        let tar: Uint8Array;
        try {
          if (copy) cpSync(base, join(copy, 'pgdata'), { recursive: true });
          const db = await openPGlite(copy && join(copy, 'pgdata'));
          tar = new Uint8Array(await (await db.dumpDataDir('none')).arrayBuffer());
          await db.close();
        } finally {
          if (copy) rmSync(copy, { recursive: true, force: true });
        }
        const staging = `${file}.tmp-${process.pid}`;
        writeFileSync(staging, tar);
        renameSync(staging, file);
        prune(cacheDir, 'image-');
      }
      return new Blob([readFileSync(file)]);
    } catch {
      return undefined; // PGlite runs initdb itself
    }
  })();
  images.set(cacheDir, image);
  return image;
}

/**
 * Builds the empty cluster template ahead of need when one of `dirs` holds no database yet (`npm start` calls it
 * while the subgraphs are still loading their code, so initdb does not wait for them nor they for it).
 */
export async function prepareBaseTemplate(dirs: readonly string[], cacheDir: string | undefined): Promise<void> {
  if (!cacheDir || dirs.every(isCluster)) return;
  await baseTemplate(cacheDir).catch(() => undefined);
}

/** How an embedded database directory was prepared. */
export interface PreparedDatabase {
  /** `existing`: a database was there already; `seeded`: copied from the authority's seeded template;
   *  `base`: copied from the empty cluster template; `initdb`: left for PGlite to create. */
  source: 'existing' | 'seeded' | 'base' | 'initdb';
  /** After the migrations and the seed ran on a database created now: keeps a copy as the seeded template. */
  saveTemplate(dataSource: DataSource): Promise<void>;
}

const nothing = async () => undefined;

/**
 * Prepares `dir` (one authority's embedded database directory) before it is opened: when it holds no database
 * yet, copies the authority's seeded template there, or else the empty cluster template. `cacheDir` undefined:
 * no templates (PGlite runs initdb and the seed runs, as without this).
 */
export async function prepareEmbeddedDatabase(
  dir: string,
  spec: SeededTemplateSpec,
  cacheDir: string | undefined,
): Promise<PreparedDatabase> {
  if (isCluster(dir)) return { source: 'existing', saveTemplate: nothing };
  // A directory that is there but not empty and not a cluster is left alone: PGlite decides what to do with it.
  if (!cacheDir || (existsSync(dir) && readdirSync(dir).length > 0)) return { source: 'initdb', saveTemplate: nothing };
  let key: string;
  try {
    key = seededTemplateKey(spec);
  } catch {
    return { source: 'initdb', saveTemplate: nothing };
  }
  const seeded = join(cacheDir, `${spec.authority}-${key}`);
  mkdirSync(dirname(dir), { recursive: true });
  if (existsSync(dir)) rmdirSync(dir);
  removeLeftovers(dirname(dir), `${basename(dir)}.tmp-`, 0);

  if (isCluster(seeded) && copyAtomically(seeded, dir)) {
    touch(seeded);
    return { source: 'seeded', saveTemplate: nothing };
  }
  const saveTemplate = async (dataSource: DataSource) => {
    try {
      // Every change on disk and nothing running: the files are a consistent copy of the database.
      await dataSource.query('CHECKPOINT');
      if (!isCluster(seeded) && copyAtomically(dir, seeded)) prune(cacheDir, `${spec.authority}-`);
    } catch {
      // A template is only a shortcut for the next first start.
    }
  };
  const base = await baseTemplate(cacheDir).catch(() => undefined);
  if (base && copyAtomically(base, dir)) {
    touch(base);
    return { source: 'base', saveTemplate };
  }
  return { source: 'initdb', saveTemplate };
}
