/**
 * One batch of an online operation: in one short transaction, the next slice of root keys is
 * deleted (or moved to the trash) with its whole cascade, children before parents, the keys are
 * removed and the progress saved; a purge's next slice of trash rows goes for good with theirs;
 * a hard delete's sweep (sweep.ts) comes before its root slices. A crash anywhere rolls all of
 * it back, so the checkpoint is always exactly what is gone, and no orphan is ever visible.
 */
import { atomic, type Database } from '../../db/index.ts';
import { getModel, pkIn, QueryUsageError } from '../../orm/index.ts';
import { Collector } from '../collector.ts';
import { Deletion } from '../record.ts';
import { DeletionGraph } from '../graph.ts';
import { sendOperationRows, stamp } from '../soft.ts';
import { postSoftDelete } from '../../signals.ts';
import { nextKeys, removeKeysThrough } from './keys.ts';
import { nextTrashSlice, purgeSlice, type TrashSlice } from './purge.ts';
import { currentSweepLimits, nextSweep, removeSweep, sweepSlice } from './sweep.ts';
import { OnlineOperation } from './records.ts';
import { applyTimeouts, type BatchTimeouts } from './timeouts.ts';

export type BatchOutcome =
  /**
   * The batch took `keys` root keys and `byModel` rows. `otherWorkNext`: it ended a step of a
   * sweep, and the next batch sweeps another model or takes root slices, whose rows cost
   * something else: its size starts again from the initial one.
   */
  | { kind: 'took'; keys: number; byModel: Record<string, number>; ms: number; otherWorkNext: boolean }
  /** No keys were left: the operation is done. */
  | { kind: 'finished' }
  /** Paused or being cancelled: the worker stops here. */
  | { kind: 'stopped'; state: string }
  /** Another worker holds the lease now (this one was presumed dead): it must not write. */
  | { kind: 'lost' };

/** A batch reached rows of models its plan had none of: their deletion was never approved. */
export class BeyondPlanError extends QueryUsageError {
  override name = 'BeyondPlanError';
  constructor(readonly labels: readonly string[]) {
    super(`A batch would take rows of ${labels.join(', ')}, which the plan approved when the operation was submitted did not include (rows added since): nothing of that batch was done. Cancel this operation and delete again, so that the new plan is approved.`);
  }
}

export interface BatchRequest {
  operationId: string;
  owner: string;
  size: number;
  leaseMs: number;
  timeouts: BatchTimeouts;
}

