/**
 * The reference's filters: which rows a queryset matches, decided over the rows in memory with
 * Django's documented semantics, written out plainly (no Trove code):
 *
 * - relations never reach into the trash; a missing related row is a row of NULLs (join
 *   promotion), where only `isnull: true` holds; `author__id` is the key column itself;
 * - comparisons of a column with NULL are false, and exclude() keeps rows whose compared
 *   nullable column is NULL (Django adds `IS NOT NULL` under negation): plain conditions are
 *   two-valued;
 * - F() across a key to no (live) row compares false, so exclude() keeps the row (Trove's
 *   exclude() is the exact negation of filter());
 * - a Subquery() with no row and a Sum() over no row are NULL, and comparisons with them are
 *   unknown, in SQL's three-valued logic: unknown under NOT stays unknown, and a row is kept
 *   only when its condition is true;
 * - an empty Q() is no condition: dropped from and / or / not, as Django drops it;
 * - one filter() call joins each relation once: its path conditions outside any NOT read the
 *   same related row (a row is kept when some choice of related rows makes the call's condition
 *   true); a path condition under NOT is tested over all related rows, unless an earlier one of
 *   the call reached the same many-valued relation and it does not hold on a missing row: then
 *   on the chosen row (Django's split_exclude, tied to the join);
 * - exclude(x) keeps exactly the rows where filter(x) is false (Trove's deliberate reading,
 *   docs/queries.md): Django instead reads it as filter(~Q(x)), every condition of x on its own.
 */
import { reached, type Compare, type Condition, type Filter, type Hop, type Leaf, type Link, type Many, type ModelSpec, type Node, type RowSpec, type Scope, type Via, type VLeaf } from './scenario.ts';

export interface RefRow extends RowSpec {
  /** The index of the operation that put the row in the trash. */
  trashedBy: number | null;
}

/** What the filters read: the rows and links as they are now. */
export interface World {
  readonly models: ModelSpec[];
  readonly tables: Map<number, RefRow>[];
  readonly links: Link[][];
}

/** true, false, or null: unknown. */
type Truth = boolean | null;

export function isLive(world: World, model: number, row: RefRow): boolean {
  return !world.models[model]!.soft || row.trashedBy === null;
}

function liveRow(world: World, model: number, id: number | null): RefRow | null {
  if (id === null) return null;
  const row = world.tables[model]!.get(id);
  return row !== undefined && isLive(world, model, row) ? row : null;
}

function compare(value: number, lookup: Compare | 'in', against: number | number[]): boolean {
  switch (lookup) {
    case 'exact':
      return value === against;
    case 'gt':
      return value > (against as number);
    case 'gte':
      return value >= (against as number);
    case 'lt':
      return value < (against as number);
    case 'lte':
      return value <= (against as number);
    case 'in':
      return (against as number[]).includes(value);
  }
}

/** A comparison where either side may be NULL: unknown then. */
function compare3(value: number | null, lookup: Compare, against: number | null): Truth {
  return value === null || against === null ? null : compare(value, lookup, against);
}

function vHolds(row: RefRow, leaf: VLeaf | null): boolean {
  return leaf === null || compare(row.v, leaf.lookup, leaf.value);
}

/** The live rows a many-valued relation reaches from `row` of `model`. */
export function relatedRows(world: World, model: number, row: RefRow, many: Many): { model: number; rows: RefRow[] } {
  if (many.kind === 'reverse') {
    return { model: many.model, rows: [...world.tables[many.model]!.values()].filter((r) => isLive(world, many.model, r) && r.fks[many.fk] === row.id) };
  }
  const spec = world.models[many.model]!.m2m!;
  const links = world.links[many.model]!;
  if (many.direction === 'forward') {
    const ids = links.filter(([s]) => s === row.id).map(([, t]) => t);
    return { model: spec.target, rows: ids.map((id) => liveRow(world, spec.target, id)).filter((r): r is RefRow => r !== null) };
  }
  const ids = links.filter(([, t]) => t === row.id).map(([s]) => s);
  return { model: many.model, rows: ids.map((id) => liveRow(world, many.model, id)).filter((r): r is RefRow => r !== null) };
}

/** Rows of a Via from `row`: all of them for `scope: 'all'`, live ones otherwise. */
function viaRows(world: World, model: number, row: RefRow, via: Via, scope: 'live' | 'all'): RefRow[] {
  const keep = (m: number, r: RefRow) => scope === 'all' || isLive(world, m, r);
  if (via.kind === 'reverse') return [...world.tables[via.model]!.values()].filter((r) => keep(via.model, r) && r.fks[via.fk] === row.id);
  const target = world.models[model]!.fks[via.fk]!.target;
  const key = row.fks[via.fk]!;
  const found = key === null ? undefined : world.tables[target]!.get(key);
  return found !== undefined && keep(target, found) ? [found] : [];
}

