/**
 * Conditions (the resolved WhereNode tree) and expressions into SQL: one visit per node kind
 * writes its SQL and its values, in order, into a writer (writer.ts). Whatever a database spells
 * its own way comes from its dialect object.
 */
import type { DialectName, SqlDialect, TextLookup } from '../../db/index.ts';
import { QueryUsageError } from '../errors.ts';
import type { Field } from '../fields/field.ts';
import { DateTimeField, IntegerField } from '../fields/scalar.ts';
import { ARITHMETIC_OPERATORS, type ResolvedExpression } from '../expressions.ts';
import { writeAnnotation, isComputed, type Annotation } from './aggregation.ts';
import { withinIntegerRange } from './integer-overflow.ts';
import { SOFT_DELETED_AT, type WhereNode } from './where.ts';
import type { SqlWriter } from './writer.ts';

/** What a visit needs besides the node: where it writes, and what the query around it is. */
export interface WriteContext {
  readonly w: SqlWriter;
  readonly dialect: SqlDialect;
  /** Inside Exists() or Subquery(): the alias of the query around it, which OuterRef() reads. */
  outer?: string;
  /**
   * The row a query's condition is about, which F() reads from inside the subqueries that cross
   * relations (`filter({ author__age: F('id') })`: the post's id, inside the author's subquery).
   */
  root?: string;
  /** Aliases made so far: each subquery and join takes the next. */
  aliases: number;
  /** MySQL cannot read the table it updates or deletes from in a subquery unless it is materialised. */
  materialiseSubqueries: boolean;
}

export function writeContext(w: SqlWriter, materialiseSubqueries = false): WriteContext {
  return { w, dialect: w.dialect, aliases: 0, materialiseSubqueries };
}

/** `alias AS name`-free reference to a column of `alias`, or the bare column where there is no alias (UPDATE … SET). */
function writeColumn(ctx: WriteContext, alias: string | undefined, column: string): void {
  if (alias === undefined) ctx.w.name(column);
  else ctx.w.column(alias, column);
}

const COMPARISONS = { exact: ' = ', gt: ' > ', gte: ' >= ', lt: ' < ', lte: ' <= ' } as const;

/** Writes `items` separated by `separator`. */
export function writeList<T>(ctx: WriteContext, items: readonly T[], separator: string, write: (item: T, index: number) => void): void {
  items.forEach((item, i) => {
    if (i > 0) ctx.w.text(separator);
    write(item, i);
  });
}

/**
 * A query's condition on the row `alias`. `negated`: under an odd number of NOTs, where a
 * comparison with NULL must keep its row (see `guardNull`); `depth`: how deep in subqueries it
 * sits; `root`: the row its F()s across relations read (an aggregate's filter, written on a row
 * along its joins, reads the annotated row).
 */
export function writeWhere(node: WhereNode, alias: string, ctx: WriteContext, negated: boolean, depth: number, root = alias): void {
  const previous = ctx.root;
  ctx.root = root;
  try {
    writeCondition(node, alias, ctx, negated, depth);
  } finally {
    ctx.root = previous;
  }
}

