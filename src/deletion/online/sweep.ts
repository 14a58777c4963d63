/**
 * The sweep: before its root slices, an online hard delete that takes most of a big table deletes
 * that table's rows in the table's own key order, deepest model first.
 *
 * A root slice finds its rows through their keys' indexes. Where the cascade's rows are spread
 * over a table, each slice writes as many pages as it takes rows, and every page is written by
 * many slices; one set-based statement reads the table once (bench/online-sweep.ts: slices of
 * root keys cost 3.8 times one set-based delete, sweeping each level first 1.8 times). So each
 * model the operation takes much of is swept: a slice of its key range at a time, the rows in it
 * that the operation takes go with their own cascade, in one short transaction, as a root slice's
 * would. The root slices that follow find little left but the roots.
 *
 * A sweep takes rows the operation takes anyway: rows of the plan, found through keys written
 * when it was submitted, each with its cascade under the same rules. The root slices after it
 * take whatever is left: rows that came under a root since, or everything, where a sweep stopped
 * part way or was given up.
 */
import { randomUUID } from 'node:crypto';
import { sql, type Expression, type ExpressionBuilder, type SelectQueryBuilder, type SqlBool } from 'kysely';
import type { Database } from '../../db/index.ts';
import { allModels, and, ForeignKeyField, getModel, type ModelMeta, type WhereNode } from '../../orm/index.ts';
import { Collector } from '../collector.ts';
import { ProtectedError, RestrictedError } from '../errors.ts';
import { DeletionGraph, isCheckedDoNothing } from '../graph.ts';
import { keyColumn, keysIn, writeKeys } from './keys.ts';
import { OperationKey, OperationSweep } from './records.ts';
import { hasTable } from './tables.ts';

/**
 * When and how a hard delete sweeps; settings of the process.
 *
 *   minRows, maxKeysPerRow  a model is swept when the operation takes at least `minRows` of its
 *       rows, and at least one key in `maxKeysPerRow` of the table's key range (reading a
 *       sparser range costs more than it saves); read when an operation is submitted.
 *   keysPerBatchKey  keys of the range one slice reads, per root key a batch of that size would
 *       take: a key read in order costs far less than a root key's cascade (often a hundred rows
 *       or more). The batch size adapts to the target duration either way; this sets the width
 *       of the first slices, and with the largest batch size (`--max-batch-size`), of the widest.
 *   minBatchSize  a sweep pays in large slices only: once the batch size has fallen below this
 *       (a slow or busy database), what is left of it is given up for the root slices.
 */
export const sweepLimits = { minRows: 10_000, maxKeysPerRow: 4, keysPerBatchKey: 100, minBatchSize: 10 };

/**
 * `sweepLimits` as they are now, checked: it is a plain object a process may change, and a
 * width of NaN or a fraction of a key would make every slice's range meaningless.
 */
export function currentSweepLimits(): typeof sweepLimits {
  const { minRows, maxKeysPerRow, keysPerBatchKey, minBatchSize } = sweepLimits;
  const wrong = (name: string, value: unknown, what: string) => new RangeError(`sweepLimits.${name} must be ${what}, not ${String(value)}.`);
  if (typeof minRows !== 'number' || Number.isNaN(minRows) || minRows < 0) throw wrong('minRows', minRows, 'a number of rows, 0 or more (Infinity: never sweep)');
  if (typeof maxKeysPerRow !== 'number' || Number.isNaN(maxKeysPerRow) || maxKeysPerRow <= 0) throw wrong('maxKeysPerRow', maxKeysPerRow, 'a number above 0 (Infinity: however sparse)');
  if (!Number.isSafeInteger(keysPerBatchKey) || keysPerBatchKey < 1) throw wrong('keysPerBatchKey', keysPerBatchKey, 'a whole number of keys, 1 or more');
  if (typeof minBatchSize !== 'number' || Number.isNaN(minBatchSize) || minBatchSize < 0) throw wrong('minBatchSize', minBatchSize, 'a batch size, 0 or more (Infinity: give every sweep up)');
  return { minRows, maxKeysPerRow, keysPerBatchKey, minBatchSize };
}

type Step = InstanceType<typeof OperationSweep>;

/**
 * Models a hard delete may sweep: every model it cascades into but the root, alone in its group
 * (no cycle, which needs its closure), with integer keys (whose order is the order rows were
 * added in, and so, nearly, the order of the table's pages), reached through one foreign key,
 * and whose slices take no row that a DO_NOTHING key the database checks may point at.
 */
