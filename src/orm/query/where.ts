/**
 * Resolves filter arguments (`{ author__name__icontains: 'ann' }`, Q objects) against model
 * metadata into a small tree of conditions. Names and values are checked here, so a bad field,
 * lookup or value fails before any SQL exists.
 */
import { FieldError, QueryUsageError, ValidationError } from '../errors.ts';
import type { Field } from '../fields/field.ts';
import { ForeignKeyField, ManyToManyField, modelMetaOf } from '../fields/relations.ts';
import type { ModelMeta, ReverseRelation } from '../meta.ts';
import type { Lookup } from '../types.ts';
import { DATE_TRANSFORMS, isDateField, resolveDateTransform, type DatePart, type DateTransform } from './dates.ts';
import { Expression, resolveExpression, resolveOuterRefs, type ResolvedExpression } from '../expressions.ts';
import { Exists } from './exists.ts';
import type { Annotation } from './aggregation.ts';
import { Q, type FilterDict } from './q.ts';

export const LOOKUPS: ReadonlySet<string> = new Set<Lookup>([
  'exact', 'iexact', 'contains', 'icontains', 'startswith', 'istartswith', 'endswith',
  'iendswith', 'in', 'gt', 'gte', 'lt', 'lte', 'isnull', 'range',
]);
const TEXT_LOOKUPS: ReadonlySet<string> = new Set(['iexact', 'contains', 'icontains', 'startswith', 'istartswith', 'endswith', 'iendswith']);

export type CompareLookup = Exclude<Lookup, 'isnull'>;

export type WhereNode =
  | { readonly kind: 'and' | 'or'; readonly children: readonly WhereNode[] }
  | { readonly kind: 'not'; readonly child: WhereNode }
  /** `column <lookup> value`; `value` is already cleaned by the field (an array for in/range). */
  | { readonly kind: 'compare'; readonly field: Field; readonly column: string; readonly lookup: CompareLookup; readonly value: unknown }
  | { readonly kind: 'isnull'; readonly column: string; readonly isNull: boolean }
  /** `part(column) <lookup> value` on a date column: `createdAt__month: 3` (see dates.ts). */
  | { readonly kind: 'datePart'; readonly field: Field; readonly column: string; readonly part: DatePart; readonly lookup: 'exact' | 'gt' | 'gte' | 'lt' | 'lte' | 'in' | 'range'; readonly value: number | number[] }
  /** `column IN (SELECT selectColumn FROM table WHERE …)`: how every relation is crossed. */
  | {
      readonly kind: 'subquery'; readonly column: string; readonly nullable: boolean; readonly table: string; readonly selectColumn: string; readonly where: WhereNode | undefined;
      /** Also rows with no related row at all, as Django's LEFT JOIN gives them (see `Absent`). */
      readonly absent?: Absent;
      /**
       * What the condition says when the row it starts from is itself a made-up row of NULLs
       * (a missing row one relation up): then the related row is missing too. Undefined: unknown.
       */
      readonly onMissing?: boolean;
    }
  /** `column <lookup> expression`: `{ likes__gt: F('views') }` (see expressions.ts). */
  | { readonly kind: 'compareExpression'; readonly field: Field; readonly column: string; readonly lookup: 'exact' | 'gt' | 'gte' | 'lt' | 'lte'; readonly expression: ResolvedExpression }
  /** `annotation <lookup> value`: a condition on an annotation (`{ postCount__gt: 2 }`). */
  | { readonly kind: 'annotation'; readonly annotation: Annotation; readonly lookup: 'exact' | 'gt' | 'gte' | 'lt' | 'lte'; readonly value: unknown }
  /** `EXISTS (SELECT 1 FROM table WHERE …)`, the inner conditions referring to the outer row (Exists()). */
  | { readonly kind: 'exists'; readonly table: string; readonly where: WhereNode | undefined }
  /**
   * A condition on the row the query's condition is about, inside a condition written on another
   * row: an aggregate's filter, written on a row along its joins, naming the annotated row.
   */
  | { readonly kind: 'root'; readonly where: WhereNode }
  /** Matches no row, e.g. `id__in: []`. */
  | { readonly kind: 'nothing' };

/**
 * When a condition across a relation holds for a missing related row (`author__name__isnull:
 * true`, `comments__score: null`), Django's join promotion makes it match rows that have no
 * related row: a null key, or no row on the other side at all. Such a row is one whose `column`
 * is null (`nullKey`) or appears in no row of `missing`.
 */
export interface Absent {
  readonly nullKey: boolean;
  readonly missing: { readonly table: string; readonly selectColumn: string; readonly where: WhereNode | undefined } | undefined;
}

/** Rows of a soft-delete model that are not in the trash; undefined for other models. */
export function liveRows(meta: ModelMeta): WhereNode | undefined {
  return meta.softDelete ? { kind: 'isnull', column: SOFT_DELETED_AT, isNull: true } : undefined;
}

/** The column a soft delete stamps; the field is `deletedAt`. */
export const SOFT_DELETED_AT = 'deleted_at';

/** `node`, narrowed to live rows when `meta` soft-deletes: relations never reach into the trash. */
function live(meta: ModelMeta, node: WhereNode | undefined): WhereNode | undefined {
  const filter = liveRows(meta);
  if (filter === undefined) return node;
  return node === undefined ? filter : and([node, filter]);
}

export function and(children: WhereNode[]): WhereNode {
  if (children.length === 1 && children[0]!.kind !== 'and') return children[0]!;
  const flat = children.flatMap((c) => (c.kind === 'and' ? c.children : [c]));
  return flat.length === 1 ? flat[0]! : { kind: 'and', children: flat };
}

/** Annotations of the queryset, by name: conditions may name them like fields. */
export type Annotations = ReadonlyMap<string, Annotation>;

