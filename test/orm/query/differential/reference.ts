/**
 * The reference: querysets evaluated in memory, written from Django's documented semantics
 * (https://docs.djangoproject.com/en/5.2/topics/db/queries/, …/ref/models/querysets/,
 * …/topics/db/aggregation/), not from Trove's code. Where Trove deliberately differs from Django,
 * the reference follows Trove's documented behaviour and says so (DELIBERATE below).
 *
 * Conditions:
 * - A comparison with NULL is false and NOT is the complement: Django adds IS NOT NULL under a
 *   negation, so exclude() keeps rows whose compared value is NULL, also for F() across a key.
 *   Behind F() arithmetic Django adds none and drops them (`~Q(views = F('id') + F('editor__age'))`);
 *   DELIBERATE: exclude() is the exact negation of filter(), and keeps them.
 * - A condition on an annotation is SQL's: NULL is unknown and NOT unknown is unknown, so
 *   `exclude({ n: 0 })` drops a row whose n is NULL, as Django's HAVING does.
 * - Within one filter() call, every condition that crosses the same many-valued relation (reverse
 *   key or many-to-many) refers to the same related row, however it is written: dictionary keys,
 *   Q(a) & Q(b), separate arguments (Django joins once per call). Separate filter() calls may match
 *   different rows. A row with no related row at all takes part as a row of NULLs (LEFT JOIN).
 * - A negated condition across a many-valued relation is a NOT EXISTS of its own; when an earlier
 *   condition of the same call already crossed that relation (`Q(a) & ~Q(b)`), it is tied to the
 *   same related row, at the first many-valued step, as Django's split_exclude() ties it.
 *   (DELIBERATE: the negation of several conditions on one relation is the negation of them
 *   together, `exclude(posts__a, posts__b)` = not (one post with a and b); Django negates each.)
 * - Rows are never repeated by a relation (DELIBERATE: Django's joins repeat them).
 *
 * Annotations and aggregates:
 * - Each annotation is computed over all the related rows of its own path, whatever the filters
 *   before or after it, and two annotations never multiply each other (DELIBERATE: in Django a
 *   filter() across the same relation before annotate() restricts it, one after multiplies it,
 *   and two relations joined at once multiply each other).
 * - `{ filter: Q(…) }` is written from the annotated model, as in Django: `Count('posts',
 *   { filter: Q({ posts__views__gte: 20 }) })`; its conditions on the aggregated relation refer to
 *   the aggregated row.
 * - Count of nothing is 0; Sum, Avg, Min, Max of nothing are NULL.
 * - values().annotate() groups by the values; aggregates across relations in a group cover every
 *   related row of every row of the group.
 * - values(…).distinct().aggregate() aggregates the distinct values.
 *
 * Ordering: NULLs come first in ascending order on SQLite and MariaDB, last on PostgreSQL, unless
 * nullsFirst/nullsLast says; last() is the last row of the same ordering (Django reverses
 * nullsFirst/nullsLast along with the direction). distinct() with an ordering on a column it does
 * not select keeps rows apart by that column too, as Django's SELECT DISTINCT does. Integer
 * division truncates on every database (DELIBERATE: Django's gives a fraction on MariaDB).
 */
import {
  SCHEMA, isoSeconds, roundAvg, type Agg, type Condition, type Data, type Expr, type FilterArg, type Leaf, type ModelName, type OrderTerm, type Out, type QNode,
  type QuerySpec, type Scalar, type Step,
} from './spec.ts';

export type Backend = 'sqlite' | 'postgres' | 'mariadb';

type Row = Record<string, Scalar>;
type Env = ReadonlyMap<string, Row | null>;

/** What the reference expects: rows with the ordering's ties, or one value. */
export type Expected =
  | { kind: 'rows'; rows: Out[]; groups: number[] | null; window: [number, number] | null }
  | { kind: 'value'; value: Out };

export class ReferenceError extends Error {}

