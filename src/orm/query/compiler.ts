/**
 * Turns resolved queries into SQL through Kysely, and keeps the SQL of each query *shape*.
 *
 * Building and compiling a Kysely query costs more than running a simple one on SQLite, so the
 * SQL is compiled once per shape (the query with its values left out) and reused: values become
 * `Slot` placeholders while compiling, and the order Kysely put them in is remembered.
 */
import { CompiledQuery, sql, type Kysely, type SelectQueryBuilder } from 'kysely';
import type { Database, DialectName } from '../../db/index.ts';
import type { Field } from '../fields/field.ts';
import type { ForeignKeyField } from '../fields/relations.ts';
import type { ModelMeta } from '../meta.ts';
import type { NullsOrder, ResolvedExpression } from '../expressions.ts';
import { aggregateCall, annotationExpression, joinChain, type Annotation, type CompileCondition } from './aggregation.ts';
import { aggregateOf, bindGrouped, bindJoinedAnnotations, groupedExpression, joinsAnnotations, outputColumnOf, splitHaving } from './grouping.ts';
import { bindAnnotation, bindExpression, bindWhere, collectSlots, compileExpression, compileWhere, Slot, type Binding, type Builder, type CompileContext } from './conditions.ts';
import { SOFT_DELETED_AT, type WhereNode } from './where.ts';

/** A path of forward foreign keys from the queried model, e.g. post -> author. */
export type RelationPath = readonly ForeignKeyField[];

/** Ordering by a field, possibly across forward relations. */
export type FieldOrderTerm = Extract<OrderTerm, { readonly field: Field }>;

export type OrderTerm =
  | { readonly path: RelationPath; readonly field: Field; readonly descending: boolean; readonly annotation?: undefined; readonly expression?: undefined }
  /** Ordering by an annotation: `orderBy('-postCount')`. */
  | { readonly annotation: Annotation; readonly descending: boolean; readonly path?: undefined; readonly field?: undefined; readonly expression?: undefined }
  /** Ordering by an expression: `orderBy(F('rating').desc({ nullsLast: true }))`. */
  | { readonly expression: ResolvedExpression; readonly descending: boolean; readonly nulls: NullsOrder; readonly path?: undefined; readonly field?: undefined; readonly annotation?: undefined };

export interface ValueColumn {
  readonly name: string;
  readonly path: RelationPath;
  readonly field: Field;
}

export interface SelectSpec {
  readonly meta: ModelMeta;
  readonly where: WhereNode | undefined;
  readonly order: readonly OrderTerm[];
  readonly limit: number | undefined;
  readonly offset: number | undefined;
  /** selectRelated paths: joined and hydrated with the rows. */
  readonly related: readonly RelationPath[];
  /** values(): the columns to return instead of whole rows. */
  readonly values: readonly ValueColumn[] | undefined;
  readonly mode: 'rows' | 'count' | 'exists';
  /** SELECT DISTINCT (a count counts the distinct rows). */
  readonly distinct?: boolean;
  /** annotate(): a value per row, selected as `n_<name>`. */
  readonly annotations?: readonly Annotation[];
  /** only()/defer(): the queried model's columns to read; undefined: all of them. */
  readonly columns?: readonly Field[];
  /** values().annotate(): one row per group of the values, the annotations aggregated over it. */
  readonly grouped?: boolean;
  /** selectForUpdate(): lock the rows read until the transaction ends. */
  readonly lock?: RowLock;
}

export interface RowLock {
  /** Skip rows another transaction holds instead of waiting for them. */
  readonly skipLocked?: boolean;
  /** Fail at once instead of waiting for rows another transaction holds. */
  readonly nowait?: boolean;
}

export interface CachedSelect {
  readonly sql: string;
  readonly paramMap: readonly number[];
  /** selectRelated path key -> the alias its columns are prefixed with. */
  readonly relatedAliases: ReadonlyMap<string, string>;
}

export interface PreparedSelect {
  readonly query: CompiledQuery;
  readonly relatedAliases: ReadonlyMap<string, string>;
}