/*
 * An empty condition (`Q()`, `{}`, a dictionary whose values are all undefined) resolves to
 * undefined: no condition at all, as Django's empty Q() is. It drops out of AND and OR (so
 * `Q().or({ name: 'x' })` is `name = 'x'`, the idiom for building "any of these" in a loop),
 * NOT of it is still nothing, and a filter() or exclude() of it leaves the queryset as it was.
 * Compiling it as TRUE instead would make that OR match every row.
 */

/**
 * Resolves the arguments of one `filter(...)` call: dictionaries and Q objects, all ANDed;
 * undefined when none says anything. With `negated`, they are the arguments of `exclude()`
 * (the caller puts the NOT round the result): Django reads `exclude(a, b)` as
 * `filter(~Q(a, b))`, so each condition across a many-valued relation is a subquery of its own.
 */
export function resolveFilterArgs(meta: ModelMeta, args: ReadonlyArray<FilterDict | Q>, annotations?: Annotations, negated = false): WhereNode | undefined {
  const parse: Parse = { mode: 'filter', joined: new Set(), annotations };
  const conjuncts = args.map((arg) => formulaOf(meta, arg, parse, negated)).filter((f): f is Formula => f !== undefined);
  return resolveConjuncts(meta, conjuncts, '', { branches: 1 });
}

/** One table of an aggregate's joins, as resolveAggregate builds them (see aggregation.ts). */
export interface ChainLink {
  readonly meta: ModelMeta;
  readonly column: string;
  readonly previousColumn: string;
  /** Its row holds the key to the row before (a reverse key, a link row); otherwise the row before holds the key to it. */
  readonly up: boolean;
}

/** An aggregate's path: the relations it names, each with the number of links it takes (two for a many-to-many). */
export interface Chain {
  readonly names: ReadonlyArray<{ readonly name: string; readonly links: number }>;
  readonly links: readonly ChainLink[];
}

/**
 * The `filter` of an aggregate over `chain` from rows of `meta`, written as Django writes it:
 * from `meta` (`Count('posts', { filter: Q({ posts__status: 'published', rating__gte: 2 }) })`).
 * A path along the aggregate's own relations names the row being aggregated (or one on the way
 * to it), and the annotated row's own fields name that row, as Django's reused joins do; paths
 * beyond them are conditions on those rows (a related row that exists, never a count multiplied).
 * The condition is resolved on one row of the chain, `at` (0 is the row of `meta`, `links.length`
 * the last joined one), from which every row it names is reached through single keys.
 */
export function resolveAggregateFilter(meta: ModelMeta, filter: Q | FilterDict, chain: Chain, aggregateName: string): { where: WhereNode | undefined; at: number } {
  const parse: Parse = { mode: 'aggregate', joined: new Set(), annotations: undefined };
  const formula = formulaOf(meta, filter, parse, false);
  // Bad names and values, said of the filter as written.
  if (chain.links.length > 0) resolveFilterArgs(meta, [filter]);
  const n = chain.links.length;
  if (formula === undefined) return { where: undefined, at: n };
  // How deep along the chain each atom starts: the links its leading names follow.
  const depthOf = (parts: readonly string[]): [depth: number, names: number] => {
    let depth = 0;
    let i = 0;
    while (i < chain.names.length && i < parts.length && parts[i] === chain.names[i]!.name) depth += chain.names[i++]!.links;
    return [depth, i];
  };
  const depths = new Set<number>();
  const collect = (f: Formula): void => {
    if (f.kind === 'and' || f.kind === 'or') f.children.forEach(collect);
    else if (f.kind === 'not') collect(f.child);
    else depths.add(f.kind === 'atom' ? depthOf(f.parts)[0] : 0);
  };
  collect(formula);
  const reachable = (k: number, j: number) => (j <= k ? chain.links.slice(j, k).every((l) => l.up) : chain.links.slice(k, j).every((l) => !l.up));
  const rowReaching = (wanted: (j: number) => boolean): number => {
    let k = n;
    while (k >= 0 && ![...depths].every((j) => !wanted(j) || reachable(k, j))) k--;
    return k;
  };
  let at = rowReaching(() => true);
  // No row of the chain reaches them all (`Count('author__posts', { filter: Q({ title: 'x',
  // author__posts__rating: 2 }) })` from Post): the annotated row's own conditions are then
  // written on that row itself, and the others on a row that reaches the rest.
  const apart = at < 0;
  if (apart) at = rowReaching((j) => j > 0);
  if (at < 0) throw new FieldError(`${aggregateName}: its filter names rows along the aggregate's relations that no one row of them leads to by single keys; this is not supported yet.`);
  const rowMeta = (i: number) => (i === 0 ? meta : chain.links[i - 1]!.meta);
  const keyOn = (model: ModelMeta, column: string) => model.foreignKeys.find((fk) => fk.column === column)!;
  // The keys from the row `at` to the row at depth `j`.
  const route = (j: number): ForeignKeyField[] => {
    const keys: ForeignKeyField[] = [];
    for (let i = at; i > j; i--) keys.push(keyOn(rowMeta(i), chain.links[i - 1]!.column));
    for (let i = at + 1; i <= j; i++) keys.push(keyOn(rowMeta(i - 1), chain.links[i - 1]!.previousColumn));
    return keys;
  };
  const onAnnotatedRow = (f: Formula): boolean => {
    switch (f.kind) {
      case 'and':
      case 'or':
        return f.children.every(onAnnotatedRow);
      case 'not':
        return onAnnotatedRow(f.child);
      case 'node':
        return true;
      case 'atom':
        return depthOf(f.parts)[0] === 0;
    }
  };
  const relocate = (f: Formula): Formula => {
    if (apart && onAnnotatedRow(f)) {
      const where = resolveConjuncts(meta, [f], '', { branches: 1 });
      return where === undefined ? f : { kind: 'node', node: { kind: 'root', where } };
    }
    switch (f.kind) {
      case 'and':
      case 'or':
        return { kind: f.kind, children: f.children.map(relocate) };
      case 'not':
        return { kind: 'not', child: relocate(f.child) };
      case 'node': {
        // On the row of `meta` (Exists() and the like): reached from `at` through the keys.
        let node = f.node;
        for (const key of route(0).reverse()) node = { kind: 'subquery', column: key.column!, nullable: key.nullable, table: key.target.table, selectColumn: key.target.pk.column!, where: node };
        return { kind: 'node', node };
      }
      case 'atom': {
        const [depth, names] = depthOf(f.parts);
        let rest = f.parts.slice(names);
        if (names > 0 && (rest.length === 0 || (rest.length === 1 && LOOKUPS.has(rest[0]!)))) rest = ['pk', ...rest];
        const keys = route(depth).map((key) => key.name);
        const parts = [...keys, ...rest];
        return { ...f, parts, pinned: keys.length, hops: relationHops(rowMeta(at), parts) };
      }
    }
  };
  return { where: resolveConjuncts(rowMeta(at), [relocate(formula)], '', { branches: 1 }), at };
}

