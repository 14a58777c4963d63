/**
 * Aggregates in SQL. A path across relations (`posts__views`) becomes a chain of joins; an
 * annotation per row is a correlated subquery over that chain, so two annotations across
 * different relations never multiply each other's rows (Django's joins do: `Count('posts')`
 * next to `Count('comments')` counts posts times comments).
 */
import { CompiledQuery, sql, type Expression, type RawBuilder, type SelectQueryBuilder, type SqlBool } from 'kysely';
import type { Database } from '../../db/index.ts';
import { Aggregate } from '../aggregates.ts';
import { Expression as TroveExpression, resolveExpression, resolveOuterRefs, type ResolvedExpression } from '../expressions.ts';
import { Exists } from './exists.ts';
import { FieldError } from '../errors.ts';
import type { Field } from '../fields/field.ts';
import { ForeignKeyField, ManyToManyField } from '../fields/relations.ts';
import type { ModelMeta } from '../meta.ts';
import { bindWhere, collectSlots, compileExpression, compileWhere, type Binding, type Builder, type CompileContext } from './conditions.ts';
import { checkGroupable } from './grouping.ts';
import { resolveAggregateFilter, type ChainLink, type WhereNode } from './where.ts';

/**
 * Compiles a condition on `alias`. Callers that compile as they bind pass one that binds the
 * condition's values first, so that parameters follow the order placeholders are made in.
 */
export type CompileCondition = (eb: Builder, node: WhereNode, alias: string) => Expression<SqlBool>;

/** One table joined onto the one before: `this.column = previous.previousColumn`. */
interface Link {
  readonly meta: ModelMeta;
  readonly column: string;
  readonly previousColumn: string;
}

/** An aggregate checked against a model: the joins it crosses and the column it reads. */
export interface ResolvedAggregate {
  readonly name: string;
  readonly aggregate: Aggregate;
  readonly links: readonly Link[];
  /** The column aggregated on the last table (undefined: `count(*)`). */
  readonly field: Field | undefined;
  /** Whether the path fans out (a reverse key or a many-to-many): several rows per row. */
  readonly multiValued: boolean;
  /**
   * The condition of `{ filter: Q(…) }`, on the row `filterAt` links along the chain: 0 the row
   * the chain starts from (the annotated row, or the aggregated queryset's row), `links.length`
   * the last joined one (the usual place).
   */
  readonly filter: WhereNode | undefined;
  readonly filterAt: number;
}

export function resolveAggregate(meta: ModelMeta, name: string, aggregate: Aggregate): ResolvedAggregate {
  if (!/^[A-Za-z_]\w*$/.test(name) || name.includes('__')) throw new FieldError(`'${name}' cannot name an aggregate: use letters, digits and single underscores.`);
  const links: ChainLink[] = [];
  const names: Array<{ name: string; links: number }> = [];
  let current = meta;
  let multiValued = false;
  let field: Field | undefined;
  const parts = aggregate.source === '*' ? [] : aggregate.source.split('__');
  parts.forEach((part, i) => {
    const last = i === parts.length - 1;
    const own = part === 'pk' ? current.pk : current.field(part);
    if (own instanceof ManyToManyField) {
      links.push({ meta: own.through, column: own.sourceLink.column!, previousColumn: current.pk.column!, up: true });
      links.push({ meta: own.target, column: own.target.pk.column!, previousColumn: own.targetLink.column!, up: false });
      names.push({ name: part, links: 2 });
      multiValued = true;
      current = own.target;
    } else if (own instanceof ForeignKeyField && !(last && part === own.attname)) {
      if (last) {
        // `Count('author')` counts the key, as Django does.
        field = own;
        return;
      }
      links.push({ meta: own.target, column: own.target.pk.column!, previousColumn: own.column!, up: false });
      names.push({ name: part, links: 1 });
      current = own.target;
    } else if (own !== undefined) {
      if (!last) throw new FieldError(`${aggregate.name}: '${part}' is not a relation of ${current.label}.`);
      field = own;
      return;
    } else {
      const relation = current.reverseRelation(part);
      if (relation === undefined) throw new FieldError(`${aggregate.name}: ${current.label} has no field or relation '${part}'.`);
      if (relation.field instanceof ManyToManyField) {
        const m2m = relation.field;
        links.push({ meta: m2m.through, column: m2m.targetLink.column!, previousColumn: current.pk.column!, up: true });
        links.push({ meta: m2m.model, column: m2m.model.pk.column!, previousColumn: m2m.sourceLink.column!, up: false });
        names.push({ name: part, links: 2 });
      } else {
        links.push({ meta: relation.relatedModel, column: relation.field.column!, previousColumn: current.pk.column!, up: true });
        names.push({ name: part, links: 1 });
      }
      multiValued ||= relation.multiple;
      current = relation.relatedModel;
    }
    if (last) field = current.pk;
  });
  if (field?.column === undefined && aggregate.source !== '*') throw new FieldError(`${aggregate.name}: nothing to aggregate.`);
  if ((aggregate.fn === 'sum' || aggregate.fn === 'avg') && field !== undefined && !['integer', 'bigInteger', 'float', 'decimal', 'auto'].includes(field.kind)) {
    throw new FieldError(`${aggregate.name}: ${field.qualifiedName} is not a number.`);
  }
  // Django's form: the filter is written from `meta`, its paths along the aggregate's relations.
  const { where: filter, at: filterAt } = aggregate.options.filter === undefined
    ? { where: undefined, at: links.length }
    : resolveAggregateFilter(meta, aggregate.options.filter, { names, links }, aggregate.name);
  return { name, aggregate, links, field, multiValued, filter, filterAt };
}

