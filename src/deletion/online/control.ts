/**
 * Pause, resume and cancel: each locks the operation's record, as every batch does, so a control
 * takes effect between two batches, never inside one.
 */
import { atomic, getDatabase, type Database } from '../../db/index.ts';
import { QueryUsageError, ValidationError } from '../../orm/index.ts';
import { restoreDeletion } from '../restore.ts';
import { engineFor } from './engine.ts';
import { asOperation } from './in-flight.ts';
import { removeAllKeys } from './keys.ts';
import { removeSweep } from './sweep.ts';
import { FINISHED_STATES, OnlineOperation, RECORD_DEADLOCK_ATTEMPTS, type OperationState } from './records.ts';

type Record = InstanceType<typeof OnlineOperation>;


async function lock(db: Database, id: string): Promise<Record> {
  const op = await OnlineOperation.objects.using(db).selectForUpdate().filter({ id }).first();
  if (op === null) throw new OnlineOperation.DoesNotExist(`No online operation ${id}.`);
  return op;
}

function refuse(op: Record, what: string): never {
  throw new QueryUsageError(`Operation ${op.id} is ${op.state}: it cannot be ${what}.`);
}

/** Stops the operation after its current batch; `resumeOperation` goes on from there. */
export async function pauseOperation(id: string, db: Database = getDatabase()): Promise<OperationState> {
  return atomic(async (): Promise<OperationState> => {
    const op = await lock(db, id);
    if (op.state === 'paused') return 'paused';
    if (op.state !== 'queued' && op.state !== 'running') refuse(op, 'paused');
    await OnlineOperation.objects.using(db).filter({ id }).update({ state: 'paused' });
    return 'paused';
  }, { using: db, deadlockAttempts: RECORD_DEADLOCK_ATTEMPTS });
}

/** Queues a paused or failed operation again: a worker goes on from its last batch. */
export async function resumeOperation(id: string, db: Database = getDatabase()): Promise<OperationState> {
  return atomic(async (): Promise<OperationState> => {
    const op = await lock(db, id);
    if (op.state === 'queued' || op.state === 'running') return op.state;
    if (op.state !== 'paused' && op.state !== 'failed') refuse(op, 'resumed');
    await OnlineOperation.objects.using(db).filter({ id }).update({ state: 'queued', failures: 0, leaseOwner: null, leaseUntil: null });
    await engineFor(db).enqueue(db, id);
    return 'queued';
  }, { using: db, deadlockAttempts: RECORD_DEADLOCK_ATTEMPTS });
}

/**
 * Stops the operation for good. A soft delete puts back everything it had moved (its roots
 * included); a hard delete stops, and what its batches took is gone. While a worker holds the
 * operation, that worker finishes the cancel after its batch; otherwise it is done here.
 */
export async function cancelOperation(id: string, db: Database = getDatabase()): Promise<OperationState> {
  const { state, held } = await atomic(async (): Promise<{ state: OperationState; held: boolean }> => {
    const op = await lock(db, id);
    if (op.state === 'cancelled') return { state: 'cancelled', held: true };
    if ((FINISHED_STATES as string[]).includes(op.state)) refuse(op, 'cancelled');
    const held = op.state !== 'failed' && op.leaseOwner !== null && op.leaseUntil !== null && op.leaseUntil.getTime() > Date.now();
    await OnlineOperation.objects.using(db).filter({ id }).update({ state: 'cancelling' });
    return { state: 'cancelling', held };
  }, { using: db, deadlockAttempts: RECORD_DEADLOCK_ATTEMPTS });
  // A worker holds it: that worker finishes the cancel after its batch. Otherwise it is done here.
  return held ? state : finishCancel(db, id);
}

/** How the error of an operation whose cancel failed begins. */
export const CANCEL_FAILED = 'The cancel could not put the rows back:';

/**
 * Carries out a cancel; the record reads `cancelling`. A soft delete's rows may be refused their
 * way back (a live row took a root's unique value meanwhile, a parent went to the trash): then
 * nothing is put back, and the operation is `failed` with the reason, to be fixed and cancelled
 * again (or resumed), instead of a cancel that can never finish.
 */
export async function finishCancel(db: Database, id: string): Promise<OperationState> {
  try {
    const done = await atomic(async () => {
      const op = await lock(db, id);
      // Another caller (a worker that claimed it meanwhile) finished it first.
      if (op.state !== 'cancelling') return op.state as OperationState;
      // Its rows were never announced (postSoftDelete goes out once an operation is whole): none is taken back.
      if (op.kind === 'softDelete' && op.deletionId !== null) await asOperation(id, () => restoreDeletion(op.deletionId!, { db, announce: false }));
      await removeAllKeys(db, id);
      await removeSweep(db, id);
      // A soft delete put back is nothing taken: its progress says so, rather than what its batches had moved.
      const undone = op.kind === 'softDelete' ? { done: {}, keysDone: 0 } : {};
      await OnlineOperation.objects.using(db).filter({ id }).update({ state: 'cancelled', finishedAt: new Date(), leaseOwner: null, leaseUntil: null, ...undone });
      return 'cancelled' as OperationState;
    }, { using: db, deadlockAttempts: RECORD_DEADLOCK_ATTEMPTS });
    return done;
  } catch (error) {
    if (!(error instanceof QueryUsageError) && !(error instanceof ValidationError)) throw error;
    await OnlineOperation.objects.using(db).filter({ id }).update({ state: 'failed', error: `${CANCEL_FAILED} ${error.message}`, leaseOwner: null, leaseUntil: null });
    return 'failed';
  }
}