/** The conjunction of the conditions that say something; undefined when none does. */
function allOf(children: ReadonlyArray<WhereNode | undefined>): WhereNode | undefined {
  const present = children.filter((c): c is WhereNode => c !== undefined);
  return present.length === 0 ? undefined : and(present);
}

/** The disjunction of the conditions that say something; undefined when none does. */
function anyOf(children: ReadonlyArray<WhereNode | undefined>): WhereNode | undefined {
  const present = children.filter((c): c is WhereNode => c !== undefined);
  return present.length === 0 ? undefined : present.length === 1 ? present[0] : { kind: 'or', children: present };
}

// ---- one filter() call as a formula ---------------------------------------------------------
//
// Django joins each relation a filter() call crosses once, and every condition of the call not
// under NOT reads the same joined row: `filter(Q(tags__name='a') & Q(tags__weight=1))`, like
// `filter(tags__name='a', tags__weight=1)` or `filter(Q(tags__name='a'), tags__weight=1)`, wants
// one tag with both. A condition under NOT crossing a many-valued relation becomes a subquery of
// its own (Django's split_exclude); when an earlier condition of the same call already joined
// that relation, the subquery is tied to the joined row (`Q(tags__name='a') & ~Q(tags__weight=1)`:
// a tag named 'a' whose weight is not 1), otherwise not (`~Q(tags__weight=1)` alone: no tag
// weighs 1). Separate filter() calls join afresh, so they may match different rows.
//
// Trove crosses relations with `IN (subquery)`: one subquery per related row a call shares. The
// conditions on one row go into its subquery; an OR that mixes conditions on the row with others
// is multiplied out ((a OR b) AND c is (a AND c) OR (b AND c)), as EXISTS distributes over OR.

/** The conditions of a filter() call before they are resolved. */
type Formula =
  | { readonly kind: 'and' | 'or'; readonly children: readonly Formula[] }
  | { readonly kind: 'not'; readonly child: Formula }
  | Atom
  /** Already resolved, on the row itself: a condition on an annotation, Exists(). */
  | { readonly kind: 'node'; readonly node: WhereNode };

/** One key of a dictionary: `tags__weight__gt: 1`. */
interface Atom {
  readonly kind: 'atom';
  /** The path from the model the atom is resolved at (relations already entered are cut off). */
  readonly parts: readonly string[];
  readonly key: string;
  readonly value: unknown;
  /**
   * How many of the relations along `parts` are the rows the call shares: all of them
   * (Infinity) for a condition not under NOT; under NOT, the relations up to the first
   * many-valued one when an earlier condition joined it, or none (0: a subquery of its own).
   */
  readonly share: number;
  /** Under NOT and tied to a joined row: Django's EXISTS over that row is false when the row is missing. */
  readonly tied: boolean;
  /** Leading relations that are fixed rows (an aggregate's own joins): no trash filter, never missing. */
  readonly pinned: number;
  /** relationHops of `parts`, from the model the atom is resolved at. */
  readonly hops: readonly boolean[];
}

interface Parse {
  readonly mode: 'filter' | 'aggregate';
  /** Paths (`tags`, `posts__comments`) that conditions of the call not under NOT have joined so far. */
  readonly joined: Set<string>;
  readonly annotations: Annotations | undefined;
}

/**
 * F() compared across a relation, resolved on the model the call filters: it reads that row from
 * inside the subqueries (the `root` expression), as Django's joins read it beside the joined row.
 */
class OnFilteredRow {
  constructor(readonly expression: ResolvedExpression) {}
}

