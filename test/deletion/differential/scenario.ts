/**
 * What a random deletion scenario is made of: a schema of 2 to 6 models (self and cyclic keys,
 * every on_delete rule, nullable or not, with or without a database constraint, with or without
 * a trash, sometimes a many-to-many field), rows and links, users with some permissions, and a
 * sequence of operations (soft and hard deletes, restores, purges) with random filters.
 * The arbitraries are in arbitraries.ts; these are the plain data types and the names they use.
 */
export type Rule = 'CASCADE' | 'PROTECT' | 'RESTRICT' | 'SET_NULL' | 'SET_DEFAULT' | 'DO_NOTHING';

export interface FkSpec {
  name: string;
  /** Index of the model pointed at. */
  target: number;
  rule: Rule;
  nullable: boolean;
  /** A database constraint; without one a key may point at no row. */
  constraint: boolean;
}

export interface ModelSpec {
  soft: boolean;
  fks: FkSpec[];
  /** A many-to-many field `tags` to this model (reverse name `mr_<index>`), or none. */
  m2m: { target: number } | null;
}

/** A row: its id, an integer `v` and one value per foreign key (null or an id). */
export interface RowSpec {
  id: number;
  v: number;
  fks: (number | null)[];
}

/** A link row of a many-to-many field: the ids of the source row and of the target row. */
export type Link = readonly [source: number, target: number];

export type Action = 'delete' | 'restore' | 'purge';

/** A user: the actions they may take on each model (by model index); link models get nothing. */
export interface UserSpec {
  may: Action[][];
}

// ---- filters -------------------------------------------------------------------------------

export type Leaf =
  | { kind: 'v'; lookup: 'exact' | 'lte' | 'gt'; value: number }
  | { kind: 'id'; lookup: 'in' | 'gt' | 'lte'; value: number | number[] }
  /** `__isnull` on `v` (never null: true only on a missing related row) or on the last relation. */
  | { kind: 'isnull'; value: boolean };

export type Hop =
  | { kind: 'forward'; model: number; fk: number }
  | { kind: 'reverse'; model: number; fk: number }
  /** The many-to-many field of `model`, from its rows (forward) or from its target's rows (reverse). */
  | { kind: 'm2m'; model: number; direction: 'forward' | 'reverse' };

/** A dictionary condition: `f0__f1__v__lte: 2`, `r_2_0__isnull: true`, `tags__id__in: [1]`. */
export interface Condition {
  hops: Hop[];
  leaf: Leaf;
  /** `isnull` applies to the last relation itself rather than to `v` of the row it reaches. */
  onRelation: boolean;
}

export type Compare = 'exact' | 'gt' | 'gte' | 'lt' | 'lte';

/** A comparison of `v` of the rows of a subquery: `v__gt: 1`. */
export interface VLeaf {
  lookup: 'exact' | 'gt' | 'lte';
  value: number;
}

/** A single-valued way from a row to rows of another model, for Exists() and Subquery(). */
export type Via =
  /** Rows of `model` whose key `fk` is the outer row: `{ f0: OuterRef('pk') }`. */
  | { kind: 'reverse'; model: number; fk: number }
  /** The row the outer row's key `fk` points at: `{ id: OuterRef('f0') }`. */
  | { kind: 'forward'; fk: number };

/** A many-valued relation an aggregate counts or sums over. */
export type Many = { kind: 'reverse'; model: number; fk: number } | { kind: 'm2m'; model: number; direction: 'forward' | 'reverse' };

/** The right side of `v__<lookup>: F(...)`: the row's id, a key column, or `v` across a key. */
export type FRef = { kind: 'id' } | { kind: 'key'; fk: number } | { kind: 'across'; fk: number };

export type Node =
  | { kind: 'path'; condition: Condition }
  /** `Exists(M.objects|allObjects.filter({ <via>: OuterRef(…), v… }))`, or its `.not()`. */
  | { kind: 'exists'; via: Via; scope: 'live' | 'all'; inner: VLeaf | null; negated: boolean }
  /**
   * `Subquery(…valuesList('v'))` of the first row by (-v, id): `v__<lookup>: Subquery(…)`
   * (compare), or an annotation compared with `value` (annotation).
   */
  | { kind: 'subquery'; via: Via; form: 'compare' | 'annotation'; lookup: Compare; value: number }
  /** `annotate({ aN: Count(rel) | Sum('rel__v'), optionally { filter: Q(v…) } })`, then `aN__<lookup>: value`. */
  | { kind: 'aggregate'; fn: 'count' | 'sum'; over: Many; filter: VLeaf | null; lookup: Compare; value: number }
  /** `v__<lookup>: F(ref)` or `F(ref).add(add)`. */
  | { kind: 'f'; lookup: Compare; ref: FRef; add: number }
  | { kind: 'and' | 'or'; children: Node[] }
  | { kind: 'not'; child: Node }
  /** `Q()`: no condition at all, as in Django. */
  | { kind: 'empty' };

