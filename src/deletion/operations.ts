/**
 * The life of a soft-delete operation, told truthfully whatever acts on its rows:
 *
 *   active    its rows are in the trash (all of them, or what a restore of a part left);
 *   partial   some of its rows were deleted for good by another delete (a hard delete, another
 *             operation's purge taken knowingly); the rest are in the trash;
 *   restored  nothing of it is in the trash any more: it came back;
 *   purged    nothing of it is in the trash any more: it was deleted for good.
 *
 * Only an operation with rows in the trash (active or partial) can be restored or purged. Restore
 * and purge lock the operation's record first, so two of them never act on one operation at once.
 */
import { sql } from 'kysely';
import type { Database } from '../db/index.ts';
import { getModel, QueryUsageError, type ModelMeta } from '../orm/index.ts';
import type { Collector } from './collector.ts';
import { Deletion, type DeletionState } from './record.ts';

export type DeletionRecord = InstanceType<typeof Deletion>;

/** Trashed rows per operation id, then per model label. */
export type OperationRows = Record<string, Record<string, number>>;

export function hasRowsInTrash(state: DeletionState | string): boolean {
  return state === 'active' || state === 'partial';
}

/** The operation's record, locked until the transaction ends; call inside atomic(). */
export async function lockOperation(db: Database, deletionId: string): Promise<DeletionRecord> {
  const record = await Deletion.objects.using(db).selectForUpdate().filter({ id: deletionId }).first();
  if (record === null) throw new Deletion.DoesNotExist(`No deletion ${deletionId}.`);
  return record;
}

/**
 * Locks the records of these operations, in id order. Every delete that touches an operation
 * locks its record before any row (and purges lock theirs first of all): with rows locked after
 * operations everywhere, a purge and a hard delete of the same trash cannot deadlock.
 */
export async function lockOperations(db: Database, deletionIds: readonly string[]): Promise<void> {
  if (deletionIds.length === 0 || !db.sqlDialect.locksRows) return;
  await Deletion.objects.using(db).selectForUpdate().filter({ id__in: [...deletionIds] }).orderBy('id').values('id').fetch();
}

/** Refuses, in a sentence, to restore or purge an operation with nothing in the trash. */
export function assertInTrash(record: DeletionRecord, what: 'restore' | 'purge'): void {
  if (hasRowsInTrash(record.state)) return;
  const done = record.state === 'restored' ? 'was restored' : 'was purged';
  throw new QueryUsageError(`Deletion ${record.id} ${done}: nothing of it is in the trash to ${what}.`);
}

/**
 * The rows already in the trash that a hard delete takes, per operation: what a plan names, and
 * the operations whose state must change once they are gone. One query per soft-delete model.
 */
export async function trashedOperations(collector: Collector): Promise<OperationRows> {
  const { db, graph, rows } = collector;
  const found: OperationRows = {};
  if (graph.mode === 'soft') return found;
  for (const meta of graph.models.values()) {
    if (!meta.softDelete) continue;
    const query = db.kysely
      .selectFrom(`${meta.table} as o0`)
      .select(['o0.deletion_id as id', sql<number | string>`count(*)`.as('n')])
      .where('o0.deleted_at', 'is not', null)
      .where('o0.deletion_id', 'is not', null)
      .where((eb) => rows.taken(eb, meta, 'o0'))
      .groupBy('o0.deletion_id');
    for (const row of (await db.execute<{ id: string; n: number | string }>(query.compile())).rows) {
      (found[row.id] ??= {})[meta.label] = Number(row.n);
    }
  }
  return found;
}

/** Whether any row of the operation is still in the trash. */
export async function anyInTrash(db: Database, record: DeletionRecord, resolve: (label: string) => ModelMeta = getModel): Promise<boolean> {
  for (const label of Object.keys(record.counts)) {
    const meta = resolve(label);
    const query = db.kysely.selectFrom(meta.table).select(sql.lit(1).as('one')).where('deletion_id', '=', record.id).where('deleted_at', 'is not', null).limit(1);
    if ((await db.execute(query.compile())).rows.length > 0) return true;
  }
  return false;
}

/**
 * After rows of these operations were deleted for good by something other than their own purge:
 * partial while some of their rows are left in the trash, purged once none are.
 */
export async function settleOperations(db: Database, deletionIds: Iterable<string>): Promise<void> {
  for (const id of deletionIds) {
    const record = await Deletion.objects.using(db).filter({ id }).first();
    if (record === null || !hasRowsInTrash(record.state)) continue;
    const state: DeletionState = (await anyInTrash(db, record)) ? 'partial' : 'purged';
    if (state !== record.state) await Deletion.objects.using(db).filter({ id }).update({ state });
  }
}
