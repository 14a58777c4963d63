/**
 * The scenario on Trove: models defined under a fresh app label, rows and links inserted,
 * operations run through the public API, and what happened described as the reference would.
 */
import {
  model, fields as f, atomic, restoreDeletion, purgeDeletion, purge, ProtectedError, RestrictedError, TrashCascadeError, OrphanRestoreError, PurgeOverlapError,
  QueryUsageError, IntegrityError, Deletion, OperationWorker, operationProgress, sweepLimits, Q, Exists, Subquery, OuterRef, F, Count, Sum, CASCADE, PROTECT, RESTRICT, SET_NULL, SET_DEFAULT, DO_NOTHING, type Database,
} from '../../../src/index.ts';
import { authorizeDelete, authorizePurge, authorizeRestore, DeletionNotPermitted, userMay } from '../../../src/auth/index.ts';
import type { ErrorKind, Outcome, PlanOutcome, Timing } from './reference.ts';
import {
  annotationsOf, conditionKey, hopName, m2mRelatedName, M2M_FIELD, relatedName, type Filter, type Many, type Node, type Operation, type Case, type ModelSpec, type Scenario, type Scope, type Via, type VLeaf,
} from './scenario.ts';

const RULES = { CASCADE, PROTECT, RESTRICT, SET_NULL, SET_DEFAULT, DO_NOTHING };

type ModelClass = ReturnType<typeof model> & { objects: any; allObjects: any; deletedObjects: any; meta: any };

let schemaCount = 0;

export class Harness {
  readonly classes: ModelClass[];
  /** The link model of each model's many-to-many field. */
  readonly throughs: (ModelClass | undefined)[];
  readonly models: ModelSpec[];
  /** Operation index to deletion id, for the soft deletes of the current case that left a record. */
  deletionIds = new Map<number, string>();
  /** Those operations, in the order they were made. */
  deletions: number[] = [];
  private current: Case | undefined;

  private constructor(readonly db: Database, scenario: Scenario, readonly app: string) {
    const label = (i: number) => `${app}.M${i}`;
    this.models = scenario.models;
    this.classes = scenario.models.map((spec, i) => {
      const fields: Record<string, unknown> = { v: f.integer() };
      spec.fks.forEach((fk, j) => {
        fields[fk.name] = f.foreignKey(fk.target === i ? 'self' : label(fk.target), {
          onDelete: RULES[fk.rule],
          null: fk.nullable,
          dbConstraint: fk.constraint,
          relatedName: relatedName(i, j),
          ...(fk.rule === 'SET_DEFAULT' && { default: null }),
        });
      });
      if (spec.m2m !== null) fields[M2M_FIELD] = f.manyToMany(spec.m2m.target === i ? 'self' : label(spec.m2m.target), { relatedName: m2mRelatedName(i) });
      return model(label(i), fields as never, { softDelete: spec.soft }) as unknown as ModelClass;
    });
    this.throughs = this.classes.map((c, i) => (scenario.models[i]!.m2m === null ? undefined : (c.meta.field(M2M_FIELD).through.modelClass as ModelClass)));
  }

  static async create(db: Database, scenario: Scenario): Promise<Harness> {
    const harness = new Harness(db, scenario, `dx${++schemaCount}`);
    await db.createTables(harness.tableSpecs());
    return harness;
  }

  private tableSpecs() {
    return [...this.classes, ...this.throughs.filter((t) => t !== undefined)].map((c) => c.meta.tableSpec());
  }

  labelOf(m: number): string {
    return this.classes[m]!.meta.label;
  }

  throughLabelOf(m: number): string {
    return this.throughs[m]!.meta.label;
  }

  /** A fresh start on the same tables: the case's rows and links, nothing in the trash. */
  async startCase(given: Case): Promise<void> {
    if (this.current !== undefined) await this.clear();
    this.current = given;
    this.deletionIds = new Map();
    this.deletions = [];
    const { classes } = this;
    await atomic(async () => {
      // Keys to this or a later model are set once every row exists, one UPDATE per value.
      const later = new Map<string, { m: number; attname: string; value: number; ids: number[] }>();
      for (const [m, rows] of given.rows.entries()) {
        const spec = this.models[m]!;
        await classes[m]!.objects.bulkCreate(rows.map((row) => {
          const data: Record<string, unknown> = { id: row.id, v: row.v };
          spec.fks.forEach((fk, j) => {
            const value = row.fks[j]!;
            if (fk.target < m) data[`${fk.name}Id`] = value;
            else if (value !== null) {
              const key = `${m}:${fk.name}:${value}`;
              const entry = later.get(key) ?? { m, attname: `${fk.name}Id`, value, ids: [] };
              entry.ids.push(row.id);
              later.set(key, entry);
            }
          });
          return data;
        }));
      }
      for (const { m, attname, value, ids } of later.values()) await classes[m]!.objects.filter({ id__in: ids }).update({ [attname]: value });
      for (const [m, links] of given.links.entries()) {
        if (links.length === 0) continue;
        const field = classes[m]!.meta.field(M2M_FIELD);
        await this.throughs[m]!.objects.bulkCreate(links.map(([s, t]) => ({ [field.sourceLink.attname]: s, [field.targetLink.attname]: t })));
      }
    }, { using: this.db });
  }

