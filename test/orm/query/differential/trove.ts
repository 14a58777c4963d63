/** A case on Trove: its rows inserted, its querysets built through the public API and run. */
import { atomic, Avg, Count, F, Max, Min, Q, Sum, type Database, type Expression } from '../../../../src/index.ts';
import { Author, Comment, MODELS, Post, Tag } from './models.ts';
import {
  SCHEMA, conditionKey, isoSeconds, roundAvg, type Agg, type Condition, type Data, type Expr, type FilterArg, type ModelName, type Out, type QNode, type QuerySpec,
  type Result, type Step,
} from './spec.ts';

type AnyQs = any;

export async function insert(db: Database, data: Data): Promise<void> {
  const field = (Post as any).meta.field('tags');
  await atomic(async () => {
    // The previous case's rows, children first: fewer statements than a flush of every table.
    const k = db.executor();
    await k.deleteFrom(field.through.table).execute();
    await k.updateTable((Comment as any).meta.table).set({ parent_id: null }).execute();
    for (const m of [Comment, Post, Tag, Author]) await k.deleteFrom((m as any).meta.table).execute();
    if (data.authors.length) await Author.objects.bulkCreate(data.authors.map((a) => ({ id: a.id, name: a.name, age: a.age })) as never);
    if (data.tags.length) await Tag.objects.bulkCreate(data.tags.map((t) => ({ id: t.id, name: t.name, weight: t.weight })) as never);
    if (data.posts.length) {
      await Post.objects.bulkCreate(data.posts.map((p) => ({
        id: p.id, title: p.title, views: p.views, featured: p.featured, authorId: p.authorId, editorId: p.editorId, createdAt: new Date(p.createdAt),
      })) as never);
    }
    if (data.comments.length) await Comment.objects.bulkCreate(data.comments.map((c) => ({ id: c.id, postId: c.postId, parentId: c.parentId, score: c.score })) as never);
    if (data.postTags.length) {
      const through = field.through.modelClass;
      await through.objects.bulkCreate(data.postTags.map(([p, t]) => ({ [field.sourceLink.attname]: p, [field.targetLink.attname]: t })));
    }
  });
}

export function expression(e: Expr): Expression {
  switch (e.kind) {
    case 'f':
      return F(e.name);
    case 'n':
      throw new Error('a number stands only inside arithmetic');
    case 'op': {
      const left = expression(e.left);
      const right = e.right.kind === 'n' ? e.right.value : expression(e.right);
      return left[e.op](right);
    }
  }
}

function conditions(items: Condition[]): Record<string, unknown> {
  return Object.fromEntries(items.map((c) => [conditionKey(c), c.kind === 'fleaf' ? expression(c.expr) : c.value]));
}

export function q(node: QNode): any {
  switch (node.kind) {
    case 'dict':
      return Q(conditions(node.items));
    case 'empty':
      return Q();
    case 'not':
      return q(node.child).not();
    case 'and':
    case 'or': {
      const [first, ...rest] = node.children.map(q);
      return first[node.kind](...rest);
    }
  }
}

function filterArgs(args: FilterArg[]): unknown[] {
  return args.map((a) => (a.kind === 'dict' ? conditions(a.items) : q(a.node)));
}

function aggregate(agg: Agg) {
  const options = { ...(agg.distinct && { distinct: true }), ...(agg.filter !== undefined && { filter: q(agg.filter) }) };
  const make = { count: Count, sum: Sum, avg: Avg, min: Min, max: Max }[agg.fn];
  return make(agg.source, options);
}

export function build(spec: QuerySpec): AnyQs {
  let qs: AnyQs = (MODELS[spec.model] as any).objects.all();
  for (const step of spec.steps) qs = apply(qs, step);
  return qs;
}

