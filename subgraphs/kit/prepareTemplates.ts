/**
 * `npm run prepare:embedded` (also run after `npm install`): builds the pre-built embedded databases a first
 * `npm start` copies (template.ts), so that start does not create a cluster and load the demo population itself.
 * Each authority's database is made exactly as its subgraph makes it at start (openSubgraphDatabase), in a
 * throwaway DATA_DIR, with the same environment (SEED, SEED_PERSONS, SEED_AS_OF decide which template).
 *
 * Best effort: templates are only a shortcut, so a failure here (no cache directory, templates turned off) is
 * reported and leaves the install intact; the first start then builds what it needs.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Authority } from '../../runtime/authority';
import { DEFAULT_PORTS } from '../../runtime/ports';
import { baseTemplate, emptyClusterImage, templateCacheDir } from './template';

const AUTHORITIES = Object.keys(DEFAULT_PORTS) as Authority[];

/** One authority, in a child process (its own PGlite instance, and the 2 cores used in parallel). */
async function prepareOne(authority: Authority): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), `residence-card-${authority}-`));
  try {
    // Loaded here, in the child only: the parent needs none of it.
    const { migrations } = require(`../${authority}/migrations`) as typeof import('../immigration/migrations');
    const { openSubgraphDatabase } = require('./main') as typeof import('./main');
    const { createMetrics } = require('../../runtime/metrics') as typeof import('../../runtime/metrics');
    const env = { ...process.env, DATA_DIR: dataDir };
    const db = await openSubgraphDatabase(authority, migrations, env, createMetrics(authority).dbStatements);
    await db.destroy();
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}

const [only] = process.argv.slice(2);

async function main(): Promise<void> {
  if (only) return prepareOne(only as Authority);

  const cacheDir = templateCacheDir();
  const embedded = AUTHORITIES.filter((a) => !process.env[`${a.toUpperCase()}_DATABASE_URL`]);
  if (!cacheDir || embedded.length === 0) return;
  const started = Date.now();
  console.log('Preparing the embedded databases for a fast first `npm start` ...');
  // The empty cluster first, once; then the three authorities side by side.
  if (!(await baseTemplate(cacheDir))) throw new Error(`could not create an empty cluster under ${cacheDir}`);
  // And its image, from which the test suites' in-memory databases start.
  const image = emptyClusterImage(cacheDir);
  const results = await Promise.all(
    embedded.map(
      (authority) =>
        new Promise<string | undefined>((resolve) => {
          const child = spawn(process.execPath, ['--import', 'tsx', __filename, authority], { stdio: ['ignore', 'ignore', 'pipe'] });
          let stderr = '';
          child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
          child.once('exit', (code) => resolve(code === 0 ? undefined : `${authority}: ${stderr.trim().split('\n').slice(-3).join(' ')}`));
        }),
    ),
  );
  if (!(await image)) results.push('the empty cluster image could not be made');
  const failures = results.filter((r): r is string => r !== undefined);
  if (failures.length > 0) throw new Error(failures.join('; '));
  console.log(`Embedded databases ready in ${((Date.now() - started) / 1000).toFixed(1)} s (${cacheDir}).`);
}

void main().catch((err: Error) => {
  if (only) {
    console.error(err.stack ?? err.message);
    process.exit(1);
  }
  console.warn(`Embedded databases not prepared (${err.message}); the first \`npm start\` creates them instead.`);
  // Not an install failure: exit 0 when run as the postinstall step, 1 when asked for explicitly.
  process.exit(process.env.npm_lifecycle_event === 'postinstall' ? 0 : 1);
});
