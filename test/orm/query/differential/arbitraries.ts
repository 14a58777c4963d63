/**
 * fast-check arbitraries: small random rows (0 to 8 per table, so that a failure shrinks to a
 * few), and random querysets, one generator per area of the query layer (AREAS). An area can be
 * switched off (the test's PENDING set) without touching the others.
 */
import fc from 'fast-check';
import { Reference } from './reference.ts';
import {
  SCHEMA, type Agg, type AggFn, type Compare, type Condition, type Data, type Expr, type FilterArg, type FLeaf, type Leaf, type Lookup, type ModelName, type OrderTerm,
  type QNode, type QuerySpec, type Scalar, type Step, type Terminal,
} from './spec.ts';

// ---- rows ------------------------------------------------------------------------------------

const NAMES = ['ann', 'Ann', 'ANNA', 'bob', 'b_b', 'b%b', 'x'];
const TITLES = ['hello', 'Hello world', 'HELLO', 'halo', 'a_b', 'a%b', 'ab'];
const TAG_NAMES = ['red', 'Red', 'blue', 'tea'];
export const DATES = ['2024-01-01T00:00:00Z', '2024-01-01T12:30:00Z', '2024-03-15T08:00:00Z', '2025-06-30T23:59:59Z'];
const NUMBERS = [0, 5, 10, 20, 25, 40];

export const dataArb: fc.Arbitrary<Data> = fc
  .record({ authors: fc.integer({ min: 0, max: 6 }), tags: fc.integer({ min: 0, max: 4 }), posts: fc.integer({ min: 0, max: 8 }), comments: fc.integer({ min: 0, max: 8 }) })
  .chain((n) => {
    const authors = n.authors;
    const posts = authors === 0 ? 0 : n.posts;
    const comments = posts === 0 ? 0 : n.comments;
    const id = (max: number) => fc.integer({ min: 1, max });
    return fc.record({
      authors: fc.tuple(...Array.from({ length: authors }, (_, i) => fc.record({ id: fc.constant(i + 1), name: fc.constantFrom(...NAMES), age: fc.option(fc.constantFrom(...NUMBERS), { nil: null, freq: 3 }) }))),
      tags: fc.tuple(...Array.from({ length: n.tags }, (_, i) => fc.record({ id: fc.constant(i + 1), name: fc.constantFrom(...TAG_NAMES), weight: fc.integer({ min: 0, max: 3 }) }))),
      posts: fc.tuple(...Array.from({ length: posts }, (_, i) => fc.record({
        id: fc.constant(i + 1), title: fc.constantFrom(...TITLES), views: fc.constantFrom(...NUMBERS), featured: fc.boolean(),
        authorId: id(authors), editorId: fc.option(id(authors), { nil: null, freq: 2 }), createdAt: fc.constantFrom(...DATES),
      }))),
      // A comment's parent comes before it.
      comments: fc.tuple(...Array.from({ length: comments }, (_, i) => fc.record({
        id: fc.constant(i + 1), postId: id(posts), parentId: i === 0 ? fc.constant(null) : fc.option(id(i), { nil: null, freq: 2 }), score: fc.option(fc.integer({ min: -1, max: 3 }), { nil: null, freq: 3 }),
      }))),
      postTags: posts === 0 || n.tags === 0 ? fc.constant([] as Array<[number, number]>) : fc.uniqueArray(fc.tuple(id(posts), id(n.tags)), { maxLength: 8, selector: ([p, t]) => `${p}:${t}` }),
    });
  });

// ---- paths -----------------------------------------------------------------------------------

/** Conditions' paths on each model: its own fields, across forward keys, across many-valued relations. */
const PATHS: Record<ModelName, { own: string[]; forward: string[]; many: string[] }> = {
  Author: {
    own: ['id', 'name', 'age'],
    forward: [],
    many: ['posts', 'posts__title', 'posts__views', 'posts__featured', 'posts__createdAt', 'edited', 'edited__views', 'posts__comments__score', 'posts__tags__name', 'posts__tags__weight', 'posts__editor__age', 'posts__comments'],
  },
  Post: {
    own: ['id', 'title', 'views', 'featured', 'createdAt'],
    forward: ['author', 'author__name', 'author__age', 'editor', 'editor__age', 'editor__name'],
    many: ['comments', 'comments__score', 'tags', 'tags__name', 'tags__weight', 'comments__replies__score', 'comments__parent__score', 'author__edited__views'],
  },
  Comment: {
    own: ['id', 'score'],
    forward: ['post', 'post__views', 'post__title', 'post__featured', 'parent', 'parent__score', 'post__author__age', 'post__editor__name', 'parent__post__views'],
    many: ['replies', 'replies__score', 'post__tags__weight', 'post__comments__score', 'replies__replies__score'],
  },
  Tag: {
    own: ['id', 'name', 'weight'],
    forward: [],
    many: ['posts', 'posts__views', 'posts__title', 'posts__author__age', 'posts__comments__score', 'posts__tags__name'],
  },
};

/** Integer values a row can compare with F(): own and across forward keys. */
const INTEGERS: Record<ModelName, string[]> = {
  Author: ['id', 'age'],
  Tag: ['id', 'weight'],
  Post: ['id', 'views', 'author__age', 'editor__age'],
  Comment: ['id', 'score', 'post__views', 'parent__score', 'post__author__age'],
};