/** `arg` as a formula; undefined when it says nothing (an empty Q or dictionary). */
function formulaOf(meta: ModelMeta, arg: FilterDict | Q, parse: Parse, negated: boolean): Formula | undefined {
  if (arg instanceof Exists) {
    const inner = arg.queryset;
    const node: WhereNode = { kind: 'exists', table: inner.meta.table, where: resolveOuterRefs(inner.state.where as WhereNode | undefined, meta) };
    return { kind: 'node', node: arg.negated ? { kind: 'not', child: node } : node };
  }
  if (arg instanceof Q) {
    const under = negated || arg.negated;
    const children = arg.children.map((child) => formulaOf(meta, child, parse, under)).filter((f): f is Formula => f !== undefined);
    if (children.length === 0) return undefined;
    const formula: Formula = children.length === 1 ? children[0]! : { kind: arg.connector, children };
    return arg.negated ? { kind: 'not', child: formula } : formula;
  }
  if (typeof arg !== 'object' || arg === null || Array.isArray(arg)) {
    throw new FieldError(`filter() takes objects like { title: 'x' } or Q(...), not ${Array.isArray(arg) ? 'an array' : String(arg)}`);
  }
  const children: Formula[] = [];
  for (const key in arg) {
    const value = arg[key];
    // `filter({ id: params.id })` with the parameter missing must not become "every row" (a
    // get() that finds someone, a delete() that empties the table): undefined is refused.
    if (value === undefined) {
      throw new QueryUsageError(`'${key}' is undefined in { ${key}: undefined }: leave the key out for no condition, or give null to match NULL.`);
    }
    const parts = key.split('__');
    const annotation = parse.annotations?.get(parts[0]!);
    if (annotation !== undefined) {
      children.push({ kind: 'node', node: annotationCondition(annotation, parts.slice(1), key, value) });
      continue;
    }
    children.push(atomOf(meta, parts, key, value, parse, negated));
  }
  // No key with a value: no condition (see above), not a condition that is always true.
  if (children.length === 0) return undefined;
  return children.length === 1 ? children[0] : { kind: 'and', children };
}

function atomOf(meta: ModelMeta, parts: string[], key: string, given: unknown, parse: Parse, negated: boolean): Atom {
  const hops = relationHops(meta, parts);
  // An aggregate's filter is resolved on a row along its joins (resolveAggregateFilter), but its
  // F()s name the annotated row, as in Django: resolved here, on `meta`, in either case.
  const value = given instanceof Expression && (hops.length > 0 || parse.mode === 'aggregate') ? new OnFilteredRow(resolveExpression(meta, given)) : given;
  if (parse.mode === 'aggregate' || !negated) {
    if (parse.mode === 'filter') for (let i = 1; i <= hops.length; i++) parse.joined.add(parts.slice(0, i).join('__'));
    return { kind: 'atom', parts, key, value, share: Infinity, tied: false, pinned: 0, hops };
  }
  // Django ties the subquery by trimming its first join, which it cannot do when that join is a
  // LEFT JOIN: when the condition holds on a missing row (`isnull: true`, `null`).
  const onMissing = value === null || (parts[parts.length - 1] === 'isnull' && value === true);
  const first = hops.indexOf(true);
  const share = first >= 0 && !onMissing && parse.joined.has(parts.slice(0, first + 1).join('__')) ? first + 1 : 0;
  return { kind: 'atom', parts, key, value, share, tied: share > 0, pinned: 0, hops };
}

/**
 * The relations a path crosses before it reaches a column, true for each many-valued one
 * (`posts__author__name` from Author: [true, false]). Stops where resolveSteps would compare a
 * column of the row (`author__id` is the key column), or at a name it does not know (the
 * resolution then says what is wrong).
 */
function relationHops(meta: ModelMeta, parts: readonly string[]): boolean[] {
  const hops: boolean[] = [];
  let current = meta;
  let rest = parts;
  while (rest.length > 0) {
    const [head, ...after] = rest as [string, ...string[]];
    const field = head === 'pk' ? current.pk : current.field(head);
    if (field !== undefined && !(field instanceof ManyToManyField)) {
      if (!(field instanceof ForeignKeyField) || head !== field.name || after.length === 0 || foreignKeyIsLocal(field, after)) break;
      hops.push(false);
      current = field.target;
      rest = after;
      continue;
    }
    if (field === undefined && current.reverseRelation(head) === undefined) break;
    hops.push(true);
    if (field instanceof ManyToManyField) current = field.target;
    else {
      const relation = current.reverseRelation(head)!;
      current = relation.field instanceof ManyToManyField ? relation.field.model : relation.relatedModel;
    }
    rest = after;
    // A bare relation (`posts: post`, `tags__in: […]`) compares the related key.
    if (rest.length === 0 || (rest.length === 1 && LOOKUPS.has(rest[0]!))) break;
  }
  return hops;
}

/** Whether `author__<rest>` compares the local key column (`author__id`, `author__in`), as resolveLocal does. */
function foreignKeyIsLocal(field: ForeignKeyField, rest: readonly string[]): boolean {
  const [next, ...after] = rest as [string, ...string[]];
  const onTargetPk = next === 'pk' || next === field.target.pk.name;
  return (LOOKUPS.has(next) && rest.length === 1) || (onTargetPk && (after.length === 0 || (after.length === 1 && LOOKUPS.has(after[0]!))));
}

/** At most this many ways of multiplying out ORs in one call, beyond which the SQL would be huge. */
const MAX_BRANCHES = 64;

interface Budget {
  branches: number;
}

