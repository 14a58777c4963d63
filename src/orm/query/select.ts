/**
 * A select's SQL, written in one visit from its spec (compiler.ts): the plain select, a grouped
 * one (values().annotate()), one whose annotations come from a join (`joinsAnnotations`), and the
 * counts around them.
 */
import { writeAggregateCall, chainAliases, writeAnnotation, writeJoins, type ResolvedAggregate } from './aggregation.ts';
import { annotationParam, writeExpression, writeList, writeTable, writeWhere, type WriteContext } from './conditions.ts';
import { pathKey, type OrderTerm, type RelationPath, type SelectSpec } from './compiler.ts';
import { aggregateOf, joinedInGroups, joinsAnnotations, outputColumnOf, splitHaving, writeGroupedAggregate } from './grouping.ts';
import { SOFT_DELETED_AT, type WhereNode } from './where.ts';
import type { Field } from '../fields/field.ts';
import type { ModelMeta } from '../meta.ts';

const COMPARISONS = { exact: ' = ', gt: ' > ', gte: ' >= ', lt: ' < ', lte: ' <= ' } as const;

/** Writes the select of `spec`; returns the alias of each selectRelated path's columns. */
export function writeSelect(spec: SelectSpec, ctx: WriteContext): Map<string, string> {
  if ((spec.distinct || spec.grouped) && spec.mode !== 'rows') {
    // Counting (or testing for) distinct rows or groups: the rows, counted around.
    writeOuterCount(ctx, spec.mode, () => writeSelect({ ...spec, mode: 'rows' }, ctx), 'distinct_rows');
    return new Map();
  }
  if (spec.mode === 'count' && (spec.limit !== undefined || spec.offset !== undefined)) {
    // count(*) ignores LIMIT: count the sliced rows instead.
    writeOuterCount(ctx, 'count', () => writeSelect({ ...spec, mode: 'exists' }, ctx), 'sliced');
    return new Map();
  }
  if (spec.mode === 'count' && ctx.dialect.hintsLiveRows) {
    const live = withoutLiveFilter(spec.where);
    if (live !== undefined) {
      writeLiveCount(spec.meta, live.rest, ctx);
      return new Map();
    }
  }
  if (spec.grouped) return writeGrouped(spec, ctx);
  if (joinsAnnotations(spec, ctx.dialect)) return writeJoinedAnnotations(spec, ctx);
  return writePlain(spec, ctx);
}

/** `select count(*) as count from (<inner>) as <name>`, or `select 1 as one …`. */
function writeOuterCount(ctx: WriteContext, mode: 'count' | 'exists', inner: () => void, name: string): void {
  const { w } = ctx;
  w.text(mode === 'count' ? 'select count(*) as ' : 'select 1 as ');
  w.name(mode === 'count' ? 'count' : 'one');
  w.text(' from (');
  inner();
  w.text(') as ');
  w.name(name);
}

/** A model's columns (or those `columns` names) on `alias`, each as `prefix + column` when prefixed. */
function writeModelColumns(ctx: WriteContext, meta: ModelMeta, alias: string, columns: readonly Field[] | undefined, prefix?: string): void {
  const key = `${meta.cacheKey}:${alias}${prefix === undefined ? '' : '*'}${columns === undefined ? '' : `(${columns.map((f) => f.column).join(',')})`}`;
  ctx.w.fixed(key, () => {
    writeList(ctx, columns ?? meta.concreteFields, ', ', (field) => {
      ctx.w.column(alias, field.column!);
      if (prefix !== undefined) {
        ctx.w.text(' as ');
        ctx.w.name(`${prefix}${field.column}`);
      }
    });
  });
}

/** The LEFT JOINs along forward keys that values(), selectRelated() and ordering need, each path once. */
class ForwardJoins {
  private readonly aliases = new Map<string, string>();
  private readonly order: Array<{ path: RelationPath; alias: string; from: string }> = [];

  /** The alias of the last table of `path`, joining what is not joined yet. */
  aliasOf(path: RelationPath): string {
    let alias = 't0';
    for (let i = 0; i < path.length; i++) {
      const key = pathKey(path.slice(0, i + 1));
      let next = this.aliases.get(key);
      if (next === undefined) {
        next = `j${this.aliases.size + 1}`;
        this.aliases.set(key, next);
        this.order.push({ path: path.slice(0, i + 1), alias: next, from: alias });
      }
      alias = next;
    }
    return alias;
  }

