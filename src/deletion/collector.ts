/**
 * The Collector deletes what a queryset matches with Django's on_delete semantics, set-based:
 *
 *   collect  the deletion graph (graph.ts) says which models the delete reaches and how;
 *   check    PROTECT and RESTRICT blockers are looked for with bounded SELECTs;
 *   delete   preDelete signals, SET_* updates, then one DELETE per model, referring models
 *            first, then postDelete signals. All in one transaction.
 *
 * Rows are loaded only for models with delete receivers, and then in batches.
 */
import { sql } from 'kysely';
import { atomic, IntegrityError, type Database } from '../db/index.ts';
import { allModels, hydrate, ForeignKeyField, readsOfCondition, type DeleteOptions, type DeleteResult, type InstanceLike, type ModelMeta, type QuerySet, type WhereNode } from '../orm/index.ts';
import { postDelete, preDelete } from '../signals.ts';
import { assertTookPlanned, ProtectedError, RestrictedError, TrashCascadeError } from './errors.ts';
import { DeletionGraph, isCheckedDoNothing, type Check, type Group } from './graph.ts';
import { lockOperations, settleOperations, trashedOperations } from './operations.ts';
import { assertNotInFlight } from './online/in-flight.ts';
import { planDelete } from './plan.ts';
import { RowSets, type RowScope } from './rows.ts';

/** Rows loaded per query for signal receivers. */
export const SIGNAL_BATCH = 1000;
/** At most this many blocking objects are loaded per relation for an error or a plan. */
export const BLOCKER_LIMIT = 1000;

export function hasReceivers(meta: ModelMeta): boolean {
  return preDelete.hasReceivers(meta.modelClass) || postDelete.hasReceivers(meta.modelClass);
}

export class Collector {
  readonly graph: DeletionGraph;
  readonly rows: RowSets;
  /**
   * The other collectors of one purge, which run in the same transaction: RESTRICT is lifted for
   * rows they take too, as it is for rows this one takes (the purge is one delete).
   */
  alongWith: readonly Collector[] = [];

  constructor(
    readonly db: Database,
    readonly root: ModelMeta,
    readonly where: WhereNode | undefined,
    mode: 'hard' | 'soft' = 'hard',
    scope?: RowScope,
  ) {
    this.graph = new DeletionGraph(root, mode);
    this.rows = new RowSets(db, this.graph, where, scope);
  }

  static forQuerySet(qs: QuerySet<unknown>, mode: 'hard' | 'soft' = 'hard'): Collector {
    return new Collector(qs.db, qs.meta, qs.state.where, mode);
  }

  // ---- check ---------------------------------------------------------------------------------

  /** The rows that block the delete through `check`, at most BLOCKER_LIMIT of them. */
  async blockers(check: Check): Promise<InstanceLike[]> {
    const { field } = check;
    const referrer = field.model;
    const a = 'b0';
    let query = this.db.kysely
      .selectFrom(`${referrer.table} as ${a}`)
      .selectAll(a)
      .where(`${a}.${field.column}`, 'in', this.rows.keysOf(field.target));
    // A soft delete is blocked by live rows only; the trash refers to nothing.
    if (this.graph.mode === 'soft' && referrer.softDelete) query = query.where(`${a}.deleted_at`, 'is', null);
    // RESTRICT is lifted for rows that the delete removes anyway through a CASCADE path.
    if (check.kind === 'RESTRICT') {
      for (const remover of [this, ...this.alongWith]) {
        if (remover.graph.has(referrer)) query = query.where(`${a}.${referrer.pk.column}`, 'not in', remover.rows.keysOf(referrer));
      }
    }
    const { rows } = await this.db.execute<Record<string, unknown>>(query.orderBy(`${a}.${referrer.pk.column}`).limit(BLOCKER_LIMIT).compile());
    return rows.map((row) => hydrate(referrer, row, this.db));
  }

  async assertNotBlocked(): Promise<void> {
    for (const kind of ['PROTECT', 'RESTRICT', 'NO_TRASH'] as const) {
      const found: InstanceLike[] = [];
      const fields: ForeignKeyField[] = [];
      for (const check of this.graph.checks.filter((c) => c.kind === kind)) {
        const blocking = await this.blockers(check);
        if (blocking.length > 0) {
          found.push(...blocking);
          fields.push(check.field);
        }
      }
      if (found.length === 0) continue;
      const target = fields[0]!.target.objectName;
      const names = fields.map((f) => `'${f.model.objectName}.${f.name}'`).join(', ');
      if (kind === 'NO_TRASH') {
        const models = [...new Set(fields.map((f) => f.model.objectName))].join(', ');
        throw new TrashCascadeError(
          `Cannot move some instances of model '${target}' to the trash because they are referenced through CASCADE foreign keys of models without a trash: ${names}. Delete those rows first, delete for good (hardDelete), or give ${models} softDelete: true.`,
          found,
        );
      }
      const word = kind === 'PROTECT' ? 'protected' : 'restricted';
      const message = `Cannot delete some instances of model '${target}' because they are referenced through ${word} foreign keys: ${names}.`;
      throw kind === 'PROTECT' ? new ProtectedError(message, found) : new RestrictedError(message, found);
    }
  }

