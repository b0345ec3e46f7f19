import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Supergraph } from '@apollo/federation-internals';
import { build } from 'esbuild';
import { printSchema } from 'graphql';
import { CONSOLE_DIST } from './serve';

/**
 * Bundles the console's browser code and style sheet into gateway/console/dist (git-ignored): one script and one
 * style sheet, everything they use inside them, so the page needs nothing from any other origin. Run by
 * `npm install` (postinstall) and by the console's test suites.
 */
export async function buildConsole(outdir = CONSOLE_DIST): Promise<Record<string, number>> {
  mkdirSync(outdir, { recursive: true });
  const entryPoints = [join(__dirname, 'app', 'app.ts'), join(__dirname, 'app', 'app.css')];
  // GraphiQL and React are development dependencies: an install without them (--omit=dev) builds no explorer,
  // which production never serves anyway.
  if (installed('graphiql')) entryPoints.push(join(__dirname, 'app', 'explorer.ts'));
  const result = await build({
    entryPoints,
    outdir,
    bundle: true,
    minify: true,
    format: 'iife',
    target: ['chrome120', 'firefox120', 'safari17'],
    charset: 'utf8',
    legalComments: 'none',
    metafile: true,
    logLevel: 'warning',
    // The explorer's documentation in production, where the gateway answers no introspection.
    define: { 'process.env.NODE_ENV': '"production"', API_SCHEMA_SDL: JSON.stringify(apiSchemaSdl()) },
  });
  return Object.fromEntries(Object.entries(result.metafile.outputs).map(([file, out]) => [file.slice(file.lastIndexOf('/') + 1), out.bytes]));
}

/** The schema clients see: the composed supergraph without its federation machinery and inaccessible parts. */
function apiSchemaSdl(): string {
  const supergraph = Supergraph.build(readFileSync(join(__dirname, '..', '..', 'schema', 'supergraph.graphql'), 'utf8'));
  return printSchema(supergraph.apiSchema().toGraphQLJSSchema());
}

function installed(name: string): boolean {
  try {
    require.resolve(name);
    return true;
  } catch {
    return false;
  }
}

if (require.main === module) {
  void buildConsole().then((sizes) => {
    for (const [file, bytes] of Object.entries(sizes)) console.log(`console: ${file} ${(bytes / 1024).toFixed(0)} KiB`);
  });
}
