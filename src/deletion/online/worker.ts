/**
 * A worker: claims an operation whose lease is free, runs its batches while renewing the lease,
 * and lets go when the operation is done, paused, cancelled or failing. A worker that dies holds
 * its lease until it lapses (`leaseMs`, renewed by every batch and every health wait), and then
 * another worker claims the operation and goes on from the last committed batch.
 */
import { hostname } from 'node:os';
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { atomic, type Database } from '../../db/index.ts';
import { Q } from '../../orm/index.ts';
import { BeyondPlanError, runBatch } from './batch.ts';
import { finishCancel } from './control.ts';
import { DEFAULT_HEALTH, databaseHealth, type HealthLimits } from './health.ts';
import { DEFAULT_PACING, nextBatchSize, rateDelayMs, type Pacing } from './pacing.ts';
import { OnlineOperation, RECORD_DEADLOCK_ATTEMPTS, RUNNABLE_STATES } from './records.ts';
import { isStatementTimeout, isTimeout, type BatchTimeouts } from './timeouts.ts';


export interface WorkerOptions extends Partial<Pacing>, Partial<HealthLimits>, Partial<BatchTimeouts> {
  /** This worker's name in each operation's lease (default host:pid:random). */
  owner?: string;
  /** How long a lease lasts without renewal: a dead worker's operation is taken over after this (default 10 s). */
  leaseMs?: number;
  /** How often an idle worker looks for work (default 1 s). */
  pollMs?: number;
  /** Failed batches in a row (not timeouts) before the operation is marked failed (default 5). */
  maxFailures?: number;
  /** Called as things happen: for logs and progress bars. */
  onEvent?: (event: WorkerEvent) => void;
}

export type WorkerEvent =
  | { kind: 'claimed'; operationId: string }
  | { kind: 'batch'; operationId: string; keys: number; rows: number; ms: number; nextSize: number }
  | { kind: 'split'; operationId: string; size: number; error: string }
  | { kind: 'waiting'; operationId: string; reason: string }
  | { kind: 'failed-batch'; operationId: string; failures: number; error: string }
  | { kind: 'released'; operationId: string; state: string }
  | { kind: 'error'; operationId: string; error: string }
  /** pg-boss: the job's time slice ended with the operation unfinished; its next job is queued for any worker. */
  | { kind: 'handed-on'; operationId: string }
  /** pg-boss: the job's handler failed (not a batch: the claim, the database); pg-boss retries it. */
  | { kind: 'job-failed'; operationId: string; error: string };

export type RunEnd = 'done' | 'paused' | 'cancelled' | 'failed' | 'lost';

export class OperationWorker {
  readonly owner: string;
  private readonly pacing: Pacing;
  private readonly health: HealthLimits;
  private readonly timeouts: BatchTimeouts;
  private readonly leaseMs: number;