  // ---- lock ----------------------------------------------------------------------------------

  /**
   * On PostgreSQL and MariaDB, another connection may insert a row that points at a row this
   * delete takes, between the statement that deletes the referring rows and the one that deletes
   * their parent: the delete would then fail on the foreign key. So the rows that can be pointed
   * at are locked first, parents before children: an insert referring to one waits for the
   * delete and then fails with an IntegrityError, and a child committed before the lock is
   * deleted with the rest. Every delete locks in one order (lockOrder: parents first, then by
   * label; each model's rows in key order), so two deletes cannot deadlock on each other's locks.
   * Models nothing points at (often the largest) need no lock.
   */
  async lockReferencedRows(): Promise<void> {
    await Collector.lockTogether([this]);
  }

  /** The rows that several collectors of one delete (a purge's) take, locked as one delete's. */
  static async lockTogether(collectors: readonly Collector[]): Promise<void> {
    const db = collectors[0]?.db;
    if (db === undefined || !db.sqlDialect.locksRows) return;
    const models = new Map<string, ModelMeta>();
    for (const c of collectors) for (const meta of c.graph.models.values()) models.set(meta.label, meta);
    for (const meta of lockOrder([...models.values()])) {
      if (!meta.reverseRelations.some((r) => r.field instanceof ForeignKeyField && r.field.dbConstraint)) continue;
      const taking = collectors.filter((c) => c.graph.has(meta));
      const locked = db.kysely
        .selectFrom(`${meta.table} as l0`)
        .select(sql.lit(1).as('one'))
        .where((eb) => eb.or(taking.map((c) => c.rows.taken(eb, meta, 'l0'))))
        .orderBy(`l0.${meta.pk.column}`)
        .forUpdate();
      // Counted on the server: the locked rows are not sent over.
      await db.execute(db.kysely.selectFrom(locked.as('locked')).select(sql<number>`count(*)`.as('n')).compile());
    }
  }

  // ---- delete --------------------------------------------------------------------------------

  /** Deletes everything the graph takes, in one transaction; `origin` is what delete() was called on. */
  async delete(origin: unknown, { onProgress, authorize }: Pick<DeleteOptions, 'onProgress' | 'authorize'> = {}): Promise<DeleteResult> {
    return atomic(async () => {
      // The operations whose trash it takes are locked before their rows (see lockOperations).
      const trashed = Object.keys(await trashedOperations(this));
      await lockOperations(this.db, trashed);
      // The trash of a soft delete still running online is that operation's until it ends.
      for (const id of trashed) await assertNotInFlight(this.db, id, 'purge');
      await this.lockReferencedRows();
      await this.assertNotBlocked();
      await this.fixRowSets();
      // Nothing has been written yet: the plan is exactly what goes, and what went is checked against it.
      const plan = authorize === undefined ? undefined : await planDelete(this);
      if (plan !== undefined) await authorize!(plan);
      const operations = Object.keys(await trashedOperations(this));
      await this.sendPreDelete(origin);
      await this.applyUpdates();
      const byModel: Record<string, number> = {};
      for (const group of this.graph.order) await this.deleteGroup(group, byModel, origin, onProgress);
      if (plan !== undefined) assertTookPlanned(plan.byModel, byModel);
      await settleOperations(this.db, operations);
      await this.rows.cleanUp();
      const total = Object.values(byModel).reduce((sum, n) => sum + n, 0);
      return { total, byModel };
    }, { using: this.db });
  }

  /**
   * Row sets are recomputed by each statement, which is right while the rows they are computed
   * from stay put. What a delete takes is decided before its first write, so the sets are written
   * down first where a write could move them: a root filter that is not provably stable (see
   * rootIsStable), cycles whose rows go in batches or across several tables, and, when a
   * receiver's code runs between the statements (and may write anything), every model's rows.
   */
  async fixRowSets(): Promise<void> {
    if (this.where !== undefined && !this.rootIsStable(this.where)) await this.rows.materialiseRoot();
    for (const group of this.graph.order) {
      if (group.cyclic.length > 0 && (group.models.length > 1 || group.models.some(hasReceivers))) await this.rows.materialiseGroup(group);
    }
    if (this.graph.mode === 'hard' && [...this.graph.models.values()].some(hasReceivers)) {
      for (const meta of this.graph.models.values()) await this.rows.materialiseModel(meta);
    }
  }