/** The AND of `conjuncts`, on rows of `meta`, with the rows the call shares joined once. */
function resolveConjuncts(meta: ModelMeta, conjuncts: readonly Formula[], prefix: string, budget: Budget): WhereNode | undefined {
  let list = flatten(conjuncts);
  // Atoms alone need no restructuring (each is pure or free): the common case, kept cheap.
  while (list.some((c) => c.kind !== 'atom' && c.kind !== 'node')) {
    const deps = list.map((c) => dependencies(meta, c));
    const index = list.findIndex((c, i) => {
      if (deps[i]!.size === 0 || pureHead(meta, c) !== undefined) return false;
      if (c.kind === 'not') return true;
      return [...deps[i]!].some((h) => deps.some((d, j) => j !== i && d.has(h)));
    });
    if (index < 0) break;
    const mixed = list[index]!;
    const others = list.filter((_, i) => i !== index);
    if (mixed.kind === 'not') {
      list = flatten([...others, pushNot(mixed.child)]);
      continue;
    }
    // (a OR b) AND c is (a AND c) OR (b AND c): each branch shares the rows of c afresh, as
    // EXISTS distributes over OR. Branches on the same row (or on none) stay together.
    const classes = new Map<string, Formula[]>();
    (mixed as { readonly children: readonly Formula[] }).children.forEach((child, i) => {
      const key = dependencies(meta, child).size === 0 ? '' : pureHead(meta, child) ?? `#${i}`;
      classes.set(key, [...(classes.get(key) ?? []), child]);
    });
    budget.branches += classes.size - 1;
    if (budget.branches > MAX_BRANCHES) {
      throw new FieldError(`A filter() call whose ORs mix conditions on the same related rows with others would need more than ${MAX_BRANCHES} subqueries; split it into several filter() calls, or into ORs of whole conditions.`);
    }
    return anyOf([...classes.values()].map((cls) => resolveConjuncts(meta, [...others, cls.length === 1 ? cls[0]! : { kind: 'or', children: cls }], prefix, budget)));
  }
  const rest: Array<WhereNode | undefined> = [];
  const groups = new Map<string, { head: string; pinned: boolean; members: Formula[] }>();
  for (const c of list) {
    const head = c.kind === 'atom' ? groupHead(meta, c) : dependencies(meta, c).size > 0 ? pureHead(meta, c) : undefined;
    if (head === undefined) {
      rest.push(resolveAlone(meta, c, prefix, budget));
      continue;
    }
    const pinned = someAtom(c, (a) => a.pinned > 0);
    const key = `${head}${pinned ? '#' : ''}`;
    const group = groups.get(key) ?? { head, pinned, members: [] };
    group.members.push(c);
    groups.set(key, group);
  }
  for (const group of groups.values()) rest.push(resolveGroup(meta, group.head, group.pinned, group.members, prefix, budget));
  return allOf(rest);
}

/** ANDs inlined. */
function flatten(conjuncts: readonly Formula[]): Formula[] {
  return conjuncts.flatMap((c) => (c.kind === 'and' ? flatten(c.children) : [c]));
}

/** NOT pushed one level down (De Morgan). Atoms keep how they were parsed, so it changes no meaning. */
function pushNot(child: Formula): Formula {
  switch (child.kind) {
    case 'and':
      return { kind: 'or', children: child.children.map((c): Formula => ({ kind: 'not', child: c })) };
    case 'or':
      return { kind: 'and', children: child.children.map((c): Formula => ({ kind: 'not', child: c })) };
    case 'not':
      return child.child;
    default:
      return { kind: 'not', child };
  }
}

function someAtom(formula: Formula, test: (atom: Atom) => boolean): boolean {
  switch (formula.kind) {
    case 'and':
    case 'or':
      return formula.children.some((c) => someAtom(c, test));
    case 'not':
      return someAtom(formula.child, test);
    case 'atom':
      return test(formula);
    case 'node':
      return false;
  }
}

/** The relations at this level whose row `formula` must share with the rest of the call. */
function dependencies(meta: ModelMeta, formula: Formula): Set<string> {
  const found = new Set<string>();
  const visit = (f: Formula): void => {
    if (f.kind === 'and' || f.kind === 'or') f.children.forEach(visit);
    else if (f.kind === 'not') visit(f.child);
    else if (f.kind === 'atom' && f.share > 0) {
      if (f.hops.slice(0, f.share).includes(true)) found.add(f.parts[0]!);
    }
  };
  visit(formula);
  return found;
}

/**
 * The relation an atom can be resolved under together with others: one whose row it shares, or
 * one it reaches through keys only (a single row, so sharing changes nothing and saves a subquery).
 */
function groupHead(meta: ModelMeta, atom: Atom): string | undefined {
  if (atom.hops.length === 0) return undefined;
  return atom.share > 0 || !atom.hops.includes(true) ? atom.parts[0] : undefined;
}

/** The relation every atom of `formula` can be resolved under, if there is one. */
function pureHead(meta: ModelMeta, formula: Formula): string | undefined {
  let head: string | undefined;
  let pure = true;
  const visit = (f: Formula): void => {
    if (!pure) return;
    if (f.kind === 'and' || f.kind === 'or') f.children.forEach(visit);
    else if (f.kind === 'not') visit(f.child);
    else if (f.kind !== 'atom') pure = false;
    else {
      const h = groupHead(meta, f);
      if (h === undefined || (head !== undefined && h !== head)) pure = false;
      else head = h;
    }
  };
  visit(formula);
  return pure ? head : undefined;
}

/** A conjunct that shares no row with the others. */
function resolveAlone(meta: ModelMeta, formula: Formula, prefix: string, budget: Budget): WhereNode | undefined {
  switch (formula.kind) {
    case 'node':
      return formula.node;
    case 'atom':
      return resolveAtom(meta, formula, prefix);
    case 'or':
      return anyOf(formula.children.map((child) => resolveConjuncts(meta, [child], prefix, budget)));
    case 'and':
      return resolveConjuncts(meta, formula.children, prefix, budget);
    case 'not': {
      const child = resolveConjuncts(meta, [formula.child], prefix, budget);
      return child === undefined ? undefined : { kind: 'not', child };
    }
  }
}

function resolveAtom(meta: ModelMeta, atom: Atom, prefix: string): WhereNode {
  return resolveSteps(meta, [{ parts: [...atom.parts], value: atom.value, key: atom.key }], prefix);
}

