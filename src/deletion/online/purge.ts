/**
 * An online purge: a trash operation removed for good by workers, batch after batch, instead of
 * in one transaction. Its rows need no key list: they are the rows stamped with the operation's
 * id, a set nothing adds to (no soft delete writes an id that is not its own, and this trash can
 * be neither restored nor purged by anyone else until the purge is done or cancelled). Each batch
 * takes the next slice of one model's trash, models that refer to others first, with its whole
 * cascade, as `purgeDeletion` does in one transaction.
 */
import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { atomic, getDatabase, type Database } from '../../db/index.ts';
import { getModel, QueryUsageError, type ModelMeta } from '../../orm/index.ts';
import { Collector } from '../collector.ts';
import { assertInTrash, lockOperation } from '../operations.ts';
import { describeOverlap, planPurge, purgeCollectors, PurgeOverlapError, referringFirst, trashOf, type PurgePlan } from '../purge-plan.ts';
import { isCheckedDoNothing } from '../graph.ts';
import { deletionDefaults } from '../record.ts';
import { engineFor } from './engine.ts';
import { asOperation, assertNotInFlight } from './in-flight.ts';
import { OnlineOperation } from './records.ts';
import { assertNothingDangles, takenPointingAtTaken } from './within.ts';
import type { OnlineOperationStarted } from './submit.ts';

export interface OnlinePurgeOptions {
  db?: Database;
  actor?: string;
  reason?: string;
  source?: string;
  /** Called with the plan before the operation is written, inside the transaction: throw to refuse. */
  authorize?: (plan: PurgePlan) => void | Promise<void>;
}

/**
 * Writes an online purge of the trash operation `deletionId` and returns at once. What it takes
 * is planned and checked here, as a purge in one transaction would be: its own trash and what
 * cascades from it, nothing of another operation's trash, no live row of a soft-delete model
 * (PurgeOverlapError), nothing PROTECT or RESTRICT forbids.
 */
export async function startOnlinePurge(deletionId: string, options: OnlinePurgeOptions = {}): Promise<OnlineOperationStarted & { kind: 'purge' }> {
  const db = options.db ?? getDatabase();
  return atomic(async () => {
    const record = await lockOperation(db, deletionId);
    assertInTrash(record, 'purge');
    await assertNotInFlight(db, deletionId, 'purge');
    const collectors = purgeCollectors(db, [record]);
    await Collector.lockTogether(collectors);
    const plan = await planPurge(db, [record]);
    if (!plan.selfContained) throw new PurgeOverlapError(plan);
    const loop = restrictLoop(collectors);
    if (loop !== undefined) {
      throw new QueryUsageError(`Deletion ${deletionId} cannot be purged in batches: ${loop} RESTRICTs rows that refer back to it, so no batch could go before the other. Purge it in one transaction instead.`);
    }
    const pointing = await doNothingWithin(collectors);
    if (pointing !== undefined) {
      throw new QueryUsageError(`Deletion ${deletionId} cannot be purged in batches: its rows point at others of it through ${pointing}, a DO_NOTHING key the database checks, so a batch could delete a row that a later batch's row still points at. Purge it in one transaction instead.`);
    }
    for (const collector of collectors) await collector.assertNotBlocked();
    if (options.authorize !== undefined) await options.authorize(plan);
    // What the purge in one transaction fails on once permitted, its batches would fail on part way.
    await assertNothingDangles(collectors);
    const id = randomUUID();
    const now = new Date();
    const empty = plan.total === 0;
    await OnlineOperation.objects.using(db).create({
      id, kind: 'purge', state: empty ? 'done' : 'queued', rootLabel: record.rootLabel, plan: plan.byModel, done: {}, keysTotal: plan.total,
      deletionId, actor: options.actor ?? deletionDefaults().actor ?? null, source: options.source ?? deletionDefaults().source ?? 'api',
      reason: options.reason ?? '', createdAt: now, finishedAt: empty ? now : null,
    });
    if (!empty) await engineFor(db).enqueue(db, id);
    return { operationId: id, kind: 'purge' as const, plan: { total: plan.total, byModel: plan.byModel }, deletionId };
  }, { using: db });
}

/** Rows of one model of the trash, with the deletion's record, locked when the slice was chosen. */
export interface TrashSlice {
  meta: ModelMeta;
  keys: unknown[];
  record: Awaited<ReturnType<typeof lockOperation>>;
}

/** The next slice of the trash: up to `size` rows of the first model, referring ones first, that still has some. */
export async function nextTrashSlice(db: Database, deletionId: string, size: number): Promise<TrashSlice | undefined> {
  const record = await lockOperation(db, deletionId);
  for (const meta of referringFirst(Object.keys(record.counts).map(getModel))) {
    const query = db.kysely.selectFrom(meta.table).select(`${meta.pk.column!} as k`)
      .where('deletion_id', '=', deletionId).where('deleted_at', 'is not', null).orderBy(meta.pk.column!).limit(size);
    const { rows } = await db.execute<{ k: unknown }>(query.compile());
    if (rows.length > 0) return { meta, keys: rows.map((row) => meta.pk.fromDb(row.k, db.dialect)), record };
  }
  return undefined;
}

