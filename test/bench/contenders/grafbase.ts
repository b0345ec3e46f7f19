/**
 * Peer: the Grafbase Gateway (Rust), run as `grafbase dev` from the CLI's Linux binary package
 * (`@grafbase/cli-x86_64-unknown-linux-musl`, installed in test/bench/peers). `grafbase dev` composes the three
 * subgraphs' SDL files itself, offline, and serves the composed graph on /graphql.
 *
 * Its configuration, grafbase.toml, is written at start beside the contender's log: each subgraph's URL, the
 * path of its SDL (the same text the subgraph serves, loadSubgraphSdl) and one header rule that sends the
 * subgraph a pre-signed principal in `x-principal`. Header rules are static (no code runs per request), so the
 * rule cannot pick a token by the `x-bench-caller` header as the JavaScript peers do: it forwards the
 * `x-principal-<subgraph>` client header renamed to `x-principal`, and when the client sends none (the officer,
 * the caller of the unified and batch scenarios) it inserts the officer's principal. The benchmark client sends
 * the other callers' pre-signed principals in those headers (scenarios.ts, headersFor).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Authority } from '../../../runtime/authority';
import { loadSubgraphSdl } from '../../../subgraphs/kit/subgraphSchema';
import { forwardedPrincipalHeader, PRINCIPAL_HEADER, type PrincipalTokens } from '../principals';
import { AUTHORITIES, ROOT } from '../stack';

const PACKAGE = '@grafbase/cli-x86_64-unknown-linux-musl';
export const GRAFBASE_BIN = join(__dirname, '..', 'peers', 'node_modules', ...PACKAGE.split('/'), 'grafbase');

/** A TOML basic string: the tokens, URLs and paths are ASCII, for which a JSON string is one. */
const str = (s: string) => JSON.stringify(s);

/** Writes grafbase.toml and the subgraphs' SDL files into `dir`; returns the configuration's path. */
export function writeGrafbaseConfig(dir: string, subgraphUrls: Record<Authority, string>, principalsFile: string): string {
  mkdirSync(dir, { recursive: true });
  const tokens = JSON.parse(readFileSync(principalsFile, 'utf8')) as PrincipalTokens;
  const lines: string[] = ['# Written by test/bench/contenders/grafbase.ts for one benchmark run.'];
  for (const a of AUTHORITIES) {
    const sdl = join(dir, `${a}.graphql`);
    writeFileSync(sdl, loadSubgraphSdl(join(ROOT, 'subgraphs', a, 'schema.graphql')));
    lines.push(
      '',
      `[subgraphs.${a}]`,
      `url = ${str(subgraphUrls[a])}`,
      `schema_path = ${str(sdl)}`,
      '',
      `[[subgraphs.${a}.headers]]`,
      'rule = "forward"',
      `name = ${str(forwardedPrincipalHeader(a))}`,
      `rename = ${str(PRINCIPAL_HEADER)}`,
      `default = ${str(tokens.officer[a])}`,
    );
  }
  const config = join(dir, 'grafbase.toml');
  // It holds the officer's principals: readable by this user only, as the principals file is.
  writeFileSync(config, lines.join('\n') + '\n', { mode: 0o600 });
  return config;
}

/**
 * Starts the binary itself, not through a Node wrapper, so that the pid whose CPU the benchmark reads from
 * /proc/<pid>/stat is the gateway's: `grafbase dev` serves from this one process (it forks no children).
 */
export function spawnGrafbase(config: string, port: number, logFile: string): ChildProcess {
  if (!existsSync(GRAFBASE_BIN)) throw new Error(`${PACKAGE} is not installed in test/bench/peers (it exists for Linux on x86-64 only)`);
  const log = openSync(logFile, 'a');
  return spawn(GRAFBASE_BIN, ['dev', '-c', config, '-p', String(port)], {
    cwd: join(config, '..'),
    env: { ...process.env, NO_COLOR: '1' },
    stdio: ['ignore', log, log],
  });
}
