/**
 * The statements that carry out table changes on databases that alter tables in place
 * (PostgreSQL and MySQL). Ordered so that nothing refers to what is not there yet: foreign keys
 * and indexes go first and come back last. Without partial indexes (MySQL), live-only indexes
 * cover generated twin columns, which follow their columns here.
 */
import { ddl, type ColumnSpec, type IndexSpec, type SqlDialect, type TableSpec } from '../../db/index.ts';
import type { AlterTable, TableChange } from './diff.ts';

const {
  addForeignKeySql, addTwinSql, checkClause, columnDefinition, columnType, createIndexSql, createTableSql, dropForeignKeySql,
  dropIndexSql, liveTwin, twinsOf,
} = ddl;

export interface StatementOptions {
  /** PostgreSQL: build and drop indexes without locking writes (outside a transaction). */
  concurrently?: boolean;
}

export function alterStatements(dialect: SqlDialect, changes: readonly TableChange[], options: StatementOptions = {}): string[] {
  const q = (name: string) => dialect.quote(name);
  const literal = (value: unknown) => dialect.literal(value);
  const twinned = !dialect.partialIndexes;
  const early: string[] = [];
  const middle: string[] = [];
  const late: string[] = [];
  const drops: string[] = [];
  const indexesToAdd: Array<[string, IndexSpec]> = [];
  const twinsToAdd: Array<[string, ColumnSpec, string]> = [];
  // Tables dropped together may point at each other (a model and the link table of its
  // many-to-many, or a cycle): their keys between them go first, so any order of drops works.
  const dropped = new Set(changes.filter((c) => c.kind === 'drop').map((c) => c.table.name));
  // A column whose type changes cannot be altered while a foreign key joins it to another (MySQL
  // refuses; PostgreSQL would check every row twice): such keys go first and come back last.
  const retyped = new Set(changes.flatMap((c) => (c.kind === 'alter' ? c.alteredColumns.filter((a) => columnType(dialect, a.before) !== columnType(dialect, a.after)).map((a) => `${c.before.name}.${a.before.name}`) : [])));
  for (const change of changes) {
    if (change.kind === 'create') {
      middle.push(createTableSql(dialect, change.table));
      if (twinned) for (const [column, condition] of twinsOf(change.table)) twinsToAdd.push([change.table.name, columnOf(change.table, column), condition]);
      for (const index of change.table.indexes) indexesToAdd.push([change.table.name, index]);
      for (const fk of change.table.foreignKeys) late.push(addForeignKeySql(dialect, change.table.name, fk));
      continue;
    }
    if (change.kind === 'drop') {
      for (const fk of change.table.foreignKeys) if (dropped.has(fk.refTable)) early.push(dropForeignKeySql(dialect, change.table.name, fk));
      drops.push(`drop table${dialect.ddlIfExists} ${q(change.table.name)}`);
      continue;
    }
    const { before, after } = change;
    const droppedIndexes = [...change.droppedIndexes];
    const addedIndexes = [...change.addedIndexes];
    if (twinned) replaceTwinnedIndexes(change, droppedIndexes, addedIndexes);
    const droppedForeignKeys = [...change.droppedForeignKeys];
    const addedForeignKeys = [...change.addedForeignKeys];
    // MySQL keeps a key's index while the key stands: an index over a key's column is dropped
    // (a key becoming one-to-one swaps it for a unique one) with the key off, as a retyped column is.
    const reindexed = new Set(droppedIndexes.map((index) => index.columns[0]));
    for (const fk of before.foreignKeys) {
      const touched = retyped.has(`${before.name}.${fk.column}`) || retyped.has(`${fk.refTable}.${fk.refColumn}`) || reindexed.has(fk.column);
      if (droppedForeignKeys.includes(fk) || !touched) continue;
      droppedForeignKeys.push(fk);
      const again = after.foreignKeys.find((k) => k.name === fk.name);
      if (again !== undefined && !addedForeignKeys.includes(again)) addedForeignKeys.push(again);
    }
    for (const fk of droppedForeignKeys) early.push(dropForeignKeySql(dialect, before.name, fk));
    for (const check of change.droppedChecks) early.push(`alter table ${q(before.name)} drop constraint${dialect.ddlIfExists} ${q(check.name)}`);
    for (const index of droppedIndexes) early.push(dropIndexSql(dialect, before.name, index, options));
    if (twinned) {
      const kept = twinsOf(after);
      for (const [column] of twinsOf(before)) {
        if (!stillTwinned(change, column, kept)) early.push(`alter table ${q(before.name)} drop column${dialect.ddlIfExists} ${q(liveTwin(column))}`);
      }
    }
    if (before.name !== after.name) middle.push(dialect.renameTableSql(before.name, after.name));
    const table = q(after.name);
    for (const [from, to] of change.renamedColumns) middle.push(`alter table ${table} rename column${dialect.ddlIfExists} ${q(from)} to ${q(to)}`);
    for (const column of change.droppedColumns) middle.push(`alter table ${table} drop column${dialect.ddlIfExists} ${q(column.name)}`);
    for (const plan of change.addedColumns) {
      if (plan.fill === undefined || plan.column.nullable) {
        middle.push(`alter table ${table} add column${dialect.ddlIfNotExists} ${columnDefinition(dialect, plan.column)}`);
        if (plan.fill !== undefined && plan.fill !== null) middle.push(`update ${table} set ${q(plan.column.name)} = ${literal(plan.fill)} where ${q(plan.column.name)} is null`);
      } else {
        // Rows that exist get the fill through a default that is dropped at once, as Django does:
        // the column keeps no default in the database.
        middle.push(`alter table ${table} add column${dialect.ddlIfNotExists} ${columnDefinition(dialect, plan.column, { defaultValue: literal(plan.fill) })}`);
        middle.push(`alter table ${table} alter column ${q(plan.column.name)} drop default`);
      }
    }
    for (const { before: old, after: column, fill } of change.alteredColumns) {
      const name = q(column.name);
      if (fill !== undefined && old.nullable && !column.nullable) middle.push(`update ${table} set ${name} = ${literal(fill)} where ${name} is null`);
      if (dialect.modifiesWholeColumn) {
        // A key that stays the key keeps its index: saying `primary key` again would be a second one.
        const definition = old.primaryKey && column.primaryKey ? { ...column, primaryKey: false, nullable: false } : column;
        middle.push(`alter table ${table} modify column ${columnDefinition(dialect, definition)}`);
        continue;
      }
      const type = columnType(dialect, column);
      if (old.autoIncrement && !column.autoIncrement) middle.push(`alter table ${table} alter column ${name} drop identity`);
      // USING only when the kind of value changes: an explicit cast to a shorter varchar cuts
      // values silently, where the plain change refuses them ("value too long"), as in Django.
      if (type !== columnType(dialect, old)) middle.push(`alter table ${table} alter column ${name} type ${type}${old.type === column.type ? '' : ` using ${name}::${type}`}`);
      if (old.nullable !== column.nullable) middle.push(`alter table ${table} alter column ${name} ${column.nullable ? 'drop' : 'set'} not null`);
      if (!old.autoIncrement && column.autoIncrement) {
        middle.push(`alter table ${table} alter column ${name} add ${dialect.autoIncrementClause}`);
        // The new sequence starts past the keys the rows already have.
        const reset = dialect.resetSequenceSql(after.name, column.name);
        if (reset !== undefined) middle.push(reset);
      }
    }
    if (twinned) {
      const had = twinsOf(before);
      for (const [column, condition] of twinsOf(after)) {
        if (!had.has(column) || !stillTwinned(change, column, twinsOf(after))) twinsToAdd.push([after.name, columnOf(after, column), condition]);
      }
    }
    for (const index of addedIndexes) indexesToAdd.push([after.name, index]);
    for (const fk of addedForeignKeys) late.push(addForeignKeySql(dialect, after.name, fk));
    for (const check of change.addedChecks) late.push(`alter table ${q(after.name)} add ${checkClause(dialect, check).replace(/^constraint /, `constraint${dialect.ddlIfNotExists} `)}`);
  }
  const twins = twinsToAdd.map(([table, column, condition]) => addTwinSql(table, column, condition, dialect));
  const indexes = indexesToAdd.map(([table, index]) => createIndexSql(dialect, table, index, options));
  return [...early, ...middle, ...drops, ...twins, ...indexes, ...late];
}