/**
 * Removes the slice for good with its cascade. The batch's own work is let through the in-flight
 * check; what no submit-time plan covered (another operation's trash, a live row of a soft-delete
 * model, both referring to this trash since) is refused before anything of the batch is written.
 */
export async function purgeSlice(db: Database, operationId: string, deletionId: string, slice: TrashSlice): Promise<Record<string, number>> {
  // Alone: a row of a later batch that RESTRICTs this one's must stop it, not be let through (it
  // would be left pointing at nothing when this batch commits). Referring models go first, and
  // loops of RESTRICT are refused at submit, so in a purge that may run that never happens.
  const collector = new Collector(db, slice.meta, trashOf(slice.meta, deletionId, slice.keys));
  const authorize = async () => {
    const beyond = await beyondTrash(db, collector, deletionId);
    if (beyond !== undefined) throw new PurgeBeyondTrashError(deletionId, beyond);
  };
  const { byModel } = await asOperation(operationId, () => collector.delete(slice.record, { authorize }));
  return byModel;
}

/** Whether a key of `meta` to `target` closes a loop of keys among `models` (a key to its own model does). */
function closesLoop(models: ReadonlySet<ModelMeta>, meta: ModelMeta, target: ModelMeta): boolean {
  const reaches = (from: ModelMeta, seen: Set<ModelMeta>): boolean => {
    if (from === meta) return true;
    seen.add(from);
    return from.foreignKeys.some((fk) => models.has(fk.target) && !seen.has(fk.target) && reaches(fk.target, seen));
  };
  return models.has(target) && reaches(target, new Set());
}

/**
 * A RESTRICT key inside a loop of keys among the purge's models ("ol.Node.parent"), or undefined.
 * Batches take models referring ones first; inside such a loop there is no first, and a batch
 * would delete rows that a row of a later batch still RESTRICTs.
 */
function restrictLoop(collectors: readonly Collector[]): string | undefined {
  const models = new Set(collectors.flatMap((c) => [...c.graph.models.values()]));
  for (const meta of models) {
    for (const fk of meta.foreignKeys) if (fk.onDelete.rule === 'RESTRICT' && closesLoop(models, meta, fk.target)) return `${meta.label}.${fk.name}`;
  }
  return undefined;
}

/**
 * A DO_NOTHING key that the database checks, held by a row the purge takes and pointing at
 * another it takes (a reply to a post of the same trash); or undefined. One transaction deletes
 * both, referring rows first; batches go model by model, each with its cascade, in key order,
 * and could delete the row pointed at first, and fail on the constraint.
 */
async function doNothingWithin(collectors: readonly Collector[]): Promise<string | undefined> {
  const db = collectors[0]!.db;
  const models = new Set(collectors.flatMap((c) => [...c.graph.models.values()]));
  for (const meta of models) {
    for (const fk of meta.foreignKeys) {
      if (!isCheckedDoNothing(fk) || !models.has(fk.target)) continue;
      let query = takenPointingAtTaken(collectors, fk).limit(1);
      // A row pointing at itself goes in one statement with itself.
      if (fk.target === meta) query = query.where(`r0.${fk.column}`, '<>', sql.ref(`r0.${meta.pk.column}`));
      if ((await db.execute(query.compile())).rows.length > 0) return `${meta.label}.${fk.name}`;
    }
  }
  return undefined;
}

/** A batch of an online purge reached rows that are not its trash: nothing of that batch was done. */
export class PurgeBeyondTrashError extends QueryUsageError {
  override name = 'PurgeBeyondTrashError';
  constructor(readonly deletionId: string, readonly beyond: string) {
    super(`Purging deletion ${deletionId} would now also delete for good ${beyond} (rows that came to refer to its trash after the purge was planned): nothing of that batch was done. Cancel this purge, then purge the deletion again to see the new plan.`);
  }
}

/** What the collector takes beyond `deletionId`'s trash among soft-delete models, described; undefined when nothing. */
async function beyondTrash(db: Database, collector: Collector, deletionId: string): Promise<string | undefined> {
  const operations: PurgePlan['operations'] = {};
  const live: PurgePlan['live'] = {};
  for (const meta of collector.graph.models.values()) {
    if (!meta.softDelete) continue;
    const place = sql<string>`case when p0.deleted_at is null then 'live' else 'trash' end`;
    const query = db.kysely.selectFrom(`${meta.table} as p0`)
      .select(['p0.deletion_id as id', place.as('place'), sql<number | string>`count(*)`.as('n')])
      .where((eb) => collector.rows.taken(eb, meta, 'p0'))
      .where((eb) => eb.or([eb('p0.deleted_at', 'is', null), eb('p0.deletion_id', '!=', deletionId), eb('p0.deletion_id', 'is', null)]))
      .groupBy(['p0.deletion_id', place]);
    for (const row of (await db.execute<{ id: string | null; place: string; n: number | string }>(query.compile())).rows) {
      const n = Number(row.n);
      if (n === 0) continue;
      if (row.place === 'live' || row.id === null) live[meta.label] = (live[meta.label] ?? 0) + n;
      else (operations[row.id] ??= {})[meta.label] = n;
    }
  }
  return Object.keys(operations).length + Object.keys(live).length === 0 ? undefined : describeOverlap({ operations, live });
}
