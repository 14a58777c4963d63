/**
 * What a command is: a name, its usage, its options for node:util's parseArgs, and a function
 * from the parsed arguments to an exit code. Bad arguments are a UsageError: one line, exit 2.
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';

export type Options = NonNullable<ParseArgsConfig['options']>;

export interface Parsed {
  values: Record<string, string | boolean | string[] | undefined>;
  positionals: string[];
}

export interface Command {
  name: string;
  summary: string;
  /** `trove delete <app.Model> --where field=value … [--dry-run]` */
  usage: string;
  /** Lines under the usage in `trove <command> --help`, one per option. */
  details?: string;
  options?: Options;
  /** How many positional arguments the command takes. */
  positionals?: { min: number; max: number };
  run(args: Parsed): Promise<number>;
}

export class UsageError extends Error {
  override name = 'UsageError';
}

/** Options every project command takes. */
export const PROJECT_OPTIONS: Options = {
  config: { type: 'string' },
  traceback: { type: 'boolean' },
};

export function helpOf(command: Command): string {
  const details = command.details === undefined ? '' : `\n${command.details.replace(/^\n+|\n+$/g, '')}\n`;
  return `Usage: ${command.usage}\n\n${command.summary}\n${details}\n  --config PATH     the project's trove.config.ts (default: ./trove.config.ts)\n  --traceback       on an error, print its stack trace (and its causes'), not only its message\n  --help            show this help\n`;
}

export function parse(command: Command, argv: string[]): Parsed {
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({ args: argv, options: { ...PROJECT_OPTIONS, ...command.options, help: { type: 'boolean' } }, allowPositionals: true, strict: true });
  } catch (error) {
    throw new UsageError((error as Error).message.replace(/\. To specify a positional argument.*$/s, '.'));
  }
  const { min, max } = command.positionals ?? { min: 0, max: 0 };
  const n = parsed.positionals.length;
  if (parsed.values.help !== true) {
    if (n < min) throw new UsageError(`missing argument: ${command.usage}`);
    if (n > max) throw new UsageError(`unexpected argument '${parsed.positionals[max]}': ${command.usage}`);
  }
  return parsed as Parsed;
}