export function sweepable(graph: DeletionGraph): ModelMeta[] {
  if (graph.mode !== 'hard') return [];
  return graph.order
    .filter((group) => group.models.length === 1 && group.cyclic.length === 0)
    .map((group) => group.models[0]!)
    .filter((meta) => meta !== graph.root && keyColumn(meta) === 'int_key' && graph.cascadeKeyOf(meta) !== undefined && !slicesMeetCheckedDoNothing(meta));
}

/**
 * Whether a DO_NOTHING key with a constraint points at `meta` or at a model its rows cascade
 * into: a slice of `meta` takes those rows too. One transaction deletes the rows holding such
 * keys first, where it takes them (through another path, or in the same table: a reply to a
 * comment); a slice of `meta`'s key range would come before them and break the constraint.
 */
function slicesMeetCheckedDoNothing(meta: ModelMeta): boolean {
  const pointedAt = (model: ModelMeta) => model.reverseRelations.some(({ field }) => isCheckedDoNothing(field));
  return [...new DeletionGraph(meta).models.values()].some(pointedAt);
}


/**
 * Writes down the sweep of a hard delete being submitted (`collectors` take its rows): which
 * models, deepest first, over which keys. `planned` is what the plan counted per model.
 *
 * Each swept model's rows are found through one list of keys, written once: the root keys, or
 * the keys of the swept model its foreign key points at, which are written here. So a slice
 * reads an index of keys, not the whole cascade above it again. Those keys are the rows the
 * plan counted: a row of them moved under another parent since is still taken.
 */
export async function planSweep(collectors: readonly Collector[], operation: string, planned: Record<string, number>): Promise<number> {
  const { db, graph } = collectors[0]!;
  // A database set up before sweeps existed has no table for them until `trove migrate`: its deletes run in root slices alone.
  if (!(await hasTable(db, OperationSweep.meta.table))) return 0;
  const limits = currentSweepLimits();
  const chosen = new Map<ModelMeta, { field: ForeignKeyField; range: KeyRange }>();
  for (const meta of sweepable(graph)) {
    const rows = planned[meta.label] ?? 0;
    if (rows === 0 || rows < limits.minRows) continue;
    const range = await keyRange(db, meta);
    if (range === undefined || range.last - range.first + 1 > rows * limits.maxKeysPerRow) continue;
    chosen.set(meta, { field: graph.cascadeKeyOf(meta)!, range });
  }
  // A model is swept through its parent's keys: where the parent is neither the root nor swept, the model is not swept either.
  for (let changed = true; changed;) {
    changed = false;
    for (const [meta, { field }] of chosen) {
      if (field.target !== graph.root && !chosen.has(field.target)) changed = chosen.delete(meta);
    }
  }
  const written = new Map<ModelMeta, string>();
  for (const { field } of chosen.values()) {
    if (field.target === graph.root || written.has(field.target)) continue;
    const group = randomUUID();
    for (const collector of collectors) await writeKeys(db, field.target, group, collector.rows.keysOf(field.target) as SelectQueryBuilder<any, any, any>);
    written.set(field.target, group);
  }
  let position = 0;
  for (const meta of sweepable(graph)) {
    const sweep = chosen.get(meta);
    if (sweep === undefined) continue;
    const { field, range } = sweep;
    const own = written.get(meta);
    const through = own !== undefined ? { field: '', keys: own } : { field: field.name, keys: written.get(field.target) ?? operation };
    await OperationSweep.objects.using(db).create({ operation, position: position++, label: meta.label, ...through, after: range.first - 1, until: range.last });
  }
  return position;
}

interface KeyRange { first: number; last: number }

async function keyRange(db: Database, meta: ModelMeta): Promise<KeyRange | undefined> {
  const pk = meta.pk.column!;
  const query = db.kysely.selectFrom(meta.table).select([sql<unknown>`min(${sql.ref(pk)})`.as('first'), sql<unknown>`max(${sql.ref(pk)})`.as('last')]);
  const [row] = (await db.execute<{ first: unknown; last: unknown }>(query.compile())).rows;
  if (row === undefined || row.first === null || row.last === null) return undefined;
  return { first: Number(row.first), last: Number(row.last) };
}

/** The operation's next sweep step, if one is left. */
export async function nextSweep(db: Database, operation: string): Promise<Step | undefined> {
  if (!(await hasTable(db, OperationSweep.meta.table))) return undefined;
  return (await OperationSweep.objects.using(db).filter({ operation }).orderBy('position').first()) ?? undefined;
}

/** Gives up what is left of the operation's sweep, and the keys written for it. */
export async function removeSweep(db: Database, operation: string): Promise<void> {
  if (!(await hasTable(db, OperationSweep.meta.table))) return;
  const steps = OperationSweep.objects.using(db).filter({ operation });
  const groups = new Set((await steps.values('keys').fetch()).map((row) => row.keys).filter((group) => group !== operation));
  if (groups.size > 0) await OperationKey.objects.using(db).filter({ operation__in: [...groups] }).delete();
  await steps.delete();
}

