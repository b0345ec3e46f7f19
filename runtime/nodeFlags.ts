/**
 * Node's own flags for each process, by the script it runs. They go on the command line (`npm start`'s
 * supervisor, docker/compose.yaml, deploy/base), not in NODE_OPTIONS, which refuses `--min-semi-space-size` and
 * `--single-threaded-gc`; test/deploy checks that every place that starts a process gives it these.
 *
 * Every process collects its garbage on its own thread (`--single-threaded-gc`). By default V8 hands parts of each
 * collection to helper threads (marking while JavaScript runs, scavenging in parallel) and the main thread waits
 * for them to finish. Where processes share cores (the four processes and PostgreSQL on two cores, as measured;
 * containers under a CPU quota share their host's), a helper often has no core when it is needed, and a request
 * waits for a thread that is not running. A collection then takes the main thread longer on an idle machine, but
 * never waits for another thread (docs/disclosure-control.md).
 *
 * The two authorities that answer statistics (the ISA and the resident registry) write a table of up to some
 * 13,000 cells, about 3 MB of JSON, in one go, and the cell objects and numbers they make for it live until it is
 * written. V8's young generation starts at 1 MB and grows only as a process keeps allocating, so after a start
 * one large answer was collected several times while being written: its live cells copied, then promoted, and the
 * old generation marked and compacted for them (pauses of 8-14 ms in the middle of an answer). With semi-spaces of
 * 64 MB from the start, the garbage of dozens of large answers dies young between two collections. The cost is up
 * to 128 MB more resident memory per process, within the limits deploy/base sets (768 MiB).
 *
 * Without the memory reducer: V8 starts it when a process seems idle, and it ends in a compacting collection. A
 * writer asked little (the registry, while the ISA's tables are asked) seemed idle, so those pauses landed in its
 * next answers (docs/disclosure-control.md).
 */
const EVERY_PROCESS: readonly string[] = ['--single-threaded-gc'];

const STATISTICS_WRITER: readonly string[] = [...EVERY_PROCESS, '--min-semi-space-size=64', '--max-semi-space-size=64', '--no-memory-reducer'];

const NODE_FLAGS: Readonly<Record<string, readonly string[]>> = {
  'gateway/index.ts': EVERY_PROCESS,
  'subgraphs/immigration/index.ts': STATISTICS_WRITER,
  'subgraphs/registry/index.ts': STATISTICS_WRITER,
  'subgraphs/mynumber/index.ts': EVERY_PROCESS,
};

/** The flags `node` is given before running `script` (a path from the repository root). */
export function nodeFlagsOf(script: string): readonly string[] {
  return NODE_FLAGS[script] ?? [];
}