/**
 * `count(distinct a3.id)`, or `sum(case when <filter> then a1.price end)` over `alias`; the
 * filter is on `filterAlias`, the row `filterAt` along the chain.
 */
export function aggregateCall(eb: Builder, resolved: ResolvedAggregate, alias: string, condition: CompileCondition, filterInline: boolean, filterAlias = alias): RawBuilder<unknown> {
  const { fn, options } = resolved.aggregate;
  let value: Expression<unknown> = resolved.field === undefined ? sql`1` : sql.ref(`${alias}.${resolved.field.column}`);
  if (filterInline && resolved.filter !== undefined) value = sql`case when ${condition(eb, resolved.filter, filterAlias)} then ${value} end`;
  if (resolved.field === undefined && !(filterInline && resolved.filter !== undefined)) return sql`count(*)`;
  return sql`${sql.raw(fn)}(${sql.raw(options.distinct ? 'distinct ' : '')}${value})`;
}

/**
 * The join chain from `from` (an alias of the queried table), each link a fresh alias; returns
 * the last alias, and the alias of every row along it (`from` first).
 */
export function joinChain(query: SelectQueryBuilder<any, any, any>, links: readonly Link[], from: string, ctx: CompileContext, kind: 'inner' | 'left'): [SelectQueryBuilder<any, any, any>, string, string[]] {
  let previous = from;
  const aliases = [from];
  for (const link of links) {
    const alias = `a${++ctx.aliases}`;
    const before = previous;
    const on = (join: any) => {
      const joined = join.onRef(`${alias}.${link.column}`, '=', `${before}.${link.previousColumn}`);
      // A related row in the trash is no related row.
      return link.meta.softDelete ? joined.on(`${alias}.deleted_at`, 'is', null) : joined;
    };
    query = kind === 'inner' ? query.innerJoin(`${link.meta.table} as ${alias}`, on) : query.leftJoin(`${link.meta.table} as ${alias}`, on);
    previous = alias;
    aliases.push(alias);
  }
  return [query, previous, aliases];
}

/**
 * An annotation of each row of `outer`: `(select count(a2.id) from post a1 … where a1.author_id =
 * t0.id)`. Own columns need no subquery.
 */