  /**
   * Whether every statement may compute the root's rows from its filter anew: the filter reads
   * nothing but the root row's own columns (no other table or row, which the cascade empties),
   * no SET_* rule of this delete writes one of those columns (nulling a self key can make a row
   * match `parent__isnull`), and no receiver's code runs between the statements.
   */
  private rootIsStable(where: WhereNode): boolean {
    const reads = readsOfCondition(where);
    if (reads.beyondRow) return false;
    if (this.graph.mode === 'hard' && [...this.graph.models.values()].some(hasReceivers)) return false;
    const written = new Set(this.graph.updates.filter((u) => u.field.model === this.root).map((u) => u.field.column));
    return ![...reads.columns].some((column) => written.has(column));
  }

  /** Every preDelete goes out before the first row is deleted, referring models first. */
  private async sendPreDelete(origin: unknown): Promise<void> {
    for (const group of this.graph.order) {
      for (const meta of group.models) {
        if (!preDelete.hasReceivers(meta.modelClass)) continue;
        for await (const batch of this.streamRows(meta, origin)) {
          for (const instance of batch) await preDelete.send({ sender: meta.modelClass, instance, origin, using: this.db });
        }
      }
    }
  }

  /** Keyset pagination over the rows `meta` loses, SIGNAL_BATCH at a time. */
  private async *streamRows(meta: ModelMeta, origin: unknown): AsyncGenerator<InstanceLike[]> {
    let after: unknown;
    for (;;) {
      const batch = await this.loadRows(meta, after, origin);
      if (batch.length > 0) yield batch;
      if (batch.length < SIGNAL_BATCH) return;
      after = batch[batch.length - 1]![meta.pk.attname];
    }
  }

  private async loadRows(meta: ModelMeta, after: unknown, origin: unknown): Promise<InstanceLike[]> {
    const { rows } = await this.db.execute<Record<string, unknown>>(this.rows.batch(meta, after, SIGNAL_BATCH).compile());
    // The instance delete() was called on is the one receivers get, not a copy.
    const self = originInstance(origin, meta);
    return rows.map((row) => {
      const instance = hydrate(meta, row, this.db);
      return self !== undefined && self[meta.pk.attname] === instance[meta.pk.attname] ? self : instance;
    });
  }

  /** SET_NULL, SET_DEFAULT and SET: one UPDATE per field, before any row is deleted. */
  private async applyUpdates(): Promise<void> {
    for (const update of this.graph.updates) {
      const { field } = update;
      const keys = this.rows.keysOf(field.target);
      if (update.needsRows) {
        const probe = this.db.kysely.selectFrom(`${field.model.table} as p0`).select(sql.lit(1).as('one')).where(`p0.${field.column}`, 'in', keys).limit(1);
        if ((await this.db.execute(probe.compile())).rows.length === 0) continue;
      }
      const value = field.clean(update.value());
      const query = this.db.kysely
        .updateTable(field.model.table)
        .set({ [field.column!]: field.toDb(value, this.db.dialect) })
        .where(field.column!, 'in', this.materialised(this.rows.keysOf(field.target)));
      await this.db.execute(query.compile());
    }
  }

  private async deleteGroup(group: Group, byModel: Record<string, number>, origin: unknown, onProgress: DeleteOptions['onProgress']): Promise<void> {
    // Where foreign keys are checked row by row and cannot be deferred (MySQL), rows of one group
    // that refer to each other (a row to itself included) can only go with the checks off. The
    // graph decided every such row's fate; only DO_NOTHING leaves it to the constraint, checked
    // by hand first.
    const unchecked = !this.db.sqlDialect.deferrableForeignKeys && group.models.some((m) => m.foreignKeys.some((f) => f.dbConstraint && group.models.includes(f.target)));
    if (unchecked) {
      await this.assertNoDanglingKeys(group);
      await this.db.setForeignKeyChecks(false);
    }
    try {
      for (const meta of group.models) {
        const n = hasReceivers(meta) ? await this.deleteInBatches(meta, origin) : await this.deleteAll(meta, group);
        if (n > 0) byModel[meta.label] = (byModel[meta.label] ?? 0) + n;
        await onProgress?.({ model: meta.label, rows: n, deleted: Object.values(byModel).reduce((a, b) => a + b, 0) });
      }
    } finally {
      if (unchecked) await this.db.setForeignKeyChecks(true);
    }
  }

