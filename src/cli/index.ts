/** The `trove` command line. Each command is a function from arguments to an exit code. */
import { readFileSync } from 'node:fs';

export type Command = (args: string[]) => Promise<number>;

const commands: Record<string, { summary: string; run: Command }> = {};

function usage(): string {
  const names = Object.keys(commands);
  const list = names.length === 0
    ? '  (no commands yet: shell, migrate, delete, restore and purge arrive with their issues)'
    : names.map((n) => `  ${n.padEnd(16)}${commands[n]!.summary}`).join('\n');
  return `Usage: trove <command> [options]\n\nCommands:\n${list}\n\nOptions:\n  --help        show this help\n  --version     show Trove's version\n`;
}

function version(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
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
  const command = commands[name];
  if (command === undefined) {
    process.stderr.write(`trove: unknown command '${name}'. Run 'trove --help' for the list.\n`);
    return 2;
  }
  return command.run(rest);
}