  /**
   * Empties the tables without DDL (TRUNCATE is slow on MariaDB): links first, then keys that may
   * be null, then rows, later models first (a key that must be set points at an earlier model).
   */
  private async clear(): Promise<void> {
    await this.forgetDeletions();
    const { db } = this;
    await atomic(async () => {
      // Plain statements, not the engine under test.
      for (const through of this.throughs) if (through !== undefined) await db.execute(db.kysely.deleteFrom(through.meta.table).compile());
      for (const [m, spec] of this.models.entries()) {
        const nullable = spec.fks.filter((fk) => fk.nullable).map((fk) => this.classes[m]!.meta.field(fk.name).column as string);
        if (nullable.length > 0) await db.execute(db.kysely.updateTable(this.classes[m]!.meta.table).set(Object.fromEntries(nullable.map((c) => [c, null]))).compile());
      }
      for (let m = this.models.length - 1; m >= 0; m--) await db.execute(db.kysely.deleteFrom(this.classes[m]!.meta.table).compile());
    }, { using: db });
  }

  /** The trash records of this scenario only: long runs would otherwise scan them all. */
  private async forgetDeletions(): Promise<void> {
    await Deletion.objects.filter({ rootLabel__in: this.classes.map((c) => c.meta.label) }).delete();
  }

  async dispose(): Promise<void> {
    try {
      await this.db.dropTables(this.tableSpecs());
    } finally {
      await this.forgetDeletions();
    }
  }

  // ---- querysets -----------------------------------------------------------------------------

  private manager(m: number, scope: Scope) {
    const c = this.classes[m]!;
    if (!this.models[m]!.soft) return c.objects;
    return scope === 'live' ? c.objects : scope === 'all' ? c.allObjects : c.deletedObjects;
  }

  private vFilter(leaf: VLeaf | null): Record<string, number> {
    return leaf === null ? {} : { [leaf.lookup === 'exact' ? 'v' : `v__${leaf.lookup}`]: leaf.value };
  }

  private viaQuerySet(m: number, via: Via, scope: 'live' | 'all') {
    if (via.kind === 'reverse') return this.manager(via.model, scope).filter({ [this.models[via.model]!.fks[via.fk]!.name]: OuterRef('pk') });
    const fk = this.models[m]!.fks[via.fk]!;
    return this.manager(fk.target, scope).filter({ id: OuterRef(fk.name) });
  }

  private aggregate(m: number, node: Extract<Node, { kind: 'aggregate' }>) {
    const path = hopName(this.models, node.over as Many);
    // Django's form: the filter's paths start at the annotated model, with the relation's name.
    const options = node.filter === null ? undefined : { filter: Q(Object.fromEntries(Object.entries(this.vFilter(node.filter)).map(([key, value]) => [`${path}__${key}`, value]))) };
    return node.fn === 'count' ? Count(path, options) : Sum(`${path}__v`, options);
  }

  private subquery(m: number, node: Extract<Node, { kind: 'subquery' }>) {
    return Subquery(this.viaQuerySet(m, node.via, 'live').orderBy('-v', 'id').valuesList('v', { flat: true }).slice(0, 1));
  }