interface State {
  model: ModelName;
  rows: Array<{ row: Row; ann: Map<string, Scalar> }>;
  annotations: Array<{ name: string; agg: Agg }>;
  values?: { names: string[]; shape: 'object' | 'list' | 'flat' };
  grouped?: { annotations: Array<{ name: string; agg: Agg }>; having: Array<Extract<Step, { kind: 'filter' | 'exclude' }>> };
  distinct: boolean;
  order: OrderTerm[] | undefined;
}

export class Reference {
  private readonly tables: Record<ModelName, Row[]>;
  private readonly byId: Record<ModelName, Map<number, Row>>;

  constructor(readonly data: Data, readonly backend: Backend) {
    this.tables = {
      Author: data.authors as unknown as Row[],
      Tag: data.tags as unknown as Row[],
      Post: data.posts as unknown as Row[],
      Comment: data.comments as unknown as Row[],
    };
    this.byId = Object.fromEntries(Object.entries(this.tables).map(([m, rows]) => [m, new Map(rows.map((r) => [r.id as number, r]))])) as never;
  }

  // ---- walking relations ---------------------------------------------------------------------

  private related(model: ModelName, row: Row, name: string): Row[] {
    const rel = SCHEMA[model].relations[name]!;
    if (rel.kind === 'one') {
      const key = row[rel.key];
      const target = key === null ? undefined : this.byId[rel.to].get(key as number);
      return target === undefined ? [] : [target];
    }
    if (rel.kind === 'many') return this.tables[rel.to].filter((r) => r[rel.key] === row.id);
    const ids = rel.side === 'post'
      ? this.data.postTags.filter(([p]) => p === row.id).map(([, t]) => t)
      : this.data.postTags.filter(([, t]) => t === row.id).map(([p]) => p);
    return this.tables[rel.to].filter((r) => ids.includes(r.id as number));
  }

  /**
   * The value at `path` from `row`, with many-valued steps taken from `env` (keyed by the path up
   * to and including the step). A missing row makes NULL. A path ending at a relation gives the
   * related key.
   */
  private resolve(model: ModelName, row: Row | null, path: string, env: Env): Scalar {
    const parts = path.split('__');
    let current: Row | null = row;
    let m = model;
    for (const [i, part] of parts.entries()) {
      const last = i === parts.length - 1;
      const rel = SCHEMA[m].relations[part];
      if (rel === undefined) {
        if (!last || SCHEMA[m].fields[part] === undefined) throw new ReferenceError(`${m} has no field ${part}`);
        return current === null ? null : (current[part] ?? null);
      }
      if (rel.kind === 'one') {
        if (last) return current === null ? null : (current[rel.key] ?? null);
        current = current === null ? null : (this.related(m, current, part)[0] ?? null);
      } else {
        const key = parts.slice(0, i + 1).join('__');
        if (!env.has(key)) throw new ReferenceError(`unbound ${key}`);
        current = env.get(key)!;
        if (last) return current === null ? null : (current.id as number);
      }
      m = rel.to;
    }
    throw new ReferenceError(`empty path on ${model}`);
  }

  /** The many-valued steps of `path`, each named by the path up to it, outermost first. */
  static manySteps(model: ModelName, path: string): string[] {
    const parts = path.split('__');
    const out: string[] = [];
    let m = model;
    for (const [i, part] of parts.entries()) {
      const rel = SCHEMA[m].relations[part];
      if (rel === undefined) break;
      if (rel.kind !== 'one') out.push(parts.slice(0, i + 1).join('__'));
      m = rel.to;
    }
    return out;
  }

  /** The rows a many-valued step can take, given the steps before it; [null] when there are none (LEFT JOIN). */
  private domain(model: ModelName, row: Row, key: string, env: Env): Array<Row | null> {
    const parts = key.split('__');
    let current: Row | null = row;
    let m = model;
    for (const [i, part] of parts.entries()) {
      const rel = SCHEMA[m].relations[part]!;
      if (i === parts.length - 1) {
        const rows = current === null ? [] : this.related(m, current, part);
        return rows.length === 0 ? [null] : rows;
      }
      if (rel.kind === 'one') current = current === null ? null : (this.related(m, current, part)[0] ?? null);
      else current = env.get(parts.slice(0, i + 1).join('__')) ?? null;
      m = rel.to;
    }
    return [null];
  }

