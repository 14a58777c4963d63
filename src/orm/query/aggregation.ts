/**
 * Aggregates in SQL. A path across relations (`posts__views`) becomes a chain of joins; an
 * annotation per row is a correlated subquery over that chain, so two annotations across
 * different relations never multiply each other's rows (Django's joins do: `Count('posts')`
 * next to `Count('comments')` counts posts times comments).
 */
import { CompiledQuery } from 'kysely';
import type { Database } from '../../db/index.ts';
import { Aggregate, AGGREGATE_FUNCTIONS } from '../aggregates.ts';
import { Expression as TroveExpression, resolveExpression, resolveOuterRefs, type ResolvedExpression } from '../expressions.ts';
import { Exists } from './exists.ts';
import { FieldError } from '../errors.ts';
import type { Field } from '../fields/field.ts';
import { ForeignKeyField, ManyToManyField } from '../fields/relations.ts';
import type { ModelMeta } from '../meta.ts';
import { writeContext, writeExpression, writeList, writeTable, writeWhere, type WriteContext } from './conditions.ts';
import { TextWriter } from './writer.ts';
import type { SelectSpec } from './compiler.ts';
import { writeSelect } from './select.ts';
import { writeStatement } from './statement.ts';
import { checkGroupable } from './grouping.ts';
import { resolveAggregateFilter, type ChainLink } from './aggregate-filter.ts';
import { SOFT_DELETED_AT, type WhereNode } from './where.ts';

