/** The entry points the ORM calls: delete a queryset, an instance, or many objects by key. */
import { atomic, getDatabase, onCommit } from '../db/index.ts';
import { pkIn, QueryUsageError, STATE, ValidationError, type DeleteOptions, type DeleteResult, type InstanceLike, type QuerySet } from '../orm/index.ts';
import { softDelete } from './soft.ts';
import { Collector } from './collector.ts';

type Options = DeleteOptions & { hard: boolean };

export function deleteQuerySet(qs: QuerySet<unknown>, origin: unknown, options: Options = { hard: false }): Promise<DeleteResult> {
  if (qs.meta.softDelete && !options.hard) return softDelete(Collector.forQuerySet(qs, 'soft'), origin, options);
  return Collector.forQuerySet(qs).delete(origin, options.onProgress);
}

export async function deleteInstance(instance: InstanceLike, options: Options = { hard: false }): Promise<DeleteResult> {
  const meta = (instance.constructor as unknown as { meta: QuerySet<unknown>['meta'] }).meta;
  const db = getDatabase();
  const where = pkIn(meta, [instance[meta.pk.attname]]);
  if (meta.softDelete && !options.hard) return softDelete(new Collector(db, meta, where, 'soft'), instance, options);
  const result = await new Collector(db, meta, where).delete(instance, options.onProgress);
  await onCommit(() => forget(instance, meta.pk.attname), { using: db });
  return result;
}

function forget(instance: InstanceLike, pkName: string): void {
  instance[pkName] = null;
  instance[STATE].adding = true;
}

export interface BulkDeleteOptions {
  /** Keys per batch; each batch is deleted with full cascade semantics (default 1000). */
  batchSize?: number;
  /** Called after each batch. */
  onProgress?: (progress: { done: number; total: number; deleted: number }) => void;
}

/**
 * Deletes objects given by key or as instances, in batches, all in one transaction: a PROTECT
 * error in the last batch leaves the first ones undeleted too.
 */
export async function bulkDelete(qs: QuerySet<unknown>, objects: readonly unknown[], options: BulkDeleteOptions = {}): Promise<DeleteResult> {
  const { batchSize = 1000, onProgress } = options;
  if (!Number.isInteger(batchSize) || batchSize <= 0) throw new ValidationError('bulkDelete() batchSize must be a positive whole number.');
  if (qs.isSliced) throw new QueryUsageError('Cannot use bulkDelete() on a sliced query.');
  const meta = qs.meta;
  const instances: InstanceLike[] = [];
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
  const unique = [...new Set(keys)];
  const db = qs.db;
  const result = await atomic(async () => {
    const total: DeleteResult = { total: 0, byModel: {} };
    for (let start = 0; start < unique.length; start += batchSize) {
      const batch = unique.slice(start, start + batchSize);
      const where = qs.state.where === undefined ? pkIn(meta, batch) : { kind: 'and' as const, children: [qs.state.where, pkIn(meta, batch)] };
      const part = await new Collector(db, meta, where).delete(qs);
      total.total += part.total;
      for (const [label, n] of Object.entries(part.byModel)) total.byModel[label] = (total.byModel[label] ?? 0) + n;
      onProgress?.({ done: Math.min(start + batchSize, unique.length), total: unique.length, deleted: total.total });
    }
    return total;
  }, { using: db });
  await onCommit(() => instances.forEach((i) => forget(i, meta.pk.attname)), { using: db });
  return result;
}