/** What can be ordered by (text is left out: its order is the database's collation). */
const ORDERABLE: Record<ModelName, string[]> = {
  Author: ['id', 'age'],
  Tag: ['id', 'weight'],
  Post: ['id', 'views', 'featured', 'createdAt', 'author__age', 'editor__age'],
  Comment: ['id', 'score', 'post__views', 'parent__score', 'post__featured'],
};

/** Fields values() can select: own and across forward keys. */
const SELECTABLE: Record<ModelName, string[]> = {
  Author: ['id', 'name', 'age'],
  Tag: ['id', 'name', 'weight'],
  Post: ['id', 'title', 'views', 'featured', 'createdAt', 'author__name', 'author__age', 'editor__age'],
  Comment: ['id', 'score', 'post__views', 'post__featured', 'parent__score', 'post__author__name'],
};

/** Aggregates' sources across relations, by model; numeric ones can be summed. */
const ACROSS: Record<ModelName, Array<{ source: string; numeric: boolean }>> = {
  Author: [
    { source: 'posts', numeric: false }, { source: 'posts__views', numeric: true }, { source: 'edited', numeric: false }, { source: 'posts__comments', numeric: false },
    { source: 'posts__comments__score', numeric: true }, { source: 'posts__tags', numeric: false }, { source: 'posts__tags__weight', numeric: true },
  ],
  Post: [
    { source: 'comments', numeric: false }, { source: 'comments__score', numeric: true }, { source: 'tags', numeric: false }, { source: 'tags__weight', numeric: true },
    { source: 'comments__replies', numeric: false }, { source: 'author__age', numeric: true },
  ],
  Comment: [{ source: 'replies', numeric: false }, { source: 'replies__score', numeric: true }, { source: 'post__tags__weight', numeric: true }, { source: 'post__views', numeric: true }],
  Tag: [{ source: 'posts', numeric: false }, { source: 'posts__views', numeric: true }, { source: 'posts__comments', numeric: false }, { source: 'posts__comments__score', numeric: true }],
};

const MODELS: ModelName[] = ['Author', 'Post', 'Comment', 'Tag'];
const modelArb = fc.constantFrom(...MODELS);

/** The field at the end of `path` (undefined when it ends at a relation: the related key). */
function fieldAt(model: ModelName, path: string): { name: string; kind: string } {
  let m = model;
  for (const part of path.split('__')) {
    const rel = SCHEMA[m].relations[part];
    if (rel === undefined) return { name: part, kind: SCHEMA[m].fields[part]!.kind };
    m = rel.to;
  }
  return { name: 'id', kind: 'key' };
}

// ---- conditions ------------------------------------------------------------------------------

const TEXT_PROBES = ['ann', 'Ann', 'AN', 'b_b', 'b%b', '%', '_', 'hello', 'HELLO', 'o w', 'a', 'x', 'red', 'RED', 'e'];

function pool(name: string, kind: string): fc.Arbitrary<Scalar> {
  if (kind === 'text') return fc.constantFrom(...TEXT_PROBES);
  if (kind === 'bool') return fc.boolean();
  if (kind === 'datetime') return fc.constantFrom(...DATES, '2024-02-01T00:00:00Z');
  if (kind === 'key' || name === 'id') return fc.integer({ min: 1, max: 8 });
  if (name === 'weight') return fc.integer({ min: 0, max: 3 });
  if (name === 'score') return fc.integer({ min: -1, max: 3 });
  return fc.constantFrom(0, 5, 10, 15, 20, 25, 40);
}

const TEXT_LOOKUPS: Lookup[] = ['exact', 'iexact', 'contains', 'icontains', 'startswith', 'istartswith', 'endswith', 'iendswith', 'in', 'isnull'];
const ORDER_LOOKUPS: Lookup[] = ['exact', 'gt', 'gte', 'lt', 'lte', 'in', 'range', 'isnull'];

export function leafArb(model: ModelName, paths: string[]): fc.Arbitrary<Leaf> {
  return fc.constantFrom(...paths).chain((path) => {
    const { name, kind } = fieldAt(model, path);
    const lookups: Lookup[] = kind === 'text' ? TEXT_LOOKUPS : kind === 'bool' ? ['exact', 'exact', 'isnull'] : kind === 'key' ? ['exact', 'in', 'isnull'] : ORDER_LOOKUPS;
    const values = pool(name, kind);
    return fc.constantFrom(...lookups).chain((lookup): fc.Arbitrary<Leaf> => {
      const value: fc.Arbitrary<Scalar | Scalar[]> =
        lookup === 'isnull' ? fc.boolean()
        : lookup === 'in' ? fc.uniqueArray(values, { maxLength: 3 })
        : lookup === 'range' ? fc.tuple(values, values).map(([a, b]) => (String(a) <= String(b) && typeof a !== 'number') || (typeof a === 'number' && a <= (b as number)) ? [a, b] : [b, a])
        : lookup === 'exact' ? fc.oneof({ weight: 9, arbitrary: values }, { weight: 1, arbitrary: fc.constant(null) })
        : values;
      return value.map((v) => ({ kind: 'leaf' as const, path, lookup, value: v }));
    });
  });
}

