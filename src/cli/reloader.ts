/**
 * Django's autoreloader for `runserver`: the server runs in a child process, and a change to a
 * source file of the project restarts it. A child that fails (a syntax error mid-edit) waits
 * for the next change instead of ending the session.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { watch } from 'node:fs';
import { fileURLToPath } from 'node:url';

const SOURCE = /\.(ts|tsx|mts|js|mjs|jsx|json)$/;
const IGNORED = /(^|\/)(node_modules|\.git)\//;
const BIN = fileURLToPath(new URL('../../bin/trove.js', import.meta.url));

/** Runs `trove <args>` in a child, again after every change under `root`, until SIGINT or SIGTERM. */
export async function runWithReloader(root: string, args: readonly string[]): Promise<number> {
  let child: ChildProcess | undefined;
  const start = () => {
    child = spawn(process.execPath, [BIN, ...args], { stdio: 'inherit' });
  };
  const stopChild = () =>
    new Promise<void>((resolve) => {
      if (child === undefined || child.exitCode !== null || child.signalCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
    });

  let timer: NodeJS.Timeout | undefined;
  const changed = new Set<string>();
  const watcher = watch(root, { recursive: true }, (_event, file) => {
    if (file === null || !SOURCE.test(file) || IGNORED.test(file)) return;
    changed.add(file);
    // Editors write a file in several steps: restart once they are done.
    clearTimeout(timer);
    timer = setTimeout(async () => {
      process.stdout.write(`${[...changed].join(', ')} changed, restarting.\n`);
      changed.clear();
      await stopChild();
      start();
    }, 150);
  });
  start();
  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  clearTimeout(timer);
  watcher.close();
  await stopChild();
  return 0;
}
