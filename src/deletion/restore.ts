/**
 * Restore: take rows of one soft-delete operation out of the trash. Exactly the operation's rows
 * come back (everything it took, or the part beneath one object), never rows other operations
 * deleted. A restore that would leave a row pointing at a parent still in the trash, or that
 * would break a unique rule among live rows, is refused before anything changes.
 */
import { sql, type Expression, type ExpressionBuilder, type SqlBool } from 'kysely';
import { atomic, Database, getDatabase, onCommit } from '../db/index.ts';
import { databaseOf, getModel, hydrate, type ModelRegistry, pkIn, QueryUsageError, ValidationError, type Field, type InstanceLike, type ModelMeta, type QuerySet, type RestoreOptions, type WhereNode } from '../orm/index.ts';
import { postRestore } from '../signals.ts';
import { Collector } from './collector.ts';
import { assertTookPlanned } from './errors.ts';
import { sendOperationRows } from './soft.ts';
import { anyInTrash, assertInTrash, lockOperation, type DeletionRecord } from './operations.ts';
import { Deletion } from './record.ts';
import { assertNotInFlight } from './online/in-flight.ts';

type Builder = ExpressionBuilder<any, any>;

/** The rows of one model that a restore brings back, as a condition on a row alias. */
interface RestoreSet {
  meta: ModelMeta;
  rows(eb: Builder, alias: string): Expression<SqlBool>;
}

export interface RestoreResult {
  total: number;
  byModel: Record<string, number>;
}

/** A row cannot come back because something it points at is still in the trash. */
export class OrphanRestoreError extends QueryUsageError {
  override name = 'OrphanRestoreError';
}

/** A row cannot come back because a live row already holds its unique value. */
export class RestoreConflictError extends ValidationError {
  override name = 'RestoreConflictError';
}

export interface RestoreDeletionOptions extends RestoreOptions {
  db?: Database;
  /**
   * Send postRestore for the rows brought back (the default). A cancelled online soft delete
   * says false: it sent no postSoftDelete for them, so there is nothing to take back.
   */
  announce?: boolean;
}

/**
 * Restores everything the operation `deletionId` put in the trash that is still there (of a
 * partial operation, what was not deleted for good). The operation is locked while it runs.
 */
export async function restoreDeletion(deletionId: string, options: Database | RestoreDeletionOptions = {}): Promise<RestoreResult> {
  const { db = getDatabase(), authorize, announce = true } = options instanceof Database ? { db: options } : options;
  const sets = (record: DeletionRecord) => Object.keys(record.counts).map((label): RestoreSet => ({
    meta: getModel(label),
    rows: (eb, alias) => eb(eb.ref(`${alias}.deletion_id`), '=', deletionId),
  }));
  return atomic(async () => {
    const record = await lockOperation(db, deletionId);
    assertInTrash(record, 'restore');
    await assertNotInFlight(db, deletionId, 'restore');
    return restoreParts(db, [{ deletionId, sets: sets(record) }], { authorize, announce });
  }, { using: db });
}

/** Restores `instance` and what its operation took beneath it. */
export async function restoreInstance(instance: InstanceLike, options: RestoreOptions = {}): Promise<RestoreResult> {
  const meta = (instance.constructor as unknown as { meta: ModelMeta }).meta;
  const deletionId = instance.deletionId as string | null;
  if (!meta.softDelete) throw new QueryUsageError(`${meta.label} has no trash to restore from.`);
  if (deletionId === null || deletionId === undefined) throw new QueryUsageError(`${meta.objectName} ${String(instance[meta.pk.attname])} is not in the trash.`);
  const db = databaseOf(instance);
  const result = await restoreBeneath(db, meta, pkIn(meta, [instance[meta.pk.attname]]), deletionId, options.authorize);
  await onCommit(() => {
    instance.deletedAt = null;
    instance.deletionId = null;
  }, { using: db });
  return result;
}