function exprArb(model: ModelName, ops: Array<'add' | 'sub' | 'mul' | 'div'>): fc.Arbitrary<Expr> {
  const f = fc.constantFrom(...INTEGERS[model]).map((name): Expr => ({ kind: 'f', name }));
  if (ops.length === 0) return f;
  const right = fc.oneof(fc.integer({ min: 1, max: 3 }).map((value): Expr => ({ kind: 'n', value })), f);
  return fc.oneof(
    { weight: 1, arbitrary: f },
    { weight: 2, arbitrary: fc.record({ kind: fc.constant('op' as const), op: fc.constantFrom(...ops), left: f, right }).map((e): Expr => (e.op === 'div' || e.op === 'mul' ? { ...e, right: e.right.kind === 'n' ? { kind: 'n', value: e.right.value + 1 } : { kind: 'n', value: 2 } } : e)) },
  );
}

/** `views__gt: F('author__age')`; `across`: the compared field itself across a forward key (`post__views__gt: F('score')`). */
function fleafArb(model: ModelName, ops: Array<'add' | 'sub' | 'mul' | 'div'>, across = false): fc.Arbitrary<FLeaf> {
  const lhs = INTEGERS[model].filter((n) => n.includes('__') === across);
  return fc.record({ kind: fc.constant('fleaf' as const), path: fc.constantFrom(...lhs), lookup: fc.constantFrom<Compare>('exact', 'gt', 'gte', 'lt', 'lte'), expr: exprArb(model, ops) });
}

/** A dictionary of conditions with distinct keys. */
function dictArb(conditions: fc.Arbitrary<Condition>, min = 1, max = 3): fc.Arbitrary<Condition[]> {
  return fc.uniqueArray(conditions, { minLength: min, maxLength: max, selector: (c) => `${c.path}__${c.lookup}` });
}

function treeArb(conditions: fc.Arbitrary<Condition>, depth: number, options: { not: boolean; empty?: boolean }): fc.Arbitrary<QNode> {
  const dict = dictArb(conditions, 1, 2).map((items): QNode => ({ kind: 'dict', items }));
  const leaf = options.empty ? fc.oneof({ weight: 3, arbitrary: dict }, { weight: 1, arbitrary: fc.constant<QNode>({ kind: 'empty' }) }) : dict;
  if (depth === 0) return leaf;
  const inner = treeArb(conditions, depth - 1, options);
  const branches: Array<fc.WeightedArbitrary<QNode>> = [
    { weight: 3, arbitrary: leaf },
    { weight: 2, arbitrary: fc.record({ kind: fc.constantFrom('and' as const, 'or' as const), children: fc.array(inner, { minLength: 2, maxLength: 3 }) }) },
  ];
  if (options.not) branches.push({ weight: 1, arbitrary: inner.map((child): QNode => ({ kind: 'not', child })) });
  return fc.oneof(...branches);
}

function argsArb(conditions: fc.Arbitrary<Condition>, options: { not: boolean; empty?: boolean; depth?: number }): fc.Arbitrary<FilterArg[]> {
  const arg = fc.oneof(
    dictArb(conditions).map((items): FilterArg => ({ kind: 'dict', items })),
    treeArb(conditions, options.depth ?? 2, options).map((node): FilterArg => ({ kind: 'q', node })),
  );
  return fc.array(arg, { minLength: 1, maxLength: 2 });
}

/** The conditions of a filter() call, each with whether a NOT stands above it. */
function leavesOf(args: FilterArg[]): Array<{ c: Condition; negated: boolean }> {
  const out: Array<{ c: Condition; negated: boolean }> = [];
  const visit = (n: QNode, negated: boolean) => {
    if (n.kind === 'dict') n.items.forEach((c) => out.push({ c, negated }));
    else if (n.kind === 'and' || n.kind === 'or') n.children.forEach((c) => visit(c, negated));
    else if (n.kind === 'not') visit(n.child, true);
  };
  args.forEach((a) => visit(a.kind === 'dict' ? { kind: 'dict', items: a.items } : a.node, false));
  return out;
}

/**
 * At most one condition of the call crosses each many-valued relation: then writing them as
 * keys, Q()s or arguments, negated or not, cannot matter (the `many*` areas test that it doesn't).
 */
function oneConditionPerRelation(model: ModelName, args: FilterArg[]): boolean {
  const seen = new Set<string>();
  for (const { c } of leavesOf(args)) {
    const first = Reference.manySteps(model, c.path)[0];
    if (first === undefined) continue;
    if (seen.has(first)) return false;
    seen.add(first);
  }
  return true;
}

function callArb(model: ModelName, conditions: fc.Arbitrary<Condition>, options: { not: boolean; empty?: boolean; exclude?: boolean }): fc.Arbitrary<Step> {
  return fc
    .record({ exclude: options.exclude === false ? fc.constant(false) : fc.integer({ min: 0, max: 2 }).map((n) => n === 0), args: argsArb(conditions, options) })
    .filter(({ args }) => oneConditionPerRelation(model, args))
    .map(({ exclude, args }): Step => ({ kind: exclude ? 'exclude' : 'filter', args }));
}

// ---- ordering and terminals ------------------------------------------------------------------