export async function runBatch(db: Database, { operationId, owner, size, leaseMs, timeouts }: BatchRequest): Promise<BatchOutcome> {
  const started = performance.now();
  return atomic(async (): Promise<BatchOutcome> => {
    // The record is locked first, as every control (pause, cancel) locks it: the batch and a
    // control never interleave, and a worker whose lease was taken over sees it here.
    const op = await OnlineOperation.objects.using(db).selectForUpdate().get({ id: operationId });
    if (op.leaseOwner !== owner) return { kind: 'lost' };
    if (op.state !== 'running') return { kind: 'stopped', state: op.state };
    const root = getModel(op.rootLabel);
    const now = new Date();
    const purging = op.kind === 'purge';
    // A hard delete sweeps the models it takes much of first (sweep.ts), then takes its root slices.
    let sweep = op.kind === 'delete' ? await nextSweep(db, op.id) : undefined;
    if (sweep !== undefined && size < currentSweepLimits().minBatchSize) {
      await removeSweep(db, op.id);
      sweep = undefined;
    }
    let otherWorkNext = false;
    const slice = sweep !== undefined ? undefined : purging ? await nextTrashSlice(db, op.deletionId!, size) : await nextRootSlice(db, root, op.id, size);
    if (sweep === undefined && slice === undefined) {
      // As a soft delete in one transaction sends postSoftDelete once it is whole, the online one
      // does when its last batch is done, in the transaction that marks it done.
      if (op.kind === 'softDelete' && op.deletionId !== null) {
        for (const meta of new DeletionGraph(root, 'soft').models.values()) await sendOperationRows(db, meta, op.deletionId, postSoftDelete, 'trash');
      }
      await OnlineOperation.objects.using(db).filter({ id: op.id }).update({ state: 'done', finishedAt: now, leaseOwner: null, leaseUntil: null, heartbeatAt: now });
      return { kind: 'finished' };
    }
    const restore = await applyTimeouts(db, timeouts);
    let byModel: Record<string, number>;
    try {
      if (sweep !== undefined) ({ byModel, stepDone: otherWorkNext } = await sweepSlice(db, op, sweep, size * currentSweepLimits().keysPerBatchKey, op));
      else if (purging) byModel = await purgeSlice(db, op.id, op.deletionId!, slice as TrashSlice);
      else if (op.kind === 'softDelete') byModel = await trashSlice(db, root, slice!.keys, op.deletionId!, op.createdAt);
      else byModel = await deleteSlice(db, root, slice!.keys, op);
    } finally {
      await restore();
    }
    // The plan was what the submitter was allowed to delete: rows of a model it did not include
    // (a child inserted since, of a model that had none) were never authorized. Link rows of a
    // many-to-many made for it need no permission of their own, so they are never beyond it.
    const beyond = Object.keys(byModel).filter((label) => !(label in op.plan) && !getModel(label).autoCreated);
    if (beyond.length > 0) throw new BeyondPlanError(beyond);
    if (slice !== undefined && !purging) await removeKeysThrough(db, root, op.id, slice.keys[slice.keys.length - 1]);
    // A sweep takes no root key; its rows count in `done`.
    const keys = slice === undefined ? 0 : slice.keys.length;
    // A purge's progress is counted in rows, the unit of its plan; a delete's in root keys.
    const taken = purging ? Object.values(byModel).reduce((sum, n) => sum + n, 0) : keys;
    const ms = Math.round(performance.now() - started);
    const done = { ...op.done };
    for (const [label, n] of Object.entries(byModel)) done[label] = (done[label] ?? 0) + n;
    await OnlineOperation.objects.using(db).filter({ id: op.id }).update({
      done, keysDone: Number(op.keysDone) + taken, batches: op.batches + 1, batchSize: size,
      slowestBatchMs: Math.max(op.slowestBatchMs, ms), failures: 0, error: '',
      heartbeatAt: now, leaseUntil: new Date(now.getTime() + leaseMs),
    });
    return { kind: 'took', keys, byModel, ms, otherWorkNext };
  }, { using: db });
}

async function nextRootSlice(db: Database, root: ReturnType<typeof getModel>, operationId: string, size: number): Promise<{ meta: ReturnType<typeof getModel>; keys: unknown[] } | undefined> {
  const keys = await nextKeys(db, root, operationId, size);
  return keys.length === 0 ? undefined : { meta: root, keys };
}

async function deleteSlice(db: Database, root: ReturnType<typeof getModel>, keys: unknown[], origin: unknown): Promise<Record<string, number>> {
  const { byModel } = await new Collector(db, root, pkIn(root, keys)).delete(origin);
  return byModel;
}

/**
 * The slice's cascade goes to the trash under the operation's one id. Its roots were hidden when
 * the operation was submitted, so the root's own stamp takes nothing here; their children are
 * found through them all the same.
 */
async function trashSlice(db: Database, root: ReturnType<typeof getModel>, keys: unknown[], deletionId: string, deletedAt: Date): Promise<Record<string, number>> {
  const byModel: Record<string, number> = {};
  const collector = new Collector(db, root, pkIn(root, keys), 'soft');
  await stamp(collector, deletionId, deletedAt, byModel, {}, () => 0);
  if (Object.keys(byModel).length > 0) {
    const record = await Deletion.objects.using(db).selectForUpdate().get({ id: deletionId });
    const counts = { ...record.counts };
    for (const [label, n] of Object.entries(byModel)) counts[label] = (counts[label] ?? 0) + n;
    await Deletion.objects.using(db).filter({ id: deletionId }).update({ counts });
  }
  return byModel;
}