  /** Every assignment of rows to `keys` (outermost first), extending `env`. */
  private *assignments(model: ModelName, row: Row, keys: string[], env: Env): Generator<Env> {
    if (keys.length === 0) {
      yield env;
      return;
    }
    const [first, ...rest] = keys as [string, ...string[]];
    for (const candidate of this.domain(model, row, first, env)) {
      const next = new Map(env);
      next.set(first, candidate);
      yield* this.assignments(model, row, rest, next);
    }
  }

  // ---- conditions ----------------------------------------------------------------------------

  private expr(model: ModelName, row: Row, e: Expr): Scalar {
    switch (e.kind) {
      case 'n':
        return e.value;
      case 'f':
        return this.resolve(model, row, e.name, new Map());
      case 'op': {
        const left = this.expr(model, row, e.left);
        const right = this.expr(model, row, e.right);
        if (left === null || right === null) return null;
        const [l, r] = [Number(left), Number(right)];
        if (e.op === 'add') return l + r;
        if (e.op === 'sub') return l - r;
        if (e.op === 'mul') return l * r;
        if (r === 0) return null;
        // DELIBERATE: whole numbers divide into a whole number (truncated) on every database, as
        // Django's do on SQLite and PostgreSQL; Django's `/` on MySQL/MariaDB gives a fraction.
        return Number.isInteger(l) && Number.isInteger(r) ? Math.trunc(l / r) : l / r;
      }
    }
  }

  /**
   * A condition on an annotation is SQL's: NULL makes it unknown, and NOT unknown is unknown, so
   * exclude({ n: 0 }) drops a row whose n is NULL, as Django's HAVING does (it adds no IS NOT
   * NULL for annotations). Other conditions are true or false.
   */
  private leaf(model: ModelName, row: Row, c: Condition, env: Env, annotations: Map<string, Scalar>): boolean | null {
    if (annotations.has(c.path)) {
      const v = annotations.get(c.path)!;
      if (v === null && c.lookup !== 'isnull' && !(c.lookup === 'exact' && c.kind === 'leaf' && c.value === null)) return null;
    }
    const v = annotations.has(c.path) ? annotations.get(c.path)! : this.resolve(model, row, c.path, env);
    if (c.kind === 'fleaf') {
      const rhs = this.expr(model, row, c.expr);
      // Django adds IS NOT NULL under a negation for the compared field and for a plain F(). Behind
      // arithmetic it adds none, so its NOT drops rows where the arithmetic is NULL; DELIBERATE:
      // Trove's exclude() is the exact negation of filter() there too, and keeps them.
      if (v === null || rhs === null) return false;
      return compare(c.lookup, v, rhs);
    }
    return leafHolds(c, v);
  }

  /** The many-valued steps of the conditions of `node` that are not under a NOT. */
  private positiveSteps(model: ModelName, node: QNode, annotations: Map<string, Scalar>): string[] {
    const out = new Set<string>();
    const visit = (n: QNode) => {
      if (n.kind === 'dict') for (const c of n.items) if (!annotations.has(c.path)) Reference.manySteps(model, c.path).forEach((k) => out.add(k));
      if (n.kind === 'and' || n.kind === 'or') n.children.forEach(visit);
    };
    visit(node);
    return [...out].sort((a, b) => a.split('__').length - b.split('__').length);
  }