/** Restores the rows a trash queryset matches, each with what its own operation took beneath it. */
export async function restoreQuerySet(qs: QuerySet<unknown>, options: RestoreOptions = {}): Promise<RestoreResult> {
  if (!qs.meta.softDelete) throw new QueryUsageError(`${qs.meta.label} has no trash to restore from.`);
  const db = qs.db;
  return atomic(async () => {
    const operations = await qs.filter({ deletionId__isnull: false } as never).orderBy().values('deletionId' as never).fetch();
    const ids = [...new Set(operations.map((row) => (row as { deletionId: string }).deletionId))].sort();
    // What comes back is decided before the first row does: restoring one operation's rows
    // could change which rows the filter matches for the next (`Exists()` of a live parent).
    const restores: TrashRestore[] = [];
    for (const deletionId of ids) restores.push(await TrashRestore.prepare(db, qs.meta, qs.state.where, deletionId, ids.length > 1));
    const result = await restoreParts(db, restores, { authorize: options.authorize });
    for (const restore of restores) await restore.cleanUp();
    return result;
  }, { using: db });
}

/** The operation's rows in the subtree that CASCADE relations hang below the root rows. */
async function restoreBeneath(db: Database, meta: ModelMeta, rootWhere: WhereNode | undefined, deletionId: string, authorize: RestoreOptions['authorize']): Promise<RestoreResult> {
  return atomic(async () => {
    const restore = await TrashRestore.prepare(db, meta, rootWhere, deletionId);
    const result = await restoreParts(db, [restore], { authorize });
    await restore.cleanUp();
    return result;
  }, { using: db });
}

/**
 * One operation's part of a restore: the root rows its filter matches in that operation's trash,
 * and beneath them, through CASCADE keys, the rows the same operation took. The walk never passes
 * through another operation's rows: a row it took as a root of its own is not beneath a row some
 * later operation took.
 */
class TrashRestore {
  /** The rows of each model that come back, lowest first. */
  readonly sets: RestoreSet[];

  private constructor(
    private readonly collector: Collector,
    readonly deletionId: string,
  ) {
    this.sets = [...collector.graph.order].flatMap((group) =>
      group.models.map((m): RestoreSet => ({ meta: m, rows: (eb, alias) => collector.rows.taken(eb, m, alias) })),
    );
  }

  /**
   * Locks the operation and fixes its row sets; call inside the restore's transaction.
   * `fixRoots` writes the root rows down even when the filter reads nothing another restore
   * changes, for restores of several operations in one go.
   */
  static async prepare(db: Database, meta: ModelMeta, rootWhere: WhereNode | undefined, deletionId: string, fixRoots = false): Promise<TrashRestore> {
    const inTrashOf = (eb: Builder, _meta: ModelMeta, alias: string) => eb(eb.ref(`${alias}.deletion_id`), '=', deletionId);
    const collector = new Collector(db, meta, rootWhere, 'soft', inTrashOf);
    assertInTrash(await lockOperation(db, deletionId), 'restore');
    await assertNotInFlight(db, deletionId, 'restore');
    if (fixRoots) await collector.rows.materialiseRoot();
    await collector.fixRowSets();
    return new TrashRestore(collector, deletionId);
  }

  async cleanUp(): Promise<void> {
    await this.collector.rows.cleanUp();
  }
}

/** One operation's rows that a restore brings back, lowest first. */
interface RestorePart {
  readonly deletionId: string;
  readonly sets: readonly RestoreSet[];
}

interface RestorePartsOptions {
  authorize?: RestoreOptions['authorize'];
  /** Send postRestore for the rows brought back (the default); see RestoreDeletionOptions. */
  announce?: boolean;
}

/**
 * Brings back the parts, all of them or nothing, in three phases: every check first (no row
 * comes back under a parent that stays in the trash, nor onto a unique value a live row holds),
 * then one authorize() for everything the restore brings back, then the writes.
 */