/** A condition on the row `alias`, within a query whose condition started at `ctx.root`. */
function writeCondition(node: WhereNode, alias: string, ctx: WriteContext, negated: boolean, depth: number): void {
  const { w } = ctx;
  switch (node.kind) {
    case 'and':
    case 'or':
      if (node.children.length === 0) return w.text(node.kind === 'and' ? '1 = 1' : '1 = 0');
      if (node.children.length === 1) return writeCondition(node.children[0]!, alias, ctx, negated, depth);
      w.text('(');
      writeList(ctx, node.children, ` ${node.kind} `, (child) => writeCondition(child, alias, ctx, negated, depth));
      return w.text(')');
    case 'not':
      w.text('not (');
      writeCondition(node.child, alias, ctx, !negated, depth);
      return w.text(')');
    case 'nothing':
      return w.text('1 = 0');
    case 'isnull': {
      // Most rows of a soft-delete table are live. Told so, SQLite's planner scans the table for
      // a search instead of visiting every live row through the deleted_at index (3x slower),
      // and finds the trashed rows through that index instead of scanning.
      const hint = ctx.dialect.hintsLiveRows && node.column === SOFT_DELETED_AT;
      if (hint) w.text(node.isNull ? 'likely(' : 'unlikely(');
      w.column(alias, node.column);
      w.text(node.isNull ? ' is null' : ' is not null');
      if (hint) w.text(')');
      return;
    }
    case 'subquery':
      return writeSubqueryCondition(node, alias, ctx, negated, depth);
    case 'compare': {
      const fitted = withinIntegerRange(node, ctx.dialect.name);
      if (fitted !== node) return writeCondition(fitted, alias, ctx, negated, depth);
      return guardNull(ctx, alias, node.field.nullable && negated ? [node.column] : [], () => writeCompare(node, alias, ctx));
    }
    case 'datePart':
      return guardNull(ctx, alias, node.field.nullable && negated ? [node.column] : [], () => writeDatePart(node, alias, ctx));
    case 'annotation':
      writeAnnotation(node.annotation, alias, ctx, depth + 1);
      w.text(COMPARISONS[node.lookup]);
      return w.param(annotationParam(node.annotation, node.value, ctx.dialect.name));
    case 'exists': {
      const inner = `s${++ctx.aliases}`;
      w.text('exists (select 1 from ');
      writeTable(ctx, node.table, inner);
      writeInnerWhere(node.where, inner, alias, ctx, depth);
      return w.text(')');
    }
    case 'compareExpression':
      return writeCompareExpression(node, alias, ctx, negated);
    case 'root':
      if (ctx.root === undefined) throw new QueryUsageError('A condition on the filtered row belongs in a condition.');
      return writeCondition(node.where, ctx.root, ctx, negated, depth);
  }
}

/** `table AS alias`. */
export function writeTable(ctx: WriteContext, table: string, alias: string): void {
  ctx.w.name(table);
  ctx.w.text(' as ');
  ctx.w.name(alias);
}

/** ` where …` of a subquery over `inner`, whose OuterRef()s read `outer`. */
function writeInnerWhere(where: WhereNode | undefined, inner: string, outer: string, ctx: WriteContext, depth: number): void {
  if (where === undefined) return;
  const previous = ctx.outer;
  ctx.outer = outer;
  try {
    ctx.w.text(' where ');
    writeWhere(where, inner, ctx, false, depth + 1);
  } finally {
    ctx.outer = previous;
  }
}

/**
 * Under NOT, `col = x` is unknown for NULL rows and NOT keeps it unknown, so the row would vanish.
 * Django's `exclude()` keeps such rows; so does Trove, by testing NOT (cond AND col IS NOT NULL)
 * for each of `columns` (and each of `values`, expressions that may be NULL).
 */
function guardNull(ctx: WriteContext, alias: string, columns: readonly string[], test: () => void, values: readonly ResolvedExpression[] = []): void {
  if (columns.length === 0 && values.length === 0) return test();
  const { w } = ctx;
  w.text('(');
  test();
  for (const column of columns) {
    w.text(' and ');
    w.column(alias, column);
    w.text(' is not null');
  }
  for (const value of values) {
    w.text(' and ');
    // Value(null) is never not null; PostgreSQL could not type a bare `? is not null` anyway.
    if (value.kind === 'value' && value.value === null) {
      w.text('1 = 0');
      continue;
    }
    writeExpression(value, alias, ctx);
    w.text(' is not null');
  }
  w.text(')');
}