  /**
   * Whether `node` holds for `row` in a scope of its own: some assignment of related rows to the
   * many-valued steps of its positive conditions makes it true. `env` holds the steps of the
   * scope around it; only their outermost steps are shared (tied), as Django ties a negated
   * condition to a join the same filter() call made before.
   */
  private scope(model: ModelName, row: Row, node: QNode, env: Env, annotations: Map<string, Scalar>): boolean | null {
    // Django ties nothing that holds on a missing row (`isnull: true`, `= None`): such a negated
    // condition is tested over all related rows (checked against Django 5.2).
    const tie = !holdsOnMissingRow(node);
    const keys = this.positiveSteps(model, node, annotations).filter((k) => !(tie && env.has(k) && isOutermost(model, k)));
    let result: boolean | null = false;
    for (const assignment of this.assignments(model, row, keys, env)) {
      const holds = this.holds(model, row, node, assignment, annotations);
      if (holds === true) return true;
      if (holds === null) result = null;
    }
    return result;
  }

  /** Kleene's three values: null is unknown. */
  private holds(model: ModelName, row: Row, node: QNode, env: Env, annotations: Map<string, Scalar>, splitNot = true): boolean | null {
    switch (node.kind) {
      case 'dict':
        return all(node.items.map((c) => this.leaf(model, row, c, env, annotations)));
      case 'and':
        return all(node.children.map((c) => this.holds(model, row, c, env, annotations, splitNot)));
      case 'or':
        return any(node.children.map((c) => this.holds(model, row, c, env, annotations, splitNot)));
      case 'not': {
        const inner = splitNot ? this.scope(model, row, node.child, env, annotations) : this.holds(model, row, node.child, env, annotations, splitNot);
        return inner === null ? null : !inner;
      }
      case 'empty':
        return true;
    }
  }

  /** One filter() call: true, false, unknown (null), or undefined when it says nothing (an empty Q). */
  private call(model: ModelName, row: Row, args: FilterArg[], annotations: Map<string, Scalar>): boolean | null | undefined {
    const node = normalise({ kind: 'and', children: args.map((a): QNode => (a.kind === 'dict' ? { kind: 'dict', items: a.items } : a.node)) });
    if (node === undefined) return undefined;
    return this.scope(model, row, node, new Map(), annotations);
  }

  // ---- aggregates ----------------------------------------------------------------------------

  /** The rows `source` leads to from `row` (with their many-valued steps), and the value aggregated. */
  private joined(model: ModelName, row: Row, source: string): Array<{ env: Env; value: Scalar }> {
    const keys = Reference.manySteps(model, source);
    const out: Array<{ env: Env; value: Scalar }> = [];
    for (const env of this.assignments(model, row, keys, new Map())) out.push({ env, value: this.resolve(model, row, source, env) });
    return out;
  }

  private aggregateOver(model: ModelName, rows: Row[], agg: Agg): Scalar {
    let values: Scalar[] = [];
    for (const row of rows) {
      for (const { env, value } of this.joined(model, row, agg.source)) {
        if (value === null) continue;
        if (agg.filter !== undefined) {
          const f = normalise(agg.filter);
          if (f !== undefined && this.holds(model, row, f, env, new Map(), false) !== true) continue;
        }
        values.push(value);
      }
    }
    return reduce(agg, values);
  }

  // ---- querysets -----------------------------------------------------------------------------

  run(spec: QuerySpec): Expected {
    const state: State = { model: spec.model, rows: this.tables[spec.model].map((row) => ({ row, ann: new Map() })), annotations: [], distinct: false, order: undefined };
    for (const step of spec.steps) this.step(state, step);
    return this.terminal(state, spec);
  }

  private step(state: State, step: Step): void {
    const { model } = state;
    switch (step.kind) {
      case 'filter':
      case 'exclude':
        if (state.grouped !== undefined) {
          state.grouped.having.push(step);
          return;
        }
        state.rows = state.rows.filter(({ row, ann }) => {
          const holds = this.call(model, row, step.args, ann);
          return holds === undefined ? true : step.kind === 'filter' ? holds === true : holds === false;
        });
        return;
      case 'annotate':
        if (state.values !== undefined) {
          state.grouped ??= { annotations: [], having: [] };
          state.grouped.annotations.push(...step.items);
          return;
        }
        for (const item of step.items) {
          state.annotations.push(item);
          for (const r of state.rows) r.ann.set(item.name, this.aggregateOver(model, [r.row], item.agg));
        }
        return;
      case 'values':
        state.values = { names: step.names, shape: step.shape };
        return;
      case 'orderBy':
        state.order = step.terms;
        return;
      case 'distinct':
        state.distinct = true;
        return;
    }
  }

