import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';
import { CONSOLE_DIST } from './serve';

/**
 * Bundles the console's browser code and style sheet into gateway/console/dist (git-ignored): one script and one
 * style sheet, everything they use inside them, so the page needs nothing from any other origin. Run by
 * `npm install` (postinstall) and by the console's test suites.
 */
export async function buildConsole(outdir = CONSOLE_DIST): Promise<Record<string, number>> {
  mkdirSync(outdir, { recursive: true });
  const result = await build({
    entryPoints: [join(__dirname, 'app', 'app.ts'), join(__dirname, 'app', 'app.css')],
    outdir,
    bundle: true,
    minify: true,
    format: 'iife',
    target: ['chrome120', 'firefox120', 'safari17'],
    charset: 'utf8',
    legalComments: 'none',
    metafile: true,
    logLevel: 'warning',
  });
  return Object.fromEntries(Object.entries(result.metafile.outputs).map(([file, out]) => [file.slice(file.lastIndexOf('/') + 1), out.bytes]));
}

if (require.main === module) {
  void buildConsole().then((sizes) => {
    for (const [file, bytes] of Object.entries(sizes)) console.log(`console: ${file} ${(bytes / 1024).toFixed(0)} KiB`);
  });
}
