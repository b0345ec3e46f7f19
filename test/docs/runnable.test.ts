import { execFile } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { isDeepStrictEqual, promisify } from 'node:util';
import { ROOT, startSystem, type StartedSystem } from '../system';

/**
 * Every shell block of README.md and docs/*.md fenced as ```sh runnable is run, as written, against a system
 * started by `npm start`: a broken example fails here. The blocks of a file run in order in one shell (a block
 * may use what an earlier one set, like $TOKEN). A block followed by a ```json output block must print that
 * JSON; any other block fails when it exits non-zero or prints a GraphQL answer with errors.
 *
 * The shell gets DATA_DIR and nothing else of the system (no *_PORT): the commands find it through
 * DATA_DIR/ports.json, as they do after `npm start`. The documents speak of the default ports; they are
 * rewritten to the ones this system listens on.
 */
export interface RunnableBlock {
  file: string;
  line: number;
  code: string;
  /** The ```json output block that follows it, parsed. */
  expected?: unknown;
}

const FENCE = /^```(.*)$/;

/** The runnable blocks of a Markdown text, with the output each one is documented to print. */
export function runnableBlocks(file: string, markdown: string): RunnableBlock[] {
  const lines = markdown.split('\n');
  const blocks: RunnableBlock[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = FENCE.exec(lines[i]!);
    if (!open) continue;
    const info = open[1]!.trim().split(/\s+/);
    const start = i;
    const body: string[] = [];
    for (i++; i < lines.length && !/^```\s*$/.test(lines[i]!); i++) body.push(lines[i]!);
    if (info[0] === 'sh' && info.includes('runnable')) blocks.push({ file, line: start + 1, code: body.join('\n') });
    else if (info[0] === 'json' && info.includes('output')) {
      const last = blocks.at(-1);
      if (!last || last.expected !== undefined) throw new Error(`${file}:${start + 1}: a json output block with no runnable block before it`);
      last.expected = JSON.parse(body.join('\n'));
    }
  }
  return blocks;
}

const DOCUMENTS = ['README.md', ...readdirSync(join(ROOT, 'docs')).filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`)];
const withBlocks = DOCUMENTS.map((file) => ({ file, blocks: runnableBlocks(file, readFileSync(join(ROOT, file), 'utf8')) })).filter(
  (d) => d.blocks.length > 0,
);

let system: StartedSystem;

beforeAll(async () => {
  system = await startSystem();
});

afterAll(async () => {
  await system?.stop();
});

test('the README has runnable blocks, its first query among them, with the output it shows', () => {
  const readme = withBlocks.find((d) => d.file === 'README.md');
  expect(readme?.blocks[0]?.code).toContain('person(myNumber:');
  expect(readme?.blocks[0]?.expected).toEqual({ data: { person: expect.objectContaining({ cardArrangement: 'SPECIFIC_CARD' }) } });
});

test('a block that fails or answers with errors is found out', () => {
  const [failing, erring] = runnableBlocks('x.md', '```sh runnable\nfalse\n```\n\n```sh runnable\necho x\n```\n```json output\n{"data":1}\n```\n');
  expect(failing).toEqual({ file: 'x.md', line: 1, code: 'false' });
  expect(erring).toEqual({ file: 'x.md', line: 5, code: 'echo x', expected: { data: 1 } });
  expect(problemsOf(erring!, 'x\n')).toEqual([`x.md:5 printed no JSON; expected {"data":1}`]);
  expect(problemsOf(failing!, '{"errors":[{"message":"no"}]}\n')).toEqual(['x.md:1 answered with errors: {"errors":[{"message":"no"}]}']);
});

test('every document in docs/ is reached from the README, and every relative link leads to a file', () => {
  const text = (file: string) => readFileSync(join(ROOT, file), 'utf8');
  // A document is reached by a link or by its path in backticks, from the README or a document reached before.
  const reached = new Set(['README.md']);
  for (let grew = true; grew; ) {
    grew = false;
    for (const file of DOCUMENTS.filter((d) => !reached.has(d))) {
      const name = file.slice('docs/'.length);
      const from = [...reached].some((r) => {
        const t = text(r);
        return t.includes(`](${r === 'README.md' ? file : name})`) || t.includes(`\`${file}\``);
      });
      if (from) reached.add(file), (grew = true);
    }
  }
  expect(DOCUMENTS.filter((d) => !reached.has(d))).toEqual([]);
  const broken = DOCUMENTS.flatMap((file) =>
    [...text(file).matchAll(/\]\(([^)#\s]+)(?:#[^)]*)?\)/g)]
      .map((m) => m[1]!)
      .filter((target) => !/^[a-z]+:/.test(target))
      .filter((target) => !existsSync(join(ROOT, dirname(file), target)))
      .map((target) => `${file} -> ${target}`),
  );
  expect(broken).toEqual([]);
});

test.each(withBlocks.map((d) => [d.file, d.blocks] as const))('%s: every runnable block works as written', async (file, blocks) => {
  const script = ['set -euo pipefail', ...blocks.flatMap((b, i) => [`printf '\\n::block ${i}\\n'`, rewritePorts(b.code)])].join('\n');
  const env: NodeJS.ProcessEnv = { ...process.env, DATA_DIR: system.dataDir };
  for (const name of Object.keys(env)) if (/_PORT$|_URL$/.test(name) || name === 'NODE_ENV') delete env[name];
  const { stdout, stderr, code } = await promisify(execFile)('bash', ['-c', script], { cwd: ROOT, env, timeout: 120_000 }).then(
    (r) => ({ ...r, code: 0 }),
    (err: { stdout: string; stderr: string; code: number }) => err,
  );
  const outputs = stdout.split(/\n::block \d+\n/).slice(1);
  const problems: string[] = [];
  if (code !== 0) {
    const at = blocks[outputs.length - 1];
    problems.push(`${file}:${at?.line} exited with ${code}\n${stderr.slice(-2000)}`);
  }
  outputs.forEach((out, i) => problems.push(...problemsOf(blocks[i]!, out)));
  expect(problems).toEqual([]);
  expect(outputs).toHaveLength(blocks.length);
});

/** What is wrong with what a block printed: not the JSON it documents, or a GraphQL answer with errors. */
function problemsOf(block: RunnableBlock, out: string): string[] {
  const answers = out
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .flatMap((l) => {
      try {
        return [JSON.parse(l) as Record<string, unknown>];
      } catch {
        return [];
      }
    });
  const where = `${block.file}:${block.line}`;
  if (block.expected !== undefined) {
    const last = answers.at(-1);
    if (last === undefined) return [`${where} printed no JSON; expected ${JSON.stringify(block.expected)}`];
    return isDeepStrictEqual(last, block.expected) ? [] : [`${where} printed ${JSON.stringify(last)}; expected ${JSON.stringify(block.expected)}`];
  }
  return answers.filter((a) => a.errors !== undefined).map((a) => `${where} answered with errors: ${JSON.stringify(a)}`);
}

/** The documents' default ports, as this system's. */
function rewritePorts(code: string): string {
  const ports: Record<string, number> = {
    4000: system.ports.gateway,
    4001: system.ports.mynumber,
    4002: system.ports.registry,
    4003: system.ports.immigration,
    9400: system.ports.gatewayMetrics,
  };
  return code.replace(/\blocalhost:(4000|4001|4002|4003|9400)\b/g, (_, port: string) => `localhost:${ports[port]}`);
}
