/**
 * Django's autoreloader for `runserver`: the server runs in a child process, and a change to a
 * source file of the project restarts it (see source-watcher.ts for how files are watched). A
 * child that fails (a syntax error mid-edit, a database that does not answer) is reported as
 * stopped, and the next change starts it again.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { printError } from './output.ts';
import { SourceWatcher } from './source-watcher.ts';

const BIN = fileURLToPath(new URL('../../bin/trove.js', import.meta.url));
/** Editors write a file in several steps (a temporary file, a rename, a chmod): restart once they are done. */
const SETTLE_MS = 150;

/** Runs `trove <args>` in a child, again after every change under `root`, until SIGINT or SIGTERM. */
export async function runWithReloader(root: string, args: readonly string[]): Promise<number> {
  let child: ChildProcess | undefined;
  let stopping = false;
  // Children this reloader stopped: their exit is not a failure to report.
  const stoppedByUs = new WeakSet<ChildProcess>();
  const start = () => {
    // The channel closes when this process dies, however it dies: the server then stops (see runserver).
    const started = spawn(process.execPath, [BIN, ...args], { stdio: ['inherit', 'inherit', 'inherit', 'ipc'] });
    started.once('exit', (code, signal) => {
      // Stopped by us (a restart, Ctrl+C) or by a signal from outside: nothing to say.
      if (stopping || started !== child || stoppedByUs.has(started) || signal !== null || code === 0) return;
      printError(`The server stopped (exit code ${code}): see the error above. Waiting for a change to a source file to start it again; Ctrl+C quits.`);
    });
    child = started;
  };
  const stopChild = () =>
    new Promise<void>((resolve) => {
      const running = child;
      if (running === undefined || running.exitCode !== null || running.signalCode !== null) return resolve();
      running.once('exit', () => resolve());
      stoppedByUs.add(running);
      running.kill('SIGTERM');
    });

  // Restarts one after another: a change that comes while one runs waits for it.
  let restarts = Promise.resolve();
  let timer: NodeJS.Timeout | undefined;
  const changed = new Set<string>();
  const watcher = new SourceWatcher(root, (file) => {
    changed.add(file);
    clearTimeout(timer);
    timer = setTimeout(() => {
      const files = [...changed];
      changed.clear();
      restarts = restarts.then(async () => {
        if (stopping) return;
        process.stdout.write(`${files.join(', ')} changed, restarting.\n`);
        await stopChild();
        if (!stopping) start();
      });
    }, SETTLE_MS);
  });
  start();
  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  stopping = true;
  clearTimeout(timer);
  watcher.close();
  await restarts;
  await stopChild();
  return 0;
}