export function pathKey(path: RelationPath): string {
  return path.map((f) => f.name).join('__');
}


// ---- ordering by expressions --------------------------------------------------------------

type ExpressionOrderTerm = Extract<OrderTerm, { readonly expression: ResolvedExpression }>;

/** MySQL has no NULLS FIRST/LAST: there the expression is ordered by its being NULL first, so it is bound twice. */
function bindOrderExpression(term: ExpressionOrderTerm, b: Binding): void {
  const nulls = term.nulls.nullsFirst ? 'nf' : term.nulls.nullsLast ? 'nl' : '';
  if (nulls !== '' && b.dialect === 'mysql') bindExpression(term.expression, b);
  b.key += `expr${nulls}(`;
  bindExpression(term.expression, b);
  b.key += ')';
}

function orderByExpression(query: SelectQueryBuilder<any, any, any>, term: ExpressionOrderTerm, dialect: DialectName, ctx: CompileContext): SelectQueryBuilder<any, any, any> {
  const { nullsFirst, nullsLast } = term.nulls;
  if ((nullsFirst || nullsLast) && dialect === 'mysql') {
    query = query.orderBy(sql`${compileExpression(term.expression, 't0', ctx)} is null` as any, nullsFirst ? 'desc' : 'asc');
  }
  const expression = compileExpression(term.expression, 't0', ctx);
  return query.orderBy(expression as any, (ob: any) => {
    let order = term.descending ? ob.desc() : ob.asc();
    if (dialect !== 'mysql' && nullsFirst) order = order.nullsFirst();
    if (dialect !== 'mysql' && nullsLast) order = order.nullsLast();
    return order;
  });
}

// ---- SELECT -------------------------------------------------------------------------------

/**
 * The parts of `spec` that its statement holds. The SQL of a shape is compiled once and cached;
 * each run binds its values in a second, cheaper walk (selectKey), and the two walks must meet
 * the same parts in the same order. So what a mode leaves out is left out here, once, before
 * either walk, and neither walk skips anything by mode. A count or an existence test has no
 * ORDER BY (the order changes neither how many rows there are nor whether there is one, sliced
 * or not; Django's count() clears it too) and selects no annotations (conditions on them are in
 * `where`); values() select no annotations unless grouped.
 */
function statementOf(spec: SelectSpec): SelectSpec {
  if (spec.mode !== 'rows') return { ...spec, order: [], annotations: undefined };
  if (spec.values !== undefined && !spec.grouped && spec.annotations !== undefined) return { ...spec, annotations: undefined };
  return spec;
}

function selectKey(spec: SelectSpec, b: Binding): void {
  b.key = `${spec.meta.cacheKey}|${spec.mode}|`;
  if (spec.grouped || joinsAnnotations(spec, b.dialect)) {
    if (spec.grouped) bindGrouped(spec, b);
    else bindJoinedAnnotations(spec, b);
    if (spec.limit !== undefined) b.key += `|l${spec.limit}`;
    if (spec.offset !== undefined) {
      b.key += '|s';
      b.params.push(spec.offset);
    }
    return;
  }
  // Values are bound in the order the compiled query holds them: annotations, where, ordering, offset.
  for (const annotation of spec.annotations ?? []) bindAnnotation(annotation, b);
  b.key += '|w:';
  bindWhere(spec.where, b);
  b.key += '|o:';
  for (const term of spec.order) {
    if (term.annotation !== undefined) bindAnnotation(term.annotation, b);
    else if (term.expression !== undefined) bindOrderExpression(term, b);
    else b.key += `${pathKey(term.path)}.${term.field.column}`;
    b.key += term.descending ? '-,' : '+,';
  }
  // LIMIT is written into the SQL: SQLite plans a bound LIMIT far worse (3x slower lookups by key).
  if (spec.limit !== undefined) b.key += `|l${spec.limit}`;
  if (spec.offset !== undefined) {
    b.key += '|s';
    b.params.push(spec.offset);
  }
  if (spec.related.length > 0) b.key += `|r:${spec.related.map(pathKey).join(',')}`;
  if (spec.values !== undefined) b.key += `|v:${spec.values.map((v) => v.name).join(',')}`;
  if (spec.distinct) b.key += '|d';
  if (spec.columns !== undefined) b.key += `|c:${spec.columns.map((f) => f.column).join(',')}`;
  if (spec.lock !== undefined) b.key += `|lock${spec.lock.skipLocked ? ':skip' : ''}${spec.lock.nowait ? ':nowait' : ''}`;
}