/** Conjuncts that all go through relation `head`: one subquery, one related row for all of them. */
function resolveGroup(meta: ModelMeta, head: string, pinned: boolean, members: readonly Formula[], prefix: string, budget: Budget): WhereNode | undefined {
  if (!pinned && members.length === 1) {
    const only: Formula = members[0]!;
    // Alone, it shares with nothing: resolved as it always was (`posts__isnull` its own way).
    if (only.kind === 'atom') return resolveAtom(meta, only, prefix);
    // EXISTS distributes over OR: a subquery per branch.
    if (only.kind === 'or') return anyOf(only.children.map((child) => resolveConjuncts(meta, [child], prefix, budget)));
  }
  const qualified = `${prefix}${head}__`;
  const tails = members.map((m) => enter(m));
  const field = meta.field(head);
  const target = field instanceof ForeignKeyField ? field.target : multiValuedHop(meta, head).target;
  const inner = resolveConjuncts(target, tails, qualified, budget);
  if (pinned) {
    const key = field as ForeignKeyField;
    return { kind: 'subquery', column: key.column!, nullable: key.nullable, table: target.table, selectColumn: target.pk.column!, where: inner };
  }
  return relationNode(meta, head, inner, nullRow(target, tails, qualified, 0));
}

/** `formula` one relation further in: its atoms' paths without their first name. */
function enter(formula: Formula): Formula {
  switch (formula.kind) {
    case 'and':
    case 'or':
      return { kind: formula.kind, children: formula.children.map(enter) };
    case 'not':
      return { kind: 'not', child: enter(formula.child) };
    case 'node':
      return formula;
    case 'atom': {
      let parts = formula.parts.slice(1);
      // A bare relation (`posts: post`, `tags__in: [...]`, `posts__isnull: true`) compares the related key.
      if (parts.length === 0 || (parts.length === 1 && LOOKUPS.has(parts[0]!))) parts = ['pk', ...parts];
      return { ...formula, parts, share: formula.share - 1, pinned: Math.max(0, formula.pinned - 1), hops: formula.hops.slice(1) };
    }
  }
}

/**
 * What an atom says of a missing row (and of the missing rows beyond it), as matchesNullRow says
 * of its resolved condition: `isnull` what it asks, `null` true, `in: []` false, a comparison unknown.
 */
function atomOnNullRow(atom: Atom): boolean | undefined {
  const last = atom.parts[atom.parts.length - 1];
  if (last === 'isnull' && typeof atom.value === 'boolean') return atom.value;
  if (atom.value === null) return true;
  if (last === 'in' && (Array.isArray(atom.value) || atom.value instanceof Set) && [...atom.value].length === 0) return false;
  return undefined;
}

/**
 * What `conjuncts` say of the row of NULLs a LEFT JOIN makes up for a missing related row (true,
 * false or unknown), as Django evaluates them there: under NOT a comparison is false rather than
 * unknown (Django adds `IS NOT NULL`), and a subquery tied to the missing row finds nothing.
 */
function nullRow(meta: ModelMeta, conjuncts: readonly Formula[], prefix: string, negations: number): boolean | undefined {
  const values = conjuncts.map((c) => nullRowOf(meta, c, prefix, negations));
  return values.includes(false) ? false : values.every((v) => v === true) ? true : undefined;
}

function nullRowOf(meta: ModelMeta, formula: Formula, prefix: string, negations: number): boolean | undefined {
  switch (formula.kind) {
    case 'and':
      return nullRow(meta, formula.children, prefix, negations);
    case 'or': {
      const values = formula.children.map((c) => nullRowOf(meta, c, prefix, negations));
      return values.includes(true) ? true : values.every((v) => v === false) ? false : undefined;
    }
    case 'not': {
      const value = nullRowOf(meta, formula.child, prefix, negations + 1);
      return value === undefined ? undefined : !value;
    }
    case 'node':
      return undefined;
    case 'atom': {
      if (formula.tied) return false;
      const value = atomOnNullRow(formula);
      return value === undefined && negations % 2 === 1 ? false : value;
    }
  }
}

interface PathStep {
  parts: string[];
  value: unknown;
  key: string;
}

function annotationCondition(annotation: Annotation, rest: string[], key: string, value: unknown): WhereNode {
  const lookup = rest.length === 0 ? 'exact' : rest[0]!;
  if (rest.length > 1 || !['exact', 'gt', 'gte', 'lt', 'lte'].includes(lookup)) {
    throw new FieldError(`'${key}': an annotation takes exact, gt, gte, lt or lte.`);
  }
  if (typeof value !== 'number' && !(value instanceof Date) && typeof value !== 'string' && typeof value !== 'boolean') {
    throw new ValidationError(`'${key}' compares an annotation with ${value === null ? 'null' : typeof value}; give a number.`, annotation.name);
  }
  return { kind: 'annotation', annotation, lookup: lookup as 'exact', value };
}

function resolveSteps(meta: ModelMeta, steps: PathStep[], prefix: string): WhereNode {
  const conditions: WhereNode[] = [];
  let relationGroups: Map<string, PathStep[]> | undefined;
  for (const step of steps) {
    const [head, ...rest] = step.parts as [string, ...string[]];
    const field = head === 'pk' ? meta.pk : meta.field(head);
    if (field !== undefined && !(field instanceof ManyToManyField)) {
      const local = resolveLocal(meta, field, head, rest, step);
      if (local !== undefined) {
        conditions.push(local);
        continue;
      }
    }
    if (field === undefined && meta.reverseRelation(head) === undefined) throw unknownField(meta, head, prefix);
    relationGroups ??= new Map();
    const group = relationGroups.get(head) ?? [];
    group.push({ ...step, parts: rest });
    relationGroups.set(head, group);
  }
  if (relationGroups !== undefined) for (const [head, group] of relationGroups) conditions.push(resolveRelation(meta, head, group, prefix));
  return and(conditions);
}