  /** The output rows, each with the keys its ordering compares. */
  private outputs(state: State): Array<{ out: Out; keys: Scalar[] }> {
    const { model } = state;
    const order = state.order ?? [];
    const keyOf = (row: Row | null, named: Map<string, Scalar>): Scalar[] => order.map((t) => {
      if (t.kind === 'expr') return row === null ? null : this.expr(model, row, t.expr);
      return named.has(t.name) ? named.get(t.name)! : row === null ? null : this.resolve(model, row, t.name, new Map());
    });
    if (state.grouped !== undefined) {
      const names = state.values!.names;
      const groups = new Map<string, { values: Scalar[]; rows: Row[] }>();
      for (const { row } of state.rows) {
        const values = names.map((n) => this.resolve(model, row, n, new Map()));
        const key = JSON.stringify(values);
        if (!groups.has(key)) groups.set(key, { values, rows: [] });
        groups.get(key)!.rows.push(row);
      }
      const out: Array<{ out: Out; keys: Scalar[] }> = [];
      for (const group of groups.values()) {
        const named = new Map<string, Scalar>(names.map((n, i) => [n, group.values[i]!]));
        for (const { name, agg } of state.grouped.annotations) named.set(name, this.aggregateOver(model, group.rows, agg));
        const kept = state.grouped.having.every((step) => {
          const holds = this.call(model, {}, step.args, named);
          return holds === undefined ? true : step.kind === 'filter' ? holds === true : holds === false;
        });
        if (!kept) continue;
        const record: Record<string, Out> = {};
        for (const [k, v] of named) record[k] = output(model, k, v, state.grouped.annotations);
        out.push({ out: record, keys: keyOf(null, named) });
      }
      return out;
    }
    if (state.values !== undefined) {
      const { names, shape } = state.values;
      let out = state.rows.map(({ row }) => {
        const values = names.map((n) => output(model, n, this.resolve(model, row, n, new Map()), []));
        const rendered: Out = shape === 'flat' ? values[0]! : shape === 'list' ? values : Object.fromEntries(names.map((n, i) => [n, values[i]!]));
        return { out: rendered, keys: keyOf(row, new Map()) };
      });
      if (state.distinct) {
        // Django's SELECT DISTINCT also covers the ordering's columns that are not selected.
        const seen = new Set<string>();
        out = out.filter(({ out: o, keys }) => {
          const extra = order.map((t, i) => (t.kind === 'name' && names.includes(t.name) ? null : keys[i]));
          const key = JSON.stringify([o, extra]);
          if (seen.has(key)) return false;
          seen.add(key);
          return true;
        });
      }
      return out;
    }
    return state.rows.map(({ row, ann }) => {
      const record: Record<string, Out> = { id: row.id as number };
      for (const { name } of state.annotations) record[name] = output(model, name, ann.get(name)!, state.annotations);
      return { out: record, keys: keyOf(row, ann) };
    });
  }

  private sorted(state: State, rows: Array<{ out: Out; keys: Scalar[] }>): { rows: Out[]; groups: number[] } {
    const order = state.order ?? [];
    const cmp = (a: Scalar[], b: Scalar[]) => {
      for (const [i, t] of order.entries()) {
        const c = compareKeys(a[i]!, b[i]!, t, this.backend);
        if (c !== 0) return c;
      }
      return 0;
    };
    const sorted = [...rows].sort((a, b) => cmp(a.keys, b.keys));
    const groups: number[] = [];
    sorted.forEach((r, i) => {
      if (i > 0 && cmp(sorted[i - 1]!.keys, r.keys) === 0) groups[groups.length - 1]!++;
      else groups.push(1);
    });
    return { rows: sorted.map((r) => r.out), groups };
  }