  constructor(readonly db: Database, private readonly options: WorkerOptions = {}) {
    this.owner = options.owner ?? `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
    this.pacing = { ...DEFAULT_PACING, ...definedOnly({ targetBatchMs: options.targetBatchMs, initialBatchSize: options.initialBatchSize, maxBatchSize: options.maxBatchSize, maxRowsPerSecond: options.maxRowsPerSecond }) };
    this.health = { ...DEFAULT_HEALTH, ...definedOnly({ maxLockWaiters: options.maxLockWaiters, maxReplicationLagMs: options.maxReplicationLagMs }) };
    this.timeouts = { lockTimeoutMs: options.lockTimeoutMs ?? 1000, statementTimeoutMs: options.statementTimeoutMs ?? 5000 };
    this.leaseMs = options.leaseMs ?? 10_000;
  }

  /** Takes the oldest runnable operation whose lease is free; undefined when there is none. */
  async claim(only?: string): Promise<string | undefined> {
    const now = new Date();
    return atomic(async () => {
      let candidates = OnlineOperation.objects.using(this.db)
        .filter({ state__in: [...RUNNABLE_STATES] })
        .filter(Q({ leaseUntil__isnull: true }).or({ leaseUntil__lt: now }));
      if (only !== undefined) candidates = candidates.filter({ id: only });
      const op = await candidates.orderBy('createdAt').selectForUpdate({ skipLocked: true }).first();
      if (op === null) return undefined;
      await OnlineOperation.objects.using(this.db).filter({ id: op.id }).update({
        state: op.state === 'cancelling' ? 'cancelling' : 'running', leaseOwner: this.owner,
        leaseUntil: new Date(now.getTime() + this.leaseMs), heartbeatAt: now, startedAt: op.startedAt ?? now,
      });
      this.emit({ kind: 'claimed', operationId: op.id });
      return op.id;
    }, { using: this.db, deadlockAttempts: RECORD_DEADLOCK_ATTEMPTS });
  }

  /** Runs a claimed operation until it ends or stops. */
  async run(operationId: string, signal?: AbortSignal): Promise<RunEnd> {
    const start = await OnlineOperation.objects.using(this.db).get({ id: operationId });
    let size = Math.min(this.pacing.maxBatchSize, start.batches > 0 ? start.batchSize : this.pacing.initialBatchSize);
    let lockWaits = 0;
    for (;;) {
      if (signal?.aborted) return this.release(operationId, 'lost');
      const health = await databaseHealth(this.db, this.health);
      if (!health.healthy) {
        this.emit({ kind: 'waiting', operationId, reason: health.reason! });
        if (!(await this.renewLease(operationId))) return 'lost';
        // An unhealthy database may stay so for long: a pause or cancel asked meanwhile is
        // carried out now, not after the wait (no batch runs to see it).
        const asked = await this.stopAsked(operationId);
        if (asked !== undefined) return asked;
        await sleep(1000, undefined, { signal }).catch(() => {});
        continue;
      }
      let outcome;
      try {
        outcome = await runBatch(this.db, { operationId, owner: this.owner, size, leaseMs: this.leaseMs, timeouts: this.timeouts });
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        if (isTimeout(error) && size > 1) {
          size = Math.max(1, Math.floor(size / 2));
          this.emit({ kind: 'split', operationId, size, error: message });
          continue;
        }
        if (isTimeout(error) && !isStatementTimeout(error)) {
          // One key still waits on a lock someone else holds: that is a wait, not a failure.
          this.emit({ kind: 'waiting', operationId, reason: `a lock held elsewhere: ${message}` });
          if (!(await this.renewLease(operationId))) return 'lost';
          await sleep(Math.min(250 * 2 ** Math.min(++lockWaits, 5), 5_000), undefined, { signal }).catch(() => {});
          continue;
        }
        if (error instanceof BeyondPlanError) return this.release(operationId, 'failed', message);
        // One root key whose cascade alone runs past the statement timeout fails as any batch
        // that keeps failing does, with the way out in its reason, rather than retrying forever.
        const reason = isStatementTimeout(error)
          ? `One root key's cascade takes longer than the statement timeout (${this.timeouts.statementTimeoutMs} ms) on its own: run the workers with a longer --statement-timeout-ms, or delete that row in one transaction. (${message})`
          : message;
        const failures = await this.noteFailure(operationId, reason);
        this.emit({ kind: 'failed-batch', operationId, failures, error: reason });
        if (failures < 0) return 'lost';
        if (failures >= (this.options.maxFailures ?? 5)) return this.release(operationId, 'failed', reason);
        await sleep(Math.min(250 * 2 ** failures, 10_000), undefined, { signal }).catch(() => {});
        continue;
      }
      switch (outcome.kind) {
        case 'lost': return 'lost';
        case 'finished': this.emit({ kind: 'released', operationId, state: 'done' }); return 'done';
        case 'stopped': return this.stop(operationId, outcome.state);
        case 'took': {
          lockWaits = 0;
          const rows = Object.values(outcome.byModel).reduce((a, b) => a + b, 0);
          size = outcome.otherWorkNext ? Math.min(this.pacing.maxBatchSize, this.pacing.initialBatchSize) : nextBatchSize(size, outcome.ms, this.pacing);
          this.emit({ kind: 'batch', operationId, keys: outcome.keys, rows, ms: outcome.ms, nextSize: size });
          const delay = rateDelayMs(rows, outcome.ms, await this.runningCount(), this.pacing);
          if (delay > 0) await sleep(delay, undefined, { signal }).catch(() => {});
        }
      }
    }
  }

  /** Claims and runs operations until none is left to claim. */
  async drain(signal?: AbortSignal): Promise<void> {
    for (let id = await this.claim(); id !== undefined && !signal?.aborted; id = await this.claim()) await this.run(id, signal);
  }

  /** Claims and runs operations until `signal` aborts, looking for work every `pollMs` when idle. */
  async serve(signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      try {
        await this.drain(signal);
      } catch (error) {
        // The database went away, say: the lease lapses and any worker (this one too) goes on later.
        this.emit({ kind: 'error', operationId: '', error: error instanceof Error ? error.message : String(error) });
      }
      await sleep(this.options.pollMs ?? 1000, undefined, { signal }).catch(() => {});
    }
  }

  private emit(event: WorkerEvent): void {
    this.options.onEvent?.(event);
  }

  /** Carries out a pause or cancel the record asks for; undefined when it asks for neither. */
  private async stopAsked(operationId: string): Promise<RunEnd | undefined> {
    const now = await OnlineOperation.objects.using(this.db).filter({ id: operationId }).values('state').first();
    return now?.state === 'cancelling' || now?.state === 'paused' ? this.stop(operationId, now.state) : undefined;
  }

  /** Stops as the record asks: a pause lets the operation go; a cancel is finished here. */
  private async stop(operationId: string, state: string): Promise<RunEnd> {
    if (state !== 'cancelling') return this.release(operationId, 'paused');
    const ended = await finishCancel(this.db, operationId);
    this.emit({ kind: 'released', operationId, state: ended });
    return ended === 'cancelled' ? 'cancelled' : 'failed';
  }

  /** Renews this worker's lease; false when it is no longer its own. */
  private async renewLease(operationId: string): Promise<boolean> {
    const now = new Date();
    const n = await OnlineOperation.objects.using(this.db).filter({ id: operationId, leaseOwner: this.owner }).update({ leaseUntil: new Date(now.getTime() + this.leaseMs), heartbeatAt: now });
    return n > 0;
  }

  /** Counts a failed batch; -1 when the lease is no longer this worker's. */
  private async noteFailure(operationId: string, message: string): Promise<number> {
    return atomic(async () => {
      const op = await OnlineOperation.objects.using(this.db).selectForUpdate().get({ id: operationId });
      if (op.leaseOwner !== this.owner) return -1;
      const now = new Date();
      await OnlineOperation.objects.using(this.db).filter({ id: operationId }).update({ failures: op.failures + 1, error: message, heartbeatAt: now, leaseUntil: new Date(now.getTime() + this.leaseMs) });
      return op.failures + 1;
    }, { using: this.db, deadlockAttempts: RECORD_DEADLOCK_ATTEMPTS });
  }

  /**
   * Lets go of the operation: as it is (paused, or the worker stops), or `failed` with the
   * reason. Only a running operation turns failed: a cancel asked for meanwhile is carried out
   * here instead, and a pause is kept.
   */
  private async release(operationId: string, end: RunEnd, error?: string): Promise<RunEnd> {
    const mine = OnlineOperation.objects.using(this.db).filter({ id: operationId, leaseOwner: this.owner });
    if (end === 'failed' && (await mine.filter({ state: 'running' }).update({ state: 'failed', error: error ?? '', leaseOwner: null, leaseUntil: null })) === 0) {
      const now = await mine.values('state').first();
      if (now?.state === 'cancelling') {
        const ended = await finishCancel(this.db, operationId);
        this.emit({ kind: 'released', operationId, state: ended });
        return ended === 'cancelled' ? 'cancelled' : 'failed';
      }
      end = 'paused';
    }
    await mine.update({ leaseOwner: null, leaseUntil: null });
    this.emit({ kind: 'released', operationId, state: end });
    return end;
  }

  private async runningCount(): Promise<number> {
    return OnlineOperation.objects.using(this.db).filter({ state: 'running', leaseUntil__gt: new Date() }).count();
  }
}

function definedOnly<T extends object>(values: T): Partial<T> {
  return Object.fromEntries(Object.entries(values).filter(([, v]) => v !== undefined)) as Partial<T>;
}
