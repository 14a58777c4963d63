/**
 * Keys an online delete's batches would fail on (or a purge's: assertNothingDangles), refused
 * when it is submitted, with nothing written, rather than part way through its batches:
 *
 * - a checked DO_NOTHING key of a row that stays, pointing at a row the delete takes, on which
 *   one transaction fails too;
 * - keys between rows the delete takes, which one transaction satisfies and batches may not.
 *   One transaction deletes every row it takes in the graph's order, referring rows first; an
 *   online delete takes its root keys in slices, in key order, and a row pointed at may go in an
 *   earlier slice than the row pointing at it.
 */
import { sql, type SelectQueryBuilder } from 'kysely';
import { IntegrityError } from '../../db/index.ts';
import { ForeignKeyField, type ModelMeta } from '../../orm/index.ts';
import type { Collector } from '../collector.ts';
import { isCheckedDoNothing, type DeletionGraph } from '../graph.ts';

/**
 * A checked DO_NOTHING key of a row that stays, pointing at a row the delete takes: one
 * transaction fails on it with nothing done (IntegrityError), batches would fail part way. A row
 * stays when no collector takes it: bulkDelete's chunks of keys, or a purge's collectors (one per
 * model of its trash), are one delete.
 */
export async function assertNothingDangles(collectors: readonly Collector[]): Promise<void> {
  const db = collectors[0]!.db;
  const taking = (meta: ModelMeta) => collectors.filter((c) => c.graph.has(meta));
  const models = new Set(collectors.flatMap((c) => [...c.graph.models.values()]));
  for (const target of models) {
    for (const { field } of target.reverseRelations) {
      if (!isCheckedDoNothing(field)) continue;
      const referrer = field.model;
      let query = db.kysely
        .selectFrom(`${referrer.table} as g0`)
        .select(sql.lit(1).as('one'))
        .where((eb) => eb.or(taking(target).map((c) => eb(eb.ref(`g0.${field.column}`), 'in', c.rows.keysOf(target))))) as SelectQueryBuilder<any, any, any>;
      // By primary key, never null: a row whose own key to the graph is null stays.
      for (const c of taking(referrer)) query = query.where(`g0.${referrer.pk.column}`, 'not in', c.rows.keysOf(referrer));
      if ((await db.execute(query.limit(1).compile())).rows.length === 0) continue;
      throw new IntegrityError(`Cannot delete rows of ${target.label}: ${referrer.label}.${field.name} (DO_NOTHING) still refers to them, and its foreign key constraint forbids that.`);
    }
  }
}

/** Why these collectors' delete cannot run in batches, or undefined when it can. */
export async function batchesCannotTake(collectors: readonly Collector[]): Promise<string | undefined> {
  const restricted = await restrictedWithin(collectors);
  if (restricted !== undefined) return `some of the rows it takes RESTRICT others it takes, through '${restricted}', which one transaction allows but a batch that takes the restricted row before the one restricting it does not`;
  const across = await doNothingAcrossRoots(collectors);
  if (across !== undefined) return `some of the rows it takes hold DO_NOTHING keys that the database checks, through '${across}', to rows it takes under other roots; one transaction deletes the rows holding them first, but a batch that takes the row pointed at before the one pointing at it fails on the constraint`;
  return undefined;
}

/**
 * A RESTRICT key of a row the delete takes that points at another row it takes, named: a
 * one-transaction delete lifts RESTRICT there (the restricting row goes too), but the batch
 * holding the restricted row may come first.
 */
async function restrictedWithin(collectors: readonly Collector[]): Promise<string | undefined> {
  const { db, graph } = collectors[0]!;
  for (const check of graph.checks) {
    if (check.kind !== 'RESTRICT') continue;
    const { field } = check;
    if (!collectors.some((c) => c.graph.has(field.model))) continue;
    const query = takenPointingAtTaken(collectors, field).limit(1);
    if ((await db.execute(query.compile())).rows.length > 0) return `${field.model.objectName}.${field.name}`;
  }
  return undefined;
}

/**
 * Rows (aliased `r0`) that the collectors take and whose `field` points at a row they take. The
 * collectors may have graphs of their own (a purge's, one per model): each side is taken by any
 * collector whose graph has its model.
 */
