/**
 * Turns resolved queries into SQL through Kysely, and keeps the SQL of each query *shape*.
 *
 * Building and compiling a Kysely query costs more than running a simple one on SQLite, so the
 * SQL is compiled once per shape (the query with its values left out) and reused: values become
 * `Slot` placeholders while compiling, and the order Kysely put them in is remembered.
 */
import { CompiledQuery, sql, type Expression, type ExpressionBuilder, type Kysely, type SelectQueryBuilder, type SqlBool } from 'kysely';
import type { Database, DialectName } from '../../db/index.ts';
import type { Field } from '../fields/field.ts';
import type { ForeignKeyField } from '../fields/relations.ts';
import { DateTimeField } from '../fields/scalar.ts';
import type { DatePart } from './dates.ts';
import type { ModelMeta } from '../meta.ts';
import { SOFT_DELETED_AT, type WhereNode } from './where.ts';

/** A placeholder for the value at `index` of the bound parameters. */
class Slot {
  constructor(readonly index: number) {}
}

/** A path of forward foreign keys from the queried model, e.g. post -> author. */
export type RelationPath = readonly ForeignKeyField[];

export interface OrderTerm {
  readonly path: RelationPath;
  readonly field: Field;
  readonly descending: boolean;
}

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
}

interface CachedSelect {
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

// ---- binding: the shape key and the parameter values ------------------------------------

interface Binding {
  key: string;
  readonly params: unknown[];
  readonly dialect: DialectName;
}

function bindWhere(node: WhereNode | undefined, b: Binding): void {
  if (node === undefined) return;
  switch (node.kind) {
    case 'and':
    case 'or':
      b.key += `${node.kind}(`;
      for (const child of node.children) bindWhere(child, b);
      b.key += ')';
      return;
    case 'not':
      b.key += 'not(';
      bindWhere(node.child, b);
      b.key += ')';
      return;
    case 'isnull':
      b.key += `${node.column} ${node.isNull ? 'null' : 'notnull'};`;
      return;
    case 'nothing':
      b.key += 'nothing;';
      return;
    case 'subquery':
      b.key += `${node.column} in ${node.table}.${node.selectColumn}(`;
      bindWhere(node.where, b);
      b.key += ')';
      if (node.absent !== undefined) {
        const { nullKey, missing } = node.absent;
        b.key += `absent(${nullKey ? 'null' : ''}`;
        if (missing !== undefined) {
          b.key += `${missing.table}.${missing.selectColumn}(`;
          bindWhere(missing.where, b);
          b.key += ')';
        }
        b.key += ')';
      }
      return;
    case 'datePart': {
      const items = Array.isArray(node.value) ? node.value : [node.value];
      b.key += `${node.part}(${node.column}) ${node.lookup}${items.length};`;
      b.params.push(...items);
      return;
    }
    case 'compare': {
      const { field, lookup, value } = node;
      if (lookup === 'in' || lookup === 'range') {
        const items = value as unknown[];
        b.key += `${node.column} ${lookup}${items.length};`;
        for (const item of items) b.params.push(field.toDb(item, b.dialect));
        return;
      }
      b.key += `${node.column} ${lookup};`;
      b.params.push(lookupParam(field, lookup, value, b.dialect));
      return;
    }
  }
}

const LIKE_SPECIAL = /[!%_]/g;
const GLOB_SPECIAL = /[*?[]/g;

function lookupParam(field: Field, lookup: string, value: unknown, dialect: DialectName): unknown {
  const text = value as string;
  const like = () => text.replace(LIKE_SPECIAL, '!$&');
  // SQLite's LIKE ignores case, so case-sensitive matching there uses GLOB.
  const glob = () => text.replace(GLOB_SPECIAL, '[$&]');
  switch (lookup) {
    case 'contains':
      return dialect === 'sqlite' ? `*${glob()}*` : `%${like()}%`;
    case 'startswith':
      return dialect === 'sqlite' ? `${glob()}*` : `${like()}%`;
    case 'endswith':
      return dialect === 'sqlite' ? `*${glob()}` : `%${like()}`;
    case 'icontains':
      return `%${like()}%`;
    case 'istartswith':
      return `${like()}%`;
    case 'iendswith':
      return `%${like()}`;
    case 'iexact':
      return text;
    default:
      return field.toDb(value, dialect);
  }
}

// ---- compiling: the Kysely expression tree ------------------------------------------------

interface CompileContext {
  readonly dialect: DialectName;
  /** With values, conditions are compiled with them; without, with Slot placeholders. */
  readonly values?: readonly unknown[];
  slots: number;
  aliases: number;
  /** MySQL cannot read the table it updates or deletes from in a subquery unless it is materialised. */
  readonly materialiseSubqueries: boolean;
}

type Builder = ExpressionBuilder<any, any>;

function compileWhere(eb: Builder, node: WhereNode, alias: string, ctx: CompileContext, negated: boolean, depth: number): Expression<SqlBool> {
  switch (node.kind) {
    case 'and':
      if (node.children.length === 0) return sql<SqlBool>`1 = 1`;
      return eb.and(node.children.map((c) => compileWhere(eb, c, alias, ctx, negated, depth)));
    case 'or':
      return eb.or(node.children.map((c) => compileWhere(eb, c, alias, ctx, negated, depth)));
    case 'not':
      return eb.not(compileWhere(eb, node.child, alias, ctx, !negated, depth));
    case 'nothing':
      return sql<SqlBool>`1 = 0`;
    case 'isnull': {
      const test = eb(eb.ref(`${alias}.${node.column}`), node.isNull ? 'is' : 'is not', null);
      // Most rows of a soft-delete table are live. Told so, SQLite's planner scans the table for
      // a search instead of visiting every live row through the deleted_at index (3x slower),
      // and finds the trashed rows through that index instead of scanning.
      if (ctx.dialect === 'sqlite' && node.column === SOFT_DELETED_AT) return sql<SqlBool>`${sql.raw(node.isNull ? 'likely' : 'unlikely')}(${test})`;
      return test;
    }
    case 'subquery': {
      const column = eb.ref(`${alias}.${node.column}`);
      const test = eb(column, 'in', compileSubquery(eb, node.table, node.selectColumn, node.where, ctx, depth));
      const related = guardNull(eb, test, alias, node.column, node.nullable, negated);
      if (node.absent === undefined) return related;
      const { nullKey, missing } = node.absent;
      const alternatives = [related];
      if (nullKey) alternatives.push(eb(column, 'is', null));
      if (missing !== undefined) alternatives.push(eb(column, 'not in', compileSubquery(eb, missing.table, missing.selectColumn, missing.where, ctx, depth)));
      return eb.or(alternatives);
    }
    case 'compare':
      return guardNull(eb, compileCompare(eb, node, alias, ctx), alias, node.column, node.field.nullable, negated);
    case 'datePart':
      return guardNull(eb, compileDatePart(eb, node, alias, ctx), alias, node.column, node.field.nullable, negated);
  }
}

/** The month or day of a date column, as a number, in UTC as it is stored. */
function datePartOf(column: Expression<unknown>, part: DatePart, field: Field, dialect: DialectName): Expression<number> {
  switch (dialect) {
    case 'sqlite':
      return sql<number>`cast(strftime(${sql.lit(part === 'month' ? '%m' : '%d')}, ${column}) as integer)`;
    case 'postgres':
      return field instanceof DateTimeField ? sql<number>`extract(${sql.raw(part)} from ${column} at time zone 'UTC')` : sql<number>`extract(${sql.raw(part)} from ${column})`;
    case 'mysql':
      return sql<number>`${sql.raw(part === 'day' ? 'dayofmonth' : part)}(${column})`;
  }
}

function compileDatePart(eb: Builder, node: Extract<WhereNode, { kind: 'datePart' }>, alias: string, ctx: CompileContext): Expression<SqlBool> {
  const part: Expression<unknown> = datePartOf(eb.ref(`${alias}.${node.column}`), node.part, node.field, ctx.dialect);
  const slot = (): any => (ctx.values === undefined ? new Slot(ctx.slots++) : ctx.values[ctx.slots++]);
  switch (node.lookup) {
    case 'in':
      return eb(part, 'in', (node.value as number[]).map(slot));
    case 'range':
      return eb.between(part, slot(), slot());
    default:
      return eb(part, COMPARISONS[node.lookup], slot());
  }
}

const COMPARISONS = { exact: '=', gt: '>', gte: '>=', lt: '<', lte: '<=' } as const;

/** `SELECT selectColumn FROM table WHERE …`, as a derived table where MySQL needs one. */
function compileSubquery(eb: Builder, table: string, selectColumn: string, where: WhereNode | undefined, ctx: CompileContext, depth: number) {
  const sub = `t${++ctx.aliases}`;
  let query = eb.selectFrom(`${table} as ${sub}`).select(`${sub}.${selectColumn}` as any);
  if (where !== undefined) query = query.where((inner: Builder) => compileWhere(inner, where, sub, ctx, false, depth + 1));
  return ctx.materialiseSubqueries && depth === 0 ? eb.selectFrom(query.as('materialised')).select(`materialised.${selectColumn}` as any) : query;
}

/**
 * Under NOT, `col = x` is unknown for NULL rows and NOT keeps it unknown, so the row would vanish.
 * Django's `exclude()` keeps such rows; so does Trove, by testing NOT (cond AND col IS NOT NULL).
 */
function guardNull(eb: Builder, test: Expression<SqlBool>, alias: string, column: string, nullable: boolean, negated: boolean): Expression<SqlBool> {
  if (!nullable || !negated) return test;
  return eb.and([test, eb(eb.ref(`${alias}.${column}`), 'is not', null)]);
}

function compileCompare(eb: Builder, node: Extract<WhereNode, { kind: 'compare' }>, alias: string, ctx: CompileContext): Expression<SqlBool> {
  const column = eb.ref(`${alias}.${node.column}`);
  const slot = () => (ctx.values === undefined ? new Slot(ctx.slots++) : ctx.values[ctx.slots++]);
  switch (node.lookup) {
    case 'exact':
      return eb(column, '=', slot());
    case 'iexact':
      return eb(eb.fn('lower', [column]), '=', eb.fn('lower', [eb.val(slot())]));
    case 'contains':
    case 'startswith':
    case 'endswith':
      return ctx.dialect === 'sqlite' ? sql<SqlBool>`${column} glob ${slot()}` : sql<SqlBool>`${column} like ${slot()} escape '!'`;
    case 'icontains':
    case 'istartswith':
    case 'iendswith':
      // SQLite's LIKE already ignores case, exactly as far as its lower() does (ASCII): no
      // lower() per row, which doubled the time of a search over a big table.
      return ctx.dialect === 'sqlite' ? sql<SqlBool>`${column} like ${slot()} escape '!'` : sql<SqlBool>`lower(${column}) like lower(${slot()}) escape '!'`;
    case 'in':
      return eb(column, 'in', (node.value as unknown[]).map(slot));
    case 'range':
      return eb.between(column, slot(), slot());
    case 'gt':
      return eb(column, '>', slot());
    case 'gte':
      return eb(column, '>=', slot());
    case 'lt':
      return eb(column, '<', slot());
    case 'lte':
      return eb(column, '<=', slot());
  }
}

function collectSlots(compiled: CompiledQuery, expected: number): number[] {
  const map = compiled.parameters.map((p) => {
    if (!(p instanceof Slot)) throw new Error(`Trove compiled a literal parameter into ${compiled.sql}`);
    return p.index;
  });
  if (new Set(map).size !== expected) throw new Error(`Trove bound ${expected} values but compiled ${map.length}: ${compiled.sql}`);
  return map;
}

// ---- SELECT -------------------------------------------------------------------------------

function selectKey(spec: SelectSpec, b: Binding): void {
  b.key = `${spec.meta.label}|${spec.mode}|`;
  bindWhere(spec.where, b);
  b.key += '|o:';
  for (const term of spec.order) b.key += `${pathKey(term.path)}.${term.field.column}${term.descending ? '-' : '+'},`;
  // LIMIT is written into the SQL: SQLite plans a bound LIMIT far worse (3x slower lookups by key).
  if (spec.limit !== undefined) b.key += `|l${spec.limit}`;
  if (spec.offset !== undefined) {
    b.key += '|s';
    b.params.push(spec.offset);
  }
  if (spec.related.length > 0) b.key += `|r:${spec.related.map(pathKey).join(',')}`;
  if (spec.values !== undefined) b.key += `|v:${spec.values.map((v) => v.name).join(',')}`;
}

/** The SQL and parameters of a select, compiled at most once per shape and database. */
export function prepareSelect(db: Database, spec: SelectSpec): PreparedSelect {
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
function compiledQuery(cached: { sql: string; paramMap: readonly number[] }, values: readonly unknown[]): CompiledQuery {
  const { paramMap } = cached;
  const parameters = new Array<unknown>(paramMap.length);
  for (let i = 0; i < paramMap.length; i++) parameters[i] = values[paramMap[i]!];
  return { sql: cached.sql, parameters, query: RAW_QUERY, queryId: QUERY_ID };
}

function compileSelect(kysely: Kysely<any>, dialect: DialectName, spec: SelectSpec, paramCount: number): CachedSelect {
  const live = dialect === 'sqlite' && spec.mode === 'count' && spec.limit === undefined && spec.offset === undefined ? withoutLiveFilter(spec.where) : undefined;
  if (live !== undefined) return compileLiveCount(kysely, spec, live.rest, paramCount);
  const ctx: CompileContext = { dialect, slots: 0, aliases: 0, materialiseSubqueries: false };
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
    query = query.select(meta.concreteFields.map((f) => `t0.${f.column}` as any));
    for (const path of spec.related) {
      const alias = join(path);
      relatedAliases.set(pathKey(path), alias);
      const target = path[path.length - 1]!.target;
      query = query.select(target.concreteFields.map((f) => `${alias}.${f.column} as ${alias}__${f.column}` as any));
    }
  }
  // Slots are numbered in binding order: where first, then offset.
  if (spec.where !== undefined) {
    const where = spec.where;
    query = query.where((eb) => compileWhere(eb, where, 't0', ctx, false, 0));
  }
  if (spec.mode === 'rows') {
    for (const term of spec.order) {
      const alias = join(term.path);
      query = query.orderBy(`${alias}.${term.field.column}` as any, term.descending ? 'desc' : 'asc');
    }
  }
  if (spec.limit !== undefined) query = query.limit(sql.lit(spec.limit) as any);
  if (spec.offset !== undefined) {
    // SQLite and MySQL take OFFSET only after a LIMIT.
    if (spec.limit === undefined && dialect !== 'postgres') {
      query = query.limit(sql.raw(dialect === 'sqlite' ? '-1' : '18446744073709551615') as any);
    }
    query = query.offset(new Slot(ctx.slots++) as any);
  }
  let compiled = query.compile();
  if (spec.mode === 'count' && (spec.limit !== undefined || spec.offset !== undefined)) {
    // count(*) ignores LIMIT; count the sliced rows instead.
    const inner = compiled.sql.replace(/^select count\(\*\) as [`"]count[`"]/, 'select 1 as one');
    compiled = { ...compiled, sql: `select count(*) as ${dialect === 'mysql' ? '`count`' : '"count"'} from (${inner}) as sliced` };
  }
  return { sql: compiled.sql, paramMap: collectSlots(compiled, paramCount), relatedAliases };
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

/**
 * A condition on `alias` compiled with its values, for statements built once (the deletion
 * engine's), where caching by shape would buy nothing.
 */
export function conditionExpression(eb: Builder, where: WhereNode, alias: string, dialect: DialectName): Expression<SqlBool> {
  const binding: Binding = { key: '', params: [], dialect };
  bindWhere(where, binding);
  // Such statements may write the table a subquery reads: MySQL needs those materialised.
  const ctx: CompileContext = { dialect, values: binding.params, slots: 0, aliases: 0, materialiseSubqueries: dialect === 'mysql' };
  return compileWhere(eb, where, alias, ctx, false, 0);
}

// ---- UPDATE and DELETE --------------------------------------------------------------------

export interface Assignment {
  readonly field: Field;
  readonly value: unknown;
}

/** `UPDATE table SET … WHERE …`; assignments are few and varied, so these are not cached. */
export function prepareUpdate(db: Database, meta: ModelMeta, assignments: readonly Assignment[], where: WhereNode | undefined): CompiledQuery {
  const binding: Binding = { key: '', params: [], dialect: db.dialect };
  for (const a of assignments) binding.params.push(a.field.toDb(a.value, db.dialect));
  bindWhere(where, binding);
  const ctx: CompileContext = { dialect: db.dialect, slots: 0, aliases: 0, materialiseSubqueries: db.dialect === 'mysql' };
  const set: Record<string, Slot> = {};
  for (const a of assignments) set[a.field.column!] = new Slot(ctx.slots++);
  let query = db.kysely.updateTable(meta.table).set(set as any);
  if (where !== undefined) query = query.where((eb) => compileWhere(eb, where, meta.table, ctx, false, 0));
  const compiled = query.compile();
  const map = collectSlots(compiled, binding.params.length);
  return CompiledQuery.raw(compiled.sql, map.map((i) => binding.params[i]));
}

/** `DELETE FROM table WHERE …`, cached per shape. */
export function prepareDelete(db: Database, meta: ModelMeta, where: WhereNode | undefined): CompiledQuery {
  const binding: Binding = { key: `${meta.label}|delete|`, params: [], dialect: db.dialect };
  bindWhere(where, binding);
  let cached = db.queryCache.get(binding.key) as CachedSelect | undefined;
  if (cached === undefined) {
    const ctx: CompileContext = { dialect: db.dialect, slots: 0, aliases: 0, materialiseSubqueries: db.dialect === 'mysql' };
    let query = db.kysely.deleteFrom(meta.table);
    if (where !== undefined) query = query.where((eb) => compileWhere(eb, where, meta.table, ctx, false, 0));
    const compiled = query.compile();
    cached = { sql: compiled.sql, paramMap: collectSlots(compiled, binding.params.length), relatedAliases: new Map() };
    db.queryCache.set(binding.key, cached);
  }
  return compiledQuery(cached, binding.params);
}
