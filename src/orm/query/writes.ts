/**
 * UPDATE and DELETE statements of a queryset's rows: `qs.update({...})`, the plain DELETE that
 * many-to-many managers use, and the conditions of the statements the deletion engine builds.
 */
import type { CompiledQuery, Expression as KyselyExpression, SqlBool } from 'kysely';
import type { Database, DialectName } from '../../db/index.ts';
import { dialectOf } from '../../db/index.ts';
import type { Field } from '../fields/field.ts';
import type { ModelMeta } from '../meta.ts';
import { expressionColumns, type ResolvedExpression } from '../expressions.ts';
import { QueryUsageError } from '../errors.ts';
import { writeContext, writeExpression, writeList, writeTable, writeWhere, type WriteContext } from './conditions.ts';
import { readsFilteredRow } from './reads.ts';
import { TextWriter } from './writer.ts';
import { prepareStatement, writeStatement } from './statement.ts';
import type { WhereNode } from './where.ts';

export interface Assignment {
  readonly field: Field;
  /** A cleaned value, or an expression over the row (`F('views').add(1)`). */
  readonly value: unknown;
  readonly expression?: ResolvedExpression;
}

/** `UPDATE table SET … WHERE …`; assignments are few and varied, so these are not cached. */
export function prepareUpdate(db: Database, meta: ModelMeta, given: readonly Assignment[], where: WhereNode | undefined): CompiledQuery {
  for (const a of given) {
    if (a.expression !== undefined && readsTable(a.expression, meta.table)) {
      throw new QueryUsageError(`update(): ${a.field.name} reads ${meta.table} across a key, the table being updated; SQLite and MySQL would read rows the update has already changed. Read the values first, or update in steps.`);
    }
  }
  const assignments = db.sqlDialect.assignsInOrder ? readersFirst(given) : given;
  return writeStatement(db, (ctx) => {
    const { w } = ctx;
    w.text('update ');
    w.name(meta.table);
    w.text(' set ');
    // The columns set are named alone (MySQL's SET takes no table name); what expressions read is
    // named with its table, so that a subquery across a key (`F('parent__score')`) cannot
    // mistake its own table's column for the updated row's.
    writeList(ctx, assignments, ', ', (a) => {
      w.name(a.field.column!);
      w.text(' = ');
      if (a.expression === undefined) w.param(a.field.toDb(a.value, ctx.dialect.name));
      else writeExpression(a.expression, meta.table, ctx);
    });
    if (where !== undefined) {
      w.text(' where ');
      writeConditionOfWrite(where, meta, meta.table, ctx);
    }
  }, { materialiseSubqueries: true });
}

/** Whether an expression reads `table` across a key (`F('parent__score')` on a tree). */
function readsTable(expression: ResolvedExpression, table: string): boolean {
  if (expression.kind === 'related') return expression.hops.some((hop) => hop.table === table);
  if (expression.kind === 'operation') return readsTable(expression.left, table) || readsTable(expression.right, table);
  return false;
}

/**
 * MySQL runs the assignments of an UPDATE in order, each seeing the ones before it, where the
 * standard (and PostgreSQL and SQLite) has every expression read the row as it was. Assignments
 * whose expressions read a column that another one writes go first; when they read each other's
 * columns no order works, and the update is refused.
 */
function readersFirst(assignments: readonly Assignment[]): Assignment[] {
  const reads = (a: Assignment) => new Set(a.expression === undefined ? [] : expressionColumns(a.expression).map((c) => c.column));
  const pending = [...assignments];
  const ordered: Assignment[] = [];
  while (pending.length > 0) {
    // The next may run once no assignment still pending reads the column it writes.
    const index = pending.findIndex((a) => !pending.some((other) => other !== a && reads(other).has(a.field.column!)));
    if (index < 0) {
      throw new QueryUsageError(`On MySQL these assignments read each other's columns (${pending.map((a) => a.field.name).join(', ')}), and MySQL would see some already changed: split the update in two.`);
    }
    ordered.push(pending.splice(index, 1)[0]!);
  }
  return ordered;
}

/** `DELETE FROM table WHERE …`, cached per shape. */
export function prepareDelete(db: Database, meta: ModelMeta, where: WhereNode | undefined): CompiledQuery {
  return prepareStatement(db, (ctx) => {
    const { w } = ctx;
    w.text('delete from ');
    w.name(meta.table);
    if (where !== undefined) {
      w.text(' where ');
      writeConditionOfWrite(where, meta, meta.table, ctx);
    }
  }, { materialiseSubqueries: true }).query;
}

/**
 * The condition of a statement that writes rows of `meta` (`alias`). MySQL reads the table it
 * writes in a subquery only from a materialised derived table, which cannot see the statement's
 * row: a condition whose subqueries compare with that row (F() across a relation) becomes the
 * set of keys it selects, materialised as a whole.
 */
export function writeConditionOfWrite(where: WhereNode, meta: ModelMeta, alias: string, ctx: WriteContext): void {
  if (!ctx.materialiseSubqueries || !readsFilteredRow(where)) return writeWhere(where, alias, ctx, false, 0);
  const { w } = ctx;
  const pk = meta.pk.column!;
  const rows = `k${++ctx.aliases}`;
  w.column(alias, pk);
  w.text(' in (select ');
  w.column('materialised', pk);
  w.text(' from (select ');
  w.column(rows, pk);
  w.text(' from ');
  writeTable(ctx, meta.table, rows);
  w.text(' where ');
  // Inside the derived table the subqueries read other tables' rows, not the written ones.
  ctx.materialiseSubqueries = false;
  try {
    writeWhere(where, rows, ctx, false, 0);
  } finally {
    ctx.materialiseSubqueries = true;
  }
  w.text(') as ');
  w.name('materialised');
  w.text(')');
}

/**
 * A condition on `alias` with its values, as a Kysely expression, for statements the deletion
 * engine builds once (caching them by shape would buy nothing). Such statements may write the
 * table a subquery reads: MySQL needs those materialised.
 */
export function conditionExpression(where: WhereNode, meta: ModelMeta, alias: string, dialect: DialectName): KyselyExpression<SqlBool> {
  const sqlDialect = dialectOf(dialect);
  const w = new TextWriter(sqlDialect);
  writeConditionOfWrite(where, meta, alias, writeContext(w, sqlDialect.materialisesSubqueriesOfWrites));
  return w.toRaw<SqlBool>();
}
