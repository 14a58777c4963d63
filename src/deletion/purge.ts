/**
 * Purge: remove trash for good. Each operation is purged in one transaction, its models taken
 * referring ones first, its rows in batches through the full deletion engine (so what depends
 * on a trashed row goes too, and PROTECT still holds), with progress after every batch.
 */
import { atomic, getDatabase, type Database } from '../db/index.ts';
import { getModel, pkIn, QueryUsageError, ValidationError, type DeleteResult, type ModelMeta, type WhereNode } from '../orm/index.ts';
import { Collector } from './collector.ts';
import { DeletionGraph } from './graph.ts';
import { Deletion } from './record.ts';

export interface PurgeProgress {
  deletionId: string;
  /** Rows of the operation's trash removed so far, and how many it held when the purge began. */
  done: number;
  total: number;
}

export interface PurgeOptions {
  batchSize?: number;
  onProgress?: (progress: PurgeProgress) => void;
  db?: Database;
}

export interface PurgeResult extends DeleteResult {
  /** The operations purged. */
  deletions: string[];
}

/** Removes for good what the soft delete `deletionId` put in the trash. */
export async function purgeDeletion(deletionId: string, options: PurgeOptions = {}): Promise<DeleteResult> {
  const db = options.db ?? getDatabase();
  const batchSize = options.batchSize ?? 1000;
  if (!Number.isInteger(batchSize) || batchSize <= 0) throw new ValidationError('purge batchSize must be a positive whole number.');
  return atomic(async () => {
    const record = await Deletion.objects.using(db).get({ id: deletionId });
    if (record.state === 'purged') throw new QueryUsageError(`Deletion ${deletionId} is already purged.`);
    const models = referringFirst(Object.keys(record.counts).map(getModel));
    const trashOf = (meta: ModelMeta): WhereNode => ({
      kind: 'and',
      children: [
        { kind: 'compare', field: meta.field('deletionId')!, column: 'deletion_id', lookup: 'exact', value: deletionId },
        { kind: 'isnull', column: 'deleted_at', isNull: false },
      ],
    });
    let total = 0;
    for (const meta of models) total += Number(((await db.execute(countQuery(db, meta, deletionId))).rows[0] as { n: number | string }).n);
    const result: DeleteResult = { total: 0, byModel: {} };
    let done = 0;
    for (const meta of models) {
      for (;;) {
        const keys = await db.execute<Record<string, unknown>>(
          db.kysely.selectFrom(meta.table).select(meta.pk.column!).where('deletion_id', '=', deletionId).where('deleted_at', 'is not', null).orderBy(meta.pk.column!).limit(batchSize).compile(),
        );
        if (keys.rows.length === 0) break;
        const batch = keys.rows.map((row) => meta.pk.fromDb(row[meta.pk.column!], db.dialect));
        const part = await new Collector(db, meta, { kind: 'and', children: [trashOf(meta), pkIn(meta, batch)] }).delete(record);
        result.total += part.total;
        for (const [label, n] of Object.entries(part.byModel)) result.byModel[label] = (result.byModel[label] ?? 0) + n;
        done += batch.length;
        options.onProgress?.({ deletionId, done: Math.min(done, total), total });
        if (batch.length < batchSize) break;
      }
    }
    await Deletion.objects.using(db).filter({ id: deletionId }).update({ state: 'purged' });
    return result;
  }, { using: db });
}

function countQuery(db: Database, meta: ModelMeta, deletionId: string) {
  return db.kysely
    .selectFrom(meta.table)
    .select((eb) => eb.fn.countAll().as('n'))
    .where('deletion_id', '=', deletionId)
    .where('deleted_at', 'is not', null)
    .compile();
}

/** The operation's models, each after the models that refer to it. */
function referringFirst(models: ModelMeta[]): ModelMeta[] {
  const order: ModelMeta[] = [];
  for (const meta of models) {
    for (const group of new DeletionGraph(meta, 'soft').order) {
      for (const member of group.models) if (models.includes(member) && !order.includes(member)) order.push(member);
    }
  }
  return order;
}

/** `30d`, `12h`, `15m`, `45s`, a number of milliseconds, or a Date: the cutoff for purge(). */
export function cutoffFrom(olderThan: string | number | Date, now = new Date()): Date {
  if (olderThan instanceof Date) return olderThan;
  if (typeof olderThan === 'number') return new Date(now.getTime() - olderThan);
  const match = /^(\d+)\s*([dhms])$/.exec(olderThan.trim());
  if (match === null) throw new ValidationError(`olderThan takes a duration such as '30d', '12h', '15m' or '45s', not ${JSON.stringify(olderThan)}.`);
  const unit = { d: 86_400_000, h: 3_600_000, m: 60_000, s: 1000 }[match[2] as 'd' | 'h' | 'm' | 's'];
  return new Date(now.getTime() - Number(match[1]) * unit);
}

/** Purges every active operation older than the cutoff, oldest first, each in one transaction. */
export async function purge(options: PurgeOptions & { olderThan?: string | number | Date } = {}): Promise<PurgeResult> {
  const cutoff = cutoffFrom(options.olderThan ?? 0);
  const due = await Deletion.objects.using(options.db ?? getDatabase()).filter({ state: 'active', createdAt__lt: cutoff }).orderBy('createdAt').values('id');
  const result: PurgeResult = { total: 0, byModel: {}, deletions: [] };
  for (const { id } of due) {
    const part = await purgeDeletion(id, options);
    result.total += part.total;
    for (const [label, n] of Object.entries(part.byModel)) result.byModel[label] = (result.byModel[label] ?? 0) + n;
    result.deletions.push(id);
  }
  return result;
}
