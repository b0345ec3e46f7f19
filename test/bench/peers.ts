/**
 * The peer gateways and the load generator (autocannon) live in their own package, test/bench/peers, so the
 * project's own dependencies stay free of them: installed on first use, their versions reported.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './stack';

const PEERS = join(__dirname, 'peers');

/** Installs the peers' package on first use (and again when its lockfile changes). */
export function ensurePeers(): void {
  const lock = join(PEERS, 'package-lock.json');
  const installedLock = join(PEERS, 'node_modules', '.package-lock.json');
  const wanted = JSON.parse(readFileSync(join(PEERS, 'package.json'), 'utf8')) as { dependencies: Record<string, string> };
  const missing = Object.entries(wanted.dependencies).filter(([name, version]) => {
    const file = join(PEERS, 'node_modules', name, 'package.json');
    return !existsSync(file) || (JSON.parse(readFileSync(file, 'utf8')) as { version: string }).version !== version;
  });
  if (missing.length === 0 && existsSync(installedLock)) return;
  console.log(`Installing the benchmark peers into test/bench/peers (${missing.map(([n]) => n).join(', ') || 'lockfile changed'}; once, ~500 MB)...`);
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const args = existsSync(lock) ? ['ci', '--prefix', PEERS] : ['install', '--prefix', PEERS];
  const r = spawnSync(npm, [...args, '--no-audit', '--no-fund', '--loglevel=error'], { stdio: 'inherit', cwd: ROOT });
  if (r.status !== 0) throw new Error('npm could not install the benchmark peers (test/bench/peers)');
}

/** The installed versions of the peers and of the libraries this gateway builds on, for the report. */
export function peerVersions(): Record<string, string> {
  const version = (dir: string, name: string) => {
    try {
      return (JSON.parse(readFileSync(join(dir, 'node_modules', name, 'package.json'), 'utf8')) as { version: string }).version;
    } catch {
      return 'not installed';
    }
  };
  return {
    '@apollo/gateway': version(ROOT, '@apollo/gateway'),
    '@apollo/server': version(ROOT, '@apollo/server'),
    '@graphql-hive/gateway': version(PEERS, '@graphql-hive/gateway'),
    '@graphql-hive/gateway-runtime': version(PEERS, '@graphql-hive/gateway-runtime'),
    '@graphql-hive/router-runtime': version(PEERS, '@graphql-hive/router-runtime'),
    '@graphql-hive/router-query-planner': version(PEERS, '@graphql-hive/router-query-planner'),
    // The Grafbase CLI (`grafbase dev`, the grafbaseRust peer): one binary per platform, this one for Linux on x86-64.
    '@grafbase/cli-x86_64-unknown-linux-musl': version(PEERS, '@grafbase/cli-x86_64-unknown-linux-musl'),
    autocannon: version(PEERS, 'autocannon'),
  };
}