function orderTermArb(model: ModelName, extra: string[] = [], nulls = true): fc.Arbitrary<OrderTerm> {
  const names = [...ORDERABLE[model], ...extra];
  return fc.oneof(
    { weight: 3, arbitrary: fc.record({ kind: fc.constant('name' as const), name: fc.constantFrom(...names), desc: fc.boolean() }) },
    {
      weight: 2,
      arbitrary: fc.record({
        kind: fc.constant('expr' as const),
        expr: fc.constantFrom(...names.filter((n) => !extra.includes(n))).map((name): Expr => ({ kind: 'f', name })),
        desc: fc.boolean(),
        nulls: nulls ? fc.constantFrom(undefined, 'first' as const, 'last' as const) : fc.constant(undefined),
      }).map((t): OrderTerm => (t.nulls === undefined ? { kind: 'expr', expr: t.expr, desc: t.desc } : (t as OrderTerm))),
    },
  );
}

const orderByArb = (model: ModelName, extra: string[] = [], nulls = true) => fc.array(orderTermArb(model, extra, nulls), { minLength: 1, maxLength: 2 }).map((terms): Step => ({ kind: 'orderBy', terms }));

const unorderedTerminal: fc.Arbitrary<Terminal> = fc.constantFrom<Terminal>({ kind: 'fetch' }, { kind: 'fetch' }, { kind: 'count' }, { kind: 'exists' });
const orderedTerminal: fc.Arbitrary<Terminal> = fc.oneof(
  fc.constantFrom<Terminal>({ kind: 'fetch' }, { kind: 'first' }, { kind: 'last' }),
  fc.tuple(fc.nat(4), fc.nat(4)).map(([a, b]): Terminal => ({ kind: 'slice', start: Math.min(a, b), end: Math.max(a, b) + 1 })),
);

/** first() and last() of a flat valuesList() give a NULL value as they give no row: leave them out there. */
const endsOf = (shape: string) => (shape === 'flat' ? fc.constant<Terminal>({ kind: 'fetch' }) : fc.constantFrom<Terminal>({ kind: 'fetch' }, { kind: 'first' }, { kind: 'last' }));

/** A queryset of `model` rows: `steps`, then maybe an ordering and a terminal that uses it. */
function rowsQuery(area: string, model: ModelName, steps: fc.Arbitrary<Step[]>, options: { orderExtra?: (steps: Step[]) => string[]; nulls?: boolean } = {}): fc.Arbitrary<QuerySpec> {
  return steps.chain((s) => fc.oneof(
    unorderedTerminal.map((terminal): QuerySpec => ({ area, model, steps: s, terminal })),
    fc.tuple(orderByArb(model, options.orderExtra?.(s) ?? [], options.nulls ?? false), orderedTerminal).map(([order, terminal]): QuerySpec => ({ area, model, steps: [...s, order], terminal })),
    fc.constantFrom<Terminal>({ kind: 'first' }, { kind: 'last' }).map((terminal): QuerySpec => ({ area, model, steps: s, terminal })),
  ));
}

// ---- aggregates --------------------------------------------------------------------------------

function acrossAggArb(model: ModelName, options: { distinct: boolean }): fc.Arbitrary<Agg> {
  return fc.constantFrom(...ACROSS[model]).chain(({ source, numeric }) =>
    fc.record({
      fn: numeric ? fc.constantFrom<AggFn>('count', 'sum', 'avg', 'min', 'max') : fc.constant<AggFn>('count'),
      source: fc.constant(source),
      distinct: options.distinct ? fc.boolean() : fc.constant(false),
    // Django refuses Min and Max with distinct.
    }).map((a): Agg => (a.fn === 'min' || a.fn === 'max' ? { ...a, distinct: false } : a)));
}

function ownAggArb(model: ModelName, names = INTEGERS[model].filter((n) => !n.includes('__'))): fc.Arbitrary<Agg> {
  return fc.record({ fn: fc.constantFrom<AggFn>('count', 'sum', 'avg', 'min', 'max'), source: fc.constantFrom(...names), distinct: fc.boolean() })
    .map((a): Agg => (a.fn === 'min' || a.fn === 'max' ? { ...a, distinct: false } : a));
}

/** `{ filter: Q(…) }` written from the annotated model: conditions on the aggregated rows, and on the row itself. */
/** `lhs` compared with F() of the row's own and forward integers: `posts__views__gt: F('age')`. */
function fleafOnArb(model: ModelName, lhs: readonly string[]): fc.Arbitrary<FLeaf> {
  return fc.record({ kind: fc.constant('fleaf' as const), path: fc.constantFrom(...lhs), lookup: fc.constantFrom<Compare>('exact', 'gt', 'gte', 'lt', 'lte'), expr: exprArb(model, ['add']) });
}

/** Integer fields across relations, whose comparison with F() reads the filtered row from inside the relation's subquery. */
function integersAcross(model: ModelName, paths: readonly string[]): string[] {
  return paths.filter((p) => p.includes('__') && fieldAt(model, p).kind === 'int');
}

function aggFilterArb(model: ModelName, source: string): fc.Arbitrary<QNode> {
  const steps = Reference.manySteps(model, source);
  const prefixes = [...steps.map((s) => `${s}__`), ...source.split('__').slice(0, -1).map((_, i, parts) => `${parts.slice(0, i + 1).join('__')}__`)];
  const candidates = [...PATHS[model].many, ...PATHS[model].forward].filter((p) => {
    const own = Reference.manySteps(model, p);
    return own.length > 0 && own.every((s) => steps.includes(s)) && prefixes.some((prefix) => p.startsWith(prefix));
  });
  const numbers = integersAcross(model, candidates);
  const conditions: fc.Arbitrary<Condition> = candidates.length === 0 ? leafArb(model, PATHS[model].own) : fc.oneof(
    { weight: 3, arbitrary: leafArb(model, candidates) },
    { weight: 1, arbitrary: leafArb(model, PATHS[model].own) },
    // F() names the annotated row, wherever along the joins the filter is written.
    { weight: 1, arbitrary: numbers.length === 0 ? fleafArb(model, []) : fleafOnArb(model, numbers) },
  );
  return treeArb(conditions, 1, { not: true });
}

