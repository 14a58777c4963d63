/**
 * Purge: remove trash for good. An operation is purged in one transaction, its models taken
 * referring ones first, its rows in batches through the full deletion engine (so what depends
 * on a trashed row goes too, and PROTECT still holds), with progress after every batch. What it
 * would take of other operations' trash, or of live rows with a trash, is refused unless asked
 * for (see purge-plan.ts).
 */
import type { ExpressionBuilder } from 'kysely';
import { atomic, getDatabase, type Database } from '../db/index.ts';
import { defaultRegistry, getModel, QueryUsageError, ValidationError, type DeleteResult, type ModelMeta } from '../orm/index.ts';
import { assertInTrash, hasRowsInTrash, lockOperation, type DeletionRecord, type OperationRows } from './operations.ts';
import { describeOverlap, planPurge, purgeCollectors, PurgeOverlapError, referringFirst, trashOf, type PurgePlan } from './purge-plan.ts';
import { Collector } from './collector.ts';
import { assertTookPlanned } from './errors.ts';
import { Deletion } from './record.ts';
import { assertNotInFlight, operationInFlight } from './online/in-flight.ts';
import { startOnlinePurge, type OnlinePurgeOptions } from './online/purge.ts';
import type { OnlineOperationStarted } from './online/submit.ts';

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
  /**
   * What to do when the cascade reaches rows of other operations still in the trash, or live
   * rows of soft-delete models: refuse (PurgeOverlapError, the default), or purge them too, each
   * such operation whole, so that none is left half gone.
   */
  overlapping?: 'refuse' | 'purge';
  /** Called with the plan before anything is removed, inside the transaction: throw to refuse. */
  authorize?: (plan: PurgePlan) => void | Promise<void>;
}

export interface PurgeResult extends DeleteResult {
  /** The operations purged. */
  deletions: string[];
  /** Operations due that were left alone, with why (a purge() that would reach beyond them). */
  skipped?: { deletionId: string; reason: string }[];
}

/** What purgeDeletion(deletionId) would remove, nothing removed: the page before a purge shows it. */
export async function planPurgeDeletion(deletionId: string, options: Pick<PurgeOptions, 'db' | 'overlapping'> = {}): Promise<PurgePlan> {
  const db = options.db ?? getDatabase();
  const record = await Deletion.objects.using(db).get({ id: deletionId });
  assertInTrash(record, 'purge');
  return (await withOverlapping(db, [record], options.overlapping ?? 'refuse', false)).plan;
}

/**
 * Removes for good what the soft delete `deletionId` put in the trash, in one transaction; with
 * `online: true`, writes an online purge that workers carry out in batches, and returns at once.
 */
export function purgeDeletion(deletionId: string, options: OnlinePurgeOptions & { online: true; overlapping?: 'refuse' }): Promise<OnlineOperationStarted & { kind: 'purge' }>;
export function purgeDeletion(deletionId: string, options?: PurgeOptions & { online?: false }): Promise<PurgeResult>;
export async function purgeDeletion(deletionId: string, options: (PurgeOptions & { online?: boolean }) | (OnlinePurgeOptions & { online: true }) = {}): Promise<PurgeResult | OnlineOperationStarted> {
  if (options.online === true) {
    // An online purge takes its own trash alone: several operations purged together would each be half gone for a while.
    if ((options as PurgeOptions).overlapping === 'purge') throw new QueryUsageError("An online purge takes one deletion's trash alone: purge with { overlapping: 'purge' } in one transaction, or purge the other deletions first.");
    return startOnlinePurge(deletionId, options as OnlinePurgeOptions);
  }
  return purgeNow(deletionId, options as PurgeOptions);
}