/** A condition on this model's own column, or undefined when the path leads into the related model. */
function resolveLocal(meta: ModelMeta, field: Field, head: string, rest: string[], step: PathStep): WhereNode | undefined {
  const isForeignKey = field instanceof ForeignKeyField;
  if (isForeignKey && head === field.name && rest.length > 0) {
    // author__id / author__pk compare the local column; author__name needs the related table.
    const [next, ...after] = rest as [string, ...string[]];
    const target = field.target;
    const onTargetPk = next === 'pk' || next === target.pk.name;
    if (LOOKUPS.has(next) && rest.length === 1) return condition(field, next as Lookup, step);
    if (onTargetPk && after.length === 0) return condition(field, 'exact', step);
    if (onTargetPk && after.length === 1 && LOOKUPS.has(after[0]!)) return condition(field, after[0] as Lookup, step);
    return undefined;
  }
  if (rest.length > 0 && rest.length <= 2 && DATE_TRANSFORMS.has(rest[0]!) && isDateField(field)) {
    return resolveDateTransform(field, rest[0] as DateTransform, (rest[1] ?? 'exact') as Lookup, step.value, step.key);
  }
  if (rest.length > 1) {
    throw new FieldError(`Unsupported lookup '${rest.join('__')}' for ${field.kind} field '${meta.label}.${field.name}' in '${step.key}'.`);
  }
  const lookup = rest[0] ?? 'exact';
  if (!LOOKUPS.has(lookup)) {
    throw new FieldError(`Unsupported lookup '${lookup}' for ${field.kind} field '${meta.label}.${field.name}' in '${step.key}'; use one of: ${[...LOOKUPS].join(', ')}.`);
  }
  return condition(field, lookup as Lookup, step);
}

function condition(field: Field, lookup: Lookup, step: PathStep): WhereNode {
  const column = field.column!;
  const { value } = step;
  if (value instanceof Expression || value instanceof OnFilteredRow) {
    if (lookup !== 'exact' && lookup !== 'gt' && lookup !== 'gte' && lookup !== 'lt' && lookup !== 'lte') {
      throw new FieldError(`The lookup '${step.key}' cannot take an expression; exact, gt, gte, lt and lte can.`);
    }
    const expression: ResolvedExpression = value instanceof OnFilteredRow ? { kind: 'root', expression: value.expression } : resolveExpression(field.model, value);
    return { kind: 'compareExpression', field, column, lookup, expression };
  }
  if (lookup === 'isnull') {
    if (typeof value !== 'boolean') throw new ValidationError(`The lookup '${step.key}' takes true or false, not ${String(value)}.`, field.qualifiedName);
    return { kind: 'isnull', column, isNull: value };
  }
  if (value === null) {
    if (lookup === 'exact' || lookup === 'iexact') return { kind: 'isnull', column, isNull: true };
    throw new ValidationError(`The lookup '${step.key}' cannot compare with null; use '__isnull'.`, field.qualifiedName);
  }
  if (lookup === 'in') {
    if (!Array.isArray(value) && !(value instanceof Set)) throw new ValidationError(`The lookup '${step.key}' takes an array.`, field.qualifiedName);
    const items = [...value].map((item) => cleanLookupValue(field, item));
    if (items.length === 0) return { kind: 'nothing' };
    return { kind: 'compare', field, column, lookup, value: items };
  }
  if (lookup === 'range') {
    if (!Array.isArray(value) || value.length !== 2) throw new ValidationError(`The lookup '${step.key}' takes [low, high].`, field.qualifiedName);
    return { kind: 'compare', field, column, lookup, value: value.map((item) => cleanLookupValue(field, item)) };
  }
  if (TEXT_LOOKUPS.has(lookup)) {
    if (typeof value !== 'string') throw new ValidationError(`The lookup '${step.key}' takes a string, not ${typeof value}.`, field.qualifiedName);
    return { kind: 'compare', field, column, lookup: lookup as CompareLookup, value };
  }
  return { kind: 'compare', field, column, lookup: lookup as CompareLookup, value: cleanLookupValue(field, value) };
}

function cleanLookupValue(field: Field, value: unknown): unknown {
  if (value === null || value === undefined) throw new ValidationError(`Field '${field.qualifiedName}' cannot be compared with null here.`, field.qualifiedName);
  // `tags: tag` and `posts__in: [post]` compare the related primary key with an instance.
  const meta = modelMetaOf(value);
  if (meta !== undefined && field.primaryKey && meta.label === field.model.label) {
    value = (value as Record<string, unknown>)[field.attname];
    if (value === null || value === undefined) throw new ValidationError(`Cannot filter by an unsaved ${meta.objectName}.`, field.qualifiedName);
  }
  // Length limits are for stored values; a longer value simply matches nothing.
  try {
    return field.clean(value);
  } catch (error) {
    if (error instanceof ValidationError && /allows at most/.test(error.message) && typeof value === 'string') return value;
    throw error;
  }
}

function resolveRelation(meta: ModelMeta, head: string, steps: PathStep[], prefix: string): WhereNode {
  const field = meta.field(head);
  const qualified = `${prefix}${head}__`;
  // A bare relation (`posts: post`, `tags__in: [...]`, `posts__isnull: true`) compares the related key.
  const normalised = steps.map((step) => {
    if (step.parts.length === 0 || (step.parts.length === 1 && LOOKUPS.has(step.parts[0]!))) {
      return { ...step, parts: ['pk', ...step.parts] };
    }
    return step;
  });
  if (field instanceof ForeignKeyField) {
    const inner = resolveSteps(field.target, normalised, qualified);
    return relationNode(meta, head, inner, matchesNullRow(inner));
  }
  const isNullStep = normalised.find((s) => s.parts.length === 2 && s.parts[0] === 'pk' && s.parts[1] === 'isnull');
  if (isNullStep !== undefined) {
    // `posts__isnull: true`: authors with no post at all.
    if (normalised.length > 1) throw new FieldError(`'${qualified}isnull' cannot be combined with other conditions on '${head}' in one filter.`);
    const hop = multiValuedHop(meta, head);
    // A missing row has no related rows either.
    const exists: WhereNode = { kind: 'subquery', column: meta.pk.column!, nullable: false, table: hop.table, selectColumn: hop.selectColumn, where: hop.where(undefined), onMissing: false };
    return isNullStep.value === true ? { kind: 'not', child: exists } : exists;
  }
  const inner = resolveSteps(multiValuedHop(meta, head).target, normalised, qualified);
  return relationNode(meta, head, inner, matchesNullRow(inner));
}