  get size(): number {
    return this.order.length;
  }

  /** LEFT JOINs, in the order they were asked for; a related row in the trash is no related row (writeJoins). */
  write(ctx: WriteContext): void {
    for (const { path, alias, from } of this.order) {
      const fk = path[path.length - 1]!;
      writeJoins([{ meta: fk.target, column: fk.target.pk.column!, previousColumn: fk.column! }], [alias], from, ctx, 'left');
    }
  }
}

/** An ordering term and how the ORDER BY names it: an output column, or what it computes. */
interface OrderItem {
  readonly term: OrderTerm;
  /** The output column it orders by, when the select holds it under a name. */
  readonly output?: string;
  /** Its column across joins, for a field term. */
  readonly alias?: string;
}

function writePlain(spec: SelectSpec, ctx: WriteContext): Map<string, string> {
  const { w } = ctx;
  const { meta } = spec;
  const joins = new ForwardJoins();
  const relatedAliases = new Map<string, string>();
  // Joins first, in the order the select meets them, so that FROM can name them all.
  const valueAliases = spec.values?.map((column) => joins.aliasOf(column.path));
  if (spec.mode === 'rows' && spec.values === undefined) for (const path of spec.related) relatedAliases.set(pathKey(path), joins.aliasOf(path));
  const selectedAnnotations = spec.mode === 'rows' && spec.values === undefined ? spec.annotations ?? [] : [];
  const order: OrderItem[] = spec.order.map((term) => {
    if (term.annotation !== undefined) return selectedAnnotations.includes(term.annotation) ? { term, output: `n_${term.annotation.name}` } : { term };
    if (term.expression !== undefined) return { term };
    return { term, alias: joins.aliasOf(term.path) };
  });
  // With DISTINCT, what the rows are ordered by must be among what they select (PostgreSQL
  // insists). As in Django, a term the select lacks is selected too, so it counts in what is distinct.
  const extra = spec.distinct ? order.map((item, i) => (item.output === undefined && !selects(spec, item) ? i : -1)).filter((i) => i >= 0) : [];
  for (const i of extra) order[i] = { ...order[i]!, output: `o${i}` };

  w.text(spec.distinct ? 'select distinct ' : 'select ');
  if (spec.mode === 'count') {
    w.text('count(*) as ');
    w.name('count');
  } else if (spec.mode === 'exists') {
    w.text('1 as ');
    w.name('one');
  } else if (spec.values !== undefined) {
    writeList(ctx, spec.values, ', ', (column, i) => {
      w.column(valueAliases![i]!, column.field.column!);
      w.text(' as ');
      w.name(`v${i}`);
    });
  } else {
    writeModelColumns(ctx, meta, 't0', spec.columns);
    for (const annotation of selectedAnnotations) {
      w.text(', ');
      writeAnnotation(annotation, 't0', ctx, 1);
      w.text(' as ');
      w.name(`n_${annotation.name}`);
    }
    for (const [key, alias] of relatedAliases) {
      w.text(', ');
      const target = spec.related.find((path) => pathKey(path) === key)!;
      writeModelColumns(ctx, target[target.length - 1]!.target, alias, undefined, `${alias}__`);
    }
  }
  for (const i of extra) {
    w.text(', ');
    writeOrderValue(order[i]!, ctx);
    w.text(' as ');
    w.name(order[i]!.output!);
  }
  w.text(' from ');
  writeTable(ctx, meta.table, 't0');
  joins.write(ctx);
  if (spec.where !== undefined) {
    w.text(' where ');
    writeWhere(spec.where, 't0', ctx, false, 0);
  }
  writeOrderBy(order, ctx);
  writeEnd(spec, ctx, joins.size > 0);
  return relatedAliases;
}

/** Whether the select already holds what `item` orders by (under DISTINCT). */
function selects(spec: SelectSpec, item: OrderItem): boolean {
  const { term } = item;
  if (term.field === undefined) return false;
  if (spec.values !== undefined) return spec.values.some((v) => v.field === term.field && v.path.length === term.path.length && v.path.every((f, i) => f === term.path[i]));
  return term.path.length === 0 && (spec.columns === undefined || spec.columns.includes(term.field));
}