/** Whether a path condition, from hop `depth` on, holds for `row` (null: a missing related row). */
function holds(world: World, model: number, row: RefRow | null, condition: Condition, depth: number): boolean {
  const { hops, leaf, onRelation } = condition;
  if (depth === hops.length) {
    if (row === null) return leaf.kind === 'isnull' && leaf.value;
    if (leaf.kind === 'isnull') return !leaf.value;
    return compare(leaf.kind === 'v' ? row.v : row.id, leaf.lookup, leaf.value);
  }
  const hop = hops[depth]!;
  const last = depth === hops.length - 1;
  if (hop.kind === 'forward') {
    const key = row === null ? null : row.fks[hop.fk]!;
    if (last && onRelation) return leaf.kind === 'isnull' && leaf.value === (key === null);
    // `author__id` is the key column itself (Django trims the join), whether or not the row exists.
    if (last && leaf.kind === 'id') return key !== null && compare(key, leaf.lookup, leaf.value);
    const target = world.models[model]!.fks[hop.fk]!.target;
    return holds(world, target, liveRow(world, target, key), condition, depth + 1);
  }
  const related = row === null ? { model: -1, rows: [] } : relatedRows(world, model, row, hop);
  if (last && onRelation) return leaf.kind === 'isnull' && leaf.value === (related.rows.length === 0);
  const next = hop.kind === 'reverse' ? hop.model : hop.direction === 'forward' ? world.models[hop.model]!.m2m!.target : hop.model;
  if (related.rows.length === 0) return holds(world, next, null, condition, depth + 1);
  return related.rows.some((r) => holds(world, next, r, condition, depth + 1));
}

/** A node's truth for `row`; undefined when it is empty (no condition). */
/** How a call's path conditions read the rows it joined: the chosen row of each many-valued path, and which conditions are tied. */
interface Joined {
  readonly choice: ReadonlyMap<string, RefRow | null>;
  /** Per path node: read from the chosen rows (positive), from the chosen row after hop `depth` (tied), or alone. */
  readonly reading: ReadonlyMap<Node, { kind: 'shared' } | { kind: 'tied'; depth: number }>;
}

const NO_JOINS: Joined = { choice: new Map(), reading: new Map() };

function evaluate(world: World, model: number, row: RefRow, node: Node, joined: Joined = NO_JOINS): Truth | undefined {
  switch (node.kind) {
    case 'empty':
      return undefined;
    case 'and':
    case 'or': {
      const values = node.children.map((c) => evaluate(world, model, row, c, joined)).filter((v): v is Truth => v !== undefined);
      if (values.length === 0) return undefined;
      const decisive = node.kind === 'and' ? false : true;
      if (values.includes(decisive)) return decisive;
      return values.includes(null) ? null : !decisive;
    }
    case 'not': {
      const value = evaluate(world, model, row, node.child, joined);
      return value === undefined || value === null ? value : !value;
    }
    case 'path': {
      const reading = joined.reading.get(node);
      if (reading === undefined) return holds(world, model, row, node.condition, 0);
      const hops = node.condition.hops;
      const depth = reading.kind === 'tied' ? reading.depth : lastMany(hops) + 1;
      const at = rowAt(world, model, row, hops, depth, joined.choice);
      if (reading.kind === 'tied' && at.row === null) return false;
      return holds(world, at.model, at.row, node.condition, depth);
    }
    case 'exists': {
      const found = viaRows(world, model, row, node.via, node.scope).some((r) => vHolds(r, node.inner));
      return node.negated ? !found : found;
    }
    case 'subquery': {
      const candidates = viaRows(world, model, row, node.via, 'live').sort((a, b) => b.v - a.v || a.id - b.id);
      const value = candidates[0]?.v ?? null;
      return node.form === 'compare' ? compare3(row.v, node.lookup, value) : compare3(value, node.lookup, node.value);
    }
    case 'aggregate': {
      const rows = relatedRows(world, model, row, node.over).rows.filter((r) => vHolds(r, node.filter));
      const value = node.fn === 'count' ? rows.length : rows.length === 0 ? null : rows.reduce((sum, r) => sum + r.v, 0);
      return compare3(value, node.lookup, node.value);
    }
    case 'f': {
      const { ref } = node;
      if (ref.kind === 'id') return compare(row.v, node.lookup, row.id + node.add);
      const key = row.fks[ref.fk]!;
      // A NULL key column: false, as exclude() keeps such rows (see the header).
      if (ref.kind === 'key') return key !== null && compare(row.v, node.lookup, key + node.add);
      // No (live) row across the key: false too, so exclude() keeps the row, the exact negation
      // of filter() (Django would drop it where the field across is not nullable).
      const target = liveRow(world, world.models[model]!.fks[ref.fk]!.target, key);
      return target !== null && compare(row.v, node.lookup, target.v + node.add);
    }
  }
}

