/**
 * A worker on PostgreSQL: fetches operations' jobs from pg-boss and runs each for one time slice
 * through Trove's lease (`OperationWorker.claim(id)` / `run`). The job engine decides who is
 * woken and retries a job whose handler failed; Trove's tables decide everything else. A job
 * whose operation is finished, paused, or held by another live worker does nothing: a job
 * delivered twice runs its operation once.
 *
 * Why slices: a job active for hours would tell pg-boss nothing (is its worker alive?) and
 * would outlive any expiry. So a job runs its operation for `sliceMs` (a minute), then lets go
 * of the lease and queues the operation's next job, which the first free worker fetches; many
 * operations on few workers take turns.
 *
 * How a worker killed with SIGKILL is taken over: not through pg-boss's expiry (its maintenance
 * runs every couple of minutes and a job's expiry must cover a whole slice, so that would take
 * minutes), but through the safety net of the built-in runner: every worker sweeps, each half
 * lease, for runnable operations whose lease lapsed or is free, and queues their job again. A
 * dead worker's operation is therefore running again within its lease (`leaseMs`, 10 s) plus a
 * sweep. Its dead job is left to pg-boss's expiry; delivered again, it finds the operation held
 * (or done) and does nothing. The sweep also covers a job that ran out of retries.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type PgBoss from 'pg-boss';
import { atomic, type Database } from '../../db/index.ts';
import { Q } from '../../orm/index.ts';
import { bossFor, installJobQueue, OPERATIONS_QUEUE, pgBossEngine, type OperationJob } from './pg-boss.ts';
import { OnlineOperation, RUNNABLE_STATES } from './records.ts';
import { OperationWorker, type RunEnd, type WorkerEvent, type WorkerOptions } from './worker.ts';

export interface PgBossWorkerOptions extends WorkerOptions {
  /** How long one job runs its operation before handing it on (default 60 s). */
  sliceMs?: number;
  /** How often the worker queues runnable operations that no live worker holds (default half of `leaseMs`). */
  sweepMs?: number;
}

/** How a job ended: as its operation's run did, handed on to the next slice, or with nothing to do. */
export type JobEnd = RunEnd | 'handed-on' | 'skipped';

export class PgBossWorker {
  readonly operations: OperationWorker;
  /** pg-boss over the same database; started by `start()` only for its maintenance. */
  readonly boss: PgBoss;
  private readonly sliceMs: number;
  private readonly sweepMs: number;
  private lastSweep = 0;
  /** The slice running now: when it ends, and what ends it (the worker then releases the lease: not a loss worth reporting). */
  private slice: { ends: number; over: AbortController } | undefined;

  constructor(readonly db: Database, private readonly options: PgBossWorkerOptions = {}) {
    this.operations = new OperationWorker(db, { ...options, onEvent: (event) => this.report(event) });
    this.boss = bossFor(db, { supervise: true, migrate: true });
    this.sliceMs = options.sliceMs ?? 60_000;
    this.sweepMs = options.sweepMs ?? Math.max(100, (options.leaseMs ?? 10_000) / 2);
  }

  get owner(): string {
    return this.operations.owner;
  }

  /** Installs or migrates pg-boss's schema and the queue, and starts pg-boss's maintenance (expiry, archiving). */
  async start(): Promise<void> {
    await installJobQueue(this.db);
    await this.boss.start();
  }

  async stop(): Promise<void> {
    await this.boss.stop({ graceful: false, close: false });
  }

  /** Runs jobs until none is queued and no runnable operation is left unheld; then returns. */
  async drain(signal?: AbortSignal): Promise<void> {
    while (!signal?.aborted) {
      const job = await this.next();
      if (job !== undefined) await this.handle(job, signal);
      else if ((await this.sweep()) === 0) return;
    }
  }

  /** Runs jobs until `signal` aborts, looking for one every `pollMs` when idle and sweeping every `sweepMs`. */
  async serve(signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      try {
        if (Date.now() - this.lastSweep >= this.sweepMs) await this.sweep();
        const job = await this.next();
        if (job !== undefined) {
          await this.handle(job, signal);
          continue;
        }
      } catch {
        // Reported by handle(), or the database is away for a moment: try again after a pause.
      }
      await sleep(this.options.pollMs ?? 1000, undefined, { signal }).catch(() => {});
    }
  }

  /** The next job, made active for this worker; undefined when none waits. */
  async next(): Promise<PgBoss.Job<OperationJob> | undefined> {
    const [job] = await this.boss.fetch<OperationJob>(OPERATIONS_QUEUE);
    return job;
  }

  /** Runs one fetched job: completed when it ends in any way of Trove's; failed (and retried by pg-boss) when it throws. */
  async handle(job: PgBoss.Job<OperationJob>, signal?: AbortSignal): Promise<JobEnd> {
    const { operationId } = job.data;
    try {
      const end = await this.runSlice(operationId, signal);
      await this.boss.complete(OPERATIONS_QUEUE, job.id);
      return end;
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      this.report({ kind: 'job-failed', operationId, error: message });
      await this.boss.fail(OPERATIONS_QUEUE, job.id, { message }).catch(() => undefined);
      throw error;
    }
  }

  /** Queues a job for each runnable operation no live worker holds; answers how many there were. */
  async sweep(): Promise<number> {
    this.lastSweep = Date.now();
    const unheld = await OnlineOperation.objects.using(this.db)
      .filter({ state__in: [...RUNNABLE_STATES] })
      .filter(Q({ leaseUntil__isnull: true }).or({ leaseUntil__lt: new Date() }))
      .values('id').fetch();
    // The queue keeps one waiting job per operation: those already queued are not queued twice.
    for (const { id } of unheld) await pgBossEngine.enqueue(this.db, id as string);
    return unheld.length;
  }

  private async runSlice(operationId: string, signal?: AbortSignal): Promise<JobEnd> {
    if ((await this.operations.claim(operationId)) === undefined) return 'skipped';
    const slice = { ends: Date.now() + this.sliceMs, over: new AbortController() };
    this.slice = slice;
    let end: RunEnd;
    try {
      end = await this.operations.run(operationId, signal === undefined ? slice.over.signal : AbortSignal.any([signal, slice.over.signal]));
    } finally {
      this.slice = undefined;
    }
    if (end !== 'lost' || !(await this.unheld(operationId))) return end;
    // The slice is over, or this worker is stopping: the next job goes to whichever worker is free first.
    await atomic(() => pgBossEngine.enqueue(this.db, operationId), { using: this.db });
    this.report({ kind: 'handed-on', operationId });
    return 'handed-on';
  }

  /** Runnable, and no worker's lease on it (this one let go; another may have taken it meanwhile). */
  private async unheld(operationId: string): Promise<boolean> {
    return OnlineOperation.objects.using(this.db)
      .filter({ id: operationId, state__in: [...RUNNABLE_STATES] })
      .filter(Q({ leaseUntil__isnull: true }).or({ leaseUntil__lt: new Date() }))
      .exists();
  }

  private report(event: WorkerEvent): void {
    const slice = this.slice;
    // A slice ends after a batch, never before its first: every job moves its operation on.
    if (event.kind === 'batch' && slice !== undefined && Date.now() >= slice.ends) slice.over.abort();
    if (event.kind === 'released' && event.state === 'lost' && slice?.over.signal.aborted) return;
    this.options.onEvent?.(event);
  }
}
