/**
 * Starting an online operation: everything a worker needs is written in one short transaction
 * (the record, the plan, the root keys, and for a soft delete the trash record with the root rows
 * already hidden), and the job is handed to the engine in that same transaction. The caller gets
 * the operation's id back at once; no row but the roots is touched yet.
 */
import { randomUUID } from 'node:crypto';
import type { SelectQueryBuilder } from 'kysely';
import { atomic, type Database } from '../../db/index.ts';
import { QueryUsageError, type DeleteOptions, type ModelMeta } from '../../orm/index.ts';
import type { Collector } from '../collector.ts';
import { planDelete } from '../plan.ts';
import { Deletion, deletionDefaults } from '../record.ts';
import { engineFor } from './engine.ts';
import { storedKey, writeKeys } from './keys.ts';
import { OnlineOperation, OperationKey, type OperationKind } from './records.ts';
import { currentSweepLimits, planSweep } from './sweep.ts';
import { assertNothingDangles, batchesCannotTake } from './within.ts';

export type OnlineOptions = Pick<DeleteOptions, 'actor' | 'reason' | 'source' | 'authorize'>;

/** What `delete({ online: true })` answers: the operation runs on in workers. */
export interface OnlineOperationStarted {
  /** `trove operations <id>`, `operationProgress(id)`: how far it got. */
  operationId: string;
  kind: OperationKind;
  /** What the plan says the operation takes, when it was submitted. */
  plan: { total: number; byModel: Record<string, number> };
  /** A soft delete's trash operation: its root rows are already hidden under this id. */
  deletionId?: string;
}

/**
 * Starts one online operation over the rows these collectors take (one, or bulkDelete's chunks
 * of keys), all of one root model and mode.
 */
export async function startOnline(collectors: readonly Collector[], options: OnlineOptions = {}): Promise<OnlineOperationStarted & { kind: 'delete' | 'softDelete' }> {
  const { db, graph } = collectors[0]!;
  const kind = graph.mode === 'soft' ? 'softDelete' : 'delete';
  // Limits a process set wrong are refused before anything is read or written.
  if (kind === 'delete') currentSweepLimits();
  return atomic(async () => {
    const id = randomUUID();
    const now = new Date();
    const actor = options.actor ?? deletionDefaults().actor ?? null;
    const source = options.source ?? deletionDefaults().source ?? 'api';
    const planned: Record<string, number> = {};
    let keysTotal = 0;
    for (const collector of collectors) {
      await collector.assertNotBlocked();
      await collector.fixRowSets();
    }
    for (const collector of collectors) {
      const plan = await planDelete(collector);
      if (options.authorize !== undefined) await options.authorize(plan);
      for (const [label, n] of Object.entries(plan.byModel)) planned[label] = (planned[label] ?? 0) + n;
    }
    // What one transaction would fail on once permitted, with nothing done, batches would fail on
    // part way: refused here. (A soft delete leaves its rows where they are: nothing dangles.)
    if (kind === 'delete') await assertNothingDangles(collectors);
    const refused = await batchesCannotTake(collectors);
    if (refused !== undefined) throw new QueryUsageError(`This delete cannot run in batches: ${refused}. Delete it in one transaction instead.`);
    // The root keys, written down once: what the operation takes is fixed here, never re-read through its filter.
    for (const collector of collectors) keysTotal += await writeKeys(db, graph.root, id, collector.rows.keysOf(graph.root) as SelectQueryBuilder<any, any, any>);
    let deletionId: string | undefined;
    const done: Record<string, number> = {};
    if (kind === 'softDelete' && keysTotal > 0) {
      deletionId = randomUUID();
      const hidden = await hideRoots(db, graph.root, id, deletionId, now);
      if (hidden > 0) done[graph.root.label] = hidden;
      await Deletion.objects.using(db).create({
        id: deletionId, createdAt: now, actor, reason: options.reason ?? '', source, rootLabel: graph.root.label, rootPk: null, counts: done,
      });
    }
    await OnlineOperation.objects.using(db).create({
      id, kind, state: keysTotal === 0 ? 'done' : 'queued', rootLabel: graph.root.label, plan: planned, done, keysTotal,
      deletionId: deletionId ?? null, actor, source, reason: options.reason ?? '', createdAt: now, finishedAt: keysTotal === 0 ? now : null,
    });
    // Where it takes much of a big table, a hard delete sweeps that table in its key order first.
    if (kind === 'delete' && keysTotal > 0) await planSweep(collectors, id, planned);
    for (const collector of collectors) await collector.rows.cleanUp();
    if (keysTotal > 0) await engineFor(db).enqueue(db, id);
    const total = Object.values(planned).reduce((a, b) => a + b, 0);
    return { operationId: id, kind, plan: { total, byModel: planned }, ...(deletionId === undefined ? {} : { deletionId }) };
  }, { using: db });
}

/** A soft delete hides its roots at once, so no one sees a root whose children are going. */
async function hideRoots(db: Database, root: ModelMeta, operation: string, deletionId: string, deletedAt: Date): Promise<number> {
  const query = db.kysely
    .updateTable(root.table)
    .set({ deleted_at: root.field('deletedAt')!.toDb(deletedAt, db.dialect), deletion_id: deletionId })
    .where('deleted_at', 'is', null)
    .where(root.pk.column!, 'in', db.kysely.selectFrom(OperationKey.meta.table).select(storedKey(db, root).as('k')).where('operation', '=', operation));
  return Number((await db.execute(query.compile())).numAffectedRows ?? 0);
}
