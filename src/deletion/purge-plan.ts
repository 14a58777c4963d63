/**
 * What purging operations removes for good, before anything is removed: their own trash, what
 * cascades from it, and, named apart, what belongs to someone else: rows of other operations
 * still in the trash, and live rows of soft-delete models. A purge takes those only when asked
 * to (then the other operations are purged whole), so no operation is left half gone.
 */
import { sql } from 'kysely';
import type { Database } from '../db/index.ts';
import { getModel, pkIn, QueryUsageError, type InstanceLike, type ModelMeta, type WhereNode } from '../orm/index.ts';
import { Collector } from './collector.ts';
import { DeletionGraph } from './graph.ts';
import type { DeletionRecord, OperationRows } from './operations.ts';
import { planDelete } from './plan.ts';

export interface PurgePlan {
  /** The operations purged: the one asked for, and those taken along knowingly. */
  deletions: string[];
  /** Rows removed for good per model label, every kind below together. */
  byModel: Record<string, number>;
  total: number;
  /** Rows of other operations, still in the trash, that the cascade would take: per operation, per model. */
  operations: OperationRows;
  /** Live rows of soft-delete models that the cascade would take, per model: no trash would keep them. */
  live: Record<string, number>;
  /** Rows kept with a link cleared or reset (SET_NULL, SET_DEFAULT, SET), per model. */
  updates: Record<string, number>;
  protected: Record<string, InstanceLike[]>;
  restricted: Record<string, InstanceLike[]>;
  /** True when the purge takes nothing beyond the operations in `deletions`. */
  selfContained: boolean;
}

/** The trash rows of operation `deletionId` in `meta`, optionally narrowed to some keys. */
export function trashOf(meta: ModelMeta, deletionId: string, keys?: unknown[]): WhereNode {
  const children: WhereNode[] = [
    { kind: 'compare', field: meta.field('deletionId')!, column: 'deletion_id', lookup: 'exact', value: deletionId },
    { kind: 'isnull', column: 'deleted_at', isNull: false },
  ];
  if (keys !== undefined) children.push(pkIn(meta, keys));
  return { kind: 'and', children };
}

/** The operation's models, each after the models that refer to it. */
export function referringFirst(models: ModelMeta[]): ModelMeta[] {
  const order: ModelMeta[] = [];
  for (const meta of models) {
    for (const group of new DeletionGraph(meta, 'soft').order) {
      for (const member of group.models) if (models.includes(member) && !order.includes(member)) order.push(member);
    }
  }
  return order;
}

/** One hard-delete collector per model of each operation: the purge runs them in this order. */
export function purgeCollectors(db: Database, records: readonly DeletionRecord[]): Collector[] {
  const collectors = records.flatMap((record) => referringFirst(Object.keys(record.counts).map(getModel)).map((meta) => new Collector(db, meta, trashOf(meta, record.id))));
  for (const collector of collectors) collector.alongWith = collectors.filter((other) => other !== collector);
  return collectors;
}

/**
 * The union of what the collectors take, counted per model in one statement each, split by
 * the operation a trashed row belongs to. Nothing is written.
 */
export async function planPurge(db: Database, records: readonly DeletionRecord[]): Promise<PurgePlan> {
  const collectors = purgeCollectors(db, records);
  const ids = new Set(records.map((r) => r.id));
  const models = new Map<string, ModelMeta>();
  for (const c of collectors) for (const meta of c.graph.models.values()) models.set(meta.label, meta);
  const plan: PurgePlan = { deletions: [...ids], byModel: {}, total: 0, operations: {}, live: {}, updates: {}, protected: {}, restricted: {}, selfContained: true };
  for (const meta of models.values()) {
    const taking = collectors.filter((c) => c.graph.has(meta));
    const base = db.kysely.selectFrom(`${meta.table} as p0`).where((eb) => eb.or(taking.map((c) => c.rows.taken(eb, meta, 'p0'))));
    const query = meta.softDelete
      ? base.select(['p0.deletion_id as id', sql<string | null>`case when p0.deleted_at is null then 'live' else 'trash' end`.as('place'), sql<number | string>`count(*)`.as('n')]).groupBy(['p0.deletion_id', sql`case when p0.deleted_at is null then 'live' else 'trash' end`])
      : base.select([sql<null>`null`.as('id'), sql<string>`'live'`.as('place'), sql<number | string>`count(*)`.as('n')]);
    for (const row of (await db.execute<{ id: string | null; place: string; n: number | string }>(query.compile())).rows) {
      const n = Number(row.n);
      if (n === 0) continue;
      plan.byModel[meta.label] = (plan.byModel[meta.label] ?? 0) + n;
      if (!meta.softDelete) continue;
      if (row.place === 'live') plan.live[meta.label] = (plan.live[meta.label] ?? 0) + n;
      else if (row.id !== null && !ids.has(row.id)) (plan.operations[row.id] ??= {})[meta.label] = n;
    }
  }
  for (const collector of collectors) {
    const part = await planDelete(collector);
    for (const [label, n] of Object.entries(part.updates)) plan.updates[label] = (plan.updates[label] ?? 0) + n;
    for (const [label, found] of Object.entries(part.protected)) (plan.protected[label] ??= []).push(...found);
    for (const [label, found] of Object.entries(part.restricted)) (plan.restricted[label] ??= []).push(...found);
  }
  plan.total = Object.values(plan.byModel).reduce((a, b) => a + b, 0);
  plan.selfContained = Object.keys(plan.operations).length === 0 && Object.keys(plan.live).length === 0;
  return plan;
}

/** "1 comment of deletion 3f2…, 2 live comments": what a purge would take beyond its own. */
export function describeOverlap(plan: Pick<PurgePlan, 'operations' | 'live'>): string {
  const name = (label: string, n: number) => `${n} ${n === 1 ? getModel(label).verboseName : getModel(label).verboseNamePlural}`;
  const parts = [
    ...Object.entries(plan.operations).map(([id, counts]) => `${Object.entries(counts).map(([l, n]) => name(l, n)).join(', ')} still in the trash with deletion ${id}`),
    ...Object.entries(plan.live).map(([label, n]) => `${name(label, n)} not in the trash`),
  ];
  return parts.join('; ');
}

/** A purge would take rows that are not its operation's trash; nothing was removed. */
export class PurgeOverlapError extends QueryUsageError {
  override name = 'PurgeOverlapError';
  constructor(readonly plan: PurgePlan) {
    super(`Purging deletion ${plan.deletions.join(', ')} would also delete for good ${describeOverlap(plan)}. Nothing was purged: purge with { overlapping: 'purge' } to take those too, each deletion whole.`);
  }
}