function writeSubqueryCondition(node: Extract<WhereNode, { kind: 'subquery' }>, alias: string, ctx: WriteContext, negated: boolean, depth: number): void {
  const { w } = ctx;
  const alternatives = node.absent === undefined ? 0 : (node.absent.nullKey ? 1 : 0) + (node.absent.missing !== undefined ? 1 : 0);
  if (alternatives > 0) w.text('(');
  guardNull(ctx, alias, node.nullable && negated ? [node.column] : [], () => {
    w.column(alias, node.column);
    w.text(' in ');
    writeSubquery(node.table, node.selectColumn, node.where, ctx, depth);
  });
  if (node.absent?.nullKey) {
    w.text(' or ');
    w.column(alias, node.column);
    w.text(' is null');
  }
  const missing = node.absent?.missing;
  if (missing !== undefined) {
    w.text(' or ');
    w.column(alias, node.column);
    w.text(' not in ');
    writeSubquery(missing.table, missing.selectColumn, missing.where, ctx, depth);
  }
  if (alternatives > 0) w.text(')');
}

/** `(SELECT selectColumn FROM table WHERE …)`, as a derived table where MySQL needs one. */
function writeSubquery(table: string, selectColumn: string, where: WhereNode | undefined, ctx: WriteContext, depth: number): void {
  const { w } = ctx;
  const sub = `t${++ctx.aliases}`;
  const materialise = ctx.materialiseSubqueries && depth === 0;
  if (materialise) {
    w.text('(select ');
    w.column('materialised', selectColumn);
    w.text(' from ');
  }
  w.text('(select ');
  w.column(sub, selectColumn);
  w.text(' from ');
  writeTable(ctx, table, sub);
  if (where !== undefined) {
    w.text(' where ');
    writeCondition(where, sub, ctx, false, depth + 1);
  }
  w.text(')');
  if (materialise) {
    w.text(' as ');
    w.name('materialised');
    w.text(')');
  }
}

/** Lists longer than this go as one parameter, where the dialect takes one (SqlDialect.listParameter). */
export const LONG_LIST = 1000;

/** Values a JSON array or an array literal carries exactly: text and whole numbers. */
function bindsExactly(value: unknown): value is string | number {
  return typeof value === 'string' || (typeof value === 'number' && Number.isSafeInteger(value));
}

/** `column IN (?, ?, …)`, or for a long list `column IN (one parameter)`, so it never meets a cap on parameters. */
function writeIn(ctx: WriteContext, alias: string, column: string, values: unknown[]): void {
  const { w } = ctx;
  const single = ctx.dialect.listParameter;
  w.column(alias, column);
  if (single !== undefined && values.length > LONG_LIST && values.every(bindsExactly)) {
    w.text(single.between);
    w.param(single.bind(values));
    return w.text(single.after);
  }
  w.text(' in (');
  writeList(ctx, values, ', ', (item) => w.param(item));
  w.text(')');
}

/** A column LIKE takes as it is: a number, a date or a key (`author__startswith`) may need a cast first. */
function isTextColumn(field: Field): boolean {
  return field.columnType === 'varchar' || field.columnType === 'text';
}

/** A text value with a NUL character, which PostgreSQL can neither store nor bind. */
function holdsNul(value: unknown): boolean {
  return typeof value === 'string' && value.includes('\u0000');
}

function writeCompare(node: Extract<WhereNode, { kind: 'compare' }>, alias: string, ctx: WriteContext): void {
  const { w, dialect } = ctx;
  const { field, lookup, value } = node;
  if (dialect.refusesNulInText && lookup !== 'range' && (Array.isArray(value) ? value.some(holdsNul) : holdsNul(value))) {
    // No stored row holds a NUL there: such a value matches nothing (`username = 'a\0'` from a
    // login form was a 500). In a list, the other values still count.
    const rest = Array.isArray(value) ? value.filter((item) => !holdsNul(item)) : [];
    if (rest.length === 0) return w.text('1 = 0');
    return writeIn(ctx, alias, node.column, rest.map((item) => field.toDb(item, dialect.name)));
  }
  switch (lookup) {
    case 'iexact':
    case 'contains':
    case 'startswith':
    case 'endswith':
    case 'icontains':
    case 'istartswith':
    case 'iendswith': {
      const around = dialect.textMatch(lookup satisfies TextLookup);
      w.text(around.before);
      w.column(alias, node.column);
      if (dialect.textCast !== undefined && !isTextColumn(field)) w.text(dialect.textCast);
      w.text(around.between);
      w.param(dialect.textPattern(lookup, value as string));
      return w.text(around.after);
    }
    case 'in':
      return writeIn(ctx, alias, node.column, (value as unknown[]).map((item) => field.toDb(item, dialect.name)));
    case 'range': {
      const [low, high] = value as [unknown, unknown];
      w.column(alias, node.column);
      w.text(' between ');
      w.param(field.toDb(low, dialect.name));
      w.text(' and ');
      return w.param(field.toDb(high, dialect.name));
    }
    case 'exact':
    case 'gt':
    case 'gte':
    case 'lt':
    case 'lte':
      w.column(alias, node.column);
      w.text(COMPARISONS[lookup]);
      return w.param(field.toDb(value, dialect.name));
  }
}