async function restoreParts(db: Database, parts: readonly RestorePart[], { authorize, announce = true }: RestorePartsOptions = {}): Promise<RestoreResult> {
  return atomic(async () => {
    const sets = parts.flatMap((part) => part.sets);
    // A row may come back under a parent another of the parts brings back.
    for (const set of sets) await assertNoOrphans(db, set, sets);
    for (const set of sets) await assertNoConflicts(db, set);
    const plan = authorize === undefined ? undefined : await countSets(db, sets);
    if (plan !== undefined) await authorize!(plan);
    const byModel: Record<string, number> = {};
    for (const part of parts) {
      // Row sets may be defined through the rows above them: restore the lowest rows first.
      for (const set of part.sets) {
        const n = await restoreRows(db, set, part.deletionId, announce);
        if (n > 0) byModel[set.meta.label] = (byModel[set.meta.label] ?? 0) + n;
      }
      await markRestoredIfEmpty(db, part.deletionId, part.sets[0]?.meta.registry);
    }
    if (plan !== undefined) assertTookPlanned(plan.byModel, byModel);
    return { total: Object.values(byModel).reduce((a, b) => a + b, 0), byModel };
  }, { using: db });
}

/** One model's rows of one operation out of the trash; postRestore for them where it has receivers. */
async function restoreRows(db: Database, set: RestoreSet, deletionId: string, announce: boolean): Promise<number> {
  const { meta } = set;
  const listened = announce && postRestore.hasReceivers(meta.modelClass);
  const query = db.kysely
    .updateTable(meta.table)
    // With receivers the operation's id stays until they have seen the rows.
    .set(listened ? { deleted_at: null } : { deleted_at: null, deletion_id: null })
    .where('deleted_at', 'is not', null)
    .where((eb) => (db.sqlDialect.materialisesSubqueriesOfWrites ? materialisedRows(db, set) : set.rows(eb, meta.table)));
  const n = Number((await db.execute(query.compile())).numAffectedRows ?? 0);
  if (listened) await sendRestored(db, meta, deletionId);
  return n;
}

/** What a restore brings back, per model: the plan its authorize() sees. */
async function countSets(db: Database, sets: readonly RestoreSet[]): Promise<RestoreResult> {
  const byModel: Record<string, number> = {};
  for (const set of sets) {
    const query = db.kysely.selectFrom(`${set.meta.table} as n0`).select(sql<number | string>`count(*)`.as('n')).where('n0.deleted_at', 'is not', null).where((eb) => set.rows(eb, 'n0'));
    const n = Number((await db.execute<{ n: number | string }>(query.compile())).rows[0]?.n ?? 0);
    // Several operations' parts may restore rows of one model.
    if (n > 0) byModel[set.meta.label] = (byModel[set.meta.label] ?? 0) + n;
  }
  return { total: Object.values(byModel).reduce((a, b) => a + b, 0), byModel };
}

/** MySQL cannot read the table it updates in a subquery unless the subquery is materialised. */
function materialisedRows(db: Database, set: RestoreSet): Expression<SqlBool> {
  const { meta } = set;
  const keys = db.kysely.selectFrom(`${meta.table} as r1`).select(`r1.${meta.pk.column} as pk`).where((eb) => set.rows(eb, 'r1'));
  return sql<SqlBool>`${sql.ref(`${meta.table}.${meta.pk.column}`)} in (select pk from (${keys}) as materialised)`;
}

