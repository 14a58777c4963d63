/**
 * Conditions (the resolved WhereNode tree) into SQL: their shape key and bound values
 * (`bindWhere`), and their Kysely expression (`compileWhere`), with values as `Slot`
 * placeholders when a statement's SQL is compiled once per shape and kept.
 */
import { expressionBuilder, sql, type CompiledQuery, type Expression, type ExpressionBuilder, type SqlBool } from 'kysely';
import type { DialectName } from '../../db/index.ts';
import { QueryUsageError } from '../errors.ts';
import type { Field } from '../fields/field.ts';
import { DateTimeField } from '../fields/scalar.ts';
import type { DatePart } from './dates.ts';
import { expressionColumns, type ResolvedExpression } from '../expressions.ts';
import { annotationExpression, isComputed, type Annotation } from './aggregation.ts';
import { SOFT_DELETED_AT, type WhereNode } from './where.ts';

/** A placeholder for the value at `index` of the bound parameters. */
export class Slot {
  constructor(readonly index: number) {}
}

// ---- binding: the shape key and the parameter values ------------------------------------

export interface Binding {
  key: string;
  readonly params: unknown[];
  readonly dialect: DialectName;
}

export function bindWhere(node: WhereNode | undefined, b: Binding): void {
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
    case 'annotation':
      bindAnnotation(node.annotation, b);
      b.key += ` ${node.lookup};`;
      b.params.push(annotationParam(node.annotation, node.value, b.dialect));
      return;
    case 'exists':
      b.key += `exists(${node.table} `;
      bindWhere(node.where, b);
      b.key += ')';
      return;
    case 'compareExpression':
      b.key += `${node.column} ${node.lookup} `;
      bindExpression(node.expression, b);
      b.key += ';';
      return;
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

/** An annotation's shape into the key, and the values of its filter into the parameters. */
export function bindAnnotation(annotation: Annotation, b: Binding): void {
  if (isComputed(annotation)) {
    b.key += `annx(${annotation.name}=`;
    bindExpression(annotation.computed, b);
    b.key += ')';
    return;
  }
  const { fn, source, options } = annotation.aggregate;
  b.key += `ann(${annotation.name}=${fn}(${options.distinct ? 'distinct ' : ''}${source})`;
  if (annotation.filter !== undefined) {
    b.key += ` filter@${annotation.filterAt} `;
    bindWhere(annotation.filter, b);
  }
  b.key += ')';
}

export function annotationParam(annotation: Annotation, value: unknown, dialect: DialectName): unknown {
  if (isComputed(annotation)) {
    const computed = annotation.computed;
    if (computed.kind === 'column' || computed.kind === 'related') return computed.field.toDb(computed.field.clean(value), dialect);
    return typeof value === 'boolean' ? (value ? 1 : 0) : value;
  }
  const { fn } = annotation.aggregate;
  const field = annotation.field;
  if ((fn === 'min' || fn === 'max') && field !== undefined) return field.toDb(field.clean(value), dialect);
  return Number(value);
}

/** Runs `compile` with `alias` as the outer query's alias, then puts the previous one back. */
function withOuter<T>(ctx: CompileContext, alias: string, compile: () => T): T {
  const previous = ctx.outer;
  ctx.outer = alias;
  try {
    return compile();
  } finally {
    ctx.outer = previous;
  }
}

/** A condition compiled outside a query builder's callback (for a scalar subquery's WHERE). */
function compileWhereStandalone(where: WhereNode, alias: string, ctx: CompileContext): Expression<SqlBool> {
  return compileWhere(expressionBuilder(), where, alias, ctx, false, 1);
}

/** An expression's shape into the key, its constants into the parameters. */
export function bindExpression(expression: ResolvedExpression, b: Binding): void {
  switch (expression.kind) {
    case 'column':
      b.key += `col(${expression.column})`;
      return;
    case 'value':
      b.key += '?';
      b.params.push(expression.value);
      return;
    case 'outer':
      b.key += `outer(${expression.column})`;
      return;
    case 'exists':
      b.key += `exists(${expression.table} `;
      bindWhere(expression.where as WhereNode | undefined, b);
      b.key += ')';
      return;
    case 'related':
      b.key += `rel(${expression.hops.map((h) => `${h.key}>${h.table}`).join('/')}.${expression.field.column})`;
      return;
    case 'subquery':
      b.key += `sub(${expression.meta.table}.${expression.column} `;
      bindWhere(expression.where as WhereNode | undefined, b);
      b.key += ` o:${expression.order.map((o) => `${o.column}${o.descending ? '-' : '+'}`).join(',')})`;
      return;
    case 'operation':
      b.key += '(';
      bindExpression(expression.left, b);
      b.key += expression.operator;
      bindExpression(expression.right, b);
      b.key += ')';
      return;
  }
}

/** An expression in SQL: columns of `alias`, constants as parameters. */
export function compileExpression(expression: ResolvedExpression, alias: string | undefined, ctx: CompileContext): Expression<unknown> {
  switch (expression.kind) {
    case 'column':
      return sql.ref(alias === undefined ? expression.column : `${alias}.${expression.column}`);
    case 'value':
      return sql`${ctx.values === undefined ? new Slot(ctx.slots++) : ctx.values[ctx.slots++]}`;
    case 'related': {
      // (select a2.age from author a2 where a2.id = (select … ) …): one lookup by key per hop.
      let from: Expression<unknown> = sql.ref(alias === undefined ? expression.hops[0]!.key : `${alias}.${expression.hops[0]!.key}`);
      expression.hops.forEach((hop, i) => {
        const at = `r${++ctx.aliases}`;
        const column = i === expression.hops.length - 1 ? expression.field.column! : expression.hops[i + 1]!.key;
        const live = hop.softDelete ? sql` and ${sql.ref(`${at}.deleted_at`)} is null` : sql``;
        from = sql`(select ${sql.ref(`${at}.${column}`)} from ${sql.table(hop.table)} as ${sql.raw(at)} where ${sql.ref(`${at}.${hop.pk}`)} = ${from}${live})`;
      });
      return from;
    }
    case 'exists': {
      const inner = `s${++ctx.aliases}`;
      const where = expression.where as WhereNode | undefined;
      const condition = where === undefined ? sql`` : sql` where ${withOuter(ctx, alias!, () => compileWhereStandalone(where, inner, ctx))}`;
      // A number on every database (MySQL and SQLite have no boolean type): 1 or 0.
      return sql`(case when exists (select 1 from ${sql.table(expression.table)} as ${sql.raw(inner)}${condition}) then 1 else 0 end)`;
    }
    case 'outer':
      if (ctx.outer === undefined) throw new QueryUsageError(`OuterRef('${expression.name}') belongs inside Exists() or Subquery().`);
      return sql.ref(`${ctx.outer}.${expression.column}`);
    case 'subquery': {
      const inner = `s${++ctx.aliases}`;
      const where = expression.where as WhereNode | undefined;
      const condition = where === undefined ? sql`` : sql` where ${withOuter(ctx, alias!, () => compileWhereStandalone(where, inner, ctx))}`;
      const order = expression.order.length === 0 ? sql`` : sql` order by ${sql.join(expression.order.map((o) => sql`${sql.ref(`${inner}.${o.column}`)} ${sql.raw(o.descending ? 'desc' : 'asc')}`))}`;
      return sql`(select ${sql.ref(`${inner}.${expression.column}`)} from ${sql.table(expression.meta.table)} as ${sql.raw(inner)}${condition}${order} limit 1)`;
    }
    case 'operation':
      return sql`(${compileExpression(expression.left, alias, ctx)} ${sql.raw(expression.operator)} ${compileExpression(expression.right, alias, ctx)})`;
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

export interface CompileContext {
  readonly dialect: DialectName;
  /** Inside Exists() or Subquery(): the alias of the query around it, which OuterRef() reads. */
  outer?: string;
  /** With values, conditions are compiled with them; without, with Slot placeholders. */
  readonly values?: readonly unknown[];
  slots: number;
  aliases: number;
  /** MySQL cannot read the table it updates or deletes from in a subquery unless it is materialised. */
  readonly materialiseSubqueries: boolean;
}

export type Builder = ExpressionBuilder<any, any>;

export function compileWhere(eb: Builder, node: WhereNode, alias: string, ctx: CompileContext, negated: boolean, depth: number): Expression<SqlBool> {
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
    case 'annotation': {
      const value = annotationExpression(eb, node.annotation, alias, ctx, (inner, condition, at) => compileWhere(inner, condition, at, ctx, false, depth + 1));
      return eb(value, COMPARISONS[node.lookup], ctx.values === undefined ? new Slot(ctx.slots++) : ctx.values[ctx.slots++]);
    }
    case 'exists': {
      const inner = `s${++ctx.aliases}`;
      const where = node.where;
      let query = eb.selectFrom(`${node.table} as ${inner}`).select(sql.lit(1).as('one'));
      if (where !== undefined) query = query.where((e: Builder) => withOuter(ctx, alias, () => compileWhere(e, where, inner, ctx, false, depth + 1)));
      return eb.exists(query);
    }
    case 'compareExpression': {
      const test = eb(eb.ref(`${alias}.${node.column}`), COMPARISONS[node.lookup], compileExpression(node.expression, alias, ctx));
      // Under NOT, a NULL on either side must keep the row, as for a plain comparison.
      const nullable = [{ column: node.column, field: node.field }, ...expressionColumns(node.expression)].filter((c) => c.field.nullable);
      if (!negated || nullable.length === 0) return test;
      return eb.and([test, ...nullable.map((c) => eb(eb.ref(`${alias}.${c.column}`), 'is not', null))]);
    }
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

/**
 * Where each placeholder of `compiled` takes its value from: an index into the `expected`
 * values bound for it. Every bound value must be used and no placeholder may point past them;
 * otherwise the binding walk and the compiling walk disagree, a bug in Trove, and running the
 * statement would send values to the wrong places.
 */
export function collectSlots(compiled: CompiledQuery, expected: number): number[] {
  const map = compiled.parameters.map((p) => {
    if (!(p instanceof Slot)) throw new Error(`Trove compiled a literal parameter into ${compiled.sql}`);
    return p.index;
  });
  if (new Set(map).size !== expected || map.some((index) => index >= expected)) {
    throw new Error(`Trove bound ${expected} values but compiled ${new Set(map).size}: ${compiled.sql}`);
  }
  return map;
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