/** Whether `row` passes every filter() and exclude() call. */
export function passes(world: World, model: number, row: RefRow, filter: Filter): boolean {
  return filter.calls.every(({ exclude, node }) => {
    const reading = new Map<Node, { kind: 'shared' } | { kind: 'tied'; depth: number }>();
    const paths = new Set<string>();
    // exclude(x) is the exact negation of filter(x) (docs/queries.md): x joins as in filter(),
    // and the row stays when x is false for every choice of related rows.
    markJoins(world, node, false, reading, paths);
    const values = choices(world, model, row, paths).map((choice) => evaluate(world, model, row, node, { choice, reading }));
    if (values.includes(undefined)) return true;
    const holds: Truth = values.includes(true) ? true : values.includes(null) ? null : false;
    return exclude ? holds === false : holds === true;
  });
}

/** The rows of `model` a queryset of `scope` (objects, allObjects, deletedObjects) with `filter` returns. */
export function select(world: World, model: number, scope: Scope, filter: Filter): RefRow[] {
  return [...world.tables[model]!.values()].filter((row) => {
    const live = isLive(world, model, row);
    if ((scope === 'live' && !live) || (scope === 'deleted' && live)) return false;
    return passes(world, model, row, filter);
  });
}

/** The key of the path of the first `count` hops. */
const pathKey = (hops: readonly Hop[], count: number) => JSON.stringify(hops.slice(0, count));

const isMany = (hop: Hop) => hop.kind !== 'forward';

/** The index of the last many-valued hop, or -1. */
function lastMany(hops: readonly Hop[]): number {
  for (let i = hops.length - 1; i >= 0; i--) if (isMany(hops[i]!)) return i;
  return -1;
}

/** In the order Django reads them: which path conditions share the joined rows, which are tied, and the paths joined. */
function markJoins(world: World, node: Node, negated: boolean, reading: Map<Node, { kind: 'shared' } | { kind: 'tied'; depth: number }>, paths: Set<string>): void {
  if (node.kind === 'and' || node.kind === 'or') node.children.forEach((c) => markJoins(world, c, negated, reading, paths));
  else if (node.kind === 'not') markJoins(world, node.child, true, reading, paths);
  else if (node.kind === 'path') {
    const { hops, leaf, onRelation } = node.condition;
    if (!negated) {
      hops.forEach((hop, i) => { if (isMany(hop)) paths.add(pathKey(hops, i + 1)); });
      if (lastMany(hops) >= 0) reading.set(node, { kind: 'shared' });
      return;
    }
    const first = hops.findIndex(isMany);
    const onMissing = leaf.kind === 'isnull' && leaf.value === true;
    if (first >= 0 && !onMissing && !(onRelation && leaf.kind === 'isnull' && leaf.value) && paths.has(pathKey(hops, first + 1))) reading.set(node, { kind: 'tied', depth: first + 1 });
  }
}

/** The row at `depth` along `hops`: chosen after a many-valued hop, followed through keys otherwise. */
function rowAt(world: World, model: number, root: RefRow, hops: readonly Hop[], depth: number, choice: ReadonlyMap<string, RefRow | null>): { model: number; row: RefRow | null } {
  let current: RefRow | null = root;
  let at = model;
  for (let i = 0; i < depth; i++) {
    const hop = hops[i]!;
    const next = reached(world.models, hop);
    if (isMany(hop)) current = choice.get(pathKey(hops, i + 1)) ?? null;
    else {
      const key: number | null = current === null ? null : current.fks[hop.fk]!;
      current = liveRow(world, next, key);
    }
    at = next;
  }
  return { model: at, row: current };
}

/** Every choice of a related row (or a missing one) for each joined many-valued path. */
function choices(world: World, model: number, root: RefRow, paths: ReadonlySet<string>): Array<ReadonlyMap<string, RefRow | null>> {
  let all: Array<Map<string, RefRow | null>> = [new Map()];
  for (const key of [...paths].sort((a, b) => (JSON.parse(a) as Hop[]).length - (JSON.parse(b) as Hop[]).length)) {
    const hops = JSON.parse(key) as Hop[];
    all = all.flatMap((choice) => {
      const parent = rowAt(world, model, root, hops, hops.length - 1, choice);
      const rows = parent.row === null ? [] : relatedRows(world, parent.model, parent.row, hops[hops.length - 1] as Many).rows;
      return (rows.length === 0 ? [null] : rows).map((r) => new Map(choice).set(key, r));
    });
  }
  return all;
}

export type { Leaf };
