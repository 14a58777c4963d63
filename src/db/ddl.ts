/**
 * DDL, written with what each database spells its own way asked of its dialect object
 * (./dialects/). Every function takes a dialect name (as code outside Trove calls them) or the
 * dialect object itself.
 */
import { dialectOf, type SqlDialect } from './dialect.ts';
import type { CheckSpec, ColumnSpec, ForeignKeySpec, IndexSpec, TableSpec } from './schema.ts';
import type { DialectName } from './url.ts';

export type DialectLike = DialectName | SqlDialect;

function dialectFrom(dialect: DialectLike): SqlDialect {
  return typeof dialect === 'string' ? dialectOf(dialect) : dialect;
}

export function columnTypeSql(dialect: DialectLike, column: ColumnSpec): string {
  return dialectFrom(dialect).columnType(column);
}

export function quote(dialect: DialectLike, name: string): string {
  return dialectFrom(dialect).quote(name);
}

/** A value written into the SQL itself, as `sqlmigrate` shows it (Django inlines them too). */
export function literal(dialect: DialectLike, value: unknown): string {
  return dialectFrom(dialect).literal(value);
}

export function columnType(dialect: DialectLike, column: ColumnSpec): string {
  const d = dialectFrom(dialect);
  if (column.autoIncrement && d.autoIncrementType !== undefined) return d.autoIncrementType;
  return d.columnType(column);
}

/** `"title" varchar(200) not null`, with the key and identity clauses of an auto-increment id. */
export function columnDefinition(dialect: DialectLike, column: ColumnSpec, options: { defaultValue?: string } = {}): string {
  const d = dialectFrom(dialect);
  const parts = [d.quote(column.name), columnType(d, column)];
  if (options.defaultValue !== undefined) parts.push(`default ${options.defaultValue}`);
  if (column.primaryKey) parts.push('primary key');
  if (column.autoIncrement) parts.push(d.autoIncrementClause);
  else if (!column.nullable && !column.primaryKey) parts.push('not null');
  return parts.join(' ');
}

/** When the database checks a foreign key: at commit where it can (see SqlDialect.deferrableForeignKeys). */
function checkedAtCommit(d: SqlDialect): string {
  return d.deferrableForeignKeys ? ' deferrable initially deferred' : '';
}

export function foreignKeyClause(dialect: DialectLike, fk: ForeignKeySpec): string {
  const d = dialectFrom(dialect);
  return `constraint ${d.quote(fk.name)} foreign key (${d.quote(fk.column)}) references ${d.quote(fk.refTable)} (${d.quote(fk.refColumn)})${checkedAtCommit(d)}`;
}

/** The foreign key of a column, written in the column's definition (as SQLite adds one with its column). */
export function columnReferenceClause(dialect: DialectLike, fk: ForeignKeySpec): string {
  const d = dialectFrom(dialect);
  return `constraint ${d.quote(fk.name)} references ${d.quote(fk.refTable)} (${d.quote(fk.refColumn)})${checkedAtCommit(d)}`;
}

/** CREATE TABLE with the columns, and the foreign keys where they cannot be added later. */
export function createTableSql(dialect: DialectLike, table: TableSpec, name = table.name): string {
  const d = dialectFrom(dialect);
  const lines = table.columns.map((column) => columnDefinition(d, column));
  if (d.foreignKeysInCreateTable) for (const fk of table.foreignKeys) lines.push(foreignKeyClause(d, fk));
  for (const check of table.checks ?? []) lines.push(checkClause(d, check));
  return `create table${d.ddlIfNotExists} ${d.quote(name)} (\n  ${lines.join(',\n  ')}\n)${d.tableOptions}`;
}

export function checkClause(dialect: DialectLike, check: CheckSpec): string {
  return `constraint ${quote(dialect, check.name)} check (${check.sql})`;
}

export function renameTableSql(dialect: DialectLike, from: string, to: string): string {
  return dialectFrom(dialect).renameTableSql(from, to);
}

export function addForeignKeySql(dialect: DialectLike, table: string, fk: ForeignKeySpec): string {
  const d = dialectFrom(dialect);
  return `alter table ${d.quote(table)} add ${foreignKeyClause(d, fk).replace(' foreign key (', ` foreign key${d.ddlIfNotExists} (`)}`;
}

export function dropForeignKeySql(dialect: DialectLike, table: string, fk: ForeignKeySpec): string {
  const d = dialectFrom(dialect);
  return `alter table ${d.quote(table)} ${d.dropForeignKey}${d.ddlIfExists} ${d.quote(fk.name)}`;
}

/** Where there are no partial indexes: a live-only unique index covers generated twins, NULL in the trash. */
export function liveTwin(column: string): string {
  return `${column}__live`;
}

export function createIndexSql(dialect: DialectLike, table: string, index: IndexSpec, options: { concurrently?: boolean } = {}): string {
  const d = dialectFrom(dialect);
  const live = index.onlyWhereNull !== undefined;
  const columns = (live && !d.partialIndexes ? index.columns.map(liveTwin) : index.columns).map((c) => d.quote(c)).join(', ');
  const concurrently = options.concurrently && d.concurrentIndexes ? ' concurrently' : '';
  const where = live && d.partialIndexes ? ` where ${d.quote(index.onlyWhereNull!)} is null` : '';
  return `create ${index.unique ? 'unique ' : ''}index${concurrently}${d.ddlIfNotExists} ${d.quote(index.name)} on ${d.quote(table)} (${columns})${where}`;
}

export function dropIndexSql(dialect: DialectLike, table: string, index: IndexSpec, options: { concurrently?: boolean } = {}): string {
  const d = dialectFrom(dialect);
  if (d.dropIndexNamesTable) return `drop index${d.ddlIfExists} ${d.quote(index.name)} on ${d.quote(table)}`;
  return `drop index${options.concurrently && d.concurrentIndexes ? ' concurrently' : ''} ${d.quote(index.name)}`;
}

/** The generated twin of `column` that live-only indexes cover where there are no partial indexes (MySQL's syntax). */
export function addTwinSql(table: string, column: ColumnSpec, condition: string, dialect: DialectLike = 'mysql'): string {
  const d = dialectFrom(dialect);
  const q = (name: string) => d.quote(name);
  return `alter table ${q(table)} add column${d.ddlIfNotExists} ${q(liveTwin(column.name))} ${columnType(d, { ...column, autoIncrement: false })} as (if(${q(condition)} is null, ${q(column.name)}, null)) stored`;
}

/** The twins a table needs without partial indexes: every column of a live-only index, with the column that decides. */
export function twinsOf(table: TableSpec): Map<string, string> {
  const twins = new Map<string, string>();
  for (const index of table.indexes) {
    if (index.onlyWhereNull === undefined) continue;
    for (const column of index.columns) twins.set(column, index.onlyWhereNull);
  }
  return twins;
}