/** A restored row may not point at a row that stays in the trash. */
async function assertNoOrphans(db: Database, set: RestoreSet, comingBack: readonly RestoreSet[]): Promise<void> {
  const { meta } = set;
  for (const field of meta.foreignKeys) {
    const parent = field.target;
    if (!parent.softDelete) continue;
    const parentSets = comingBack.filter((s) => s.meta === parent);
    // `is not true`, not `not`: a row whose restore condition is NULL (a comparison with a NULL
    // column) is not restored, so it stays; `not NULL` would have said it leaves.
    const stays = (eb: Builder, alias: string) =>
      eb.and([eb(eb.ref(`${alias}.deleted_at`), 'is not', null), ...parentSets.map((p) => sql<SqlBool>`(${p.rows(eb, alias)}) is not true`)]);
    // First whether any parent stays in the trash at all: usually none does, and the check ends
    // without reading the restored rows (planner estimates are stale right after a mass update).
    const anyStays = db.kysely.selectFrom(`${parent.table} as p0`).select(sql.lit(1).as('one')).where((eb) => stays(eb, 'p0')).limit(1);
    if ((await db.execute(anyStays.compile())).rows.length === 0) continue;
    const query = db.kysely
      .selectFrom(`${meta.table} as o0`)
      .selectAll('o0')
      .where((eb) => set.rows(eb, 'o0'))
      .where((eb) => eb.exists(eb.selectFrom(`${parent.table} as p1`).select(sql.lit(1).as('one')).whereRef(`p1.${parent.pk.column}`, '=', `o0.${field.column}`).where((inner: Builder) => stays(inner, 'p1'))))
      .limit(1);
    const [row] = (await db.execute<Record<string, unknown>>(query.compile())).rows;
    if (row === undefined) continue;
    const orphan = hydrate(meta, row, db);
    const parentKey = orphan[field.attname];
    throw new OrphanRestoreError(
      `Cannot restore ${meta.objectName} ${String(orphan[meta.pk.attname])}: its ${field.name} (${parent.objectName} ${String(parentKey)}) is still in the trash; restore that first.`,
    );
  }
}

/** A restored row may not take a unique value (or combination, `uniqueTogether`) that a live row holds. */
async function assertNoConflicts(db: Database, set: RestoreSet): Promise<void> {
  const { meta } = set;
  const rules: Field[][] = [
    ...meta.concreteFields.filter((field) => field.unique && !field.primaryKey).map((field) => [field]),
    ...meta.uniqueSets.map((names) => names.map((name) => meta.field(name)!)),
  ];
  for (const fields of rules) {
    const taken = (eb: Builder) => {
      let live = eb.selectFrom(`${meta.table} as l0`).select(sql.lit(1).as('one')).where('l0.deleted_at', 'is', null);
      for (const field of fields) live = live.whereRef(`l0.${field.column!}`, '=', `c0.${field.column!}`);
      return eb.exists(live);
    };
    const query = db.kysely
      .selectFrom(`${meta.table} as c0`)
      .select(fields.map((field, i) => `c0.${field.column!} as v${i}`))
      .where((eb) => set.rows(eb, 'c0'))
      .where(taken)
      .limit(1);
    const [row] = (await db.execute<Record<string, unknown>>(query.compile())).rows;
    if (row === undefined) continue;
    const values = fields.map((field, i) => `${field.name} = ${JSON.stringify(field.fromDb(row[`v${i}`], db.dialect))}`).join(' and ');
    throw new RestoreConflictError(
      `Cannot restore ${meta.objectName}: a live ${meta.objectName} already has ${values}, which must be unique${fields.length > 1 ? ' together' : ''}.`,
      fields[0]!.qualifiedName,
    );
  }
}

async function sendRestored(db: Database, meta: ModelMeta, deletionId: string): Promise<void> {
  await sendOperationRows(db, meta, deletionId, postRestore, 'live');
  await db.execute(db.kysely.updateTable(meta.table).set({ deletion_id: null }).where('deletion_id', '=', deletionId).where('deleted_at', 'is', null).compile());
}

/**
 * Once no row of the operation is left in the trash, the operation is restored. Labels resolve
 * among the models restored (a migration's historical models have their own).
 */
async function markRestoredIfEmpty(db: Database, deletionId: string, registry?: ModelRegistry): Promise<void> {
  const record = await Deletion.objects.using(db).get({ id: deletionId });
  if (await anyInTrash(db, record, (label) => registry?.find(label) ?? getModel(label))) return;
  await Deletion.objects.using(db).filter({ id: deletionId }).update({ state: 'restored' });
}