  private terminal(state: State, spec: QuerySpec): Expected {
    const t = spec.terminal;
    if (t.kind === 'aggregate') {
      const record: Record<string, Out> = {};
      if (state.values !== undefined && state.distinct) {
        // Over the distinct values: each item aggregates one of the selected fields.
        const names = state.values.names;
        const tuples = new Map<string, Scalar[]>();
        for (const { row } of state.rows) {
          const values = names.map((n) => this.resolve(state.model, row, n, new Map()));
          tuples.set(JSON.stringify(values), values);
        }
        for (const { name, agg } of t.items) {
          const at = names.indexOf(agg.source);
          if (at < 0) throw new ReferenceError('aggregate over distinct values takes a selected field');
          const values = [...tuples.values()].map((v) => v[at]!).filter((v) => v !== null);
          record[name] = output(state.model, name, reduce(agg, values), t.items);
        }
        return { kind: 'value', value: record };
      }
      for (const { name, agg } of t.items) record[name] = output(state.model, name, this.aggregateOver(state.model, state.rows.map((r) => r.row), agg), t.items);
      return { kind: 'value', value: record };
    }
    const rows = this.outputs(state);
    if (t.kind === 'count') return { kind: 'value', value: rows.length };
    if (t.kind === 'exists') return { kind: 'value', value: rows.length > 0 };
    let order = state.order;
    if ((t.kind === 'first' || t.kind === 'last') && (order === undefined || order.length === 0)) {
      if (state.grouped !== undefined) throw new ReferenceError('first() of an unordered grouped query');
      // Django orders by the primary key when the queryset has no ordering.
      state.order = order = [{ kind: 'name', name: 'id', desc: false }];
      return this.terminal(state, spec);
    }
    if (order === undefined || order.length === 0) {
      if (t.kind === 'slice') throw new ReferenceError('slice of an unordered query');
      return { kind: 'rows', rows: rows.map((r) => r.out), groups: null, window: null };
    }
    const { rows: sorted, groups } = this.sorted(state, rows);
    const n = sorted.length;
    if (t.kind === 'fetch') return { kind: 'rows', rows: sorted, groups, window: null };
    if (t.kind === 'slice') return { kind: 'rows', rows: sorted, groups, window: [Math.min(t.start, n), Math.min(t.end, n)] };
    if (t.kind === 'first') return { kind: 'rows', rows: sorted, groups, window: [0, Math.min(1, n)] };
    return { kind: 'rows', rows: sorted, groups, window: [Math.max(0, n - 1), n] };
  }
}

// ---- helpers ---------------------------------------------------------------------------------

function all(values: Array<boolean | null>): boolean | null {
  return values.includes(false) ? false : values.includes(null) ? null : true;
}

function any(values: Array<boolean | null>): boolean | null {
  return values.includes(true) ? true : values.includes(null) ? null : false;
}

function isOutermost(model: ModelName, key: string): boolean {
  return Reference.manySteps(model, key).length === 1;
}

/** Drops empty Q()s as Django does: from AND and OR, and NOT of nothing is nothing. */
export function normalise(node: QNode): QNode | undefined {
  switch (node.kind) {
    case 'empty':
      return undefined;
    case 'dict':
      return node.items.length === 0 ? undefined : node;
    case 'not': {
      const child = normalise(node.child);
      return child === undefined ? undefined : { kind: 'not', child };
    }
    case 'and':
    case 'or': {
      const children = node.children.map(normalise).filter((c): c is QNode => c !== undefined);
      return children.length === 0 ? undefined : children.length === 1 ? children[0] : { kind: node.kind, children };
    }
  }
}

function compare(lookup: 'exact' | 'gt' | 'gte' | 'lt' | 'lte', a: Scalar, b: Scalar): boolean {
  const c = order(a, b);
  switch (lookup) {
    case 'exact':
      return c === 0;
    case 'gt':
      return c > 0;
    case 'gte':
      return c >= 0;
    case 'lt':
      return c < 0;
    case 'lte':
      return c <= 0;
  }
}

