import { createHash } from 'node:crypto';
import { cpSync, existsSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { Authority } from '../../runtime/authority';
import { databasesInUse, runningSystem, runningSystemFile } from '../../runtime/runningSystem';

/**
 * Backup and restore of the embedded default: the whole DATA_DIR (the three authorities' databases, every key,
 * the partner key store) copied while nothing runs on it, so the three authorities and their keys are taken at one
 * moment. A backup of one authority alone would be worthless anyway: restoring it would show as a rolled-back log
 * to the other two (docs/access-log.md). On PostgreSQL the databases are backed up with PostgreSQL's own tools
 * (docs/operations.md); DATA_DIR then holds the keys, which this still copies.
 */

const AUTHORITIES: Authority[] = ['immigration', 'registry', 'mynumber'];
export const MANIFEST = 'backup-manifest.json';

/** Why a backup or restore did nothing; `exit` is the command's exit code. */
export class BackupRefused extends Error {
  constructor(
    readonly exit: number,
    message: string,
  ) {
    super(message);
  }
}

/** The system runs on DATA_DIR: nothing was read or written. */
export const IN_USE_EXIT = 3;
/** The backup is incomplete or altered, or the target already exists: nothing was written. */
export const NOT_USABLE_EXIT = 4;

interface Manifest {
  createdAt: string;
  /** Every file of the backup but the manifest, with its SHA-256. */
  files: Record<string, string>;
}

type Env = Record<string, string | undefined>;

/** Copies DATA_DIR to `to` (which must not exist): first under `to.partial`, renamed when complete. */
export async function backup(dataDir: string, to: string, env: Env): Promise<Manifest> {
  await refuseWhileRunning(dataDir, env);
  if (!existsSync(dataDir)) throw new BackupRefused(NOT_USABLE_EXIT, `Nothing to back up: DATA_DIR=${dataDir} does not exist.`);
  if (existsSync(to)) throw new BackupRefused(NOT_USABLE_EXIT, `${to} already exists: a backup never overwrites anything. Nothing was written.`);
  const partial = `${to}.partial`;
  rmSync(partial, { recursive: true, force: true });
  cpSync(dataDir, partial, { recursive: true, filter: (source) => source !== runningSystemFile(dataDir) });
  const manifest: Manifest = { createdAt: new Date().toISOString(), files: digests(partial) };
  writeFileSync(join(partial, MANIFEST), `${JSON.stringify(manifest, null, 2)}\n`);
  renameSync(partial, to);
  return manifest;
}

/**
 * Puts a backup in place of DATA_DIR, after checking every file against the manifest. The data it replaces is
 * moved aside to `DATA_DIR.before-restore-<time>`, never deleted. Returns where it went (undefined: there was none).
 */
export async function restore(from: string, dataDir: string, env: Env): Promise<string | undefined> {
  await refuseWhileRunning(dataDir, env);
  const manifest = readManifest(from);
  const found = digests(from, [MANIFEST]);
  const problems = [
    ...Object.keys(manifest.files).filter((f) => found[f] === undefined).map((f) => `${f} is missing`),
    ...Object.keys(found).filter((f) => manifest.files[f] === undefined).map((f) => `${f} is not in the manifest`),
    ...Object.keys(found).filter((f) => manifest.files[f] !== undefined && manifest.files[f] !== found[f]).map((f) => `${f} was altered`),
  ];
  if (problems.length > 0) {
    throw new BackupRefused(NOT_USABLE_EXIT, `${from} is not the backup its manifest describes: ${problems.slice(0, 5).join('; ')}. Nothing was restored.`);
  }
  const restoring = `${dataDir}.restoring`;
  rmSync(restoring, { recursive: true, force: true });
  cpSync(from, restoring, { recursive: true, filter: (source) => source !== join(from, MANIFEST) });
  let aside: string | undefined;
  if (existsSync(dataDir)) {
    aside = `${dataDir}.before-restore-${new Date().toISOString().replace(/[:.]/g, '-')}`;
    renameSync(dataDir, aside);
  }
  renameSync(restoring, dataDir);
  return aside;
}

async function refuseWhileRunning(dataDir: string, env: Env): Promise<void> {
  const scoped = { ...env, DATA_DIR: dataDir };
  const inUse = await databasesInUse(AUTHORITIES, scoped);
  if (inUse) throw new BackupRefused(IN_USE_EXIT, inUse);
  const system = runningSystem(scoped);
  if (system) {
    throw new BackupRefused(IN_USE_EXIT, `npm start is running on DATA_DIR=${dataDir} (pid ${system.pid}): stop it (Ctrl-C) and run this again. Nothing was written.`);
  }
}

function readManifest(from: string): Manifest {
  try {
    const manifest = JSON.parse(readFileSync(join(from, MANIFEST), 'utf8')) as Manifest;
    if (typeof manifest.files !== 'object' || manifest.files === null) throw new Error('no file list');
    return manifest;
  } catch (err) {
    throw new BackupRefused(NOT_USABLE_EXIT, `${from} has no readable ${MANIFEST} (${(err as Error).message}): not a backup made by npm run backup. Nothing was restored.`);
  }
}

/** SHA-256 of every file under `root`, by path relative to it. */
function digests(root: string, skip: string[] = []): Record<string, string> {
  const files: Record<string, string> = {};
  const walk = (dir: string) => {
    for (const name of readdirSync(dir).sort()) {
      const path = join(dir, name);
      const rel = relative(root, path);
      if (skip.includes(rel)) continue;
      if (statSync(path).isDirectory()) walk(path);
      else files[rel] = createHash('sha256').update(readFileSync(path)).digest('hex');
    }
  };
  if (existsSync(root)) walk(root);
  return files;
}