export function takenPointingAtTaken(collectors: readonly Collector[], field: ForeignKeyField): SelectQueryBuilder<any, any, any> {
  const { db } = collectors[0]!;
  const taking = (meta: ModelMeta) => collectors.filter((c) => c.graph.has(meta));
  return db.kysely
    .selectFrom(`${field.model.table} as r0`)
    .select(sql.lit(1).as('one'))
    .where((eb) => eb.or(taking(field.target).map((c) => eb(eb.ref(`r0.${field.column}`), 'in', c.rows.keysOf(field.target)))))
    .where((eb) => eb.or(taking(field.model).map((c) => c.rows.taken(eb, field.model, 'r0')))) as SelectQueryBuilder<any, any, any>;
}

/**
 * A checked DO_NOTHING key of a row the delete takes, pointing at a row it takes under another
 * root, named. Rows under one root go in one batch, in the graph's order, as in one transaction.
 * Where either model is reached from the root by more than one path (or through a cycle), its
 * rows' root is not one key: any such pair refuses.
 */
async function doNothingAcrossRoots(collectors: readonly Collector[]): Promise<string | undefined> {
  const { db, graph } = collectors[0]!;
  if (graph.mode !== 'hard') return undefined;
  for (const referrer of graph.models.values()) {
    for (const field of referrer.foreignKeys) {
      if (!isCheckedDoNothing(field) || !graph.has(field.target)) continue;
      const target = field.target;
      let query = db.kysely
        .selectFrom(`${referrer.table} as r0`)
        .innerJoin(`${target.table} as t0`, `t0.${target.pk.column}`, `r0.${field.column}`)
        .select(sql.lit(1).as('one'))
        .where((eb) => eb.or(collectors.map((c) => c.rows.taken(eb, referrer, 'r0'))))
        .where((eb) => eb.or(collectors.map((c) => c.rows.taken(eb, target, 't0')))) as SelectQueryBuilder<any, any, any>;
      const referrerPath = pathToRoot(graph, referrer);
      const targetPath = pathToRoot(graph, target);
      if (referrerPath !== undefined && targetPath !== undefined) {
        let referrerRoot: string;
        let targetRoot: string;
        [query, referrerRoot] = joinRootKey(query, 'r', referrer, referrerPath);
        [query, targetRoot] = joinRootKey(query, 't', target, targetPath);
        query = query.whereRef(referrerRoot, '<>', targetRoot);
      }
      if ((await db.execute(query.limit(1).compile())).rows.length > 0) return `${referrer.objectName}.${field.name}`;
    }
  }
  return undefined;
}

/**
 * The CASCADE keys from `meta` up to the root, where there is exactly one way: each model on it
 * reached through one key, and no model twice (a cycle of CASCADE keys). Undefined where there
 * is not. (A group of the graph's order may be a loop only through other keys, a topic's
 * DO_NOTHING key to its last post, say: its rows still have one root each.)
 */
function pathToRoot(graph: DeletionGraph, meta: ModelMeta): ForeignKeyField[] | undefined {
  const path: ForeignKeyField[] = [];
  const seen = new Set<ModelMeta>();
  for (let model = meta; model !== graph.root; model = path[path.length - 1]!.target) {
    if (seen.has(model)) return undefined;
    seen.add(model);
    const into = graph.cascadeKeyOf(model);
    if (into === undefined) return undefined;
    path.push(into);
  }
  return path;
}

/** Joins the models of `path` up from `${prefix}0`, a row of `meta`; answers the column holding its root's key. */
function joinRootKey(query: SelectQueryBuilder<any, any, any>, prefix: string, meta: ModelMeta, path: ForeignKeyField[]): [SelectQueryBuilder<any, any, any>, string] {
  // A root is its own root.
  if (path.length === 0) return [query, `${prefix}0.${meta.pk.column}`];
  let alias = `${prefix}0`;
  for (const [i, field] of path.slice(0, -1).entries()) {
    const next = `${prefix}${i + 1}`;
    query = query.innerJoin(`${field.target.table} as ${next}`, `${next}.${field.target.pk.column}`, `${alias}.${field.column}`);
    alias = next;
  }
  return [query, `${alias}.${path[path.length - 1]!.column}`];
}