export function annotationExpression(eb: Builder, annotation: Annotation, outer: string, ctx: CompileContext, condition: CompileCondition): RawBuilder<unknown> {
  if (isComputed(annotation)) return sql`${compileExpression(annotation.computed, outer, ctx)}`;
  const resolved = annotation;
  const [first, ...rest] = resolved.links as [Link, ...Link[]];
  const head = `a${++ctx.aliases}`;
  let query: SelectQueryBuilder<any, any, any> = eb.selectFrom(`${first.meta.table} as ${head}`);
  let last = head;
  let rows = [outer, head];
  if (rest.length > 0) {
    let chain: string[];
    [query, last, chain] = joinChain(query, rest, head, ctx, 'inner');
    rows = [outer, ...chain];
  }
  query = query.whereRef(`${head}.${first.column}`, '=', `${outer}.${first.previousColumn}`);
  if (first.meta.softDelete) query = query.where(`${head}.deleted_at`, 'is', null);
  const lastAlias = last;
  if (resolved.filter !== undefined) {
    const filter = resolved.filter;
    const filterAlias = rows[resolved.filterAt]!;
    query = query.where((inner: Builder) => condition(inner, filter, filterAlias));
  }
  const call = aggregateCall(eb, resolved, lastAlias, condition, false);
  // count() of no rows is 0; the others are NULL, as Django gives them.
  return sql`(${query.select(call.as('value'))})`;
}

/**
 * `aggregate()`: own columns are aggregated over the queryset's rows; a path across relations
 * over the rows the queryset's rows lead to, in a subquery of its own so that paths do not
 * multiply each other.
 */
export function aggregateExpression(eb: Builder, resolved: ResolvedAggregate, base: ModelMeta, where: WhereNode | undefined, ctx: CompileContext, condition: CompileCondition): RawBuilder<unknown> {
  if (resolved.links.length === 0) return aggregateCall(eb, resolved, 't0', condition, true);
  const root = `a${++ctx.aliases}`;
  let query: SelectQueryBuilder<any, any, any> = eb.selectFrom(`${base.table} as ${root}`);
  const [joined, last, rows] = joinChain(query, resolved.links, root, ctx, 'inner');
  query = joined;
  if (where !== undefined) query = query.where((inner: Builder) => condition(inner, where, root));
  return sql`(${query.select(aggregateCall(eb, resolved, last, condition, true, rows[resolved.filterAt]).as('value'))})`;
}

/** A database's aggregate result as JavaScript: counts as numbers, sums of decimals as text. */
export function readAggregate(resolved: Annotation, value: unknown, dialect: 'sqlite' | 'postgres' | 'mysql'): unknown {
  if (isComputed(resolved)) return readComputed(resolved.computed, value, dialect);
  if (value === null || value === undefined) return resolved.aggregate.fn === 'count' ? 0 : null;
  const { fn } = resolved.aggregate;
  if (fn === 'count') return Number(value);
  if (fn === 'avg') return Number(value);
  const field = resolved.field!;
  if (fn === 'sum') return field.kind === 'decimal' ? field.fromDb(value, dialect) : Number(value);
  return field.fromDb(value, dialect);
}

/** `SELECT <aggregates> FROM table AS t0 WHERE …`: one row. Values bound as the query is built. */
export function prepareAggregate(db: Database, meta: ModelMeta, where: WhereNode | undefined, aggregates: readonly ResolvedAggregate[]): CompiledQuery {
  const binding: Binding = { key: '', params: [], dialect: db.dialect };
  const ctx: CompileContext = { dialect: db.dialect, slots: 0, aliases: 0, materialiseSubqueries: false };
  const condition: CompileCondition = (eb, node, alias) => {
    bindWhere(node, binding);
    return compileWhere(eb, node, alias, ctx, false, 1);
  };
  let query: SelectQueryBuilder<any, any, any> = db.kysely.selectFrom(`${meta.table} as t0`);
  for (const aggregate of aggregates) query = query.select((eb: Builder) => aggregateExpression(eb, aggregate, meta, where, ctx, condition).as(`g_${aggregate.name}`));
  if (where !== undefined) query = query.where((eb: Builder) => condition(eb, where, 't0'));
  const compiled = query.compile();
  return CompiledQuery.raw(compiled.sql, collectSlots(compiled, binding.params.length).map((i) => binding.params[i]));
}

/** A value per row computed from the row itself: `annotate({ score: F('likes').mul(2) })`, or `Exists(…)`. */
export interface ComputedAnnotation {
  readonly name: string;
  readonly computed: ResolvedExpression;
}