/** The month or day of a date column, as a number, in UTC as it is stored. */
function writeDatePart(node: Extract<WhereNode, { kind: 'datePart' }>, alias: string, ctx: WriteContext): void {
  const { w } = ctx;
  const [before, after] = ctx.dialect.datePart(node.part, node.field instanceof DateTimeField);
  w.text(before);
  w.column(alias, node.column);
  w.text(after);
  switch (node.lookup) {
    case 'in':
      w.text(' in (');
      writeList(ctx, node.value as number[], ', ', (item) => w.param(item));
      return w.text(')');
    case 'range': {
      const [low, high] = node.value as number[];
      w.text(' between ');
      w.param(low);
      w.text(' and ');
      return w.param(high);
    }
    default:
      w.text(COMPARISONS[node.lookup]);
      return w.param(node.value);
  }
}

function writeCompareExpression(node: Extract<WhereNode, { kind: 'compareExpression' }>, alias: string, ctx: WriteContext, negated: boolean): void {
  if (!negated) return writeExpressionComparison(node, alias, ctx);
  // Under NOT, a NULL on either side must keep the row, so that exclude() is the exact negation
  // of filter(): the row's nullable columns it reads, and every value of another row (NULL where
  // the key is, or the value). Django guards a bare nullable field only (see docs/queries.md).
  const columns = [{ column: node.column, field: node.field }, ...ownColumns(node.expression)].filter((c) => c.field.nullable).map((c) => c.column);
  guardNull(ctx, alias, [...new Set(columns)], () => writeExpressionComparison(node, alias, ctx), relatedValues(node.expression));
}

function writeExpressionComparison(node: Extract<WhereNode, { kind: 'compareExpression' }>, alias: string, ctx: WriteContext): void {
  ctx.w.column(alias, node.column);
  ctx.w.text(COMPARISONS[node.lookup]);
  writeExpression(node.expression, alias, ctx);
}

/** The row's own columns an expression reads. */
function ownColumns(expression: ResolvedExpression): Array<{ column: string; field: Field }> {
  if (expression.kind === 'column') return [{ column: expression.column, field: expression.field }];
  if (expression.kind !== 'operation') return [];
  return [...ownColumns(expression.left), ...ownColumns(expression.right)];
}

/** The values of other rows an expression reads (across keys, `F('author__age')`, or the filtered row's from across a relation), and `Value(null)`. */
function relatedValues(expression: ResolvedExpression): ResolvedExpression[] {
  if (expression.kind === 'related' || expression.kind === 'root' || (expression.kind === 'value' && expression.value === null)) return [expression];
  if (expression.kind !== 'operation') return [];
  return [...relatedValues(expression.left), ...relatedValues(expression.right)];
}