function order(a: Scalar, b: Scalar): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (typeof a === 'boolean' && typeof b === 'boolean') return Number(a) - Number(b);
  const x = String(a);
  const y = String(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

function leafHolds(c: Leaf, v: Scalar): boolean {
  const value = c.value;
  if (c.lookup === 'isnull') return (v === null) === value;
  if (c.lookup === 'exact' && value === null) return v === null;
  if (v === null) return false;
  const text = () => [String(v), String(value)] as const;
  const lower = () => [String(v).toLowerCase(), String(value).toLowerCase()] as const;
  switch (c.lookup) {
    case 'exact':
    case 'gt':
    case 'gte':
    case 'lt':
    case 'lte':
      return compare(c.lookup, v, value as Scalar);
    case 'iexact': {
      const [a, b] = lower();
      return a === b;
    }
    case 'contains': {
      const [a, b] = text();
      return a.includes(b);
    }
    case 'icontains': {
      const [a, b] = lower();
      return a.includes(b);
    }
    case 'startswith': {
      const [a, b] = text();
      return a.startsWith(b);
    }
    case 'istartswith': {
      const [a, b] = lower();
      return a.startsWith(b);
    }
    case 'endswith': {
      const [a, b] = text();
      return a.endsWith(b);
    }
    case 'iendswith': {
      const [a, b] = lower();
      return a.endsWith(b);
    }
    case 'in':
      return (value as Scalar[]).some((x) => x !== null && order(v, x) === 0);
    case 'range': {
      const [lo, hi] = value as [Scalar, Scalar];
      return order(v, lo) >= 0 && order(v, hi) <= 0;
    }
  }
}

function reduce(agg: Agg, all: Scalar[]): Scalar {
  const values = agg.distinct ? [...new Map(all.map((v) => [JSON.stringify(v), v])).values()] : all;
  if (agg.fn === 'count') return values.length;
  if (values.length === 0) return null;
  if (agg.fn === 'min' || agg.fn === 'max') return values.reduce((a, b) => ((order(a, b) < 0) === (agg.fn === 'min') ? a : b));
  const sum = values.reduce((a: number, b) => a + Number(b), 0);
  return agg.fn === 'sum' ? sum : sum / values.length;
}

/** A value as both sides report it: averages to two decimals, date-times in ISO form. */
function output(model: ModelName, name: string, v: Scalar, aggregates: ReadonlyArray<{ name: string; agg: Agg }>): Out {
  const agg = aggregates.find((a) => a.name === name)?.agg;
  if (agg?.fn === 'avg') return roundAvg(v as number | null);
  if (typeof v === 'string' && /^\d{4}-\d\d-\d\dT/.test(v)) return isoSeconds(v);
  return v;
}

/** Ordering of two keys by one term, NULLs placed as the backend (or the term) says. */
function compareKeys(a: Scalar, b: Scalar, t: OrderTerm, backend: Backend): number {
  if (a === null || b === null) {
    if (a === null && b === null) return 0;
    const nulls = t.kind === 'expr' && t.nulls !== undefined ? t.nulls : (backend === 'postgres') !== t.desc ? 'last' : 'first';
    return (a === null) === (nulls === 'first') ? -1 : 1;
  }
  const c = order(a, b);
  return t.desc ? -c : c;
}

/** Whether a condition names a missing value as such (`isnull: true`, `= null`) anywhere. */
function holdsOnMissingRow(node: QNode): boolean {
  switch (node.kind) {
    case 'dict':
      return node.items.some((c) => c.kind === 'leaf' && ((c.lookup === 'isnull' && c.value === true) || (c.lookup === 'exact' && c.value === null)));
    case 'and':
    case 'or':
      return node.children.some(holdsOnMissingRow);
    case 'not':
      return holdsOnMissingRow(node.child);
    case 'empty':
      return false;
  }
}
