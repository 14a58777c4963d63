/**
 * Soft delete: the rows a delete would take from soft-delete models go to the trash instead.
 * One UPDATE per model stamps them with the time and the operation's id; a `trove_deletion`
 * row records the operation. PROTECT and RESTRICT hold against live rows; models without a
 * trash and SET_* rules are left alone, so a restore puts every link back.
 */
import { randomUUID } from 'node:crypto';
import { atomic, onCommit, type Database } from '../db/index.ts';
import { hydrate, type DeleteOptions, type DeleteResult, type InstanceLike, type ModelMeta } from '../orm/index.ts';
import { postSoftDelete } from '../signals.ts';
import { Collector, SIGNAL_BATCH } from './collector.ts';
import { assertTookPlanned } from './errors.ts';
import { planDelete } from './plan.ts';
import { Deletion, deletionDefaults } from './record.ts';

export interface SoftDeleteResult extends DeleteResult {
  /**
   * The operation's id: `restoreDeletion(deletionId)` undoes exactly this delete. Absent when
   * the delete took nothing: an empty operation leaves no record in the trash.
   */
  deletionId?: string;
}

export async function softDelete(collector: Collector, origin: unknown, options: DeleteOptions): Promise<SoftDeleteResult> {
  const root = rootOf(origin, collector.graph.root);
  return softDeleteBatches([collector], origin, options, { trashed: root === undefined ? [] : [root] });
}

/**
 * One soft-delete operation over several row sets (bulkDelete's batches): every row is stamped
 * with the same id, and one record counts them all. `onBatch` is called after each collector;
 * `trashed` instances get their `deletedAt` and `deletionId` once the operation commits.
 */
export async function softDeleteBatches(
  collectors: readonly Collector[],
  origin: unknown,
  options: DeleteOptions,
  { onBatch, trashed = [] }: { onBatch?: (index: number, deleted: number) => void; trashed?: readonly InstanceLike[] } = {},
): Promise<SoftDeleteResult> {
  const { db, graph } = collectors[0]!;
  const deletionId = randomUUID();
  const deletedAt = new Date();
  const result = await atomic(async (): Promise<SoftDeleteResult> => {
    const byModel: Record<string, number> = {};
    const deleted = () => Object.values(byModel).reduce((a, b) => a + b, 0);
    for (const [index, collector] of collectors.entries()) {
      await stamp(collector, deletionId, deletedAt, byModel, options, deleted);
      onBatch?.(index, deleted());
    }
    const total = deleted();
    if (total === 0) return { total, byModel };
    const root = collectors.length === 1 ? rootOf(origin, graph.root) : undefined;
    await Deletion.objects.using(db).create({
      id: deletionId, createdAt: deletedAt, actor: options.actor ?? deletionDefaults().actor ?? null, reason: options.reason ?? '',
      source: options.source ?? deletionDefaults().source ?? 'api', rootLabel: graph.root.label, rootPk: root === undefined ? null : String(root[graph.root.pk.attname]),
      counts: byModel,
    });
    for (const meta of graph.models.values()) await sendOperationRows(db, meta, deletionId, postSoftDelete, 'trash');
    return { total, byModel, deletionId };
  }, { using: db });
  const { deletionId: id } = result;
  if (id !== undefined && trashed.length > 0) {
    await onCommit(() => {
      for (const instance of trashed) {
        instance.deletedAt = deletedAt;
        instance.deletionId = id;
      }
    }, { using: db });
  }
  return result;
}

/**
 * Stamps the live rows one collector takes; PROTECT and RESTRICT are checked first. A delete
 * authorized on its plan locks the rows others can point at before the plan, as a hard delete
 * does, so a row referring to one cannot join it after the plan was approved. Without a plan
 * to keep to, no lock: a row committed before the stamp simply goes to the trash with the rest
 * (a lock would leave it live under a trashed row instead), and a large delete is spared
 * locking every parent row it takes.
 */
export async function stamp(
  collector: Collector, deletionId: string, deletedAt: Date, byModel: Record<string, number>,
  options: DeleteOptions, deleted: () => number,
): Promise<void> {
  const { db, graph, rows } = collector;
  if (options.authorize !== undefined) await collector.lockReferencedRows();
  await collector.assertNotBlocked();
  await collector.fixRowSets();
  const plan = options.authorize === undefined ? undefined : await planDelete(collector);
  if (plan !== undefined) await options.authorize!(plan);
  const taken: Record<string, number> = {};
  for (const group of graph.order) {
    for (const meta of group.models) {
      const query = db.kysely
        .updateTable(meta.table)
        .set({ deleted_at: meta.field('deletedAt')!.toDb(deletedAt, db.dialect), deletion_id: deletionId })
        .where('deleted_at', 'is', null)
        .where((eb) =>
          group.cyclic.length === 0 ? rows.taken(eb, meta, meta.table) : eb(eb.ref(`${meta.table}.${meta.pk.column}`), 'in', collector.materialised(rows.keysOf(meta))),
        );
      const n = Number((await db.execute(query.compile())).numAffectedRows ?? 0);
      if (n > 0) {
        byModel[meta.label] = (byModel[meta.label] ?? 0) + n;
        taken[meta.label] = n;
      }
      await options.onProgress?.({ model: meta.label, rows: n, deleted: deleted() });
    }
  }
  if (plan !== undefined) assertTookPlanned(plan.byModel, taken);
  await rows.cleanUp();
}

function rootOf(origin: unknown, meta: ModelMeta): InstanceLike | undefined {
  if (typeof origin !== 'object' || origin === null) return undefined;
  return (origin.constructor as { meta?: ModelMeta }).meta?.label === meta.label ? (origin as InstanceLike) : undefined;
}

/**
 * Sends `signal` for the rows of one operation, per model and SIGNAL_BATCH rows at a time, only
 * when someone listens: rows in the trash (postSoftDelete) or just restored (postRestore).
 */
export async function sendOperationRows(db: Database, meta: ModelMeta, deletionId: string, signal: typeof postSoftDelete, rows: 'trash' | 'live'): Promise<void> {
  if (!signal.hasReceivers(meta.modelClass)) return;
  let after: unknown;
  for (;;) {
    let query = db.kysely
      .selectFrom(`${meta.table} as s0`)
      .selectAll('s0')
      .where('s0.deletion_id', '=', deletionId)
      .where('s0.deleted_at', rows === 'trash' ? 'is not' : 'is', null);
    if (after !== undefined) query = query.where(`s0.${meta.pk.column}`, '>', meta.pk.toDb(after, db.dialect));
    const batch = (await db.execute<Record<string, unknown>>(query.orderBy(`s0.${meta.pk.column}`).limit(SIGNAL_BATCH).compile())).rows;
    if (batch.length === 0) return;
    const instances = batch.map((row) => hydrate(meta, row, db));
    await signal.send({ sender: meta.modelClass, instances, deletionId, using: db });
    if (batch.length < SIGNAL_BATCH) return;
    after = instances[instances.length - 1]![meta.pk.attname];
  }
}