function apply(qs: AnyQs, step: Step): AnyQs {
  switch (step.kind) {
    case 'filter':
      return qs.filter(...filterArgs(step.args));
    case 'exclude':
      return qs.exclude(...filterArgs(step.args));
    case 'annotate':
      return qs.annotate(Object.fromEntries(step.items.map(({ name, agg }) => [name, aggregate(agg)])));
    case 'values':
      return step.shape === 'object' ? qs.values(...step.names) : step.shape === 'list' ? qs.valuesList(...step.names) : qs.valuesList(step.names[0], { flat: true });
    case 'orderBy':
      return qs.orderBy(...step.terms.map((t) => {
        if (t.kind === 'name') return `${t.desc ? '-' : ''}${t.name}`;
        const e = expression(t.expr);
        const nulls = t.nulls === 'first' ? { nullsFirst: true } : t.nulls === 'last' ? { nullsLast: true } : {};
        return t.desc ? e.desc(nulls) : e.asc(nulls);
      }));
    case 'distinct':
      return qs.distinct();
  }
}

/** The kind of value a name gives on `model`: a field's, through relations, or an aggregate's. */
function kindOf(model: ModelName, name: string, aggregates: Map<string, Agg>): 'avg' | 'bool' | 'datetime' | 'other' {
  const agg = aggregates.get(name);
  if (agg !== undefined) {
    if (agg.fn === 'avg') return 'avg';
    if (agg.fn === 'count' || agg.fn === 'sum') return 'other';
    name = agg.source;
  }
  let m = model;
  for (const part of name.split('__')) {
    const rel = SCHEMA[m].relations[part];
    if (rel === undefined) {
      const kind = SCHEMA[m].fields[part]?.kind;
      return kind === 'bool' ? 'bool' : kind === 'datetime' ? 'datetime' : 'other';
    }
    m = rel.to;
  }
  return 'other';
}

function value(kind: ReturnType<typeof kindOf>, v: unknown): Out {
  if (v === null || v === undefined) return null;
  if (kind === 'avg') return roundAvg(Number(v));
  if (kind === 'bool') return typeof v === 'boolean' ? v : Boolean(Number(v));
  if (kind === 'datetime' || v instanceof Date) return isoSeconds(v as Date);
  if (typeof v === 'bigint') return Number(v);
  return v as Out;
}

/** What the spec's queryset gives on Trove, as the reference describes it. */
export async function run(spec: QuerySpec): Promise<Result> {
  try {
    const aggregates = new Map<string, Agg>();
    let names: string[] | undefined;
    let shape: 'object' | 'list' | 'flat' = 'object';
    for (const step of spec.steps) {
      if (step.kind === 'annotate') step.items.forEach((i) => aggregates.set(i.name, i.agg));
      if (step.kind === 'values') [names, shape] = [step.names, step.shape];
    }
    const qs = build(spec);
    const t = spec.terminal;
    const row = (r: any): Out => {
      if (names === undefined) {
        const out: Record<string, Out> = { id: r.id };
        for (const name of aggregates.keys()) out[name] = value(kindOf(spec.model, name, aggregates), r[name]);
        return out;
      }
      if (shape === 'flat') return value(kindOf(spec.model, names[0]!, aggregates), r);
      if (shape === 'list') return names.map((n, i) => value(kindOf(spec.model, n, aggregates), r[i]));
      return Object.fromEntries(Object.keys(r).map((k) => [k, value(kindOf(spec.model, k, aggregates), r[k])]));
    };
    switch (t.kind) {
      case 'fetch':
        return { kind: 'rows', rows: (await qs).map(row), ordered: true };
      case 'slice':
        return { kind: 'rows', rows: (await qs.slice(t.start, t.end)).map(row), ordered: true };
      case 'first':
      case 'last': {
        const r = await qs[t.kind]();
        return { kind: 'rows', rows: r === null ? [] : [row(r)], ordered: true };
      }
      case 'count':
        return { kind: 'value', value: await qs.count() };
      case 'exists':
        return { kind: 'value', value: await qs.exists() };
      case 'aggregate': {
        const items = new Map(t.items.map((i) => [i.name, i.agg]));
        const result = await qs.aggregate(Object.fromEntries(t.items.map(({ name, agg }) => [name, aggregate(agg)])));
        return { kind: 'value', value: Object.fromEntries(Object.entries(result).map(([k, v]) => [k, value(kindOf(spec.model, k, items), v)])) };
      }
    }
  } catch (error) {
    return { kind: 'error', message: error instanceof Error ? `${error.constructor.name}: ${error.message}` : String(error) };
  }
}