async function purgeNow(deletionId: string, options: PurgeOptions): Promise<PurgeResult> {
  const db = options.db ?? getDatabase();
  const batchSize = options.batchSize ?? 1000;
  if (!Number.isInteger(batchSize) || batchSize <= 0) throw new ValidationError('purge batchSize must be a positive whole number.');
  return atomic(async () => {
    const record = await lockOperation(db, deletionId);
    assertInTrash(record, 'purge');
    await assertNotInFlight(db, deletionId, 'purge');
    const overlapping = options.overlapping ?? 'refuse';
    const { plan, records } = await withOverlapping(db, [record], overlapping, true);
    if (overlapping === 'refuse' && !plan.selfContained) throw new PurgeOverlapError(plan);
    if (options.authorize !== undefined) await options.authorize(plan);
    const result: PurgeResult = { total: 0, byModel: {}, deletions: [] };
    // Each batch's RESTRICT check knows what the rest of the purge takes (still there until its turn).
    const whole = purgeCollectors(db, records);
    await unlinkCycles(db, whole);
    for (const each of records) {
      const part = await purgeRows(db, each, whole, batchSize, options.onProgress);
      result.total += part.total;
      for (const [label, n] of Object.entries(part.byModel)) result.byModel[label] = (result.byModel[label] ?? 0) + n;
      result.deletions.push(each.id);
    }
    // What no lock could hold off (a row that refers to nothing locked) is caught here: the purge
    // takes what its plan (and authorize) saw, or nothing.
    assertTookPlanned(plan.byModel, result.byModel);
    await Deletion.objects.using(db).filter({ id__in: result.deletions }).update({ state: 'purged' });
    return result;
  }, { using: db });
}

/**
 * Where foreign keys are checked row by row and cannot be deferred (MySQL), rows of a purge that
 * refer to each other across its collectors (an owner and the pet it restricts, trashed
 * together) could go in no order. Such keys, where nullable, are cleared first on the rows the
 * purge takes: they are deleted anyway. (PostgreSQL and SQLite check at commit.)
 */
async function unlinkCycles(db: Database, collectors: readonly Collector[]): Promise<void> {
  if (db.sqlDialect.deferrableForeignKeys) return;
  const models = new Set(collectors.flatMap((c) => [...c.graph.models.values()]));
  const reaches = (from: ModelMeta, to: ModelMeta, seen = new Set<ModelMeta>()): boolean => {
    if (from === to) return true;
    seen.add(from);
    return from.foreignKeys.some((fk) => fk.dbConstraint && models.has(fk.target) && !seen.has(fk.target) && reaches(fk.target, to, seen));
  };
  const taken = (meta: ModelMeta) => (eb: ExpressionBuilder<any, any>) =>
    eb.or(collectors.filter((c) => c.graph.has(meta)).map((c) => eb(eb.ref(`${meta.table}.${meta.pk.column}`), 'in', c.materialised(c.rows.keysOf(meta)))));
  for (const meta of models) {
    for (const fk of meta.foreignKeys) {
      if (!fk.dbConstraint || !fk.nullable || fk.target === meta || !models.has(fk.target) || !reaches(fk.target, meta)) continue;
      const target = fk.target;
      const query = db.kysely
        .updateTable(meta.table)
        .set({ [fk.column!]: null })
        .where(taken(meta))
        .where((eb) => eb.or(collectors.filter((c) => c.graph.has(target)).map((c) => eb(eb.ref(`${meta.table}.${fk.column}`), 'in', c.materialised(c.rows.keysOf(target))))));
      await db.execute(query.compile());
    }
  }
}

/**
 * The plan for `records`; with 'purge', grown by every operation it reaches until it reaches no
 * other (each locked, when `lock`), so the purge takes those whole. The live rows it reaches stay
 * in the plan: taking them was asked for, but whoever asked must still be shown them.
 */
async function withOverlapping(db: Database, records: DeletionRecord[], overlapping: 'refuse' | 'purge', lock: boolean): Promise<{ plan: PurgePlan; records: DeletionRecord[] }> {
  for (;;) {
    const plan = await planPurge(db, records);
    const others = Object.keys(plan.operations);
    if (overlapping === 'refuse' || others.length === 0) {
      if (!lock) return { plan, records };
      // Every operation it takes is locked by now; their rows are locked next and counted again,
      // as a hard delete does: a row committed meanwhile that refers to one of them waits for
      // the purge (and then fails), instead of joining it unseen.
      await Collector.lockTogether(purgeCollectors(db, records));
      const locked = await planPurge(db, records);
      if (overlapping === 'purge' && Object.keys(locked.operations).length > 0) continue;
      return { plan: locked, records };
    }
    const known = new Set(records.map((r) => r.id));
    const added: DeletionRecord[] = [];
    for (const id of others.filter((o) => !known.has(o))) {
      const other = lock ? await lockOperation(db, id) : await Deletion.objects.using(db).get({ id });
      if (hasRowsInTrash(other.state)) added.push(other);
    }
    if (added.length === 0) return { plan, records };
    records = [...records, ...added];
  }
}