/** The SQL and parameters of a select, compiled at most once per shape and database. */
export function prepareSelect(db: Database, given: SelectSpec): PreparedSelect {
  const spec = statementOf(given);
  const binding: Binding = { key: '', params: [], dialect: db.dialect };
  selectKey(spec, binding);
  let cached = db.queryCache.get(binding.key) as CachedSelect | undefined;
  if (cached === undefined) {
    cached = compileSelect(db.kysely, db.dialect, spec, binding.params.length);
    if (db.queryCache.size > 2000) db.queryCache.clear();
    db.queryCache.set(binding.key, cached);
  }
  return { query: compiledQuery(cached, binding.params), relatedAliases: cached.relatedAliases };
}

const RAW_QUERY = CompiledQuery.raw('').query;
const QUERY_ID = CompiledQuery.raw('').queryId;

/** A CompiledQuery for cached SQL, built without Kysely's per-query freezing (no plugins read it). */
export function compiledQuery(cached: { sql: string; paramMap: readonly number[] }, values: readonly unknown[]): CompiledQuery {
  const { paramMap } = cached;
  const parameters = new Array<unknown>(paramMap.length);
  for (let i = 0; i < paramMap.length; i++) parameters[i] = values[paramMap[i]!];
  return { sql: cached.sql, parameters, query: RAW_QUERY, queryId: QUERY_ID };
}