/**
 * `inner` on the rows relation `head` reaches from rows of `meta`, as a subquery. `onMissing` is
 * what `inner` says of a missing related row (see matchesNullRow): when true, rows with no related
 * row match too, as Django's LEFT JOIN gives them.
 */
function relationNode(meta: ModelMeta, head: string, inner: WhereNode | undefined, onMissing: boolean | undefined): WhereNode {
  const field = meta.field(head);
  if (field instanceof ForeignKeyField) {
    const target = field.target;
    // Without a constraint, or with a trash, a key may point at no (live) row: that is absent too.
    const unchecked = !field.dbConstraint || target.softDelete;
    const absent: Absent | undefined = onMissing !== true || !(field.nullable || unchecked)
      ? undefined
      : { nullKey: field.nullable, missing: unchecked ? { table: target.table, selectColumn: target.pk.column!, where: liveRows(target) } : undefined };
    return {
      kind: 'subquery',
      column: field.column!,
      nullable: field.nullable,
      table: target.table,
      selectColumn: target.pk.column!,
      where: live(target, inner),
      ...(absent && { absent }),
      ...(onMissing !== undefined && { onMissing }),
    };
  }
  const hop = multiValuedHop(meta, head);
  const absent: Absent | undefined = onMissing === true
    ? { nullKey: false, missing: { table: hop.table, selectColumn: hop.selectColumn, where: hop.where(undefined) } }
    : undefined;
  return {
    kind: 'subquery', column: meta.pk.column!, nullable: false, table: hop.table, selectColumn: hop.selectColumn, where: hop.where(inner),
    ...(absent && { absent }), ...(onMissing !== undefined && { onMissing }),
  };
}

/**
 * What a condition says of the all-NULL row a LEFT JOIN makes up for a missing related row:
 * true, false, or unknown (undefined), in SQL's three-valued logic.
 */
function matchesNullRow(node: WhereNode): boolean | undefined {
  switch (node.kind) {
    case 'and': {
      const values = node.children.map(matchesNullRow);
      return values.includes(false) ? false : values.every((v) => v === true) ? true : undefined;
    }
    case 'or': {
      const values = node.children.map(matchesNullRow);
      return values.includes(true) ? true : values.every((v) => v === false) ? false : undefined;
    }
    case 'not': {
      const value = matchesNullRow(node.child);
      return value === undefined ? undefined : !value;
    }
    case 'isnull':
      return node.isNull;
    case 'nothing':
      return false;
    case 'compare':
    case 'compareExpression':
    case 'annotation':
    case 'exists':
    case 'datePart':
      return undefined;
    case 'subquery':
      // The made-up row has no related rows either: the condition beyond is judged on NULLs again.
      return node.onMissing;
    case 'root':
      return undefined;
  }
}

interface Hop {
  target: ModelMeta;
  table: string;
  selectColumn: string;
  /** Wraps the condition on the target into the condition on `table`. */
  where(inner: WhereNode | undefined): WhereNode | undefined;
}

/** Crossing a reverse foreign key or a many-to-many relation (either way) from `meta`. */
function multiValuedHop(meta: ModelMeta, name: string): Hop {
  const field = meta.field(name);
  if (field instanceof ManyToManyField) return manyToManyHop(field, 'forward');
  const relation = meta.reverseRelation(name) as ReverseRelation;
  if (relation.field instanceof ManyToManyField) return manyToManyHop(relation.field, 'reverse');
  const fk = relation.field;
  const notNull: WhereNode = { kind: 'isnull', column: fk.column!, isNull: false };
  return {
    target: relation.relatedModel,
    table: relation.relatedModel.table,
    selectColumn: fk.column!,
    where: (inner) => live(relation.relatedModel, inner === undefined ? notNull : and([notNull, inner])),
  };
}

function manyToManyHop(field: ManyToManyField, direction: 'forward' | 'reverse'): Hop {
  const [near, far] = direction === 'forward' ? [field.sourceLink, field.targetLink] : [field.targetLink, field.sourceLink];
  const target = direction === 'forward' ? field.target : field.model;
  return {
    target,
    table: field.through.table,
    selectColumn: near.column!,
    // Link rows in the trash (an explicit through model with softDelete) link nothing.
    where: (inner) => {
      const reached = live(target, inner);
      return allOf([liveRows(field.through), reached === undefined ? undefined : { kind: 'subquery', column: far.column!, nullable: false, table: target.table, selectColumn: target.pk.column!, where: reached }]);
    },
  };
}

function unknownField(meta: ModelMeta, name: string, prefix: string): FieldError {
  const choices = [
    ...meta.fields.map((f) => f.name),
    ...meta.foreignKeys.map((f) => f.attname),
    ...meta.reverseRelations.filter((r) => !r.hidden).map((r) => r.queryName),
  ];
  return new FieldError(
    `Cannot resolve keyword '${prefix}${name}' into a field of ${meta.label}. Choices are: ${[...new Set(choices)].sort().join(', ')}.`,
  );
}

/** A filter on the primary key of `meta`, for internal use. */
export function pkIn(meta: ModelMeta, values: unknown[]): WhereNode {
  if (values.length === 0) return { kind: 'nothing' };
  return { kind: 'compare', field: meta.pk, column: meta.pk.column!, lookup: 'in', value: values.map((v) => meta.pk.clean(v)) };
}