/** filter() and exclude() calls, in order, each with one condition tree. */
export interface Filter {
  calls: { exclude: boolean; node: Node }[];
}

// ---- operations ----------------------------------------------------------------------------

export type Scope = 'live' | 'all' | 'deleted';

/**
 * `of` and `upTo` pick among the soft-delete operations made so far (modulo their number):
 * an operation that refers to one when none exists is skipped. An instance is picked among the
 * rows of its model there are then (`among` the trash, or any), by `id` modulo their number; with
 * none, `id` itself (likely missing). `user` is the index of the user whose permissions the
 * operation is authorised against, or null for no check.
 */
export type Operation =
  /** `objects.filter(…).delete()`: the trash on soft-delete models. */
  /**
   * `online`: submitted with `{ online: true }` and carried out by a worker in batches of that
   * many root keys, which must leave what one transaction leaves; with `sweep`, a hard delete
   * first sweeps every model it may (however few rows it takes of it).
   */
  | { kind: 'delete'; model: number; filter: Filter; user: number | null; online?: { batch: number; sweep?: boolean } | null }
  /** `objects|allObjects|deletedObjects.filter(…).hardDelete()`. */
  | { kind: 'hardDelete'; model: number; scope: Scope; filter: Filter; user: number | null }
  /** `(await allObjects.get({ id })).delete()` or `.hardDelete()`. */
  | { kind: 'deleteInstance'; model: number; id: number; among: 'any' | 'trash'; hard: boolean; user: number | null }
  | { kind: 'restoreDeletion'; of: number; user: number | null }
  /** `(await allObjects.get({ id })).restore()`. */
  | { kind: 'restoreInstance'; model: number; id: number; among: 'any' | 'trash'; user: number | null }
  /** `deletedObjects.filter(…).restore()`. */
  | { kind: 'restoreQuerySet'; model: number; filter: Filter; user: number | null }
  /** `online`: submitted with `{ online: true }` (where it takes one deletion alone) and purged by a worker in batches of that many rows. */
  | { kind: 'purgeDeletion'; of: number; overlapping: boolean; user: number | null; online?: { batch: number } | null }
  /** `purge({ olderThan })`: the operations older than operation `upTo`, or all of them (null). */
  | { kind: 'purge'; upTo: number | null; user: number | null };

/** Rows, users and operations on a schema: one run from a fresh start. */
export interface Case {
  rows: RowSpec[][];
  /** Per model, the links of its many-to-many field (empty without one). */
  links: Link[][];
  users: UserSpec[];
  operations: Operation[];
}

/** A schema and a few cases on it (creating tables costs more than a case). */
export interface Scenario {
  models: ModelSpec[];
  cases: Case[];
}

// ---- names ---------------------------------------------------------------------------------

export function relatedName(model: number, fk: number): string {
  return `r_${model}_${fk}`;
}

export const M2M_FIELD = 'tags';

export function m2mRelatedName(model: number): string {
  return `mr_${model}`;
}

/** The model a hop reaches. */
export function reached(models: ModelSpec[], hop: Hop): number {
  if (hop.kind === 'forward') return models[hop.model]!.fks[hop.fk]!.target;
  if (hop.kind === 'reverse') return hop.model;
  return hop.direction === 'forward' ? models[hop.model]!.m2m!.target : hop.model;
}

export function hopName(models: ModelSpec[], hop: Hop | Many): string {
  if (hop.kind === 'forward') return models[hop.model]!.fks[hop.fk]!.name;
  if (hop.kind === 'reverse') return relatedName(hop.model, hop.fk);
  return hop.direction === 'forward' ? M2M_FIELD : m2mRelatedName(hop.model);
}

/** The filter dictionary key of a condition, e.g. `f0__f1__v__lte` or `r_2_0__isnull`. */
export function conditionKey(models: ModelSpec[], condition: Condition): string {
  const parts = condition.hops.map((hop) => hopName(models, hop));
  const { leaf } = condition;
  if (condition.onRelation && parts.length > 0) return [...parts, 'isnull'].join('__');
  if (leaf.kind === 'isnull') return [...parts, 'v', 'isnull'].join('__');
  const lookup = leaf.lookup === 'exact' ? [] : [leaf.lookup];
  return [...parts, leaf.kind, ...lookup].join('__');
}

/** The annotation nodes of a filter, in the order they are named `a0`, `a1`…. */
export function annotationsOf(filter: Filter): Node[] {
  const found: Node[] = [];
  const visit = (node: Node): void => {
    if ((node.kind === 'subquery' && node.form === 'annotation') || node.kind === 'aggregate') found.push(node);
    else if (node.kind === 'and' || node.kind === 'or') node.children.forEach(visit);
    else if (node.kind === 'not') visit(node.child);
  };
  filter.calls.forEach((call) => visit(call.node));
  return found;
}
