/** planDelete(): what a delete would do, computed with counts; nothing is deleted or loaded in bulk. */
import { sql, type AliasedSelectQueryBuilder, type SelectQueryBuilder } from 'kysely';

type AliasedKeys = AliasedSelectQueryBuilder<any, string>;
import { hydrate, type InstanceLike, type ModelMeta } from '../orm/index.ts';
import type { Collector } from './collector.ts';
import { trashedOperations, type OperationRows } from './operations.ts';

export interface DeletePlan {
  /** True when delete() would move the rows to the trash (a soft-delete model, not planned hard). */
  soft: boolean;
  /** Rows that would be deleted, every model included. */
  total: number;
  /** Rows that would be deleted per model label; models with none are left out. */
  byModel: Record<string, number>;
  /** Objects whose PROTECT foreign keys block the delete, per model label. */
  protected: Record<string, InstanceLike[]>;
  /** Objects whose RESTRICT foreign keys block the delete, per model label. */
  restricted: Record<string, InstanceLike[]>;
  /**
   * A soft delete only: live objects of models without a trash that CASCADE from the rows it
   * would move, per model label. They block it (TrashCascadeError): left live they would point
   * into the trash, and deleted for good they could not come back.
   */
  untrashable: Record<string, InstanceLike[]>;
  /** A hard delete: rows already in the trash it takes, per operation id and model label. */
  operations: OperationRows;
  /** Rows that SET_NULL, SET_DEFAULT or SET would change (and that stay), per model label. */
  updates: Record<string, number>;
  /** True when nothing blocks the delete. */
  allowed: boolean;
  /** Up to `limit` of the objects of a model (given by label or class) that would be deleted. */
  sample(model: string | { meta: { label: string } }, limit?: number): Promise<InstanceLike[]>;
}

export async function planDelete(collector: Collector): Promise<DeletePlan> {
  const { db, graph, rows } = collector;
  const soft = graph.mode === 'soft';
  // A soft delete leaves rows already in the trash with their own operation.
  const taken = (meta: ModelMeta, alias: string) => {
    const query = db.kysely.selectFrom(`${meta.table} as ${alias}`).where((eb) => rows.taken(eb, meta, alias));
    return soft ? query.where(`${alias}.deleted_at`, 'is', null) : query;
  };
  // Every count in one statement: a confirmation page pays one round trip, however big the graph.
  const counts: { label: string; kind: 'taken' | 'updated' | 'trashed' | 'updatedTaken'; keys: AliasedKeys }[] = [];
  for (const meta of graph.models.values()) {
    if (db.sqlDialect.prefersSubtractedCounts && rows.keysAreDistinct(meta)) {
      // SQLite counts the keys from an index alone, but reads rows to check them again or to
      // test `deleted_at` (half a million rows: 0.4 s). So: the keys as they are, less (soft)
      // those already in the trash, found through the deleted_at index (`+` keeps the planner
      // from driving that search by the key list).
      counts.push({ label: meta.label, kind: 'taken', keys: (rows.keysOf(meta) as SelectQueryBuilder<any, any, any>).as('k') });
      if (!soft) continue;
      const trashed = db.kysely.selectFrom(`${meta.table} as t0`).select(`t0.${meta.pk.column}`)
        .where(sql<boolean>`unlikely(${sql.ref(`t0.deleted_at`)} is not null)`)
        .where(sql<boolean>`+${sql.ref(`t0.${meta.pk.column}`)} in (${rows.keysOf(meta)})`);
      counts.push({ label: meta.label, kind: 'trashed', keys: trashed.as('k') });
      continue;
    }
    counts.push({ label: meta.label, kind: 'taken', keys: taken(meta, 't0').select(`t0.${meta.pk.column}`).as('k') });
  }
  for (const { field } of graph.updates) {
    const referrer = field.model;
    let query = db.kysely.selectFrom(`${referrer.table} as u0`).select('u0.' + referrer.pk.column).where(`u0.${field.column}`, 'in', rows.keysOf(field.target));
    if (graph.has(referrer) && db.sqlDialect.prefersSubtractedCounts && rows.keysAreDistinct(referrer)) {
      // Rows the delete removes anyway are not changed rows. SQLite answers `NOT IN` half a
      // million keys slowly (0.6 s); the pointing rows less those taken is twice as fast, read
      // from two indexes (`+` keeps the planner from fetching rows by the taken keys).
      counts.push({ label: referrer.label, kind: 'updated', keys: query.as('k') });
      const taken = query.where(sql<boolean>`+${sql.ref(`u0.${referrer.pk.column}`)} in (${rows.keysOf(referrer)})`);
      counts.push({ label: referrer.label, kind: 'updatedTaken', keys: taken.as('k') });
      continue;
    }
    // Rows the delete removes anyway are not changed rows.
    if (graph.has(referrer)) query = query.where(`u0.${referrer.pk.column}`, 'not in', rows.keysOf(referrer));
    counts.push({ label: referrer.label, kind: 'updated', keys: query.as('k') });
  }
  const statement = db.kysely.selectNoFrom((eb) =>
    counts.map(({ keys }, i) => (eb.selectFrom(keys) as SelectQueryBuilder<any, any, any>).select(sql<number>`count(*)`.as('n')).as(`n${i}`)),
  );
  const [row] = (await db.execute<Record<string, number | string>>(statement.compile())).rows;
  const byModel: Record<string, number> = {};
  const updates: Record<string, number> = {};
  counts.forEach(({ label, kind }, i) => {
    const n = Number(row?.[`n${i}`] ?? 0);
    if (n === 0) return;
    if (kind === 'taken') byModel[label] = (byModel[label] ?? 0) + n;
    else if (kind === 'trashed') byModel[label] = (byModel[label] ?? 0) - n;
    else if (kind === 'updatedTaken') updates[label] = (updates[label] ?? 0) - n;
    else updates[label] = (updates[label] ?? 0) + n;
  });
  for (const tally of [byModel, updates]) for (const label of Object.keys(tally)) if (tally[label] === 0) delete tally[label];
  const blocked = { protected: {} as Record<string, InstanceLike[]>, restricted: {} as Record<string, InstanceLike[]>, untrashable: {} as Record<string, InstanceLike[]> };
  const buckets = { PROTECT: blocked.protected, RESTRICT: blocked.restricted, NO_TRASH: blocked.untrashable };
  for (const check of graph.checks) {
    const found = await collector.blockers(check);
    if (found.length === 0) continue;
    const bucket = buckets[check.kind];
    (bucket[check.field.model.label] ??= []).push(...found);
  }
  return {
    soft,
    total: Object.values(byModel).reduce((a, b) => a + b, 0),
    byModel,
    ...blocked,
    operations: await trashedOperations(collector),
    updates,
    allowed: Object.values(blocked).every((bucket) => Object.keys(bucket).length === 0),
    async sample(model: string | { meta: { label: string } }, limit = 10): Promise<InstanceLike[]> {
      const meta = graph.models.get(typeof model === 'string' ? model : model.meta.label);
      if (meta === undefined) return [];
      const pk = `s0.${meta.pk.column}`;
      const query = taken(meta, 's0').selectAll('s0').orderBy(pk).limit(limit);
      const result = await db.execute<Record<string, unknown>>(query.compile());
      return result.rows.map((row) => hydrate(meta, row, db));
    },
  };
}