export interface SweptSlice {
  /** Rows taken, per model. */
  byModel: Record<string, number>;
  /** The step is over (done, or the sweep given up): the next batch does other work. */
  stepDone: boolean;
}

/**
 * Sweeps the next `width` keys of `step`'s model: the rows among them that the operation takes go,
 * with their cascade.
 */
export async function sweepSlice(db: Database, operation: { id: string; rootLabel: string; batches: number }, step: Step, width: number, origin: unknown): Promise<SweptSlice> {
  // Each slice finds its rows through keys just written: PostgreSQL's statistics have not seen
  // them yet, and a plan that takes them for a handful walks every row they reach in every slice.
  if (operation.batches === 0 && db.dialect === 'postgres') await db.execute(sql`analyze ${sql.table(OperationKey.meta.table)}`.compile(db.kysely));
  const graph = new DeletionGraph(getModel(operation.rootLabel), 'hard');
  const meta = allModels().find((m) => m.label === step.label);
  const field = meta === undefined ? undefined : step.field === '' ? meta.pk : meta.field(step.field);
  // The schema changed since it was planned (a deploy): the root slices take what is left.
  if (meta === undefined || field === undefined || !sweepable(graph).includes(meta) || (step.field !== '' && field !== graph.cascadeKeyOf(meta))) {
    await removeSweep(db, operation.id);
    return { byModel: {}, stepDone: true };
  }
  const target = field instanceof ForeignKeyField ? field.target : meta;
  const after = Number(step.after);
  const until = Number(step.until);
  const end = Math.min(until, after + Math.max(1, Math.floor(width)));
  const range: WhereNode = and([compare(meta, 'gt', after), compare(meta, 'lte', end)]);
  const collector = new Collector(db, meta, range, 'hard', (eb, m, alias) => (m === meta ? listed(db, eb, alias, field.column!, target, step.keys) : sql<SqlBool>`1 = 1`));
  // Each row of the range is looked up in the list's index. PostgreSQL would rather hash the
  // whole list, in every slice: a cost that follows the list, not the slice, and that the
  // batches' target duration cannot shrink. The rest of the batch's transaction is small.
  if (db.dialect === 'postgres') {
    await db.execute(sql`set local enable_hashjoin = off`.compile(db.kysely));
    await db.execute(sql`set local enable_mergejoin = off`.compile(db.kysely));
  }
  let byModel: Record<string, number>;
  try {
    ({ byModel } = await collector.delete(origin));
  } catch (error) {
    // A row inserted since the plan blocks this one (PROTECT, or a RESTRICT that the whole delete
    // might lift): the sweep is given up, and the root slices meet the row as a delete in one
    // transaction would.
    if (!(error instanceof ProtectedError) && !(error instanceof RestrictedError)) throw error;
    await removeSweep(db, operation.id);
    return { byModel: {}, stepDone: true };
  }
  // A model's own keys are done with once its slice is: they go with it.
  if (step.field === '') {
    let done = OperationKey.objects.using(db).filter({ operation: step.keys, intKey__gt: after });
    if (end < until) done = done.filter({ intKey__lte: end });
    await done.delete();
  }
  if (end >= until) await OperationSweep.objects.using(db).filter({ id: step.id }).delete();
  else await OperationSweep.objects.using(db).filter({ id: step.id }).update({ after: end });
  return { byModel, stepDone: end >= until };
}

/**
 * The row at `alias` has its `column` among the keys of `target` written under `group`. SQLite
 * reads `IN (SELECT …)` into a list in every statement, whose cost follows the list, not the
 * slice: there each row looks its key up on its own.
 */
function listed(db: Database, eb: ExpressionBuilder<any, any>, alias: string, column: string, target: ModelMeta, group: string): Expression<SqlBool> {
  if (db.dialect !== 'sqlite') return eb(eb.ref(`${alias}.${column}`), 'in', keysIn(db, target, group));
  const key = db.kysely.selectFrom(`${OperationKey.meta.table} as sk`).select(sql.lit(1).as('one')).where('sk.operation', '=', group).whereRef(`sk.${keyColumn(target)}`, '=', `${alias}.${column}`);
  return eb.exists(key);
}

function compare(meta: ModelMeta, lookup: 'gt' | 'lte', key: number): WhereNode {
  return { kind: 'compare', field: meta.pk, column: meta.pk.column!, lookup, value: meta.pk.clean(key) };
}