/** The value an ordering term orders by. */
function writeOrderValue(item: OrderItem, ctx: WriteContext): void {
  const { term } = item;
  if (term.annotation !== undefined) return writeAnnotation(term.annotation, 't0', ctx, 1);
  if (term.expression !== undefined) return writeExpression(term.expression, 't0', ctx);
  ctx.w.column(item.alias!, term.field.column!);
}

function writeOrderBy(order: readonly OrderItem[], ctx: WriteContext): void {
  const { w, dialect } = ctx;
  if (order.length === 0) return;
  w.text(' order by ');
  writeList(ctx, order, ', ', (item) => {
    const direction = item.term.descending ? ' desc' : ' asc';
    const nulls = item.term.expression !== undefined ? item.term.nulls : {};
    if (!nulls.nullsFirst && !nulls.nullsLast) {
      writeOrderItem(item, ctx);
      return w.text(direction);
    }
    if (dialect.nullsOrdering) {
      writeOrderItem(item, ctx);
      return w.text(`${direction} nulls ${nulls.nullsFirst ? 'first' : 'last'}`);
    }
    // No NULLS FIRST/LAST (MySQL): order by the value's being NULL first.
    writeOrderItem(item, ctx);
    w.text(nulls.nullsFirst ? ' is null desc, ' : ' is null asc, ');
    writeOrderItem(item, ctx);
    w.text(direction);
  });
}

/** What an ORDER BY item orders by: an output column's name, or the value itself. */
function writeOrderItem(item: OrderItem, ctx: WriteContext): void {
  if (item.output !== undefined) ctx.w.name(item.output);
  else writeOrderValue(item, ctx);
}

/** LIMIT, OFFSET and the lock: the end of every kind of select. */
function writeEnd(spec: SelectSpec, ctx: WriteContext, joined: boolean): void {
  const { w, dialect } = ctx;
  // LIMIT is written into the SQL: SQLite plans a bound LIMIT far worse (3x slower lookups by key).
  if (spec.limit !== undefined) w.text(` limit ${spec.limit}`);
  else if (spec.offset !== undefined && dialect.noLimit !== undefined) w.text(` limit ${dialect.noLimit}`);
  if (spec.offset !== undefined) {
    w.text(' offset ');
    w.param(spec.offset);
  }
  if (spec.lock !== undefined) {
    const clause = dialect.lockClause(spec.lock, joined ? dialect.quote('t0') : undefined);
    if (clause !== '') w.text(` ${clause}`);
  }
}

/** values().annotate(): GROUP BY the values; aggregates over the rows of each group, conditions on them in HAVING. */
function writeGrouped(spec: SelectSpec, ctx: WriteContext): Map<string, string> {
  const { w } = ctx;
  const { where, having } = splitHaving(spec.where);
  const joins = new ForwardJoins();
  const valueAliases = spec.values!.map((column) => joins.aliasOf(column.path));
  const annotations = spec.annotations ?? [];
  const forward = joinedInGroups([...annotations, ...having.map((node) => node.annotation)]);
  const chains = new Map<string, { annotation: ResolvedAggregate; aliases: string[] }>();
  for (const annotation of forward) if (!chains.has(annotation.name)) chains.set(annotation.name, { annotation, aliases: chainAliases(annotation.links, ctx) });
  const joined = new Map([...chains].map(([name, chain]) => [name, ['t0', ...chain.aliases]]));

  w.text('select ');
  writeList(ctx, spec.values!, ', ', (column, i) => {
    w.column(valueAliases[i]!, column.field.column!);
    w.text(' as ');
    w.name(`v${i}`);
  });
  for (const annotation of annotations) {
    w.text(', ');
    writeGroupedAggregate(annotation, 't0', ctx, 1, joined);
    w.text(' as ');
    w.name(`n_${annotation.name}`);
  }
  w.text(' from ');
  writeTable(ctx, spec.meta.table, 't0');
  joins.write(ctx);
  for (const { annotation, aliases } of chains.values()) writeJoins(annotation.links, aliases, 't0', ctx, 'left');
  if (where !== undefined) {
    w.text(' where ');
    writeWhere(where, 't0', ctx, false, 0);
  }
  w.text(' group by ');
  writeList(ctx, spec.values!, ', ', (column, i) => w.column(valueAliases[i]!, column.field.column!));
  writeHaving(having, ctx, (node) => writeGroupedAggregate(node.annotation, 't0', ctx, 1, joined));
  writeOrderBy(spec.order.map((term) => ({ term, output: outputColumnOf(spec, term) })), ctx);
  writeEnd(spec, ctx, false);
  return new Map();
}

