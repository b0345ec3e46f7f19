import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { parse, type DocumentNode } from 'graphql';

// A subgraph names the shared SDL files it declares (schema/shared/) in `# include <path>` lines at the top of its
// schema.graphql, the path relative to that file. The list lives in the SDL rather than in server.ts because the
// server, the composition script and the schema tests all start from the file alone: none of them has to import a
// server (and its database) to learn which types a subgraph declares.
const INCLUDE = /^# include (\S+)$/gm;

/** The shared SDL files a subgraph's schema.graphql includes, as absolute paths, in the order it names them. */
export function includedSchemaFiles(schemaPath: string): string[] {
  const own = readFileSync(schemaPath, 'utf8');
  return [...own.matchAll(INCLUDE)].map((m) => resolve(dirname(schemaPath), m[1]));
}

/** A subgraph's whole SDL: its own schema.graphql followed by every shared file it includes. */
export function loadSubgraphSdl(schemaPath: string): string {
  const own = readFileSync(schemaPath, 'utf8');
  return [own, ...includedSchemaFiles(schemaPath).map((path) => readFileSync(path, 'utf8'))].join('\n');
}

/** The parsed loadSubgraphSdl: what the subgraph serves and what composition reads. */
export function loadSubgraphSchema(schemaPath: string): DocumentNode {
  return parse(loadSubgraphSdl(schemaPath));
}
