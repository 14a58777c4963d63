/**
 * The `trove` command line: `trove <command> [options]`. A command is a function from parsed
 * arguments to an exit code: 0 done, 1 failed, 2 bad arguments (one line saying why).
 */
import { inspect } from 'node:util';
import { SystemCheckError } from '../checks/index.ts';
import { FieldError, ValidationError } from '../orm/index.ts';
import { helpOf, parse, UsageError } from './command.ts';
import { commands } from './commands/index.ts';
import { ConfigError } from './config.ts';
import { troveManifest } from './manifest.ts';

export { defineConfig, loadProject, openProject, ConfigError, type TroveConfig, type Project } from './config.ts';
export { dumpObjects, loadObjects, type FixtureObject } from './fixtures.ts';
export type { Command } from './command.ts';

function usage(): string {
  const list = commands.map((c) => `  ${c.name.padEnd(18)}${c.summary}`).join('\n');
  return `Usage: trove <command> [options]\n\nCommands:\n${list}\n\nOptions:\n  --help        show this help (trove <command> --help for a command's)\n  --version     show Trove's version\n\nRun it in a project folder (one with trove.config.ts), or give --config PATH.\n`;
}

function version(): string {
  return troveManifest().version ?? 'unknown';
}

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(usage());
    return 0;
  }
  if (name === '--version' || name === '-v') {
    process.stdout.write(`${version()}\n`);
    return 0;
  }
  const command = commands.find((c) => c.name === name);
  if (command === undefined) {
    process.stderr.write(`trove: unknown command '${name}'. Run 'trove --help' for the list.\n`);
    return 2;
  }
  // Known before parsing, so that an error while parsing shows its stack too.
  const traceback = rest.includes('--traceback') || process.env.TROVE_DEBUG === '1';
  try {
    const args = parse(command, rest);
    if (args.values.help === true) {
      process.stdout.write(helpOf(command));
      return 0;
    }
    return await command.run(args);
  } catch (error) {
    // Bad input (a usage mistake, an unknown field in --where) is refused before any SQL runs.
    let code = 1;
    if (error instanceof UsageError || error instanceof FieldError || error instanceof ValidationError) {
      process.stderr.write(`trove ${name}: ${error.message}\n`);
      code = 2;
    } else if (error instanceof SystemCheckError) {
      process.stderr.write(`trove ${name}: SystemCheckError: ${error.message}\nFix these, or silence a check by its id (silencedChecks in trove.config.ts); --skip-checks runs the command anyway.\n`);
    } else if (error instanceof ConfigError) {
      process.stderr.write(`trove: ${error.message}\n`);
    } else {
      const err = error as Error;
      process.stderr.write(`trove ${name}: ${err.name}: ${err.message}\n`);
      if (!traceback) process.stderr.write(`(run it again with --traceback for the stack trace)\n`);
    }
    // The stack, and its causes' (inspect prints `[cause]`), as Django's --traceback.
    if (traceback) process.stderr.write(`${inspect(error)}\n`);
    return code;
  }
}