/** One table joined onto the one before: `this.column = previous.previousColumn`. */
export interface Link {
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
 * `count(distinct a3.id)`, or with `filterInline`, `sum(case when <filter> then a1.price end)`,
 * over `alias`. `rows`: the aliases along the aggregate's chain from the annotated row, on which
 * the filter is written (at `filterAt`; its F()s read the annotated row).
 */
export function writeAggregateCall(resolved: ResolvedAggregate, alias: string, ctx: WriteContext, filterInline: boolean, depth: number, rows: readonly string[] = [alias]): void {
  const { w } = ctx;
  const { fn, options } = resolved.aggregate;
  const filter = filterInline ? resolved.filter : undefined;
  if (resolved.field === undefined && filter === undefined) return w.text('count(*)');
  // Checked again here: the name is written into SQL, and an aggregate is a plain object that can be changed.
  if (!AGGREGATE_FUNCTIONS.has(fn)) throw new FieldError(`Unknown aggregate function ${JSON.stringify(fn)}.`);
  w.text(`${fn}(${options.distinct ? 'distinct ' : ''}`);
  if (filter !== undefined) {
    w.text('case when ');
    writeWhere(filter, rows[resolved.filterAt]!, ctx, false, depth, rows[0]);
    w.text(' then ');
  }
  if (resolved.field === undefined) w.text('1');
  else w.column(alias, resolved.field.column!);
  if (filter !== undefined) w.text(' end');
  w.text(')');
}

/** A fresh alias for each table of a join chain. */
export function chainAliases(links: readonly Link[], ctx: WriteContext): string[] {
  return links.map(() => `a${++ctx.aliases}`);
}

/** The joins of a chain from `from` (`aliases` from chainAliases); a related row in the trash is no related row. */
export function writeJoins(links: readonly Link[], aliases: readonly string[], from: string, ctx: WriteContext, kind: 'inner' | 'left'): void {
  const { w } = ctx;
  let previous = from;
  links.forEach((link, i) => {
    const alias = aliases[i]!;
    w.text(` ${kind} join `);
    writeTable(ctx, link.meta.table, alias);
    w.text(' on ');
    writeLinkMatch(ctx, link, alias, previous);
    previous = alias;
  });
}

/** `alias.column = previous.previousColumn`, and only a live row where the table soft-deletes. */
function writeLinkMatch(ctx: WriteContext, link: Link, alias: string, previous: string): void {
  const { w } = ctx;
  w.column(alias, link.column);
  w.text(' = ');
  w.column(previous, link.previousColumn);
  if (link.meta.softDelete) {
    w.text(' and ');
    w.column(alias, SOFT_DELETED_AT);
    w.text(' is null');
  }
}

/**
 * An annotation of each row of `outer`: `(select count(a2.id) from post a1 … where a1.author_id =
 * t0.id)`; one computed from the row's own columns needs no subquery. count() of no rows is 0,
 * the others NULL, as Django gives them.
 */
export function writeAnnotation(annotation: Annotation, outer: string, ctx: WriteContext, depth: number): void {
  if (isComputed(annotation)) return writeExpression(annotation.computed, outer, ctx);
  const aliases = chainAliases(annotation.links, ctx);
  if (annotation.filter !== undefined) return writeCorrelated(annotation, outer, aliases, ctx, depth);
  // Without a filter the subquery holds no values, and its shape, the outer alias and its first
  // alias fix its SQL: the statement cache's key names it in a few characters.
  ctx.w.fixed(`(${shapeOf(annotation)}@${outer}:${aliases[0]})`, () => writeCorrelated(annotation, outer, aliases, ctx, depth));
}

const shapes = new WeakMap<ResolvedAggregate, string>();
/** A short name per shape: statement keys are hashed on every run, and a long key costs. */
const shapeNames = new Map<string, string>();

/**
 * What fixes an annotation's subquery besides its aliases (its function and the joins it
 * crosses), named shortly: the same shape has the same name, in this process.
 */
function shapeOf(annotation: ResolvedAggregate): string {
  let name = shapes.get(annotation);
  if (name === undefined) {
    const { fn, options } = annotation.aggregate;
    const links = annotation.links.map((l) => `${l.meta.cacheKey}.${l.column}=${l.previousColumn}`).join('/');
    const shape = `${fn}${options.distinct ? ' distinct' : ''} ${links} ${annotation.field?.column ?? '*'}`;
    name = shapeNames.get(shape);
    if (name === undefined) shapeNames.set(shape, (name = `#${shapeNames.size}`));
    shapes.set(annotation, name);
  }
  return name;
}

function writeCorrelated(annotation: ResolvedAggregate, outer: string, aliases: readonly string[], ctx: WriteContext, depth: number): void {
  const { w } = ctx;
  const [first, ...rest] = annotation.links as [Link, ...Link[]];
  const head = aliases[0]!;
  const last = aliases[aliases.length - 1]!;
  w.text('(select ');
  writeAggregateCall(annotation, last, ctx, false, depth);
  w.text(' from ');
  writeTable(ctx, first.meta.table, head);
  writeJoins(rest, aliases.slice(1), head, ctx, 'inner');
  w.text(' where ');
  writeLinkMatch(ctx, first, head, outer);
  if (annotation.filter !== undefined) {
    w.text(' and ');
    writeWhere(annotation.filter, [outer, ...aliases][annotation.filterAt]!, ctx, false, depth, outer);
  }
  w.text(')');
}

/**
 * `aggregate()`: own columns are aggregated over the queryset's rows (`rows`, their alias); a
 * path across relations over the rows the queryset's rows lead to, in a subquery of its own so
 * that paths do not multiply each other.
 */
function writeAggregateExpression(resolved: ResolvedAggregate, base: ModelMeta, where: WhereNode | undefined, ctx: WriteContext): void {
  if (resolved.links.length === 0) return writeAggregateCall(resolved, 't0', ctx, true, 1);
  const { w } = ctx;
  const root = `a${++ctx.aliases}`;
  const aliases = chainAliases(resolved.links, ctx);
  w.text('(select ');
  writeAggregateCall(resolved, aliases[aliases.length - 1]!, ctx, true, 1, [root, ...aliases]);
  w.text(' from ');
  writeTable(ctx, base.table, root);
  writeJoins(resolved.links, aliases, root, ctx, 'inner');
  if (where !== undefined) {
    w.text(' where ');
    writeWhere(where, root, ctx, false, 1);
  }
  w.text(')');
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

/** `SELECT <aggregates> FROM table AS t0 WHERE …`: one row, written once with its values. */
export function prepareAggregate(db: Database, meta: ModelMeta, where: WhereNode | undefined, aggregates: readonly ResolvedAggregate[]): CompiledQuery {
  const w = new TextWriter(db.sqlDialect);
  const ctx = writeContext(w);
  w.text('select ');
  writeList(ctx, aggregates, ', ', (aggregate) => {
    writeAggregateExpression(aggregate, meta, where, ctx);
    w.text(' as ');
    w.name(`g_${aggregate.name}`);
  });
  w.text(' from ');
  writeTable(ctx, meta.table, 't0');
  if (where !== undefined) {
    w.text(' where ');
    writeWhere(where, 't0', ctx, false, 0);
  }
  return CompiledQuery.raw(w.toSql(), w.values);
}

/**
 * `aggregate()` of a distinct values() queryset: over its distinct rows, as Django runs it:
 * `SELECT sum(v1) FROM (SELECT DISTINCT age AS v0, age AS v1 …) AS subquery`. The rows select
 * each aggregate's column too (`columns[i]`: its index among them, undefined for `Count('*')`),
 * so it counts in what is distinct, as in Django.
 */
export function prepareAggregateOfRows(db: Database, rows: SelectSpec, aggregates: readonly ResolvedAggregate[], columns: ReadonlyArray<number | undefined>): CompiledQuery {
  return writeStatement(db, (ctx) => {
    const { w } = ctx;
    w.text('select ');
    writeList(ctx, aggregates, ', ', (aggregate, i) => {
      const { fn, options } = aggregate.aggregate;
      const column = columns[i];
      if (column === undefined) w.text('count(*)');
      else {
        w.text(`${fn}(${options.distinct ? 'distinct ' : ''}`);
        w.column('subquery', `v${column}`);
        w.text(')');
      }
      w.text(' as ');
      w.name(`g_${aggregate.name}`);
    });
    w.text(' from (');
    writeSelect(rows, ctx);
    w.text(') as ');
    w.name('subquery');
  });
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