  private toQ(m: number, node: Node, names: Map<Node, string>): any {
    const lookup = (name: string, l: string) => (l === 'exact' ? name : `${name}__${l}`);
    switch (node.kind) {
      case 'empty':
        return Q();
      case 'path':
        return Q({ [conditionKey(this.models, node.condition)]: node.condition.leaf.value });
      case 'exists': {
        const exists = Exists(this.viaQuerySet(m, node.via, node.scope).filter(this.vFilter(node.inner)));
        return node.negated ? exists.not() : exists;
      }
      case 'subquery':
        if (node.form === 'compare') return Q({ [lookup('v', node.lookup)]: this.subquery(m, node) });
        return Q({ [lookup(names.get(node)!, node.lookup)]: node.value });
      case 'aggregate':
        return Q({ [lookup(names.get(node)!, node.lookup)]: node.value });
      case 'f': {
        const { ref } = node;
        const fk = ref.kind === 'id' ? undefined : this.models[m]!.fks[ref.fk]!.name;
        const base = F(ref.kind === 'id' ? 'id' : ref.kind === 'key' ? fk! : `${fk}__v`);
        return Q({ [lookup('v', node.lookup)]: node.add === 0 ? base : base.add(node.add) });
      }
      case 'and':
      case 'or': {
        const [first, ...rest] = node.children.map((c) => this.toQ(m, c, names));
        return node.kind === 'and' ? first.and(...rest) : first.or(...rest);
      }
      case 'not':
        return this.toQ(m, node.child, names).not();
    }
  }

  /** `manager.annotate(…).filter(…).exclude(…)`: the annotations named a0, a1… first. */
  queryset(m: number, scope: Scope, filter: Filter) {
    let qs = this.manager(m, scope).all();
    const names = new Map<Node, string>();
    const annotations: Record<string, unknown> = {};
    annotationsOf(filter).forEach((node, i) => {
      names.set(node, `a${i}`);
      annotations[`a${i}`] = node.kind === 'aggregate' ? this.aggregate(m, node) : this.subquery(m, node as Extract<Node, { kind: 'subquery' }>);
    });
    if (names.size > 0) qs = qs.annotate(annotations);
    for (const { exclude, node } of filter.calls) {
      // A plain condition goes in as a dictionary, anything else as a Q.
      const argument = node.kind === 'path' ? { [conditionKey(this.models, node.condition)]: node.condition.leaf.value } : this.toQ(m, node, names);
      qs = exclude ? qs.exclude(argument) : qs.filter(argument);
    }
    return qs;
  }

  // ---- operations ----------------------------------------------------------------------------

  private may(user: number | null) {
    if (user === null) return undefined;
    const granted = new Set(this.current!.users[user]!.may.flatMap((actions, m) => actions.map((a) => `${this.app}.${a}_${this.classes[m]!.meta.modelName}`)));
    // The structural type userMay() takes: only hasPerm.
    return userMay({ hasPerm: async (perm: string) => granted.has(perm) });
  }

  private operationIndex(id: string): number {
    for (const [index, known] of this.deletionIds) if (known === id) return index;
    return -1;
  }

  private planOutcome(plan: any): PlanOutcome {
    const operations: Record<number, Record<string, number>> = {};
    for (const [id, counts] of Object.entries(plan.operations as Record<string, Record<string, number>>)) operations[this.operationIndex(id)] = counts;
    const labels = (bucket: Record<string, unknown[]>) => Object.keys(bucket).sort();
    return { byModel: plan.byModel, updates: plan.updates, operations, blocked: { protected: labels(plan.protected), restricted: labels(plan.restricted), untrashable: labels(plan.untrashable) } };
  }

  private pick(of: number): string | undefined {
    return this.deletions.length === 0 ? undefined : this.deletionIds.get(this.deletions[of % this.deletions.length]!);
  }

  private remember(index: number, deletionId: string | undefined): void {
    if (deletionId === undefined) return;
    this.deletionIds.set(index, deletionId);
    this.deletions.push(index);
  }