const AGG_NAMES = ['n', 'm'];

function annotationFilterArb(names: string[]): fc.Arbitrary<Step> {
  return fc.record({
    kind: fc.constantFrom('filter' as const, 'filter' as const, 'exclude' as const),
    path: fc.constantFrom(...names),
    lookup: fc.constantFrom<Lookup>('exact', 'gt', 'gte', 'lt', 'lte'),
    value: fc.integer({ min: 0, max: 3 }),
  }).map(({ kind, path, lookup, value }): Step => ({ kind, args: [{ kind: 'dict', items: [{ kind: 'leaf', path, lookup, value }] }] }));
}

// ---- areas -----------------------------------------------------------------------------------

const ownConditions = (m: ModelName) => leafArb(m, PATHS[m].own);
const forwardConditions = (m: ModelName) => leafArb(m, [...PATHS[m].own, ...PATHS[m].forward]);
const anyConditions = (m: ModelName): fc.Arbitrary<Condition> => leafArb(m, [...PATHS[m].own, ...PATHS[m].forward, ...PATHS[m].many]);

const endsAtRelation = (m: ModelName, c: Condition) => fieldAt(m, c.path).kind === 'key';

/**
 * Two conditions on one many-valued relation of `m`. `isnull` on the relation itself (`posts__isnull`)
 * next to another condition on it is left to the manyIsnull area.
 */
function twoOnOneRelation(m: ModelName, isnull = false): fc.Arbitrary<[Leaf, Leaf]> {
  const on = (first: string) => PATHS[m].many.filter((p) => Reference.manySteps(m, p)[0] === first);
  const firsts = [...new Set(PATHS[m].many.map((p) => Reference.manySteps(m, p)[0]!))].filter((f) => !isnull || on(f).some((p) => fieldAt(m, p).kind === 'key'));
  return fc.constantFrom(...firsts).chain((first) => {
    const paths = on(first);
    const relationIsnull = (c: Leaf) => c.lookup === 'isnull' && endsAtRelation(m, c);
    return fc.tuple(leafArb(m, paths), leafArb(m, paths))
      .filter(([a, b]) => `${a.path}__${a.lookup}` !== `${b.path}__${b.lookup}` && (isnull ? relationIsnull(a) !== relationIsnull(b) : !relationIsnull(a) && !relationIsnull(b)));
  });
}

/** `exclude({ c })`, or `filter(~Q({ c }))`. */
function negated(c: Condition, exclude: boolean): Step[] {
  return exclude ? [{ kind: 'exclude', args: [{ kind: 'dict', items: [c] }] }] : [{ kind: 'filter', args: [{ kind: 'q', node: { kind: 'not', child: { kind: 'dict', items: [c] } } }] }];
}

const modelsWithMany = MODELS.filter((m) => PATHS[m].many.length > 0);
const manyModelArb = fc.constantFrom(...modelsWithMany);

