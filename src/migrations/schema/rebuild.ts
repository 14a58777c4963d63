/**
 * Databases that rebuild a table to alter it (SQLite, see SqlDialect.rebuildsTableToAlter) alter
 * little in place: they rename tables and columns, add plain columns and drop unconstrained ones.
 * Anything else rebuilds the table: a new table in the final shape, the rows copied across once,
 * the old table dropped and the new one renamed, its indexes made again. The migration runner
 * hands a whole migration's changes here at once, so a table is copied once however many
 * operations touch it.
 */
import { ddl, type ColumnSpec, type ForeignKeySpec, type SqlDialect } from '../../db/index.ts';
import type { AlterTable, TableChange } from './diff.ts';

const { columnDefinition, columnReferenceClause, createIndexSql, createTableSql, dropIndexSql } = ddl;

export function rebuildStatements(dialect: SqlDialect, changes: readonly TableChange[]): string[] {
  const q = (name: string) => dialect.quote(name);
  const drops: string[] = [];
  const alters: string[] = [];
  const creates: string[] = [];
  // SQLite rewrites the references to a table it renames: keys to those follow by themselves.
  const renamedTables = new Map(changes.flatMap((c) => (c.kind === 'alter' && c.before.name !== c.after.name ? [[c.before.name, c.after.name] as const] : [])));
  for (const change of changes) {
    if (change.kind === 'create') {
      creates.push(createTableSql(dialect, change.table));
      for (const index of change.table.indexes) creates.push(createIndexSql(dialect, change.table.name, index));
    } else if (change.kind === 'drop') {
      drops.push(`drop table ${q(change.table.name)}`);
    } else if (canAlterInPlace(change, renamedTables)) {
      alters.push(...alterInPlace(dialect, change));
    } else {
      alters.push(...rebuild(dialect, change));
    }
  }
  // A name a dropped or renamed table frees may be taken by another (a model renamed, and a new
  // one created under its old name): drops go first and creates last. Keys are not checked
  // while a migration runs on SQLite, so no order is needed among the tables themselves.
  return [...drops, ...alters, ...creates];
}

/** True when the table need not be copied: see the module's comment. */
export function canAlterInPlace(change: AlterTable, renamedTables: ReadonlyMap<string, string> = new Map()): boolean {
  if (change.droppedChecks.length > 0 || change.addedChecks.length > 0) return false;
  if (change.alteredColumns.some(({ before, after }) => !sameOnSqlite(before, after))) return false;
  if (!sameForeignKeys(change.droppedForeignKeys, change.addedForeignKeys, change, renamedTables)) return false;
  const constrained = new Set(change.before.foreignKeys.map((fk) => fk.column));
  if (change.droppedColumns.some((c) => c.primaryKey || constrained.has(c.name))) return false;
  for (const plan of change.addedColumns) {
    if (plan.column.primaryKey || plan.column.autoIncrement) return false;
    // Old rows get a value only through a DEFAULT, which SQLite cannot drop again: copying the
    // table fills them and keeps no default, as the docs promise (Django remakes the table too).
    const filled = plan.fill !== undefined && plan.fill !== null;
    if (filled || !plan.column.nullable) return false;
  }
  return true;
}

/** SQLite ignores lengths and precisions: a change of those alone changes nothing there. */
function sameOnSqlite(a: ColumnSpec, b: ColumnSpec): boolean {
  return a.type === b.type && a.nullable === b.nullable && !!a.primaryKey === !!b.primaryKey;
}

/**
 * Foreign keys that differ only in naming a table that was renamed are the same constraint:
 * SQLite rewrites the references when the table they point at is renamed. A key retargeted to
 * another table is not, and needs the copy. Added foreign keys on added nullable columns go in
 * with the column.
 */
function sameForeignKeys(dropped: readonly ForeignKeySpec[], added: readonly ForeignKeySpec[], change: AlterTable, renamedTables: ReadonlyMap<string, string>): boolean {
  const newColumns = new Set(change.addedColumns.map((p) => p.column.name));
  const addedOnOldColumns = added.filter((fk) => !newColumns.has(fk.column));
  if (addedOnOldColumns.length !== dropped.length) return false;
  const sameTable = (before: string, after: string) => before === after || renamedTables.get(before) === after;
  return addedOnOldColumns.every((fk) => dropped.some((d) => d.name === fk.name && d.column === fk.column && d.refColumn === fk.refColumn && sameTable(d.refTable, fk.refTable)));
}

function alterInPlace(dialect: SqlDialect, change: AlterTable): string[] {
  const q = (name: string) => dialect.quote(name);
  const { before, after } = change;
  const statements = change.droppedIndexes.map((index) => dropIndexSql(dialect, before.name, index));
  if (before.name !== after.name) statements.push(dialect.renameTableSql(before.name, after.name));
  const table = q(after.name);
  for (const [from, to] of change.renamedColumns) statements.push(`alter table ${table} rename column ${q(from)} to ${q(to)}`);
  for (const column of change.droppedColumns) statements.push(`alter table ${table} drop column ${q(column.name)}`);
  for (const plan of change.addedColumns) {
    const fk = after.foreignKeys.find((f) => f.column === plan.column.name);
    let definition = columnDefinition(dialect, plan.column);
    if (fk !== undefined) definition += ` ${columnReferenceClause(dialect, fk)}`;
    statements.push(`alter table ${table} add column ${definition}`);
  }
  for (const index of change.addedIndexes) statements.push(createIndexSql(dialect, after.name, index));
  return statements;
}

function rebuild(dialect: SqlDialect, change: AlterTable): string[] {
  const q = (name: string) => dialect.quote(name);
  const { before, after } = change;
  const temporary = `__new__${after.name}`;
  const targets = change.columns.map((plan) => q(plan.column.name));
  const sources = change.columns.map((plan) => {
    const fill = plan.fill === undefined ? undefined : dialect.literal(plan.fill);
    if (plan.source === undefined) return fill ?? 'NULL';
    return fill === undefined ? q(plan.source.name) : `coalesce(${q(plan.source.name)}, ${fill})`;
  });
  // A table that is also renamed is renamed first, so that SQLite rewrites the keys of other
  // tables to its new name; then it is copied under that name, which those keys keep naming.
  const renamed = before.name === after.name ? [] : [dialect.renameTableSql(before.name, after.name)];
  return [
    ...renamed,
    createTableSql(dialect, after, temporary),
    `insert into ${q(temporary)} (${targets.join(', ')}) select ${sources.join(', ')} from ${q(after.name)}`,
    `drop table ${q(after.name)}`,
    dialect.renameTableSql(temporary, after.name),
    ...after.indexes.map((index) => createIndexSql(dialect, after.name, index)),
  ];
}