function writeHaving(having: ReadonlyArray<Extract<WhereNode, { kind: 'annotation' }>>, ctx: WriteContext, writeAggregate: (node: Extract<WhereNode, { kind: 'annotation' }>) => void): void {
  const { w } = ctx;
  if (having.length === 0) return;
  w.text(' having ');
  writeList(ctx, having, ' and ', (node) => {
    writeAggregate(node);
    w.text(COMPARISONS[node.lookup]);
    w.param(annotationParam(node.annotation, node.value, ctx.dialect.name));
  });
}

/** Each row's annotations from one LEFT JOIN along their shared relations, grouped by the row. */
function writeJoinedAnnotations(spec: SelectSpec, ctx: WriteContext): Map<string, string> {
  const { w, dialect } = ctx;
  const { meta } = spec;
  const { where, having } = splitHaving(spec.where);
  const annotations = spec.annotations!.map(aggregateOf);
  const aliases = chainAliases(annotations[0]!.links, ctx);
  const last = aliases[aliases.length - 1]!;
  const rows = ['t0', ...aliases];
  w.text('select ');
  writeModelColumns(ctx, meta, 't0', spec.columns);
  for (const annotation of annotations) {
    w.text(', ');
    writeAggregateCall(annotation, last, ctx, true, 1, rows);
    w.text(' as ');
    w.name(`n_${annotation.name}`);
  }
  w.text(' from ');
  writeTable(ctx, meta.table, 't0');
  writeJoins(annotations[0]!.links, aliases, 't0', ctx, 'left');
  if (where !== undefined) {
    w.text(' where ');
    writeWhere(where, 't0', ctx, false, 0);
  }
  // Where the key stands for the row's other columns, GROUP BY names it alone.
  w.text(' group by ');
  writeList(ctx, dialect.groupsByKey ? [meta.pk] : spec.columns ?? meta.concreteFields, ', ', (field) => w.column('t0', field.column!));
  writeHaving(having, ctx, (node) => {
    const annotation = aggregateOf(node.annotation);
    writeAggregateCall(annotation, last, ctx, true, 1, rows);
  });
  writeOrderBy(spec.order.map((term) => (term.annotation !== undefined ? { term, output: `n_${term.annotation.name}` } : { term, alias: 't0' })), ctx);
  writeEnd(spec, ctx, true);
  return new Map();
}

/** `where` split into the live-rows test (`deleted_at IS NULL`) and the rest, when it is a top-level conjunct. */
function withoutLiveFilter(where: WhereNode | undefined): { rest: WhereNode | undefined } | undefined {
  const isLive = (n: WhereNode) => n.kind === 'isnull' && n.column === SOFT_DELETED_AT && n.isNull;
  if (where === undefined) return undefined;
  if (isLive(where)) return { rest: undefined };
  if (where.kind !== 'and' || !where.children.some(isLive)) return undefined;
  const rest = where.children.filter((c) => !isLive(c));
  return { rest: rest.length === 1 ? rest[0] : { kind: 'and', children: rest } };
}

/**
 * SQLite counts a whole table from its b-tree pages, without reading rows (a million rows in
 * under a millisecond), but walks every entry to count `deleted_at IS NULL`. So live rows are
 * counted as all rows less the trashed ones, which the `deleted_at` index finds alone:
 * count(C and live) = count(C) - count(C and trashed). Exact, in one statement.
 */
function writeLiveCount(meta: ModelMeta, rest: WhereNode | undefined, ctx: WriteContext): void {
  const { w } = ctx;
  const trashed: WhereNode = { kind: 'isnull', column: SOFT_DELETED_AT, isNull: false };
  const count = (where: WhereNode | undefined) => {
    w.text('(select count(*) from ');
    writeTable(ctx, meta.table, 't0');
    if (where !== undefined) {
      w.text(' where ');
      writeWhere(where, 't0', ctx, false, 0);
    }
    w.text(')');
  };
  w.text('select ');
  count(rest);
  w.text(' - ');
  count(rest === undefined ? trashed : { kind: 'and', children: [rest, trashed] });
  w.text(' as ');
  w.name('count');
}