  /** When each recorded operation was made, as purge() orders and compares them. */
  async timing(): Promise<Timing> {
    const records = await Deletion.objects.filter({ id__in: [...this.deletionIds.values()] });
    const times = records.map((r: any) => ({ op: this.operationIndex(r.id), id: r.id as string, at: (r.createdAt as Date).getTime() }));
    times.sort((a, b) => a.at - b.at || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    return { order: times.map((t) => t.op), createdAt: new Map(times.map((t) => [t.op, t.at])) };
  }

  /** Runs one operation and describes what happened as the reference would. */
  async run(operation: Operation, index: number): Promise<Outcome | { error: 'other'; message: string }> {
    let plan: PlanOutcome | undefined;
    const may = this.may(operation.user);
    try {
      switch (operation.kind) {
        case 'delete':
        case 'hardDelete': {
          const hard = operation.kind === 'hardDelete';
          const qs = this.queryset(operation.model, hard ? operation.scope : 'live', operation.filter);
          plan = this.planOutcome(await qs.planDelete({ hard }));
          const options = may === undefined ? {} : { authorize: authorizeDelete(may) };
          const online = operation.kind === 'delete' ? operation.online : null;
          const result = online ? await this.deleteOnline(qs, options, online.batch, online.sweep ?? false) : hard ? await qs.hardDelete(options) : await qs.delete(options);
          return await this.deleted(operation.model, !hard, index, plan, result);
        }
        case 'deleteInstance': {
          const instance = await this.manager(operation.model, 'all').filter({ id: operation.id }).first();
          if (instance === null) return { missing: true };
          plan = this.planOutcome(await instance.planDelete({ hard: operation.hard }));
          const options = may === undefined ? {} : { authorize: authorizeDelete(may) };
          const result = operation.hard ? await instance.hardDelete(options) : await instance.delete(options);
          return await this.deleted(operation.model, !operation.hard, index, plan, result);
        }
        case 'restoreDeletion': {
          const id = this.pick(operation.of);
          if (id === undefined) return { skip: true };
          return { byModel: (await restoreDeletion(id, may === undefined ? {} : { authorize: authorizeRestore(may) })).byModel };
        }
        case 'restoreInstance': {
          const instance = await this.manager(operation.model, 'all').filter({ id: operation.id }).first();
          if (instance === null) return { missing: true };
          return { byModel: (await instance.restore(may === undefined ? {} : { authorize: authorizeRestore(may) })).byModel };
        }
        case 'restoreQuerySet': {
          const qs = this.queryset(operation.model, 'deleted', operation.filter);
          return { byModel: (await qs.restore(may === undefined ? {} : { authorize: authorizeRestore(may) })).byModel };
        }
        case 'purgeDeletion': {
          const id = this.pick(operation.of);
          if (id === undefined) return { skip: true };
          const authorize = may && { authorize: authorizePurge(may) };
          // Online, a purge takes one deletion alone: with others to take along, it is purged in one transaction.
          const result = operation.online && !operation.overlapping
            ? await this.purgeOnline(id, { overlapping: 'refuse', ...authorize }, operation.online.batch)
            : await purgeDeletion(id, { overlapping: operation.overlapping ? 'purge' : 'refuse', ...authorize });
          return { byModel: result.byModel, deletions: this.indexes(result.deletions) };
        }
        case 'purge': {
          let cutoff = new Date(Date.now() + 86_400_000);
          if (operation.upTo !== null) {
            const id = this.pick(operation.upTo);
            if (id === undefined) return { skip: true };
            cutoff = (await Deletion.objects.get({ id })).createdAt;
          }
          const result = await purge({ olderThan: cutoff, ...(may && { authorize: authorizePurge(may) }) });
          const mine = (ids: string[]) => this.indexes(ids.filter((id) => this.operationIndex(id) >= 0));
          return { byModel: result.byModel, deletions: mine(result.deletions), skipped: mine((result.skipped ?? []).map((s) => s.deletionId)) };
        }
      }
    } catch (error) {
      const kind = errorKind(error);
      if (kind === 'other') return { error: 'other', message: String((error as Error).stack) };
      return plan === undefined ? { error: kind } : { plan, error: kind };
    }
  }

  private indexes(ids: string[]): number[] {
    return ids.map((id) => this.operationIndex(id)).sort((a, b) => a - b);
  }

  private async deleted(m: number, softAsked: boolean, index: number, plan: PlanOutcome, result: any): Promise<Outcome> {
    if (!(softAsked && this.models[m]!.soft)) return { plan, byModel: result.byModel };
    this.remember(index, result.deletionId);
    if (result.deletionId !== undefined) {
      const record = await Deletion.objects.get({ id: result.deletionId });
      const sortedJson = (o: Record<string, number>) => JSON.stringify(Object.entries(o).sort());
      if (sortedJson(record.counts) !== sortedJson(result.byModel)) throw new Error(`record counts ${JSON.stringify(record.counts)} differ from the result ${JSON.stringify(result.byModel)}`);
    }
    return { plan, byModel: result.byModel, recorded: result.deletionId !== undefined };
  }

  /**
   * `purgeDeletion(id, { online: true })`, then a worker until it is done: the result as the
   * one-transaction purge gives it. A trash refused in batches (rows that RESTRICT or point at
   * each other) is purged in one transaction, as the docs say to.
   */
  private async purgeOnline(id: string, options: { overlapping: 'refuse'; authorize?: ReturnType<typeof authorizePurge> }, batch: number): Promise<{ byModel: Record<string, number>; deletions: string[] }> {
    let started;
    try {
      started = await purgeDeletion(id, { ...options, online: true });
    } catch (error) {
      if (error instanceof QueryUsageError && /cannot be purged in batches/.test(error.message)) return purgeDeletion(id, options);
      throw error;
    }
    await new OperationWorker(this.db, { initialBatchSize: batch, maxBatchSize: batch, maxLockWaiters: 1_000, maxFailures: 1 }).drain();
    const progress = await operationProgress(started.operationId, this.db);
    if (progress.state !== 'done') throw new Error(`online purge ended ${progress.state}: ${progress.error}`);
    return { byModel: Object.fromEntries(progress.models.filter((m) => m.done > 0).map((m) => [m.label, m.done])), deletions: [id] };
  }

  /**
   * `qs.delete({ online: true })`, then a worker until it is done: the result as the one-transaction
   * delete gives it. A delete refused online because its rows RESTRICT each other is what the docs
   * say to do then: deleted in one transaction.
   */
  private async deleteOnline(qs: any, options: object, batch: number, sweep: boolean): Promise<{ total: number; byModel: Record<string, number>; deletionId?: string }> {
    let started;
    const limits = { ...sweepLimits };
    if (sweep) Object.assign(sweepLimits, { minRows: 0, maxKeysPerRow: Infinity, minBatchSize: 0, keysPerBatchKey: 2 });
    try {
      try {
        started = await qs.delete({ ...options, online: true });
      } catch (error) {
        if (error instanceof QueryUsageError && /^This delete cannot run in batches/.test(error.message)) return qs.delete(options);
        throw error;
      }
      await new OperationWorker(this.db, { initialBatchSize: batch, maxBatchSize: batch, maxLockWaiters: 1_000, maxFailures: 1 }).drain();
    } finally {
      Object.assign(sweepLimits, limits);
    }
    const progress = await operationProgress(started.operationId, this.db);
    if (progress.state !== 'done') throw new Error(`online operation ended ${progress.state}: ${progress.error}`);
    const byModel = Object.fromEntries(progress.models.filter((m) => m.done > 0).map((m) => [m.label, m.done]));
    return { total: Object.values(byModel).reduce((a, b) => a + b, 0), byModel, ...(started.deletionId !== undefined && { deletionId: started.deletionId }) };
  }

  /** Every row, link and operation state, as the reference's snapshot() gives them. */
  async snapshot() {
    const opOf = (id: unknown) => (typeof id === 'string' ? this.operationIndex(id) : -1);
    const tables = [];
    for (const [m, spec] of this.models.entries()) {
      const rows = await this.manager(m, 'all').orderBy('id');
      tables.push(rows.map((row: Record<string, unknown>) => ({
        id: row.id,
        v: row.v,
        fks: spec.fks.map((fk) => row[`${fk.name}Id`] ?? null),
        trashedBy: row.deletedAt ? opOf(row.deletionId) : null,
      })));
    }
    const links = [];
    for (const [m, through] of this.throughs.entries()) {
      if (through === undefined) {
        links.push([]);
        continue;
      }
      const field = this.classes[m]!.meta.field(M2M_FIELD);
      const rows = await through.objects.all();
      links.push(rows.map((r: Record<string, unknown>) => [r[field.sourceLink.attname], r[field.targetLink.attname]]).sort((a: number[], b: number[]) => a[0]! - b[0]! || a[1]! - b[1]!));
    }
    const records = await Deletion.objects.filter({ id__in: [...this.deletionIds.values()] });
    const states = Object.fromEntries(this.deletions.map((op) => [op, records.find((r: any) => r.id === this.deletionIds.get(op))?.state]));
    return { tables, links, states };
  }
}

export function errorKind(error: unknown): ErrorKind | 'other' {
  if (error instanceof DeletionNotPermitted) return 'not-permitted';
  if (error instanceof TrashCascadeError) return 'untrashable';
  if (error instanceof ProtectedError) return 'protected';
  if (error instanceof RestrictedError) return 'restricted';
  if (error instanceof OrphanRestoreError) return 'orphan';
  if (error instanceof PurgeOverlapError) return 'overlap';
  if (error instanceof IntegrityError) return 'dangling';
  if (error instanceof QueryUsageError && /is not in the trash/.test(error.message)) return 'not-in-trash';
  if (error instanceof QueryUsageError && /nothing of it is in the trash/.test(error.message)) return 'not-active';
  return 'other';
}