/** An expression: columns of `alias` (bare where there is none), constants as parameters. */
export function writeExpression(expression: ResolvedExpression, alias: string | undefined, ctx: WriteContext): void {
  const { w } = ctx;
  switch (expression.kind) {
    case 'column':
      return writeColumn(ctx, alias, expression.column);
    case 'value':
      return w.param(ctx.dialect.arithmeticValue(expression.value));
    case 'related':
      return writeRelated(expression, alias, ctx);
    case 'exists': {
      const inner = `s${++ctx.aliases}`;
      // A number on every database (MySQL and SQLite have no boolean type): 1 or 0.
      w.text('(case when exists (select 1 from ');
      writeTable(ctx, expression.table, inner);
      writeInnerWhere(expression.where as WhereNode | undefined, inner, alias!, ctx, 0);
      return w.text(') then 1 else 0 end)');
    }
    case 'outer':
      if (ctx.outer === undefined || expression.column === undefined) throw new QueryUsageError(`OuterRef('${expression.name}') belongs inside Exists() or Subquery().`);
      return w.column(ctx.outer, expression.column);
    case 'root':
      if (ctx.root === undefined) throw new QueryUsageError('F() across a relation belongs in a condition.');
      return writeExpression(expression.expression, ctx.root, ctx);
    case 'subquery': {
      const inner = `s${++ctx.aliases}`;
      w.text('(select ');
      w.column(inner, expression.column);
      w.text(' from ');
      writeTable(ctx, expression.meta.table, inner);
      writeInnerWhere(expression.where as WhereNode | undefined, inner, alias!, ctx, 0);
      if (expression.order.length > 0) {
        w.text(' order by ');
        writeList(ctx, expression.order, ', ', (o) => {
          w.column(inner, o.column);
          w.text(o.descending ? ' desc' : ' asc');
        });
      }
      return w.text(' limit 1)');
    }
    case 'operation':
      w.text('(');
      writeExpression(expression.left, alias, ctx);
      // Checked again here: the operator is written into SQL, and an expression can be changed after it is made.
      if (!ARITHMETIC_OPERATORS.has(expression.operator)) throw new QueryUsageError(`Unknown operator ${JSON.stringify(expression.operator)}.`);
      w.text(expression.operator === '/' && isWhole(expression) ? ` ${ctx.dialect.wholeDivision} ` : ` ${expression.operator} `);
      writeExpression(expression.right, alias, ctx);
      return w.text(')');
  }
}

/**
 * Whether an expression's value is a whole number: whole columns and numbers, combined by
 * `+ - * /`. Dividing two whole numbers gives a whole number (truncated), as in Python's
 * Django and on SQLite and PostgreSQL; MySQL's `/` would give a decimal.
 */
function isWhole(expression: ResolvedExpression): boolean {
  switch (expression.kind) {
    case 'column':
    case 'related':
      return expression.field instanceof IntegerField;
    case 'value':
      return Number.isSafeInteger(expression.value);
    case 'root':
      return isWhole(expression.expression);
    case 'operation':
      return isWhole(expression.left) && isWhole(expression.right);
    default:
      return false;
  }
}

/** `F('author__age')`: `(select r2.age from author r2 where r2.id = (select … ) …)`, one lookup by key per hop. */
function writeRelated(expression: Extract<ResolvedExpression, { kind: 'related' }>, alias: string | undefined, ctx: WriteContext): void {
  const { w } = ctx;
  const { hops } = expression;
  const aliases = hops.map(() => `r${++ctx.aliases}`);
  // The last hop is outermost: it reads the field, from the row the hops before it reached.
  for (let i = hops.length - 1; i >= 0; i--) {
    const at = aliases[i]!;
    w.text('(select ');
    w.column(at, i === hops.length - 1 ? expression.field.column! : hops[i + 1]!.key);
    w.text(' from ');
    writeTable(ctx, hops[i]!.table, at);
    w.text(' where ');
    w.column(at, hops[i]!.pk);
    w.text(' = ');
  }
  writeColumn(ctx, alias, hops[0]!.key);
  hops.forEach((hop, i) => {
    if (hop.softDelete) {
      w.text(' and ');
      w.column(aliases[i]!, SOFT_DELETED_AT);
      w.text(' is null');
    }
    w.text(')');
  });
}

/** The parameter a condition on an annotation compares with. */
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