/** What annotate() adds: an aggregate over related rows, or a value computed per row. */
export type Annotation = ResolvedAggregate | ComputedAnnotation;

export function isComputed(annotation: Annotation): annotation is ComputedAnnotation {
  return 'computed' in annotation;
}

/** `{ name: Aggregate }` checked against the model, for aggregate() or annotate(). */
export function resolveAggregates(meta: ModelMeta, given: Readonly<Record<string, unknown>>, method: string): ResolvedAggregate[] {
  return Object.entries(given).map(([name, aggregate]) => {
    if (!(aggregate instanceof Aggregate)) throw new FieldError(`${method}({ ${name} }) takes an aggregate: Count(), Sum(), Avg(), Min() or Max().`);
    return resolveAggregate(meta, name, aggregate);
  });
}

/**
 * The annotations of a queryset with `given` added. An annotation may not take the name of a
 * field, a relation's accessor or another annotation. Without values() each row is annotated,
 * so an aggregate of a row's own field alone means nothing there.
 */
export function addAnnotations(meta: ModelMeta, current: ReadonlyMap<string, Annotation> | undefined, given: Readonly<Record<string, unknown>>, grouped: boolean): Map<string, Annotation> {
  const all = new Map(current);
  const checkName = (name: string) => {
    if (!/^[A-Za-z_]\w*$/.test(name) || name.includes('__')) throw new FieldError(`'${name}' cannot name an annotation: use letters, digits and single underscores.`);
    if (meta.field(name) !== undefined || all.has(name) || name in meta.modelClass.prototype) {
      throw new FieldError(`annotate(): '${name}' is already a field, a relation or an annotation of ${meta.label}.`);
    }
  };
  const aggregates: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(given)) {
    if (value instanceof Aggregate) {
      aggregates[name] = value;
      continue;
    }
    checkName(name);
    if (grouped) throw new FieldError(`annotate({ ${name} }): after values(), annotate with aggregates (Count, Sum, …).`);
    if (value instanceof Exists) {
      const exists: ResolvedExpression = { kind: 'exists', table: value.queryset.meta.table, where: resolveOuterRefs(value.queryset.state.where, meta) };
      all.set(name, { name, computed: value.negated ? { kind: 'operation', operator: '-', left: { kind: 'value', value: 1 }, right: exists } : exists });
    } else if (value instanceof TroveExpression) {
      all.set(name, { name, computed: resolveExpression(meta, value) });
    } else {
      throw new FieldError(`annotate({ ${name} }) takes an aggregate (Count(), Sum(), …), an expression (F(), Subquery()) or Exists().`);
    }
  }
  for (const resolved of resolveAggregates(meta, aggregates, 'annotate')) {
    const { name } = resolved;
    if (meta.field(name) !== undefined || all.has(name) || name in meta.modelClass.prototype) {
      throw new FieldError(`annotate(): '${name}' is already a field, a relation or an annotation of ${meta.label}.`);
    }
    if (resolved.links.length === 0 && !grouped) {
      throw new FieldError(`annotate(): ${resolved.aggregate.name} would aggregate each row's own field alone; use aggregate() for the whole queryset, or values('…').annotate() to group.`);
    }
    all.set(name, resolved);
  }
  if (grouped) checkGroupable([...all.values()].filter((a): a is ResolvedAggregate => !isComputed(a)));
  return all;
}

/** A computed annotation's value as JavaScript: a column's as its field reads it, Exists as a boolean, numbers as numbers. */
function readComputed(expression: ResolvedExpression, value: unknown, dialect: 'sqlite' | 'postgres' | 'mysql'): unknown {
  if (value === null || value === undefined) return null;
  switch (expression.kind) {
    case 'column':
    case 'related':
      return expression.field.fromDb(value, dialect);
    case 'exists':
      return value === true || value === 1 || value === '1' || value === 't';
    case 'operation':
      return expression.left.kind === 'value' && expression.right.kind === 'exists' ? Number(value) === 1 : Number(value);
    default:
      return typeof value === 'string' && /^-?\d+(\.\d+)?$/.test(value) ? Number(value) : value;
  }
}
