/**
 * UPDATE and DELETE statements of a queryset's rows: `qs.update({...})`, and the plain DELETE
 * that many-to-many managers use (the deletion engine builds its own). Values are bound as in
 * compiler.ts: a walk that binds them, and `Slot` placeholders where they go in the SQL.
 */
import { CompiledQuery } from 'kysely';
import type { Database } from '../../db/index.ts';
import type { Field } from '../fields/field.ts';
import type { ModelMeta } from '../meta.ts';
import { expressionColumns, type ResolvedExpression } from '../expressions.ts';
import { QueryUsageError } from '../errors.ts';
import { compiledQuery, type CachedSelect } from './compiler.ts';
import { bindExpression, bindWhere, collectSlots, compileExpression, compileWhere, Slot, type Binding, type CompileContext } from './conditions.ts';
import type { WhereNode } from './where.ts';

export interface Assignment {
  readonly field: Field;
  /** A cleaned value, or an expression over the row (`F('views').add(1)`). */
  readonly value: unknown;
  readonly expression?: ResolvedExpression;
}

/** `UPDATE table SET … WHERE …`; assignments are few and varied, so these are not cached. */
export function prepareUpdate(db: Database, meta: ModelMeta, given: readonly Assignment[], where: WhereNode | undefined): CompiledQuery {
  const assignments = db.dialect === 'mysql' ? readersFirst(given) : given;
  const binding: Binding = { key: '', params: [], dialect: db.dialect };
  for (const a of assignments) {
    if (a.expression === undefined) binding.params.push(a.field.toDb(a.value, db.dialect));
    else bindExpression(a.expression, binding);
  }
  bindWhere(where, binding);
  const ctx: CompileContext = { dialect: db.dialect, slots: 0, aliases: 0, materialiseSubqueries: db.dialect === 'mysql' };
  const set: Record<string, unknown> = {};
  // Columns unqualified: MySQL's UPDATE … SET names no table alias.
  for (const a of assignments) set[a.field.column!] = a.expression === undefined ? new Slot(ctx.slots++) : compileExpression(a.expression, undefined, ctx);
  let query = db.kysely.updateTable(meta.table).set(set as any);
  if (where !== undefined) query = query.where((eb) => compileWhere(eb, where, meta.table, ctx, false, 0));
  const compiled = query.compile();
  const map = collectSlots(compiled, binding.params.length);
  return CompiledQuery.raw(compiled.sql, map.map((i) => binding.params[i]));
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
  const binding: Binding = { key: `${meta.cacheKey}|delete|`, params: [], dialect: db.dialect };
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
