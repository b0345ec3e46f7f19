import { parseArgs, type ParseArgsConfig } from 'node:util';

/** Exit code of a refused command line (unknown command or option, missing or malformed value). */
export const USAGE_EXIT = 2;

type Options = NonNullable<ParseArgsConfig['options']>;

/**
 * An operator tool's command line, parsed strictly: one command, then only the options that command takes, each
 * `--name value`. Anything else (an unknown command or option, a stray argument, an option the command does not
 * take) ends the process with the reason and the usage, exit code 2, rather than being ignored.
 */
export class CommandLine<O extends Options & { help: { type: 'boolean' } }> {
  constructor(
    private readonly usage: string,
    private readonly options: O,
    /** The options each command takes. */
    private readonly allowed: Record<string, ReadonlyArray<keyof O>>,
  ) {}

  fail(message: string): never {
    console.error(`${message}\n\n${this.usage}`);
    process.exit(USAGE_EXIT);
  }

  /** The command and its options; null when `--help` was asked for (the usage is printed). */
  parse(args = process.argv.slice(2)) {
    let parsed;
    try {
      parsed = parseArgs({ args, options: this.options, allowPositionals: true, strict: true });
    } catch (err) {
      // node:util's message ("Unknown option '--expiry'. ..."), without its stack.
      return this.fail((err as Error).message);
    }
    const { positionals, values } = parsed;
    if ((values as { help?: boolean }).help) {
      console.log(this.usage);
      return null;
    }
    const command = positionals[0];
    const commands = Object.keys(this.allowed);
    if (command === undefined) this.fail(`Say what to do: ${commands.slice(0, -1).join(', ')} or ${commands.at(-1)}`);
    if (!commands.includes(command)) this.fail(`Unknown command "${command}"`);
    if (positionals.length > 1) this.fail(`Unexpected argument "${positionals[1]}" (give one command, options as --name value)`);
    const misplaced = Object.keys(values).find((o) => o !== 'help' && !this.allowed[command]!.includes(o));
    if (misplaced) this.fail(`${command} takes no --${misplaced}`);
    return { command, values };
  }
}
