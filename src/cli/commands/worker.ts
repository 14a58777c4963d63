/**
 * `trove worker`: carries out online operations. Run one per process, on as many machines as
 * you like, all pointing at one database: each operation is run by one worker at a time, and
 * taken over by another when its worker stops answering. On PostgreSQL the worker takes its work
 * from pg-boss's queue (loaded only there); elsewhere it polls Trove's tables.
 */
import type { Database } from '../../db/index.ts';
import { OperationWorker, type WorkerEvent, type WorkerOptions } from '../../deletion/index.ts';
import { engineFor } from '../../deletion/online/engine.ts';
import { UsageError, type Command } from '../command.ts';
import { openProject } from '../config.ts';
import { print, printError } from '../output.ts';

const NUMBERS = {
  'lease-ms': 'leaseMs',
  'poll-ms': 'pollMs',
  'target-batch-ms': 'targetBatchMs',
  'max-batch-size': 'maxBatchSize',
  'max-rows-per-second': 'maxRowsPerSecond',
  'lock-timeout-ms': 'lockTimeoutMs',
  'statement-timeout-ms': 'statementTimeoutMs',
  'max-lock-waiters': 'maxLockWaiters',
  'max-replication-lag-ms': 'maxReplicationLagMs',
  'slice-ms': 'sliceMs',
} as const;

const WHOLE = new Set(['max-batch-size', 'max-lock-waiters']);

export function workerOptions(values: Record<string, unknown>): WorkerOptions & { sliceMs?: number } {
  const options: Record<string, number> = {};
  for (const [flag, key] of Object.entries(NUMBERS)) {
    const given = values[flag];
    if (given === undefined) continue;
    const n = Number(given);
    if (!Number.isFinite(n) || n <= 0) throw new UsageError(`--${flag} takes a positive number, not '${String(given)}'.`);
    if (WHOLE.has(flag) && !Number.isInteger(n)) throw new UsageError(`--${flag} takes a whole number, not '${String(given)}'.`);
    if (flag === 'lease-ms' && n < 1000) throw new UsageError('--lease-ms takes 1000 or more: a shorter lease lapses between two batches, and the operation changes hands all the time.');
    options[key] = n;
  }
  return options;
}

export function describeEvent(event: WorkerEvent): string | undefined {
  const id = event.operationId.slice(0, 8);
  switch (event.kind) {
    case 'claimed': return `[${id}] claimed`;
    case 'batch': return `[${id}] batch: ${event.keys} keys, ${event.rows} rows in ${event.ms} ms (next ${event.nextSize})`;
    case 'split': return `[${id}] batch timed out, split to ${event.size}: ${event.error}`;
    case 'waiting': return `[${id}] waiting: ${event.reason}`;
    case 'failed-batch': return `[${id}] batch failed (${event.failures} in a row): ${event.error}`;
    case 'released': return `[${id}] ${event.state}`;
    case 'error': return `error: ${event.error} (trying again)`;
    case 'handed-on': return `[${id}] slice over: queued again for the next free worker`;
    case 'job-failed': return `[${id}] job failed, pg-boss retries it: ${event.error}`;
  }
}

export const worker: Command = {
  name: 'worker',
  summary: 'Carry out online deletes in batches (one per process; run as many as you like).',
  usage: 'trove worker [--once] [--quiet] [--max-rows-per-second N] [--target-batch-ms N] …',
  details: `
  --once                      run what is queued, then exit (a cron job, a test)
  --quiet                     log only what an operation ends in, not each batch
  --target-batch-ms N         how long a batch should take; its size follows (200)
  --max-batch-size N          root keys per batch at most (10000)
  --max-rows-per-second N     what all running operations together may delete per second
  --lock-timeout-ms N         how long a batch waits for a row lock before it is split (1000)
  --statement-timeout-ms N    how long one statement of a batch may run (5000)
  --max-lock-waiters N        wait while more sessions than this wait for locks (20)
  --max-replication-lag-ms N  wait while a replica is further behind (10000; PostgreSQL)
  --lease-ms N                a silent worker's operations are taken over after this (10000)
  --poll-ms N                 how often an idle worker looks for work (1000)
  --slice-ms N                PostgreSQL: how long one pg-boss job runs its operation before queuing the next (60000)`,
  options: {
    once: { type: 'boolean' },
    quiet: { type: 'boolean', short: 'q' },
    ...Object.fromEntries(Object.keys(NUMBERS).map((flag) => [flag, { type: 'string' as const }])),
  },
  positionals: { min: 0, max: 0 },
  async run({ values }) {
    const options = workerOptions(values);
    const { db } = await openProject(values.config as string | undefined);
    const stop = new AbortController();
    // The batch running now commits or rolls back; then the worker lets go of its operation.
    const onSignal = () => {
      if (stop.signal.aborted) process.exit(130);
      printError('Stopping after the current batch (again to quit at once).');
      stop.abort();
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
    const quiet = values.quiet === true;
    const onEvent = (event: WorkerEvent) => {
      if (quiet && event.kind === 'batch') return;
      const line = describeEvent(event);
      if (line !== undefined) print(`${new Date().toISOString()} ${line}`);
    };
    try {
      const w = await startWorker(db, { ...options, onEvent });
      print(`Worker ${w.owner} on ${db.dialect} (${w.engine})${values.once === true ? ', until nothing is queued' : ''}. Ctrl+C stops it after the current batch.`);
      try {
        if (values.once === true) await w.drain(stop.signal);
        else await w.serve(stop.signal);
      } finally {
        await w.stop();
      }
      return 0;
    } finally {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      await db.close();
    }
  },
};

export interface RunningWorker {
  owner: string;
  engine: string;
  drain(signal: AbortSignal): Promise<void>;
  serve(signal: AbortSignal): Promise<void>;
  stop(): Promise<void>;
}

/** The worker for the database's engine: pg-boss's jobs on PostgreSQL, Trove's tables polled elsewhere. */
export async function startWorker(db: Database, options: WorkerOptions & { sliceMs?: number }): Promise<RunningWorker> {
  if (engineFor(db).name === 'pg-boss') {
    const { PgBossWorker } = await import('../../deletion/online/pg-boss-worker.ts');
    const w = new PgBossWorker(db, options);
    await w.start();
    return { owner: w.owner, engine: 'pg-boss', drain: (s) => w.drain(s), serve: (s) => w.serve(s), stop: () => w.stop() };
  }
  const w = new OperationWorker(db, options);
  return { owner: w.owner, engine: 'built-in', drain: (s) => w.drain(s), serve: (s) => w.serve(s), stop: async () => {} };
}