function compileSelect(kysely: Kysely<any>, dialect: DialectName, spec: SelectSpec, paramCount: number): CachedSelect {
  if ((spec.distinct || spec.grouped) && spec.mode !== 'rows') {
    // Counting (or testing for) distinct rows: the distinct rows, counted around (statementOf
    // left out what the rows would otherwise add: ordering, annotations).
    const rows = compileSelect(kysely, dialect, { ...spec, mode: 'rows' }, paramCount);
    const quote = dialect === 'mysql' ? '`' : '"';
    const outer = spec.mode === 'count' ? `select count(*) as ${quote}count${quote}` : 'select 1 as one';
    return { ...rows, sql: `${outer} from (${rows.sql}) as distinct_rows` };
  }
  const live = dialect === 'sqlite' && spec.mode === 'count' && spec.limit === undefined && spec.offset === undefined ? withoutLiveFilter(spec.where) : undefined;
  if (live !== undefined) return compileLiveCount(kysely, spec, live.rest, paramCount);
  const ctx: CompileContext = { dialect, slots: 0, aliases: 0, materialiseSubqueries: false };
  const condition: CompileCondition = (eb, node, alias) => compileWhere(eb, node, alias, ctx, false, 1);
  const { meta } = spec;
  let query: SelectQueryBuilder<any, any, any> = kysely.selectFrom(`${meta.table} as t0`);
  const joins = new Map<string, string>();
  const join = (path: RelationPath): string => {
    let alias = 't0';
    for (let i = 0; i < path.length; i++) {
      const key = pathKey(path.slice(0, i + 1));
      let next = joins.get(key);
      if (next === undefined) {
        next = `j${joins.size + 1}`;
        const fk = path[i]!;
        const target = fk.target;
        const from = alias;
        const to = next;
        // A related row in the trash is no related row: joins see live rows only.
        query = query.leftJoin(`${target.table} as ${to}`, (on: any) => {
          const joined = on.onRef(`${to}.${target.pk.column}`, '=', `${from}.${fk.column}`);
          return target.softDelete ? joined.on(`${to}.deleted_at`, 'is', null) : joined;
        });
        joins.set(key, next);
      }
      alias = next;
    }
    return alias;
  };
  const relatedAliases = new Map<string, string>();
  /** LIMIT, OFFSET and locks, then the SQL: the end of every kind of select. */
  const finish = (query: SelectQueryBuilder<any, any, any>): CachedSelect => {
    if (spec.limit !== undefined) query = query.limit(sql.lit(spec.limit) as any);
    if (spec.offset !== undefined) {
      // SQLite and MySQL take OFFSET only after a LIMIT.
      if (spec.limit === undefined && dialect !== 'postgres') {
        query = query.limit(sql.raw(dialect === 'sqlite' ? '-1' : '18446744073709551615') as any);
      }
      query = query.offset(new Slot(ctx.slots++) as any);
    }
    if (spec.lock !== undefined && dialect !== 'sqlite') {
      // SQLite locks the whole database for a writing transaction: there is nothing to add. With
      // joins, PostgreSQL locks only the queried table's rows (it refuses the nullable side of a
      // left join).
      query = joins.size > 0 && dialect === 'postgres' ? query.forUpdate('t0' as any) : query.forUpdate();
      if (spec.lock.skipLocked) query = query.skipLocked();
      if (spec.lock.nowait) query = query.noWait();
    }
    let compiled = query.compile();
    if (spec.mode === 'count' && (spec.limit !== undefined || spec.offset !== undefined)) {
      // count(*) ignores LIMIT; count the sliced rows instead.
      const inner = compiled.sql.replace(/^select count\(\*\) as [`"]count[`"]/, 'select 1 as one');
      compiled = { ...compiled, sql: `select count(*) as ${dialect === 'mysql' ? '`count`' : '"count"'} from (${inner}) as sliced` };
    }
    return { sql: compiled.sql, paramMap: collectSlots(compiled, paramCount), relatedAliases };
  };
  if (spec.grouped) {
    // values().annotate(): GROUP BY the values; aggregates over the rows of each group.
    const { where, having } = splitHaving(spec.where);
    const annotations = spec.annotations ?? [];
    const groupBy: string[] = [];
    spec.values!.forEach((column, i) => {
      const alias = join(column.path);
      query = query.select(`${alias}.${column.field.column} as v${i}` as any);
      groupBy.push(`${alias}.${column.field.column}`);
    });
    for (const annotation of annotations) {
      query = query.select((eb: Builder) => groupedExpression(eb, annotation, ctx, condition).as(`n_${annotation.name}`));
    }
    if (where !== undefined) {
      const rows = where;
      query = query.where((eb) => compileWhere(eb, rows, 't0', ctx, false, 0));
    }
    query = query.groupBy(groupBy as any);
    for (const node of having) {
      const annotation = node.annotation;
      query = query.having((eb: Builder) => eb(groupedExpression(eb, annotation, ctx, condition), ({ exact: '=', gt: '>', gte: '>=', lt: '<', lte: '<=' } as const)[node.lookup], new Slot(ctx.slots++)) as any);
    }
    for (const term of spec.order) query = query.orderBy(sql.ref(outputColumnOf(spec, term)) as any, term.descending ? 'desc' : 'asc');
    return finish(query);
  }
  if (joinsAnnotations(spec, dialect)) {
    // Each row's annotations from one LEFT JOIN along their shared relations, grouped by the row.
    const { where, having } = splitHaving(spec.where);
    const annotations = spec.annotations!.map(aggregateOf);
    query = query.select((spec.columns ?? meta.concreteFields).map((f) => `t0.${f.column}` as any));
    const [joined, last, rows] = joinChain(query, annotations[0]!.links, 't0', ctx, 'left');
    query = joined;
    for (const annotation of annotations) {
      query = query.select((eb: Builder) => aggregateCall(eb, annotation, last, condition, true, rows[annotation.filterAt]).as(`n_${annotation.name}`));
    }
    if (where !== undefined) query = query.where((eb) => compileWhere(eb, where, 't0', ctx, false, 0));
    // PostgreSQL knows the other columns follow from the key; the others are told each one.
    query = query.groupBy((dialect === 'postgres' ? [meta.pk] : spec.columns ?? meta.concreteFields).map((f) => `t0.${f.column}`) as any);
    for (const node of having) {
      const annotation = aggregateOf(node.annotation);
      query = query.having((eb: Builder) => eb(aggregateCall(eb, annotation, last, condition, true, rows[annotation.filterAt]), ({ exact: '=', gt: '>', gte: '>=', lt: '<', lte: '<=' } as const)[node.lookup], new Slot(ctx.slots++)) as any);
    }
    for (const term of spec.order) {
      query = query.orderBy((term.annotation !== undefined ? sql.ref(`n_${term.annotation.name}`) : sql.ref(`t0.${term.field!.column}`)) as any, term.descending ? 'desc' : 'asc');
    }
    return finish(query);
  }
  if (spec.mode === 'count') {
    query = query.select(sql<number>`count(*)`.as('count'));
  } else if (spec.mode === 'exists') {
    query = query.select(sql<number>`1`.as('one'));
  } else if (spec.values !== undefined) {
    spec.values.forEach((column, i) => {
      const alias = join(column.path);
      query = query.select(`${alias}.${column.field.column} as v${i}` as any);
    });
  } else {
    query = query.select((spec.columns ?? meta.concreteFields).map((f) => `t0.${f.column}` as any));
    for (const annotation of spec.annotations ?? []) {
      query = query.select((eb: Builder) => annotationExpression(eb, annotation, 't0', ctx, condition).as(`n_${annotation.name}`));
    }
    for (const path of spec.related) {
      const alias = join(path);
      relatedAliases.set(pathKey(path), alias);
      const target = path[path.length - 1]!.target;
      query = query.select(target.concreteFields.map((f) => `${alias}.${f.column} as ${alias}__${f.column}` as any));
    }
  }
  if (spec.distinct) query = query.distinct();
  // Slots are numbered in binding order (selectKey): annotations above, then where, ordering, offset.
  if (spec.where !== undefined) {
    const where = spec.where;
    query = query.where((eb) => compileWhere(eb, where, 't0', ctx, false, 0));
  }
  for (const term of spec.order) {
    if (term.annotation !== undefined) {
      const annotation = term.annotation;
      query = query.orderBy((eb: Builder) => annotationExpression(eb, annotation, 't0', ctx, condition) as any, term.descending ? 'desc' : 'asc');
      continue;
    }
    if (term.expression !== undefined) {
      query = orderByExpression(query, term, dialect, ctx);
      continue;
    }
    const alias = join(term.path);
    query = query.orderBy(`${alias}.${term.field.column}` as any, term.descending ? 'desc' : 'asc');
  }
  return finish(query);
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
function compileLiveCount(kysely: Kysely<any>, spec: SelectSpec, rest: WhereNode | undefined, paramCount: number): CachedSelect {
  const ctx: CompileContext = { dialect: 'sqlite', slots: 0, aliases: 0, materialiseSubqueries: false };
  const trashed: WhereNode = { kind: 'isnull', column: SOFT_DELETED_AT, isNull: false };
  const count = (where: WhereNode | undefined) => {
    ctx.slots = 0; // both halves bind the same values
    let query = kysely.selectFrom(`${spec.meta.table} as t0`).select(sql<number>`count(*)`.as('count'));
    if (where !== undefined) query = query.where((eb) => compileWhere(eb, where, 't0', ctx, false, 0));
    return query.compile();
  };
  const all = count(rest);
  const inTrash = count(rest === undefined ? trashed : { kind: 'and', children: [rest, trashed] });
  const paramMap = [...collectSlots(all, paramCount), ...collectSlots(inTrash, paramCount)];
  return { sql: `select (${all.sql}) - (${inTrash.sql}) as "count"`, paramMap, relatedAliases: new Map() };
}