function columnOf(table: TableSpec, name: string): ColumnSpec {
  const column = table.columns.find((c) => c.name === name);
  if (column === undefined) throw new Error(`${table.name} has no column ${name}`);
  return column;
}

/**
 * Without partial indexes: a twin follows its column and its deciding column only while both stay as they were;
 * a column renamed, altered or dropped takes its twin (and the indexes over it) down with it.
 */
function stillTwinned(change: AlterTable, column: string, twinsAfter: ReadonlyMap<string, string>): boolean {
  const touched = new Set([
    ...change.droppedColumns.map((c) => c.name),
    ...change.renamedColumns.flatMap(([from, to]) => [from, to]),
    ...change.alteredColumns.flatMap((a) => [a.before.name, a.after.name]),
  ]);
  const condition = twinsOf(change.before).get(column);
  return twinsAfter.get(column) === condition && !touched.has(column) && (condition === undefined || !touched.has(condition));
}

function replaceTwinnedIndexes(change: AlterTable, dropped: IndexSpec[], added: IndexSpec[]): void {
  const after = twinsOf(change.after);
  for (const index of change.before.indexes) {
    if (index.onlyWhereNull === undefined || dropped.some((d) => d.name === index.name)) continue;
    if (index.columns.some((column) => !stillTwinned(change, column, after))) {
      dropped.push(index);
      const again = change.after.indexes.find((i) => i.name === index.name);
      if (again !== undefined && !added.includes(again)) added.push(again);
    }
  }
}
