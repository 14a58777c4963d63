/**
 * One filter() call, resolved into conditions: dictionaries and Q objects become a formula, and
 * the formula is resolved so that its conditions on one relation read one related row, as
 * Django's joins do. Names and values are checked here, so a bad field, lookup or value fails
 * before any SQL exists.
 */
import { FieldError, QueryUsageError } from '../errors.ts';
import { ForeignKeyField, ManyToManyField } from '../fields/relations.ts';
import type { ModelMeta } from '../meta.ts';
import { Expression, resolveExpression, resolveOuterRefs } from '../expressions.ts';
import { Exists } from './exists.ts';
import { Q, type FilterDict } from './q.ts';
import { annotationCondition, multiValuedHop, OnFilteredRow, relationNode, resolveSteps } from './lookups.ts';
import { allOf, anyOf, LOOKUPS, type Annotations, type WhereNode } from './where.ts';

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
export type Formula =
  | { readonly kind: 'and' | 'or'; readonly children: readonly Formula[] }
  | { readonly kind: 'not'; readonly child: Formula }
  | Atom
  /** Already resolved, on the row itself: a condition on an annotation, Exists(). */
  | { readonly kind: 'node'; readonly node: WhereNode };

/** One key of a dictionary: `tags__weight__gt: 1`. */
export interface Atom {
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

export interface Parse {
  readonly mode: 'filter' | 'aggregate';
  /** Paths (`tags`, `posts__comments`) that conditions of the call not under NOT have joined so far. */
  readonly joined: Set<string>;
  readonly annotations: Annotations | undefined;
}

/** `arg` as a formula; undefined when it says nothing (an empty Q or dictionary). */
export function formulaOf(meta: ModelMeta, arg: FilterDict | Q, parse: Parse, negated: boolean): Formula | undefined {
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
export function relationHops(meta: ModelMeta, parts: readonly string[]): boolean[] {
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
export function resolveConjuncts(meta: ModelMeta, conjuncts: readonly Formula[], prefix: string, budget: Budget): WhereNode | undefined {
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

export function someAtom(formula: Formula, test: (atom: Atom) => boolean): boolean {
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
