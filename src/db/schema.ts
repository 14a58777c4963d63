import { sql, type Kysely, type CreateTableBuilder, type ForeignKeyConstraintBuilder } from 'kysely';
import type { DialectName } from './url.ts';

/** Column types in the database's terms; each dialect spells them its own way. */
export type ColumnType =
  | 'varchar' | 'text' | 'integer' | 'bigint' | 'float' | 'decimal' | 'boolean'
  | 'date' | 'datetime' | 'json' | 'uuid';

export interface ColumnSpec {
  name: string;
  type: ColumnType;
  nullable: boolean;
  primaryKey?: boolean;
  autoIncrement?: boolean;
  maxLength?: number;
  maxDigits?: number;
  decimalPlaces?: number;
}

export interface ForeignKeySpec {
  name: string;
  column: string;
  refTable: string;
  refColumn: string;
}

export interface IndexSpec {
  name: string;
  columns: string[];
  unique: boolean;
  /**
   * Only rows where this column IS NULL count: uniqueness among live rows of a soft-delete
   * table. A partial index on SQLite and PostgreSQL; MySQL has none, so there each column gets a
   * generated twin that is NULL for other rows, and the index covers the twins.
   */
  onlyWhereNull?: string;
}

/** A CHECK constraint: a condition in SQL over the table's columns. */
export interface CheckSpec {
  name: string;
  sql: string;
}

export interface TableSpec {
  name: string;
  columns: ColumnSpec[];
  foreignKeys: ForeignKeySpec[];
  indexes: IndexSpec[];
  checks?: CheckSpec[];
}

type SchemaSource = () => TableSpec[];
let schemaSource: SchemaSource = () => [];

/** The ORM tells the database layer which tables its models need, keeping imports pointing down. */
export function setSchemaSource(source: SchemaSource): void {
  schemaSource = source;
}

export function registeredTables(): TableSpec[] {
  return schemaSource();
}

export function columnTypeSql(dialect: DialectName, column: ColumnSpec): string {
  switch (column.type) {
    case 'varchar':
      return `varchar(${column.maxLength ?? 255})`;
    case 'text':
      return dialect === 'mysql' ? 'longtext' : 'text';
    case 'integer':
      return 'integer';
    case 'bigint':
      return dialect === 'sqlite' ? 'integer' : 'bigint';
    case 'float':
      return dialect === 'postgres' ? 'double precision' : dialect === 'mysql' ? 'double' : 'real';
    case 'decimal':
      return `decimal(${column.maxDigits ?? 10}, ${column.decimalPlaces ?? 2})`;
    case 'boolean':
      return dialect === 'postgres' ? 'boolean' : dialect === 'mysql' ? 'tinyint(1)' : 'integer';
    case 'date':
      return dialect === 'sqlite' ? 'text' : 'date';
    case 'datetime':
      return dialect === 'postgres' ? 'timestamptz' : dialect === 'mysql' ? 'datetime(6)' : 'text';
    case 'json':
      return dialect === 'postgres' ? 'jsonb' : dialect === 'mysql' ? 'json' : 'text';
    case 'uuid':
      return dialect === 'postgres' ? 'uuid' : 'char(36)';
  }
}

function addColumn(
  builder: CreateTableBuilder<string, string>,
  dialect: DialectName,
  column: ColumnSpec,
): CreateTableBuilder<string, string> {
  const type = column.autoIncrement && dialect === 'sqlite' ? 'integer' : columnTypeSql(dialect, column);
  return builder.addColumn(column.name, sql.raw(type), (col) => {
    if (column.primaryKey) col = col.primaryKey();
    if (column.autoIncrement) {
      col = dialect === 'postgres' ? col.generatedByDefaultAsIdentity() : col.autoIncrement();
    }
    if (!column.nullable && !column.primaryKey) col = col.notNull();
    return col;
  });
}

/**
 * Creates the tables that do not exist yet, then their foreign keys and indexes. Foreign keys
 * are checked at commit on SQLite and PostgreSQL (as Django makes them), so that one transaction
 * may delete rows that refer to each other in any order. Foreign keys
 * are added after every table exists so that models may point at each other in a cycle; SQLite
 * cannot add constraints later but accepts references to tables created afterwards.
 */
export async function createTables(db: Kysely<any>, dialect: DialectName, tables: TableSpec[]): Promise<string[]> {
  const existing = new Set((await db.introspection.getTables()).map((t) => t.name));
  const created = tables.filter((t) => !existing.has(t.name));
  for (const table of created) {
    let builder = db.schema.createTable(table.name) as CreateTableBuilder<string, string>;
    for (const column of table.columns) builder = addColumn(builder, dialect, column);
    if (dialect === 'sqlite') {
      for (const fk of table.foreignKeys) {
        builder = builder.addForeignKeyConstraint(fk.name, [fk.column], fk.refTable, [fk.refColumn], (c) => c.deferrable().initiallyDeferred());
      }
    }
    for (const check of table.checks ?? []) builder = builder.addCheckConstraint(check.name, sql.raw(check.sql));
    if (dialect === 'mysql') {
      // Binary collation makes comparisons case-sensitive, as they are on SQLite and PostgreSQL.
      builder = builder.modifyEnd(sql`default charset=utf8mb4 collate=utf8mb4_bin`);
    }
    await builder.execute();
  }
  for (const table of created) {
    if (dialect !== 'sqlite') {
      for (const fk of table.foreignKeys) {
        // MySQL has no deferrable constraints; the deletion engine orders its statements for it.
        const deferred = dialect === 'postgres' ? (c: ForeignKeyConstraintBuilder) => c.deferrable().initiallyDeferred() : undefined;
        await db.schema
          .alterTable(table.name)
          .addForeignKeyConstraint(fk.name, [fk.column], fk.refTable, [fk.refColumn], deferred)
          .execute();
      }
    }
    for (const index of table.indexes) await createIndex(db, dialect, table.name, index);
  }
  return created.map((t) => t.name);
}

async function createIndex(db: Kysely<any>, dialect: DialectName, table: string, index: IndexSpec): Promise<void> {
  let columns = index.columns;
  const condition = index.onlyWhereNull;
  if (condition !== undefined && dialect === 'mysql') {
    columns = [];
    for (const column of index.columns) {
      const twin = `${column}__live`;
      columns.push(twin);
      // Another live-only index over the column made its twin already.
      if (await columnTypeOf(db, table, twin) !== undefined) continue;
      await sql`alter table ${sql.table(table)} add column ${sql.ref(twin)} ${sql.raw((await columnTypeOf(db, table, column))!)} as (if(${sql.ref(condition)} is null, ${sql.ref(column)}, null)) stored`.execute(db);
    }
  }
  let builder = db.schema.createIndex(index.name).on(table).columns(columns);
  if (index.unique) builder = builder.unique();
  if (condition !== undefined && dialect !== 'mysql') builder = builder.where(sql.ref(condition), 'is', null);
  await builder.execute();
}

async function columnTypeOf(db: Kysely<any>, table: string, column: string): Promise<string | undefined> {
  const { rows } = await sql<{ column_type: string }>`select column_type from information_schema.columns where table_schema = database() and table_name = ${table} and column_name = ${column}`.execute(db);
  return rows[0]?.column_type;
}