/** One operation's trash rows, model by model in batches of keys; each batch deleted with its full cascade. */
async function purgeRows(db: Database, record: DeletionRecord, whole: readonly Collector[], batchSize: number, onProgress: PurgeOptions['onProgress']): Promise<DeleteResult> {
  const deletionId = record.id;
  await assertNotInFlight(db, deletionId, 'purge');
  const models = referringFirst(Object.keys(record.counts).map(getModel));
  let total = 0;
  for (const meta of models) total += await countTrash(db, meta, deletionId);
  const result: DeleteResult = { total: 0, byModel: {} };
  let done = 0;
  for (const meta of models) {
    for (;;) {
      const keys = await db.execute<Record<string, unknown>>(
        db.kysely.selectFrom(meta.table).select(meta.pk.column!).where('deletion_id', '=', deletionId).where('deleted_at', 'is not', null).orderBy(meta.pk.column!).limit(batchSize).compile(),
      );
      if (keys.rows.length === 0) break;
      const batch = keys.rows.map((row) => meta.pk.fromDb(row[meta.pk.column!], db.dialect));
      const collector = new Collector(db, meta, trashOf(meta, deletionId, batch));
      collector.alongWith = whole;
      const part = await collector.delete(record);
      result.total += part.total;
      for (const [label, n] of Object.entries(part.byModel)) result.byModel[label] = (result.byModel[label] ?? 0) + n;
      done += batch.length;
      onProgress?.({ deletionId, done: Math.min(done, total), total });
      if (batch.length < batchSize) break;
    }
  }
  return result;
}

async function countTrash(db: Database, meta: ModelMeta, deletionId: string): Promise<number> {
  const query = db.kysely.selectFrom(meta.table).select((eb) => eb.fn.countAll().as('n')).where('deletion_id', '=', deletionId).where('deleted_at', 'is not', null);
  return Number(((await db.execute(query.compile())).rows[0] as { n: number | string }).n);
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

/**
 * Purges every operation in the trash older than the cutoff, oldest first, each in one
 * transaction. One that would reach beyond what is due (a newer operation's trash, live rows)
 * is left alone and reported in `skipped`; operations due that reach each other go together.
 */
export async function purge(options: PurgeOptions & { olderThan?: string | number | Date } = {}): Promise<PurgeResult> {
  const db = options.db ?? getDatabase();
  const cutoff = cutoffFrom(options.olderThan ?? 0);
  const due = await Deletion.objects.using(db).filter({ state__in: ['active', 'partial'], createdAt__lt: cutoff }).orderBy('createdAt', 'id');
  const dueIds = new Set(due.map((d) => d.id));
  const result: PurgeResult = { total: 0, byModel: {}, deletions: [], skipped: [] };
  for (const { id, counts } of due) {
    if (result.deletions.includes(id)) continue;
    // Trash of a model the project no longer defines cannot be planned: it waits for its model.
    const undefinedModels = Object.keys(counts).filter((label) => defaultRegistry.find(label) === undefined);
    if (undefinedModels.length > 0) {
      result.skipped!.push({ deletionId: id, reason: `its rows belong to ${undefinedModels.join(', ')}, which no model defines now` });
      continue;
    }
    const working = await operationInFlight(db, id);
    if (working !== null) {
      result.skipped!.push({ deletionId: id, reason: `online operation ${working.id} (${working.state}) is working on it` });
      continue;
    }
    const own = await planPurgeDeletion(id, { db }).catch((error: unknown) => {
      if (error instanceof QueryUsageError && !(error instanceof PurgeOverlapError)) return undefined; // purged or restored meanwhile
      throw error;
    });
    if (own === undefined) continue;
    // What it takes along must be due itself and reach no live row either: the whole closure decides.
    const whole = own.selfContained ? own : await planPurgeDeletion(id, { db, overlapping: 'purge' });
    if (Object.keys(whole.live).length > 0 || whole.deletions.some((d) => !dueIds.has(d))) {
      result.skipped!.push({ deletionId: id, reason: `it would also delete for good ${describeOverlap({ operations: own.operations, live: whole.live })}; it goes once those are due too` });
      continue;
    }
    const part = await purgeDeletion(id, { ...options, db, overlapping: 'purge' });
    result.total += part.total;
    for (const [label, n] of Object.entries(part.byModel)) result.byModel[label] = (result.byModel[label] ?? 0) + n;
    result.deletions.push(...part.deletions);
  }
  return result;
}

export { planPurge, purgeCollectors, PurgeOverlapError, type PurgePlan, type OperationRows };
