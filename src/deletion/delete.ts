/** The entry points the ORM calls: delete a queryset, an instance, or many objects by key. */
import { atomic, onCommit } from '../db/index.ts';
import { databaseOf, pkIn, QueryUsageError, STATE, ValidationError, type OnlineDeleteOptions, type DeleteOptions, type DeleteResult, type InstanceLike, type QuerySet } from '../orm/index.ts';
import { softDelete, softDeleteBatches, type SoftDeleteResult } from './soft.ts';
import { Collector } from './collector.ts';
import { startOnline, type OnlineOperationStarted } from './online/submit.ts';

type Options = DeleteOptions & { hard: boolean };

export function deleteQuerySet(qs: QuerySet<unknown>, origin: unknown, options: Options = { hard: false }): Promise<DeleteResult> {
  if (qs.meta.softDelete && !options.hard) return softDelete(Collector.forQuerySet(qs, 'soft'), origin, options);
  return Collector.forQuerySet(qs).delete(origin, options);
}

export async function deleteInstance(instance: InstanceLike, options: Options = { hard: false }): Promise<DeleteResult> {
  const meta = (instance.constructor as unknown as { meta: QuerySet<unknown>['meta'] }).meta;
  const db = databaseOf(instance);
  const where = pkIn(meta, [instance[meta.pk.attname]]);
  if (meta.softDelete && !options.hard) return softDelete(new Collector(db, meta, where, 'soft'), instance, options);
  const result = await new Collector(db, meta, where).delete(instance, options);
  await onCommit(() => forget(instance, meta.pk.attname), { using: db });
  return result;
}

function forget(instance: InstanceLike, pkName: string): void {
  instance[pkName] = null;
  instance[STATE].adding = true;
}

export interface BulkDeleteOptions extends Pick<DeleteOptions, 'actor' | 'reason' | 'source' | 'authorize'> {
  /** Keys per batch; each batch is deleted with full cascade semantics (default 1000). */
  batchSize?: number;
  /** On a soft-delete model, delete for good instead of moving the rows to the trash. */
  hard?: boolean;
  /** Called after each batch. */
  onProgress?: (progress: { done: number; total: number; deleted: number }) => void;
}

/** The distinct keys of objects given by key or as instances (the instances are collected into `instances`). */
function keysOfObjects(meta: QuerySet<unknown>['meta'], objects: readonly unknown[], instances: InstanceLike[] = []): unknown[] {
  const keys = objects.map((o) => {
    if (typeof o === 'object' && o !== null) {
      if ((o.constructor as { meta?: { label: string } }).meta?.label !== meta.label) throw new ValidationError(`bulkDelete() on ${meta.label} got a ${(o.constructor as { name?: string }).name ?? typeof o}.`);
      const pk = (o as InstanceLike)[meta.pk.attname];
      if (pk === null || pk === undefined) throw new QueryUsageError(`bulkDelete() got an unsaved ${meta.objectName}.`);
      instances.push(o as InstanceLike);
      return meta.pk.clean(pk);
    }
    return meta.pk.clean(o);
  });
  return [...new Set(keys)];
}

/** Keys per chunk of bulkDelete({ online: true }) as its root keys are written: a bound on one statement's parameters. */
const ONLINE_KEY_CHUNK = 5000;

/**
 * Writes an online operation for what the queryset (or `objects` of its model) would lose, and
 * returns at once: workers carry it out in batches (see online/).
 */
export async function startOnlineDelete(qs: QuerySet<unknown>, objects: readonly unknown[] | undefined, options: OnlineDeleteOptions & { hard: boolean }): Promise<OnlineOperationStarted & { kind: 'delete' | 'softDelete' }> {
  if (qs.isSliced) throw new QueryUsageError('Cannot delete a sliced query online: filter by primary key instead.');
  const meta = qs.meta;
  const mode = meta.softDelete && !options.hard ? 'soft' : 'hard';
  const { actor, reason, source, authorize } = options;
  if (objects === undefined) return startOnline([Collector.forQuerySet(qs, mode)], { actor, reason, source, authorize });
  const keys = keysOfObjects(meta, objects);
  const collectors: Collector[] = [];
  for (let start = 0; start < Math.max(keys.length, 1); start += ONLINE_KEY_CHUNK) {
    const chunk = pkIn(meta, keys.slice(start, start + ONLINE_KEY_CHUNK));
    collectors.push(new Collector(qs.db, meta, qs.state.where === undefined ? chunk : { kind: 'and', children: [qs.state.where, chunk] }, mode));
  }
  return startOnline(collectors, { actor, reason, source, authorize });
}

/**
 * Deletes objects given by key or as instances, in batches, all in one transaction: a PROTECT
 * error in the last batch leaves the first ones undeleted too. On a soft-delete model the
 * batches are one soft-delete operation, as `delete()` would make, unless `hard` is set.
 */
export async function bulkDelete(qs: QuerySet<unknown>, objects: readonly unknown[], options: BulkDeleteOptions = {}): Promise<SoftDeleteResult> {
  const { batchSize = 1000, onProgress, hard = false } = options;
  if (!Number.isInteger(batchSize) || batchSize <= 0) throw new ValidationError('bulkDelete() batchSize must be a positive whole number.');
  if (qs.isSliced) throw new QueryUsageError('Cannot use bulkDelete() on a sliced query.');
  const meta = qs.meta;
  const instances: InstanceLike[] = [];
  const unique = keysOfObjects(meta, objects, instances);
  const batches: unknown[][] = [];
  for (let start = 0; start < unique.length; start += batchSize) batches.push(unique.slice(start, start + batchSize));
  const db = qs.db;
  const soft = meta.softDelete && !hard;
  const collectorOf = (batch: unknown[]) => {
    const where = qs.state.where === undefined ? pkIn(meta, batch) : { kind: 'and' as const, children: [qs.state.where, pkIn(meta, batch)] };
    return new Collector(db, meta, where, soft ? 'soft' : 'hard');
  };
  const progress = (index: number, deleted: number) =>
    onProgress?.({ done: Math.min((index + 1) * batchSize, unique.length), total: unique.length, deleted });
  if (soft) {
    if (batches.length === 0) return { total: 0, byModel: {} };
    return softDeleteBatches(batches.map(collectorOf), qs, { actor: options.actor, reason: options.reason, source: options.source, authorize: options.authorize }, { onBatch: progress, trashed: instances });
  }
  const result = await atomic(async () => {
    const total: DeleteResult = { total: 0, byModel: {} };
    for (const [index, batch] of batches.entries()) {
      const part = await collectorOf(batch).delete(qs, { authorize: options.authorize });
      total.total += part.total;
      for (const [label, n] of Object.entries(part.byModel)) total.byModel[label] = (total.byModel[label] ?? 0) + n;
      progress(index, total.total);
    }
    return total;
  }, { using: db });
  await onCommit(() => instances.forEach((i) => forget(i, meta.pk.attname)), { using: db });
  return result;
}
