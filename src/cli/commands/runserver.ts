/**
 * `trove runserver [host:]port`: the project's URLs over HTTP. With the config's `debug: true`
 * it is the development server (details on error pages, this machine's names as allowed hosts,
 * restarts on changes). `--no-debug` serves as in production: debug off whatever the config
 * says, one process, and it refuses to start without a secret key of the site's own or without
 * allowedHosts, as it does whenever the config's debug is off.
 */
import type { Server } from 'node:http';
import { dirname } from 'node:path';
import { serve } from '@hono/node-server';
import { redactUrl, type Database } from '../../db/index.ts';
import { createApp } from '../../web/index.ts';
import { UsageError, type Command } from '../command.ts';
import { ConfigError, findConfig, openProject } from '../config.ts';
import { checkBeforeStart } from '../checks.ts';
import { httpsSettings } from '../https-settings.ts';
import { assertReadyToServe } from '../deploy.ts';
import { unappliedMigrationsWarning } from '../migrations.ts';
import { portInUse } from '../ports.ts';
import { logRequests } from '../request-log.ts';
import { runWithReloader } from '../reloader.ts';
import { print, printError } from '../output.ts';
import { describeEvent, startWorker } from './worker.ts';
import { hasOperationsTable } from '../../deletion/online/in-flight.ts';

export function parseAddress(text: string | undefined): { host: string; port: number } {
  if (text === undefined) return { host: '127.0.0.1', port: 8000 };
  const match = /^(?:(.+):)?(\d{1,5})$/.exec(text);
  const port = Number(match?.[2]);
  if (match === null || port > 65535) throw new UsageError(`'${text}' is not a port or host:port.`);
  return { host: match[1] ?? '127.0.0.1', port };
}

function inUse(host: string, port: number): string {
  return `port ${port} on ${host} is in use: trove runserver ${port + 1}`;
}

export const runserver: Command = {
  name: 'runserver',
  summary: "Serve the project's URLs over HTTP (default 127.0.0.1:8000) until Ctrl+C.",
  usage: 'trove runserver [host:]port [--noreload] [--no-debug] [--skip-checks] [--worker | --no-worker]',
  details: `
  --noreload        do not restart when a source file of the project changes
  --no-debug        serve as in production: debug off, no restarts; needs TROVE_SECRET_KEY (a
                    secret of the site's own, 50 characters or more) and allowedHosts (or
                    TROVE_ALLOWED_HOSTS)
  --skip-checks     start without running the system checks (trove check)
  --no-worker       do not carry out online deletes in the server's process (it does by default
                    with debug on; run \`trove worker\` beside it instead)
  --worker          carry them out in the server's process with debug off too`,
  options: { noreload: { type: 'boolean' }, 'no-debug': { type: 'boolean' }, 'skip-checks': { type: 'boolean' }, worker: { type: 'boolean' }, 'no-worker': { type: 'boolean' } },
  positionals: { min: 0, max: 1 },
  async run({ values, positionals }) {
    const { host, port } = parseAddress(positionals[0]);
    // A taken port is one line and exit 1, in both modes, before anything else starts.
    if (port !== 0 && (await portInUse(host, port))) {
      printError(inUse(host, port));
      return 1;
    }
    const production = values['no-debug'] === true;
    if (values.noreload !== true && !production) {
      const configPath = findConfig(values.config as string | undefined);
      const passed = ['skip-checks', 'worker', 'no-worker'].filter((flag) => values[flag] === true).map((flag) => `--${flag}`);
      return runWithReloader(dirname(configPath), ['runserver', ...positionals, '--noreload', '--config', configPath, ...passed]);
    }
    const { project, db } = await openProject(values.config as string | undefined);
    const { urls, layout } = project.config;
    const debug = !production && project.config.debug === true;
    try {
      if (urls === undefined) throw new ConfigError(`runserver needs 'urls' in ${project.configPath}.`);
      if (project.secretKey === undefined && debug) throw new ConfigError(`runserver needs 'secretKey' in ${project.configPath} (or TROVE_SECRET_KEY).`);
      if (!debug) assertReadyToServe(project);
      if (values['skip-checks'] !== true) await checkBeforeStart(project);
      const unapplied = await unappliedMigrationsWarning(project, db);
      if (unapplied !== undefined) printError(unapplied);
    } catch (error) {
      await db.close();
      throw error;
    }
    const app = createApp({
      urls: typeof urls === 'function' ? await urls() : urls,
      secretKey: project.secretKey!,
      allowedHosts: project.allowedHosts,
      ...httpsSettings(project.config),
      ...(layout === undefined ? {} : { layout }),
      debug,
    });
    const server = serve({ fetch: app.fetch, hostname: host, port });
    logRequests(server as Server);
    const listening = await new Promise<boolean>((resolve, reject) => {
      server.once('listening', () => resolve(true));
      server.once('error', (error: NodeJS.ErrnoException) => (error.code === 'EADDRINUSE' ? resolve(false) : reject(error)));
    });
    if (!listening) {
      // Taken between the check and now.
      printError(inUse(host, port));
      await db.close();
      return 1;
    }
    const address = server.address();
    const actualPort = typeof address === 'object' && address !== null ? address.port : port;
    const mode = debug ? '' : ', without debug';
    print(`Trove is serving ${project.root} at http://${host.includes(':') ? `[${host}]` : host}:${actualPort}/ (database ${redactUrl(project.databaseUrl)}${mode}). Quit with Ctrl+C.`);
    // In development, online deletes (the admin's "Delete in the background") run here, with no
    // second command to remember; a worker elsewhere shares the work through the same leases.
    const withWorker = values['no-worker'] !== true && (debug || values.worker === true);
    const workerStop = new AbortController();
    const working = withWorker ? serveOperations(db, workerStop.signal) : Promise.resolve();
    await new Promise<void>((resolve) => {
      const stop = () => {
        workerStop.abort();
        server.close(() => resolve());
      };
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
      // Under the reloader: a reloader that died without stopping this server (kill -9) must not
      // leave it serving old code. The channel only listens; it must not keep this process alive.
      process.once('disconnect', stop);
      process.channel?.unref();
    });
    await working;
    await db.close();
    return 0;
  },
};

/** A worker inside the server's process; one that cannot start (pg-boss's schema not migrated) is a warning, not a server down. */
async function serveOperations(db: Database, signal: AbortSignal): Promise<void> {
  try {
    if (!(await hasOperationsTable(db))) {
      printError('[worker] online deletes are not carried out in this process: the database has no trove_operation table (run `trove migrate`, then restart).');
      return;
    }
    const worker = await startWorker(db, {
      onEvent: (event) => {
        const line = event.kind === 'batch' ? undefined : describeEvent(event);
        if (line !== undefined) print(`[worker] ${line}`);
      },
    });
    try {
      await worker.serve(signal);
    } finally {
      await worker.stop();
    }
  } catch (error) {
    printError(`[worker] online deletes are not carried out in this process: ${error instanceof Error ? error.message : String(error)} (run \`trove migrate\`, then restart; or run \`trove worker\`).`);
  }
}