  /**
   * What the constraints would refuse, with the checks off on MySQL: a DO_NOTHING key of a row
   * that stays, left pointing at a row of `group` that goes. (An online delete's submit checks
   * the same over all its collectors: online/within.ts.)
   */
  private async assertNoDanglingKeys(group: Group): Promise<void> {
    for (const target of group.models) {
      for (const { field } of target.reverseRelations) {
        if (!isCheckedDoNothing(field)) continue;
        const referrer = field.model;
        let query = this.db.kysely.selectFrom(`${referrer.table} as g0`).select(sql.lit(1).as('one')).where(`g0.${field.column}`, 'in', this.rows.keysOf(target));
        if (this.graph.has(referrer)) query = query.where(`g0.${referrer.pk.column}`, 'not in', this.rows.keysOf(referrer));
        if ((await this.db.execute(query.limit(1).compile())).rows.length === 0) continue;
        throw new IntegrityError(`Cannot delete rows of ${target.label}: ${referrer.label}.${field.name} (DO_NOTHING) still refers to them, and its foreign key constraint forbids that.`);
      }
    }
  }

  private async deleteAll(meta: ModelMeta, group: Group): Promise<number> {
    let query = this.db.kysely.deleteFrom(meta.table);
    if (group.cyclic.length === 0) query = query.where((eb) => this.rows.taken(eb, meta, meta.table));
    else query = query.where(meta.pk.column!, 'in', this.materialised(this.rows.keysOf(meta)));
    const result = await this.db.execute(query.compile());
    return Number(result.numAffectedRows ?? 0);
  }

  /** With receivers: load a batch, delete it by key, send postDelete; keys ascend, so each batch starts after the last. */
  private async deleteInBatches(meta: ModelMeta, origin: unknown): Promise<number> {
    let deleted = 0;
    let after: unknown;
    for (;;) {
      const batch = await this.loadRows(meta, after, origin);
      if (batch.length === 0) return deleted;
      after = batch[batch.length - 1]![meta.pk.attname];
      const keys = batch.map((i) => meta.pk.toDb(i[meta.pk.attname], this.db.dialect));
      const result = await this.db.execute(this.db.kysely.deleteFrom(meta.table).where(meta.pk.column!, 'in', keys).compile());
      deleted += Number(result.numAffectedRows ?? 0);
      for (const instance of batch) await postDelete.send({ sender: meta.modelClass, instance, origin, using: this.db });
      if (batch.length < SIGNAL_BATCH) return deleted;
    }
  }

  /** `keys` for a write's subquery: a derived table where the database reads the written table only so (MySQL). */
  materialised(keys: ReturnType<RowSets['keysOf']>): ReturnType<RowSets['keysOf']> {
    if (!this.db.sqlDialect.materialisesSubqueriesOfWrites) return keys;
    return this.db.kysely.selectFrom(keys.as('materialised')).select('materialised.pk') as ReturnType<RowSets['keysOf']>;
  }
}

/**
 * The one order in which every delete locks: a model after every model its foreign keys point at
 * (a cycle cut where it closes), models of one depth by label. Depths are taken over every
 * model defined, visited by label, so that two deletes order any two models alike.
 */
export function lockOrder(models: readonly ModelMeta[]): ModelMeta[] {
  const depth = globalDepths();
  return [...models].sort((a, b) => depth(a) - depth(b) || (a.label < b.label ? -1 : a.label > b.label ? 1 : 0));
}

let depths: { count: number; of: Map<ModelMeta, number> } | undefined;

function globalDepths(): (meta: ModelMeta) => number {
  const all = allModels();
  if (depths === undefined || depths.count !== all.length) {
    const of = new Map<ModelMeta, number>();
    const visiting = new Set<ModelMeta>();
    const depthOf = (meta: ModelMeta): number => {
      const known = of.get(meta);
      if (known !== undefined) return known;
      if (visiting.has(meta)) return 0;
      visiting.add(meta);
      let d = 0;
      for (const fk of meta.foreignKeys) if (fk.target !== meta) d = Math.max(d, depthOf(fk.target) + 1);
      visiting.delete(meta);
      of.set(meta, d);
      return d;
    };
    for (const meta of [...all].sort((a, b) => (a.label < b.label ? -1 : 1))) depthOf(meta);
    depths = { count: all.length, of };
  }
  const { of } = depths;
  return (meta) => of.get(meta) ?? 0;
}

function originInstance(origin: unknown, meta: ModelMeta): InstanceLike | undefined {
  if (typeof origin !== 'object' || origin === null) return undefined;
  return (origin.constructor as { meta?: ModelMeta }).meta?.label === meta.label ? (origin as InstanceLike) : undefined;
}