export const AREAS: Record<string, fc.Arbitrary<QuerySpec>> = {
  /** filter()/exclude() on own fields: every lookup, in dictionaries and Q trees. */
  lookups: modelArb.chain((m) => rowsQuery('lookups', m, fc.array(callArb(m, ownConditions(m), { not: true }), { minLength: 1, maxLength: 2 }))),
  /** Q trees (&, |, ~) over own fields, forward keys and many-valued relations (one condition per relation a call). */
  q: modelArb.chain((m) => rowsQuery('q', m, fc.array(callArb(m, anyConditions(m), { not: true }), { minLength: 1, maxLength: 3 }))),
  /** Empty Q()s: inside trees, alone in filter() and exclude(), under ~. */
  emptyQ: modelArb.chain((m) => rowsQuery('emptyQ', m, fc.array(callArb(m, forwardConditions(m), { not: true, empty: true }), { minLength: 1, maxLength: 2 }))),
  /** Conditions across forward keys, nullable ones included. */
  forward: fc.constantFrom<ModelName>('Post', 'Comment').chain((m) => rowsQuery('forward', m, fc.array(callArb(m, forwardConditions(m), { not: true }), { minLength: 1, maxLength: 2 }))),
  /** Two conditions on one many-valued relation as keys of one dictionary: one related row. */
  manyDict: manyModelArb.chain((m) => rowsQuery('manyDict', m, twoOnOneRelation(m).map(([a, b]): Step[] => [{ kind: 'filter', args: [{ kind: 'dict', items: [a, b] }] }]))),
  /** The same two as Q(a) & Q(b), or as separate arguments of one filter(): one related row. */
  manySplit: manyModelArb.chain((m) => rowsQuery('manySplit', m, fc.tuple(twoOnOneRelation(m), fc.nat(2)).map(([[a, b], form]): Step[] => {
    const qa: QNode = { kind: 'dict', items: [a] };
    const qb: QNode = { kind: 'dict', items: [b] };
    const args: FilterArg[] = form === 0 ? [{ kind: 'q', node: { kind: 'and', children: [qa, qb] } }] : form === 1 ? [{ kind: 'q', node: qa }, { kind: 'q', node: qb }] : [{ kind: 'dict', items: [a] }, { kind: 'q', node: qb }];
    return [{ kind: 'filter', args }];
  }))),
  /** The same two in two filter() calls (each may match another row), or OR'd in one. */
  manyCalls: manyModelArb.chain((m) => rowsQuery('manyCalls', m, fc.tuple(twoOnOneRelation(m), fc.boolean()).map(([[a, b], or]): Step[] => (or
    ? [{ kind: 'filter', args: [{ kind: 'q', node: { kind: 'or', children: [{ kind: 'dict', items: [a] }, { kind: 'dict', items: [b] }] } }] }]
    : [{ kind: 'filter', args: [{ kind: 'dict', items: [a] }] }, { kind: 'filter', args: [{ kind: 'dict', items: [b] }] }])))),
  /** `Q(a) & ~Q(b)` on one relation in one filter(): NOT b of the row a matched. */
  manyNot: manyModelArb.chain((m) => rowsQuery('manyNot', m, fc.tuple(twoOnOneRelation(m), fc.nat(2)).map(([[a, b], form]): Step[] => {
    const nb: QNode = { kind: 'not', child: { kind: 'dict', items: [b] } };
    const args: FilterArg[] = form === 0 ? [{ kind: 'q', node: { kind: 'and', children: [{ kind: 'dict', items: [a] }, nb] } }] : form === 1 ? [{ kind: 'q', node: { kind: 'dict', items: [a] } }, { kind: 'q', node: nb }] : [{ kind: 'dict', items: [a] }, { kind: 'q', node: nb }];
    return [{ kind: 'filter', args }];
  }))),
  /** `posts__isnull` next to another condition on posts, in one dictionary (filter and exclude). */
  manyIsnull: manyModelArb.chain((m) => rowsQuery('manyIsnull', m, fc.tuple(twoOnOneRelation(m, true), fc.boolean()).map(([[a, b], exclude]): Step[] => [{ kind: exclude ? 'exclude' : 'filter', args: [{ kind: 'dict', items: [a, b] }] }]))),
  /** exclude() of two conditions on one relation: the exact negation of the filter() (Trove's choice). */
  manyExclude: manyModelArb.chain((m) => rowsQuery('manyExclude', m, twoOnOneRelation(m).map(([a, b]): Step[] => [{ kind: 'exclude', args: [{ kind: 'dict', items: [a, b] }] }]))),
  /** F() comparisons in filter(), across forward keys, with + - *. */
  fcompare: modelArb.chain((m) => rowsQuery('fcompare', m, fc.array(callArb(m, fc.oneof(fleafArb(m, ['add', 'sub', 'mul']), forwardConditions(m)), { not: false, exclude: false }), { minLength: 1, maxLength: 2 }))),
  /** F() comparisons in exclude() and under ~: rows whose compared values are NULL stay. */
  fexclude: modelArb.chain((m) => rowsQuery('fexclude', m, fc.tuple(fleafArb(m, []), fc.boolean()).map(([c, exclude]) => negated(c, exclude)))),
  /** F() arithmetic in exclude() and under ~: the exact negation of the filter() (Trove's choice). */
  fexcludeArith: modelArb.chain((m) => rowsQuery('fexcludeArith', m, fc.tuple(fleafArb(m, ['add', 'sub', 'mul']).filter((c) => c.expr.kind === 'op'), fc.boolean()).map(([c, exclude]) => negated(c, exclude)))),
  /** F() comparisons whose compared field is itself across a forward key: `post__views__gt: F('score')`. */
  fAcross: fc.constantFrom<ModelName>('Post', 'Comment').chain((m) => rowsQuery('fAcross', m, fc.tuple(fleafArb(m, [], true), fc.boolean()).map(([c, exclude]): Step[] => [{ kind: exclude ? 'exclude' : 'filter', args: [{ kind: 'dict', items: [c] }] }]))),
  /**
   * F() compared across a many-valued relation (`posts__views__gt: F('age')`), alone, beside
   * another condition on the same related row, under ~ tied to it, or in exclude().
   */
  fMany: fc.constantFrom(...modelsWithMany.filter((m) => integersAcross(m, PATHS[m].many).length > 0)).chain((m) => rowsQuery('fMany', m, fleafOnArb(m, integersAcross(m, PATHS[m].many)).chain((f) => {
    const first = Reference.manySteps(m, f.path)[0];
    const beside = PATHS[m].many.filter((p) => Reference.manySteps(m, p)[0] === first);
    return fc.tuple(fc.constant(f), leafArb(m, beside).filter((c) => c.lookup !== 'isnull' && `${c.path}__${c.lookup}` !== `${f.path}__${f.lookup}`), fc.nat(4));
  }).map(([f, other, form]): Step[] => {
    const nf: QNode = { kind: 'not', child: { kind: 'dict', items: [f] } };
    switch (form) {
      case 0: return [{ kind: 'filter', args: [{ kind: 'dict', items: [f] }] }];
      case 1: return [{ kind: 'filter', args: [{ kind: 'dict', items: [f, other] }] }];
      case 2: return [{ kind: 'filter', args: [{ kind: 'dict', items: [other] }, { kind: 'q', node: nf }] }];
      case 3: return [{ kind: 'exclude', args: [{ kind: 'dict', items: [f, other] }] }];
      default: return [{ kind: 'filter', args: [{ kind: 'q', node: { kind: 'or', children: [{ kind: 'dict', items: [f] }, { kind: 'dict', items: [other] }] } }] }];
    }
  }))),
  /** Division of whole numbers in F(): truncated, as Django's SQL gives it. */
  fdiv: modelArb.chain((m) => rowsQuery('fdiv', m, fleafArb(m, ['div']).map((c): Step[] => [{ kind: 'filter', args: [{ kind: 'dict', items: [c] }] }]))),
  /** annotate() with aggregates across relations, filtered and ordered by them. */
  annotate: modelArb.chain((m) => rowsQuery('annotate', m, fc.tuple(
    fc.option(callArb(m, anyConditions(m), { not: true }), { nil: undefined }),
    fc.uniqueArray(acrossAggArb(m, { distinct: true }), { minLength: 1, maxLength: 2, selector: (a) => JSON.stringify(a) }),
    fc.option(annotationFilterArb(['n']), { nil: undefined }),
  ).map(([before, aggs, after]): Step[] => [
    ...(before ? [before] : []),
    { kind: 'annotate', items: aggs.map((agg, i) => ({ name: AGG_NAMES[i]!, agg })) },
    ...(after ? [after] : []),
  ]), { orderExtra: (steps) => (steps.find((s) => s.kind === 'annotate') as Extract<Step, { kind: 'annotate' }>).items.map((i) => i.name) })),
  /** `Count('posts', { filter: Q({ posts__views__gte: 20 }) })`: the filter written from the annotated model. */
  aggFilter: modelArb.chain((m) => rowsQuery('aggFilter', m, acrossAggArb(m, { distinct: true }).filter((a) => Reference.manySteps(m, a.source).length > 0).chain((agg) => aggFilterArb(m, agg.source).map((filter): Step[] => [
    { kind: 'annotate', items: [{ name: 'n', agg: { ...agg, filter } }] },
  ])))),
  /** values() and valuesList(), distinct(), count(), first(), slices. */
  values: modelArb.chain((m) => fc.tuple(
    fc.option(callArb(m, forwardConditions(m), { not: true }), { nil: undefined }),
    fc.uniqueArray(fc.constantFrom(...SELECTABLE[m]), { minLength: 1, maxLength: 3 }),
    fc.constantFrom('object' as const, 'list' as const, 'flat' as const),
    fc.boolean(),
  ).chain(([before, names, shape, distinct]) => {
    const steps: Step[] = [...(before ? [before] : []), { kind: 'values', names: shape === 'flat' ? names.slice(0, 1) : names, shape }, ...(distinct ? [{ kind: 'distinct' as const }] : [])];
    const selected = shape === 'flat' ? names.slice(0, 1) : names;
    const orderable = selected.filter((n) => ORDERABLE[m].includes(n));
    const ordered = orderable.length === 0 ? [] : [fc.tuple(fc.uniqueArray(fc.constantFrom(...orderable), { minLength: 1 }), fc.boolean(), distinct || shape === 'flat' ? endsOf(shape) : orderedTerminal)
      .map(([order, desc, terminal]): QuerySpec => ({ area: 'values', model: m, steps: [...steps, { kind: 'orderBy', terms: order.map((name) => ({ kind: 'name', name, desc })) }], terminal }))];
    return fc.oneof(unorderedTerminal.map((terminal): QuerySpec => ({ area: 'values', model: m, steps, terminal })), ...ordered);
  })),
  /** values().annotate(): groups, with aggregates of own fields, across forward keys and many-valued relations. */
  grouped: modelArb.chain((m) => fc.tuple(
    fc.option(callArb(m, forwardConditions(m), { not: true }), { nil: undefined }),
    fc.uniqueArray(fc.constantFrom(...SELECTABLE[m].filter((n) => n !== 'id')), { minLength: 1, maxLength: 2 }),
    fc.uniqueArray(fc.oneof(ownAggArb(m), acrossAggArb(m, { distinct: false })), { minLength: 1, maxLength: 2, selector: (a) => JSON.stringify(a) }),
    fc.option(annotationFilterArb(['n']).filter((s) => s.kind === 'filter'), { nil: undefined }),
    fc.boolean(),
    fc.constantFrom<Terminal>({ kind: 'fetch' }, { kind: 'fetch' }, { kind: 'count' }, { kind: 'exists' }),
  ).map(([before, names, aggs, having, ordered, terminal]): QuerySpec => {
    const orderable = [...names.filter((n) => ORDERABLE[m].includes(n)), 'n'];
    return {
      area: 'grouped', model: m,
      steps: [
        ...(before ? [before] : []),
        { kind: 'values', names, shape: 'object' },
        { kind: 'annotate', items: aggs.map((agg, i) => ({ name: AGG_NAMES[i]!, agg })) },
        ...(having ? [having] : []),
        ...(ordered ? [{ kind: 'orderBy' as const, terms: orderable.map((name, i) => ({ kind: 'name' as const, name, desc: i % 2 === 1 })) }] : []),
      ],
      terminal,
    };
  })),
  /** A distinct count across a forward key in a group: `values('featured').annotate({ n: Count('author__age', { distinct: true }) })`. */
  groupedDistinct: fc.constantFrom<ModelName>('Post', 'Comment').chain((m) => fc.tuple(
    fc.constantFrom(...SELECTABLE[m].filter((n) => n !== 'id')),
    fc.constantFrom(...INTEGERS[m].filter((n) => n.includes('__'))),
  ).map(([name, source]): QuerySpec => ({
    area: 'groupedDistinct', model: m,
    steps: [{ kind: 'values', names: [name], shape: 'object' }, { kind: 'annotate', items: [{ name: 'n', agg: { fn: 'count', source, distinct: true } }] }],
    terminal: { kind: 'fetch' },
  }))),
  /** aggregate() over filtered rows: own fields (distinct too, with an own filter) and across relations. */
  aggregate: modelArb.chain((m) => fc.tuple(
    fc.option(callArb(m, anyConditions(m), { not: true }), { nil: undefined }),
    fc.uniqueArray(fc.oneof(
      ownAggArb(m),
      ownAggArb(m).chain((a) => treeArb(ownConditions(m), 1, { not: true }).map((filter): Agg => ({ ...a, filter }))),
      acrossAggArb(m, { distinct: true }),
    ), { minLength: 1, maxLength: 2, selector: (a) => JSON.stringify(a) }),
  ).map(([before, aggs]): QuerySpec => ({ area: 'aggregate', model: m, steps: before ? [before] : [], terminal: { kind: 'aggregate', items: aggs.map((agg, i) => ({ name: AGG_NAMES[i]!, agg })) } }))),
  /** `values('age').distinct().aggregate({ s: Sum('age') })`: over the distinct values. */
  aggregateDistinct: modelArb.chain((m) => fc.tuple(fc.constantFrom(...INTEGERS[m].filter((n) => !n.includes('__') && n !== 'id')), fc.constantFrom<AggFn>('count', 'sum', 'avg')).map(([name, fn]): QuerySpec => ({
    area: 'aggregateDistinct', model: m,
    steps: [{ kind: 'values', names: [name], shape: 'object' }, { kind: 'distinct' }],
    terminal: { kind: 'aggregate', items: [{ name: 'n', agg: { fn, source: name, distinct: false } }] },
  }))),
  /** orderBy() of fields, forward paths and F() with nullsFirst/nullsLast; fetch, slices, first(). */
  ordering: modelArb.chain((m) => fc.tuple(fc.option(callArb(m, forwardConditions(m), { not: true }), { nil: undefined }), orderByArb(m, [], true), fc.oneof(
    fc.constantFrom<Terminal>({ kind: 'fetch' }, { kind: 'first' }),
    fc.tuple(fc.nat(4), fc.nat(4)).map(([a, b]): Terminal => ({ kind: 'slice', start: Math.min(a, b), end: Math.max(a, b) + 1 })),
  )).map(([before, order, terminal]): QuerySpec => ({ area: 'ordering', model: m, steps: [...(before ? [before] : []), order], terminal }))),
  /** last() of an ordering without nullsFirst/nullsLast. */
  last: modelArb.chain((m) => orderByArb(m, [], false).map((order): QuerySpec => ({ area: 'last', model: m, steps: [order], terminal: { kind: 'last' } }))),
  /** last() where the ordering puts NULLs first or last: they go to the other end. */
  lastNulls: modelArb.chain((m) => fc.tuple(fc.constantFrom(...ORDERABLE[m]), fc.boolean(), fc.constantFrom('first' as const, 'last' as const)).map(([name, desc, nulls]): QuerySpec => ({
    area: 'lastNulls', model: m, steps: [{ kind: 'orderBy', terms: [{ kind: 'expr', expr: { kind: 'f', name }, desc, nulls }, { kind: 'name', name: 'id', desc: false }] }], terminal: { kind: 'last' },
  }))),
  /** count() and exists() of a queryset ordered by an expression with parameters, or by an annotation. */
  countOrdered: modelArb.chain((m) => fc.tuple(exprArb(m, ['add', 'mul']), fc.boolean(), fc.constantFrom<Terminal>({ kind: 'count' }, { kind: 'exists' })).map(([expr, desc, terminal]): QuerySpec => ({
    area: 'countOrdered', model: m, steps: [{ kind: 'orderBy', terms: [{ kind: 'expr', expr: expr.kind === 'f' ? { kind: 'op', op: 'add', left: expr, right: { kind: 'n', value: 1 } } : expr, desc }] }], terminal,
  }))),
  /** distinct() values ordered by a column they do not select (Django keeps rows apart by it). */
  distinctOrder: modelArb.chain((m) => fc.tuple(fc.constantFrom(...SELECTABLE[m].filter((n) => n !== 'id')), fc.constantFrom(...ORDERABLE[m]), fc.boolean()).filter(([name, order]) => name !== order).map(([name, order, desc]): QuerySpec => ({
    area: 'distinctOrder', model: m, steps: [{ kind: 'values', names: [name], shape: 'flat' }, { kind: 'distinct' }, { kind: 'orderBy', terms: [{ kind: 'name', name: order, desc }] }], terminal: { kind: 'fetch' },
  }))),
};

export function caseArb(areas: string[]): fc.Arbitrary<{ data: Data; queries: QuerySpec[] }> {
  const query = fc.oneof(...areas.map((a) => AREAS[a]!));
  return fc.record({ data: dataArb, queries: fc.array(query, { minLength: 1, maxLength: 3 }) });
}
